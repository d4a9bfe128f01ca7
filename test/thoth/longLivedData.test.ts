// Issue 39, finding 2: stage's station data (the knowledge graph's 120Gi claim, Dgraph's claims) was unprotected,
// because protection followed "production" alone. The rule: long-lived data is kept on every stack but a local one.
import { strict as assert } from "assert";
import { keepsLongLivedData, stackTier } from "../../components/config/system";
import { thoth } from "../../components/thoth/index";
import { Thoth } from "../../components/thoth/thoth";
import type { RecordedResource } from "../../tools/mocks/recorder";
import { evaluatePart } from "../fixtures/part";
import { recordedResources, stackPlan } from "../fixtures/plans";
import { confirmImages, nameRouteAudiences } from "../placeholders";
import { THOTH } from "./fixtures";
import { PVC as CLAIM, STATEFULSET as STATEFUL_SET, NAMESPACE } from "../fixtures/resourceTypes";

type Resource = Pick<RecordedResource, "type" | "inputs" | "protect" | "retainOnDelete">;

const meta = (r: Resource) => (r.inputs.metadata ?? {}) as { name?: string; namespace?: string };
const id = (r: Resource) => `${r.type.split(":").pop()} ${meta(r).namespace ?? ""}/${meta(r).name}`;

/** What holds long-lived data: a claim, or a StatefulSet whose claim templates make claims. */
function holdsData(r: Resource): boolean {
    const templates = (r.inputs.spec as { volumeClaimTemplates?: unknown[] } | undefined)
        ?.volumeClaimTemplates;
    return r.type === CLAIM || (r.type === STATEFUL_SET && (templates ?? []).length > 0);
}

/** Each data holder and its Namespace that is not protected and retained. */
function unkept(resources: readonly Resource[]): string[] {
    const namespaces = new Map(resources.filter((r) => r.type === NAMESPACE).map((r) => [meta(r).name, r]));
    const kept = (r: Resource) => r.protect && r.retainOnDelete;
    return resources.filter(holdsData).flatMap((r) => {
        const ns = namespaces.get(meta(r).namespace);
        return [...(kept(r) ? [] : [id(r)]), ...(ns && !kept(ns) ? [`${id(ns)} (holds ${id(r)})`] : [])];
    });
}

describe("Thoth station: long-lived data is kept on every stack but a local one", function () {
    this.timeout(180_000);

    it("the rule: every tier but local keeps long-lived data", () => {
        assert.deepEqual(
            stackTier.options.filter((t) => keepsLongLivedData(t)),
            stackTier.options.filter((t) => t !== "local"),
        );
    });

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: every claim and claim template of Thoth, and its Namespace, is protected and retained`, async () => {
            const resources = recordedResources(await stackPlan(stack)).filter((r) => r.system === "thoth");
            const holders = resources.filter(holdsData).map(id);
            // The knowledge graph's claim and Dgraph's StatefulSets at least: the check is not vacuous.
            const graph = stack === "stage" ? "thoth-graph-stage" : "thoth-test-core";
            assert.ok(holders.includes(`PersistentVolumeClaim ${graph}/pgsql-data`), holders.join("\n"));
            assert.ok(
                holders.some((h) => h.startsWith("StatefulSet ")),
                holders.join("\n"),
            );
            assert.deepEqual(unkept(resources), []);
        });
    }

    it("stage: the knowledge graph's claim is the 120Gi one of the stack file", async () => {
        const claim = recordedResources(await stackPlan("stage")).find(
            (r) =>
                r.type === CLAIM &&
                meta(r).namespace === "thoth-graph-stage" &&
                meta(r).name === "pgsql-data",
        );
        assert.ok(claim);
        assert.equal(
            (claim.inputs.spec as { resources: { requests: { storage: string } } }).resources.requests
                .storage,
            "120Gi",
        );
        assert.ok(claim.protect && claim.retainOnDelete);
    });

    // The same station under each tier: kept wherever the rule says, and a local stack stays disposable.
    for (const tier of stackTier.options) {
        it(`stage's station at tier ${tier}: its data is kept exactly when the tier keeps long-lived data`, async () => {
            const resources = [
                ...(await evaluatePart(
                    THOTH,
                    thoth,
                    "stage",
                    (values) => {
                        values.tier = tier;
                        // A production tier runs only confirmed images: pinned, as its operator must.
                        if (tier === "production") nameRouteAudiences(confirmImages(values));
                    },
                    (config, context) => {
                        new Thoth("thoth", { config, context });
                    },
                )),
            ];
            const holders = resources.filter(holdsData);
            assert.ok(holders.length >= 2, holders.map(id).join("\n"));
            if (keepsLongLivedData(tier)) {
                assert.deepEqual(unkept(resources), []);
            } else {
                assert.deepEqual(
                    holders.filter((r) => r.protect || r.retainOnDelete).map(id),
                    [],
                    "a local stack keeps nothing",
                );
            }
        });
    }
});
