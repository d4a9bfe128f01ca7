import type { KnownLayout } from "./layouts";
import type { KubeObject } from "./model";

// The layouts the systems' deployment repositories have had, each recognised from the live workloads alone, so the
// report says which one it found. The first that matches is named: the most specific comes first.

const names = (workloads: readonly KubeObject[]) => new Set(workloads.map((w) => w.metadata.name));

/** DIALS' non-worker Deployments (cms-DQM/dials oc/prod at every commit below). */
const DIALS_SERVICES = new Set([
    "backend",
    "frontend",
    "flower",
    "common-redbeat",
    "common-indexer",
    "redis-etl-broker",
    "redis-web-cache",
]);

/** The live DIALS workers as the stack file's keys would describe them: workspaces (bulk + priority) and the rest. */
function dialsWorkers(workloads: readonly KubeObject[]): { workspaces: string[]; extra: string[] } {
    const live = names(workloads);
    const workers = [...live].filter((n) => !DIALS_SERVICES.has(n)).sort();
    const workspaces = workers
        .filter((n) => n.endsWith("-bulk") && live.has(n.replace(/-bulk$/, "-priority")))
        .map((n) => n.replace(/-bulk$/, ""));
    const paired = new Set(workspaces.flatMap((w) => [`${w}-bulk`, `${w}-priority`, `${w}-indexer`]));
    return { workspaces, extra: workers.filter((n) => !paired.has(n)) };
}

const kinds = (workloads: readonly KubeObject[], name: string) =>
    new Set(workloads.filter((w) => w.metadata.name === name).map((w) => w.kind));

/** Packit and Stream share packit/deployment's layouts. */
const packitLayouts = (system: string): KnownLayout[] => [
    {
        system,
        name:
            "packit/deployment before 81ede2c (2022-11; f2d71c9 is runbook 001's): DeploymentConfigs, the workers " +
            "a StatefulSet",
        matches: (w) => kinds(w, "packit-service").has("DeploymentConfig"),
    },
    {
        system,
        name:
            "packit/deployment 81ede2c..1f79bca (2022-11 to 2024-08): Deployments selecting component: <name>, " +
            "tokman handing out GitHub tokens",
        matches: (w) => kinds(w, "tokman").has("Deployment"),
    },
    {
        system,
        name:
            "packit/deployment from 5b14ddd/972d20a (2024-08, 2025-01): no tokman; the GitHub App key " +
            "(Secret github-app-private-key) is mounted into packit-service and the workers",
        matches: (w) => kinds(w, "packit-service").has("Deployment") && kinds(w, "tokman").size === 0,
    },
];

export const KNOWN_LAYOUTS: readonly KnownLayout[] = [
    {
        system: "prow",
        name:
            "kubevirt/project-infra@2c863fd github/ci/prow-deploy/kustom/overlays/kubevirt-prow-control-plane: Prow from " +
            "us-docker.pkg.dev/k8s-infra-prow/images, prow-controller-manager running plank's controller, label_sync " +
            "one CronJob per org, the external plugins coverage, phased, referee and test-subset, docker-mirror-proxy",
        matches: (w) => names(w).has("prow-controller-manager"),
    },
    {
        system: "prow",
        name:
            "kubevirt/project-infra@145ec5a github/ci/prow-deploy/kustom (runbook 002, what the program describes): Prow " +
            "from gcr.io/k8s-prow, plank kept at 0 replicas, docker-mirror and greenhouse",
        matches: (w) => names(w).has("plank"),
    },
    {
        system: "thoth",
        name:
            "thoth-station/thoth-application@f2cf35f and runbook 000 (`oc set probe dc/<name>`): the services and the " +
            "database as DeploymentConfigs, Argo's controller and server as Deployments",
        matches: (w) => w.some((x) => x.kind === "DeploymentConfig"),
    },
    ...packitLayouts("packit"),
    ...packitLayouts("stream"),
    {
        system: "dials",
        name:
            "cms-DQM/dials@9fd1394 oc/prod (the commit whose docs/DEPLOYMENT.md is runbook 003): one common-indexer, " +
            "a bulk and a priority worker per workspace, Redis as the Deployments redis-etl-broker and redis-web-cache",
        matches: (w) => names(w).has("common-indexer"),
        fix: dialsLayoutFix,
    },
    {
        system: "dials",
        name:
            "runbook 003's `oc get deployments` (cms-DQM/dials@31ad398 oc/prod/deployments/<workspace>.yaml): an " +
            "indexer, a bulk and a priority worker per workspace",
        matches: (w) => [...names(w)].some((n) => n.endsWith("-indexer") && n !== "common-indexer"),
        fix: dialsLayoutFix,
    },
];

/**
 * The stack-file edit that describes DIALS' live workers, from the live workloads: what the report prints when a
 * live worker is not the program's.
 */
function dialsLayoutFix(workloads: readonly KubeObject[]): string {
    const { workspaces, extra } = dialsWorkers(workloads);
    const common = names(workloads).has("common-indexer");
    return (
        `set dials.workspaces to the live workspaces ${workspaces.join(", ") || "(none)"} (each with its egroup${common ? " and indexer: false" : ""}), ` +
        `dials.etl.commonIndexer: ${common}, dials.etl.extraQueues: [${extra.join(", ")}], and run the report again`
    );
}
