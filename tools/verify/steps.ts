import { runbookTables } from "../conformance/load";
import { PageExpectation, RunbookStep } from "./model";

// The runbook step each check of `verify` stands for, per system: the row of facts/runbooks/<runbook>.yaml (its
// `lines`) whose check the operator made by hand after a deploy. The step's words are read from the row, so a row
// that moves or goes makes `stepOf` throw (and its test fail) instead of naming a stale line.

/** What verify checks: one kind per runbook check it runs. */
export type CheckKind =
    | "answers"
    | "certificate"
    | "dns"
    | "metrics"
    | "hook"
    | "hubApi"
    | "announcement"
    | "consumers"
    | "prowJob"
    | "hubPool";

/** Per kind, per system: the `lines` of the runbook row. Stream is deployed by Packit's runbook. */
const ROWS: Record<CheckKind, Partial<Record<string, string>>> = {
    // Thoth's verify playbook checks the station's routes; Packit restarts its web servers and looks at them; DIALS
    // applies the Routes; Prow's molecule smoke tests reach deck and hook; Callysto deploys the hub.
    answers: {
        thoth: "177",
        packit: "321",
        stream: "321",
        prow: "216-227",
        dials: "121",
        callysto: "269-274",
    },
    // The certificate served: Packit inspects it (issuer, serial, validity); Callysto copies it to the servers.
    certificate: {
        thoth: "177",
        packit: "325-334",
        stream: "325-334",
        prow: "216-227",
        dials: "121",
        callysto: "200-205",
    },
    // Packit digs its names to the router; Callysto's production names are held by the domain's managers.
    dns: {
        thoth: "177",
        packit: "235-245",
        stream: "235-245",
        prow: "216-227",
        dials: "121",
        callysto: "93",
    },
    metrics: { packit: "380-383", stream: "380-383" },
    hook: { prow: "216-227" },
    hubApi: { callysto: "364-372" },
    announcement: { callysto: "406-413" },
    consumers: { dials: "174", packit: "321", stream: "321" },
    prowJob: { prow: "216-227" },
    hubPool: { callysto: "364-372" },
};

/**
 * What each kind of check looks at; for one `pulumi up` makes in the cluster (what the runner cannot reach), how
 * (`inUp`); for one verify only lists (SKIP), why nothing looks (`skipped`).
 */
export const CHECKS: Record<CheckKind, { what: string; skipped?: string; inUp?: string }> = {
    answers: { what: "each public host answers (HTTP below 500)" },
    certificate: {
        what: "the served certificate is trusted, made out to the host, not about to expire, and the one deployed",
    },
    dns: { what: "each host resolves; records are where the stack says" },
    metrics: { what: "`/metrics` answers GET and refuses a push (PUT and POST)" },
    hook: { what: "hook accepts a ping signed with the stack's HMAC and refuses one signed otherwise" },
    hubApi: { what: "the hub's API answers with its version" },
    announcement: { what: "the announcement is on the hub's login page (when the stack sets one)" },
    consumers: {
        what: "consumers are back on their queues",
        inUp: "a Job `pulumi up` waits for asks the workers over their broker (celery inspect active_queues) until every queue has a consumer, and fails the up naming the queues without one (components/shared/consumers.ts)",
    },
    prowJob: {
        what: "a ProwJob Prow started after the deploy (or within the last day) succeeded, read from the cluster: verify starts none",
    },
    hubPool: {
        what: "the hub's pool is healthy (hubtraf)",
        skipped: "needs the dummy authenticator (runbook: hubtraf works only with it); production uses shib",
    },
};

/**
 * The pages a runbook's smoke test reads, by system and the Service the host routes to. Prow's molecule verify
 * (runbook 002 l.216-227) asks deck for 200 and "Prow Status" (kubevirt/project-infra@145ec5a
 * github/ci/prow-deploy/molecule/default/smoke_tests.yaml, "verify Deck response is healthy"); the release the stacks
 * pin still titles its index so (kubernetes-sigs/prow@7593870dc cmd/deck/template/index.html:1).
 */
export const PAGES: Record<string, Record<string, PageExpectation>> = {
    prow: {
        deck: {
            status: 200,
            contains: "Prow Status",
            from: "runbook 002's molecule smoke test (kubevirt/project-infra@145ec5a smoke_tests.yaml)",
        },
    },
};

/** The facts file of each system's runbook. */
const RUNBOOK_OF: Record<string, string> = {
    thoth: "000-thoth-station",
    packit: "001-packit-stream",
    stream: "001-packit-stream",
    prow: "002-kubevirt-prow",
    dials: "003-cms-dials",
    callysto: "004-callysto",
};

/** The systems a kind of check has a runbook step for. */
export function systemsOf(kind: CheckKind): string[] {
    return Object.keys(ROWS[kind]);
}

/** The runbook step `kind` stands for in `system`; throws when the system has none or the row is gone. */
export function stepOf(kind: CheckKind, system: string): RunbookStep {
    const lines = ROWS[kind][system];
    const runbook = RUNBOOK_OF[system];
    if (lines === undefined || runbook === undefined)
        throw new Error(`no runbook step for ${kind} in ${system}`);
    const table = runbookTables().find((t) => t.runbook.startsWith(runbook));
    const row = table?.steps.find((s) => s.lines === lines);
    if (!row) throw new Error(`facts/runbooks/${runbook}.yaml has no row with lines "${lines}" (${kind})`);
    return { runbook, lines, step: row.step };
}

/** Every (kind, system) pair verify names a step for: the runbook checks it runs or lists. */
export function allSteps(): { kind: CheckKind; system: string }[] {
    return (Object.keys(ROWS) as CheckKind[]).flatMap((kind) =>
        systemsOf(kind).map((system) => ({ kind, system })),
    );
}
