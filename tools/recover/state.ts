// Pure readers of what a killed `pulumi up` leaves behind: the pending operations of a stack export, which cluster
// a pending create was being made on, and whether a lock is provably stale.

import { LockHolder } from "../engine/automation";

/** One unresolved operation of a checkpoint (`pulumi stack export`). */
export interface PendingOperation {
    /** `creating`, `updating`, `deleting`, `reading`, `importing`. */
    type: string;
    urn: string;
    /** The resource's type token, e.g. `kubernetes:apps/v1:Deployment` or `runbooks:shared:Workload`. */
    type_: string;
    /** False for a component: a record in the state only, with nothing outside it to exist or not. */
    custom: boolean;
    /** The provider reference `<provider urn>::<provider id>`, when the export records one. */
    provider?: string;
}

/** The checkpoint of `pulumi stack export` (the Automation API's `exportStack()`) as far as recovery reads it. */
export interface ExportedState {
    deployment?: {
        pending_operations?: {
            type: string;
            resource: { urn: string; type?: string; custom?: boolean; provider?: string };
        }[];
    };
}

export function pendingOperationsOf(state: ExportedState): PendingOperation[] {
    return (state.deployment?.pending_operations ?? []).map((op) => ({
        type: op.type,
        urn: op.resource.urn,
        type_: op.resource.type ?? typeOfUrn(op.resource.urn),
        custom: op.resource.custom ?? true,
        ...(op.resource.provider ? { provider: op.resource.provider } : {}),
    }));
}

/** The type of a URN (`urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>`). */
export function typeOfUrn(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/**
 * What a pending operation needs from recovery: `adopt` on its cluster (a Kubernetes object that may exist),
 * `forget` (a record only the state holds: a component, or a value @pulumi/random generated, which nothing outside the
 * state ever saw), or `check` (an object in another cloud, or a command that may have run: only that cloud can say).
 */
export function recoveryOf(op: PendingOperation): "adopt" | "forget" | "check" {
    if (!op.custom || op.type_.startsWith("random:")) return "forget";
    if (op.type_.startsWith("kubernetes:") && clusterOf(op) !== undefined) return "adopt";
    return "check";
}

/**
 * The cluster a Kubernetes operation was acting on: the program gives each cluster one explicit provider named
 * `cluster-<name>` (components/shared/cluster.ts), and a provider reference is `<urn>::<id>`, the URN ending in
 * `pulumi:providers:kubernetes::<name>`. Undefined for any other provider: adoption cannot take those over. Only
 * the provider is read, so a checkpoint resource (drift) is asked the same way.
 */
export function clusterOf(op: Partial<PendingOperation>): string | undefined {
    if (!op.provider) return undefined;
    const urn = op.provider.slice(0, op.provider.lastIndexOf("::"));
    const m = /::pulumi:providers:kubernetes::cluster-([^:]+)$/.exec(urn);
    return m?.[1];
}

/**
 * Why a lock cannot be shown to be stale, or undefined when it is: it was taken on this machine by a process that
 * no longer exists, and no `pulumi` process runs in this project. A lock from another machine proves nothing here:
 * an update may be running there.
 */
export function notStale(
    lock: LockHolder,
    here: { host: string; alive: (pid: number) => boolean; runningCli: readonly number[] },
): string | undefined {
    if (lock.host !== here.host)
        return `it was taken on ${lock.host}, not on this machine (${here.host}): only there can anyone see whether that update still runs`;
    if (here.alive(lock.pid)) return `process ${lock.pid} that took it is still running`;
    if (here.runningCli.length > 0)
        return `pulumi process(es) ${here.runningCli.join(", ")} run in this project now`;
    return undefined;
}
