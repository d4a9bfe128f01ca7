import { evidenceVerdicts } from "../evidenceVerdicts";
import { imageVerdicts, systemImages } from "../unconfirmedImage";
import { isLocalStack } from "../identity";
import { ingressNamespaceProblems } from "../ingressNamespace";
import { placeholderImageProblems } from "../placeholders";
import { ReleaseGateInput, releaseGateProblems } from "../releaseGate";
import { takeoverListProblems } from "../takeover";
import { ClustersConfig } from "../program";
import { ConfigProblem, fullKey } from "../problems";
import { ConfigSource } from "../source";
import { SectionBase, StackTier, checkOutcome, isStaged, takesOver } from "../system";
import { SystemDefinition } from "../systemDefinition";
import { ForeignKeys } from "./foreign";
import { Passed } from "./pass";
import { parseSection, underBroken } from "./section";
import { sectionTypos } from "./strayKeys";

/** One system whose section could be read. */
export interface SystemRead {
    def: SystemDefinition;
    /** The section as parsed (what ownership and secrets read); for a section with problems, its readable part. */
    parsed: SectionBase;
    /** The section as the stack file writes it: whether a key holds a value itself, or the value is derived. */
    raw: unknown;
    /** Keys of the section that are wrong: checks about them are not repeated. */
    broken: string[];
    /** The problems of this section (schema and the system's own check), for repairs the later passes count with. */
    problems: ConfigProblem[];
}

export interface SystemsRead {
    /** Every system whose section could be read, in registry order. */
    read: SystemRead[];
    /** The section of every system present, enabled or not; an enabled one as its check built it. */
    sections: Record<string, SectionBase>;
    /** Systems that are planned and checked (live and staged), in registry order. */
    enabled: SystemDefinition[];
    /** The sections of the enabled systems that are staged ({@link isStaged}): planned and checked, never deployed. */
    staged: string[];
    /** Placeholders the offline plan goes past and lists (only when the stack's secrets are placeholders too). */
    operatorValues: ConfigProblem[];
    /** A staged system's placeholders: its to-do, listed (warnings), never a problem, offline or under the engine. */
    todo: ConfigProblem[];
    /**
     * The release gate's input of each enabled Kubernetes system read exactly, whether or not this run takes its
     * cluster over: what a takeover asks to be recorded (the migration report prints it before the first up).
     */
    releaseGates: ReleaseGateInput[];
    /** No section has a field that could not be read (else some checks wait for the next run). */
    complete: boolean;
}

/** What every system's check is given besides its section. */
export interface SystemsInput {
    tier?: StackTier;
    clusters: ClustersConfig;
    foreign: ForeignKeys;
    /** The offline plan: placeholders only the operator can fill are listed, not problems. */
    placeholders: boolean;
}

/** Parses each system's section and runs its own checks; a missing section is a whole stack's problem. */
export function readSystems(
    source: ConfigSource,
    systems: readonly SystemDefinition[],
    input: SystemsInput,
): Passed<SystemsRead> {
    const keys = new Set(source.keys());
    const typos = sectionTypos([...keys], systems);
    const problems: ConfigProblem[] = [];
    const state: SystemsRead = {
        read: [],
        sections: {},
        enabled: [],
        staged: [],
        operatorValues: [],
        todo: [],
        releaseGates: [],
        complete: true,
    };
    for (const def of systems) {
        if (!keys.has(def.section)) {
            const typo = [...typos].find(([, to]) => to === def.section)?.[0];
            if (source.stack !== undefined && typo === undefined && !input.foreign.renamed.has(def.section)) {
                problems.push({
                    key: fullKey(def.section),
                    message: `section is missing: ${def.title} is deployed only when its section says enabled: true and switched off only by enabled: false. If this stack deployed ${def.title} before, restore the section from version control instead: switching it off deletes what it deployed. Else write it with enabled: false`,
                });
            }
            continue;
        }
        // A switched-off system needs nothing but `enabled: false` (the fix for a missing section writes just that);
        // its other settings are checked once it is switched on again.
        const raw = source.isSecret(def.section) ? undefined : source.getValue(def.section);
        if (isSwitchedOff(raw) && !def.schema.safeParse(raw).success) {
            state.sections[def.section] = { enabled: false };
            continue;
        }
        const parsed = parseSection(def.section, def.schema, source);
        const { value: cfg, broken, exact } = parsed.state;
        const own: ConfigProblem[] = [...parsed.problems];
        if (broken.length > 0) state.complete = false;
        if (cfg) {
            state.sections[def.section] = cfg;
            if (cfg.enabled) {
                state.enabled.push(def);
                const staged = isStaged(cfg);
                if (staged) state.staged.push(def.section);
                // A system's own cross-field checks may depend on any field: they run only on what was read exactly.
                if (exact) {
                    const checked = checkSystem(def, cfg, { ...input, stack: source.stack });
                    if (checked.section) state.sections[def.section] = checked.section;
                    if (checked.releaseGate) state.releaseGates.push(checked.releaseGate);
                    for (const p of checked.problems.filter((p) => !underBroken(p.key, broken))) {
                        if (checked.passable(p) && staged) state.todo.push(p);
                        else if (checked.passable(p) && input.placeholders) state.operatorValues.push(p);
                        else own.push(p);
                    }
                }
            }
            state.read.push({ def, parsed: cfg, raw, broken, problems: own });
        }
        problems.push(...own);
    }
    return { state, problems };
}

