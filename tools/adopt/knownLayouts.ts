import { z } from "zod";
import { loadFacts } from "../../components/shared/facts";
import type { KnownLayout } from "./layouts";
import type { KubeObject } from "./model";

const text = z.string().min(1);
const layoutsFile = z.strictObject({
    layouts: z
        .array(
            z.strictObject({
                systems: z.array(text).min(1),
                name: text,
                workloads: z
                    .array(
                        z.strictObject({
                            name: text.optional(),
                            kind: text.optional(),
                            absent: z.literal(true).optional(),
                        }),
                    )
                    .min(1),
                fix: z.literal("dials").optional(),
            }),
        )
        .min(1),
    dialsServices: z.array(text).min(1),
});

const facts = () => loadFacts("facts/adopt/layouts.yaml", layoutsFile, "the systems' known layouts");

const names = (workloads: readonly KubeObject[]) => new Set(workloads.map((w) => w.metadata.name));

/** The live DIALS workers as the stack file's keys would describe them: workspaces (bulk + priority) and the rest. */
function dialsWorkers(workloads: readonly KubeObject[]): { workspaces: string[]; extra: string[] } {
    const services = new Set(facts().dialsServices);
    const live = names(workloads);
    const workers = [...live].filter((n) => !services.has(n)).sort();
    const workspaces = workers
        .filter((n) => n.endsWith("-bulk") && live.has(n.replace(/-bulk$/, "-priority")))
        .map((n) => n.replace(/-bulk$/, ""));
    const paired = new Set(workspaces.flatMap((w) => [`${w}-bulk`, `${w}-priority`, `${w}-indexer`]));
    return { workspaces, extra: workers.filter((n) => !paired.has(n)) };
}

/**
 * The stack-file edit that describes DIALS' live workers, from the live workloads: what the report prints when a
 * live worker is not the program's.
 */
function dialsLayoutFix(workloads: readonly KubeObject[]): string {
    const { workspaces, extra } = dialsWorkers(workloads);
    const common = names(workloads).has("common-indexer");
    return (
        `set dials.workspaces to the live workspaces ${workspaces.join(", ") || "(none)"} (each with its egroup${common ? " and indexer: false" : ""}), ` +
        `dials.etl.commonIndexer: ${common}, dials.etl.extraQueues: [${extra.join(", ")}], and run the report again`
    );
}

/** The layouts the systems' deployment repositories have had (facts/adopt/layouts.yaml), one per system each names. */
export function knownLayouts(): KnownLayout[] {
    return facts().layouts.flatMap((l) => {
        const runs = (workloads: readonly KubeObject[]) =>
            l.workloads.every(
                (c) =>
                    workloads.some(
                        (w) =>
                            (c.name === undefined || new RegExp(`^(?:${c.name})$`).test(w.metadata.name)) &&
                            (c.kind === undefined || w.kind === c.kind),
                    ) !==
                    (c.absent === true),
            );
        return l.systems.map((system) => ({
            system,
            name: l.name,
            matches: runs,
            ...(l.fix ? { fix: dialsLayoutFix } : {}),
        }));
    });
}
