import * as path from "path";
import { parse as parseYaml } from "yaml";
import { podSpecOf } from "./kube";
import { K8sObject } from "./render";

// What a kubelet would hand one container of a planned workload, computed without running anything: the argv, the
// environment and every file of its volumes as the live ConfigMaps and Secrets fill them. e2e/startCheck.ts lays this
// out as a chroot and starts the component's real binary in it; kept pure so the offline tests can pin the kubelet
// semantics it copies (items, subPath, optional, envFrom prefixes, $(VAR) expansion).

/** Where a planned image's binary is looked for in the e2e cache: a repository's images, by their last path segment. */
export const BINARY_SOURCES: readonly { registry: string; dir: string; rename?: Record<string, string> }[] = [
    // Today's Prow release (kubernetes-sigs/prow), and label_sync, which left it for test-infra's registry.
    { registry: "us-docker.pkg.dev/k8s-infra-prow/images/", dir: "prow/bin" },
    { registry: "gcr.io/k8s-staging-test-infra/", dir: "prow/bin" },
    // The argocli image's entrypoint is `argo`; its other images are named after their binary.
    { registry: "quay.io/argoproj/", dir: "argo/bin", rename: { argocli: "argo" } },
];

/** The cache directory (relative to E2E_CACHE) and file name of an image's binary, when the image is one we build. */
export function binaryOfImage(image: string): { dir: string; name: string } | undefined {
    const repository = image.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
    for (const source of BINARY_SOURCES) {
        if (!repository.startsWith(source.registry)) continue;
        const last = repository.slice(repository.lastIndexOf("/") + 1);
        return { dir: source.dir, name: source.rename?.[last] ?? last };
    }
    return undefined;
}

export interface Container {
    name: string;
    image: string;
    command?: string[];
    args?: string[];
    env?: EnvVar[];
    envFrom?: {
        prefix?: string;
        configMapRef?: { name: string; optional?: boolean };
        secretRef?: { name: string; optional?: boolean };
    }[];
    ports?: { name?: string; containerPort: number }[];
    volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
    readinessProbe?: ProbeSpec;
    livenessProbe?: ProbeSpec;
    startupProbe?: ProbeSpec;
}

interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        secretKeyRef?: { name: string; key: string; optional?: boolean };
        configMapKeyRef?: { name: string; key: string; optional?: boolean };
        fieldRef?: { fieldPath: string };
    };
}

interface ProbeSpec {
    httpGet?: { path?: string; port: number | string; scheme?: string };
    tcpSocket?: { port: number | string };
    exec?: unknown;
    grpc?: unknown;
    timeoutSeconds?: number;
}

interface KeyToPath {
    key: string;
    path: string;
    mode?: number;
}

interface Volume {
    name: string;
    configMap?: { name: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
    secret?: { secretName: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
    emptyDir?: unknown;
    persistentVolumeClaim?: { claimName: string };
    projected?: {
        defaultMode?: number;
        sources: {
            configMap?: { name: string; items?: KeyToPath[]; optional?: boolean };
            secret?: { name: string; items?: KeyToPath[]; optional?: boolean };
            serviceAccountToken?: { path: string };
        }[];
    };
}

interface PodSpec {
    containers: Container[];
    volumes?: Volume[];
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    securityContext?: { runAsUser?: number; runAsGroup?: number; runAsNonRoot?: boolean; fsGroup?: number };
}

export interface Probe {
    /** readiness, liveness or startup */
    kind: string;
    type: "http" | "tcp";
    port: number;
    /** httpGet's path (http only) */
    path?: string;
    timeoutSeconds: number;
}

export interface RunFile {
    content: Buffer;
    mode: number;
}

/** Everything the chroot and the process need; paths are absolute inside the chroot. */
export interface RunSpec {
    argv: string[];
    env: Record<string, string>;
    files: Map<string, RunFile>;
    /** Directories made empty and writable: emptyDirs, claims (a fresh volume), mount points of empty volumes. */
    dirs: string[];
    uid: number;
    gid: number;
    /** Supplementary groups (the pod's fsGroup). */
    groups: number[];
    probes: Probe[];
    /** Ports the container declares or probes: they must be free on this machine before it starts. */
    ports: number[];
    /** Values of `--kubeconfig` in argv (the component reads them instead of its in-cluster config). */
    kubeconfigs: string[];
    /** Where the binary goes inside the chroot. */
    binaryPath: string;
}

/** The live objects a pod reads, by kind/namespace/name. */
export interface LiveObjects {
    get(kind: "ConfigMap" | "Secret", namespace: string, name: string): K8sObject | undefined;
}

export function liveObjects(objects: readonly K8sObject[]): LiveObjects {
    const byId = new Map(objects.map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o]));
    return { get: (kind, namespace, name) => byId.get(`${kind}/${namespace}/${name}`) };
}

