/** Every kind of notice, named where each is made: the plan counts and groups notices by kind, never by text. */
export const NOTICE_KINDS = [
    // Images (./unconfirmedImage.ts, ./evidenceVerdicts.ts).
    "UNCONFIRMED IMAGE",
    "NO EVIDENCE",
    "UNREAD IMAGE",
    "MOVING TAG",
    // What the first deploy takes over or replaces.
    "DATABASE TAKEOVER",
    "CERTIFICATE",
    "ADOPTED HOST",
    "SCHEMA MIGRATION",
    // Routes and what the offline plan cannot show.
    "HELD ROUTE",
    "PUBLIC ROUTES",
    "RENDERED AT PREVIEW",
    // Secrets and credentials.
    "GENERATED SECRETS",
    "SECRET ROTATION",
    "KUBECONFIG POLICY",
    // What stays by hand around `pulumi up`.
    "OUTSIDE DNS RECORDS",
    "HAND-MADE CERTIFICATE",
    "WORKSTATION BY HAND",
    // What the program's network policies cut.
    "EGRESS LOCK",
] as const;

export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** A line an operator must read before `pulumi up`, as the code that knows what it is about makes it. */
export interface KindedNotice {
    kind: NoticeKind;
    text: string;
}

/** One line an operator must read before `pulumi up`, with the section that says it. */
export interface Notice extends KindedNotice {
    system: string;
}

/** A notice whose text does not name its kind (the text reads as a sentence of its own). */
export function notice(kind: NoticeKind, text: string): KindedNotice {
    return { kind, text };
}

/** A notice whose text opens with its kind in capitals, so a preview's warning shows it too. */
export function taggedNotice(kind: NoticeKind, rest: string): KindedNotice {
    return { kind, text: `${kind} ${rest}` };
}

/** Whether a value names a kind of {@link NOTICE_KINDS} (a plan read from elsewhere may carry any string). */
export function isNoticeKind(value: unknown): value is NoticeKind {
    return typeof value === "string" && (NOTICE_KINDS as readonly string[]).includes(value);
}

/** The line every preview and update logs as a warning, and `notices.txt` holds: `<system>: <text>`. */
export function noticeLine(n: { system: string; text: string }): string {
    return `${n.system}: ${n.text}`;
}
