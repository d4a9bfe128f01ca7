import * as assert from "assert";
import { spawn } from "child_process";
import { existsSync, mkdtempSync, rmSync } from "fs";
import { Test } from "mocha";
import { tmpdir } from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { makeCertificates } from "../tools/test/verify/certs";
import { startDnsServer } from "../tools/test/verify/dnsServer";
import { CheckResult, Targets } from "../tools/verify/model";
import { SecretRef } from "../tools/verify/targets";
import { network } from "../tools/verify/net";
import { renderResults } from "../tools/verify/report";
import { verify } from "../tools/verify/run";
import { recordWithMarkers, targetsOf } from "../tools/verify/stack";
import { IngressFront } from "./ingressFront";
import { Kubectl } from "./kube";
import {
    BIN,
    DecryptedConfig,
    E2E_CACHE,
    ROOT,
    STACK,
    StackCopy,
    kwokCluster,
    kwokKubeconfig,
} from "./localStack";
import { K8sObject, renderStack, writeApplyFiles } from "./render";
import {
    API_SERVICE_NAMES,
    ApiService,
    HostEntry,
    IMAGE_BASES,
    StandIn,
    StartResult,
    gitHubStandIn,
    guardEnv,
    koDataOf,
    materialise,
    probeName,
    startCheck,
    startFailure,
    tideStandIn,
} from "./startCheck";
import {
    IMAGE_PATH,
    RunSpec,
    StartTarget,
    buildRunSpec,
    liveObjects,
    mountsToken,
    serviceAccountOf,
    startTargets,
} from "./startSpec";

// Issue 67 item 3: the software whose binaries can be built here is started as the local stack plans to run it. The
// local stack is applied to a kwok cluster of its own; then, one at a time, each Deployment/StatefulSet container
// whose image is a Prow or Argo binary in the e2e cache runs in a chroot holding exactly its pod's files (the live
// ConfigMaps and Secrets, its service account's token), with its planned args, for 30 s on loopback only
// (e2e/startCheck.ts). kwok runs no containers, so this is the only place a component's flags and files meet its code.

const CLUSTER_NAME = process.env.E2E_CLUSTER_NAME ?? "runbooks-e2e-start";
const SECONDS = Number(process.env.E2E_START_SECONDS ?? 30);

function log(line: string): void {
    process.stdout.write(`      [start] ${line}\n`);
}

/** `start check SKIPPED for <list>: binary not in <cache path>`, one line per cache directory. */
function skippedLines(absent: readonly StartTarget[]): string[] {
    const byDir = new Map<string, string[]>();
    for (const t of absent) {
        const list = byDir.get(t.dir) ?? [];
        list.push(`${t.binary} (${t.workload.metadata.namespace}/${t.workload.metadata.name})`);
        byDir.set(t.dir, list);
    }
    return [...byDir].map(
        ([dir, list]) =>
            `start check SKIPPED for ${list.join(", ")}: binary not in ${path.join(E2E_CACHE, dir)}`,
    );
}

/** hook's planned workload with `--dry-run=true`: what today's release refuses at start (no dry-run clients). */
function hookDry(workload: K8sObject, container: string): K8sObject {
    const w = structuredClone(workload);
    const c = (
        w.spec as { template: { spec: { containers: { name: string; args?: string[] }[] } } }
    ).template.spec.containers.find((x) => x.name === container)!;
    const args = (c.args ?? []).filter((a) => !/^--?dry-run(=|$)/.test(a));
    c.args = [...args, "--dry-run=true"];
    return w;
}

