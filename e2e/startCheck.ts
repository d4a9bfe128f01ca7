import { ChildProcess, spawn, spawnSync } from "child_process";
import {
    chmodSync,
    closeSync,
    copyFileSync,
    cpSync,
    existsSync,
    linkSync,
    mkdirSync,
    openSync,
    readFileSync,
    rmSync,
    writeFileSync,
} from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { setTimeout as sleep } from "node:timers/promises";
import { Probe, RunSpec, kubeconfigServers } from "./startSpec";

// Starts one component's real binary as its pod would run it, with nothing but loopback to talk to: a chroot whose
// only names are localhost and the API server's in-cluster ones (no resolv.conf, `hosts: files`), and a proxy
// environment pointing at a closed loopback port, so any call to GitHub or GCS fails on this machine.

/** A closed port: every proxied request is refused locally. */
export const DEAD_PROXY = "http://127.0.0.1:9";
/** The in-cluster names of the API server (the `kubernetes` Service, as a pod's DNS search path resolves it). */
export const API_SERVICE_NAMES = [
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
];

/** Names a chroot resolves besides localhost, and the loopback address they resolve to. */
export interface HostEntry {
    address: string;
    names: readonly string[];
}

/** Proxy variables of every process started in the chroot; only loopback names bypass the dead proxy. */
export function guardEnv(hosts: readonly HostEntry[] = []): Record<string, string> {
    const noProxy = ["127.0.0.1", "localhost", ...hosts.flatMap((h) => h.names)].join(",");
    return {
        HTTP_PROXY: DEAD_PROXY,
        HTTPS_PROXY: DEAD_PROXY,
        http_proxy: DEAD_PROXY,
        https_proxy: DEAD_PROXY,
        NO_PROXY: noProxy,
        no_proxy: noProxy,
    };
}

/** Listens on `port` of a random 127/8 address, so other runs on this machine never hold our port. */
export async function listenOnLoopback(server: net.Server, port: number): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
        const octet = () => Math.floor(Math.random() * 250) + 1;
        const address = `127.${50 + Math.floor(Math.random() * 200)}.${octet()}.${octet()}`;
        const ok = await new Promise<boolean>((resolve) => {
            server.once("error", () => resolve(false));
            server.listen(port, address, () => resolve(true));
        });
        if (ok) return address;
    }
    throw new Error(`no free 127/8 address with port ${port}`);
}

/**
 * The cluster's `kubernetes` Service on loopback: `<address>:443` forwarded to the kwok API server, so a kubeconfig
 * naming https://kubernetes.default.svc (the Prow `kubeconfig` Secret) reaches it unchanged. The API server's
 * certificate already names those hosts.
 */
export class ApiService implements HostEntry {
    readonly names = API_SERVICE_NAMES;
    private constructor(
        readonly address: string,
        private readonly server: net.Server,
    ) {}

    static async start(apiPort: number): Promise<ApiService> {
        const server = net.createServer((client) => {
            const upstream = net.connect(apiPort, "127.0.0.1");
            client.pipe(upstream).pipe(client);
            client.on("error", () => upstream.destroy());
            upstream.on("error", () => client.destroy());
        });
        return new ApiService(await listenOnLoopback(server, 443), server);
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}

/**
 * One of the stack's own Services a component calls before it is ready, answered on loopback under its in-cluster
 * name with fixed JSON: only the calls listed; anything else is a 404, which Prow's clients report without retrying.
 * Every request is kept, so a check can say what a component asked.
 */
export class StandIn implements HostEntry {
    private constructor(
        readonly names: readonly string[],
        readonly address: string,
        private readonly server: http.Server,
        /** `METHOD path` of each request, in order. */
        readonly requests: string[],
    ) {}

