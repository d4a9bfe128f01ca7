import { RecordedResource } from "../../tools/mocks/recorder";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const READ_KINDS = ["Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount"];
const POD_OWNERS: Record<string, (o: Obj) => Obj | undefined> = {
    Deployment: (o) => o.spec?.template?.spec,
    StatefulSet: (o) => o.spec?.template?.spec,
    Job: (o) => o.spec?.template?.spec,
    CronJob: (o) => o.spec?.jobTemplate?.spec?.template?.spec,
};

/** `Kind namespace/name` of every object a pod spec names: volumes, env and envFrom of every container, its account. */
export function namedByPod(namespace: string, pod: Obj): string[] {
    const at = (kind: string, name: string) => `${kind} ${namespace}/${name}`;
    const names: string[] = [];
    for (const v of pod.volumes ?? []) {
        if (v.secret) names.push(at("Secret", v.secret.secretName));
        if (v.configMap) names.push(at("ConfigMap", v.configMap.name));
        if (v.persistentVolumeClaim)
            names.push(at("PersistentVolumeClaim", v.persistentVolumeClaim.claimName));
    }
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
            if (e.valueFrom?.secretKeyRef) names.push(at("Secret", e.valueFrom.secretKeyRef.name));
            if (e.valueFrom?.configMapKeyRef) names.push(at("ConfigMap", e.valueFrom.configMapKeyRef.name));
        }
        for (const e of c.envFrom ?? []) {
            if (e.secretRef) names.push(at("Secret", e.secretRef.name));
            if (e.configMapRef) names.push(at("ConfigMap", e.configMapRef.name));
        }
    }
    if (pod.serviceAccountName) names.push(at("ServiceAccount", pod.serviceAccountName));
    return [...new Set(names)].sort();
}

/**
 * For every pod-running object of a recording: what its pods name that the program does not make (it could never
 * start, or starts on someone else's object), and what they name that it is not ordered after (it would race it).
 */
export function unwaitedReads(recorded: readonly RecordedResource[]): {
    dangling: string[];
    unwaited: string[];
} {
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    const label = (r: RecordedResource) => {
        const o = r.inputs as Obj;
        return `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`;
    };
    const made = new Set(recorded.filter((r) => r.custom && r.type.startsWith("kubernetes:")).map(label));
    const dangling: string[] = [];
    const unwaited: string[] = [];
    for (const r of recorded) {
        const o = r.inputs as Obj;
        const pod = r.custom && r.type.startsWith("kubernetes:") ? POD_OWNERS[o.kind]?.(o) : undefined;
        if (!pod) continue;
        const waited = new Set(
            r.dependencies
                .map((urn) => byUrn.get(urn))
                .filter(
                    (d): d is RecordedResource =>
                        d !== undefined && READ_KINDS.includes((d.inputs as Obj).kind),
                )
                .map(label),
        );
        for (const named of namedByPod(o.metadata.namespace, pod)) {
            if (!made.has(named)) dangling.push(`${label(r)} names ${named}`);
            else if (!waited.has(named)) unwaited.push(`${label(r)} does not wait for ${named}`);
        }
    }
    return { dangling, unwaited };
}
