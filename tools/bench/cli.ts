import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { shellWords } from "../../components/config/fixCommands";
import { ConfigError } from "../../components/config/problems";
import { UsageError, parseFlags, usageExit } from "../cli/args";
import { planCliArgs } from "../plan/process";
import { StackFileError } from "../plan/stackfile";
import { repoRoot, scriptArgs } from "../root";
import { benchEngine } from "./engine";
import { BenchError, Measure, measure, median } from "./measure";
import { largestScale, scaleProblem, scaledStackValues, writeScaledStack } from "./scale";

// Measures on this machine, printed and never asserted: (a) each stack's plan next to the SDK's floor for the same
// number of resources, (b) the test suite split into type-check and mocha with its ten slowest files, (c) the plan
// with the stage stack's DIALS workspaces multiplied (up to the largest multiple the plan's size limit accepts) with
// the cost of each further 1,000 objects, (d) the real engine's `pulumi up` of the local stack against `kubectl
// apply` of the same render (tools/bench/engine.ts), where the e2e's toolchain is built. Wall time varies with what
// else runs; CPU time (user+sys) is the steadier figure on a shared machine.

const USAGE = `usage: npm run bench -- [--only plan|suite|scale|engine]... [--runs <n>] [--scale <factors>] [--parallel <values>]
  --only    what to measure (repeatable; default all)
  --runs    repetitions of each plan measurement, median reported (default 3)
  --scale   multiples of the stage stack's DIALS workspaces, "max" for the largest the plan's 3,000-resource limit
            accepts (default 1,16,max)
  --parallel    pulumi up's --parallel values the engine is timed with, 0 for its default (default 0,32)
  --full-build  time the test script's build from scratch, not only what changed since the last one`;

const ROOT = repoRoot();
const PARTS = ["plan", "suite", "scale", "engine"] as const;

