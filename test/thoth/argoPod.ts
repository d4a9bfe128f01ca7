import { PodVolume, podVolume } from "../../components/shared/volumes";
import {
    Json,
    WorkflowControllerSettings,
    clone,
    isObj,
    listAt,
    objectAt,
    workflowSpecOf,
} from "../../components/thoth/station/modules/argoWorkflow";

// The pod an Argo Workflows v2.12.5 controller builds for one template, derived from its rules as that release has
// them: argoproj/argo-workflows@v2.12.5 (53f022c3f740b5a8636d74873462011702403e42), workflow/controller/
// workflowpod.go (createWorkflowPod, newWaitContainer, newInitContainer, newExecContainer, createVolumes,
// addSchedulingConstraints, addVolumeReferences, addInputArtifactsVolumes, addScriptStagingVolume, addInitContainers,
// addSidecars, setupServiceAccount), workflow/controller/operator.go (executeContainer, executeScript,
// executeResource: a resource template's main container is the executor itself, and it gets no wait container),
// workflow/controller/controller.go setWorkflowDefaults with workflow/util/merge.go MergeTo (the controller's
// workflowDefaults fill what a Workflow leaves unset). Only what decides the pod's security is derived: containers,
// their securityContext, ports and mounts, the pod's securityContext, host namespaces and volumes. The tests' oracle:
// the program only restricts the containers (components/thoth/station/modules/argoWorkflow.ts).

/**
 * The volumes the controller adds to a pod, with the names and sources it gives them (createVolumes,
 * setupServiceAccount, addInputArtifactsVolumes, addScriptStagingVolume).
 */
const POD_METADATA = podVolume("podmetadata", { downwardAPI: { items: [] } });
const DOCKER_SOCK = podVolume("docker-sock", { hostPath: { path: "/var/run/docker.sock", type: "Socket" } });
const EXEC_SA_TOKEN = podVolume("exec-sa-token", { secret: { secretName: "<executor account token>" } });
const INPUT_ARTIFACTS = podVolume("input-artifacts", { emptyDir: {} });
const ARGO_STAGING = podVolume("argo-staging", { emptyDir: {} });
/** The kubeconfig Secret of the controller's settings, in the volume they name (`kubeconfig` unless set). */
const kubeConfigVolume = (kubeConfig: NonNullable<WorkflowControllerSettings["kubeConfig"]>): PodVolume =>
    podVolume(kubeConfig.volumeName || "kubeconfig", { secret: { secretName: kubeConfig.secretName } });
/** A volume or mount of the pod, as the plain JSON the pod here is built of. */
const asJson = (value: object): Json => clone(value as Json);

/** The pod of one template of a Workflow-kind object, or why it cannot be known before the controller runs. */
export interface TemplatePod {
    template: string;
    pod?: Json;
    /** Set instead of the pod when the controller changes it at run time in a way no plan can show. */
    unknowable?: string;
}

/** The executor a controller runs with these settings. */
export function executorOf(settings: WorkflowControllerSettings): string {
    return settings.containerRuntimeExecutor || "docker";
}

/**
 * `defaults` under `target`, as MergeTo's strategic merge does for these fields: objects merge key by key, the
 * target's value wins, lists are the target's.
 */
function mergeUnder(defaults: unknown, target: unknown): unknown {
    if (target === undefined) return clone(defaults);
    if (!isObj(defaults) || !isObj(target)) return clone(target);
    const out: Json = clone(defaults);
    for (const [k, v] of Object.entries(target)) out[k] = mergeUnder(defaults[k], v);
    return out;
}

/** The pod of every container, script and resource template of `object`, as the controller would build each. */
export function workflowPods(object: Json, settings: WorkflowControllerSettings): TemplatePod[] {
    const spec = mergeUnder(settings.workflowDefaults?.spec ?? {}, workflowSpecOf(object)) as Json;
    return listAt(spec, "templates")
        .filter(isObj)
        .filter((t) => isObj(t.container) || isObj(t.script) || isObj(t.resource))
        .map((t) => templatePod(t, spec, settings));
}

