// Retained data survives the deletion of what contains it: a stateful object's Namespace is kept at least as
// firmly as the object, because deleting a namespace makes the namespace controller delete every claim inside it,
// retainOnDelete or not (issue 18, found by a forced destroy on the real engine).
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { statefulReason } from "../../policy/rules/stateful";
import { Namespace } from "../../components/shared/namespace";
import type { RecordedResource } from "../../tools/mocks/recorder";
import { ofType, resetRecorder, runWith, settled, stackSecrets, stackValues } from "../harness";

const NAMESPACE = "kubernetes:core/v1:Namespace";

/** Why an object holds data a delete would lose (the policy's rule, plus claim templates and kept objects). */
function holdsData(r: RecordedResource): string | undefined {
    const reason = statefulReason(r.type, r.inputs);
    if (reason) return reason;
    const spec = r.inputs.spec as { volumeClaimTemplates?: unknown[] } | undefined;
    if (r.type === "kubernetes:apps/v1:StatefulSet" && (spec?.volumeClaimTemplates ?? []).length > 0) {
        return "has volume claim templates";
    }
    if (r.type.startsWith("kubernetes:") && r.retainOnDelete) return "is retained by its options";
    return undefined;
}

function metadata(r: RecordedResource): { name?: string; namespace?: string } {
    return (r.inputs.metadata as { name?: string; namespace?: string } | undefined) ?? {};
}

interface Evaluated {
    resources: RecordedResource[];
    /** metadata.name → the Namespace object the program creates. */
    namespaces: Map<string, RecordedResource>;
    /** Stateful Kubernetes objects inside a namespace the program creates. */
    stateful: { object: RecordedResource; namespace: RecordedResource; reason: string }[];
}

function evaluate(resources: RecordedResource[]): Evaluated {
    const namespaces = new Map(
        resources.filter((r) => r.type === NAMESPACE).map((r) => [metadata(r).name ?? "", r]),
    );
    const stateful = resources.flatMap((object) => {
        const reason = holdsData(object);
        const namespace = namespaces.get(metadata(object).namespace ?? "");
        return reason && namespace ? [{ object, namespace, reason }] : [];
    });
    return { resources, namespaces, stateful };
}

describe("retention of data with its namespace (stage and prod, program under the recording mocks)", function () {
    this.timeout(180_000);
    const stacks: Record<string, Evaluated> = {};

    before(async () => {
        // Each stack once; the mocks are global, so one after the other.
        for (const stack of ["stage", "prod"] as const) {
            const values = stackValues(stack);
            stacks[stack] = evaluate(await runWith({ values, secrets: stackSecrets(stack, values) }));
        }
    });

    for (const stack of ["stage", "prod"]) {
        it(`${stack}: every stateful object's Namespace carries at least the object's protect and retainOnDelete`, () => {
            const { stateful } = stacks[stack];
            const weaker = stateful
                .filter(
                    ({ object, namespace }) =>
                        (object.protect && !namespace.protect) ||
                        (object.retainOnDelete && !namespace.retainOnDelete),
                )
                .map(
                    ({ object, namespace, reason }) =>
                        `${metadata(object).namespace}/${metadata(object).name} (${object.type}, ${reason}: ` +
                        `protect ${object.protect}, retain ${object.retainOnDelete}) is in a namespace with ` +
                        `protect ${namespace.protect}, retain ${namespace.retainOnDelete}`,
                );
            assert.deepEqual(weaker, []);
        });
    }

    it("prod: every stateful object and every namespace the program creates is protected and retained", () => {
        const { stateful, namespaces } = stacks.prod;
        // Claims of Packit, Stream, Prow and the Dgraph StatefulSet at least: the check is not vacuous.
        assert.ok(stateful.length >= 10, `only ${stateful.length} stateful objects in created namespaces`);
        // What the policy pack calls stateful must itself be kept (claim templates of cache-only workers need not).
        assert.deepEqual(
            stateful
                .filter(({ object }) => statefulReason(object.type, object.inputs) !== undefined)
                .filter(({ object }) => !(object.protect && object.retainOnDelete))
                .map(({ object }) => `${metadata(object).namespace}/${metadata(object).name}`),
            [],
            "stateful objects that a destroy could delete",
        );
        assert.deepEqual(
            [...namespaces.values()]
                .filter((ns) => !(ns.protect && ns.retainOnDelete))
                .map((ns) => metadata(ns).name),
            [],
            "production namespaces a destroy would delete with their data",
        );
        for (const ns of ["packit-prod", "stream-prod", "kubevirt-prow", "thoth-test-core"]) {
            assert.ok(
                stateful.some(({ namespace }) => metadata(namespace).name === ns),
                `${ns} holds stateful objects`,
            );
        }
    });

    it("stage: namespaces stay unprotected, so a staging stack can be torn down", () => {
        const { namespaces } = stacks.stage;
        assert.ok(namespaces.size > 5);
        assert.deepEqual(
            [...namespaces.values()]
                .filter((ns) => ns.protect || ns.retainOnDelete)
                .map((ns) => metadata(ns).name),
            [],
        );
    });

    it("the Namespace block decides from the cluster: protected and retained only on a production cluster", async () => {
        resetRecorder();
        for (const production of [true, false]) {
            new Namespace(`retention-${production}`, {
                cluster: {
                    name: `retention-${production}`,
                    platform: "kubernetes",
                    provider: new k8s.Provider(`cluster-retention-${production}`, { kubeconfig: "{}" }),
                    skipIngressAwait: false,
                    production,
                },
                name: `retention-${production}`,
                app: { name: "x", partOf: "test", component: "test", version: "1" },
            });
        }
        await settled();
        const byName = (n: string) => ofType(NAMESPACE).find((r) => metadata(r).name === n)!;
        assert.deepEqual(
            [byName("retention-true").protect, byName("retention-true").retainOnDelete],
            [true, true],
        );
        assert.deepEqual(
            [byName("retention-false").protect, byName("retention-false").retainOnDelete],
            [false, false],
        );
    });
});