    static async start(
        names: readonly string[],
        port: number,
        answers: Record<string, unknown>,
    ): Promise<StandIn> {
        const requests: string[] = [];
        const server = http.createServer((req, res) => {
            const call = `${req.method} ${req.url}`;
            requests.push(call);
            res.setHeader("Content-Type", "application/json");
            if (call in answers) res.end(JSON.stringify(answers[call]));
            else {
                res.statusCode = 404;
                res.end(JSON.stringify({ message: "Not Found" }));
            }
        });
        return new StandIn(names, await listenOnLoopback(server, port), server, requests);
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}

/** The bot account the GitHub stand-in reports. */
export const STAND_IN_BOT = "e2e-start-check-bot";

/**
 * The stack's ghproxy Service (Prow's first `--github-endpoint`, http://ghproxy) as GitHub: Prow's GitHub clients ask
 * who the bot is before they start (runbook 002: "Many services will try to access github using the token before
 * starting"; test-infra@a5b49bc903 prow/flagutil/github.go:150), and cherrypicker lists the bot's repositories (its
 * forks) and stops when it cannot (prow/external-plugins/cherrypicker/main.go:117-119): a new bot owns none.
 */
export function gitHubStandIn(): Promise<StandIn> {
    return StandIn.start(["ghproxy"], 80, {
        "GET /user": { login: STAND_IN_BOT, id: 1, type: "User" },
        [`GET /users/${STAND_IN_BOT}/repos?per_page=100`]: [],
    });
}

/**
 * The stack's tide Service (deck's `--tide-url=http://tide/`) with no pools and no history: deck reads both before it
 * reports ready, retrying each for 105 s when tide does not answer (test-infra@a5b49bc903 prow/cmd/deck/tide.go:60-68,
 * 90-112; main.go:454), so deck's own start can be judged apart from tide's.
 */
export function tideStandIn(): Promise<StandIn> {
    return StandIn.start(["tide"], 80, { "GET /": [], "GET /history": {} });
}

/** The root's fixed files: names (localhost and the loopback services only), users, the CA bundle for loopback TLS. */
function baseFiles(spec: RunSpec, entries: readonly HostEntry[], caBundle: string): Map<string, string> {
    const hosts = [
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost",
        ...entries.map((h) => `${h.address}\t${h.names.join(" ")}`),
    ];
    return new Map([
        ["/etc/hosts", `${hosts.join("\n")}\n`],
        // Go's resolver (and glibc's, for git) then reads /etc/hosts only: no DNS query is ever sent.
        ["/etc/nsswitch.conf", "hosts: files\n"],
        [
            "/etc/passwd",
            `root:x:0:0:root:/root:/sbin/nologin\nstart-check:x:${spec.uid}:${spec.gid}::/:/sbin/nologin\n`,
        ],
        ["/etc/group", `root:x:0:\nstart-check:x:${spec.gid}:\n`],
        ["/etc/ssl/certs/ca-certificates.crt", caBundle],
    ]);
}

/**
 * What an image's base gives a binary beside its own files: the programs it runs from PATH and the directories it
 * writes. Today's Prow images are built by ko on alpine bases (kubernetes-sigs/prow@7593870dc .ko.yaml
 * baseImageOverrides): `alpine`, `git` and `git-custom-k8s-auth`, the last two with git, which Prow's git client
 * runs; every alpine root has /tmp and /var/tmp, where the git client factory keeps its cache (pkg/git/v2/
 * client_factory.go:112-113,200).
 */
/**
 * Where ko images keep their command's data, and the variable that says so: every ko image's config sets it
 * (ko-build/ko pkg/build/gobuild.go: kodataRoot `/var/run/ko`, env `KO_DATA_PATH`), which a container's own env may
 * override. deck reads its templates, static files and lenses under it (kubernetes-sigs/prow@7593870dc
 * cmd/deck/main.go:183-185, gather-static.sh, static-map).
 */
export const KO_DATA_PATH = "/var/run/ko";

/** The cache's copy of a binary's kodata: `<cache>/<source>/kodata/<binary>` beside `<cache>/<source>/bin/<binary>`. */
export function koDataOf(binary: string): string {
    return path.join(path.dirname(path.dirname(binary)), "kodata", path.basename(binary));
}

const ALPINE = { tools: [] as string[], dirs: ["/tmp", "/var/tmp"], env: { KO_DATA_PATH } };
const GIT_BASE = { ...ALPINE, tools: ["git"] };
export interface ImageBase {
    tools: readonly string[];
    dirs: readonly string[];
    /** The image config's environment, which the container's own overrides. */
    env?: Readonly<Record<string, string>>;
}
export const IMAGE_BASES: Record<string, ImageBase> = {
    branchprotector: ALPINE,
    exporter: ALPINE,
    horologium: ALPINE,
    "status-reconciler": ALPINE,
    "needs-rebase": ALPINE,
    ghproxy: ALPINE,
    deck: GIT_BASE,
    crier: GIT_BASE,
    hook: GIT_BASE,
    sinker: GIT_BASE,
    tide: GIT_BASE,
    "prow-controller-manager": GIT_BASE,
    cherrypicker: GIT_BASE,
};

/** This machine's copy of a program and the shared libraries it loads (ldd), by absolute path. */
function withLibraries(program: string): string[] {
    const which = spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).stdout.trim();
    if (!which) throw new Error(`${program} (an image base's program) is not installed on this machine`);
    const ldd = spawnSync("ldd", [which], { encoding: "utf8" }).stdout;
    const libs = [...ldd.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]);
    return [which, ...libs];
}

