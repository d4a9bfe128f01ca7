import { spawn, spawnSync } from "child_process";
import * as path from "path";
import { BIN, E2E_CACHE } from "./localStack";
import { K8sObject } from "./render";

/** The field manager of every apply, so the second apply and the diffs compare like with like. */
export const FIELD_MANAGER = "runbooks-e2e";

export interface KubectlResult {
    status: number;
    stdout: string;
    stderr: string;
}

/** kubectl of the toolchain against one kubeconfig. */
export class Kubectl {
    constructor(readonly kubeconfig: string) {}

    run(args: string[], input?: string): KubectlResult {
        const res = spawnSync(path.join(BIN, "kubectl"), ["--kubeconfig", this.kubeconfig, ...args], {
            input: input ?? "",
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
            env: { ...process.env, KUBECACHEDIR: path.join(E2E_CACHE, "kube-cache") },
        });
        if (res.error) throw res.error;
        return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
    }

    /** Runs and throws (with stderr) unless kubectl exits 0. */
    /** The uid of the cluster's kube-system namespace: the identity a stack pins (read-only). */
    kubeSystemUid(): string {
        return this.ok(["get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}"]).trim();
    }

    ok(args: string[], input?: string): string {
        const res = this.run(args, input);
        if (res.status !== 0) {
            throw new Error(`kubectl ${args.join(" ")} failed (exit ${res.status}):\n${res.stderr}`);
        }
        return res.stdout;
    }

    /** {@link ok} without blocking the event loop, so watches (listings on a timer) go on while kubectl runs. */
    okAsync(args: string[], input?: string): Promise<string> {
        return new Promise((resolve, reject) => {
            const child = spawn(path.join(BIN, "kubectl"), ["--kubeconfig", this.kubeconfig, ...args], {
                env: { ...process.env, KUBECACHEDIR: path.join(E2E_CACHE, "kube-cache") },
            });
            let out = "";
            let err = "";
            child.stdout.on("data", (d: Buffer) => (out += d.toString()));
            child.stderr.on("data", (d: Buffer) => (err += d.toString()));
            child.on("error", reject);
            child.on("close", (code) =>
                code === 0
                    ? resolve(out)
                    : reject(new Error(`kubectl ${args.join(" ")} failed (exit ${code}):\n${err}`)),
            );
            child.stdin.end(input ?? "");
        });
    }

    /** `kubectl get ... -o json` items. */
    items(args: string[]): K8sObject[] {
        return (JSON.parse(this.ok(["get", ...args, "-o", "json"])) as { items: K8sObject[] }).items;
    }

    /** Server-side apply with strict field validation: unknown or duplicate fields are errors, not warnings. */
    apply(files: string[]): KubectlResult {
        return this.run([
            "apply",
            "--server-side",
            `--field-manager=${FIELD_MANAGER}`,
            "--validate=strict",
            ...files.flatMap((f) => ["-f", f]),
        ]);
    }

    /** `kubectl diff --server-side`: exit 0 = no difference, 1 = differences, >1 = error. */
    diff(files: string[]): KubectlResult {
        return this.run([
            "diff",
            "--server-side",
            `--field-manager=${FIELD_MANAGER}`,
            ...files.flatMap((f) => ["-f", f]),
        ]);
    }
}

/** `<group/version>.<Kind>.<namespace>.<name>` of each object in a `kubectl diff` output (its LIVE file names). */
export function diffedObjects(diffOutput: string): string[] {
    const names = new Set<string>();
    for (const m of diffOutput.matchAll(/^diff -u -N \S*\/LIVE-[^/\s]+\/(\S+) /gm)) names.add(m[1]);
    return [...names].sort();
}

interface WorkloadStatus {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    currentRevision?: string;
    updateRevision?: string;
}

/** Why a Deployment or StatefulSet is not rolled out and Ready yet; undefined when it is. */
export function notReadyReason(obj: K8sObject): string | undefined {
    const spec = (obj.spec ?? {}) as { replicas?: number };
    const status = (obj.status ?? {}) as WorkloadStatus;
    const want = spec.replicas ?? 1;
    const generation = (obj.metadata as { generation?: number }).generation ?? 0;
    if ((status.observedGeneration ?? 0) < generation) return "the controller has not seen the newest spec";
    if ((status.updatedReplicas ?? 0) < want) return `${status.updatedReplicas ?? 0}/${want} updated`;
    if ((status.readyReplicas ?? 0) < want) return `${status.readyReplicas ?? 0}/${want} ready`;
    if ((status.replicas ?? 0) > want)
        return `${status.replicas} pods, ${want} wanted (old ones still there)`;
    if (obj.kind === "Deployment" && (status.availableReplicas ?? 0) < want) {
        return `${status.availableReplicas ?? 0}/${want} available`;
    }
    if (obj.kind === "StatefulSet" && want > 0 && status.currentRevision !== status.updateRevision) {
        return "the StatefulSet has not reached its update revision";
    }
    return undefined;
}