/** `work` with a temporary directory of its own, removed afterwards whatever `work` does. */
function inTempDir<T>(prefix: string, work: (dir: string) => T): T {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    try {
        return work(dir);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function fmt(m: Measure): string {
    return `${m.seconds.toFixed(2).padStart(7)} s wall ${m.cpuSeconds.toFixed(2).padStart(7)} s cpu ${m.peakMiB.toFixed(0).padStart(5)} MiB`;
}

function repeat(runs: number, run: () => Measure): Measure {
    return median(Array.from({ length: runs }, run));
}

/**
 * Plans `stack` of the stack files in `cwd` with the plan CLI, as `npm run plan` does; returns its resource count and
 * a copy of its `resources.json` (in `keep`) for the floor of the same inputs.
 */
function plan(
    cwd: string,
    stack: string,
    runs: number,
    keep: string,
): { m: Measure; resources: number; json: string } {
    return inTempDir(`bench-${stack}-`, (out) => {
        const m = repeat(runs, () => measure([...planCliArgs(ROOT), "--stack", stack, "--out", out], cwd));
        const json = path.join(keep, `${stack}.json`);
        copyFileSync(path.join(out, "resources.json"), json);
        const resources = (JSON.parse(readFileSync(json, "utf8")) as unknown[]).length;
        return { m, resources, json };
    });
}

function floor(floorFlags: string[], runs: number): Measure {
    return repeat(runs, () => measure([...scriptArgs("tools/bench/floor.ts"), ...floorFlags], ROOT));
}

function ratio(m: Measure, f: Measure): string {
    return `ratio ${(m.seconds / f.seconds).toFixed(2)}x wall, ${(m.cpuSeconds / f.cpuSeconds).toFixed(2)}x cpu`;
}

function benchPlans(runs: number, print: (row: string) => void): void {
    print(
        "(a) plan of each stack next to the SDK floor of the same resource count (bare resources), and next to the",
    );
    print(
        "    floor of the same inputs (the plan's own resources registered again, flat: no components, no config)",
    );
    inTempDir("bench-plans-", (keep) => {
        for (const stack of ["stage", "prod"]) {
            const { m, resources, json } = plan(ROOT, stack, runs, keep);
            const bare = floor(["--resources", String(resources)], runs);
            const same = floor(["--replay", json], runs);
            print(`  plan ${stack.padEnd(6)} ${fmt(m)}  ${String(resources).padStart(5)} resources`);
            print(`  floor ${String(resources).padStart(5)} ${fmt(bare)}  ${ratio(m, bare)}`);
            print(`  inputs ${String(resources).padStart(4)} ${fmt(same)}  ${ratio(m, same)}`);
        }
    });
}

/** The test script's two steps, as package.json runs them. */
function benchSuite(fullBuild: boolean): string[] {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
    };
    const { tscArgs, mochaArgs } = testSteps(pkg.scripts);
    const rows = [`(b) test suite (npm test: ${pkg.scripts.test})`];
    // As npm test runs it (incremental: only what changed since the last build), or everything (--full-build).
    const tsc = measure(
        [
            require.resolve("typescript/bin/tsc"),
            ...tscArgs,
            ...(fullBuild && tscArgs.includes("-b") ? ["--force"] : []),
        ],
        ROOT,
    );
    inTempDir("bench-files-", (times) => {
        const configIndex = mochaArgs.indexOf("--config");
        const config = configIndex >= 0 ? mochaArgs[configIndex + 1] : ".mocharc.json";
        const mocharc = JSON.parse(readFileSync(path.join(ROOT, config), "utf8")) as { parallel?: boolean };
        const bench = path.join(ROOT, "tools", "bench");
        const timing = mocharc.parallel
            ? ["--require", path.join(bench, "fileTimesHooks.js")]
            : ["--reporter", path.join(bench, "fileTimes.js")];
        const mocha = measure([require.resolve("mocha/bin/mocha.js"), ...mochaArgs, ...timing], ROOT, {
            ...process.env,
            BENCH_FILE_TIMES: times,
        });
        const passing = /(\d+) passing/.exec(mocha.stdout)?.[1] ?? "?";
        // Per test: CPU time, the figure a shared machine leaves steady (the goal: 30 ms).
        const perTest =
            passing === "?"
                ? ""
                : `  ${((mocha.cpuSeconds * 1000) / Number(passing)).toFixed(1)} ms cpu per test`;
        rows.push(
            `  type-check + build ${fmt(tsc)}`,
            `  mocha              ${fmt(mocha)}  ${passing} tests${perTest}`,
        );
        rows.push(
            `  total              ${(tsc.seconds + mocha.seconds).toFixed(2).padStart(7)} s wall ${(tsc.cpuSeconds + mocha.cpuSeconds).toFixed(2).padStart(7)} s cpu`,
        );
        const files = readdirSync(times)
            .flatMap((f) => readFileSync(path.join(times, f), "utf8").trim().split("\n"))
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as { file: string; seconds: number; cpuSeconds?: number })
            // By CPU time where the run reports it (parallel runs): wall time depends on what else runs.
            .sort((a, b) => (b.cpuSeconds ?? b.seconds) - (a.cpuSeconds ?? a.seconds));
        const cpu = (f: { cpuSeconds?: number }) =>
            f.cpuSeconds === undefined ? "" : ` ${f.cpuSeconds.toFixed(2).padStart(7)} s cpu`;
        rows.push(
            `  ten slowest test files (${files.some((f) => f.cpuSeconds !== undefined) ? "by cpu; " : ""}hooks included, module loading not):`,
        );
        for (const f of files.slice(0, 10))
            rows.push(`    ${f.seconds.toFixed(2).padStart(7)} s wall${cpu(f)}  ${f.file}`);
    });
    return rows;
}

/** The arguments the test script gives tsc (in its first command, or the script that runs) and mocha (its last). */
function testSteps(scripts: Record<string, string>): { tscArgs: string[]; mochaArgs: string[] } {
    const commands = (script: string): string[] =>
        script
            .split("&&")
            .map((c) => c.trim())
            .flatMap((c) => {
                const run = /^npm run (?:-s )?(\S+)$/.exec(c)?.[1];
                return run ? commands(scripts[run]) : [c];
            });
    const steps = commands(scripts.test).map(shellWords);
    const tsc = steps.find((w) => w[0] === "tsc");
    const mocha = steps.find((w) => w[0] === "mocha");
    if (!tsc || !mocha) throw new Error(`npm test (${scripts.test}) runs no tsc or no mocha`);
    return { tscArgs: tsc.slice(1), mochaArgs: mocha.slice(1) };
}