/** Lays out the chroot: base files, the spec's files and directories, the binary, /dev's character devices. */
export function materialise(
    spec: RunSpec,
    root: string,
    binary: string,
    hosts: readonly HostEntry[],
    caBundle: string,
    base: ImageBase = { tools: [], dirs: [] },
): void {
    const inRoot = (p: string) => path.join(root, p);
    // The process runs as the pod's user: a root made by mkdtemp (0700) would hide everything from it.
    mkdirSync(root, { recursive: true });
    chmodSync(root, 0o755);
    const write = (p: string, content: string | Buffer, mode: number) => {
        mkdirSync(path.dirname(inRoot(p)), { recursive: true, mode: 0o755 });
        writeFileSync(inRoot(p), content, { mode });
    };
    for (const [p, content] of baseFiles(spec, hosts, caBundle)) write(p, content, 0o644);
    for (const d of [...base.dirs, ...spec.dirs]) {
        mkdirSync(inRoot(d), { recursive: true, mode: 0o755 });
        spawnSync("chmod", [d === "/tmp" || d === "/var/tmp" ? "1777" : "0777", inRoot(d)]);
    }
    for (const [p, f] of spec.files) write(p, f.content, f.mode);
    mkdirSync(path.dirname(inRoot(spec.binaryPath)), { recursive: true });
    try {
        linkSync(binary, inRoot(spec.binaryPath));
    } catch {
        copyFileSync(binary, inRoot(spec.binaryPath));
    }
    // ko puts a command's kodata directory (deck's templates, static files and lenses) at KO_DATA_PATH; the cache
    // keeps it beside the binaries, in prow/kodata/<binary>.
    const koData = koDataOf(binary);
    if (base.env?.KO_DATA_PATH && existsSync(koData))
        cpSync(koData, inRoot(base.env.KO_DATA_PATH), { recursive: true });
    for (const file of base.tools.flatMap(withLibraries)) {
        mkdirSync(path.dirname(inRoot(file)), { recursive: true });
        copyFileSync(file, inRoot(file));
        spawnSync("chmod", ["0755", inRoot(file)]);
    }
    mkdirSync(inRoot("/dev"), { recursive: true });
    // exec.Cmd opens /dev/null for a child's unset stdio; a missing device would fail a git call, not the check.
    for (const [name, minor] of [
        ["null", 3],
        ["zero", 5],
        ["random", 8],
        ["urandom", 9],
    ] as const) {
        spawnSync("mknod", ["-m", "666", inRoot(`/dev/${name}`), "c", "1", String(minor)]);
    }
}

/** The ports of `ports` something on this machine already listens on (the binary binds all interfaces). */
export async function busyPorts(ports: readonly number[]): Promise<number[]> {
    const busy: number[] = [];
    for (const port of ports) {
        const free = await new Promise<boolean>((resolve) => {
            const s = net.createServer();
            s.once("error", () => resolve(false));
            s.listen(port, () => s.close(() => resolve(true)));
        });
        if (!free) busy.push(port);
    }
    return busy;
}

