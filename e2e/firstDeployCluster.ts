import { spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { KubeObject } from "../tools/adopt/model";
import { ARGO_CLUSTER_ROLES, ARGO_KINDS, argoCrd } from "../components/thoth/station/modules/argo";
import { Report, printedRecordCommands } from "../tools/adopt/report";
import { READ_RELEASE, pinnedRelease } from "../tools/adopt/imageChanges";
import { readStackFile, stackFileSource } from "../tools/plan/stackfile";
import { loadProgramConfig } from "../components/config/load";
import { ConfigError, ConfigProblem } from "../components/config/problems";
import { SYSTEMS } from "../components/systems";
import { SECRET_MASK } from "../tools/mocks/recorder";
import { FIRST_DEPLOY_FIXES } from "../test/fixtures/live/fixes";
import { StackValues, onlySystems } from "../test/fixtures/live/program";
import { LiveSystem } from "../test/fixtures/live/types";
import { withTakeoverList } from "../test/fixtures/live/takeovers";
import { editedStackText, podReady, todayManifests } from "./firstDeploy";
import { Kubectl } from "./kube";
import { K8sObject } from "./render";
import { BIN, ROOT, StackCopy, kwokCluster, kwokKubeconfig } from "./localStack";
import { prepareCommittedCopy } from "./stackCopies";
import { commandsOf, shellWords } from "../tools/cli/shellText";

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
    // OpenShift's controller owns each rollout's ReplicationController by its DeploymentConfig (deleting the
    // DeploymentConfig deletes them and their pods); the uid exists only now.
    for (const rc of manifests.filter((o) => o.kind === "ReplicationController")) {
        const dc = (rc.metadata.labels as Record<string, string>)["openshift.io/deployment-config.name"];
        const ns = ["-n", live.namespace];
        const uid = kubectl
            .ok(["get", "deploymentconfig", dc, ...ns, "-o", "jsonpath={.metadata.uid}"])
            .trim();
        const owner = { apiVersion: "apps.openshift.io/v1", kind: "DeploymentConfig", name: dc, uid };
        kubectl.ok([
            "patch",
            "replicationcontroller",
            rc.metadata.name,
            ...ns,
            "--type=merge",
            "-p",
            JSON.stringify({
                metadata: { ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }] },
            }),
        ]);
    }
}

/**
 * What OpenShift's DeploymentConfig controller does on a scale (`kubectl scale deploymentconfig`), which no
 * controller does here: each DeploymentConfig's latest ReplicationController (`<name>-1`, the only one here) takes
 * its replicas.
 */
export function carryDeploymentConfigScales(kubectl: Kubectl, namespace: string): void {
    for (const dc of kubectl.items(["deploymentconfigs.apps.openshift.io", "-n", namespace])) {
        const replicas = String((dc.spec as { replicas?: number }).replicas ?? 1);
        const rc = `${dc.metadata.name}-1`;
        kubectl.ok(["scale", "replicationcontroller", rc, "-n", namespace, `--replicas=${replicas}`]);
    }
}

/**
 * The cluster setup a system's prod stack expects and never creates (docs/operate/first-deploy.md, cluster
 * prerequisites): Thoth's Argo Workflows CRDs and ClusterRoles `argo`/`argo-admin`, as the PSI administrators
 * provide them (the program's own definitions, components/thoth/station/modules/argo.ts, stand in for theirs).
 */
export function clusterSetup(systems: readonly string[]): KubeObject[] {
    if (!systems.includes("thoth")) return [];
    const crds = ARGO_KINDS.map((k): KubeObject => ({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        ...structuredClone(argoCrd(k)),
    }));
    const roles = ARGO_CLUSTER_ROLES.map(([name, rules]): KubeObject => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name },
        rules: structuredClone(rules) as unknown,
    }));
    return [...crds, ...roles];
}

/**
 * The operator's copy of the prod stack for a first deploy of the `proved` fixtures' systems on the cluster `kubectl` reaches: the other
 * systems switched off, each system's fixes (test/fixtures/live/fixes.ts, the ones the offline tests use) and
 * `edit` (what the operator reads off the live cluster) applied to the stack file, the secret keys the fixes name
 * set. Returns the copy and the stack's clusters.
 */
