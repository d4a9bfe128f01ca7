import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EnvMap, toEnvVars } from "./env";
import { sameCheck } from "./probes";
import type { HandleEnvFrom } from "./handles";
import { Sizing, toResourceRequirements } from "./resources";
import { containerSecurityContext } from "./security";

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
     * Whole Secrets/ConfigMaps exposed as env (e.g. DIALS' `dials-etl-secrets`), as their handles' `.envFrom()`: the
     * reference carries the object's name, so the pod waits for the object and follows a rename.
     */
    envFrom?: HandleEnvFrom[];
    /** Requests and limits; required so no container runs without a memory limit. */
    resources: Sizing;
    livenessProbe?: k8s.types.input.core.v1.Probe;
    readinessProbe?: k8s.types.input.core.v1.Probe;
    startupProbe?: k8s.types.input.core.v1.Probe;
    volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
    lifecycle?: k8s.types.input.core.v1.Lifecycle;
    /** Merged over the non-root default. */
    securityContext?: k8s.types.input.core.v1.SecurityContext;
    imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
}

export function toContainer(spec: ContainerSpec): k8s.types.input.core.v1.Container {
    if (spec.livenessProbe && spec.readinessProbe && sameCheck(spec.livenessProbe, spec.readinessProbe)) {
        throw new Error(
            `container ${spec.name}: its livenessProbe makes the same check as its readinessProbe; give liveness a ` +
                "check without the dependencies (httpServerProbes in components/shared/probes.ts) or none",
        );
    }
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
    if (spec.env && Object.keys(spec.env).length > 0) container.env = toEnvVars(spec.env);
    if (spec.envFrom?.length) {
        container.envFrom = spec.envFrom.map((src) => {
            const ref = { name: src.from.name, optional: src.optional };
            return src.from.kind === "Secret" ? { secretRef: ref } : { configMapRef: ref };
        });
    }
    if (spec.livenessProbe) container.livenessProbe = spec.livenessProbe;
    if (spec.readinessProbe) container.readinessProbe = spec.readinessProbe;
    if (spec.startupProbe) container.startupProbe = spec.startupProbe;
    if (spec.volumeMounts?.length) container.volumeMounts = spec.volumeMounts;
    if (spec.lifecycle) container.lifecycle = spec.lifecycle;
    if (spec.imagePullPolicy) container.imagePullPolicy = spec.imagePullPolicy;
    return container;
}