/** One probe as a kubelet runs it: HTTP GET expecting 200–399, or a TCP connect. */
export function probeOnce(p: Probe): Promise<{ ok: boolean; detail: string }> {
    const timeoutMs = Math.max(p.timeoutSeconds, 2) * 1000;
    if (p.type === "tcp") {
        return new Promise((resolve) => {
            const sock = net.connect(p.port, "127.0.0.1");
            const done = (ok: boolean, detail: string) => {
                sock.destroy();
                resolve({ ok, detail });
            };
            sock.setTimeout(timeoutMs, () => done(false, "timed out"));
            sock.once("connect", () => done(true, "connected"));
            sock.once("error", (e) => done(false, e.message));
        });
    }
    return new Promise((resolve) => {
        const req = http.get({ host: "127.0.0.1", port: p.port, path: p.path, timeout: timeoutMs }, (res) => {
            res.resume();
            const code = res.statusCode ?? 0;
            resolve({ ok: code >= 200 && code < 400, detail: `HTTP ${code}` });
        });
        req.on("timeout", () => req.destroy(new Error("timed out")));
        req.on("error", (e) => resolve({ ok: false, detail: e.message }));
    });
}

export function probeName(p: Probe): string {
    return p.type === "http"
        ? `${p.kind} GET http://127.0.0.1:${p.port}${p.path}`
        : `${p.kind} tcp 127.0.0.1:${p.port}`;
}

export interface StartResult {
    argv: string[];
    /** Still running when the time was up. */
    running: boolean;
    exitCode: number | null;
    signal: string | null;
    /** Seconds after the start at which it exited (when it did). */
    exitedAfter?: number;
    probes: { probe: Probe; ok: boolean; detail: string; firstOkAfter?: number }[];
    /** The last lines of its stdout and stderr. */
    tail: string[];
    /** What it logged at error level or worse, each message once (a passing start may still log some). */
    errors: string[];
    busyPorts: number[];
    /** `--kubeconfig` servers whose host the chroot cannot resolve or reach. */
    unreachable: string[];
}

/** Why the check fails, or undefined when the binary kept running and every probe answered. */
export function startFailure(name: string, r: StartResult, seconds: number): string | undefined {
    const problems: string[] = [];
    if (r.busyPorts.length > 0) {
        problems.push(`port(s) ${r.busyPorts.join(", ")} already in use on this machine: not started`);
    } else if (!r.running) {
        problems.push(
            `exited after ${r.exitedAfter?.toFixed(1)} s with ${r.signal ? `signal ${r.signal}` : `exit code ${r.exitCode}`}`,
        );
    }
    for (const p of r.probes.filter((x) => !x.ok))
        problems.push(`${probeName(p.probe)} did not answer at ${seconds} s: ${p.detail}`);
    if (problems.length === 0) return undefined;
    const lines = [
        `${name}: ${problems.join("; ")}`,
        `  args: ${JSON.stringify(r.argv)}`,
        ...r.unreachable.map((u) => `  ${u}`),
        `  last ${r.tail.length} lines of its output:`,
        ...r.tail.map((l) => `    | ${l}`),
    ];
    return lines.join("\n");
}

export interface StartOptions {
    spec: RunSpec;
    /** The binary on this machine. */
    binary: string;
    /** A fresh directory for the chroot and the output log (removed afterwards). */
    workDir: string;
    /** The loopback services the chroot resolves ({@link ApiService}, {@link GitHubStandIn}). */
    hosts: readonly HostEntry[];
    caBundle: string;
    seconds: number;
    /** What the image's base gives ({@link IMAGE_BASES}). */
    base?: ImageBase;
    /** Run at the end of the `seconds` while the binary still runs, before the last probes (verify's checks). */
    meanwhile?: () => Promise<void>;
}

/** Hosts a chroot resolves: localhost, loopback addresses and the loopback services' names. */
function reachableHost(host: string, hosts: readonly HostEntry[]): boolean {
    const h = host.replace(/^\[|\]$/g, "");
    if (h === "localhost" || h === "::1" || /^127\./.test(h)) return true;
    return hosts.some((e) => e.names.includes(h));
}

function killGroup(child: ChildProcess): void {
    try {
        process.kill(-child.pid!, "SIGKILL");
    } catch {
        // already gone
    }
}

/**
 * Runs the binary in a chroot built from `spec` for `seconds`, probing it meanwhile; then kills its process group.
 * Never throws for the component's behaviour: the result says what happened.
 */
