import { spawn } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { sourceDigest } from "../../components/shared/buildFreshness";
import { crashText } from "../cli/args";
import { isCompiled, repoRoot, scriptArgs } from "../root";
import type { PlanResource } from "./render";
import { withQuietStacks } from "./stacks";

/**
 * What a plan is made from besides the stack file: the program, the facts it reads, the tools and the locked
 * dependencies. A base that differs in facts/ alone is planned by its own checkout, or it would read this one's.
 */
const PLAN_SOURCES = ["index.ts", "package-lock.json", "components", "facts", "tools"];

/**
 * Whether the checkout in `cwd` plans with this process's own code: this checkout, or plan:diff's base worktree of
 * an unchanged program (only the stack file differs: equal digests of {@link PLAN_SOURCES}).
 */
export function planCodeIsOurs(cwd: string): boolean {
    const here = repoRoot();
    return path.resolve(cwd) === here || sourceDigest(cwd, PLAN_SOURCES) === ownDigest();
}

let own: string | undefined;

/**
 * The digest of this checkout, taken once: this process runs the code it loaded, whatever the files say later (and
 * hashing every source costs a quarter of a second).
 */
function ownDigest(): string | undefined {
    return (own ??= sourceDigest(repoRoot(), PLAN_SOURCES));
}

/** The plan CLI of the checkout in `cwd`, through this repository's ts-node (a checkout with other code has no build). */
function theirCliArgs(cwd: string): string[] {
    return [
        require.resolve("ts-node/dist/bin.js"),
        "--transpile-only",
        path.join(cwd, "tools", "plan", "cli.ts"),
    ];
}

/**
 * The node arguments that start the plan CLI for the checkout in `cwd` (the plan reads its stack files there): this
 * build's CLI when this code runs compiled and that checkout's program and tools are this one's, else that
 * checkout's own `tools/plan/cli.ts` through ts-node.
 */
export function planCliArgs(cwd: string): string[] {
    return isCompiled() && planCodeIsOurs(cwd) ? scriptArgs("tools/plan/cli.ts") : theirCliArgs(cwd);
}

/** A plan that could not be made (missing CLI in a checkout, config error, crash); the message says which. */
export class PlanProcessError extends Error {}

export interface PlanProcess {
    done: Promise<PlanResource[]>;
    kill(): void;
}

/** In-process plans run one after the other: each installs the process's (global) recording mocks. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Plans `stack` of the checkout in `cwd` in this process: the checkout's code is this process's own, so a second
 * process would only load the same program again (most of a plan's cost). `kill` stops a plan still waiting its
 * turn; a running one finishes (its result is then ignored).
 */
function planInProcess(cwd: string, stack: string, label: string): PlanProcess {
    let stopped = false;
    const done = queue.then(async (): Promise<PlanResource[]> => {
        if (stopped) throw new PlanProcessError(`${label}: the plan of stack ${stack} was stopped`);
        // Loaded only now: the program and the SDK take a second to load, which argument errors should not wait for.
        const { isUserError, planStack } = await import("./run");
        const { renderResourcesJson } = await import("./render");
        try {
            const plan = await withQuietStacks(() => planStack(stack, cwd));
            // What a spawned plan's resources.json holds, to the byte.
            return JSON.parse(renderResourcesJson(plan)) as PlanResource[];
        } catch (err) {
            const why = isUserError(err) ? err.message : crashText(err);
            throw new PlanProcessError(`${label}: the plan of stack ${stack} failed:\n${why}`);
        }
    });
    queue = done.catch(() => undefined);
    return {
        done,
        kill: () => {
            stopped = true;
        },
    };
}

/**
 * Starts the offline plan of `stack` in the checkout in `cwd` and resolves to its resources (`resources.json`).
 * A checkout with this process's code is planned here ({@link planInProcess}); another one by its own plan CLI
 * through ts-node (`--stack <stack> --out <out>`) in a process of its own (the recording mocks are global to
 * a process). Rejects with the plan's own error output when it fails.
 */
export function startPlan(cwd: string, stack: string, out: string, label: string): PlanProcess {
    if (planCodeIsOurs(cwd)) return planInProcess(cwd, stack, label);
    const cli = theirCliArgs(cwd);
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

/** The resources of a stack's offline plan of this checkout (planned in this process). */
export function planResources(stack: string, cwd = repoRoot()): Promise<PlanResource[]> {
    return planInProcess(cwd, stack, stack).done;
}
