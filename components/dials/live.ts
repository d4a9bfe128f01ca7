import type { WorkloadArgs } from "../shared/workload";

// How DIALS runs today, as cms-DQM/dials@9fd1394 oc/prod (the commit whose docs/DEPLOYMENT.md is runbook 003) applies
// it, for the first `pulumi up` to take each object over in place.

/**
 * The selector and pod labels of a DIALS Deployment running today. Every oc/prod Deployment selects only
 * `app: <name>` and its pods also carry `deployment: <name>`, which oc/prod/services.yaml selects
 * (cms-DQM/dials@9fd1394 oc/prod/deployments/etl/common/{beat-scheduler,flower,indexer,redis}.yaml,
 * etl/workspaces/*.yaml, web/{backend,frontend,redis}.yaml). A selector cannot change in place: the program's
 * Deployment of the same name keeps it, and its pods keep both labels, so the live Services still select the pods
 * the first deploy rolls until they are updated too.
 */
export function liveLabelsOf(name: string): Pick<WorkloadArgs, "liveSelector" | "livePodLabels"> {
    return { liveSelector: { app: name }, livePodLabels: { deployment: name } };
}

/**
 * The Routes' names today (cms-DQM/dials@9fd1394 oc/prod/routes.yaml): a Route of another name for the same host
 * would be a second claim on it, which the router refuses while the live one stands.
 */
export const ROUTE_NAMES = { api: "dials-backend", frontend: "dials-frontend" } as const;