export async function runStart(o: StartOptions): Promise<StartResult> {
    const { spec } = o;
    const unreachable = spec.kubeconfigs.flatMap((file) => {
        const servers = kubeconfigServers(spec, file);
        if (!spec.files.has(path.posix.normalize(file)))
            return [`--kubeconfig ${file}: no such file in the pod's mounts`];
        return servers
            .filter((s) => {
                try {
                    return !reachableHost(new URL(s).hostname, o.hosts);
                } catch {
                    return true;
                }
            })
            .map(
                (s) =>
                    `--kubeconfig ${file} names server ${s}, which nothing in the chroot resolves or reaches`,
            );
    });
    const base: Omit<StartResult, "running" | "exitCode" | "signal" | "probes" | "tail" | "errors"> = {
        argv: spec.argv,
        busyPorts: await busyPorts(spec.ports),
        unreachable,
    };
    if (base.busyPorts.length > 0) {
        return { ...base, running: false, exitCode: null, signal: null, probes: [], tail: [], errors: [] };
    }
    const root = path.join(o.workDir, "root");
    const log = path.join(o.workDir, "output.log");
    materialise(spec, root, o.binary, o.hosts, o.caBundle, o.base);
    const fd = openSync(log, "w");
    const started = Date.now();
    const after = () => (Date.now() - started) / 1000;
    const groups = spec.groups.length > 0 ? [`--groups=${spec.groups.join(",")}`] : [];
    const child = spawn("chroot", [`--userspec=${spec.uid}:${spec.gid}`, ...groups, root, ...spec.argv], {
        env: { ...o.base?.env, ...spec.env },
        detached: true,
        stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    let exit: { code: number | null; signal: string | null; after: number } | undefined;
    const exited = new Promise<void>((resolve) =>
        child.on("exit", (code, signal) => {
            exit = { code, signal, after: after() };
            resolve();
        }),
    );
    child.on("error", () => undefined);
    const firstOk = new Map<Probe, number>();
    try {
        while (after() < o.seconds && !exit) {
            for (const p of spec.probes) {
                if (firstOk.has(p)) continue;
                if ((await probeOnce(p)).ok) firstOk.set(p, after());
            }
            await Promise.race([sleep(1000), exited]);
        }
        if (!exit && o.meanwhile) await o.meanwhile();
        const running = !exit;
        const probes = [];
        for (const p of spec.probes) {
            // The answer that counts is the one at the end: a liveness probe that stopped answering would restart it.
            const r = running ? await probeOnce(p) : { ok: false, detail: "the process had exited" };
            probes.push({ probe: p, ok: r.ok, detail: r.detail, firstOkAfter: firstOk.get(p) });
        }
        return {
            ...base,
            running,
            exitCode: exit?.code ?? null,
            signal: exit?.signal ?? null,
            exitedAfter: exit?.after,
            probes,
            tail: [],
            errors: [],
        };
    } finally {
        killGroup(child);
        await Promise.race([exited, sleep(10_000)]);
    }
}

/** The last `n` lines of a start's output (read after the process is gone). */
export function tailOf(workDir: string, n = 30): string[] {
    try {
        const lines = readFileSync(path.join(workDir, "output.log"), "utf8").replace(/\n$/, "").split("\n");
        return lines.slice(-n);
    } catch {
        return [];
    }
}

/** Lines a component logged at error level or worse (logrus JSON or text, klog), each message once. */
export function errorMessages(output: string): string[] {
    const out = new Set<string>();
    for (const line of output.split("\n")) {
        const json = /"level":"(error|fatal|panic)"/.test(line);
        if (!json && !/\blevel=(error|fatal|panic)\b/.test(line) && !/^[EF]\d{4} /.test(line)) continue;
        // klog's header (severity, date, time, thread) differs on every line of a repeated message.
        const msg =
            /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ??
            /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ??
            line.replace(/^[EF]\d{4} [\d:.]+\s+\d+ /, "");
        const err = /"error":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
        out.add(err ? `${msg}: ${err}` : msg);
    }
    return [...out];
}

/** {@link runStart}, its output's tail and error messages filled in, its chroot removed. */
export async function startCheck(o: StartOptions): Promise<StartResult> {
    try {
        const r = await runStart(o);
        let output = "";
        try {
            output = readFileSync(path.join(o.workDir, "output.log"), "utf8");
        } catch {
            // never started
        }
        return { ...r, tail: tailOf(o.workDir), errors: errorMessages(output) };
    } finally {
        rmSync(path.join(o.workDir, "root"), { recursive: true, force: true });
    }
}
