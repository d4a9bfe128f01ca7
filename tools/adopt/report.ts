import { showValue } from "./diff";
import { BLOCKING, CloudResource, Finding, LeftBehind, VERDICTS, Verdict } from "./model";

/** The migration report of one stack: every object per cluster, what is left behind, the OpenStack side. */
export interface Report {
    stack: string;
    findings: Finding[];
    leftBehind: LeftBehind[];
    openstack: CloudResource[];
    counts: Record<Verdict, number> & { leftBehind: number };
    /** Findings that stop the first deploy. */
    blocking: number;
}

const ORDER = (a: { id: string; cluster: string }, b: { id: string; cluster: string }) =>
    a.cluster.localeCompare(b.cluster) || a.id.localeCompare(b.id);

export function buildReport(
    stack: string,
    findings: readonly Finding[],
    leftBehind: readonly LeftBehind[],
    openstack: readonly CloudResource[],
): Report {
    const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
    for (const f of findings) counts[f.verdict]++;
    return {
        stack,
        findings: [...findings].sort(ORDER),
        leftBehind: [...leftBehind].sort(ORDER),
        openstack: [...openstack].sort(
            (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
        ),
        counts: { ...counts, leftBehind: leftBehind.length },
        blocking: findings.filter((f) => BLOCKING.includes(f.verdict)).length,
    };
}

/** 0 when nothing blocks the first deploy, 2 when something does (1 is left for errors). */
export function exitCode(report: Report): 0 | 2 {
    return report.blocking > 0 ? 2 : 0;
}

const LABEL: Record<Verdict, string> = {
    create: "will be created",
    unchanged: "adopted, no change",
    update: "adopted with changes",
    blocking: "BLOCKING: not adoptable in place",
    "data-at-risk": "BLOCKING: data at risk",
};

function countLine(findings: readonly Finding[], left: number): string {
    const parts = VERDICTS.map((v) => [v, findings.filter((f) => f.verdict === v).length] as const)
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${n} ${LABEL[v]}`);
    if (left > 0) parts.push(`${left} left behind`);
    return parts.join(", ") || "nothing";
}

function where(f: { cluster: string; id: string }): string {
    return `${f.id} (cluster ${f.cluster})`;
}

/** The readable report: per system, the counts, then every object that is not adopted unchanged. */
export function renderReport(report: Report): string {
    const systems = [
        ...new Set([...report.findings.map((f) => f.system), ...report.leftBehind.map((l) => l.system)]),
    ].sort();
    const lines = [
        `Migration report of stack ${report.stack}: ${countLine(report.findings, report.leftBehind.length)}`,
    ];
    for (const system of systems) {
        const findings = report.findings.filter((f) => f.system === system);
        const left = report.leftBehind.filter((l) => l.system === system);
        lines.push("", `== ${system}: ${countLine(findings, left.length)}`);
        for (const verdict of ["data-at-risk", "blocking", "update", "create"] as Verdict[]) {
            for (const f of findings.filter((x) => x.verdict === verdict)) {
                lines.push(`  [${LABEL[verdict]}] ${where(f)}`);
                for (const r of f.reasons) lines.push(`      ! ${r}`);
                for (const c of f.changes)
                    lines.push(`      ~ ${c.path}: ${showValue(c.old)} → ${showValue(c.new)}`);
                if (f.secretValuesNotCompared && verdict !== "create") {
                    lines.push("      (secret values are not compared offline; keys are)");
                }
            }
        }
        for (const l of left) lines.push(`  [left behind: not managed by the program] ${where(l)}`);
    }
    if (report.openstack.length > 0) {
        const adopted = report.openstack.filter((r) => r.importId);
        const created = report.openstack.filter((r) => !r.importId);
        lines.push("", `== OpenStack: ${adopted.length} adopted by id, ${created.length} will be created`);
        for (const r of adopted) lines.push(`  [adopted by id ${r.importId}] ${r.type} ${r.name}`);
        for (const r of created) lines.push(`  [will be created] ${r.type} ${r.name}`);
    }
    lines.push(
        "",
        report.blocking > 0
            ? `${report.blocking} blocking item(s): fix them before the first pulumi up (exit 2).`
            : "Nothing blocks the first pulumi up.",
    );
    return lines.join("\n");
}
