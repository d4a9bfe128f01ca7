import { execFileSync } from "child_process";
import { mkdtempSync, rmSync, symlinkSync } from "fs";
import * as os from "os";
import * as path from "path";
import type { PlanProcess } from "../plan/process";
import type { PlanResource } from "../plan/render";

/** A failure the user can fix (bad ref, broken base plan, config error): printed without a stack trace. */
export class PlanDiffError extends Error {}

export { PlanProcessError, startPlan } from "../plan/process";

/** Runs git in `cwd` and returns its trimmed output; throws a {@link PlanDiffError} with git's message. */
export function git(cwd: string, args: string[]): string {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (err) {
        const stderr = String((err as { stderr?: unknown }).stderr ?? "").trim();
        throw new PlanDiffError(`git ${args.join(" ")} failed${stderr ? `: ${stderr}` : ""}`);
    }
}

/** The commit a ref names, or an error naming the ref. */
export function resolveCommit(root: string, ref: string): string {
    try {
        return git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
        throw new PlanDiffError(
            `--base ${ref}: no such commit (fetch it first, e.g. git fetch origin ${ref})`,
        );
    }
}

/** Temporary directories and worktrees to remove, even when the process is interrupted. */
const cleanups: (() => void)[] = [];

/** Removes what is still there; the CLI calls it when interrupted. */
export function runCleanups(): void {
    while (cleanups.length > 0) {
        try {
            cleanups.pop()!();
        } catch {
            // Best effort: a leftover temporary directory must not hide the real outcome.
        }
    }
}

/** Runs `fn`, then `cleanup`, which also runs when the process is interrupted meanwhile ({@link runCleanups}). */
async function cleanedUp<T>(cleanup: () => void, fn: () => Promise<T>): Promise<T> {
    cleanups.push(cleanup);
    try {
        return await fn();
    } finally {
        cleanups.splice(cleanups.indexOf(cleanup), 1);
        cleanup();
    }
}

/**
 * Checks out `commit` into a temporary detached worktree (sharing this checkout's node_modules), runs `fn` in it
 * and always removes the worktree again.
 */
export async function withWorktree<T>(
    root: string,
    commit: string,
    fn: (dir: string) => Promise<T>,
): Promise<T> {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "plandiff-"));
    const dir = path.join(tmp, "base");
    const cleanup = (): void => {
        try {
            execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: root, stdio: "ignore" });
        } catch {
            // Half-added or already deleted: remove the directory, then let git forget the entry.
            rmSync(dir, { recursive: true, force: true });
            execFileSync("git", ["worktree", "prune"], { cwd: root, stdio: "ignore" });
        }
        rmSync(tmp, { recursive: true, force: true });
    };
    return cleanedUp(cleanup, () => {
        git(root, ["worktree", "add", "--detach", "--quiet", dir, commit]);
        symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
        return fn(dir);
    });
}

/** A temporary directory removed after `fn`, even on failure or interruption. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "plandiff-out-"));
    return cleanedUp(
        () => rmSync(tmp, { recursive: true, force: true }),
        () => fn(tmp),
    );
}

/** Waits for both plans; when one fails the other is stopped, so an error is reported quickly. */
export async function bothPlans(
    base: PlanProcess,
    head: PlanProcess,
): Promise<[PlanResource[], PlanResource[]]> {
    const stopOther = (other: PlanProcess) => (err: unknown) => {
        other.kill();
        throw err;
    };
    const results = await Promise.allSettled([
        base.done.catch(stopOther(head)),
        head.done.catch(stopOther(base)),
    ]);
    // Report the first failure in a stable order: base before head, but never the other's "was stopped".
    const failures = results
        .map((r) => (r.status === "rejected" ? (r.reason as Error) : undefined))
        .filter((e): e is Error => e !== undefined);
    const real = failures.find((e) => !/was stopped/.test(e.message)) ?? failures[0];
    if (real) throw real;
    return [
        (results[0] as PromiseFulfilledResult<PlanResource[]>).value,
        (results[1] as PromiseFulfilledResult<PlanResource[]>).value,
    ];
}
