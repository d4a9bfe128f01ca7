import { z } from "zod";
import { dialsSchema } from "../../components/dials/config";
import { stackValues } from "../harness";
import { Stack, SystemFixture, Values, runSystem } from "../fixtures/system";
import { RecordedResource } from "../../tools/mocks/recorder";
import { BACKEND_SECRETS, EOS_SECRETS, ETL_SECRETS } from "../../components/dials/secrets";

/** Every required DIALS secret, each with a value that is easy to search for in recorded inputs. */
export const DIALS_SECRETS: Record<string, string> = {
    "kubeconfig-cern-paas": "apiVersion: v1\nkind: Config\n",
    ...Object.fromEntries(
        [...BACKEND_SECRETS, ...ETL_SECRETS, ...EOS_SECRETS].map((s) => [s.key, `SECRET-VALUE-${s.key}`]),
    ),
};

/** The stack's program settings and DIALS section only, so other systems' secrets are not needed here. */
export function dialsValues(stack: "stage" | "prod"): Record<string, unknown> {
    const all = stackValues(stack);
    return { tier: all.tier, clusters: all.clusters, dials: all.dials };
}

/** The `runbooks:dials` section as written in a stack file. */
export type DialsSection = z.input<typeof dialsSchema>;

/** The DIALS section of a stack, for tests that change one setting. */
export function dialsSection(values: Record<string, unknown>): DialsSection {
    return values.dials as DialsSection;
}

/**
 * Keeps a stack's first `kept` workspaces and the default one only, for cases that read no workspace's workers in particular:
 * each workspace adds its three workers (six objects with their Workloads) through one loop, each reading what every
 * other ETL Deployment reads (the ETL ConfigMap and Secret, the EOS credentials), so the workers left out can show
 * nothing such a case does not see in the ones kept. "dials on the prod stack" reads every prod worker.
 */
export function fewerWorkspaces(dials: DialsSection, kept = 1): void {
    dials.workspaces = dials.workspaces.filter((w, i) => i < kept || w.name === dials.defaultWorkspace);
}

/** A change of a stack's values that edits its DIALS section, for runSystem(DIALS, ...) and evaluatePart. */
export function onDials(change: (dials: DialsSection) => void): (values: Values) => void {
    return (values) => change(dialsSection(values));
}

/** DIALS in test/fixtures/system.ts: its section, the program-level ones, every required secret. */
export const DIALS: SystemFixture = {
    sections: ["tier", "clusters", "dials"],
    secrets: () => DIALS_SECRETS,
};

/** `stack` evaluated with its DIALS section changed by `change` (and `secrets` instead of the fixture's). */
export function runDials(
    stack: Stack,
    change: (dials: DialsSection) => void,
    secrets?: Record<string, string>,
): Promise<RecordedResource[]> {
    return runSystem(DIALS, stack, onDials(change), secrets);
}

/** DJANGO_WORKSPACES on the prod stack: each workspace's certifier e-group. */
export const PROD_WORKSPACE_GROUPS = {
    csc: "cms-dqm-runregistry-offline-csc-certifiers",
    ecal: "cms-dqm-runregistry-offline-ecal-certifiers",
    hcal: "cms-dqm-runregistry-offline-hcal-certifiers",
    jetmet: "cms-dqm-runregistry-offline-jme-certifiers",
    tracker: "cms-dqm-runregistry-offline-tracker-certifiers",
};

/**
 * The workers of the prod stack: `oc get deployments` of runbook 003 (without common-redbeat and flower), and what the
 * pinned release v1.12.0 publishes to besides: `common-indexer` (it has no downloader queues, test/dials/upstream.ts).
 */
export const PROD_WORKERS = [
    "common-indexer",
    "csc-bulk",
    "csc-indexer",
    "csc-priority",
    "ecal-bulk",
    "ecal-indexer",
    "ecal-priority",
    "hcal-bulk",
    "hcal-indexer",
    "hcal-priority",
    "jetmet-bulk",
    "jetmet-indexer",
    "jetmet-priority",
    "tracker-bulk",
    "tracker-indexer",
    "tracker-priority",
];
