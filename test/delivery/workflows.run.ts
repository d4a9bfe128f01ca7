// Runs every job of every workflow the way a runner does, from a fresh clone: its `run:` steps in order with bash
// -eo pipefail and the job's env, its `if:`s evaluated. The Pulumi action is replaced by the check that matters
// before it: Pulumi.yaml's `main` exists and was built from the clone's sources. Reading the YAML cannot catch a
// job that deploys a program it never built; running it does.
//
// Honest and fast (`npm run test:workflows`, which .ci/run calls; not part of `npm test`, which it would run again):
// - the clone is `git clone` of this checkout's HEAD plus its uncommitted changes, committed in the clone (what a
//   push of them would hold);
// - `npm ci` links this checkout's node_modules instead of downloading (no network): only after checking the clone's
//   package-lock.json is this checkout's, which node_modules was installed from;
// - a command run with the same environment on the same tree (every file but .git) leaves the same tree: a job whose
//   step would repeat one another job ran continues from the tree that step left (one `npm run build` per tree);
// - a matrix runs its first value only: the others pass a different stack to the same commands;
// - third-party actions other than Pulumi's do not run (the clone is the checkout, this node is setup-node's);
//   steps that need secrets or the network are skipped, each with its reason (SKIPPED below).
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import {
    cpSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    readdirSync,
    readlinkSync,
    rmSync,
    symlinkSync,
    writeFileSync,
} from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { staleBuild } from "../../components/shared/buildFreshness";
import { repoRoot } from "../../tools/root";
import { liveDeploy } from "./liveDeploy";
import { Job, Step, Workflow, loadWorkflow, workflowFiles } from "./workflowFiles";

const ROOT = repoRoot();

/** Steps that do not run here, and why; anything else a job runs must run. */
const SKIPPED: { match: (s: Step) => boolean; why: string }[] = [
    {
        match: (s) => s.run?.trim() === "npm test",
        why: "its test suite: .ci/run runs it on this same tree (running it per job would take minutes); the build it starts with ran",
    },
    {
        match: (s) => s.run?.trim() === "npm run lint",
        why: "lint: .ci/run runs it on this same tree",
    },
    {
        match: (s) => Boolean(s.run?.includes(".github/scripts/check-clusters-reachable.sh")),
        why: "needs the stack's backend (secrets) and its clusters (network); tested with fakes in workflows.test.ts",
    },
    {
        match: (s) => Boolean(s.run?.trim().startsWith("npm run drift ")),
        why: "reads the stack's state from its backend and the live objects from its clusters (network); tested with fakes in test/drift",
    },
    {
        match: (s) => Boolean(s.run?.trim().startsWith("npm run verify ")),
        why: "asks the stack's public hosts and reads its config from its backend (network, secrets); its checks are tested on loopback in tools/test/verify",
    },
    {
        match: (s) => Boolean(s.uses?.startsWith("pulumi/actions@")) && !s.with?.command,
        why: "installs the Pulumi CLI (network)",
    },
    {
        match: (s) => Boolean(s.uses?.startsWith("actions/checkout@")),
        why: "the fresh clone is the checkout",
    },
    {
        match: (s) => Boolean(s.uses?.startsWith("actions/setup-node@")),
        why: "this node is the runner's",
    },
    {
        match: (s) => Boolean(s.uses?.startsWith("actions/github-script@")),
        why: "calls GitHub's API (network); its helpers are tested in workflows.test.ts",
    },
];

/** Values of the `${{ }}` expressions the workflows use; an unknown one fails the test (extend this, do not guess). */
function expression(expr: string, ctx: Context): string {
    const e = expr.trim();
    let m: RegExpExecArray | null;
    if ((m = /^matrix\.(\w+)$/.exec(e))) return String(ctx.matrix[m[1]]);
    if ((m = /^env\.(\w+)$/.exec(e))) return ctx.env[m[1]] ?? "";
    // A repository with its deployment secrets set, so every path runs; the steps that would use them are skipped.
    if (/^secrets\.\w+$/.test(e)) return "placeholder-secret";
    if (e === "github.event.head_commit.message") return "exercise";
    if (/^github\.(server_url|repository|run_id)$/.test(e)) return "exercise";
    // The pull request's base branch: this checkout's HEAD, which the clone's commit (its uncommitted changes) extends.
    if (e === "github.base_ref") return "HEAD";
    throw new Error(`cannot evaluate \${{ ${e} }}: teach test/delivery/workflows.run.ts its value`);
}

