import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EnvMap, toEnvVars } from "./env";
import { sameCheck } from "./probes";
import type { HandleEnvFrom } from "./handles";
import { Sizing, toResourceRequirements } from "./resources";
import type { Platform } from "./platform";
import { containerSecurityContext, podSecurityContext } from "./security";
import { DefinitionError } from "./errors";
import { PodMount, VolumeClaimTemplateSpec, mountedClaimTemplates, mountedVolumes } from "./volumes";

/** A container as the systems describe it; turned into the Kubernetes shape by {@link toContainer}. */
export interface ContainerSpec {
    name: string;
    /** Full image reference (tag or digest), resolved for the platform by the caller. */
    image: pulumi.Input<string>;
    command?: string[];
    args?: string[];
    workingDir?: string;
    ports?: { name: string; containerPort: number; protocol?: "TCP" | "UDP" }[];
    env?: EnvMap;
    /**
     * Whole Secrets/ConfigMaps exposed as env (e.g. a Secret of a worker's settings), as their handles' `.envFrom()`: the
     * reference carries the object's name, so the pod waits for the object and follows a rename.
     */
    envFrom?: HandleEnvFrom[];
    /** Requests and limits; required so no container runs without a memory limit. */
    resources: Sizing;
    livenessProbe?: k8s.types.input.core.v1.Probe;
    readinessProbe?: k8s.types.input.core.v1.Probe;
    startupProbe?: k8s.types.input.core.v1.Probe;
    /**
     * The container's only mounts (it has no `volumeMounts`: a volume and its mount are made by one call). Objects
     * mounted through their handles (`mounts: [tls.mount("/etc/tls")]`), volumes without an object
     * (`podVolume(...).mount(path)`) and a StatefulSet's per-pod claims (`claimTemplate(...).mount(path)`): the
     * container gets the mount and its pod the volume ({@link podVolumes}) or claim template
     * ({@link podClaimTemplates}), so the volume's name is written once, where the volume is made.
     */
    mounts?: PodMount[];
    lifecycle?: k8s.types.input.core.v1.Lifecycle;
    securityContext?: k8s.types.input.core.v1.SecurityContext;
    imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
}

/** A container's probes: a liveness probe making the readiness probe's check restarts healthy pods. */
function probesOf(spec: ContainerSpec): Partial<k8s.types.input.core.v1.Container> {
    if (spec.livenessProbe && spec.readinessProbe && sameCheck(spec.livenessProbe, spec.readinessProbe)) {
        throw new DefinitionError(
            `container ${spec.name}: its livenessProbe makes the same check as its readinessProbe; give liveness a ` +
                "check without the dependencies (httpServerProbes in components/shared/probes.ts) or none",
        );
    }
    return {
        ...(spec.livenessProbe ? { livenessProbe: spec.livenessProbe } : {}),
        ...(spec.readinessProbe ? { readinessProbe: spec.readinessProbe } : {}),
        ...(spec.startupProbe ? { startupProbe: spec.startupProbe } : {}),
    };
}

/** What a container reads: env, whole objects as env, and its mounts. */
function readsOf(spec: ContainerSpec): Partial<k8s.types.input.core.v1.Container> {
    const volumeMounts = (spec.mounts ?? []).map((m) => m.mount);
    return {
        ...(spec.env && Object.keys(spec.env).length > 0 ? { env: toEnvVars(spec.env) } : {}),
        ...(spec.envFrom?.length
            ? {
                  envFrom: spec.envFrom.map((src) => {
                      const ref = { name: src.from.name, optional: src.optional };
                      return src.from.kind === "Secret" ? { secretRef: ref } : { configMapRef: ref };
                  }),
              }
            : {}),
        ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
    };
}

export function toContainer(spec: ContainerSpec): k8s.types.input.core.v1.Container {
    const probes = probesOf(spec);
    const reads = readsOf(spec);
    // Field order as the API server writes it back, so the rendered spec (and the plan) stays stable.
    const container: k8s.types.input.core.v1.Container = {
        name: spec.name,
        image: spec.image,
        resources: toResourceRequirements(spec.resources),
        securityContext: containerSecurityContext(spec.securityContext),
    };
    if (spec.command) container.command = spec.command;
    if (spec.args) container.args = spec.args;
    if (spec.workingDir) container.workingDir = spec.workingDir;
    if (spec.ports?.length) {
        container.ports = spec.ports.map((p) => ({
            name: p.name,
            containerPort: p.containerPort,
            protocol: p.protocol ?? "TCP",
        }));
    }
    if (reads.env) container.env = reads.env;
    if (reads.envFrom) container.envFrom = reads.envFrom;
    Object.assign(container, probes);
    if (reads.volumeMounts) container.volumeMounts = reads.volumeMounts;
    if (spec.lifecycle) container.lifecycle = spec.lifecycle;
    if (spec.imagePullPolicy) container.imagePullPolicy = spec.imagePullPolicy;
    return container;
}

/** What a pod spec of a workload or a scheduled job holds besides its own settings. */
export interface PodBase {
    containers: ContainerSpec[];
    initContainers?: ContainerSpec[];
    volumes?: k8s.types.input.core.v1.Volume[];
    serviceAccountName?: pulumi.Input<string>;
    /** Pods that never call the Kubernetes API should not carry a token. */
    automountServiceAccountToken?: boolean;
}

/** A pod spec's containers, the platform's pod security context, and the volumes, account and token switch when set. */
export function basePodSpec(pod: PodBase, platform: Platform): k8s.types.input.core.v1.PodSpec {
    const podSpec: k8s.types.input.core.v1.PodSpec = {
        containers: pod.containers.map(toContainer),
        securityContext: podSecurityContext(platform),
    };
    if (pod.initContainers?.length) podSpec.initContainers = pod.initContainers.map(toContainer);
    if (pod.volumes?.length) podSpec.volumes = pod.volumes;
    if (pod.serviceAccountName) podSpec.serviceAccountName = pod.serviceAccountName;
    if (pod.automountServiceAccountToken !== undefined)
        podSpec.automountServiceAccountToken = pod.automountServiceAccountToken;
    return podSpec;
}

/** A pod's volumes: the given ones, then those its containers' {@link ContainerSpec.mounts} need ({@link mountedVolumes}). */
export function podVolumes(
    containers: readonly ContainerSpec[],
    volumes: k8s.types.input.core.v1.Volume[] | undefined,
): k8s.types.input.core.v1.Volume[] | undefined {
    return mountedVolumes(
        containers.flatMap((c) => c.mounts ?? []),
        volumes,
    );
}

/** A StatefulSet's claim templates: the given ones, then those its containers mount ({@link mountedClaimTemplates}). */
export function podClaimTemplates(
    containers: readonly ContainerSpec[],
    templates: VolumeClaimTemplateSpec[] | undefined,
): VolumeClaimTemplateSpec[] | undefined {
    return mountedClaimTemplates(
        containers.flatMap((c) => c.mounts ?? []),
        templates,
    );
}
