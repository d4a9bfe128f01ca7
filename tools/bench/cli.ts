import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseArgs } from "node:util";
import { parseDocument } from "yaml";
import { planCliArgs } from "../plan/process";
import { repoRoot, scriptArgs } from "../root";
import { benchEngine } from "./engine";
import { Measure, measure, median } from "./measure";

// Measures on this machine, printed and never asserted: (a) each stack's plan next to the SDK's floor for the same
// number of resources, (b) the test suite split into type-check and mocha with its ten slowest files, (c) the plan at
// 1x, 16x and 70x the stage stack's DIALS workspaces with the cost of each further 1,000 objects, (d) the real
// engine's `pulumi up` of the local stack against `kubectl apply` of the same render (tools/bench/engine.ts), where
// the e2e's toolchain is built. Wall time varies with what else runs; CPU time (user+sys) is the steadier figure on a
// shared machine.

const USAGE = `usage: npm run bench -- [--only plan|suite|scale|engine]... [--runs <n>] [--scale <factors>] [--parallel <values>]
  --only    what to measure (repeatable; default all)
  --runs    repetitions of each plan measurement, median reported (default 3)
  --scale   multiples of the stage stack's DIALS workspaces (default 1,16,68; 68x is the largest under the 3,000-resource limit)
  --parallel    pulumi up's --parallel values the engine is timed with, 0 for its default (default 0,32)
  --full-build  time the test script's build from scratch, not only what changed since the last one`;

const ROOT = repoRoot();
const PARTS = ["plan", "suite", "scale", "engine"] as const;

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
    const out = mkdtempSync(path.join(tmpdir(), `bench-${stack}-`));
    try {
        const m = repeat(runs, () => measure([...planCliArgs(ROOT), "--stack", stack, "--out", out], cwd));
        const json = path.join(keep, `${stack}.json`);
        copyFileSync(path.join(out, "resources.json"), json);
        const resources = (JSON.parse(readFileSync(json, "utf8")) as unknown[]).length;
        return { m, resources, json };
    } finally {
        rmSync(out, { recursive: true, force: true });
    }
}

function floor(floorFlags: string[], runs: number): Measure {
    return repeat(runs, () => measure([...scriptArgs("tools/bench/floor.ts"), ...floorFlags], ROOT));
}

function ratio(m: Measure, f: Measure): string {
    return `ratio ${(m.seconds / f.seconds).toFixed(2)}x wall, ${(m.cpuSeconds / f.cpuSeconds).toFixed(2)}x cpu`;
}

function benchPlans(runs: number): string[] {
    const rows = [
        "(a) plan of each stack next to the SDK floor of the same resource count (bare resources), and next to the",
        "    floor of the same inputs (the plan's own resources registered again, flat: no components, no config)",
    ];
    const keep = mkdtempSync(path.join(tmpdir(), "bench-plans-"));
    try {
        for (const stack of ["stage", "prod"]) {
            const { m, resources, json } = plan(ROOT, stack, runs, keep);
            const bare = floor(["--resources", String(resources)], runs);
            const same = floor(["--replay", json], runs);
            rows.push(
                `  plan ${stack.padEnd(6)} ${fmt(m)}  ${String(resources).padStart(5)} resources`,
                `  floor ${String(resources).padStart(5)} ${fmt(bare)}  ${ratio(m, bare)}`,
                `  inputs ${String(resources).padStart(4)} ${fmt(same)}  ${ratio(m, same)}`,
            );
        }
    } finally {
        rmSync(keep, { recursive: true, force: true });
    }
    return rows;
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
    const times = mkdtempSync(path.join(tmpdir(), "bench-files-"));
    try {
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
        rows.push(`  type-check + build ${fmt(tsc)}`, `  mocha              ${fmt(mocha)}  ${passing} tests`);
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
    } finally {
        rmSync(times, { recursive: true, force: true });
    }
    return rows;
}