describe("start check: the local stack's Prow and Argo binaries start with their planned args and files", function () {
    let kubectl: Kubectl;
    let workDir: string;
    let started = false;
    let api: ApiService | undefined;
    let standIns: StandIn[] = [];
    /** What the chroots resolve besides localhost. */
    let hosts: HostEntry[] = [];
    let apiPort = 0;
    let caCrt = "";
    let present: StartTarget[] = [];
    let isolated = false;
    /** What the cluster was given: the local stack's objects and its configuration, secrets decrypted. */
    let applied: K8sObject[] = [];
    let config: DecryptedConfig = { values: {}, secrets: {} };
    let generated: Record<string, string> = {};

    /** The run spec of one target from the live cluster: its namespace's ConfigMaps and Secrets, a fresh token. */
    function specOf(t: StartTarget, workload = t.workload): RunSpec {
        const ns = workload.metadata.namespace ?? "default";
        const account = serviceAccountOf(workload);
        const accountObj = kubectl
            .items(["serviceaccounts", "-n", ns])
            .find((a) => a.metadata.name === account);
        if (!accountObj) throw new Error(`service account ${ns}/${account} does not exist`);
        const token = mountsToken(workload, accountObj)
            ? kubectl.ok(["create", "token", account, "-n", ns]).trim()
            : undefined;
        return buildRunSpec({
            workload,
            container: t.container,
            binary: t.binary,
            live: liveObjects(kubectl.items(["configmaps,secrets", "-n", ns])),
            serviceAccount: token === undefined ? undefined : { token, caCrt },
            apiServer: { host: "127.0.0.1", port: apiPort },
            extraEnv: guardEnv(hosts),
        });
    }

    async function run(t: StartTarget, spec: RunSpec): Promise<StartResult> {
        const dir = mkdtempSync(path.join(workDir, `${t.binary}-`));
        return startCheck({
            spec,
            binary: path.join(E2E_CACHE, t.dir, t.binary),
            workDir: dir,
            hosts,
            caBundle: caCrt,
            seconds: SECONDS,
            ...(IMAGE_BASES[t.binary] ? { base: IMAGE_BASES[t.binary] } : {}),
        });
    }

    /** kubectl (a static Go binary like the components) in a chroot laid out as theirs; its exit and stderr. */
    async function kubectlInChroot(
        args: string[],
        env: Record<string, string>,
        withCa = false,
    ): Promise<{ status: number | null; stderr: string }> {
        const root = mkdtempSync(path.join(workDir, "kubectl-"));
        const spec: RunSpec = {
            argv: ["/bin/kubectl", ...args],
            env: { PATH: IMAGE_PATH, HOME: "/tmp", ...env },
            files: new Map(withCa ? [["/ca.crt", { content: Buffer.from(caCrt), mode: 0o644 }]] : []),
            dirs: ["/tmp"],
            uid: 65534,
            gid: 65534,
            groups: [],
            probes: [],
            ports: [],
            kubeconfigs: [],
            binaryPath: "/bin/kubectl",
        };
        try {
            materialise(spec, root, path.join(BIN, "kubectl"), hosts, caCrt);
            // Not spawnSync: the API service's forwarder runs in this process and must go on pumping meanwhile.
            const child = spawn("chroot", [`--userspec=${spec.uid}:${spec.gid}`, root, ...spec.argv], {
                env: spec.env,
                stdio: ["ignore", "ignore", "pipe"],
                timeout: 60_000,
            });
            let stderr = "";
            child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
            const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
            return { status, stderr };
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    }

    before(async function () {
        const missing = ["kubectl", "kube-apiserver", "etcd", "kwokctl", "pulumi"].filter(
            (b) => !existsSync(path.join(BIN, b)),
        );
        if (missing.length > 0)
            throw new Error(`missing in ${BIN}: ${missing.join(", ")}; run npm run e2e:tools first`);
        if (process.getuid?.() !== 0) {
            log(
                "start check SKIPPED (all of it): it needs root (chroot, the pods' users, port 443 on loopback)",
            );
            this.skip();
        }
        workDir = mkdtempSync(path.join(tmpdir(), "runbooks-start-"));
        // A cluster of this name left by an interrupted run would carry its objects into this one.
        kwokCluster(CLUSTER_NAME, "stop");
        started = true;
        kwokCluster(CLUSTER_NAME, "start");
        kubectl = new Kubectl(kwokKubeconfig(CLUSTER_NAME));
        const kubeconfig = kubectl.ok(["config", "view", "--raw", "--flatten", "--minify"]);
        const cluster = (
            parseYaml(kubeconfig) as {
                clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
            }
        ).clusters[0].cluster;
        apiPort = Number(new URL(cluster.server).port);
        caCrt = Buffer.from(cluster["certificate-authority-data"], "base64").toString("utf8");

        // The local stack's objects with their real test secrets, applied as local.e2e.ts applies them.
        const copy = StackCopy.create();
        let objects: K8sObject[];
        try {
            copy.configure({
                secrets: {
                    "kubeconfig-local-openshift": kubeconfig,
                    "kubeconfig-local-kubernetes": kubeconfig,
                },
                paths: copy.clusterPins(kubectl.kubeSystemUid()),
            });
            config = copy.decrypt();
            const rendered = await renderStack(config);
            objects = Object.values(rendered.clusters).flat();
            generated = rendered.generated;
            applied = objects;
        } finally {
            copy.dispose();
        }
        const files = writeApplyFiles(objects, workDir);
        const crds = kubectl.apply([files.crds]);
        assert.equal(crds.status, 0, `CRDs rejected:\n${crds.stderr}`);
        kubectl.ok(["wait", "--for=condition=established", "--timeout=60s", "crd", "--all"]);
        for (const f of [files.namespaces, files.rest]) {
            const res = kubectl.apply([f]);
            assert.equal(res.status, 0, `objects rejected by the API server:\n${res.stderr}`);
        }
        rmSync(path.join(workDir, "3-objects.yaml"));

        const targets = startTargets(objects);
        present = targets.filter((t) => existsSync(path.join(E2E_CACHE, t.dir, t.binary)));
        for (const line of skippedLines(targets.filter((t) => !present.includes(t)))) log(line);
        log(
            `${present.length} of ${targets.length} containers run a binary in the cache: ` +
                present.map((t) => t.binary).join(", "),
        );
        api = await ApiService.start(apiPort);
        standIns = [await gitHubStandIn(), await tideStandIn()];
        hosts = [api, ...standIns];

        const suite = this.test!.parent!;
        for (const t of present) {
            const replicas = (t.workload.spec as { replicas?: number }).replicas;
            const id = `${t.workload.metadata.namespace}/${t.workload.metadata.name}`;
            // A workload planned at zero replicas is checked too: scaling it up must not be what finds its flags wrong.
            const at = replicas === 0 ? `${id}, planned replicas: 0` : id;
            suite.addTest(
                new Test(
                    `${t.binary} (${at}) runs ${SECONDS} s with its planned args and files; its probes answer`,
                    async () => {
                        assert.ok(isolated, "the network guard was not verified: nothing is started");
                        for (const s of standIns) s.requests.splice(0);
                        const r = await run(t, specOf(t));
                        const asked = standIns.flatMap((s) =>
                            s.requests.splice(0).map((req) => `${s.names[0]}: ${req}`),
                        );
                        const failure = startFailure(t.binary, r, SECONDS);
                        const probes = r.probes.map((p) => `${probeName(p.probe)}: ${p.detail}`).join("; ");
                        log(
                            `${t.binary}: ${failure ? "FAIL" : "ok"}${probes ? ` (${probes})` : ""}` +
                                (asked.length > 0 ? `; asked ${[...new Set(asked)].join(", ")}` : ""),
                        );
                        // What it could not do on loopback only (GitHub, GCS, pushgateway) is shown, not judged.
                        for (const e of r.errors.slice(0, 8)) log(`  ${t.binary} logged: ${e.slice(0, 300)}`);
                        assert.equal(
                            failure,
                            undefined,
                            `${failure}\n  the stand-ins were asked: ${asked.join(", ") || "nothing"}`,
                        );
                    },
                ),
            );
        }
    });

    after(async function () {
        await api?.stop();
        for (const s of standIns) await s.stop();
        if (started) kwokCluster(CLUSTER_NAME, "stop");
        if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it("the chroot reaches nothing beyond loopback: api.github.com is refused by the dead proxy and unresolvable without it; the API server answers under its in-cluster name", async function () {
        // A token, or kubectl would stop to ask for a user name; -v=6 prints the transport's own error.
        const toGitHub = ["get", "--raw", "/", "--server=https://api.github.com", "--token=none", "-v=6"];
        const proxied = await kubectlInChroot([...toGitHub, "--request-timeout=10s"], guardEnv(hosts));
        assert.notEqual(proxied.status, 0);
        const refused = /proxyconnect tcp: dial tcp 127\.0\.0\.1:9: connect: connection refused/;
        assert.match(proxied.stderr, refused);
        const direct = await kubectlInChroot([...toGitHub, "--request-timeout=10s"], {});
        assert.notEqual(direct.status, 0);
        const unresolved = /lookup api\.github\.com: no such host/;
        assert.match(direct.stderr, unresolved);
        // No resolver was asked: Go names the DNS server it queried in the error.
        assert.doesNotMatch(direct.stderr, / on [[\d.:\]]+:53/);
        log(
            `guard: ${refused.exec(proxied.stderr)![0]}; without the proxy: ${unresolved.exec(direct.stderr)![0]}`,
        );
        const token = kubectl.ok(["create", "token", "default", "-n", "default"]).trim();
        const inCluster = await kubectlInChroot(
            [
                "get",
                "--raw",
                "/version",
                `--server=https://${API_SERVICE_NAMES[2]}`,
                "--certificate-authority=/ca.crt",
                `--token=${token}`,
            ],
            guardEnv(hosts),
            true,
        );
        assert.equal(inCluster.status, 0, inCluster.stderr);
        isolated = true;
    });

    it("control: hook with --dry-run=true fails the check (kubernetes-sigs/prow@7593870dc cmd/hook/main.go:181-184, pkg/flagutil/kubernetes_cluster_clients.go:307-309)", async function () {
        const hook = present.find((t) => t.binary === "hook");
        if (!hook) this.skip();
        assert.ok(isolated, "the network guard was not verified: nothing is started");
        const r = await run(hook!, specOf(hook!, hookDry(hook!.workload, hook!.container)));
        const failure = startFailure("hook (control)", r, SECONDS);
        assert.ok(
            failure,
            "hook ran dry at a release that refuses it: the check cannot see a refused flag value",
        );
        assert.equal(r.running, false, failure);
        assert.ok(
            r.tail.some((l) => l.includes("is supported in dry-run mode")),
            `hook failed for another reason than the dry run:\n${failure}`,
        );
        log(`control failed as it must: ${failure!.split("\n")[0]}`);
    });

    // Issue 83 item 3: verify, the operator's command after every up, over the local stack where the real binaries
    // run. The ingress controller is e2e/ingressFront.ts (routing as the rendered Ingresses say, with a certificate of
    // a CA made for this run), public names come from a loopback DNS server, and deck and hook are the start check's
    // real binaries: verify's checks of the hosts each one serves run while it runs, through verify's own targets,
    // network and report. Each control breaks one thing and must fail its check.
    it("verify over the local stack: the checks of deck's and hook's hosts pass while each runs as planned; a wrong HMAC, an expiring certificate, a record elsewhere and a stopped hook each fail their check", async function () {
        const deck = present.find((t) => t.binary === "deck");
        const hook = present.find((t) => t.binary === "hook");
        if (!deck || !hook) this.skip();
        assert.ok(isolated, "the network guard was not verified: nothing is started");
        const koData = koDataOf(path.join(E2E_CACHE, deck!.dir, deck!.binary));
        assert.ok(
            existsSync(koData),
            `deck's ko data (its templates) is not in ${koData}: deck would answer / with 500`,
        );
        const recorded = await recordWithMarkers(STACK, ROOT);
        const reads: SecretRef[] = [];
        const targets = await targetsOf({
            stack: STACK,
            values: config.values,
            recorded,
            only: ["prow"],
            // The stack config by key, and what the cluster was given of each generated password (the state's).
            reader: async (ref) => {
                reads.push(ref);
                const value = "configKey" in ref ? config.secrets[ref.configKey] : generated[ref.generated];
                return value === undefined
                    ? { none: `${JSON.stringify(ref)} is not in the stack` }
                    : { value };
            },
        });
        const names = [...new Set(targets.hosts.map((h) => h.host))];
        const certs = makeCertificates(names);
        const front = await IngressFront.start(applied, certs.deployed);
        const dns = await startDnsServer(new Map(names.map((n) => [n, front.address])));
        const elsewhere = await startDnsServer(new Map(names.map((n) => [n, "127.0.0.1"])));
        const net = network({ dnsServer: dns.address, ca: [certs.ca], timeoutMs: 5_000 });
        const idOf = (t: StartTarget) => `${t.workload.metadata.namespace}/${t.workload.metadata.name}`;
        /** verify's targets served by one workload, by the Ingresses' routing. */
        const servedBy = (t: Targets, workload: string): Targets => {
            const by = (h: { host: string; path: string }) =>
                front.backendOf(h.host, h.path)?.workload === workload;
            return {
                ...t,
                hosts: t.hosts.filter(by),
                hooks: t.hooks.filter(by),
                records: [],
                metrics: [],
                hubs: [],
                // Listed in e2e/prowJobs.e2e.ts: no ProwJob runs here (the start check runs no controller).
                prowJobs: [],
                cluster: [],
            };
        };
        const unserved = targets.hosts.filter(
            (h) => ![deck!, hook!].some((t) => front.backendOf(h.host, h.path)?.workload === idOf(t)),
        );
        log(
            `verify: not run here (no binary of theirs starts): ${unserved.map((h) => `${h.host}${h.path} (${h.object})`).join(", ") || "none"}`,
        );
        const outcome = (results: readonly CheckResult[], check: string) =>
            results.filter((r) => r.check.includes(check)).map((r) => r.outcome);
        const failing = (results: readonly CheckResult[]) =>
            results.filter((r) => r.outcome !== "PASS").map((r) => `${r.check}: ${r.saw}`);
        const run = async (t: StartTarget, meanwhile: () => Promise<void>) => {
            const r = await startCheck({
                spec: specOf(t),
                binary: path.join(E2E_CACHE, t.dir, t.binary),
                workDir: mkdtempSync(path.join(workDir, `verify-${t.binary}-`)),
                hosts,
                caBundle: caCrt,
                seconds: SECONDS,
                ...(IMAGE_BASES[t.binary] ? { base: IMAGE_BASES[t.binary] } : {}),
                meanwhile,
            });
            assert.equal(startFailure(t.binary, r, SECONDS), undefined);
        };
        try {
            const deckTargets = servedBy(targets, idOf(deck!));
            assert.ok(deckTargets.hosts.length > 0, "no host of the local stack routes to deck");
            await run(deck!, async () => {
                const results = await verify(deckTargets, net, { expiryDays: 14 });
                log(renderResults(STACK, results).trimEnd().replace(/\n/g, "\n      [start] "));
                assert.deepEqual(failing(results), []);
            });

            // The local stack's HMAC is a generated stand-in: verify reads it where the stack keeps it, not the plan's.
            assert.ok(
                reads.some((r) => "generated" in r && r.generated.endsWith("generated-hmac-token")),
                `verify did not read the generated HMAC: ${JSON.stringify(reads)}`,
            );
            const hookTargets = servedBy(targets, idOf(hook!));
            assert.equal(hookTargets.hooks.length, 1, "verify finds no hook to ping");
            const host = hookTargets.hooks[0].host;
            await run(hook!, async () => {
                const results = await verify(hookTargets, net, { expiryDays: 14 });
                log(renderResults(STACK, results).trimEnd().replace(/\n/g, "\n      [start] "));
                assert.deepEqual(failing(results), []);
                assert.deepEqual(outcome(results, "accepts a signed ping"), ["PASS"]);

                // A wrong HMAC: the stack's key differs from the one hook mounts (a rotation half done).
                const wrongKey = {
                    ...hookTargets,
                    hooks: hookTargets.hooks.map((h) => ({
                        ...h,
                        secret: `${String(h.secret)}-not-mounted`,
                    })),
                };
                const wrong = await verify(wrongKey, net, { expiryDays: 14 });
                assert.deepEqual(
                    wrong.filter((r) => r.outcome !== "PASS").map((r) => r.check),
                    [
                        `https://${host}${hookTargets.hooks[0].path} accepts a signed ping, refuses a wrong HMAC`,
                    ],
                );
                log(`control, wrong HMAC: ${failing(wrong).join("; ")}`);

                // A served certificate about to expire (a renewal that did not happen).
                front.serve(certs.expiring);
                const expiring = await verify(hookTargets, net, { expiryDays: 14 });
                front.serve(certs.deployed);
                assert.deepEqual(outcome(expiring, `certificate of ${host}`), ["FAIL"]);
                assert.equal(failing(expiring).length, 1, failing(expiring).join("\n"));
                log(`control, expiring certificate: ${failing(expiring).join("; ")}`);

                // The public name's record points elsewhere: nothing of the stack answers there.
                const away = await verify(
                    hookTargets,
                    network({ dnsServer: elsewhere.address, ca: [certs.ca], timeoutMs: 5_000 }),
                    { expiryDays: 14 },
                );
                assert.deepEqual(outcome(away, `${host} resolves`), ["PASS"]);
                assert.deepEqual(outcome(away, "answers GET"), ["FAIL"]);
                assert.deepEqual(outcome(away, "accepts a signed ping"), ["FAIL"]);
                log(`control, record elsewhere: ${failing(away).join("; ")}`);
            });

            // hook stopped: the ingress answers for it with 503, and no ping is taken.
            const stopped = await verify(hookTargets, net, { expiryDays: 14 });
            assert.deepEqual(outcome(stopped, "answers GET"), ["FAIL"]);
            assert.deepEqual(outcome(stopped, "accepts a signed ping"), ["FAIL"]);
            assert.deepEqual(outcome(stopped, `certificate of ${host}`), ["PASS"]);
            log(`control, hook stopped: ${failing(stopped).join("; ")}`);
            log(`ingress stand-in routed: ${[...new Set(front.requests)].join(", ")}`);
        } finally {
            await front.stop();
            await dns.close();
            await elsewhere.close();
        }
    });
});
