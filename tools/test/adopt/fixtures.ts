import { readStackFile } from "../../plan/stackfile";
import { RunningByCluster } from "../../adopt/imageChanges";
import { ClusterApi, KubeError, Scope } from "../../adopt/kube";
import { DesiredObject, KubeObject, objectId } from "../../adopt/model";
import { Report, buildReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { LiveSystem, liveObjects } from "../../../test/fixtures/live/types";
import { declaredTakeover } from "../../../test/fixtures/live/takeovers";
import type { TakeoverList } from "../../../components/config/takeover";
import { formatPath } from "../../../components/config/problems";

// Hand-written live objects as an API server returns them (defaults, status, managedFields filled in) and the
// program's objects they are compared with.

export function deployment(image: string, selector: Record<string, string> = { app: "web" }): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: selector },
            template: {
                metadata: { labels: selector },
                spec: { containers: [{ name: "web", image, ports: [{ containerPort: 8080 }] }] },
            },
        },
    };
}

/** A live object: the API server's bookkeeping and defaults on top of `obj`. */
export function live<T extends KubeObject>(obj: T, extra: Record<string, unknown> = {}): T {
    const copy = structuredClone(obj);
    Object.assign(copy.metadata, {
        uid: "0c7a4f51-1111-2222-3333-444455556666",
        resourceVersion: "4711",
        generation: 3,
        creationTimestamp: "2024-05-01T10:00:00Z",
        managedFields: [{ manager: "kubectl-client-side-apply", operation: "Update" }],
    });
    return { ...copy, ...extra, status: copy.status ?? { observedGeneration: 3 } };
}

export function pvc(name: string, size: string, storageClassName = "standard", phase = "Bound"): KubeObject {
    return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name, namespace: "shop" },
        spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName,
            resources: { requests: { storage: size } },
        },
        status: { phase, capacity: { storage: size } },
    };
}

export function statefulSet(claimSize: string, replicas = 1): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db", namespace: "shop" },
        spec: {
            replicas,
            serviceName: "db",
            selector: { matchLabels: { app: "db" } },
            template: {
                metadata: { labels: { app: "db" } },
                spec: { containers: [{ name: "db", image: "postgres:16" }] },
            },
            volumeClaimTemplates: [
                {
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: claimSize } } },
                },
            ],
        },
    };
}

export function secret(data: Record<string, string>, stringData?: Record<string, string>): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db-credentials", namespace: "shop" },
        type: "Opaque",
        ...(Object.keys(data).length > 0 ? { data } : {}),
        ...(stringData ? { stringData } : {}),
    };
}

export function desired(object: KubeObject, system = "shop"): DesiredObject {
    return { cluster: "main", system, object };
}

const CLUSTER_SCOPED = ["ClusterRole", "ClusterRoleBinding", "Namespace", "CustomResourceDefinition", "Node"];

export interface FakeOptions {
    /** Dry runs the API server refuses (422), by object id, with its message. */
    refuse?: Record<string, string>;
    /** API groups the cluster does not serve (besides OpenShift's, which it never serves). */
    absentGroups?: string[];
    /** Kinds whose GET answers 403. */
    forbiddenKinds?: string[];
    /** Kinds the report's user may not list (403). */
    forbiddenLists?: string[];
    /** Serve OpenShift's API groups (DeploymentConfigs, Routes, ...), as an OpenShift cluster does. */
    openshift?: boolean;
}