/** The pod spec a workload runs (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), if any. */
export function podSpecOf(obj: { kind: string; spec?: unknown }): Record<string, unknown> | undefined {
    type Template = { template?: { spec?: Record<string, unknown> } };
    const spec = obj.spec as (Template & { jobTemplate?: { spec?: Template } }) | undefined;
    if (obj.kind === "Pod") return obj.spec as Record<string, unknown> | undefined;
    if (obj.kind === "CronJob") return spec?.jobTemplate?.spec?.template?.spec;
    return spec?.template?.spec;
}

/** Names of the Secrets a workload's pods read (env valueFrom, envFrom, volumes, image pull secrets). */
export function secretsRead(obj: { kind: string; spec?: unknown }): string[] {
    const spec = podSpecOf(obj);
    if (!spec) return [];
    const refs = podReferences({ spec } as unknown as K8sObject);
    return [...new Set(refs.filter((r) => r.kind === "Secret").map((r) => r.name))].sort();
}

/**
 * Secrets (by name) a retained workload reads that the program does not retain yet; test/plan/retention.test.ts fails
 * once one is retained, so an entry cannot outlive its reason. Empty: every such Secret is retained.
 */
export const RETENTION_PENDING: readonly string[] = [];

/** Secrets, ConfigMaps, claims and the service account a pod needs before a kubelet could start it. */
export function podReferences(pod: K8sObject): { kind: string; name: string; key?: string }[] {
    const spec = pod.spec as {
        serviceAccountName?: string;
        volumes?: {
            secret?: { secretName: string; optional?: boolean; items?: { key: string }[] };
            configMap?: { name: string; optional?: boolean; items?: { key: string }[] };
            persistentVolumeClaim?: { claimName: string };
            projected?: {
                sources?: {
                    secret?: { name: string; optional?: boolean };
                    configMap?: { name: string; optional?: boolean };
                }[];
            };
        }[];
        containers?: Container[];
        initContainers?: Container[];
        imagePullSecrets?: { name: string }[];
    };
    const refs: { kind: string; name: string; key?: string }[] = [];
    if (spec.serviceAccountName) refs.push({ kind: "ServiceAccount", name: spec.serviceAccountName });
    for (const v of spec.volumes ?? []) {
        if (v.secret && !v.secret.optional) {
            const name = v.secret.secretName;
            refs.push(
                { kind: "Secret", name },
                ...(v.secret.items ?? []).map((i) => ({ kind: "Secret", name, key: i.key })),
            );
        }
        if (v.configMap && !v.configMap.optional) {
            const name = v.configMap.name;
            refs.push(
                { kind: "ConfigMap", name },
                ...(v.configMap.items ?? []).map((i) => ({ kind: "ConfigMap", name, key: i.key })),
            );
        }
        if (v.persistentVolumeClaim) {
            refs.push({ kind: "PersistentVolumeClaim", name: v.persistentVolumeClaim.claimName });
        }
        for (const s of v.projected?.sources ?? []) {
            if (s.secret && !s.secret.optional) refs.push({ kind: "Secret", name: s.secret.name });
            if (s.configMap && !s.configMap.optional)
                refs.push({ kind: "ConfigMap", name: s.configMap.name });
        }
    }
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        for (const e of c.envFrom ?? []) {
            if (e.secretRef && !e.secretRef.optional) refs.push({ kind: "Secret", name: e.secretRef.name });
            if (e.configMapRef && !e.configMapRef.optional) {
                refs.push({ kind: "ConfigMap", name: e.configMapRef.name });
            }
        }
        for (const e of c.env ?? []) {
            const s = e.valueFrom?.secretKeyRef;
            if (s && !s.optional) refs.push({ kind: "Secret", name: s.name, key: s.key });
            const m = e.valueFrom?.configMapKeyRef;
            if (m && !m.optional) refs.push({ kind: "ConfigMap", name: m.name, key: m.key });
        }
    }
    for (const s of spec.imagePullSecrets ?? []) refs.push({ kind: "Secret", name: s.name });
    return refs;
}

interface Container {
    env?: {
        name: string;
        value?: string;
        valueFrom?: {
            secretKeyRef?: { name: string; key: string; optional?: boolean };
            configMapKeyRef?: { name: string; key: string; optional?: boolean };
        };
    }[];
    envFrom?: {
        secretRef?: { name: string; optional?: boolean };
        configMapRef?: { name: string; optional?: boolean };
    }[];
}

/**
 * A ProwJob as hook or horologium creates it, then its status as plank writes it (the CRD has a status
 * subresource): what verify's ProwJob check reads, where kwok runs no controller to make one.
 */
export function writeProwJob(
    kubectl: Kubectl,
    namespace: string,
    name: string,
    status: { state: string; startTime: string },
): void {
    const object = {
        apiVersion: "prow.k8s.io/v1",
        kind: "ProwJob",
        metadata: { name, namespace },
        spec: { type: "periodic", agent: "kubernetes", job: `periodic-${name}`, cluster: "default" },
    };
    kubectl.ok(["create", "-f", "-"], JSON.stringify(object));
    const url = `https://prow.example/view/${name}`;
    kubectl.ok([
        "patch",
        "prowjobs.prow.k8s.io",
        name,
        "-n",
        namespace,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status: { ...status, url } }),
    ]);
}
