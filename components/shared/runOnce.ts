import * as k8s from "@pulumi/kubernetes";
import { ContainerSpec, basePodSpec, podVolumes } from "./container";
import type { Platform } from "./platform";

/**
 * The pod of a Job that runs once (a schema migration, a data copy): never restarted in place (a retry is a new pod,
 * counted by the Job's backoffLimit), no API token, the platform's security defaults.
 */
export function runOncePodSpec(
    platform: Platform,
    containers: ContainerSpec[],
): k8s.types.input.core.v1.PodSpec {
    // The volumes of handle mounts (`mounts: [secret.mount(path)]`): none given otherwise.
    const volumes = podVolumes(containers, undefined);
    return {
        restartPolicy: "Never",
        ...basePodSpec({ containers, volumes, automountServiceAccountToken: false }, platform),
    };
}
