import { ApisApi, CoreV1Api, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { Cluster } from "../adopt/kube";
import { KubeObject } from "../adopt/model";
import type { ObjectRef } from "./state";
import { ServedKind } from "./unmanaged";

/** API groups whose every resource drift skips (facts/drift/exclusions.yaml skippedResources): their discovery is not asked. */
const VIEW_GROUPS = ["metrics.k8s.io", "packages.operators.coreos.com"];

/** What drift reads of a cluster: objects, and the namespaced kinds it serves. It writes nothing. */
export interface LiveCluster {
    get(ref: ObjectRef): Promise<KubeObject | undefined>;
    list(kind: ServedKind, namespace: string): Promise<KubeObject[]>;
    namespacedKinds(): Promise<ServedKind[]>;
    /** The API server's dry run of a JSON patch the report would print: rejects with its refusal. */
    patchDryRun(ref: ObjectRef, ops: readonly object[]): Promise<void>;
}

const objectOf = (ref: ObjectRef): KubeObject => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
});

/** A cluster through its kubeconfig (the adoption report's read-only client, plus discovery). */
export class KubeCluster implements LiveCluster {
    private readonly cluster: Cluster;

    constructor(private readonly kubeconfig: KubeConfig) {
        this.cluster = new Cluster(kubeconfig);
    }

    get(ref: ObjectRef): Promise<KubeObject | undefined> {
        return this.cluster.get(objectOf(ref));
    }

    patchDryRun(ref: ObjectRef, ops: readonly object[]): Promise<void> {
        return this.cluster.jsonPatchDryRun(objectOf(ref), ops);
    }

    list(kind: ServedKind, namespace: string): Promise<KubeObject[]> {
        return this.cluster.list(kind.apiVersion, kind.kind, namespace);
    }

    /** Every kind served in namespaces that can be listed, at its group's preferred version (no subresources). */
    async namespacedKinds(): Promise<ServedKind[]> {
        const core = await this.kubeconfig.makeApiClient(CoreV1Api).getAPIResources();
        const groups = await this.kubeconfig.makeApiClient(ApisApi).getAPIVersions();
        const custom = this.kubeconfig.makeApiClient(CustomObjectsApi);
        const lists = [{ apiVersion: "v1", resources: core.resources }];
        for (const g of groups.groups) {
            const version = g.preferredVersion?.version ?? g.versions[0]?.version;
            // Aggregated read-only views (metrics, the operator catalog) are often down; nothing in them is listed.
            if (!version || VIEW_GROUPS.includes(g.name)) continue;
            const res = await custom.getAPIResources({ group: g.name, version });
            lists.push({ apiVersion: `${g.name}/${version}`, resources: res.resources });
        }
        return lists.flatMap(({ apiVersion, resources }) =>
            resources
                .filter((r) => r.namespaced && !r.name.includes("/") && r.verbs.includes("list"))
                .map((r) => ({ apiVersion, kind: r.kind, resource: r.name })),
        );
    }
}
