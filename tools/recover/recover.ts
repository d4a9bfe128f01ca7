import { ExportedState, clusterOf, recoveryOf, notStale, pendingOperationsOf } from "./state";
import { ProjectProcess } from "./processes";
import { NamedError } from "../cli/args";
import { LockHolder, PulumiFailure, StackOperations } from "../engine/automation";

// The recovery of an interrupted `pulumi up` (docs/operate/recovery.md), as the steps an operator typed, each printed before it runs.
// It stops at the first step that fails, saying what to do, and refuses to start where nothing needs recovering.

/**
 * Everything recovery reads or does outside itself, so that tests can play an interrupted stack. The stack
 * operations are the Automation API's (tools/engine/automation.ts); each throws a PulumiFailure when the engine fails.
 */
export interface RecoveryHost extends Omit<StackOperations, "exportState" | "previewRefreshed"> {
    stack: string;
    /** The stack's state, read for its pending operations only. */
    exportState(): Promise<ExportedState>;
    processes(): { orphans: ProjectProcess[]; clis: ProjectProcess[] };
    /** Ends the processes (SIGTERM) and answers those still running after a grace period. */
    end(pids: number[]): Promise<ProjectProcess[]>;
    hostname: string;
    alive(pid: number): boolean;
    print(line: string): void;
}

export interface RecoveryOptions {
    /** End the plugins the killed run left; without it recovery names them and stops. */
    killPlugins: boolean;
}

/** A step that cannot go on: what happened, and what the operator does next. */
export class RecoveryStopped extends NamedError {}

const ADOPT_KEY = (cluster: string) => `clusters.${cluster}.adoptExisting`;

/** The last lines of what a failed operation printed, indented. */
function tail(f: PulumiFailure, lines = 30): string {
    return f.output
        .trimEnd()
        .split("\n")
        .slice(-lines)
        .map((l) => `    ${l}`)
        .join("\n");
}