export function firstDeployCopy(
    kubectl: Kubectl,
    proved: readonly LiveSystem[],
    workDir: string,
    edit: (values: StackValues) => void = () => {},
): { copy: StackCopy; clusters: string[] } {
    const file = readStackFile(FIRST_DEPLOY_STACK, ROOT);
    const values = structuredClone(file.values) as StackValues;
    onlySystems(
        values,
        proved.map((l) => l.system),
    );
    const secrets = proved.flatMap((l) => {
        FIRST_DEPLOY_FIXES[l.layout].edit(values);
        // The takeover list the operator reviewed for this layout (test/fixtures/live/takeovers.ts).
        withTakeoverList(values, l);
        return FIRST_DEPLOY_FIXES[l.layout].secrets;
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
    /** The dump of each namespace's database taken over (`--dump <namespace>=<path>`). */
    dumps: Readonly<Record<string, string>> = {},
): Promise<{ code: number; out: string }> {
    const args = [
        path.join(ROOT, "dist", "tools", "adopt", "cli.js"),
        "--stack",
        FIRST_DEPLOY_STACK,
        "--json",
        json,
    ];
    for (const c of clusters) args.push("--kubeconfig", `${c}=${kubeconfig}`);
    for (const [ns, file] of Object.entries(dumps)) args.push("--dump", `${ns}=${file}`);
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

/**
 * The stack settings the report prints (a cut flow's fix; a finding's reason that ends in a `pulumi config set`), as
 * the arguments of `pulumi` in the operator's copy of `stack`. A secret or a value read from elsewhere is the
 * operator's (test/fixtures/live/fixes.ts), never followed here.
 */
export function printedConfigSets(report: Report, stack: string): string[][] {
    const texts = [
        ...report.flows.flatMap((f) => (f.fix ? [f.fix] : [])),
        ...report.findings.flatMap((f) =>
            f.reasons.flatMap((r) => {
                const at = r.indexOf("pulumi config set ");
                return at < 0 ? [] : [r.slice(at)];
            }),
        ),
    ];
    return texts
        .flatMap(commandsOf)
        .map(shellWords)
        .filter(
            (w) =>
                w.slice(0, 3).join(" ") === "pulumi config set" &&
                !w.includes("--secret") &&
                !w.some((x) => /[$<>`]/.test(x) && x !== "<stack>"),
        )
        .map((w) => {
            const args = w.slice(1).map((x) => (x === "<stack>" ? stack : x));
            return args.includes("--stack")
                ? args
                : [...args.slice(0, 2), "--stack", stack, ...args.slice(2)];
        });
}

/**
 * Every record command the report prints (tools/adopt/report.ts `printedRecordCommands`): each running release the
 * up's release gate asks for that the stack lacks, and each live tag naming no release. A release the operator reads
 * (`<the release it runs>`) is filled in: kwok's pods carry no image digest to read, so the stand-in is the pin's own
 * release (a pin by digest alone: 0.0.0, which orders below every release), as test/fixtures/runningReleases.ts does
 * offline: production taken to run what the stack pins.
 */
export function printedReleaseRecords(report: Report): string[][] {
    return [
        ...printedRecordCommands(report).map((c) =>
            shellWords(c.command.replace(READ_RELEASE, pinnedRelease(c.pin))).slice(1),
        ),
        // The takeover lists the report found matching the cluster (tools/adopt/declared.ts), recorded as printed.
        ...report.takeovers.flatMap((t) => (t.record ? [shellWords(t.record).slice(1)] : [])),
    ];
}

/**
 * What `pulumi up`'s takeover gates refuse in the stack copy at `dir`: the release gate's `clusters.<cluster>.running`
 * problems (components/config/releaseGate.ts) and the takeover list's `<section>.takeover` ones
 * (components/config/takeover.ts), read offline as the up reads the stack. None once the report's printed records
 * are set.
 */
export function upGateRefusals(dir: string, stack: string): ConfigProblem[] {
    const file = readStackFile(stack, dir);
    try {
        loadProgramConfig(stackFileSource(file, SECRET_MASK), SYSTEMS, {
            placeholderSecret: () => SECRET_MASK,
        });
        return [];
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return err.problems.filter((p) => p.key.includes(".running.") || p.key.includes(".takeover"));
    }
}

/**
 * The StatefulSet takeovers the report prints (`kubectl -n <ns> delete statefulset <name> --cascade=orphan`, then the
 * old pods' deletes from ordinal 0 up): per StatefulSet id, the orphan delete's and each pod delete's kubectl
 * arguments, in the printed order.
 */
export function printedStatefulSetTakeovers(
    report: Report,
): { id: string; orphan: string[]; podDeletes: string[][] }[] {
    return report.findings.flatMap((f) => {
        const text = f.reasons.join("\n");
        const orphan = /kubectl (-n \S+ delete statefulset \S+ --cascade=orphan)/.exec(text);
        if (f.verdict !== "blocking" || !orphan) return [];
        const podDeletes = [...text.matchAll(/kubectl (-n \S+ delete pod [a-z0-9.-]+)/g)].map((m) =>
            m[1].split(" "),
        );
        return [{ id: f.id, orphan: orphan[1].split(" "), podDeletes }];
    });
}

/**
 * The printed pod deletes of one StatefulSet taken over after its orphan delete, as the operator runs them: once the
 * new StatefulSet exists (another uid than `oldUid`), each pod in the printed order, the next only when the one
 * before is back from the new template (its revision the StatefulSet's update revision) and Ready. `listing` reads
 * the namespace's StatefulSets and pods.
 */
export async function deletePodsInOrder(
    kubectl: Kubectl,
    takeover: { id: string; podDeletes: string[][] },
    oldUid: string,
    listing: () => Promise<K8sObject[]>,
    timeoutMs = 300_000,
): Promise<void> {
    const name = takeover.id.split("/").at(-1)!;
    const deadline = Date.now() + timeoutMs;
    const until = async (what: string, done: (items: K8sObject[]) => boolean) => {
        for (;;) {
            if (done(await listing())) return;
            if (Date.now() > deadline)
                throw new Error(`${takeover.id}: ${what} not seen in ${timeoutMs / 1000} s`);
            await new Promise((r) => setTimeout(r, 300));
        }
    };
    const set = (items: K8sObject[]) =>
        items.find((o) => o.kind === "StatefulSet" && o.metadata.name === name && o.metadata.uid !== oldUid);
    await until("the new StatefulSet", (items) => set(items) !== undefined);
    for (const args of takeover.podDeletes) {
        const pod = args.at(-1)!;
        await kubectl.okAsync([...args, "--wait=false"]);
        await until(`${pod} back from the new template`, (items) => {
            const revision = (set(items)?.status as { updateRevision?: string } | undefined)?.updateRevision;
            const p = items.find((o) => o.kind === "Pod" && o.metadata.name === pod);
            return (
                revision !== undefined &&
                p !== undefined &&
                podReady(p) &&
                (p.metadata.labels as Record<string, string>)["controller-revision-hash"] === revision
            );
        });
    }
}

/** What {@link ownCluster} gives the tests of its suite, once its `before` ran. */
export interface OwnCluster {
    kubectl: Kubectl;
    workDir: string;
    /** A stack copy to dispose of with the cluster. */
    copy?: StackCopy;
}

/**
 * A kwok cluster of the calling suite's own (`name`, with volumes of `classes`) and a work directory, made in its
 * `before` and removed in its `after` (kept with E2E_KEEP=1); the suite skips with one line where the control plane
 * is not built. Call it in a `describe` body.
 */
export function ownCluster(name: string, tag: string, classes: readonly string[]): OwnCluster {
    const own = {} as OwnCluster;
    let started = false;
    const log = (line: string) => process.stdout.write(`      [${tag}] ${line}\n`);
    before(function () {
        const missing = ["kubectl", "kube-apiserver", "kube-controller-manager", "etcd", "kwokctl"].filter(
            (b) => !existsSync(path.join(BIN, b)),
        );
        if (missing.length > 0) {
            log(`SKIPPED: missing in ${BIN}: ${missing.join(", ")} (npm run e2e:tools)`);
            this.skip();
        }
        own.workDir = mkdtempSync(path.join(tmpdir(), `runbooks-${tag}-`));
        kwokCluster(name, "stop");
        started = true;
        kwokCluster(name, "start", ["standard", ...classes]);
        own.kubectl = new Kubectl(kwokKubeconfig(name));
    });
    after(function () {
        if (process.env.E2E_KEEP === "1") return;
        if (started) kwokCluster(name, "stop");
        own.copy?.dispose();
        if (own.workDir) rmSync(own.workDir, { recursive: true, force: true });
    });
    return own;
}