function templatePod(tmpl: Json, spec: Json, settings: WorkflowControllerSettings): TemplatePod {
    const template = String(tmpl.name);
    // util.PodSpecPatchMerge: the Workflow's patch, then the template's, merged over the pod (strategic merge).
    const patches = [spec.podSpecPatch, tmpl.podSpecPatch].filter((p) => p !== undefined).map(parsePatch);
    if (patches.some((p) => p === undefined)) {
        return {
            template,
            unknowable:
                "podSpecPatch is not a JSON object (it is made at run time), so no plan can prove the pod it makes; set the fields on the template instead",
        };
    }
    const executor = executorOf(settings);
    const exec = (name: string): Json => execContainer(name, tmpl, spec, settings);
    let main: Json;
    if (isObj(tmpl.container)) {
        main = { ...clone(tmpl.container), name: "main" };
    } else if (isObj(tmpl.script)) {
        const { source: _source, ...container } = clone(tmpl.script);
        main = { ...container, name: "main" };
    } else {
        main = exec("main");
    }
    const containers: Json[] = [];
    if (!isObj(tmpl.resource)) containers.push(waitContainer(tmpl, settings, exec("wait")));
    containers.push(main);
    const initContainers: Json[] = [];
    if (listAt(objectAt(tmpl, "inputs"), "artifacts").length > 0 || isObj(tmpl.script)) {
        initContainers.push(exec("init"));
    }
    const volumes: Json[] = [
        asJson(POD_METADATA.volume),
        ...(settings.kubeConfig ? [asJson(kubeConfigVolume(settings.kubeConfig).volume)] : []),
        ...(["kubelet", "k8sapi", "pns"].includes(executor) ? [] : [asJson(DOCKER_SOCK.volume)]),
    ];
    if (executorAccount(tmpl, spec)) volumes.push(asJson(EXEC_SA_TOKEN.volume));
    const userInit = listAt(tmpl, "initContainers").filter(isObj).map(withoutArgoFields);
    const sidecars = listAt(tmpl, "sidecars").filter(isObj).map(withoutArgoFields);
    const mounting = [main, ...userInit, ...sidecars];
    volumes.push(...referencedVolumes(mounting, tmpl, spec));
    if (listAt(objectAt(tmpl, "inputs"), "artifacts").length > 0) {
        volumes.push(asJson(INPUT_ARTIFACTS.volume));
    }
    if (isObj(tmpl.script)) volumes.push(asJson(ARGO_STAGING.volume));
    const securityContext = isObj(tmpl.securityContext) ? tmpl.securityContext : spec.securityContext;
    const pod: Json = {
        restartPolicy: "Never",
        ...(spec.hostNetwork !== undefined ? { hostNetwork: spec.hostNetwork } : {}),
        ...(securityContext !== undefined ? { securityContext: clone(securityContext) } : {}),
        initContainers: [...initContainers, ...userInit],
        containers: [...containers, ...sidecars],
        volumes,
    };
    return { template, pod: patches.reduce((p: Json, patch) => mergePatch(p, patch!), pod) };
}

/** A podSpecPatch as JSON; undefined when it is not one (Argo's `{{...}}` inside its strings is fine). */
function parsePatch(patch: unknown): Json | undefined {
    if (isObj(patch)) return patch;
    try {
        const parsed: unknown = JSON.parse(String(patch));
        return isObj(parsed) ? parsed : undefined;
    } catch {
        return undefined;
    }
}

/** The PodSpec lists a strategic merge patch merges by `name` (their patchMergeKey), not replaces. */
const MERGED_BY_NAME = new Set(["containers", "initContainers", "ephemeralContainers", "volumes"]);

/** A strategic merge patch of a PodSpec, as far as the pod's security is concerned. */
function mergePatch(target: unknown, patch: unknown, field = ""): Json {
    if (Array.isArray(patch) && Array.isArray(target) && MERGED_BY_NAME.has(field)) {
        const merged = target.map(clone);
        for (const item of patch.filter(isObj)) {
            const i = merged.findIndex((m) => isObj(m) && m.name === item.name);
            if (i >= 0) merged[i] = mergePatch(merged[i], item);
            else merged.push(clone(item));
        }
        return merged as unknown as Json;
    }
    if (!isObj(patch) || !isObj(target)) return clone(patch) as Json;
    const out: Json = clone(target);
    for (const [k, v] of Object.entries(patch)) {
        out[k] = v === null ? undefined : mergePatch(target[k], v, k);
        if (out[k] === undefined) delete out[k];
    }
    return out;
}

/** newExecContainer: the executor's container, with only what the controller config gives it. */
function execContainer(name: string, tmpl: Json, spec: Json, settings: WorkflowControllerSettings): Json {
    const mounts: Json[] = [asJson(POD_METADATA.mount("/argo/podmetadata").mount)];
    if (settings.kubeConfig) {
        mounts.push(asJson(kubeConfigVolume(settings.kubeConfig).mount("/kube/config").mount));
    }
    if (executorAccount(tmpl, spec)) {
        mounts.push(asJson(EXEC_SA_TOKEN.mount("/var/run/secrets/kubernetes.io/serviceaccount").mount));
    }
    const securityContext = settings.executor?.securityContext;
    return {
        name,
        command: ["argoexec", name === "main" ? "resource" : name],
        volumeMounts: mounts,
        ...(isObj(securityContext) ? { securityContext: clone(securityContext) } : {}),
    };
}

/** newWaitContainer: pns adds ptrace/chroot (and privilege beside a privileged container); docker mounts its socket. */
function waitContainer(tmpl: Json, settings: WorkflowControllerSettings, wait: Json): Json {
    switch (executorOf(settings)) {
        case "pns": {
            const privileged = [tmpl.container, ...listAt(tmpl, "sidecars")].some(
                (c) => isObj(c) && objectAt(c, "securityContext").privileged === true,
            );
            return {
                ...wait,
                securityContext: {
                    capabilities: { add: ["SYS_PTRACE", "SYS_CHROOT"] },
                    ...(privileged ? { privileged: true } : {}),
                },
            };
        }
        case "docker":
            return {
                ...wait,
                volumeMounts: [
                    ...listAt(wait, "volumeMounts"),
                    asJson(DOCKER_SOCK.mount("/var/run/docker.sock", { readOnly: true }).mount),
                ],
            };
        default:
            return wait;
    }
}

