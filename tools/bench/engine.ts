import { spawnSync } from "child_process";
import * as path from "path";
import { repoRoot } from "../root";

// (d) of `npm run bench`: the real engine's `pulumi up` of the local stack against `kubectl apply --server-side` of
// the same render, each until every workload is Ready, on the e2e's local control plane. It runs the e2e's own checks
// (`npm run e2e` narrowed with --grep), so what is timed is exactly what the e2e proves, on a fresh cluster each; once
// per `--parallel` value. Needs the e2e's toolchain (`npm run e2e:tools`), which is never built by the bench.

/** The e2e checks the bench runs: their titles, as written in e2e/local.e2e.ts. */
export const ENGINE_CHECKS = [
    "(a) server-side apply (strict field validation) of every object succeeds: CRDs, namespaces, the rest",
    "(b) every Deployment and StatefulSet becomes Ready and every PersistentVolumeClaim binds",
    "pulumi up creates every object of the render, and every workload becomes Ready",
    "a second pulumi preview --expect-no-changes passes, with and without --refresh",
] as const;

/** The phases those checks time (`timed(...)` in e2e/local.e2e.ts), as the e2e prints them. */
export const ENGINE_PHASES = {
    apply: "first apply",
    applyReady: "readiness (every workload Ready, every claim Bound)",
    up: "engine: pulumi up (local)",
    upReady: "engine: readiness",
    noOpPreview: "engine: preview --expect-no-changes",
    noOpRefresh: "engine: preview --refresh --expect-no-changes",
} as const;

/** The variable the e2e's first `pulumi up` reads its `--parallel` from (unset or 0: the engine's default). */
export const PARALLEL_VARIABLE = "E2E_ENGINE_PARALLEL";

/** Every `[e2e] <phase>: <seconds> s` line of an e2e run's output, by phase (the last one of a phase wins). */
export function phaseTimes(output: string): Map<string, number> {
    const times = new Map<string, number>();
    for (const m of output.matchAll(/^\s*\[e2e\] (.+): (\d+(?:\.\d+)?) s$/gm)) times.set(m[1], Number(m[2]));
    return times;
}