/** An in-memory cluster: objects by id; the dry run merges like a forced apply of a fresh manager (top-level replace). */
export class FakeCluster implements ClusterApi {
    readonly calls: string[] = [];
    constructor(
        private readonly objects: KubeObject[],
        private readonly options: FakeOptions = {},
    ) {}
    async scope(apiVersion: string, kind: string): Promise<Scope> {
        const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
        if (
            (apiVersion.includes("openshift") && !this.options.openshift) ||
            (this.options.absentGroups ?? []).includes(group)
        )
            return "absent";
        return CLUSTER_SCOPED.includes(kind) ? "cluster" : "namespaced";
    }
    async get(obj: KubeObject): Promise<KubeObject | undefined> {
        this.calls.push(`get ${objectId(obj)}`);
        if ((this.options.forbiddenKinds ?? []).includes(obj.kind))
            throw new KubeError(403, `${obj.kind.toLowerCase()}s is forbidden`);
        const found = this.objects.find((o) => objectId(o) === objectId(obj));
        // The API server holds no object in a namespace that does not exist: one holding objects exists.
        if (
            !found &&
            obj.kind === "Namespace" &&
            this.objects.some((o) => o.metadata.namespace === obj.metadata.name)
        )
            return { apiVersion: "v1", kind: "Namespace", metadata: { name: obj.metadata.name } };
        return structuredClone(found);
    }
    async applyDryRun(obj: KubeObject): Promise<KubeObject> {
        this.calls.push(`dry-run ${objectId(obj)}`);
        const refused = this.options.refuse?.[objectId(obj)];
        if (refused) throw new KubeError(422, refused);
        const current = this.objects.find((o) => objectId(o) === objectId(obj))!;
        return {
            ...structuredClone(current),
            ...structuredClone(obj),
            metadata: { ...current.metadata, ...obj.metadata },
        };
    }
    async list(apiVersion: string, kind: string, namespace: string): Promise<KubeObject[]> {
        this.calls.push(`list ${kind} ${namespace}`);
        if ((this.options.forbiddenLists ?? []).includes(kind))
            throw new KubeError(403, `${kind.toLowerCase()}s is forbidden`);
        // A cluster-scoped kind is listed with namespace "" (the real client's path then names none).
        return structuredClone(
            this.objects.filter(
                (o) =>
                    o.apiVersion === apiVersion &&
                    o.kind === kind &&
                    (o.metadata.namespace ?? "") === namespace,
            ),
        );
    }
}

/** `obj` as live, managed today by `managers` (one Update entry each). */
export function managedBy<T extends KubeObject>(obj: T, ...managers: string[]): T {
    const l = live(obj);
    l.metadata.managedFields = managers.map((manager) => ({ manager, operation: "Update" }));
    return l;
}

/**
 * The production report of a first deploy of `desired` onto `cluster` as `live` runs it today (an OpenShift cluster
 * unless `options` say otherwise), with the takeover list the operator committed for the fixture's layout
 * (test/fixtures/live/takeovers.ts) unless `list` says otherwise: a variant of a fixture keeps its base's list.
 */
export async function liveReport(
    cluster: string,
    live: LiveSystem,
    desired: readonly DesiredObject[],
    options: FakeOptions = { openshift: true },
    running: RunningByCluster = {},
    list: TakeoverList | undefined = declaredTakeover(live),
): Promise<Report> {
    const api = new FakeCluster(liveObjects(live), options);
    const r = await inspectCluster(cluster, desired, api, 8, new Map(), {
        stack: "prod",
        lists: { [live.system]: list },
    });
    return buildReport("prod", r.findings, r.leftBehind, [], { ...r, running });
}

/**
 * DIALS' running releases recorded as the committed prod stack pins them (Redis and nginx by their version labels):
 * for the tests of other concerns than the release gate, whose own tests (imageChanges, liveDialsToday,
 * test/dials/releaseGate) record what each fixture runs.
 */
export function dialsRecordedAtPin(): RunningByCluster {
    const dials = readStackFile("prod").values.dials as { cluster: string; images: { tag: string } };
    const tag = dials.images.tag;
    return {
        [dials.cluster]: {
            dials: {
                etl: tag,
                backend: tag,
                frontend: tag,
                "nginx-unprivileged": "1.27.4",
                "redis-7-c9s": "7.2.4",
            },
        },
    };
}

/** The stack key of one entry of a system's takeover list, as the report names it. */
export function listKey(system: string, id: string): string {
    return formatPath(system, ["takeover", "objects", id]);
}
