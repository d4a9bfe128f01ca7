import { entryRef } from "./lookup";
import type { ImageEvidence, QueueFact, ReadFacts } from "./types";
import { ContainerView, envValue } from "./view";

/** The queues of `facts` that apply to container `c`, with the container's lists in place of the defaults. */
function queuesOf(facts: readonly QueueFact[] | undefined, c: ContainerView): string[] {
    const applying = (facts ?? []).filter(
        (q) => !q.when || (envValue(c, q.when.env) ?? q.when.unset) === q.when.is,
    );
    const names = new Set<string>();
    for (const q of applying) {
        const listed = q.listedIn !== undefined ? envValue(c, q.listedIn) : undefined;
        if (listed === undefined) names.add(q.name);
        else for (const n of listed.split(",")) if (n.trim() !== "") names.add(n.trim());
    }
    return [...names];
}

/** The queues one container consumes and publishes to, by its image's evidence and its environment. */
export function containerQueues(
    facts: ReadFacts,
    c: ContainerView,
): { consumes: string[]; publishes: string[] } {
    return { consumes: queuesOf(facts.consumes, c), publishes: queuesOf(facts.publishes, c) };
}

/** A container of a read image, and the broker it shares with the others of its `scope`. */
export interface QueueUse {
    scope: string;
    entry: ImageEvidence;
    view: ContainerView;
}

/**
 * Queues some container publishes to that no container of its scope (the workloads sharing its broker) consumes,
 * each with the publisher's entry; unread images are left out (the caller lists them as unread).
 */
export function unconsumedQueues(uses: readonly QueueUse[]): { queue: string; by: string; scope: string }[] {
    const read = uses.flatMap((u) =>
        u.entry.facts.state === "read" ? [{ ...u, facts: u.entry.facts }] : [],
    );
    const consumed = new Set(
        read.flatMap((u) => containerQueues(u.facts, u.view).consumes.map((q) => `${u.scope}\0${q}`)),
    );
    const seen = new Set<string>();
    return read.flatMap((u) =>
        containerQueues(u.facts, u.view).publishes.flatMap((queue) => {
            const key = `${u.scope}\0${queue}\0${entryRef(u.entry)}`;
            if (consumed.has(`${u.scope}\0${queue}`) || seen.has(key)) return [];
            seen.add(key);
            return [{ queue, by: entryRef(u.entry), scope: u.scope }];
        }),
    );
}