/** The arguments the test script gives tsc (in its first command, or the script that runs) and mocha (its last). */
function testSteps(scripts: Record<string, string>): { tscArgs: string[]; mochaArgs: string[] } {
    const words = (command: string): string[] =>
        (command.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^['"]|['"]$/g, ""));
    const commands = (script: string): string[] =>
        script
            .split("&&")
            .map((c) => c.trim())
            .flatMap((c) => {
                const run = /^npm run (?:-s )?(\S+)$/.exec(c)?.[1];
                return run ? commands(scripts[run]) : [c];
            });
    const steps = commands(scripts.test).map(words);
    const tsc = steps.find((w) => w[0] === "tsc");
    const mocha = steps.find((w) => w[0] === "mocha");
    if (!tsc || !mocha) throw new Error(`npm test (${scripts.test}) runs no tsc or no mocha`);
    return { tscArgs: tsc.slice(1), mochaArgs: mocha.slice(1) };
}

/** The stage stack with its DIALS workspaces repeated `factor` times (renamed), written as its own stack file. */
function scaledStack(dir: string, factor: number): string {
    const stack = `bench-x${factor}`;
    const doc = parseDocument(readFileSync(path.join(ROOT, "Pulumi.stage.yaml"), "utf8"));
    const base = (
        doc.getIn(["config", "runbooks:dials", "workspaces"]) as { toJSON(): { name: string }[] }
    ).toJSON();
    const workspaces = Array.from({ length: factor }, (_, i) =>
        base.map((w) => ({ ...w, name: i === 0 ? w.name : `${w.name}${i}` })),
    ).flat();
    doc.setIn(["config", "runbooks:dials", "workspaces"], doc.createNode(workspaces, { flow: true }));
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), doc.toString());
    return stack;
}

function benchScale(factors: number[], runs: number): string[] {
    const rows = ["(c) plan with the stage stack's DIALS workspaces multiplied"];
    const dir = mkdtempSync(path.join(tmpdir(), "bench-scale-"));
    const points: { resources: number; m: Measure }[] = [];
    try {
        copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        mkdirSync(path.join(dir, "out"));
        for (const factor of factors) {
            const { m, resources } = plan(dir, scaledStack(dir, factor), runs, path.join(dir, "out"));
            points.push({ resources, m });
            rows.push(`  x${String(factor).padEnd(4)} ${fmt(m)}  ${String(resources).padStart(5)} resources`);
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
    const [first, last] = [points[0], points[points.length - 1]];
    if (points.length > 1 && last.resources > first.resources) {
        const per1000 = (d: (m: Measure) => number): string =>
            ((1000 * (d(last.m) - d(first.m))) / (last.resources - first.resources)).toFixed(2);
        rows.push(
            `  each further 1,000 objects: ${per1000((m) => m.seconds)} s wall, ${per1000((m) => m.cpuSeconds)} s cpu, ${per1000((m) => m.peakMiB)} MiB`,
        );
    }
    return rows;
}

function main(): void {
    let values;
    try {
        values = parseArgs({
            options: {
                only: { type: "string", multiple: true },
                runs: { type: "string", default: "3" },
                scale: { type: "string", default: "1,16,68" },
                parallel: { type: "string", default: "0,32" },
                "full-build": { type: "boolean", default: false },
            },
        }).values;
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
        process.exit(1);
    }
    const only = values.only ?? [...PARTS];
    const runs = Number(values.runs);
    const factors = values.scale.split(",").map(Number);
    const parallels = values.parallel.split(",").map(Number);
    const bad = only.filter((p) => !(PARTS as readonly string[]).includes(p));
    if (
        bad.length > 0 ||
        !(runs >= 1) ||
        factors.some((f) => !(f >= 1) || !Number.isInteger(f)) ||
        parallels.some((p) => !(p >= 0) || !Number.isInteger(p))
    ) {
        process.stderr.write(`${USAGE}\n`);
        process.exit(1);
    }
    const report = (rows: string[]): boolean => process.stdout.write(`${rows.join("\n")}\n`);
    if (only.includes("plan")) report(benchPlans(runs));
    if (only.includes("scale")) report(benchScale(factors, runs));
    if (only.includes("suite")) report(benchSuite(values["full-build"]));
    if (only.includes("engine")) report(benchEngine(parallels));
}

main();
