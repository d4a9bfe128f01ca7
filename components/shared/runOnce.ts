import * as k8s from "@pulumi/kubernetes";
import { ContainerSpec, podVolumes, toContainer } from "./container";
import type { Platform } from "./platform";
import { podSecurityContext } from "./security";

/**
 * The pod of a Job that runs once (a schema migration, a data copy): never restarted in place (a retry is a new pod,
 * counted by the Job's backoffLimit), no API token, the platform's security defaults.
 */
export function runOncePodSpec(
    platform: Platform,
    containers: ContainerSpec[],
): k8s.types.input.core.v1.PodSpec {
    const mounted = podVolumes(containers, undefined);
    return {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: podSecurityContext(platform),
        containers: containers.map(toContainer),
        // The volumes of handle mounts (`mounts: [secret.mount(path)]`): none given otherwise.
        ...(mounted ? { volumes: mounted } : {}),
    };
}
