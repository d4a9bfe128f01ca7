import { strict as assert } from "assert";
import fc from "fast-check";
import { exclusions, LiveObject, unmanagedObjects } from "../../drift/unmanaged";

/** The reasons of every exclusion rule. */
function exclusionRules(): string[] {
    return [
        ...Object.entries(exclusions().skippedResources).map(([r, why]) => `${r}: ${why}`),
        ...Object.entries(exclusions().clusterMade).map(([o, why]) => `${o}: ${why}`),
        ...Object.entries(exclusions().systemMade).map(([k, why]) => `${k}: ${why}`),
        ...Object.entries(exclusions().systemMadeLabels).map(([l, why]) => `a pod labelled ${l}: ${why}`),
        ...Object.entries(exclusions().serviceAccountSecrets).map(
            ([t, why]) => `Secret of type ${t}: ${why}`,
        ),
        "an object whose ownerReferences lead to an object of the program or of the cluster: its owner's controller made it",
        "an object only the cluster's controllers ever wrote: the cluster made it (a StatefulSet's claims, ...)",
    ];
}

// Objects in an owned namespace that the stack does not manage, without what the cluster made by itself.

const NS = "cms-dials-local";
let uid = 0;
function obj(
    kind: string,
    name: string,
    managers: string[],
    extra: Partial<LiveObject["metadata"]> & { type?: string; apiVersion?: string } = {},
): LiveObject {
    const { type, apiVersion, ...meta } = extra;
    return {
        apiVersion: apiVersion ?? (kind === "Deployment" || kind === "ReplicaSet" ? "apps/v1" : "v1"),
        kind,
        ...(type ? { type } : {}),
        metadata: {
            name,
            namespace: NS,
            uid: `uid-${++uid}`,
            managedFields: managers.map((manager) => ({ manager, operation: "Update" })),
            ...meta,
        },
    };
}
const owned = (o: LiveObject) => [{ uid: o.metadata.uid!, kind: o.kind, name: o.metadata.name }];

describe("drift: objects in owned namespaces that the program does not manage", () => {
    it("lists the hand-made ones only: not the cluster's, not those owned by the program's objects", () => {
        const deploy = obj("Deployment", "backend", ["pulumi-kubernetes-abc"]);
        const rs = obj("ReplicaSet", "backend-5d9", ["kube-controller-manager"], {
            ownerReferences: owned(deploy),
        });
        const pod = obj("Pod", "backend-5d9-x", ["kube-controller-manager", "kwok-controller"], {
            ownerReferences: owned(rs),
        });
        const handDeploy = obj("Deployment", "debug", ["kubectl-create"], {
            creationTimestamp: "2026-01-01T00:00:00Z",
        });
        const handRs = obj("ReplicaSet", "debug-1", ["kube-controller-manager"], {
            ownerReferences: owned(handDeploy),
        });
        const handPod = obj("Pod", "debug-1-a", ["kube-controller-manager", "kubelet"], {
            ownerReferences: owned(handRs),
        });
        const listed = [
            pod, // before its owner: the rule must not depend on the order
            rs,
            deploy,
            obj("ConfigMap", "kube-root-ca.crt", ["kube-controller-manager"]),
            obj("ServiceAccount", "default", ["kube-controller-manager"]),
            obj("Secret", "backend-token", ["kube-controller-manager"], {
                type: "kubernetes.io/service-account-token",
                annotations: { "kubernetes.io/service-account.name": "backend" },
            }),
            obj("PersistentVolumeClaim", "data-redis-0", ["kube-controller-manager"]),
            obj("Pod", "prow-job-1", ["prow-controller-manager"], { labels: { "created-by-prow": "true" } }),
            obj("Workflow", "adviser-x", ["workflow-controller"], { apiVersion: "argoproj.io/v1alpha1" }),
            obj("ConfigMap", "hand-made", ["kubectl-create"]),
            handPod,
            handRs,
            handDeploy,
        ];
        const found = unmanagedObjects(listed, { uids: new Set([deploy.metadata.uid!]), keys: new Set() });
        assert.deepEqual(
            found.map((u) => `${u.kind}/${u.name} by ${u.managers.join(",")} owns ${u.owns}`),
            ["ConfigMap/hand-made by kubectl-create owns 0", "Deployment/debug by kubectl-create owns 2"],
        );
        assert.equal(found[1].created, "2026-01-01T00:00:00Z");
        // Control: with no controller listed, what the cluster made shows up too.
        const noList = unmanagedObjects(
            listed,
            { uids: new Set([deploy.metadata.uid!]), keys: new Set() },
            [],
        );
        assert.ok(
            noList.some((u) => u.name === "data-redis-0"),
            "a StatefulSet's claim is excluded only by the list",
        );
        // A managed object known by key only (its uid not yet read) is still the program's.
        const byKey = unmanagedObjects([obj("ConfigMap", "x", ["kubectl-create"])], {
            uids: new Set(),
            keys: new Set([`ConfigMap/${NS}/x`]),
        });
        assert.deepEqual(byKey, []);
        for (const rule of exclusionRules()) assert.match(rule, /: \S/, "every exclusion has its reason");
    });

    it("generated: of any ownership forest, exactly the roots no one of the program made are listed, each counting what it owns", () => {
        // Each object: its owner (an earlier object, or none) and, for a root, whether the program manages it.
        const forest = fc.array(
            fc.record({
                owner: fc.option(fc.nat(), { nil: undefined }),
                managed: fc.boolean(),
                hand: fc.constantFrom("kubectl-create", "oc", "helm"),
                controllerOnly: fc.boolean(),
            }),
            { minLength: 1, maxLength: 25 },
        );
        fc.assert(
            fc.property(forest, fc.boolean(), (specs, reversed) => {
                const objects: LiveObject[] = [];
                const root: number[] = [];
                specs.forEach((s, i) => {
                    const owner = s.owner !== undefined && i > 0 ? s.owner % i : undefined;
                    root.push(owner === undefined ? i : root[owner]);
                    objects.push(
                        obj(
                            "ConfigMap",
                            `o${i}`,
                            owner === undefined
                                ? [s.hand]
                                : s.controllerOnly
                                  ? ["kube-controller-manager"]
                                  : ["kube-controller-manager", s.hand],
                            {
                                ...(owner !== undefined ? { ownerReferences: owned(objects[owner]) } : {}),
                            },
                        ),
                    );
                });
                const managed = new Set(
                    specs.flatMap((s, i) => (root[i] === i && s.managed ? [objects[i].metadata.uid!] : [])),
                );
                const listed = reversed ? [...objects].reverse() : objects;
                const found = unmanagedObjects(listed, { uids: managed, keys: new Set() });
                const expected = objects
                    .filter((o, i) => root[i] === i && !managed.has(o.metadata.uid!))
                    .map((o) => {
                        const i = objects.indexOf(o);
                        return `${o.metadata.name}:${root.filter((r, j) => r === i && j !== i).length}`;
                    })
                    .sort();
                assert.deepEqual(found.map((u) => `${u.name}:${u.owns}`).sort(), expected);
            }),
        );
    });
});