/** One enabled system's check on a section read exactly: its problems (placeholders passable offline) and section. */
export function checkSystem(
    def: SystemDefinition,
    cfg: SectionBase,
    input: { tier?: StackTier; clusters: ClustersConfig; stack?: string },
): ReturnType<typeof checkOutcome<SectionBase>> & { releaseGate?: ReleaseGateInput } {
    const outcome = checkOutcome(cfg, def.check?.(cfg, { clusters: input.clusters, tier: input.tier }));
    // A local stack (by name, components/config/identity.ts) writes only to its own pinned cluster (the e2e's kwok, at
    // whatever tier it rehearses): it pulls no image, and nothing it runs is shared, so no image needs confirming.
    const local = input.tier === "local" || isLocalStack(input.stack);
    // An image nobody confirmed stops production (one problem per key); `:to-be-pinned` stops every real cluster.
    const unconfirmed = local ? [] : deployedImages(def, cfg, outcome.section, input.tier).problems;
    const stopped = new Set(unconfirmed.map((p) => p.key));
    const marked = local ? [] : placeholderImageProblems(def.section, cfg).filter((p) => !stopped.has(p.key));
    const router = def.target === "kubernetes" ? ingressNamespaceProblems(cfg.cluster, input.clusters) : [];
    // A takeover never rolls production back: the release gate (../releaseGate) over every image the system runs.
    const gate = releaseGateInput(def, cfg, outcome.section, input.clusters);
    // ...and the declared takeover (../takeover): the list the migration report last checked against the cluster.
    const takingOver = gate !== undefined && takesOver(input.clusters, gate.cluster, input.tier);
    const refused = gate
        ? [
              ...(takingOver ? releaseGateProblems(gate) : []),
              ...takeoverListProblems({ ...gate, list: cfg.takeover, stack: input.stack }, takingOver),
          ]
        : [];
    const own = [...unconfirmed, ...marked, ...router, ...refused];
    return {
        ...outcome,
        problems: [...outcome.problems, ...own],
        passable: (p) => (own.includes(p) ? !!p.placeholder : outcome.passable(p)),
        ...(gate ? { releaseGate: gate } : {}),
    };
}

/**
 * What the release gate reads of a system on Kubernetes, whether or not this run takes its cluster over: every image
 * it runs (declared ones from its checked section), the namespaces it runs in, and the cluster's records.
 */
export function releaseGateInput(
    def: SystemDefinition,
    cfg: SectionBase,
    checked: SectionBase | undefined,
    clusters: ClustersConfig,
): ReleaseGateInput | undefined {
    const cluster = cfg.cluster;
    if (def.target !== "kubernetes" || cluster === undefined) return undefined;
    const declared = checked !== undefined ? (def.images?.(checked) ?? []) : [];
    return {
        section: def.section,
        cluster,
        namespaces: def.namespaces(cfg).map((n) => n.namespace),
        // The images a release tag names (Prow's binaries, `prow.release`) roll back as surely as a named image.
        uses: [
            ...systemImages(def.section, cfg, declared),
            ...(checked !== undefined ? (def.evidence?.uses?.(checked) ?? []) : []),
        ],
        running: clusters[cluster]?.running,
    };
}

/** What the confirmation rule says of every image an enabled system deploys, declared ones included. */
export function deployedImages(
    def: SystemDefinition,
    cfg: SectionBase,
    checked: SectionBase | undefined,
    tier: StackTier | undefined,
): ReturnType<typeof imageVerdicts> {
    const declared = checked !== undefined ? (def.images?.(checked) ?? []) : [];
    const uses = systemImages(def.section, cfg, declared);
    const confirmed = imageVerdicts(uses, tier, def.sourcedImages ?? []);
    if (!def.evidence) return confirmed;
    const more = checked !== undefined ? (def.evidence.uses?.(checked) ?? []) : [];
    const evidence = evidenceVerdicts([...uses, ...more], def.evidence.table, tier);
    return {
        problems: mergeByKey([...confirmed.problems, ...evidence.problems]),
        notices: [...confirmed.notices, ...evidence.notices],
    };
}

/** One problem per key: an image both unconfirmed and without evidence gets one message with both reasons. */
function mergeByKey(problems: readonly ConfigProblem[]): ConfigProblem[] {
    const byKey = new Map<string, ConfigProblem>();
    for (const p of problems) {
        const first = byKey.get(p.key);
        byKey.set(
            p.key,
            first
                ? {
                      ...first,
                      message: `${first.message}; and ${p.message}`,
                      ...(first.fix !== undefined || p.fix !== undefined
                          ? { fix: [first.fix, p.fix].filter((f) => f !== undefined).join(" ; and ") }
                          : {}),
                  }
                : p,
        );
    }
    return [...byKey.values()];
}

/** A section that says `enabled: false` (a boolean, as the CLI writes it) and so deploys nothing. */
function isSwitchedOff(raw: unknown): boolean {
    return typeof raw === "object" && raw !== null && (raw as { enabled?: unknown }).enabled === false;
}
