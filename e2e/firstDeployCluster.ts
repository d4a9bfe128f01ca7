import { spawn } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { KubeObject } from "../tools/adopt/model";
import { Report } from "../tools/adopt/report";
import { readStackFile } from "../tools/plan/stackfile";
import { FIRST_DEPLOY_FIXES } from "../test/fixtures/live/fixes";
import { StackValues, onlySystems } from "../test/fixtures/live/program";
import { LiveSystem } from "../test/fixtures/live/types";
import { editedStackText, todayManifests } from "./firstDeploy";
import { Kubectl } from "./kube";
import { ROOT, StackCopy } from "./localStack";
import { prepareCommittedCopy } from "./stackCopies";

// The steps of the documented first deploy that act on a cluster (docs/operate/first-deploy.md), shared by the
// first-deploy e2e and its controls: today's objects applied as each team applies them, the operator's copy of the
// prod stack with the report's fixes, and the report itself.

/** The stack every first deploy is taken from. */
export const FIRST_DEPLOY_STACK = "prod";

/**
 * How each team applies what runs today: DIALS (`oc apply -f oc/prod`, runbook 003) and Prow (`kubectl apply -k`,
 * runbook 002) apply client-side, so their fields belong to kubectl-client-side-apply; Argo CD, which deploys
 * Thoth's Argo Deployments, applies as its own manager; here it is server-side, so both kinds of ownership meet the
 * program's server-side apply.
 */
const APPLIED_BY: Record<string, { serverSide: boolean; manager: string }> = {
    dials: { serverSide: false, manager: "kubectl-client-side-apply" },
    prow: { serverSide: false, manager: "kubectl-client-side-apply" },
    packit: { serverSide: false, manager: "kubectl-client-side-apply" },
    thoth: { serverSide: true, manager: "argocd-controller" },
};

/** Applies a system's live objects as its team does (namespaces first). */
export function applyToday(kubectl: Kubectl, live: LiveSystem): void {
    const how = APPLIED_BY[live.system];
    const manifests = todayManifests(live);
    const list = (items: KubeObject[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });
    const args = how.serverSide
        ? ["apply", "--server-side", `--field-manager=${how.manager}`, "-f", "-"]
        : ["apply", "-f", "-"];
    kubectl.ok(args, list(manifests.filter((o) => o.kind === "Namespace")));
    kubectl.ok(args, list(manifests.filter((o) => o.kind !== "Namespace")));
}

/**
 * The operator's copy of the prod stack for a first deploy of `systems` on the cluster `kubectl` reaches: the other
 * systems switched off, each system's fixes (test/fixtures/live/fixes.ts, the ones the offline tests use) and
 * `edit` (what the operator reads off the live cluster) applied to the stack file, the secret keys the fixes name
 * set. Returns the copy and the stack's clusters.
 */
export function firstDeployCopy(
    kubectl: Kubectl,
    systems: readonly string[],
    workDir: string,
    edit: (values: StackValues) => void = () => {},
): { copy: StackCopy; clusters: string[] } {
    const file = readStackFile(FIRST_DEPLOY_STACK, ROOT);
    const values = structuredClone(file.values) as StackValues;
    onlySystems(values, systems);
    const secrets = systems.flatMap((s) => {
        FIRST_DEPLOY_FIXES[s].edit(values);
        return FIRST_DEPLOY_FIXES[s].secrets;
    });
    edit(values);
    const source = path.join(workDir, `Pulumi.${FIRST_DEPLOY_STACK}.yaml`);
    writeFileSync(
        source,
        editedStackText(
            readFileSync(path.join(ROOT, `Pulumi.${FIRST_DEPLOY_STACK}.yaml`), "utf8"),
            file.values,
            values,
        ),
    );
    const kubeconfig = kubectl.ok(["config", "view", "--raw", "--flatten", "--minify"]);
    const { copy } = prepareCommittedCopy(FIRST_DEPLOY_STACK, kubeconfig, kubectl.kubeSystemUid(), source);
    copy.configure({ secrets: Object.fromEntries(secrets.map((key) => [key, "live-value"])) });
    return { copy, clusters: Object.keys(values.clusters as Record<string, unknown>) };
}

/** `npm run adopt -- --stack prod` (the compiled CLI) in the copy, every cluster of the stack on the test cluster. */
export function adoptReport(
    cwd: string,
    kubeconfig: string,
    clusters: readonly string[],
    json: string,
): Promise<{ code: number; out: string }> {
    const args = [
        path.join(ROOT, "dist", "tools", "adopt", "cli.js"),
        "--stack",
        FIRST_DEPLOY_STACK,
        "--json",
        json,
    ];
    for (const c of clusters) args.push("--kubeconfig", `${c}=${kubeconfig}`);
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, out })));
}

/**
 * The cluster-side fixes the report prints, as kubectl arguments: `kubectl [-n <ns>] patch <kind> <name> --type=<t>
 * -p '<patch>'` in a blocking or managed-elsewhere finding (a Namespace's old managers, a Deployment's live strategy).
 */
export function printedPatches(report: Report): { what: string; args: string[] }[] {
    const out: { what: string; args: string[] }[] = [];
    for (const f of report.findings) {
        if (!["blocking", "managed-elsewhere"].includes(f.verdict)) continue;
        for (const r of f.reasons)
            for (const m of r.matchAll(
                /kubectl (?:-n (\S+) )?patch (\S+) (\S+) --type=(\w+) -p '([^']+)'/g,
            )) {
                const [, ns, kind, name, type, patch] = m;
                out.push({
                    what: `${kind} ${ns ? `${ns}/` : ""}${name}`,
                    args: [...(ns ? ["-n", ns] : []), "patch", kind, name, `--type=${type}`, "-p", patch],
                });
            }
    }
    return out;
}