/** Runs the recovery; returns normally only when the stack previews with no changes at the end. */
export async function recover(host: RecoveryHost, options: RecoveryOptions): Promise<void> {
    const { stack } = host;
    const steps: string[] = [];
    let n = 0;
    const step = (what: string) => {
        n += 1;
        steps.push(what);
        host.print(`[${n}] ${what}`);
    };
    const done = (what: string) => host.print(`    ${what}`);
    const readPending = async () => {
        try {
            return pendingOperationsOf(await host.exportState());
        } catch (err) {
            if (!(err instanceof PulumiFailure)) throw err;
            throw new RecoveryStopped(`pulumi stack export failed (step ${n}):\n${tail(err)}`);
        }
    };
    /** Runs a stack operation: true when it ran, false when the stack was locked (if `lockedIsAnswer`). */
    const run = async (what: string, op: () => Promise<void>, lockedIsAnswer = false): Promise<boolean> => {
        try {
            await op();
            return true;
        } catch (err) {
            if (!(err instanceof PulumiFailure)) throw err;
            if (err.locked && lockedIsAnswer) return false;
            throw new RecoveryStopped(
                `${what} failed (exit ${err.code}); recovery stopped at step ${n} (${what}):\n${tail(err)}`,
            );
        }
    };

    step(
        "read the state: pending operations of the killed run (held in memory only, never written or printed)",
    );
    const pending = await readPending();
    const creates = pending.filter((op) => op.type === "creating");
    const adoptable = creates.filter((op) => recoveryOf(op) === "adopt");
    const forgettable = creates.filter((op) => recoveryOf(op) === "forget");
    const unrecoverable = pending.filter((op) => op.type !== "creating" || recoveryOf(op) === "check");
    done(
        pending.length === 0
            ? "no pending operation"
            : `${pending.length} pending: ${adoptable.length} Kubernetes creates to adopt, ${forgettable.length} ` +
                  `records only the state holds (components, random values), ${unrecoverable.length} other`,
    );
    if (unrecoverable.length > 0) {
        throw new RecoveryStopped(
            "these pending operations cannot be recovered by adoption (it takes over Kubernetes objects only):\n" +
                unrecoverable.map((op) => `    ${op.type} ${op.urn}`).join("\n") +
                "\n  Check each where it lives (its cloud, or what its command did); then `pulumi import` it, or delete it there, before running recover again.",
        );
    }

    step("plugins the killed run left (they keep its cluster connections open)");
    const found = host.processes();
    const orphans = found.orphans;
    let clis = found.clis;
    for (const p of orphans) done(`pid ${p.pid}: ${p.cmd}`);
    if (orphans.length > 0) {
        if (!options.killPlugins) {
            throw new RecoveryStopped(
                `${orphans.length} plugin process(es) of a killed run are still running (listed above). End them ` +
                    `with: npm run recover -- --stack ${stack} --kill-plugins (or kill ${orphans.map((p) => p.pid).join(" ")})`,
            );
        }
        const left = await host.end(orphans.map((p) => p.pid));
        if (left.length > 0) {
            throw new RecoveryStopped(
                `still running after SIGTERM: ${left.map((p) => p.pid).join(", ")}; end them (kill -9) and run recover again`,
            );
        }
        done(`ended ${orphans.length}`);
        clis = host.processes().clis;
    } else done("none");

    step("stack lock (a stale one is removed only when no update can be running)");
    const locks = await host.locks();
    if (locks === undefined)
        done("this backend's locks cannot be read here: a locked stack is found by the next step");
    else done(locks.length === 0 ? "not locked" : `${locks.length} lock(s)`);

    const cancelYourself = `make sure no update of it runs anywhere, then: pulumi cancel --stack ${stack} --yes`;
    if (pending.length === 0 && orphans.length === 0 && (locks ?? []).length === 0) {
        throw new RecoveryStopped(
            `nothing to recover on stack ${stack}: no pending operation, no plugin of a killed run, ` +
                (locks === undefined
                    ? `and this backend's locks are not readable here (if pulumi says the stack is locked, ${cancelYourself}). `
                    : "no lock. ") +
                `Nothing was changed; \`pulumi preview --stack ${stack} --expect-no-changes\` says whether it is in sync.`,
        );
    }

    const removeStale = async (holders: LockHolder[]) => {
        const here = {
            host: host.hostname,
            alive: (pid: number) => host.alive(pid),
            runningCli: clis.map((c) => c.pid),
        };
        const reasons = holders.flatMap((l) => {
            const why = notStale(l, here);
            return why ? [`    ${l.user}@${l.host} pid ${l.pid} (${l.time}): ${why}`] : [];
        });
        if (reasons.length > 0) {
            throw new RecoveryStopped(
                `the stack is locked and the lock may belong to a running update:\n${reasons.join("\n")}\n` +
                    `  Wait for that update, or make sure it is gone, then: pulumi cancel --stack ${stack} --yes; npm run recover -- --stack ${stack}`,
            );
        }
        await run("remove the stale lock", () => host.cancel());
        done(`removed the stale lock of ${holders.map((l) => `pid ${l.pid}`).join(", ")} (pulumi cancel)`);
    };
    if ((locks ?? []).length > 0) await removeStale(locks!);

    step("refresh: re-read every recorded object (the pending creates stay)");
    const refresh = () => host.refresh({ clearPendingCreates: false });
    if (!(await run("refresh", refresh, true))) {
        // Locked since the lock step: the stale proof needs the lock's holder, which only a file backend shows here.
        const holders = (await host.locks()) ?? [];
        if (holders.length === 0) {
            throw new RecoveryStopped(
                `the stack is locked and this backend does not show here who holds the lock: ${cancelYourself}; npm run recover -- --stack ${stack}`,
            );
        }
        await removeStale(holders);
        if (!(await run("refresh", refresh, true)))
            throw new RecoveryStopped("refresh failed after the lock was removed: the stack is locked again");
    }
    done("refreshed");

    const clusters = [...new Set(adoptable.map((op) => clusterOf(op)!))].sort();
    if (creates.length > 0) {
        step(
            `adoption up on the cluster(s) the pending creates were made on (${clusters.join(", ") || "none"}): ` +
                "creates what is missing, takes over what a pending create did make",
        );
        done(
            clusters.length === 0
                ? "nothing to adopt"
                : `${clusters.map((c) => `${ADOPT_KEY(c)}: true`).join("; ")} for this up only ` +
                      `(set on a copy of Pulumi.${stack}.yaml; the stack file is not changed)`,
        );
        await run("adoption up", () => host.up(clusters));
        done("done");

        step("clear the pending creates (every object they name is now recorded under its URN)");
        await run("clear pending creates", () => host.refresh({ clearPendingCreates: true }));
        const left = await readPending();
        if (left.length > 0) {
            throw new RecoveryStopped(
                `pending operations still in the state after --clear-pending-creates:\n` +
                    left.map((op) => `    ${op.type} ${op.urn}`).join("\n"),
            );
        }
        done("none left");

        step("up without adoption: records the provider as the stack file has it");
        await run("up", () => host.up([]));
        done("done");
    }

    step("converged: pulumi preview --expect-no-changes");
    try {
        await host.previewNoChanges();
    } catch (err) {
        if (!(err instanceof PulumiFailure)) throw err;
        throw new RecoveryStopped(
            `the stack still previews changes after recovery (exit ${err.code}): read the preview below before any up:\n${tail(err)}`,
        );
    }
    done("no changes");
    host.print(`recovered stack ${stack} in ${steps.length} steps`);
}
