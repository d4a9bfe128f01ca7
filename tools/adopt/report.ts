import { DatabaseTakeover, takeoverLines } from "./databases";
import { changeText } from "./diff";
import { managedElsewhereWarning } from "./managers";
import { PlacementCheck, placementLines } from "./placement";
import { QuotaCheck, quotaLines } from "./quota";
import { TakeoverCheck } from "./declared";
import { FlowCut } from "./flows";
import type { ReleaseRecord } from "../../components/config/releaseGate";
import {
    LiveImage,
    RunningByCluster,
    blocksUp,
    imageChangeLines,
    imageChanges,
    recordCommand,
    recordStepLines,
    recordSteps,
    recordedBelow,
} from "./imageChanges";
import { withStack, withStackInText } from "../cli/shellText";
import {
    BLOCKING,
    CloudResource,
    Finding,
    LeftBehind,
    PrerequisiteCheck,
    Unreachable,
    VERDICTS,
    Verdict,
} from "./model";

/** What the report learns from one cluster. */
export interface ClusterResult {
    findings: Finding[];
    leftBehind: LeftBehind[];
    prerequisites: PrerequisiteCheck[];
    databases: DatabaseTakeover[];
    quotas: QuotaCheck[];
    /** Workloads whose pods no node can run, or why nodes could not be judged (./placement). */
    placements: PlacementCheck[];
    /** Each system's declared takeover list, checked against what runs (./declared). */
    takeovers: TakeoverCheck[];
    /** Flows of the workloads left running that the program's NetworkPolicies would cut (./flows), each blocking. */
    flows: FlowCut[];
    /** Every container the live workloads in the program's namespaces run today (./imageChanges). */
    liveImages: LiveImage[];
}

export const CLUSTER_PARTS = [
    "findings",
    "leftBehind",
    "prerequisites",
    "databases",
    "quotas",
    "placements",
    "takeovers",
    "flows",
    "liveImages",
] as const;

/**
 * The migration report of one stack: every object per cluster, what is left behind, the cluster prerequisites,
 * the OpenStack side, and the clusters that could not be inspected.
 */
export interface Report extends ClusterResult {
    stack: string;
    openstack: CloudResource[];
    /** Clusters not inspected: their objects are missing from the report. */
    unreachable: Unreachable[];
    counts: Record<Verdict, number> & {
        leftBehind: number;
        /** Objects also managed by another field manager (a warning). */
        managedAlsoElsewhere: number;
        prerequisitesMissing: number;
        /** ReplicaSets and pods that a changed selector would leave running next to the program's pods (blocking). */
        leftRunning: number;
        /** Services the program does not manage that would be left without pods (blocking). */
        strandedServices: number;
        /** Running releases the up's release gate asks for that the stack lacks: set before the up, not blocking. */
        recordsToSet: number;
    };
    /** The running releases the stack records per cluster (`clusters.<cluster>.running`), read with the live tags. */
    running: RunningByCluster;
    /**
     * What the up's release gate asks to be recorded once `adoptExisting` is on, per image of each system taken over
     * on an inspected cluster (./imageChanges `takeoverRecords`), with what the stack records.
     */
    records: ReleaseRecord[];
    /** Findings and missing prerequisites that stop the first deploy. */
    blocking: number;
}

/** `items` by cluster, then by `key`. */
function sorted<T extends { cluster: string }>(
    items: readonly T[] = [],
    key: (x: T) => string = () => "",
): T[] {
    return [...items].sort((a, b) => a.cluster.localeCompare(b.cluster) || key(a).localeCompare(key(b)));
}

const byId = (x: { id: string }) => x.id;

/**
 * The live objects the findings list under `key`, each blocking: ReplicaSets and pods a selector change would leave
 * running, Services the program does not manage that would be left without pods.
 */
function listedCount(findings: readonly Finding[], key: "leftRunning" | "strandedServices"): number {
    return findings.reduce((n, f) => n + (f[key] ?? []).length, 0);
}

