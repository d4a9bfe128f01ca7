import { ConfigError } from "../../components/config/problems";

/**
 * Lists whose entries each become a group of objects, with the resources one entry adds (measured on the offline
 * plan of stage with 100 and 300 workspaces: 908 and 1,708 resources, so 4 per workspace).
 */
const MULTIPLIERS: { key: string; list: (values: Record<string, unknown>) => unknown; perEntry: number }[] = [
    { key: "dials.workspaces", list: (v) => section(v, "dials")?.workspaces, perEntry: 4 },
];

/** Resources of everything else: stage and prod plan about 530 and 545 resources with their own workspaces. */
const BASE_RESOURCES = 550;

/**
 * The most resources one stack may have. Measured on the offline plan (stage with 100 and 300 DIALS workspaces):
 * peak memory 409 MB at 908 resources and 553 MB at 1,708, about 180 MB per 1,000 resources on top of a 250 MB
 * base, so 3,000 stays near 800 MB; time grows faster than linearly (35 s and 101 s), so a larger stack would make
 * every plan and preview slow and the engine's snapshot large. More than five times what the runbooks need.
 */
export const MAX_RESOURCES = 3000;

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
    const [worst] = MULTIPLIERS.map((m) => ({
        m,
        n: (m.list(values) as unknown[] | undefined)?.length ?? 0,
    })).sort((a, b) => b.n * b.m.perEntry - a.n * a.m.perEntry);
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
