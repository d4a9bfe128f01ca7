import { KubeObject, kindAndName, namespacedName, objectId } from "./model";
import { queueKeyOf } from "./resourceKeys";
import { Held, ROLE_KINDS, Side, rolesHeld, runsNow, sideOf } from "./roles";

// A live worker the program runs under its own name gets the program's queue list on the first up. A queue it consumes
// today that neither the program's workers nor a live worker left running consume loses its last consumer there: the
// tasks queued in it wait forever, and nothing fails to say so. (A live consumer under another name is judged by
// ./roles: it is stopped, and its other queues are named there.)

interface Consumer {
    object: KubeObject;
    held: Held;
}

/** The Celery queues the running workloads of `side` that `keep` selects consume. */
function consumers(side: Side, keep: (o: KubeObject) => boolean): Consumer[] {
    return side.workloads
        .filter((o) => keep(o) && runsNow(o))
        .flatMap((object) =>
            rolesHeld(object, side)
                .filter((held) => held.rule.kind === "celery")
                .map((held) => ({ object, held })),
        );
}

const queueList = (held: readonly Held[]) => held.map((h) => (h.every ? "every queue" : h.key)).join(", ");

/**
 * One problem per live worker the program takes over by name that consumes a queue no worker consumes after the up.
 * `stopped`: ids of live workloads the report has stopped before the up (./roles matches). `system` names the stack's
 * section. A worker that consumes every queue, on either side, serves whatever is queued: nothing is dropped.
 */
export function droppedQueueProblems(
    live: readonly KubeObject[],
    desired: readonly KubeObject[],
    stopped: ReadonlySet<string>,
    system: string,
): string[] {
    const named = new Set(desired.filter((o) => ROLE_KINDS.includes(o.kind)).map(namespacedName));
    const takenOver = (o: KubeObject) => named.has(namespacedName(o));
    const key = queueKeyOf(system);
    const answer = key
        ? `then add the queue to ${key} in the stack file if it is to get a worker of its own`
        : `${system}'s stack file has no key that gives a worker another queue, so the program's worker list ` +
          "must change first";
    const problems: string[] = [];
    for (const ns of [...new Set(desired.map((o) => o.metadata.namespace ?? ""))].sort()) {
        const liveSide = sideOf(live, ns);
        const program = consumers(sideOf(desired, ns), () => true);
        const staying = consumers(liveSide, (o) => !takenOver(o) && !stopped.has(objectId(o)));
        const after = [...program, ...staying];
        if (after.some((c) => c.held.every)) continue;
        const served = new Set(after.map((c) => c.held.key));
        for (const today of consumers(liveSide, takenOver)) {
            const { object: l, held } = today;
            if (held.every || served.has(held.key)) continue;
            const successor = program.filter((c) => namespacedName(c.object) === namespacedName(l));
            const now =
                successor.length > 0
                    ? `consuming ${queueList(successor.map((c) => c.held))}`
                    : "consuming no queue";
            problems.push(
                `${kindAndName(l)} consumes Celery queue ${held.key} today (evidence: ${held.evidence}), and no worker ` +
                    `would after the up: the program runs ${l.metadata.name} under its name ${now}, and no other ` +
                    `program worker or live worker left running consumes ${held.key}, so the tasks queued there would ` +
                    `wait forever. Which worker should consume it cannot be told from the cluster: ask ${system}'s ` +
                    `owner; ${answer}. The report blocks until a worker consumes ${held.key} after the up`,
            );
        }
    }
    return problems;
}