/** A ConfigMap's or Secret's keys as the bytes a kubelet writes (Secret data is base64 on the wire). */
export function keysOf(obj: K8sObject): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const data = (obj.data ?? {}) as Record<string, string>;
    if (obj.kind === "Secret") {
        for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v, "base64"));
    } else {
        for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v, "utf8"));
        for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) {
            out.set(k, Buffer.from(v, "base64"));
        }
    }
    return out;
}

/** The service account files a kubelet projects when the token is mounted. */
export interface ServiceAccountFiles {
    token: string;
    caCrt: string;
}

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** The image's PATH of every image we run (Docker's default). */
export const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface RunSpecInput {
    workload: K8sObject;
    container: string;
    /** The binary's file name (binaryOfImage): the image's entrypoint, installed at /bin/<name>. */
    binary: string;
    live: LiveObjects;
    /** undefined when the pod mounts no token (automountServiceAccountToken false on the pod or its account). */
    serviceAccount?: ServiceAccountFiles;
    /** The API server as the in-cluster config finds it (KUBERNETES_SERVICE_HOST/PORT). */
    apiServer: { host: string; port: number };
    /** Added last (the network guard's proxy variables). */
    extraEnv?: Record<string, string>;
}

/** The pod's service account name (kubelet's default: `default`). */
export function serviceAccountOf(workload: K8sObject): string {
    return (podSpecOf(workload) as PodSpec | undefined)?.serviceAccountName ?? "default";
}

/** Whether a kubelet would mount the token: the pod's setting, else its account's, else yes. */
export function mountsToken(workload: K8sObject, account: K8sObject | undefined): boolean {
    const pod = (podSpecOf(workload) as PodSpec | undefined)?.automountServiceAccountToken;
    return pod ?? (account?.automountServiceAccountToken as boolean | undefined) ?? true;
}

/** `$(VAR)` references as a kubelet expands them in env values, command and args; `$$` escapes a `$`. */
export function expandVars(s: string, env: Record<string, string>): string {
    return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) =>
        name === undefined ? "$" : (env[name] ?? m),
    );
}

/** The planned ports a probe or container names, resolved to numbers. */
function resolvePort(c: Container, port: number | string): number {
    if (typeof port === "number") return port;
    if (/^\d+$/.test(port)) return Number(port);
    const found = (c.ports ?? []).find((p) => p.name === port);
    if (!found) throw new Error(`container ${c.name}: a probe names port ${port}, which it does not declare`);
    return found.containerPort;
}

function probesOf(c: Container): Probe[] {
    const out: Probe[] = [];
    for (const [kind, p] of [
        ["readiness", c.readinessProbe],
        ["liveness", c.livenessProbe],
        ["startup", c.startupProbe],
    ] as const) {
        if (!p) continue;
        const timeoutSeconds = p.timeoutSeconds ?? 1;
        if (p.httpGet) {
            if ((p.httpGet.scheme ?? "HTTP").toUpperCase() !== "HTTP") {
                throw new Error(
                    `container ${c.name}: ${kind} probe scheme ${p.httpGet.scheme} is not checked here`,
                );
            }
            out.push({
                kind,
                type: "http",
                port: resolvePort(c, p.httpGet.port),
                path: p.httpGet.path ?? "/",
                timeoutSeconds,
            });
        } else if (p.tcpSocket) {
            out.push({ kind, type: "tcp", port: resolvePort(c, p.tcpSocket.port), timeoutSeconds });
        } else {
            throw new Error(`container ${c.name}: ${kind} probe is neither httpGet nor tcpSocket`);
        }
    }
    return out;
}

/** The values of `--kubeconfig` (either `--kubeconfig=X` or `--kubeconfig X`, one or two dashes). */
export function kubeconfigArgs(argv: readonly string[]): string[] {
    const out: string[] = [];
    argv.forEach((a, i) => {
        const m = /^--?kubeconfig(?:=(.*))?$/.exec(a);
        if (m) out.push(m[1] ?? argv[i + 1] ?? "");
    });
    return out;
}

