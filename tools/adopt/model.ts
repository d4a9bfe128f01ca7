/** What names one object: its kind and its place. */
type ObjectRef = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** A Kubernetes object as the API server and `kubectl apply` see it. */
export type KubeObject = Record<string, unknown> & ObjectRef & { metadata: Record<string, unknown> };

/** An object the program would apply, with where it goes and which system it belongs to. */
export interface DesiredObject {
    cluster: string;
    system: string;
    object: KubeObject;
    /** Secret keys whose value the program generates with @pulumi/random (a new value on the first deploy). */
    generatedKeys?: string[];
}

/**
 * What the first `pulumi up` (with adoption on) would do to one object:
 * - `create`: absent, will be created;
 * - `unchanged`: present and identical to what the program applies (adopted, no change);
 * - `update`: present and different (adopted with the field changes listed);
 * - `blocking`: present but not adoptable in place (an immutable field differs, or the API server refuses it);
 * - `managed-elsewhere`: a cluster-wide object that another field manager (another team, Argo CD, Helm, kubectl)
 *   manages today: taking it over would take it from every tenant of the cluster;
 * - `data-at-risk`: a claim the program would create empty while live data sits in a claim of another name.
 */
export const VERDICTS = [
    "create",
    "unchanged",
    "update",
    "blocking",
    "managed-elsewhere",
    "data-at-risk",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Verdicts that stop the first deploy until the configuration (or the cluster) is fixed. */
export const BLOCKING: readonly Verdict[] = ["blocking", "managed-elsewhere", "data-at-risk"];

/** One changed field: the live value and the value after the apply (secret values masked). */
export interface FieldChange {
    path: string;
    old?: unknown;
    new?: unknown;
    /** Only the order of a named list changed: `old`/`new` hold its names. */
    reordered?: true;
}

/** Where a result of the report belongs: the cluster it was read from, and the system (stack section). */
export interface Placed {
    cluster: string;
    system: string;
}

export interface Finding extends Placed {
    /** `<apiVersion>/<kind>/<namespace>/<name>` */
    id: string;
    verdict: Verdict;
    changes: FieldChange[];
    /** Why it blocks, and what to do. */
    reasons: string[];
    /** Secret values the offline plan cannot know were not compared (keys were). */
    secretValuesNotCompared?: boolean;
    /** Field managers other than the program's that manage the live (namespaced) object today: a warning. */
    otherManagers?: string[];
    /**
     * A workload whose selector the program would change: the ids of its live ReplicaSets and pods that the program's
     * workload would not select, each blocking: they would keep running next to the program's pods.
     */
    leftRunning?: string[];
    /**
     * A live workload of another kind under this one's name, handed over without being taken over (the program's
     * selector selects its pods): what to run around the up (see tools/adopt/handover.ts).
     */
    handover?: { beforeUp: string[]; afterUp: string[] };
    /**
     * Live Services the program does not manage that select today's pods of this workload but not the program's
     * (tools/adopt/services.ts), each blocking: they would have no endpoint once today's pods are gone.
     */
    strandedServices?: string[];
}

/**
 * A cluster prerequisite checked on a cluster the system deploys to: present, missing (blocks the deploy), or not
 * verified (the kubeconfig's user may not read it).
 */
export interface PrerequisiteCheck extends Placed {
    /** `<apiVersion>/<kind>//<name>` */
    id: string;
    state: "present" | "missing" | "not-verified";
    neededBy: string;
    providedBy: string;
    source: string;
    /** Why it could not be verified. */
    detail?: string;
}

/** A cluster the report could not inspect, and why (one line, never a kubeconfig's content). */
export interface Unreachable {
    cluster: string;
    reason: string;
}

/** A live object in one of the program's namespaces that the program does not manage. */
export interface LeftBehind {
    cluster: string;
    /** The system whose namespace holds it. */
    system: string;
    id: string;
    /**
     * What of the program took over its job, when something did (its claim is the program's server's now, or a
     * program workload of its name runs in its place): only such an object is deleted after the first deploy.
     * Unset: used outside the program or by nobody known (the jobs' Secrets, a Service other pods call): left alone.
     */
    replacedBy?: string;
}

/** A resource outside Kubernetes (OpenStack): adopted by id through the `import` option, or created. */
export interface CloudResource {
    system: string;
    type: string;
    name: string;
    /** The id it is adopted by; absent when the first `pulumi up` creates it. */
    importId?: string;
}

/** `<apiVersion>/<kind>/<namespace>/<name>`: one object's identity in the program and in the cluster. */
export function objectId(obj: ObjectRef): string {
    return `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
}

/** `<namespace>/<name>`: an object's place, the same for objects of every kind. */
export function namespacedName(o: Pick<ObjectRef, "metadata">): string {
    return `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

/** The API group of an apiVersion: `apps` of `apps/v1`, "" for the core group's `v1`. */
export function apiGroup(apiVersion: string): string {
    return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

/** `<Kind> <name>`: how the report names an object in its namespace. */
export function kindAndName(o: KubeObject): string {
    return `${o.kind} ${o.metadata.name}`;
}

/** The value at a dotted path of plain JSON, or undefined. */
export function at(value: unknown, ...keys: (string | number)[]): unknown {
    let v = value;
    for (const k of keys) {
        if (typeof v !== "object" || v === null) return undefined;
        v = (v as Record<string, unknown>)[k];
    }
    return v;
}
