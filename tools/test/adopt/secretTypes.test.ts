import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { DesiredObject, KubeObject, objectId } from "../../adopt/model";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { listId } from "../../adopt/declared";
import { repoRoot } from "../../root";
import { FakeCluster, live } from "./fixtures";
import { inNamespaces, systemObjects } from "../../../test/fixtures/live/program";

// A Secret whose type the program changes (the bots' Opaque Secrets, `kubernetes.io/ssh-auth` in the program) cannot
// be changed in place: the API server refuses a type change, so it is deleted and created around the up. The set is
// whatever differs between the plan and the live objects: every such Secret blocks with the ordered swap, and names
// the live workloads that read it, to run the delete and the up back to back and watch them afterwards.

const POD_KINDS = ["Deployment", "StatefulSet", "DeploymentConfig", "CronJob"];
const NAMESPACES = ["aicoe-prod-bots", "thoth-test-core"];

/** The type the API server stores. */
const typeOf = (o: KubeObject) => String(o.type ?? "Opaque");

/** Whether workload `w` hands Secret `name` to its pods, by any reference (the oracle reads the JSON as text). */
function reads(w: KubeObject, name: string): boolean {
    const text = JSON.stringify(w.spec);
    return (
        text.includes(`"secretName":"${name}"`) ||
        new RegExp(`"(secretKeyRef|secretRef|secret)":\\{[^}]*"name":"${name}"`).test(text)
    );
}

describe("adopt: Secrets whose type the program changes (Thoth's bots)", function () {
    this.timeout(300_000);
    let desired: DesiredObject[];
    let secrets: KubeObject[];
    let workloads: KubeObject[];

    before(async () => {
        desired = inNamespaces(await systemObjects("prod", "thoth"), NAMESPACES);
        secrets = desired.map((d) => d.object).filter((o) => o.kind === "Secret");
        workloads = desired.map((d) => d.object).filter((o) => POD_KINDS.includes(o.kind));
    });

    /** The report over the program's own objects as live, the Secrets `opaque` names stored Opaque today. */
    async function reportWith(opaque: ReadonlySet<string>) {
        const objects = [
            ...desired
                .map((d) => d.object)
                .filter((o) => o.kind === "Namespace")
                .map((o) => live(o)),
            ...workloads.map((w) => live(w)),
            ...secrets.map((s) => {
                const copy = live(s);
                if (opaque.has(objectId(s))) copy.type = "Opaque";
                return copy;
            }),
        ];
        const r = await inspectCluster(
            "psi",
            desired,
            new FakeCluster(objects, { openshift: true }),
            8,
            new Map(),
            {
                stack: "prod",
                // What runs is the program's own: every workload adopted, the rest by its name.
                lists: {
                    thoth: {
                        sameName: "adopt",
                        objects: Object.fromEntries(workloads.map((w) => [listId(w), "adopt"])),
                    },
                },
            },
        );
        return buildReport("prod", r.findings, r.leftBehind, [], r);
    }

    it("production's bots' Secrets, Opaque today: each ssh-auth Secret of the plan blocks with the ordered swap and its readers", async () => {
        const changing = secrets.filter((s) => typeOf(s) === "kubernetes.io/ssh-auth");
        // The plan's: kebechet-secret, nepthys-secret and sesheta-secret of the bots, and the station's kebechet.
        assert.deepEqual(changing.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort(), [
            "aicoe-prod-bots/kebechet-secret",
            "aicoe-prod-bots/nepthys-secret",
            "aicoe-prod-bots/sesheta-secret",
            "thoth-test-core/kebechet",
        ]);
        const r = await reportWith(new Set(changing.map(objectId)));
        const text = renderReport(r);
        for (const s of changing) {
            const f = r.findings.find((x) => x.id === objectId(s))!;
            assert.equal(f.verdict, "blocking", text);
            const ns = s.metadata.namespace;
            const steps = f.reasons.join("\n");
            assert.match(steps, new RegExp(`kubectl -n ${ns} get secret ${s.metadata.name} -o json`));
            assert.match(
                steps,
                new RegExp(`right before pulumi up: kubectl -n ${ns} delete secret ${s.metadata.name} `),
            );
            assert.match(steps, /pulumi up creates it with type kubernetes\.io\/ssh-auth/);
            const readers = workloads.filter((w) => w.metadata.namespace === ns && reads(w, s.metadata.name));
            for (const w of readers.filter((x) => x.kind !== "CronJob"))
                assert.match(
                    steps,
                    new RegExp(
                        `rollout status ${w.kind === "DeploymentConfig" ? "dc" : w.kind.toLowerCase()}/${w.metadata.name} `,
                    ),
                );
            if (readers.length > 0) assert.match(steps, /back to back/);
        }
        assert.deepEqual(
            r.takeovers.flatMap((t) => t.problems),
            [],
        );
        assert.equal(exitCode(r), 2);
    });

    it("generated: exactly the Secrets stored with another type than the plan's block, each with its readers", async () => {
        await fc.assert(
            fc.asyncProperty(fc.subarray(secrets.map(objectId)), async (opaque) => {
                const set = new Set(opaque);
                const r = await reportWith(set);
                const blocking = r.findings
                    .filter((f) => f.id.startsWith("v1/Secret/") && f.verdict === "blocking")
                    .map((f) => f.id)
                    .sort();
                const want = secrets
                    .filter((s) => set.has(objectId(s)) && typeOf(s) !== "Opaque")
                    .map(objectId)
                    .sort();
                assert.deepEqual(blocking, want);
                for (const id of want) {
                    const s = secrets.find((x) => objectId(x) === id)!;
                    const named = r.findings
                        .find((f) => f.id === id)!
                        .reasons.some((x) => x.startsWith("read today by "));
                    assert.equal(
                        named,
                        workloads.some(
                            (w) => w.metadata.namespace === s.metadata.namespace && reads(w, s.metadata.name),
                        ),
                        id,
                    );
                }
            }),
            { numRuns: 8, seed: 68 },
        );
    });

    it("docs/operate/first-deploy.md names every Secret the prod plan gives a type other than Opaque (each may be Opaque today)", async () => {
        const all = (await systemObjects("prod", "thoth")).map((d) => d.object);
        const typed = all.filter(
            (o) =>
                o.kind === "Secret" && !["Opaque", "kubernetes.io/service-account-token"].includes(typeOf(o)),
        );
        assert.ok(typed.length >= 4);
        const doc = readFileSync(path.join(repoRoot(), "docs/operate/first-deploy.md"), "utf8");
        for (const s of typed)
            assert.ok(
                doc.includes(`${s.metadata.namespace}/${s.metadata.name}`),
                `first-deploy.md does not name ${s.metadata.namespace}/${s.metadata.name}`,
            );
    });
});