/** The executor's own account (template, then Workflow): its token is mounted as a Secret volume. */
function executorAccount(tmpl: Json, spec: Json): boolean {
    return Boolean(
        objectAt(tmpl, "executor").serviceAccountName || objectAt(spec, "executor").serviceAccountName,
    );
}

/** A user init container or sidecar as the pod gets it (Argo's own `mirrorVolumeMounts` is not a pod field). */
function withoutArgoFields(c: Json): Json {
    const { mirrorVolumeMounts: _mirror, ...container } = clone(c);
    return container;
}

/** addVolumeReferences: each volume a container mounts, from the template's, the Workflow's or its claims. */
function referencedVolumes(containers: Json[], tmpl: Json, spec: Json): Json[] {
    const claims = listAt(spec, "volumeClaimTemplates")
        .filter(isObj)
        .map((c) => ({
            name: String(objectAt(c, "metadata").name),
            persistentVolumeClaim: { claimName: "<claim of the Workflow>" },
        }));
    const known = [...listAt(tmpl, "volumes"), ...listAt(spec, "volumes"), ...claims].filter(isObj);
    const found: Json[] = [];
    for (const mount of containers.flatMap((c) => listAt(c, "volumeMounts")).filter(isObj)) {
        const volume = known.find((v) => v.name === mount.name);
        if (volume && !found.some((v) => v.name === volume.name)) found.push(clone(volume));
    }
    return found;
}

/** The volume sources the restricted standard allows (the docker executor's socket, a hostPath, is not one). */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];
const CONFINED_PROFILES: readonly unknown[] = ["RuntimeDefault", "Localhost"];

/**
 * The offline pre-check of a pod Argo would build: the restricted standard's own controls (host namespaces, volume
 * types, and per container privilege, escalation, capabilities, non-root, seccomp), so a wrong executor, controller
 * setting or template stops the plan or preview before anything is registered. Not the standard itself: the API
 * server's Pod Security admission is, and e2e/podSecurity.e2e.ts asks it about every pod of the plans, these
 * included, and about each Baseline control this leaves to it (sysctls, SELinux, AppArmor, /proc, host ports).
 */
export function podProblems(spec: Json): string[] {
    const problems: string[] = [];
    const pod = objectAt(spec, "securityContext");
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (spec[field] === true) problems.push(`${field}: true shares the node's namespace`);
    }
    for (const volume of listAt(spec, "volumes").filter(isObj)) {
        for (const source of Object.keys(volume).filter((k) => k !== "name")) {
            if (!RESTRICTED_VOLUME_TYPES.includes(source)) {
                problems.push(`volume ${String(volume.name)} is a ${source} volume`);
            }
        }
    }
    if (pod.runAsUser === 0) problems.push("securityContext.runAsUser is 0 (root)");
    for (const field of ["initContainers", "containers"]) {
        for (const [i, c] of listAt(spec, field).filter(isObj).entries()) {
            const at = `${field}[${i}] (${String(c.name)})`;
            const sc = objectAt(c, "securityContext");
            const caps = objectAt(sc, "capabilities");
            if (sc.privileged === true) problems.push(`${at}: privileged`);
            if (sc.allowPrivilegeEscalation !== false)
                problems.push(`${at}: allowPrivilegeEscalation is not false`);
            if (!listAt(caps, "drop").includes("ALL"))
                problems.push(`${at}: capabilities.drop does not include ALL`);
            for (const cap of listAt(caps, "add").filter((a) => a !== "NET_BIND_SERVICE")) {
                problems.push(`${at}: capabilities.add includes ${String(cap)}`);
            }
            // A container's own setting wins over the pod's, as the kubelet applies them.
            if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
                problems.push(`${at}: runAsNonRoot is not true (on the container or the pod)`);
            }
            if (sc.runAsUser === 0) problems.push(`${at}: runAsUser is 0 (root)`);
            const seccomp = objectAt(sc, "seccompProfile").type ?? objectAt(pod, "seccompProfile").type;
            if (!CONFINED_PROFILES.includes(seccomp)) {
                problems.push(
                    `${at}: seccompProfile.type is ${String(seccomp ?? "unset")} (RuntimeDefault or Localhost)`,
                );
            }
        }
    }
    return problems;
}

/**
 * Every way the pods of `object` (a Workflow, CronWorkflow or WorkflowTemplate) fail {@link podProblems} under a
 * controller with `settings`, each prefixed with the template; empty when every pod passes.
 */
export function workflowPodViolations(object: Json, settings: WorkflowControllerSettings): string[] {
    return workflowPods(object, settings).flatMap((p) =>
        p.unknowable !== undefined
            ? [`template ${p.template}: ${p.unknowable}`]
            : podProblems(p.pod!).map((v) => `template ${p.template}: ${v}`),
    );
}