function benchScale(factors: number[], runs: number, print: (row: string) => void): void {
    print("(c) plan with the stage stack's DIALS workspaces multiplied");
    const points: { resources: number; m: Measure }[] = [];
    inTempDir("bench-scale-", (dir) => {
        copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        mkdirSync(path.join(dir, "out"));
        for (const factor of factors) {
            const { m, resources } = plan(
                dir,
                writeScaledStack(ROOT, dir, factor),
                runs,
                path.join(dir, "out"),
            );
            points.push({ resources, m });
            print(`  x${String(factor).padEnd(4)} ${fmt(m)}  ${String(resources).padStart(5)} resources`);
        }
    });
    const [first, last] = [points[0], points[points.length - 1]];
    if (points.length > 1 && last.resources > first.resources) {
        const per1000 = (d: (m: Measure) => number): string =>
            ((1000 * (d(last.m) - d(first.m))) / (last.resources - first.resources)).toFixed(2);
        print(
            `  each further 1,000 objects: ${per1000((m) => m.seconds)} s wall, ${per1000((m) => m.cpuSeconds)} s cpu, ${per1000((m) => m.peakMiB)} MiB`,
        );
    }
}

const FLAGS = {
    only: { type: "string", multiple: true },
    runs: { type: "string", default: "3" },
    scale: { type: "string", default: "1,16,max" },
    parallel: { type: "string", default: "0,32" },
    "full-build": { type: "boolean", default: false },
} as const;

/** A comma-separated list of whole numbers of at least `min`, or a UsageError naming the flag. */
function wholeNumbers(
    flag: string,
    text: string,
    min: number,
    words: Record<string, () => number> = {},
): number[] {
    return text.split(",").map((w) => {
        const n = words[w]?.() ?? (/^\d+$/.test(w) ? Number(w) : NaN);
        if (!(n >= min)) {
            const also = Object.keys(words).map((k) => ` or ${k}`);
            throw new UsageError(
                `${flag} ${text}: "${w}" is not a whole number of at least ${min}${also.join("")}`,
                USAGE,
            );
        }
        return n;
    });
}

/**
 * The multiples of stage's workspaces to plan: each one the plan accepts, checked before anything is measured (a
 * refused multiple found after minutes of measuring would lose them all).
 */
export function scaleFactors(text: string = FLAGS.scale.default): number[] {
    const values = scaledStackValues(ROOT);
    const largest = largestScale(values);
    const factors = wholeNumbers("--scale", text, 1, { max: () => largest });
    const over = factors.filter((f) => scaleProblem(values, f) !== undefined);
    if (over.length > 0) {
        throw new UsageError(
            `--scale ${text}: at ${over[0]}x, runbooks:dials.workspaces ${scaleProblem(values, over[0])}; the largest multiple the plan accepts is ${largest} (--scale max)`,
            USAGE,
        );
    }
    return factors;
}

function main(argv: string[]): void {
    const values = parseFlags(argv, FLAGS, USAGE);
    const only = values.only ?? [...PARTS];
    const bad = only.filter((p) => !(PARTS as readonly string[]).includes(p));
    if (bad.length > 0)
        throw new UsageError(`--only ${bad.join(", ")}: not one of ${PARTS.join(", ")}`, USAGE);
    const runs = wholeNumbers("--runs", values.runs, 1);
    if (runs.length !== 1) throw new UsageError(`--runs ${values.runs}: one number`, USAGE);
    const parallels = wholeNumbers("--parallel", values.parallel, 0);
    const factors = only.includes("scale") ? scaleFactors(values.scale) : [];
    const print = (row: string): boolean => process.stdout.write(`${row}\n`);
    const report = (rows: string[]): void => rows.forEach(print);
    if (only.includes("plan")) benchPlans(runs[0], print);
    if (only.includes("scale")) benchScale(factors, runs[0], print);
    if (only.includes("suite")) report(benchSuite(values["full-build"]));
    if (only.includes("engine")) report(benchEngine(parallels));
}

/** What stops the bench with a message that tells it all: a stack trace would only bury it. */
function userError(err: unknown): err is Error {
    return err instanceof BenchError || err instanceof ConfigError || err instanceof StackFileError;
}

if (require.main === module) {
    try {
        main(process.argv.slice(2));
    } catch (err) {
        const usage = usageExit(err);
        if (usage !== undefined) process.exitCode = usage;
        else if (userError(err)) {
            process.stderr.write(`${err.message}\n`);
            process.exitCode = 1;
        } else throw err;
    }
}