function substitute(text: string, ctx: Context): string {
    return text.replace(/\$\{\{([^}]*)\}\}/g, (_, e: string) => expression(e, ctx));
}

/** A step's `if:` as a runner evaluates it in a job where nothing has failed (a failure stops the test). */
function condition(cond: string | undefined, ctx: Context): boolean {
    if (cond === undefined) return true;
    // `&&` binds tighter than `||` in GitHub's expressions.
    return cond.split("||").some((alternative) => conjunction(alternative, ctx));
}

function conjunction(cond: string, ctx: Context): boolean {
    return cond.split("&&").every((part) => {
        const p = part.trim();
        if (p === "always()" || p === "success()") return true;
        if (p === "failure()" || p === "cancelled()") return false;
        let m: RegExpExecArray | null;
        if ((m = /^steps\.(\w[\w-]*)\.outputs\.([\w-]+) == '([^']*)'$/.exec(p))) {
            return ctx.outputs[m[1]]?.[m[2]] === m[3];
        }
        if ((m = /^steps\.(\w[\w-]*)\.outcome == '(\w+)'$/.exec(p))) return m[2] === "success";
        throw new Error(`cannot evaluate if: ${p}: teach test/delivery/workflows.run.ts its value`);
    });
}

interface Context {
    matrix: Record<string, unknown>;
    env: Record<string, string>;
    outputs: Record<string, Record<string, string>>;
}

function git(cwd: string, args: string[]): string {
    return execFileSync("git", ["-c", "user.name=exercise", "-c", "user.email=exercise@localhost", ...args], {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    }).trim();
}

/** `git clone` of this checkout with its uncommitted changes committed on top: what a push of them would hold. */
function freshClone(into: string): void {
    execFileSync("git", ["clone", "--quiet", ROOT, into], { stdio: "ignore" });
    const files = git(ROOT, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]).split("\0");
    for (const rel of files.filter(Boolean)) {
        const from = path.join(ROOT, rel);
        const to = path.join(into, rel);
        if (existsSync(from)) {
            mkdirSync(path.dirname(to), { recursive: true });
            cpSync(from, to);
        } else rmSync(to, { force: true });
    }
    git(into, ["add", "-A"]);
    if (git(into, ["status", "--porcelain"]) !== "") git(into, ["commit", "--quiet", "-m", "working tree"]);
}

/** `npm ci` without the registry: this checkout's node_modules, installed from the same lockfile. */
function linkNodeModules(dir: string): void {
    assert.equal(
        readFileSync(path.join(dir, "package-lock.json"), "utf8"),
        readFileSync(path.join(ROOT, "package-lock.json"), "utf8"),
        "the clone's lockfile is not the one node_modules was installed from: npm ci would install other packages",
    );
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/** What `pulumi/actions` needs from the job before it: the program Pulumi.yaml names, built from these sources. */
function checkPulumiMain(dir: string): string | undefined {
    const main = /^main:\s*(\S+)\s*$/m.exec(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))?.[1];
    if (main === undefined) return "Pulumi.yaml has no main";
    if (!existsSync(path.join(dir, main))) return `Pulumi.yaml's main ${main} does not exist`;
    return staleBuild(dir);
}

/** The build `npm test` starts with (its script's first command), or undefined when it has none. */
function testBuild(dir: string): string | undefined {
    const scripts = (
        JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
            scripts: Record<string, string>;
        }
    ).scripts;
    const first = scripts.test?.split("&&")[0].trim();
    // `-s` only quiets npm's own lines: the same build as a job's `npm run build` step, so it is not run twice.
    return first !== undefined && /^npm run( -s)? build$/.test(first) ? "npm run build" : undefined;
}

interface JobRun {
    log: string[];
    skipped: string[];
    pulumiChecks: number;
}

