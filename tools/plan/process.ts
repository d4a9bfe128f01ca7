import { spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot, scriptArgs } from "../root";
import type { PlanResource } from "./render";

/**
 * The node arguments that start the plan CLI of the checkout in `cwd`: this checkout's compiled CLI when this code
 * runs compiled (the build that `npm run plan` and `npm test` just made), else that checkout's `tools/plan/cli.ts`
 * through this repository's ts-node (another checkout, e.g. plan:diff's base worktree, has no build of its own).
 */
export function planCliArgs(cwd: string): string[] {
    if (path.resolve(cwd) === repoRoot()) return scriptArgs("tools/plan/cli.ts");
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
