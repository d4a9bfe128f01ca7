// The Pod Security Standards' Restricted profile (which includes Baseline), as the Kubernetes documentation defines
// it: https://kubernetes.io/docs/concepts/security/pod-security-standards/ (kubernetes/website
// content/en/docs/concepts/security/pod-security-standards.md). One control per entry below, each checked over every
// container, init container and ephemeral container of a pod spec given as plain JSON (a rendered manifest, or a pod a
// controller would build). Pure, so a plan, a test and the program read the same rule.

/** A plain JSON object, and how the pod walkers here and in argoPod.ts read one: a missing field is empty. */
export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const objectAt = (o: Json, key: string): Json => (isObj(o[key]) ? o[key] : {});
export const listAt = (o: Json, key: string): unknown[] => (Array.isArray(o[key]) ? o[key] : []);

/** Baseline, "Capabilities": what a container may add (Restricted narrows it to NET_BIND_SERVICE). */
const RESTRICTED_ADDABLE_CAPABILITIES: ReadonlySet<string> = new Set(["NET_BIND_SERVICE"]);
/** Restricted, "Volume Types": the only volume sources a pod may use. */
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
/** Baseline, "Sysctls": the safe set. */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
]);
/** Baseline, "SELinux": the types a pod or container may set. */
const SELINUX_TYPES: ReadonlySet<string> = new Set([
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
]);
/** Restricted, "Seccomp" (and Baseline, "AppArmor"): the profile types allowed when one is set. */
const CONFINED_PROFILES: ReadonlySet<string> = new Set(["RuntimeDefault", "Localhost"]);

/** One container of a pod, with where it sits in the spec. */
interface PodContainer {
    path: string;
    name: string;
    container: Json;
}

function containersOf(spec: Json): PodContainer[] {
    return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((field) =>
        listAt(spec, field)
            .filter(isObj)
            .map((container, i) => ({
                path: `${field}[${i}]`,
                name: typeof container.name === "string" ? container.name : `#${i}`,
                container,
            })),
    );
}

/**
 * Every way `spec` (a PodSpec as JSON) breaks the Restricted profile, one sentence each naming the field; empty when
 * it passes. A pod-level setting counts for a container that leaves it unset, as the standard allows.
 */
export function restrictedViolations(spec: Json): string[] {
    const problems: string[] = [];
    const pod = objectAt(spec, "securityContext");
    const containers = containersOf(spec);

    // Baseline: host namespaces.
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (spec[field] === true) problems.push(`${field}: true shares the node's namespace`);
    }
    // Restricted: volume types (which also forbids Baseline's hostPath).
    for (const [i, volume] of listAt(spec, "volumes").entries()) {
        if (!isObj(volume)) continue;
        const sources = Object.keys(volume).filter((k) => k !== "name");
        const name = typeof volume.name === "string" ? volume.name : `#${i}`;
        for (const source of sources.filter((s) => !RESTRICTED_VOLUME_TYPES.includes(s))) {
            problems.push(
                `volume ${name} is a ${source} volume (allowed: ${RESTRICTED_VOLUME_TYPES.join(", ")})`,
            );
        }
    }
    // Baseline: sysctls.
    for (const sysctl of listAt(pod, "sysctls").filter(isObj)) {
        if (!SAFE_SYSCTLS.has(String(sysctl.name))) {
            problems.push(`securityContext.sysctls sets ${String(sysctl.name)}, outside the safe set`);
        }
    }
    problems.push(...contextProblems("securityContext", pod));
    // Baseline forbids an unconfined pod profile even where every container sets its own.
    const podProfile = objectAt(pod, "seccompProfile").type;
    if (podProfile !== undefined && !CONFINED_PROFILES.has(String(podProfile))) {
        problems.push(`securityContext.seccompProfile.type is ${String(podProfile)}`);
    }

    // Restricted: non-root and seccomp hold for each container, at its own level or the pod's.
    const podNonRoot = pod.runAsNonRoot === true;
    const podSeccomp = objectAt(pod, "seccompProfile").type;
    for (const c of containers) {
        const at = `${c.path} (${c.name})`;
        const sc = objectAt(c.container, "securityContext");
        if (sc.privileged === true) problems.push(`${at}: privileged`);
        if (sc.allowPrivilegeEscalation !== false) {
            problems.push(`${at}: allowPrivilegeEscalation is not false`);
        }
        const caps = objectAt(sc, "capabilities");
        if (!listAt(caps, "drop").includes("ALL")) {
            problems.push(`${at}: capabilities.drop does not include ALL`);
        }
        for (const cap of listAt(caps, "add")) {
            if (!RESTRICTED_ADDABLE_CAPABILITIES.has(String(cap))) {
                problems.push(`${at}: capabilities.add includes ${String(cap)}`);
            }
        }
        if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && !podNonRoot)) {
            problems.push(`${at}: runAsNonRoot is not true (on the container or the pod)`);
        }
        const seccomp = objectAt(sc, "seccompProfile").type ?? podSeccomp;
        if (!CONFINED_PROFILES.has(String(seccomp))) {
            problems.push(
                `${at}: seccompProfile.type is ${seccomp === undefined ? "unset" : String(seccomp)} (on the container or the pod; RuntimeDefault or Localhost)`,
            );
        }
        for (const [i, port] of listAt(c.container, "ports").entries()) {
            if (isObj(port) && port.hostPort !== undefined && port.hostPort !== 0) {
                problems.push(`${at}: ports[${i}].hostPort ${String(port.hostPort)}`);
            }
        }
        problems.push(...contextProblems(`${at}: securityContext`, sc));
    }
    return problems;
}

/** The controls a pod's and a container's securityContext share (seccomp is checked where it takes effect). */
function contextProblems(at: string, sc: Json): string[] {
    const problems: string[] = [];
    if (sc.runAsUser === 0) problems.push(`${at}.runAsUser is 0 (root)`);
    if (objectAt(sc, "windowsOptions").hostProcess === true) {
        problems.push(`${at}.windowsOptions.hostProcess is true`);
    }
    const appArmor = objectAt(sc, "appArmorProfile").type;
    if (appArmor !== undefined && !CONFINED_PROFILES.has(String(appArmor))) {
        problems.push(`${at}.appArmorProfile.type is ${String(appArmor)}`);
    }
    const selinux = objectAt(sc, "seLinuxOptions");
    if (selinux.type !== undefined && !SELINUX_TYPES.has(String(selinux.type))) {
        problems.push(`${at}.seLinuxOptions.type is ${String(selinux.type)}`);
    }
    for (const field of ["user", "role"]) {
        if (selinux[field] !== undefined && selinux[field] !== "") {
            problems.push(`${at}.seLinuxOptions.${field} is set`);
        }
    }
    if (sc.procMount !== undefined && sc.procMount !== "Default") {
        problems.push(`${at}.procMount is ${String(sc.procMount)}`);
    }
    return problems;
}