/** Mocha's `--grep` (a regular expression over full titles) that selects {@link ENGINE_CHECKS}. */
export function checksGrep(): string {
    return ENGINE_CHECKS.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

/** What one run measured: both ways to the same Ready cluster, and why the engine's is missing when it is. */
export interface EngineRun {
    parallel: number;
    /**
     * The run set `PULUMI_SKIP_CHECKPOINTS`: the state is written once, at the end, instead of after every step. The
     * DIY backends rewrite the whole state file on every step (pulumi/pulumi@a05d88f:pkg/backend/diy/state.go
     * saveCheckpoint: marshal, `.bak` copy, write); only Pulumi Cloud journals steps instead
     * (pkg/backend/httpstate/backend.go:2013). Measured to say what the checkpoints cost, never how to deploy: an
     * up that dies without them leaves no record of what it created.
     */
    withoutCheckpoints?: boolean;
    kubectl?: { apply: number; ready: number };
    engine?: { up: number; ready: number };
    /** The no-op preview after that up: plain, and with `--refresh` (every object read back from the cluster). */
    preview?: { plain: number; refresh: number };
    /** The e2e's own line when it skipped every engine check (a missing CLI, language host or plugin). */
    skipped?: string;
    /** The run failed: its exit code and the end of its output. */
    failed?: string;
}

/** Reads a run of the e2e checks from its output and exit code. */
export function engineRun(
    parallel: number,
    output: string,
    code: number | null,
    withoutCheckpoints = false,
): EngineRun {
    const t = phaseTimes(output);
    const both = (a: string, b: string) =>
        t.has(a) && t.has(b) ? [t.get(a) ?? 0, t.get(b) ?? 0] : undefined;
    const applied = both(ENGINE_PHASES.apply, ENGINE_PHASES.applyReady);
    const upped = both(ENGINE_PHASES.up, ENGINE_PHASES.upReady);
    const previewed = both(ENGINE_PHASES.noOpPreview, ENGINE_PHASES.noOpRefresh);
    const skipped = /\[e2e\] (engine checks SKIPPED.*)$/m.exec(output)?.[1];
    return {
        parallel,
        ...(withoutCheckpoints ? { withoutCheckpoints } : {}),
        ...(applied ? { kubectl: { apply: applied[0], ready: applied[1] } } : {}),
        ...(upped ? { engine: { up: upped[0], ready: upped[1] } } : {}),
        ...(previewed ? { preview: { plain: previewed[0], refresh: previewed[1] } } : {}),
        ...(skipped ? { skipped } : {}),
        ...(code === 0
            ? {}
            : { failed: `exit ${code}:\n${output.trimEnd().split("\n").slice(-20).join("\n")}` }),
    };
}

const secs = (n: number) => `${n.toFixed(1)} s`;
const row = (label: string, total: number, detail: string) =>
    `  ${label.padEnd(46)} ${secs(total).padStart(8)}  (${detail})`;

/** The report's rows for the runs: each way's time and the engine's ratio to kubectl's. */
export function engineRows(runs: readonly EngineRun[]): string[] {
    const rows = [
        "(d) the local stack on the e2e's control plane, each until every workload is Ready (fresh cluster each)",
    ];
    for (const run of runs) {
        const flag =
            (run.parallel > 0 ? `--parallel ${run.parallel}` : "(default --parallel)") +
            (run.withoutCheckpoints ? ", PULUMI_SKIP_CHECKPOINTS" : "");
        const k = run.kubectl ? run.kubectl.apply + run.kubectl.ready : undefined;
        if (run.kubectl && k !== undefined) {
            const { apply, ready } = run.kubectl;
            rows.push(
                row(
                    "kubectl apply --server-side + readiness",
                    k,
                    `apply ${secs(apply)}, readiness ${secs(ready)}`,
                ),
            );
        }
        if (run.engine) {
            const { up, ready } = run.engine;
            const ratio = k ? `; ${((up + ready) / k).toFixed(2)}x kubectl's` : "";
            rows.push(
                row(
                    `pulumi up ${flag} + readiness`,
                    up + ready,
                    `up ${secs(up)}, readiness ${secs(ready)}${ratio}`,
                ),
            );
        } else {
            rows.push(`  pulumi up ${flag}: not measured: ${run.skipped ?? "the e2e did not time it"}`);
        }
        if (run.preview) {
            rows.push(row("no-op pulumi preview --expect-no-changes", run.preview.plain, "after that up"));
            rows.push(row("  the same with --refresh", run.preview.refresh, "every object read back"));
        }
        if (run.failed) rows.push(`  the e2e run failed, ${run.failed}`);
    }
    return rows;
}

/** `e2e/run.sh`'s refusal when the toolchain cache lacks a tool (it names them and how to build them). */
const MISSING = /^\[e2e\] missing in .*$/m;

/**
 * Runs the e2e checks once per `parallel` value (0: the engine's default) through `e2e/run.sh`, then once more at the
 * first value without per-step checkpoints ({@link EngineRun.withoutCheckpoints}). It stops at once, naming what is
 * missing, when the toolchain is not built; then nothing else is run.
 */
export function benchEngine(parallels: readonly number[]): string[] {
    const grep = checksGrep();
    const runs: EngineRun[] = [];
    const variants = [
        ...parallels.map((parallel) => ({ parallel, withoutCheckpoints: false })),
        ...parallels.slice(0, 1).map((parallel) => ({ parallel, withoutCheckpoints: true })),
    ];
    for (const { parallel, withoutCheckpoints } of variants) {
        const env: NodeJS.ProcessEnv = { ...process.env, [PARALLEL_VARIABLE]: String(parallel) };
        if (withoutCheckpoints) env.PULUMI_SKIP_CHECKPOINTS = "true";
        else delete env.PULUMI_SKIP_CHECKPOINTS;
        const res = spawnSync("bash", [path.join("e2e", "run.sh"), "--grep", grep], {
            cwd: repoRoot(),
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
            env,
        });
        const output = `${res.stdout ?? ""}${res.stderr ?? ""}`;
        const missing = MISSING.exec(output)?.[0];
        if (missing) return [`(d) engine: SKIPPED, ${missing.replace(/^\[e2e\] /, "")}`];
        runs.push(engineRun(parallel, output, res.status, withoutCheckpoints));
    }
    return engineRows(runs);
}
