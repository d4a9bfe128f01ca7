import type { WorkloadArgs } from "../shared/workload";

/**
 * The selector a Packit/Stream workload runs with today: `component: <name>`, which its pods carry and its Service
 * selects (packit/deployment@1f79bca openshift/{packit-service,dashboard,packit-service-fedmsg,packit-service-beat,
 * tokman,pushgateway,nginx,redis,redis-commander,flower,postgres}.yml.j2, packit-worker.yml.j2 with component
 * `packit-worker-<queues>`; the same since the Deployments replaced the DeploymentConfigs, 81ede2c, 2022-11). A
 * selector cannot change in place: the program's workload of the same name keeps it, so the first deploy rolls the
 * live pods instead of starting a second set beside them.
 */
export function liveLabelsOf(name: string): Pick<WorkloadArgs, "liveSelector"> {
    return { liveSelector: { component: name } };
}
