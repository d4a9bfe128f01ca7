import { Obj, isObj, objectsOf } from "./types";

/** Kind of a Kubernetes type token (`kubernetes:apps/v1:Deployment` → `Deployment`); undefined for other providers. */
export function kindOf(type: string): string | undefined {
    // Read in place, not split: the stack rules ask it of every resource for every workload.
    const prefix = "kubernetes:";
    if (!type.startsWith(prefix)) return undefined;
    const last = type.indexOf(":", prefix.length);
    return last >= 0 && type.indexOf(":", last + 1) < 0 ? type.slice(last + 1) : undefined;
}

/** Where the pod template sits in each workload kind. */
const POD_SPEC_PATHS: Record<string, string[]> = {
    Pod: ["spec"],
    Deployment: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
    ReplicationController: ["spec", "template", "spec"],
    Job: ["spec", "template", "spec"],
    DeploymentConfig: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export interface PodSpecAt {
    path: string;
    spec: Obj;
}

/** The pod spec of a workload (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob, ...), if the resource is one. */
export function podSpecOf(type: string, props: Obj): PodSpecAt | undefined {
    const steps = POD_SPEC_PATHS[kindOf(type) ?? ""];
    if (!steps) return undefined;
    let node: unknown = props;
    for (const step of steps) node = isObj(node) ? node[step] : undefined;
    return isObj(node) ? { path: steps.join("."), spec: node } : undefined;
}

export interface ContainerAt {
    /** e.g. `spec.template.spec.initContainers[0]`. */
    path: string;
    name: string;
    container: Obj;
    init: boolean;
}

/** Every container of a pod spec, init containers included. */
export function containersOf(pod: PodSpecAt): ContainerAt[] {
    return (["initContainers", "containers"] as const).flatMap((field) =>
        objectsOf(pod.spec[field]).map((container, i) => ({
            path: `${pod.path}.${field}[${i}]`,
            name: typeof container.name === "string" ? container.name : `#${i}`,
            container,
            init: field === "initContainers",
        })),
    );
}

/** `Kind namespace/name` for messages. */
export function describe(type: string, props: Obj): string {
    const meta = isObj(props.metadata) ? props.metadata : {};
    const name = typeof meta.name === "string" ? meta.name : "(unnamed)";
    const ns = typeof meta.namespace === "string" ? `${meta.namespace}/` : "";
    return `${kindOf(type) ?? type} ${ns}${name}`;
}
