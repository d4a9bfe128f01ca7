import { ConfigError } from "../../components/config/problems";

/**
 * Lists whose entries each become a group of objects, with the resources one entry adds (measured on the offline
 * plan: a DIALS workspace is a database, workers, services and their secrets).
 */
const MULTIPLIERS: { key: string; list: (values: Record<string, unknown>) => unknown; perEntry: number }[] = [
    { key: "dials.workspaces", list: (v) => section(v, "dials")?.workspaces, perEntry: 12 },
];

/** Resources of everything else, measured on the largest committed stack. */
const BASE_RESOURCES = 700;

/**
 * The most resources one stack may have. The plan holds every registration in memory and the engine's own
 * snapshot grows with it; measured, memory grows linearly and this many stays well under 2 GB of heap, the
 * default of a small CI runner. Far above what the five runbooks need (under 600 per stack).
 */
export const MAX_RESOURCES = 5000;

function section(values: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
    const s = values[name];
    return s && typeof s === "object" && !Array.isArray(s) ? (s as Record<string, unknown>) : undefined;
}

/** Roughly how many resources a configuration makes, before anything is evaluated. */
export function estimateResources(values: Record<string, unknown>): number {
    let total = BASE_RESOURCES;
    for (const m of MULTIPLIERS) {
        const list = m.list(values);
        if (Array.isArray(list)) total += list.length * m.perEntry;
    }
    return total;
}

/** Stops a configuration too large to evaluate safely with one clear message, before it is evaluated. */
export function checkSize(stack: string, values: Record<string, unknown>): void {
    const estimate = estimateResources(values);
    if (estimate <= MAX_RESOURCES) return;
    const [worst] = MULTIPLIERS.map((m) => ({ m, n: (m.list(values) as unknown[] | undefined)?.length ?? 0 })).sort(
        (a, b) => b.n * b.m.perEntry - a.n * a.m.perEntry,
    );
    const room = Math.floor((MAX_RESOURCES - BASE_RESOURCES) / worst.m.perEntry);
    throw new ConfigError(
        [
            {
                key: `runbooks:${worst.m.key}`,
                message: `has ${worst.n} entries, which make about ${estimate} resources; one stack supports at most ${MAX_RESOURCES} (about ${room} entries here). Split the entries over several stacks`,
                fix: `edit Pulumi.<stack>.yaml: keep at most ${room} entries in ${worst.m.key} and move the rest to another stack`,
            },
        ],
        stack,
    );
}
