import { spawn } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "fs";
import * as os from "os";
import * as path from "path";
import { isCompiled, repoRoot, scriptArgs } from "../root";
import type { PlanResource } from "./render";

/** What a plan is made from besides the stack file: the program, the tools and the locked dependencies. */
const PLAN_SOURCES = ["index.ts", "package-lock.json", "components", "tools"];

/** A digest of a checkout's {@link PLAN_SOURCES}: equal digests, the same plan code. */
function sourceDigest(root: string): string {
    const hash = createHash("sha256");
    const add = (rel: string): void => {
        const file = path.join(root, rel);
        if (!existsSync(file)) return;
        if (statSync(file).isDirectory()) {
            for (const entry of readdirSync(file).sort()) add(path.join(rel, entry));
        } else {
            hash.update(`${rel}\0`).update(readFileSync(file)).update("\0");
        }
    };
    PLAN_SOURCES.forEach(add);
    return hash.digest("hex");
}

/**
 * The node arguments that start the plan CLI for the checkout in `cwd` (the plan reads its stack files there): this
 * build's CLI when this code runs compiled and that checkout's program and tools are this one's (this checkout, or
 * plan:diff's base worktree of an unchanged program), else that checkout's own `tools/plan/cli.ts` through this
 * repository's ts-node (a checkout with other code has no build of its own).
 */
export function planCliArgs(cwd: string): string[] {
    const here = repoRoot();
    if (path.resolve(cwd) === here || (isCompiled() && sourceDigest(cwd) === sourceDigest(here))) {
        return scriptArgs("tools/plan/cli.ts");
    }
    return [
        require.resolve("ts-node/dist/bin.js"),
        "--transpile-only",
        path.join(cwd, "tools", "plan", "cli.ts"),
    ];
}

/** A plan that could not be made (missing CLI in a checkout, config error, crash); the message says which. */
export class PlanProcessError extends Error {}

export interface PlanProcess {
    done: Promise<PlanResource[]>;
    kill(): void;
}

/**
 * Starts the plan CLI (`--stack <stack> --out <out>`) of the checkout in `cwd` (see {@link planCliArgs}),
 * in its own process (the recording mocks are global to a process), and reads the `resources.json` it writes.
 * Rejects with the plan's own error output when it fails.
 */
export function startPlan(cwd: string, stack: string, out: string, label: string): PlanProcess {
    const cli = planCliArgs(cwd);
    if (!existsSync(cli[cli.length - 1])) {
        return {
            done: Promise.reject(
                new PlanProcessError(
                    `${label}: tools/plan/cli.ts does not exist there (no offline plan to compare)`,
                ),
            ),
            kill: () => undefined,
        };
    }
    const child = spawn(process.execPath, [...cli, "--stack", stack, "--out", out], {
        cwd,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<PlanResource[]>((resolve, reject) => {
        child.on("error", (err) =>
            reject(new PlanProcessError(`${label}: cannot start the plan: ${err.message}`)),
        );
        child.on("close", (code, signal) => {
            if (code === 0) {
                resolve(JSON.parse(readFileSync(path.join(out, "resources.json"), "utf8")) as PlanResource[]);
            } else {
                const why = signal ? `was stopped (${signal})` : `failed (exit ${code})`;
                reject(
                    new PlanProcessError(`${label}: the plan of stack ${stack} ${why}:\n${stderr.trim()}`),
                );
            }
        });
    });
    return { done, kill: () => child.kill("SIGTERM") };
}

/** The resources of a stack's offline plan of this checkout, planned in a temporary directory. */
export async function planResources(stack: string, cwd = repoRoot()): Promise<PlanResource[]> {
    const out = mkdtempSync(path.join(os.tmpdir(), `plan-${stack}-`));
    try {
        return await startPlan(cwd, stack, out, stack).done;
    } finally {
        rmSync(out, { recursive: true, force: true });
    }
}
