import { isNoticeKind, noticeLine } from "../../components/config/notices";

/**
 * A notice as a plan holds it: the kind its maker gave it (components/config/notices.ts), the system that says it and
 * its text as every preview and update logs it. A plan made elsewhere may carry a kind this program does not know.
 */
export interface PlanNotice {
    system: string;
    kind: string;
    text: string;
}

/** What the plan's files and summary call the notices whose kind this program does not know. */
export const UNKNOWN_KIND = "no known kind";

/** The notices of one kind, most numerous kinds first, then by name; every notice in exactly one group. */
export interface NoticeGroup {
    /** A kind of NOTICE_KINDS, or {@link UNKNOWN_KIND}. */
    kind: string;
    notices: PlanNotice[];
}

/** The notices by kind, each kind's in the order the program made them; unknown kinds last, in one group. */
export function noticeGroups(notices: readonly PlanNotice[]): NoticeGroup[] {
    const byKind = new Map<string, PlanNotice[]>();
    const unknown: PlanNotice[] = [];
    for (const n of notices) {
        if (!isNoticeKind(n.kind)) unknown.push(n);
        else byKind.set(n.kind, [...(byKind.get(n.kind) ?? []), n]);
    }
    const known = [...byKind.entries()]
        .map(([kind, mine]) => ({ kind, notices: mine }))
        .sort((a, b) => b.notices.length - a.notices.length || a.kind.localeCompare(b.kind));
    return unknown.length > 0 ? [...known, { kind: UNKNOWN_KIND, notices: unknown }] : known;
}

/** The header `notices.txt` opens each kind's notices with (noticesOfPlanFile reads it back). */
const GROUP_HEADER = /^# (.+): (\d+)$/;

/**
 * `notices.txt`: every notice in full, one line each as a preview logs it, grouped by kind under a `# <kind>: <count>`
 * header, in the order the summary lists the kinds.
 */
export function renderNotices(stack: string, notices: readonly PlanNotice[]): string {
    if (notices.length === 0) return `# nothing to read before \`pulumi up --stack ${stack}\`\n`;
    const groups = noticeGroups(notices);
    return `${[
        `# ${notices.length} line(s) to read before \`pulumi up --stack ${stack}\`, by kind (every preview and update logs them as warnings)`,
        ...groups.flatMap((g) => [`# ${g.kind}: ${g.notices.length}`, ...g.notices.map(noticeLine)]),
    ].join("\n")}\n`;
}

/** The notices of a `notices.txt`, each with the kind its header names: what a reader of the plan's files sees. */
export function noticesOfPlanFile(text: string): { kind: string; line: string }[] {
    const found: { kind: string; line: string }[] = [];
    let kind: string | undefined;
    for (const line of text.split("\n")) {
        const header = GROUP_HEADER.exec(line);
        if (header) kind = header[1];
        else if (line.trim() !== "" && !line.startsWith("#")) {
            if (kind === undefined)
                throw new Error(`notices.txt: a notice before any kind's header: ${line}`);
            found.push({ kind, line });
        }
    }
    return found;
}

/**
 * The summary's lines about notices: one per known kind with its count and how many each system says (the file
 * holds them in full), then every notice of no known kind in full, so none is summarised away unread.
 */
export function noticeSummaryLines(notices: readonly PlanNotice[]): string[] {
    const groups = noticeGroups(notices);
    const width = String(notices.length).length;
    return groups.flatMap(({ kind, notices: mine }) => {
        const count = `  ${String(mine.length).padStart(width)}  `;
        if (kind === UNKNOWN_KIND)
            return [`${count}of ${UNKNOWN_KIND}, each in full:`, ...mine.map((n) => `    ${noticeLine(n)}`)];
        const systems = new Map<string, number>();
        for (const n of mine) systems.set(n.system, (systems.get(n.system) ?? 0) + 1);
        return [`${count}${kind} (${[...systems].map(([s, n]) => `${s} ${n}`).join(", ")})`];
    });
}