/** The files of a tree (not .git, not the linked node_modules): equal digests, the same tree for a step to run on. */
function treeDigest(dir: string): string {
    const hash = createHash("sha256");
    const walk = (rel: string): void => {
        for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) =>
            a.name < b.name ? -1 : 1,
        )) {
            const child = path.join(rel, entry.name);
            if (rel === "" && entry.name === ".git") continue;
            if (entry.isSymbolicLink()) hash.update(`${child}\0->${readlinkSync(path.join(dir, child))}\0`);
            else if (entry.isDirectory()) walk(child);
            else
                hash.update(`${child}\0`)
                    .update(readFileSync(path.join(dir, child)))
                    .update("\0");
        }
    };
    walk("");
    return hash.digest("hex");
}

/** The tree a step left and what it wrote to $GITHUB_OUTPUT, by what it ran on (see runJob); never changed once stored. */
const states = new Map<string, { dir: string; outputs: Record<string, string> }>();
let scratch: string;

function snapshot(dir: string): string {
    const copy = mkdtempSync(path.join(scratch, "state-"));
    cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    return copy;
}

function runJob(file: string, wf: Workflow, job: Job): JobRun {
    const matrix = Object.fromEntries(
        Object.entries(job.strategy?.matrix ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
    );
    const ctx: Context = { matrix, env: {}, outputs: {} };
    for (const [k, v] of Object.entries({ ...wf.env, ...job.env })) ctx.env[k] = substitute(String(v), ctx);
    const log: string[] = [];
    const skipped: string[] = [];
    let pulumiChecks = 0;
    let upDone = false;
    // The tree the job works on: a stored state (shared, never written) until the job runs a command of its own.
    let dir = states.get("")!.dir;
    let own = false;

    for (const step of job.steps) {
        const label = `${file} ${step.name ?? step.uses ?? step.run!.split("\n")[0]}`;
        if (!condition(step.if, ctx)) {
            skipped.push(`${label}: if: ${step.if} is false here`);
            continue;
        }
        if (step.uses?.startsWith("pulumi/actions@") && step.with?.command) {
            const problem = checkPulumiMain(dir);
            assert.equal(
                problem,
                undefined,
                `${label}: pulumi ${String(step.with.command)} would run: ${problem}`,
            );
            pulumiChecks++;
            log.push(`${label}: Pulumi.yaml's main is built and fresh`);
            if (step.with.command === "up") {
                log.push(`${label}: ${deploysLiveOnly(dir, String(step.with["stack-name"]), ctx)}`);
                upDone = true;
            }
            continue;
        }
        if (step.run?.trim().startsWith("npm run verify ") && job.steps.some(isUp)) {
            // Skipped below (network); where it stands is checked here: after the job's up, on the systems it deployed.
            assert.ok(upDone, `${label}: verify must run after pulumi up`);
            log.push(
                `${label}: runs after pulumi up, over its live systems: ${ctx.outputs.live?.systems || "none"}`,
            );
        }
        const skip = SKIPPED.find((s) => s.match(step));
        // What a skipped `npm test` leaves in the tree is its build: that part runs (a job may rely on it).
        const partial = skip && step.run?.trim() === "npm test" ? testBuild(dir) : undefined;
        if (skip) skipped.push(`${label}: ${skip.why}`);
        if (skip && partial === undefined) continue;
        assert.ok(step.run, `${label}: no way to run ${step.uses} here: add it to SKIPPED with its reason`);
        const env: Record<string, string> = { ...ctx.env };
        for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(String(v), { ...ctx, env });
        const script = partial ?? substitute(step.run, { ...ctx, env });
        // The same command with the same environment on the same tree leaves the same tree.
        const key = createHash("sha256")
            .update(`${treeDigest(dir)}\0${JSON.stringify(env)}\0${script}`)
            .digest("hex");
        const known = states.get(key);
        if (known) {
            if (own) rmSync(dir, { recursive: true, force: true });
            own = false;
            dir = known.dir;
            if (step.id) ctx.outputs[step.id] = known.outputs;
            log.push(`${label}: ok (already run by another job on the same clone)`);
            continue;
        }
        if (!own) {
            dir = snapshot(dir);
            own = true;
        }
        const outputFile = path.join(scratch, `output-${Date.now()}-${Math.random().toString(36).slice(2)}`);
        writeFileSync(outputFile, "");
        if (script.trim() === "npm ci") {
            linkNodeModules(dir);
            log.push(`${label}: node_modules linked (same lockfile)`);
        } else {
            const res = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
                cwd: dir,
                encoding: "utf8",
                env: {
                    PATH: process.env.PATH ?? "",
                    HOME: process.env.HOME ?? "",
                    CI: "true",
                    GITHUB_ACTIONS: "true",
                    GITHUB_OUTPUT: outputFile,
                    GITHUB_STEP_SUMMARY: path.join(scratch, "summary.md"),
                    ...env,
                },
            });
            assert.equal(res.status, 0, `${label} failed:\n${res.stdout}\n${res.stderr}`);
            log.push(`${label}: ok`);
        }
        const outputs = readOutputs(outputFile);
        if (step.id) ctx.outputs[step.id] = outputs;
        states.set(key, { dir: snapshot(dir), outputs });
    }
    return { log, skipped, pulumiChecks };
}

