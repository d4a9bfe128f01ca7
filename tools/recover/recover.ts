import {
    ExportedState,
    LockHolder,
    clusterOf,
    lockHolders,
    recoveryOf,
    notStale,
    pendingOperationsOf,
} from "./state";
import { ProjectProcess } from "./processes";

// The recovery of an interrupted `pulumi up` (docs/operate/recovery.md), as the steps an operator typed, each printed before it runs.
// It stops at the first step that fails, saying what to do, and refuses to start where nothing needs recovering.

/** What one CLI call answered. */
export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Everything recovery reads or does outside itself, so that tests can play an interrupted stack. */
export interface RecoveryHost {
    stack: string;
    /** `pulumi <args> --stack <stack>` in the project, non-interactive. */
    pulumi(args: string[]): CliResult;
    /** `pulumi stack export` of the stack, secrets encrypted. */
    exportState(): ExportedState;
    /** The locks of a file backend, read where the CLI keeps them; undefined for a backend they cannot be read on. */
    locks(): LockHolder[] | undefined;
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
export class RecoveryStopped extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RecoveryStopped";
    }
}

const ADOPT_KEY = (cluster: string) => `clusters.${cluster}.adoptExisting`;

/** The last lines of a CLI call, indented, for a step that failed. */
function tail(r: CliResult, lines = 30): string {
    const text = `${r.stdout}\n${r.stderr}`.trimEnd().split("\n").slice(-lines);
    return text.map((l) => `    ${l}`).join("\n");
}

/** `pulumi` answered with a lock refusal: the holders it names. */
function lockedBy(r: CliResult): LockHolder[] {
    return r.code === 0 ? [] : lockHolders(`${r.stdout}\n${r.stderr}`);
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
    const run = (args: string[], what: string): CliResult => {
        const r = host.pulumi(args);
        if (r.code !== 0 && lockedBy(r).length === 0) {
            throw new RecoveryStopped(
                `pulumi ${args.join(" ")} failed (exit ${r.code}); recovery stopped at step ${n} (${what}):\n${tail(r)}`,
            );
        }
        return r;
    };

    step(
        "read the state: pending operations of the killed run (pulumi stack export, secrets stay encrypted)",
    );
    const pending = pendingOperationsOf(host.exportState());
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
    const locks = host.locks();
    if (locks === undefined)
        done("this backend's locks cannot be read here: a locked stack is found by the next step");
    else done(locks.length === 0 ? "not locked" : `${locks.length} lock(s)`);

    if (pending.length === 0 && orphans.length === 0 && (locks ?? []).length === 0) {
        throw new RecoveryStopped(
            `nothing to recover on stack ${stack}: no pending operation, no plugin of a killed run, ` +
                (locks === undefined
                    ? "and this backend's locks are not readable here (if pulumi says the stack is locked, make sure no update of it runs anywhere, then: pulumi cancel --stack " +
                      `${stack} --yes). `
                    : "no lock. ") +
                `Nothing was changed; \`pulumi preview --stack ${stack} --expect-no-changes\` says whether it is in sync.`,
        );
    }

    const removeStale = (holders: LockHolder[]) => {
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
        run(["cancel", "--yes"], "remove the stale lock");
        done(`removed the stale lock of ${holders.map((l) => `pid ${l.pid}`).join(", ")} (pulumi cancel)`);
    };
    if ((locks ?? []).length > 0) removeStale(locks!);

    step("refresh: re-read every recorded object (the pending creates stay)");
    let refreshed = run(["refresh", "--yes"], "refresh");
    const holders = lockedBy(refreshed);
    if (holders.length > 0) {
        removeStale(holders);
        refreshed = run(["refresh", "--yes"], "refresh");
        if (refreshed.code !== 0)
            throw new RecoveryStopped(`refresh failed after the lock was removed:\n${tail(refreshed)}`);
    }
    done("refreshed");

    const clusters = [...new Set(adoptable.map((op) => clusterOf(op)!))].sort();
    if (creates.length > 0) {
        step(
            `adoption on for the cluster(s) the pending creates were made on: ${clusters.join(", ") || "none"}`,
        );
        const before = new Map<string, string | undefined>();
        for (const c of clusters) {
            const got = host.pulumi(["config", "get", "--path", ADOPT_KEY(c)]);
            before.set(c, got.code === 0 ? got.stdout.trim() : undefined);
            run(["config", "set", "--path", ADOPT_KEY(c), "true"], "adoption on");
        }
        done(
            clusters.map((c) => `${ADOPT_KEY(c)}: true (was ${before.get(c) ?? "unset"})`).join("; ") ||
                "nothing to adopt",
        );

        step("adoption up: creates what is missing, takes over what a pending create did make");
        run(["up", "--yes"], "adoption up");
        done("done");

        step("clear the pending creates (every object they name is now recorded under its URN)");
        run(["refresh", "--yes", "--clear-pending-creates"], "clear pending creates");
        const left = pendingOperationsOf(host.exportState());
        if (left.length > 0) {
            throw new RecoveryStopped(
                `pending operations still in the state after --clear-pending-creates:\n` +
                    left.map((op) => `    ${op.type} ${op.urn}`).join("\n"),
            );
        }
        done("none left");

        step("adoption back to what it was");
        for (const c of clusters) {
            const was = before.get(c);
            if (was === undefined) run(["config", "rm", "--path", ADOPT_KEY(c)], "adoption off");
            else run(["config", "set", "--path", ADOPT_KEY(c), was], "adoption off");
        }
        done(
            clusters.map((c) => `${ADOPT_KEY(c)}: ${before.get(c) ?? "unset"}`).join("; ") ||
                "nothing changed",
        );

        step("up: records the provider without adoption");
        run(["up", "--yes"], "up");
        done("done");
    }

    step("converged: pulumi preview --expect-no-changes");
    const preview = host.pulumi(["preview", "--expect-no-changes"]);
    if (preview.code !== 0) {
        throw new RecoveryStopped(
            `the stack still previews changes after recovery (exit ${preview.code}): read the preview below before any up:\n${tail(preview)}`,
        );
    }
    done("no changes");
    host.print(`recovered stack ${stack} in ${steps.length} steps`);
}