/** Files of one volume, by path relative to the volume's root; undefined for a volume that starts empty. */
function volumeFiles(
    v: Volume,
    namespace: string,
    live: LiveObjects,
    serviceAccount: ServiceAccountFiles | undefined,
): Map<string, RunFile> | undefined {
    const project = (
        kind: "ConfigMap" | "Secret",
        name: string,
        items: KeyToPath[] | undefined,
        optional: boolean | undefined,
        defaultMode: number,
        into: Map<string, RunFile>,
    ) => {
        const obj = live.get(kind, namespace, name);
        if (!obj) {
            if (optional) return;
            throw new Error(`volume ${v.name}: ${kind} ${namespace}/${name} does not exist`);
        }
        const keys = keysOf(obj);
        if (!items) {
            for (const [k, content] of keys) into.set(k, { content, mode: defaultMode });
            return;
        }
        for (const item of items) {
            const content = keys.get(item.key);
            if (content === undefined) {
                if (optional) continue;
                throw new Error(`volume ${v.name}: ${kind} ${namespace}/${name} has no key ${item.key}`);
            }
            into.set(path.posix.normalize(item.path), { content, mode: item.mode ?? defaultMode });
        }
    };
    const files = new Map<string, RunFile>();
    if (v.configMap) {
        const c = v.configMap;
        project("ConfigMap", c.name, c.items, c.optional, c.defaultMode ?? 0o644, files);
    } else if (v.secret) {
        const s = v.secret;
        project("Secret", s.secretName, s.items, s.optional, s.defaultMode ?? 0o644, files);
    } else if (v.projected) {
        const mode = v.projected.defaultMode ?? 0o644;
        for (const s of v.projected.sources) {
            if (s.configMap)
                project("ConfigMap", s.configMap.name, s.configMap.items, s.configMap.optional, mode, files);
            else if (s.secret)
                project("Secret", s.secret.name, s.secret.items, s.secret.optional, mode, files);
            else if (s.serviceAccountToken) {
                if (!serviceAccount) throw new Error(`volume ${v.name}: projects a token but none was made`);
                files.set(s.serviceAccountToken.path, { content: Buffer.from(serviceAccount.token), mode });
            } else throw new Error(`volume ${v.name}: a projected source of a kind not materialised here`);
        }
    } else if (v.emptyDir !== undefined || v.persistentVolumeClaim) {
        // A claim starts as a fresh, empty volume, as a first deploy gets it.
        return undefined;
    } else {
        throw new Error(
            `volume ${v.name}: a volume type not materialised here (${Object.keys(v).join(", ")})`,
        );
    }
    return files;
}

/**
 * The run of one container of `workload` as a kubelet would start it, from the planned manifest and the live
 * ConfigMaps/Secrets: argv (the manifest's command or the image's entrypoint, then its args), the environment, and
 * every file its mounts show.
 */