export function buildReport(
    stack: string,
    findings: readonly Finding[],
    leftBehind: readonly LeftBehind[],
    openstack: readonly CloudResource[],
    clusters: Partial<ClusterResult> & {
        unreachable?: readonly Unreachable[];
        running?: RunningByCluster;
        records?: readonly ReleaseRecord[];
    } = {},
): Report {
    const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
    for (const f of findings) counts[f.verdict]++;
    const prerequisites = sorted(clusters.prerequisites, byId);
    const missing = prerequisites.filter((p) => p.state === "missing").length;
    const leftRunning = listedCount(findings, "leftRunning");
    const stranded = listedCount(findings, "strandedServices");
    const databases = sorted(clusters.databases, (d) => `${d.namespace}/${d.server}`);
    const takeoversBlocked = databases.filter((d) => d.problems.length > 0).length;
    const quotas = sorted(clusters.quotas, (q) => `${q.namespace}/${q.quota}`);
    const placements = sorted(clusters.placements, (p) => `${p.namespace}/${p.workload}`);
    const takeovers = sorted(clusters.takeovers, (t) => t.system);
    const running = clusters.running ?? {};
    // What runs on a cluster not inspected is unknown: its records are not printed (the report stops at exit 1).
    const records = (clusters.records ?? []).filter(
        (r) => !(clusters.unreachable ?? []).some((u) => u.cluster === r.cluster),
    );
    const liveImages = [...(clusters.liveImages ?? [])];
    return {
        stack,
        findings: sorted(findings, byId),
        leftBehind: sorted(leftBehind, byId),
        openstack: [...openstack].sort(
            (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
        ),
        prerequisites,
        databases,
        quotas,
        placements,
        takeovers,
        flows: [...(clusters.flows ?? [])],
        liveImages,
        unreachable: sorted(clusters.unreachable),
        counts: {
            ...counts,
            leftBehind: leftBehind.length,
            managedAlsoElsewhere: findings.filter((f) => (f.otherManagers ?? []).length > 0).length,
            prerequisitesMissing: missing,
            leftRunning,
            strandedServices: stranded,
            recordsToSet:
                recordSteps(records, liveImages, stack).length + takeovers.filter((t) => t.record).length,
        },
        running,
        records,
        blocking:
            findings.filter((f) => BLOCKING.includes(f.verdict)).length +
            imageChanges(findings, running, records).filter(blocksUp).length +
            missing +
            leftRunning +
            stranded +
            takeoversBlocked +
            quotas.filter((q) => q.state === "blocking").length +
            placements.filter((p) => p.state === "blocking").length +
            takeovers.reduce((n, t) => n + t.problems.length, 0) +
            (clusters.flows ?? []).length,
    };
}

/**
 * 0 when nothing blocks the first deploy, 2 when something does, 1 when a cluster could not be inspected (an
 * error: what its objects would do is unknown, so the report cannot say "go").
 */
export function exitCode(report: Report): 0 | 1 | 2 {
    if (report.unreachable.length > 0) return 1;
    return report.blocking > 0 ? 2 : 0;
}

const LABEL: Record<Verdict, string> = {
    create: "will be created",
    unchanged: "adopted, no change",
    update: "adopted with changes",
    blocking: "BLOCKING: not adoptable in place",
    "managed-elsewhere": "BLOCKING: cluster-wide, managed by someone else",
    "data-at-risk": "BLOCKING: data at risk",
};

const LEFT_RUNNING = "BLOCKING: left running beside the program's pods";
const STRANDED = "BLOCKING: a Service the program does not manage, left without pods";

function countLine(findings: readonly Finding[], left: number): string {
    const parts = VERDICTS.map((v) => [v, findings.filter((f) => f.verdict === v).length] as const)
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${n} ${LABEL[v]}`);
    const running = listedCount(findings, "leftRunning");
    if (running > 0) parts.push(`${running} ${LEFT_RUNNING}`);
    if (left > 0) parts.push(`${left} left behind`);
    const warned = findings.filter((f) => (f.otherManagers ?? []).length > 0).length;
    if (warned > 0) parts.push(`${warned} WARNING: also managed by another field manager`);
    return parts.join(", ") || "nothing";
}

const PREREQUISITE_LABEL: Record<PrerequisiteCheck["state"], string> = {
    missing: "BLOCKING: missing",
    "not-verified": "WARNING: not verified",
    present: "present",
};

/** The cluster prerequisites: what the cluster setup must provide, present or not, and who provides it. */
function prerequisiteLines(checks: readonly PrerequisiteCheck[]): string[] {
    if (checks.length === 0) return [];
    const count = (s: PrerequisiteCheck["state"]) => checks.filter((c) => c.state === s).length;
    const parts = (["present", "missing", "not-verified"] as const)
        .filter((s) => count(s) > 0)
        .map((s) => `${count(s)} ${PREREQUISITE_LABEL[s]}`);
    const lines = [
        "",
        `== cluster prerequisites (provided by the cluster setup, never by this program): ${parts.join(", ")}`,
    ];
    for (const state of ["missing", "not-verified", "present"] as const) {
        for (const c of checks.filter((x) => x.state === state)) {
            lines.push(`  [${PREREQUISITE_LABEL[state]}] ${where(c)}, needed by ${c.system}: ${c.neededBy}`);
            if (state === "present") continue;
            if (c.detail) lines.push(`      ! ${c.detail}`);
            const ask = state === "missing" ? "ask them to create it" : "ask them to confirm it exists";
            lines.push(
                `      ! provided by ${c.providedBy}: ${ask} before the first pulumi up (see ${c.source})`,
            );
        }
    }
    return lines;
}

/** Objects another field manager also manages, grouped by those managers: whoever they are must stop after the deploy. */
function warningLines(findings: readonly Finding[]): string[] {
    const groups = new Map<string, Finding[]>();
    for (const f of findings.filter((x) => (x.otherManagers ?? []).length > 0)) {
        const key = f.otherManagers!.join(", ");
        groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const lines: string[] = [];
    for (const [, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`  [WARNING: ${managedElsewhereWarning(list[0].otherManagers!)}]`);
        for (const f of list) lines.push(`      ${where(f)}`);
    }
    return lines;
}

const FLOW_CUT = "BLOCKING: the up would cut a flow of a workload left running";

/** The flows of what is left running that the up would cut, and what to do: never a hand-made policy. */
function flowLines(cuts: readonly FlowCut[], stack: string): string[] {
    if (cuts.length === 0) return [];
    const unfixed = cuts.filter((c) => !c.fix);
    return [
        ...cuts.flatMap((c) => [
            `  [${FLOW_CUT}] ${c.from} -> ${c.to} (cluster ${c.cluster}; ${c.namedIn}): cut by ${c.cutBy.join(", ")}`,
            ...(c.fix
                ? [
                      `      ! to keep it, let the program admit it (the policy it then writes admits this flow): ${withStack(c.fix, stack)}`,
                  ]
                : []),
        ]),
        ...(unfixed.length > 0
            ? [
                  "      ! do not run pulumi up while a flow is listed here: the program's NetworkPolicies must admit it (report " +
                      "the line above as a bug of the program). Do not add a NetworkPolicy by hand: one that selects these pods " +
                      "isolates them from every caller it does not name",
              ]
            : []),
    ];
}

/** One system's takeover list against what runs: what it decides, what blocks, and the record once nothing does. */
function takeoverListLines(checks: readonly TakeoverCheck[]): string[] {
    return checks.flatMap((c) => {
        const count = (d: string) => c.decided.filter((x) => x.decision.do === d).length;
        return [
            `  takeover list (cluster ${c.cluster}): ${c.decided.length} live object(s) declared: ${count("adopt")} adopt, ${count("replace")} replace, ${count("leave")} leave running`,
            ...c.problems.map((p) => `  [BLOCKING: the takeover list does not match the cluster] ${p}`),
            ...(c.record ? [`  [RECORD: the list matches the cluster] ${c.record}`] : []),
        ];
    });
}

function where(f: { cluster: string; id: string }): string {
    return `${f.id} (cluster ${f.cluster})`;
}

/**
 * Every record command the report prints: each record the up's release gate asks for that the stack lacks (RECORD),
 * and each change whose live tag names no release that the gate does not ask for; with the image whose release a
 * reader stands in where production is known to run the pin (the oldest pin of a record).
 */
export function printedRecordCommands(report: Report): { command: string; pin: string }[] {
    const records = report.records ?? [];
    const steps = recordSteps(records, report.liveImages ?? [], report.stack);
    const changes = imageChanges(report.findings, report.running ?? {}, records).filter(
        (c) => c.liveUnknown && !recordedBelow(c, records),
    );
    const commands = [
        ...steps.map((s) => ({ command: s.command, pin: s.pin })),
        ...changes.map((c) => ({ command: recordCommand(c, report.stack), pin: c.program })),
    ];
    return [...new Map(commands.map((c) => [c.command, c])).values()];
}

/** The readable report: per system, the counts, then every object that is not adopted unchanged. */
export function renderReport(report: Report): string {
    const records = report.records ?? [];
    const steps = recordSteps(records, report.liveImages ?? [], report.stack);
    const systems = [
        ...new Set([
            ...report.findings.map((f) => f.system),
            ...report.leftBehind.map((l) => l.system),
            ...steps.map((s) => s.section),
            ...(report.takeovers ?? []).map((t) => t.system),
        ]),
    ].sort();
    const lines = [
        `Migration report of stack ${report.stack}: ${countLine(report.findings, report.leftBehind.length)}`,
    ];
    for (const system of systems) {
        const findings = report.findings.filter((f) => f.system === system);
        const left = report.leftBehind.filter((l) => l.system === system);
        lines.push("", `== ${system}: ${countLine(findings, left.length)}`);
        lines.push(...takeoverListLines((report.takeovers ?? []).filter((t) => t.system === system)));
        // The most serious first (VERDICTS go from the least), without what is adopted unchanged.
        for (const verdict of [...VERDICTS].reverse().filter((v) => v !== "unchanged")) {
            for (const f of findings.filter((x) => x.verdict === verdict)) {
                lines.push(`  [${LABEL[verdict]}] ${where(f)}`);
                // A reason's config command is written for any stack (`--stack <stack>`): named here.
                for (const r of f.reasons) lines.push(`      ! ${withStackInText(r, report.stack)}`);
                for (const id of f.leftRunning ?? []) lines.push(`      [${LEFT_RUNNING}] ${id}`);
                for (const id of f.strandedServices ?? []) lines.push(`      [${STRANDED}] ${id}`);
                for (const c of f.handover?.beforeUp ?? [])
                    lines.push(`      [handover, right before step 4] ${c}`);
                for (const c of f.handover?.afterUp ?? []) lines.push(`      [handover, after step 5] ${c}`);
                for (const c of f.changes) lines.push(`      ~ ${c.path}: ${changeText(c)}`);
                if (f.secretValuesNotCompared && verdict !== "create") {
                    lines.push("      (secret values are not compared offline; keys are)");
                }
            }
        }
        for (const l of left.filter((x) => x.replacedBy))
            lines.push(
                `  [left behind, replaced by the program: delete it after step 5] ${where(l)}: ${l.replacedBy}`,
            );
        for (const l of left.filter((x) => !x.replacedBy))
            lines.push(
                `  [left behind: not managed by the program, may be used outside it: never delete it as part of the migration] ${where(l)}`,
            );
        lines.push(
            ...flowLines(
                (report.flows ?? []).filter((c) => c.system === system),
                report.stack,
            ),
        );
        lines.push(...imageChangeLines(findings, report.stack, report.running ?? {}, records));
        lines.push(...recordStepLines(steps.filter((s) => s.section === system)));
        lines.push(...warningLines(findings));
    }
    lines.push(...prerequisiteLines(report.prerequisites));
    lines.push(...takeoverLines(report.databases ?? []));
    lines.push(...quotaLines(report.quotas ?? []));
    lines.push(...placementLines(report.placements ?? []));
    if (report.openstack.length > 0) {
        const adopted = report.openstack.filter((r) => r.importId);
        const created = report.openstack.filter((r) => !r.importId);
        lines.push("", `== OpenStack: ${adopted.length} adopted by id, ${created.length} will be created`);
        for (const r of adopted) lines.push(`  [adopted by id ${r.importId}] ${r.type} ${r.name}`);
        for (const r of created) lines.push(`  [will be created] ${r.type} ${r.name}`);
    }
    if (report.unreachable.length > 0) {
        lines.push("", `== clusters not inspected: ${report.unreachable.map((u) => u.cluster).join(", ")}`);
        for (const u of report.unreachable) lines.push(`  cluster ${u.cluster}: ${u.reason}`);
    }
    const warned = report.counts.managedAlsoElsewhere;
    lines.push("");
    if (warned > 0) {
        lines.push(
            `${warned} object(s) also managed by another field manager (WARNING above): the deploy takes them over; make those managers stop.`,
        );
    }
    if (steps.length > 0) {
        const toRead = steps.filter((s) => s.how === "read").length;
        lines.push(
            `${steps.length} record${steps.length === 1 ? "" : "s"} to set before pulumi up (RECORD above): the up's release gate asks for the release every image of a system it takes over runs today; run each printed record command${toRead > 0 ? `, ${toRead} after reading the release with its look-up` : ""}.`,
        );
    }
    const lists = (report.takeovers ?? []).filter((t) => t.record).length;
    if (lists > 0)
        lines.push(
            `${lists} takeover list${lists === 1 ? "" : "s"} to record before pulumi up (RECORD above): the up refuses a list the report has not checked against the cluster.`,
        );
    if (report.blocking > 0) {
        const exit = report.unreachable.length > 0 ? "" : " (exit 2)";
        lines.push(`${report.blocking} blocking item(s): fix them before the first pulumi up${exit}.`);
    }
    if (report.unreachable.length > 0) {
        lines.push(
            `${report.unreachable.length} cluster(s) not inspected (${report.unreachable.map((u) => u.cluster).join(", ")}): ` +
                "their objects are not in this report; fix the access named above and run it again (exit 1).",
        );
    } else if (report.blocking === 0) {
        lines.push(
            report.counts.recordsToSet > 0
                ? "Nothing blocks the first pulumi up once the records above are set."
                : "Nothing blocks the first pulumi up.",
        );
    }
    return lines.join("\n");
}
