import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { repoRoot } from "../root";
import { NamedError } from "../cli/args";

/** What one child process cost: wall time, CPU time (user+sys, its own children included) and peak memory. */
export interface Measure {
    seconds: number;
    cpuSeconds: number;
    /** Peak RSS of the measured process itself (0 when it does not report it). */
    peakMiB: number;
    stdout: string;
    stderr: string;
}

/**
 * What stops a bench for a reason its message tells in full (a measured command that failed, with its own output; a
 * stack the bench cannot multiply): printed without a stack trace, which would only bury it.
 */
export class BenchError extends NamedError {}

/** Clock ticks per second of /proc times (USER_HZ, 100 on every Linux this runs on). */
const TICKS = 100;

/**
 * CPU time of this process's waited-for children, from /proc (Node.js has no getrusage(RUSAGE_CHILDREN)). It includes
 * the grandchildren each child waited for, so mocha's parallel workers count.
 */
function childrenCpuSeconds(): number {
    try {
        // Fields after the command name: state is #3, cutime #16, cstime #17 (proc(5)).
        const stat = readFileSync("/proc/self/stat", "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(fields[13]) + Number(fields[14])) / TICKS;
    } catch {
        return NaN;
    }
}

/** Runs `node <args>` in `cwd` with a preload that reports its peak RSS; a BenchError with its output when it fails. */
export function measure(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Measure {
    const cpuBefore = childrenCpuSeconds();
    const start = process.hrtime.bigint();
    const res = spawnSync(
        process.execPath,
        ["--require", path.join(repoRoot(), "tools", "bench", "peak.js"), ...args],
        { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuSeconds = childrenCpuSeconds() - cpuBefore;
    if (res.status !== 0) {
        throw new BenchError(
            `node ${args.join(" ")} failed (${res.status ?? res.signal}):\n${res.stderr}${res.stdout}`,
        );
    }
    const peaks = [...(res.stderr ?? "").matchAll(/PEAK_KB=(\d+)/g)].map((m) => Number(m[1]));
    // The first report is the measured process's own (children preloaded via NODE_OPTIONS report before it exits).
    const peakKb = peaks.length > 0 ? peaks[peaks.length - 1] : 0;
    return { seconds, cpuSeconds, peakMiB: peakKb / 1024, stdout: res.stdout, stderr: res.stderr };
}

/** The median of several measurements of one thing (by wall time; CPU and memory medians taken separately). */
export function median(ms: Measure[]): Measure {
    const mid = <T>(xs: T[], key: (x: T) => number): number => {
        const s = xs.map(key).sort((a, b) => a - b);
        return s[Math.floor((s.length - 1) / 2)];
    };
    return {
        ...ms[0],
        seconds: mid(ms, (m) => m.seconds),
        cpuSeconds: mid(ms, (m) => m.cpuSeconds),
        peakMiB: mid(ms, (m) => m.peakMiB),
    };
}
