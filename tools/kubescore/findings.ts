import { KUBE_SCORE_SKIPS } from "./skips";

// kube-score's JSON output (`-o json`, format v2): one entry per object, with each check's grade. Grades are
// scorecard.Grade: 1 critical, 5 warning, 7 almost OK, 10 all OK. A finding is a critical or warning grade that is
// not skipped, what `kube-score score --exit-one-on-warning` fails on.

interface ScoredObject {
    object_name: string;
    checks: {
        check: { id: string };
        grade: number;
        skipped: boolean;
        comments: { path?: string; summary: string }[] | null;
    }[];
}

/** The worst grade that is still a pass: "almost OK" (e.g. a pod with a readiness probe and no liveness probe). */
const PASSING_GRADE = 7;

export interface Finding {
    check: string;
    object: string;
    message: string;
}

/** Every finding of a kube-score JSON report, skipped checks left out. */
export function findingsOf(report: string, skips = KUBE_SCORE_SKIPS): Finding[] {
    const skipped = (f: Finding): boolean =>
        skips.some(
            (s) =>
                s.check === f.check &&
                (s.only?.message?.test(f.message) ?? true) &&
                (s.only?.object?.test(f.object) ?? true),
        );
    const objects = JSON.parse(report) as ScoredObject[];
    const all = objects.flatMap((o) =>
        o.checks
            .filter((c) => !c.skipped && c.grade < PASSING_GRADE)
            .flatMap((c) =>
                (c.comments?.length ? c.comments : [{ summary: "(no comment)" }]).map((comment) => ({
                    check: c.check.id,
                    object: o.object_name,
                    message: `${"path" in comment && comment.path ? `(${comment.path}) ` : ""}${comment.summary}`,
                })),
            ),
    );
    return all.filter((f) => !skipped(f));
}

/** Findings per check, e.g. `{ "pod-probes": 16 }`. */
export function countByCheck(findings: readonly Finding[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const f of findings) counts[f.check] = (counts[f.check] ?? 0) + 1;
    return counts;
}