const isUp = (s: Step) => Boolean(s.uses?.startsWith("pulumi/actions@")) && s.with?.command === "up";

/**
 * What the job's `pulumi up` of `stack` registers, run in its tree under the recording mocks: exactly the live systems
 * its `live` step printed (a staged system registers nothing), which are also the stack output liveSystems.
 */
function deploysLiveOnly(dir: string, stack: string, ctx: Context): string {
    const printed = ctx.outputs.live?.systems;
    assert.ok(
        printed !== undefined,
        `pulumi up --stack ${stack}: no step with id live printed the live systems before it`,
    );
    const live = printed.split(",").filter(Boolean);
    const deploy = liveDeploy(dir, stack);
    assert.deepEqual(
        [...deploy.registered].sort(),
        [...live].sort(),
        `pulumi up --stack ${stack} registers other systems than the live ones`,
    );
    assert.deepEqual(deploy.liveSystems, live);
    assert.deepEqual(
        deploy.registered.filter((s) => deploy.staged.includes(s)),
        [],
        "a staged system registered",
    );
    return `pulumi up deploys the live systems only: ${live.join(", ") || "none"} (staged, nothing registered: ${deploy.staged.join(", ") || "none"})`;
}

function readOutputs(file: string): Record<string, string> {
    return Object.fromEntries(
        readFileSync(file, "utf8")
            .split("\n")
            .filter((l) => l.includes("="))
            .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
}

describe("every workflow job, run from a fresh clone", function () {
    this.timeout(600_000);
    const files = workflowFiles();
    let started: number;

    before(() => {
        started = Date.now();
        scratch = mkdtempSync(path.join(tmpdir(), "workflows-"));
        const clone = path.join(scratch, "clone");
        freshClone(clone);
        states.set("", { dir: clone, outputs: {} });
    });
    after(() => {
        rmSync(scratch, { recursive: true, force: true });
        process.stdout.write(`      (all jobs: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    });

    for (const file of files) {
        const wf = loadWorkflow(file);
        for (const [id, job] of Object.entries(wf.jobs)) {
            it(`${file} ${id}`, () => {
                const start = Date.now();
                const run = runJob(file, wf, job);
                const lines = [...run.log, ...run.skipped.map((s) => `SKIPPED ${s}`)];
                process.stdout.write(
                    `${lines.map((l) => `        ${l}`).join("\n")}\n        (${((Date.now() - start) / 1000).toFixed(1)} s)\n`,
                );
                if (job.steps.some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command)) {
                    // A job that deploys only a live system (Callysto's) skips its up while the stack stages it.
                    const staged = run.skipped.some((l) =>
                        /pulumi up.*: if: steps\.live\.outputs\.\w+ == 'true' is false/.test(l),
                    );
                    assert.ok(
                        run.pulumiChecks > 0 || staged,
                        `${file} ${id}: its Pulumi step was never reached`,
                    );
                }
            });
        }
    }
});
