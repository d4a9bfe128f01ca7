import type { WorkloadArgs } from "../shared/workload";

// How Thoth's database trio runs today, as thoth-station/thoth-application@f2cf35f core/overlays/test (the test
// station's namespace thoth-test-core; ocp4-stage/graph-stage the same) applies it, for the first `pulumi up` to take
// each one over without a gap where two can run at once.

/** Name of the claim holding the database, as thoth-application names it (so an existing one is adopted). */
export const GRAPH_CLAIM = "pgsql-data";

/** The DeploymentConfigs' selectors, by workload name (core/overlays/test/{postgresql,pgbouncer,postgresql-metrics-exporter}.yaml). */
const LIVE_SELECTORS = {
    postgresql: { name: "postgresql" },
    pgbouncer: { service: "pgbouncer" },
    "postgres-metrics-exporter": { service: "postgres-metrics-exporter" },
} as const;

/**
 * The selector a database-trio workload runs with today. The program runs Deployments where today's are
 * DeploymentConfigs (another kind, nothing takes one over): keeping the DeploymentConfig's selector puts the
 * Deployment's pods beside today's under the program's Services, which select with it, so a RollingUpdate one starts
 * beside today's and the DeploymentConfig is deleted after the deploy (the handover the migration report prints).
 */
export function liveLabelsOf(name: keyof typeof LIVE_SELECTORS): Pick<WorkloadArgs, "liveSelector"> {
    return { liveSelector: { ...LIVE_SELECTORS[name] } };
}
