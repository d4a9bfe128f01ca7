import { ConfigError } from "../../components/config/problems";

/**
 * Lists whose entries each become a group of objects, with the resources one entry adds (a DIALS workspace: a bulk
 * and a priority Deployment, each with its claim and more; held to the program by test/plan/size.test.ts).
 */
const MULTIPLIERS: { key: string; list: (values: Record<string, unknown>) => unknown; perEntry: number }[] = [
    { key: "dials.workspaces", list: (v) => section(v, "dials")?.workspaces, perEntry: 6 },
    // A dataset's downloader: a bulk and a priority worker of two resources each, as a workspace's workers (the
    // Private dataset has no priority queue: fewer, never more).
    {
        key: "dials.etl.downloaders",
        list: (v) => section(section(v, "dials") ?? {}, "etl")?.downloaders,
        perEntry: 4,
    },
];

/**
 * Resources of everything else: the larger of the committed stacks without its workspaces and downloaders (stage:
 * 1,072 resources with 5 workspaces and 9 downloaders). An estimate that falls short would let a stack past the limit; the test holds it at or above
 * each committed stack's plan.
 */
export const BASE_RESOURCES = 1011;

/**
 * The most resources one stack may have. Measured on 2 cores (docs/develop/measuring.md): the offline plan of stage
 * with its DIALS workspaces multiplied takes 3.3 s and 308 MB at 906 resources, 9.0 s and 788 MB at 3,276: about 2.4 s
 * and 200 MB per 1,000 resources, linearly, so 3,000 stays under 800 MB. A larger stack would make every plan and
 * preview slow and the engine's snapshot large; it is several times what the runbooks need.
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
