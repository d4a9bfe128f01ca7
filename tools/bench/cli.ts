import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

// Measures, in one run on this machine: plan wall time and peak memory per stack next to an empty program
// under the same mocks, resources per stack, and the test suite's wall time. Numbers are printed, never asserted.

interface Measure {
    seconds: number;
    peakMiB: number;
    stdout: string;
}

const ROOT = path.join(__dirname, "..", "..");
const TS_NODE = require.resolve("ts-node/dist/bin");

/** Runs a Node.js script in a child process with a preload that reports its peak RSS. */
function measure(args: string[]): Measure {
    const start = process.hrtime.bigint();
    const res = spawnSync(process.execPath, ["--require", path.join(__dirname, "peak.js"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (res.status !== 0) {
        throw new Error(`${args.join(" ")} failed:\n${res.stderr}`);
    }
    const peak = /PEAK_KB=(\d+)/.exec(res.stderr ?? "");
    return { seconds, peakMiB: peak ? Number(peak[1]) / 1024 : 0, stdout: res.stdout };
}

function fmt(m: Measure): string {
    return `${m.seconds.toFixed(2).padStart(7)} s  ${m.peakMiB.toFixed(0).padStart(5)} MiB`;
}

function main(): void {
    const tmp = mkdtempSync(path.join(tmpdir(), "bench-"));
    const rows: string[] = [];
    const floor = measure([TS_NODE, "--transpile-only", "tools/bench/empty.ts"]);
    rows.push(`empty program (floor)   ${fmt(floor)}`);
    for (const stack of ["stage", "prod"]) {
        const out = path.join(tmp, stack);
        const m = measure([TS_NODE, "--transpile-only", "tools/plan/cli.ts", "--stack", stack, "--out", out]);
        const resources = (JSON.parse(readFileSync(path.join(out, "resources.json"), "utf8")) as unknown[])
            .length;
        rows.push(`plan ${stack.padEnd(18)} ${fmt(m)}  ${String(resources).padStart(5)} resources`);
    }
    const tests = measure([require.resolve("mocha/bin/mocha.js"), "test/**/*.test.ts"]);
    const passing = /(\d+) passing/.exec(tests.stdout)?.[1] ?? "?";
    rows.push(`test suite (mocha)      ${fmt(tests)}  ${passing.padStart(5)} tests`);
    process.stdout.write(`what                       wall    peak RSS\n${rows.join("\n")}\n`);
}

main();