export function buildRunSpec(input: RunSpecInput): RunSpec {
    const { workload, live } = input;
    const namespace = workload.metadata.namespace ?? "default";
    const pod = podSpecOf(workload) as PodSpec | undefined;
    if (!pod) throw new Error(`${workload.kind} ${workload.metadata.name} has no pod template`);
    const c = pod.containers.find((x) => x.name === input.container);
    if (!c) throw new Error(`${workload.metadata.name} has no container ${input.container}`);
    const podName = `${workload.metadata.name}-start-check`;

    // Environment, in the kubelet's order: envFrom first, then env (which wins), each env value expanded against
    // what was defined before it; the in-cluster API server variables are the kubelet's own.
    const env: Record<string, string> = {
        PATH: IMAGE_PATH,
        HOSTNAME: podName,
        HOME: "/",
        KUBERNETES_SERVICE_HOST: input.apiServer.host,
        KUBERNETES_SERVICE_PORT: String(input.apiServer.port),
    };
    for (const from of c.envFrom ?? []) {
        const ref = from.configMapRef ?? from.secretRef;
        const kind = from.configMapRef ? "ConfigMap" : "Secret";
        if (!ref) continue;
        const obj = live.get(kind, namespace, ref.name);
        if (!obj) {
            if (ref.optional) continue;
            throw new Error(`envFrom: ${kind} ${namespace}/${ref.name} does not exist`);
        }
        for (const [k, v] of keysOf(obj)) env[`${from.prefix ?? ""}${k}`] = v.toString("utf8");
    }
    for (const e of c.env ?? []) {
        if (e.valueFrom) {
            const ref = e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef;
            if (ref) {
                const kind = e.valueFrom.secretKeyRef ? "Secret" : "ConfigMap";
                const obj = live.get(kind, namespace, ref.name);
                const value = obj ? keysOf(obj).get(ref.key) : undefined;
                if (value === undefined) {
                    if (ref.optional) continue;
                    throw new Error(`env ${e.name}: ${kind} ${namespace}/${ref.name} has no key ${ref.key}`);
                }
                env[e.name] = value.toString("utf8");
            } else if (e.valueFrom.fieldRef) {
                const fields: Record<string, string> = {
                    "metadata.name": podName,
                    "metadata.namespace": namespace,
                    "spec.serviceAccountName": pod.serviceAccountName ?? "default",
                    "status.podIP": "127.0.0.1",
                    "status.hostIP": "127.0.0.1",
                };
                const value = fields[e.valueFrom.fieldRef.fieldPath];
                if (value === undefined) {
                    throw new Error(
                        `env ${e.name}: fieldRef ${e.valueFrom.fieldRef.fieldPath} is not filled in here`,
                    );
                }
                env[e.name] = value;
            } else {
                throw new Error(`env ${e.name}: a valueFrom not filled in here`);
            }
        } else env[e.name] = expandVars(e.value ?? "", env);
    }
    Object.assign(env, input.extraEnv ?? {});

    const binaryPath = `/bin/${input.binary}`;
    let argv: string[];
    if (c.command && c.command.length > 0) {
        // The image's other programs are not here: only a command that runs the binary itself can be started.
        if (path.posix.basename(c.command[0]) !== input.binary) {
            throw new Error(`container ${c.name} runs ${c.command[0]}, not the image's ${input.binary}`);
        }
        argv = [...c.command, ...(c.args ?? [])];
    } else argv = [binaryPath, ...(c.args ?? [])];
    argv = argv.map((a) => expandVars(a, env));

    const files = new Map<string, RunFile>();
    const dirs = ["/tmp"];
    if (input.serviceAccount) {
        const sa = input.serviceAccount;
        files.set(`${SERVICE_ACCOUNT_DIR}/token`, { content: Buffer.from(sa.token), mode: 0o644 });
        files.set(`${SERVICE_ACCOUNT_DIR}/ca.crt`, { content: Buffer.from(sa.caCrt), mode: 0o644 });
        files.set(`${SERVICE_ACCOUNT_DIR}/namespace`, { content: Buffer.from(namespace), mode: 0o644 });
    }
    // Shallow mounts first, so a deeper mount hides what a shallower one put at its path, as the mount table does.
    const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => a.mountPath.length - b.mountPath.length);
    for (const m of mounts) {
        const v = (pod.volumes ?? []).find((x) => x.name === m.name);
        if (!v) throw new Error(`container ${c.name}: mount ${m.mountPath} names no volume ${m.name}`);
        const content = volumeFiles(v, namespace, live, input.serviceAccount);
        for (const p of [...files.keys()])
            if (p === m.mountPath || p.startsWith(`${m.mountPath}/`)) files.delete(p);
        if (!content) {
            dirs.push(m.mountPath);
            continue;
        }
        const sub = m.subPath ? path.posix.normalize(m.subPath) : "";
        let placed = 0;
        for (const [rel, f] of content) {
            if (sub === "") files.set(path.posix.join(m.mountPath, rel), f);
            else if (rel === sub) files.set(m.mountPath, f);
            else if (rel.startsWith(`${sub}/`))
                files.set(path.posix.join(m.mountPath, rel.slice(sub.length + 1)), f);
            else continue;
            placed++;
        }
        // A kubelet makes a missing subPath (and an empty volume's mount point) a directory.
        if (placed === 0) dirs.push(m.mountPath);
    }

    const security = pod.securityContext ?? {};
    // An image whose USER we do not know runs as nobody when the pod only says "not root".
    const uid = security.runAsUser ?? (security.runAsNonRoot ? 65534 : 0);
    const probes = probesOf(c);
    return {
        argv,
        env,
        files,
        dirs,
        uid,
        gid: security.runAsGroup ?? (uid === 0 ? 0 : uid),
        groups: security.fsGroup !== undefined ? [security.fsGroup] : [],
        probes,
        ports: [
            ...new Set([...(c.ports ?? []).map((p) => p.containerPort), ...probes.map((p) => p.port)]),
        ].sort((a, b) => a - b),
        kubeconfigs: kubeconfigArgs(argv),
        binaryPath,
    };
}

/** Every `server` a kubeconfig file of the spec names (an unreadable file names none). */
export function kubeconfigServers(spec: RunSpec, file: string): string[] {
    const f = spec.files.get(path.posix.normalize(file));
    if (!f) return [];
    try {
        const doc = parseYaml(f.content.toString("utf8")) as {
            clusters?: { cluster?: { server?: string } }[];
        };
        return (doc?.clusters ?? []).map((c) => c.cluster?.server ?? "").filter((s) => s !== "");
    } catch {
        return [];
    }
}

/** The planned Deployment/StatefulSet containers whose image is one of the binaries the start check knows. */
export interface StartTarget {
    workload: K8sObject;
    container: string;
    image: string;
    dir: string;
    binary: string;
}

export function startTargets(objects: readonly K8sObject[]): StartTarget[] {
    const out: StartTarget[] = [];
    for (const o of objects) {
        if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
        for (const c of (podSpecOf(o) as PodSpec | undefined)?.containers ?? []) {
            const b = binaryOfImage(c.image);
            if (b) out.push({ workload: o, container: c.name, image: c.image, dir: b.dir, binary: b.name });
        }
    }
    return out;
}
