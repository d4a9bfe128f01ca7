import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { Document, LineCounter } from "yaml";
import { ProgramConfig, loadProgramConfig } from "../../components/config/load";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { SYSTEMS } from "../../components/systems";
import { checkSize } from "../../tools/plan/size";
import {
    ParsedStackText,
    StackFileError,
    parseStackText,
    stackFileOf,
    stackFileSource,
} from "../../tools/plan/stackfile";
import { draft, print, readsBack } from "./apply";
import { printFaults } from "./printed";
import { repoRoot } from "../../tools/root";

// A battery of broken stack files, each checked the way the offline plan checks it: the exact set of problems one
// run reports, and that following the printed fixes (applied as the Pulumi CLI would) leaves no problem. Shared by
// battery.test.ts and the verdict count (verdicts.ts).

/** The names Thoth's stage images are recorded under in clusters.psi.running.thoth (the release gate). */
const THOTH_STAGE_IMAGES = [
    "advise-reporter",
    "amun-api",
    "argocli",
    "argoexec",
    "cve-update-job",
    "dgraph",
    "document-sync-job",
    "graph-backup-job",
    "graph-metrics-exporter",
    "graph-refresh-job",
    "integration-tests",
    "investigator",
    "kebechet-job",
    "management-api",
    "metrics-exporter",
    "mi-scheduler",
    "nepthys",
    "normalizers",
    "origin-cli",
    "package-releases-job",
    "package-update-job",
    "pgbouncer",
    "postgres-exporter",
    "postgresql-10-rhel7",
    "prescriptions-refresh-job",
    "pulp-pypi-sync-job",
    "review-manager",
    "sesheta",
    "slo-reporter",
    "ultrahook",
    "user-api",
    "webhook2kafka",
    "workflow-controller",
];

export const ROOT = repoRoot();
export const STAGE = readFileSync(path.join(ROOT, "Pulumi.stage.yaml"), "utf8");
/** The line of stage's `runbooks:tier` (1-based), wherever the file's header comments end. */
const TIER_LINE = STAGE.split("\n").findIndex((l) => l.startsWith("  runbooks:tier:")) + 1;
export const PROD = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");

export interface Outcome {
    problems: ConfigProblem[];
    message: string;
    /** The configuration a run without problems accepted. */
    config?: ProgramConfig;
    /** A stack file that could not be read at all (one line). */
    fileError?: string;
}

const outcomes = new Map<string, Outcome>();

/**
 * Validates a stack file's text as `npm run plan -- --stack <stack>` does, without evaluating the program: the text
 * as the plan reads it from disk, parsed and read by the plan's own reader (readStackFile without the file). Pure for
 * a given text, so a text seen before (a case whose one fix is also all its fixes) is not validated twice.
 */
export function validate(text: string, stack = "stage", root?: string): Outcome {
    return validated(text, stack, root).outcome;
}

/**
 * {@link validate}, with the document the text was parsed into when it was parsed now (not known before) and the
 * file's reading left it as it was: the caller owns it (no one else holds it), so it can read it and edit it instead
 * of parsing the text again.
 */
export function validated(
    text: string,
    stack: string,
    root?: string,
): { outcome: Outcome; parsed?: ParsedStackText } {
    const key = `${root ?? ""}\n${stack}\n${text}`;
    const known = outcomes.get(key);
    if (known) return { outcome: known };
    // What writing the text to a file and reading it back (as UTF-8) gives the plan.
    const read = Buffer.from(text, "utf8").toString("utf8");
    const made = documents.get(read);
    // A document without errors: the line counter is only read for a parse error.
    const parsed = made ? { doc: made, lines: new LineCounter() } : parseStackText(read);
    let outcome: Outcome;
    try {
        const file = stackFileOf(stack, `Pulumi.${stack}.yaml`, parsed);
        checkSize(stack, file.values);
        const config = loadProgramConfig(stackFileSource(file, "[secret]"), SYSTEMS, {
            placeholderSecret: () => "x",
            root,
        });
        outcome = { problems: [], message: "", config };
    } catch (err) {
        if (err instanceof ConfigError) outcome = { problems: [...err.problems], message: err.message };
        else if (err instanceof StackFileError)
            outcome = { problems: [], message: err.message, fileError: err.message };
        else throw err;
    }
    outcomes.set(key, outcome);
    return { outcome, parsed: read === text ? parsed : undefined };
}

/**
 * Each printed text made from an edited document that reads back as that document (readsBack): the plan's reading
 * of the text is then the document itself, which validate() takes instead of parsing the text again (~20 ms a parse,
 * two thirds of the battery's parses). Only read after that: validation and drafts never edit a document.
 */
const documents = new Map<string, Document.Parsed>();

function printed(doc: Document.Parsed): string {
    const text = print(doc);
    if (readsBack(doc, text)) documents.set(text, doc);
    return text;
}

/** The stack files the cases edit, parsed once (as the plan reads them): each edit works on a draft of it. */
const parsed = new Map<string, Document.Parsed>();

export function edit(base: string, change: (doc: Document) => void): string {
    let original = parsed.get(base);
    if (!original) {
        original = parseStackText(base).doc;
        parsed.set(base, original);
    }
    const doc = draft(original);
    change(doc);
    return printed(doc);
}
export const stage = (change: (doc: Document) => void) => edit(STAGE, change);
export const prod = (change: (doc: Document) => void) => edit(PROD, change);
/** Stage with one line replaced: for values whose exact source text matters (YAML reads `1.10` as 1.1). */
function stageLine(from: string, to: string): string {
    assert.ok(STAGE.includes(from), from);
    return STAGE.replace(from, to);
}
export const C = (section: string, ...rest: (string | number)[]) => [
    "config",
    `runbooks:${section}`,
    ...rest,
];

export interface Case {
    name: string;
    text: string;
    stack?: string;
    /** Problem keys, exactly (one run). */
    keys?: string[];
    /** Expected one-line file error. */
    fileError?: RegExp;
    /** The command of a key (a rename, a secret, a read), or null where none is printed (a valid value says it). */
    fixes?: Record<string, RegExp | null>;
    messages?: Record<string, RegExp>;
    /**
     * Following every printed fix in order leaves no problem at all: for fixes whose order matters (removing list
     * items shifts the indexes of the ones after), where a wrong order leaves a problem with another message.
     */
    fixedClean?: boolean;
    /** Why the case cannot be clean yet: a change outside this battery's files that it waits for. */
    pending?: string;
}

export const WS = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: i === 0 ? "tracker" : `ws${i}`, egroup: "e" }));
export const withWorkspaces = (n: number) =>
    stage((d) => d.setIn(C("dials", "workspaces"), d.createNode(WS(n))));

/**
 * Stage with `n` DIALS workspaces, the text `withWorkspaces(n)` makes (a test below holds them equal), written by
 * repeating the one entry's lines: building and printing 10,000 YAML nodes costs about 0.3 s.
 */
export function manyWorkspaces(n: number): string {
    const one = withWorkspaces(1);
    const entry = /^( +)- name: tracker\n\1 {2}egroup: e\n/m.exec(one)!;
    const lines = WS(n).map((w) => `${entry[1]}- name: ${w.name}\n${entry[1]}  egroup: ${w.egroup}\n`);
    return one.slice(0, entry.index) + lines.join("") + one.slice(entry.index + entry[0].length);
}

// Tokens assembled from parts, so no scanner mistakes this file for a leak.
const GHP = `ghp_${"A1b2C3d4E5".repeat(3)}F6g7H8`;
const AKIA = `AKIA${"QYLPMN5HHHFPZAM2"}`;
const GLPAT = `glpat-${"aB3dE5fG7hJ9kL1mN3pQ"}`;
const SLACK = `xoxb-${"123456789012"}-${"1234567890123"}-${"AbCdEfGhIjKlMnOpQrStUvWx"}`;
const PEM = `-----BEGIN RSA ${"PRIVATE"} KEY-----\n${"MIIEpAIBAAKCAQEA".repeat(8)}\n-----END RSA ${"PRIVATE"} KEY-----`;

export const CASES: Case[] = [
    { name: "empty file", text: "", keys: ["Pulumi.stage.yaml"] },
    { name: "a scalar instead of a mapping", text: "hello\n", keys: ["Pulumi.stage.yaml"] },
    {
        name: "configs: instead of config:",
        text: STAGE.replace(/^config:/m, "configs:"),
        keys: ["Pulumi.stage.yaml: configs"],
        messages: { "Pulumi.stage.yaml: configs": /did you mean "config"/ },
    },
    { name: "config: is a list", text: "config:\n  - a\n  - b\n", keys: ["Pulumi.stage.yaml: config"] },
    // Issue 85: a file that is not one YAML mapping gets one problem at the file's name, no command.
    {
        name: "a list instead of a mapping",
        text: "- config: {}\n- runbooks:tier: staging\n",
        keys: ["Pulumi.stage.yaml"],
        messages: { "Pulumi.stage.yaml": /is a YAML list, not a mapping\. A stack file is one YAML mapping/ },
        fixes: { "Pulumi.stage.yaml": null },
    },
    {
        name: "two YAML documents (stage's file, --- and prod's)",
        text: `${STAGE}---\n${PROD}`,
        keys: ["Pulumi.stage.yaml"],
        messages: {
            "Pulumi.stage.yaml": /holds more than one YAML document \(the second begins at line \d+\)/,
        },
        fixes: { "Pulumi.stage.yaml": null },
    },
    {
        name: "a second top-level config: (prod's appended to stage's)",
        text: `${STAGE}${PROD.slice(PROD.search(/^config:/m))}`,
        keys: ["Pulumi.stage.yaml"],
        messages: { "Pulumi.stage.yaml": /has config: at the top level more than once \(lines \d+, \d+\)/ },
        fixes: { "Pulumi.stage.yaml": null },
    },
    {
        name: "config: missing entirely",
        text: "secretsprovider: passphrase\n",
        keys: ["Pulumi.stage.yaml: config"],
    },
    {
        name: "misspelt secretsprovider",
        text: `secretprovider: passphrase\n${STAGE}`,
        keys: ["Pulumi.stage.yaml: secretprovider"],
    },
    {
        name: "YAML syntax error",
        text: STAGE.replace("runbooks:tier: staging", "runbooks:tier: [staging"),
        fileError: /^Pulumi\.stage\.yaml:\d+:\d+: /,
    },
    {
        // Issue 70: one problem naming both lines, instead of the parser's one line; two values, so the fix asks.
        name: "duplicate key",
        text: STAGE.replace("runbooks:tier: staging", "runbooks:tier: staging\n  runbooks:tier: production"),
        keys: [`runbooks:tier (Pulumi.stage.yaml:${TIER_LINE + 1})`],
        messages: {
            [`runbooks:tier (Pulumi.stage.yaml:${TIER_LINE + 1})`]: new RegExp(
                `written twice .* at line ${TIER_LINE} and .* at line ${TIER_LINE + 1}`,
            ),
        },
        fixes: {
            [`runbooks:tier (Pulumi.stage.yaml:${TIER_LINE + 1})`]: new RegExp(
                `^edit Pulumi\\.stage\\.yaml: keep the one of runbooks:tier at line ${TIER_LINE} and runbooks:tier at line ${TIER_LINE + 1} `,
            ),
        },
    },
    {
        name: "project namespace misspelt: runbook:dials",
        text: STAGE.replace("runbooks:dials:", "runbook:dials:"),
        keys: ["runbook:dials"],
        fixes: { "runbook:dials": /^edit Pulumi\.stage\.yaml: rename runbook:dials to runbooks:dials$/ },
    },
    {
        name: "project namespace capitalised: Runbooks:tier",
        text: STAGE.replace("runbooks:tier:", "Runbooks:tier:"),
        keys: ["Runbooks:tier"],
    },
    {
        name: "misspelt section dails",
        text: STAGE.replace("runbooks:dials:", "runbooks:dails:"),
        keys: ["runbooks:dails"],
        messages: { "runbooks:dails": /did you mean "dials"/ },
        fixes: { "runbooks:dails": /rename runbooks:dails to runbooks:dials/ },
    },
    {
        name: "missing tier",
        text: stage((d) => d.deleteIn(C("tier"))),
        keys: ["runbooks:tier"],
        // Production is proved before it is offered, and it would refuse stage's file (its sharder, ssp and stats are
        // groups runbook 004's Terraform lacks; it names no audience of Thoth's metrics Routes), so the proven fix is
        // the stack's committed tier.
        fixes: { "runbooks:tier": null },
        messages: { "runbooks:tier": /staging and local/ },
    },
    {
        name: "stage claiming production is checked as its committed tier: every other problem named in the same run",
        text: stage((d) => {
            d.setIn(C("tier"), "production");
            d.setIn(C("thoth", "station", "modules", "catalog", "modules", 2, "tiers", 0), "midletier");
        }),
        keys: ["runbooks:thoth.station.modules.catalog.modules[2].tiers[0]", "runbooks:tier"],
        fixes: { "runbooks:tier": null },
        fixedClean: true,
    },
    {
        name: "missing tier on prod suggests production",
        stack: "prod",
        text: edit(PROD, (d) => d.deleteIn(C("tier"))),
        keys: ["runbooks:tier"],
        fixes: { "runbooks:tier": null },
    },
    {
        name: "tier prod (not a tier)",
        text: stage((d) => d.setIn(C("tier"), "prod")),
        keys: ["runbooks:tier"],
        // As for a missing tier: production would refuse stage's file, so the committed tier is the proven fix.
        fixes: { "runbooks:tier": null },
    },
    {
        name: "absent section",
        text: stage((d) => d.deleteIn(C("prow"))),
        keys: ["runbooks:prow"],
        messages: { "runbooks:prow": /section is missing.*restore the section/ },
    },
    {
        name: "enabled written as a string",
        text: stage((d) => d.setIn(C("prow", "enabled"), "false")),
        keys: ["runbooks:prow.enabled"],
        fixes: { "runbooks:prow.enabled": null },
    },
    {
        name: "enabled missing",
        text: stage((d) => d.deleteIn(C("dials", "enabled"))),
        keys: ["runbooks:dials.enabled"],
    },
    {
        name: "misspelt cluster reference",
        text: stage((d) => d.setIn(C("dials", "cluster"), "cern-pass")),
        keys: ["runbooks:dials.cluster"],
        fixes: { "runbooks:dials.cluster": null },
    },
    {
        name: "undefined cluster",
        text: stage((d) => d.setIn(C("dials", "cluster"), "mars")),
        keys: ["runbooks:dials.cluster"],
        // Another team's cluster or a new one is the operator's decision: a manual edit, never an invented cluster.
        fixes: { "runbooks:dials.cluster": null },
    },
    {
        name: "impossible cron",
        text: stage((d) => d.setIn(C("thoth", "bots", "kebechet", "schedule"), "61 25 32 13 8")),
        keys: ["runbooks:thoth.bots.kebechet.schedule"],
    },
    {
        name: "six-field cron",
        text: stage((d) => d.setIn(C("thoth", "bots", "kebechet", "schedule"), "0 0 2 * * *")),
        keys: ["runbooks:thoth.bots.kebechet.schedule"],
    },
    {
        name: "unknown cron macro",
        text: stage((d) => d.setIn(C("thoth", "bots", "nepthys", "schedule"), "@fortnightly")),
        keys: ["runbooks:thoth.bots.nepthys.schedule"],
    },
    {
        name: "cron with names is fine",
        text: stage((d) => d.setIn(C("thoth", "bots", "kebechet", "schedule"), "0 2 * * TUE")),
        keys: [],
    },
    {
        name: "70-character DNS label",
        text: stage((d) => d.setIn(C("dials", "namespace"), "a".repeat(70))),
        // The name is broken, so no grant is asked for a guess of it: one problem.
        keys: ["runbooks:dials.namespace"],
    },
    {
        name: "upper-case namespace",
        text: stage((d) => d.setIn(C("prow", "namespace"), "Kubevirt")),
        keys: ["runbooks:prow.namespace"],
    },
    {
        name: "IP 999.54.0.0",
        text: stage((d) => d.setIn(C("callysto", "hosts", 0, "floatingIp"), "999.54.0.0")),
        keys: ["runbooks:callysto.hosts[0].floatingIp"],
    },
    {
        name: "100,000-character string",
        text: stage((d) => d.setIn(C("thoth", "bots", "nepthys", "gitUserName"), "x".repeat(100000))),
        keys: ["runbooks:thoth.bots.nepthys.gitUserName"],
        messages: { "runbooks:thoth.bots.nepthys.gitUserName": /at most 1024/ },
    },
    {
        name: "newline in a ConfigMap value",
        text: stage((d) => d.setIn(C("thoth", "bots", "seshetaConfig", "organization"), "thoth\nstation")),
        keys: ["runbooks:thoth.bots.seshetaConfig.organization"],
    },
    {
        name: "BEL character",
        text: stage((d) => d.setIn(C("thoth", "bots", "nepthys", "gitUserName"), "ses\u0007heta")),
        keys: ["runbooks:thoth.bots.nepthys.gitUserName"],
    },
    {
        name: "right-to-left override",
        text: stage((d) =>
            d.setIn(C("thoth", "bots", "nepthys", "gitUserEmail"), "sesheta@\u202Emoc.tahder"),
        ),
        keys: ["runbooks:thoth.bots.nepthys.gitUserEmail"],
    },
    {
        name: "plain-text secret",
        text: stage((d) => d.setIn(C("thoth-ultrahook-aicoe-api-key"), "abc123")),
        keys: ["runbooks:thoth-ultrahook-aicoe-api-key"],
        fixes: {
            "runbooks:thoth-ultrahook-aicoe-api-key":
                /^pulumi config set --secret thoth-ultrahook-aicoe-api-key --stack stage$/,
        },
    },
    {
        name: "plain-text file secret",
        text: stage((d) => d.setIn(C("thoth-stage-sesheta-ssh-privatekey"), "-----BEGIN")),
        keys: ["runbooks:thoth-stage-sesheta-ssh-privatekey"],
        fixes: {
            "runbooks:thoth-stage-sesheta-ssh-privatekey":
                /--secret thoth-stage-sesheta-ssh-privatekey --stack stage < \S+$/,
        },
    },
    {
        name: "misspelt setting",
        text: stage((d) => d.setIn(C("dials", "web", "cacheTtlSecond"), 30)),
        keys: ["runbooks:dials.web.cacheTtlSecond"],
    },
    {
        name: "unknown setting",
        text: stage((d) => d.setIn(C("dials", "colour"), "blue")),
        keys: ["runbooks:dials.colour"],
    },
    {
        name: "number written as a string",
        text: stage((d) => d.setIn(C("dials", "web", "cacheTtlSeconds"), "30")),
        keys: ["runbooks:dials.web.cacheTtlSeconds"],
        fixes: { "runbooks:dials.web.cacheTtlSeconds": null },
    },
    {
        name: "GitHub App id written as a number is accepted",
        text: stage((d) => d.setIn(C("packit", "tokman", "githubAppId"), 34495)),
        keys: [],
    },
    { name: "section is a string", text: stage((d) => d.setIn(C("dials"), "yes")), keys: ["runbooks:dials"] },
    {
        name: "section is a list",
        text: stage((d) => d.setIn(C("prow"), d.createNode([1]))),
        keys: ["runbooks:prow"],
    },
    {
        name: "two duplicate workspaces are removed highest index first",
        text: stage((d) => {
            const ws = (d.getIn(C("dials", "workspaces")) as { toJSON(): unknown[] }).toJSON();
            d.setIn(C("dials", "workspaces"), d.createNode([...ws, ws[0], ws[1]]));
        }),
        keys: ["runbooks:dials.workspaces[5].name", "runbooks:dials.workspaces[6].name"],
        fixes: { "runbooks:dials.workspaces[6].name": null },
        fixedClean: true,
    },
    {
        name: "cluster with a bad platform",
        text: stage((d) => d.setIn(C("clusters", "psi", "platform"), "openshfit")),
        keys: ["runbooks:clusters.psi.platform"],
    },
    {
        name: "cluster setting misspelt",
        text: stage((d) => d.setIn(C("clusters", "psi", "platfrom"), "openshift")),
        keys: ["runbooks:clusters.psi.platfrom"],
    },
    {
        name: "adoptExisting as a string",
        text: stage((d) => d.setIn(C("clusters", "psi", "adoptExisting"), "yes")),
        // Meant on, so the same run asks for the proof of the knowledge graph's takeover it would start (made
        // against the cluster: the operator's step, never followed here).
        keys: [
            "runbooks:clusters.psi.adoptExisting",
            "runbooks:thoth.station.modules.postgresql.takeoverReport",
            // And the release each image runs today (the release gate, components/config/releaseGate.ts): read on
            // the cluster first, the operator's step.
            ...THOTH_STAGE_IMAGES.map((n) => `runbooks:clusters.psi.running.thoth.${n}`),
            // And the takeover list the migration report checked (components/config/takeover.ts): its digest.
            "runbooks:thoth.takeover.read",
        ],
    },
    {
        name: "namespace clash between two systems",
        text: stage((d) => {
            d.setIn(C("prow", "cluster"), "cern-paas");
            d.setIn(C("prow", "namespace"), String(d.getIn(C("dials", "namespace"))));
        }),
        // Only the side that moved (prow) changes, and back to where its grants are (issue 38): its cluster and its
        // namespace as committed, never grants on a cluster it was moved to by mistake; DIALS keeps its namespace.
        keys: ["runbooks:prow.cluster", "runbooks:prow.namespace"],
        fixes: { "runbooks:prow.cluster": null, "runbooks:prow.namespace": null },
    },
    {
        name: "openstack authUrl not a URL",
        text: stage((d) => d.setIn(C("openstack", "authUrl"), "keystone")),
        keys: ["runbooks:openstack.authUrl"],
    },
    {
        name: "image with latest",
        text: stage((d) =>
            d.setIn(C("thoth", "bots", "kebechet", "image"), "quay.io/thoth-station/kebechet-job:latest"),
        ),
        keys: ["runbooks:thoth.bots.kebechet.image"],
    },
    {
        name: "unknown plain key",
        text: stage((d) => d.setIn(C("notes"), "remember")),
        keys: ["runbooks:notes"],
    },
    {
        name: "four faults in one file: all in one run",
        text: stage((d) => {
            d.setIn(C("dials", "web", "cacheTtlSeconds"), "thirty");
            d.setIn(C("dials", "cluster"), "cern-pass");
            d.setIn(C("prow", "enabled"), "false");
            d.setIn(C("thoth", "bots", "kebechet", "schedule"), "61 25 32 13 8");
        }),
        keys: [
            "runbooks:dials.cluster",
            "runbooks:dials.web.cacheTtlSeconds",
            "runbooks:prow.enabled",
            "runbooks:thoth.bots.kebechet.schedule",
        ],
    },
    {
        name: "a broken section still gets its cross-section checks",
        text: stage((d) => {
            d.setIn(C("dials", "web", "cacheTtlSeconds"), -5);
            d.setIn(C("prow", "cluster"), "cern-paas");
            d.setIn(C("prow", "namespace"), String(d.getIn(C("dials", "namespace"))));
            d.setIn(C("thoth", "cluster"), "nowhere");
        }),
        keys: [
            "runbooks:dials.web.cacheTtlSeconds",
            "runbooks:prow.cluster",
            "runbooks:prow.namespace",
            "runbooks:thoth.cluster",
        ],
    },
    {
        name: "10,000 DIALS workspaces stop before evaluation",
        text: manyWorkspaces(10000),
        keys: ["runbooks:dials.workspaces"],
        messages: { "runbooks:dials.workspaces": /at most 3000/ },
    },
    ...FIX_CASES(),
    ...RANGE_CASES(),
    ...SECRET_CASES(),
];

/** Finding 4: fixes that set something else than what the operator meant, or borrow another system's value. */
function FIX_CASES(): Case[] {
    return [
        {
            name: "over-long DIALS namespace: one problem, no guessed name",
            text: stage((d) => d.setIn(C("dials", "namespace"), `cms-dials-stage-${"x".repeat(60)}`)),
            keys: ["runbooks:dials.namespace"],
            messages: { "runbooks:dials.namespace": /at most 63 characters/ },
            fixes: { "runbooks:dials.namespace": null },
        },
        {
            name: "over-long Stream namespace is not fixed to Packit's",
            text: stage((d) => d.setIn(C("stream", "namespace"), `stream-stg-${"y".repeat(60)}`)),
            keys: ["runbooks:stream.namespace"],
            fixes: { "runbooks:stream.namespace": null },
        },
        {
            name: "upper-case Packit namespace: the fix lower-cases it",
            text: stage((d) => d.setIn(C("packit", "namespace"), "Packit-Stg")),
            keys: ["runbooks:packit.namespace"],
            fixes: { "runbooks:packit.namespace": null },
        },
        {
            name: "namespace with underscores: the fix uses dashes",
            text: stage((d) => d.setIn(C("prow", "jobsNamespace"), "staging_kubevirt_prow_jobs")),
            keys: ["runbooks:prow.jobsNamespace"],
            fixes: { "runbooks:prow.jobsNamespace": null },
        },
        {
            name: "namespace with spaces",
            text: stage((d) => d.setIn(C("thoth", "bots", "namespace"), "aicoe stage bots")),
            keys: ["runbooks:thoth.bots.namespace"],
            fixes: { "runbooks:thoth.bots.namespace": null },
        },
        {
            name: "unquoted tag 1.10 (a YAML float) is reported and fixed as written",
            text: stageLine("      tag: v1.12.0\n", "      tag: 1.10\n"),
            keys: ["runbooks:dials.images.tag"],
            messages: { "runbooks:dials.images.tag": /1\.10.*quote it/ },
            fixes: { "runbooks:dials.images.tag": null },
        },
        {
            name: "unquoted tag 2.0 of Packit",
            text: stageLine("      tag: stg\n", "      tag: 2.0\n"),
            keys: ["runbooks:packit.images.tag"],
            fixes: { "runbooks:packit.images.tag": null },
            messages: { "runbooks:packit.images.tag": /quote it/ },
        },
        {
            name: "unquoted integer tag 15",
            text: stageLine("      tag: v1.12.0\n", "      tag: 15\n"),
            keys: ["runbooks:dials.images.tag"],
            fixes: { "runbooks:dials.images.tag": null },
            messages: { "runbooks:dials.images.tag": /quote it/ },
        },
        {
            name: "unquoted 1e3 is not fixed to 1000",
            text: stageLine("      tag: v1.12.0\n", "      tag: 1e3\n"),
            keys: ["runbooks:dials.images.tag"],
            fixes: { "runbooks:dials.images.tag": null },
            messages: { "runbooks:dials.images.tag": /quote it/ },
        },
        {
            name: "a name with leading zeros (007) keeps them",
            text: stageLine("        gitUserName: sesheta\n", "        gitUserName: 007\n"),
            keys: ["runbooks:thoth.bots.nepthys.gitUserName"],
            fixes: { "runbooks:thoth.bots.nepthys.gitUserName": null },
            messages: { "runbooks:thoth.bots.nepthys.gitUserName": /quote it/ },
        },
        {
            name: "a number where a realm name is meant",
            text: stageLine("        realm: cern\n", "        realm: 2024\n"),
            keys: ["runbooks:dials.web.keycloak.realm"],
            fixes: { "runbooks:dials.web.keycloak.realm": null },
            messages: { "runbooks:dials.web.keycloak.realm": /quote it/ },
        },
        {
            name: "an empty DIALS e-group is not replaced by another workspace's",
            text: stage((d) => d.setIn(C("dials", "workspaces", 2, "egroup"), "")),
            keys: ["runbooks:dials.workspaces[2].egroup"],
            fixes: { "runbooks:dials.workspaces[2].egroup": null },
        },
        {
            name: "an e-group with a newline is not replaced by another workspace's",
            text: stage((d) => d.setIn(C("dials", "workspaces", 0, "egroup"), "cms-dqm\ncsc")),
            keys: ["runbooks:dials.workspaces[0].egroup"],
            fixes: { "runbooks:dials.workspaces[0].egroup": null },
        },
        {
            name: "a YAML merge key is read as Pulumi reads it",
            text: stageLine(
                "    web:\n      env: prod\n      debug: false\n",
                "    web:\n      <<: {env: prod, debug: false}\n",
            ),
            keys: [],
        },
        {
            name: "a merge key with an alias in a list entry",
            text: stageLine(
                "      - {name: csc, egroup: cms-dqm-runregistry-offline-csc-certifiers, indexer: true}\n      - {name: ecal, egroup: cms-dqm-runregistry-offline-ecal-certifiers, indexer: true}\n",
                "      - &csc {name: csc, egroup: cms-dqm-runregistry-offline-csc-certifiers, indexer: true}\n      - {<<: *csc, name: ecal, egroup: cms-dqm-runregistry-offline-ecal-certifiers}\n",
            ),
            keys: [],
        },
        {
            name: "a bad value inside a merge is fixed by an explicit key",
            text: stageLine("      cacheTtlSeconds: 30\n", "      <<: {cacheTtlSeconds: -30}\n"),
            keys: ["runbooks:dials.web.cacheTtlSeconds"],
            fixes: { "runbooks:dials.web.cacheTtlSeconds": null },
        },
        {
            name: "an empty workspace list: the fix does not write it again",
            text: stage((d) => d.setIn(C("dials", "workspaces"), d.createNode([]))),
            keys: ["runbooks:dials.workspaces"],
            fixes: { "runbooks:dials.workspaces": null },
        },
        {
            name: "upper-case host name: the fix lower-cases it",
            text: stage((d) => d.setIn(C("dials", "web", "apiHost"), "CMSDials-API-Stage.web.cern.ch")),
            keys: ["runbooks:dials.web.apiHost"],
            fixes: { "runbooks:dials.web.apiHost": null },
        },
        {
            name: "host name with an underscore",
            text: stage((d) => d.setIn(C("dials", "web", "frontendHost"), "cmsdials_stage.web.cern.ch")),
            keys: ["runbooks:dials.web.frontendHost"],
            fixes: { "runbooks:dials.web.frontendHost": null },
        },
    ];
}

/** Finding 6: values the API server or OpenStack would refuse half-way through `pulumi up`. */
function RANGE_CASES(): Case[] {
    // Production's ssh sources as the operator sets them: the workstation's IPv4 source under test, and its IPv6 range
    // (runbook 004's hub takes ssh over both families).
    const ssh = (source: string, v6 = "2001:db8::10/128") =>
        prod((d) => d.setIn(C("callysto", "sshSources"), d.createNode([source, v6])));
    return [
        {
            name: "replicas 2147483648 (above int32)",
            text: stage((d) => d.setIn(C("prow", "components", "deck", "replicas"), 2147483648)),
            keys: ["runbooks:prow.components.deck.replicas"],
            messages: { "runbooks:prow.components.deck.replicas": /2147483647/ },
        },
        {
            name: "DIALS backend replicas 2147483648",
            text: stage((d) => d.setIn(C("dials", "web", "backendReplicas"), 2147483648)),
            keys: ["runbooks:dials.web.backendReplicas"],
        },
        {
            name: "negative replicas",
            text: stage((d) => d.setIn(C("prow", "components", "hook", "replicas"), -1)),
            keys: ["runbooks:prow.components.hook.replicas"],
        },
        {
            name: "fractional replicas",
            text: stage((d) => d.setIn(C("dials", "web", "frontendReplicas"), 1.5)),
            keys: ["runbooks:dials.web.frontendReplicas"],
        },
        {
            name: "dgraph replicas 2147483648",
            text: stage((d) => d.setIn(C("thoth", "station", "dgraph", "replicas"), 2147483648)),
            keys: ["runbooks:thoth.station.dgraph.replicas"],
        },
        {
            name: "a volume of size 0",
            text: stage((d) => d.setIn(C("prow", "storage", "ghproxy", "size"), "0")),
            keys: ["runbooks:prow.storage.ghproxy.size"],
            messages: { "runbooks:prow.storage.ghproxy.size": /greater than zero/ },
            // The committed file's size, never the schema's example (issue 38: restore, never invent).
            fixes: { "runbooks:prow.storage.ghproxy.size": null },
        },
        {
            name: "a volume of 0Gi",
            text: stage((d) => d.setIn(C("packit", "workers", "sandcastleVolume"), "0Gi")),
            keys: ["runbooks:packit.workers.sandcastleVolume"],
        },
        {
            name: "a broker volume of 0.0Mi",
            text: stage((d) => d.setIn(C("dials", "etl", "brokerStorage"), "0.0Mi")),
            keys: ["runbooks:dials.etl.brokerStorage"],
        },
        {
            name: "a quantity with a space",
            text: stage((d) => d.setIn(C("packit", "postgres", "storage"), "1 Gi")),
            keys: ["runbooks:packit.postgres.storage"],
        },
        {
            name: "a quantity in exponent form is accepted",
            text: stage((d) => d.setIn(C("packit", "postgres", "storage"), "1e9")),
            keys: [],
        },
        {
            name: "port 99999",
            text: stage((d) =>
                d.setIn(C("thoth", "station", "modules", "shared", "prometheus", "pushgatewayPort"), 99999),
            ),
            keys: ["runbooks:thoth.station.modules.shared.prometheus.pushgatewayPort"],
            messages: { "runbooks:thoth.station.modules.shared.prometheus.pushgatewayPort": /1 to 65535/ },
        },
        {
            name: "port 99999 in a host:port list",
            text: stage((d) =>
                d.setIn(C("thoth", "bots", "kafkaBootstrapServers"), "kafka.example.org:99999"),
            ),
            keys: ["runbooks:thoth.bots.kafkaBootstrapServers"],
        },
        {
            name: "Dgraph admin range with an address 999.54.0.0",
            text: stage((d) =>
                d.setIn(C("thoth", "station", "dgraph", "adminWhitelist"), "999.54.0.0:172.54.255.255"),
            ),
            keys: ["runbooks:thoth.station.dgraph.adminWhitelist"],
            messages: { "runbooks:thoth.station.dgraph.adminWhitelist": /IPv4 range/ },
        },
        {
            name: "Dgraph admin range that ends before it starts",
            text: stage((d) =>
                d.setIn(C("thoth", "station", "dgraph", "adminWhitelist"), "172.54.255.255:172.54.0.0"),
            ),
            keys: ["runbooks:thoth.station.dgraph.adminWhitelist"],
            messages: { "runbooks:thoth.station.dgraph.adminWhitelist": /starts after it ends/ },
        },
        {
            name: "API server port 70000",
            text: stage((d) => d.setIn(C("thoth", "apiServer"), "api.ocp4.prod.psi.redhat.com:70000")),
            keys: ["runbooks:thoth.apiServer"],
        },
        {
            name: "IP 999.54.0.0 is fixed",
            text: stage((d) => d.setIn(C("callysto", "hosts", 0, "floatingIp"), "999.54.0.0")),
            keys: ["runbooks:callysto.hosts[0].floatingIp"],
            messages: { "runbooks:callysto.hosts[0].floatingIp": /IPv4 address/ },
        },
        {
            name: "IP with three parts",
            text: stage((d) => d.setIn(C("callysto", "hosts", 1, "floatingIp"), "10.0.1")),
            keys: ["runbooks:callysto.hosts[1].floatingIp"],
        },
        {
            name: "IP in hexadecimal form",
            text: stage((d) => d.setIn(C("callysto", "hosts", 1, "floatingIp"), "0x7f.0.0.1")),
            keys: ["runbooks:callysto.hosts[1].floatingIp"],
        },
        {
            name: "CIDR prefix /33",
            text: ssh("203.0.113.10/33"),
            stack: "prod",
            keys: ["runbooks:callysto.sshSources[0]"],
        },
        {
            name: "production ssh from 0.0.0.0/0 is refused",
            text: ssh("0.0.0.0/0"),
            stack: "prod",
            keys: ["runbooks:callysto.sshSources[0]"],
            messages: { "runbooks:callysto.sshSources[0]": /whole internet.*allowSshFromAnywhere/ },
            fixes: { "runbooks:callysto.sshSources[0]": /checkip/ },
        },
        {
            name: "production ssh from ::/0 is refused",
            text: ssh("203.0.113.10/32", "::/0"),
            stack: "prod",
            keys: ["runbooks:callysto.sshSources[1]"],
        },
        {
            name: "production ssh over IPv4 alone is refused: runbook 004's hub takes ssh over IPv6 too",
            text: prod((d) => d.setIn(C("callysto", "sshSources"), d.createNode(["203.0.113.10/32"]))),
            stack: "prod",
            keys: ["runbooks:callysto.sshSources"],
            messages: { "runbooks:callysto.sshSources": /lists no IPv6 range/ },
            fixes: { "runbooks:callysto.sshSources": /curl -6/ },
        },
        {
            name: "a production host of a role runbook 004's Terraform has no group for is refused",
            text: prod((d) => d.setIn(C("callysto", "hosts", 0, "role"), "stats")),
            stack: "prod",
            // stats has no role defaults in production: its flavor and image are asked for too.
            keys: [
                "runbooks:callysto.hosts[0].flavor",
                "runbooks:callysto.hosts[0].image",
                "runbooks:callysto.hosts[0].role",
            ],
            messages: {
                "runbooks:callysto.hosts[0].role":
                    /tcp 9999 from 0\.0\.0\.0\/0.*remove hosts\[0\] from the production stack/,
            },
            fixes: { "runbooks:callysto.hosts[0].role": null },
        },
        {
            name: "production ssh from 0.0.0.0/0 and ::/0 with the named exception is accepted, as runbook 004 has it",
            text: prod((d) => {
                d.setIn(C("callysto", "sshSources"), d.createNode(["0.0.0.0/0", "::/0"]));
                d.setIn(C("callysto", "allowSshFromAnywhere"), "INC-4711: workstation address changes daily");
            }),
            stack: "prod",
            keys: [],
        },
        {
            name: "staging ssh from 0.0.0.0/0 is accepted",
            text: stage((d) => d.setIn(C("callysto", "sshSources"), d.createNode(["0.0.0.0/0"]))),
            keys: [],
        },
        {
            name: "a volume of 0 GB",
            text: stage((d) => d.setIn(C("callysto", "roleDefaults", "hub", "zfsSize"), 0)),
            keys: ["runbooks:callysto.roleDefaults.hub.zfsSize"],
        },
        {
            name: "a volume of 2147483648 GB",
            text: stage((d) => d.setIn(C("callysto", "roleDefaults", "stats", "zfsSize"), 2147483648)),
            keys: ["runbooks:callysto.roleDefaults.stats.zfsSize"],
        },
    ];
}

/** Finding 5: credentials in plain config values. */
function SECRET_CASES(): Case[] {
    const leaked = /looks like a credential.*rotate/;
    return [
        {
            name: "a private key as the default workspace's name: the default's check names its key, never its value",
            text: stage((d) => d.setIn(C("dials", "workspaces", 4, "name"), PEM)),
            keys: ["runbooks:dials.defaultWorkspace", "runbooks:dials.workspaces[4].name"],
            messages: {
                "runbooks:dials.defaultWorkspace":
                    /^(?![^]*PRIVATE)[^]*<the credential at runbooks:dials\.workspaces\[4\]\.name>/,
                "runbooks:dials.workspaces[4].name": /private key.*rotate/,
            },
        },
        {
            name: "a GitHub token as a git user name",
            text: stage((d) => d.setIn(C("thoth", "bots", "nepthys", "gitUserName"), GHP)),
            keys: ["runbooks:thoth.bots.nepthys.gitUserName"],
            messages: { "runbooks:thoth.bots.nepthys.gitUserName": /GitHub token.*rotate/ },
            fixes: { "runbooks:thoth.bots.nepthys.gitUserName": null },
        },
        {
            name: "a GitHub token in the free-form sesheta ConfigMap",
            text: stage((d) => d.setIn(C("thoth", "bots", "seshetaConfig", "token"), GHP)),
            keys: ["runbooks:thoth.bots.seshetaConfig.token"],
            messages: { "runbooks:thoth.bots.seshetaConfig.token": /GitHub token.*rotate.*--secret/ },
            fixes: { "runbooks:thoth.bots.seshetaConfig.token": null },
        },
        {
            name: "a GitHub token next to a URL with a password: both named",
            text: stage((d) =>
                d.setIn(C("thoth", "bots", "seshetaConfig", "webhook"), `https://bot:${GHP}@github.com/x`),
            ),
            keys: ["runbooks:thoth.bots.seshetaConfig.webhook"],
            messages: {
                "runbooks:thoth.bots.seshetaConfig.webhook":
                    /GitHub token.*URL with a password|URL with a password.*GitHub token/,
            },
        },
        {
            name: "a GitHub token in a list of the ConfigMap",
            text: stage((d) => d.setIn(C("thoth", "bots", "seshetaConfig", "repositories", 3), GHP)),
            keys: ["runbooks:thoth.bots.seshetaConfig.repositories[3]"],
            fixes: { "runbooks:thoth.bots.seshetaConfig.repositories[3]": null },
        },
        {
            name: "an AWS key in Callysto's Ansible vars",
            text: stage((d) => d.setIn(C("callysto", "provisioning", "vars", "aws_access_key_id"), AKIA)),
            keys: ["runbooks:callysto.provisioning.vars.aws_access_key_id"],
            messages: { "runbooks:callysto.provisioning.vars.aws_access_key_id": /AWS access key.*rotate/ },
            fixes: { "runbooks:callysto.provisioning.vars.aws_access_key_id": null },
        },
        {
            name: "an AWS key in Callysto's hub vars",
            text: stage((d) => d.setIn(C("callysto", "provisioning", "hubVars", "s3_key"), AKIA)),
            keys: ["runbooks:callysto.provisioning.hubVars.s3_key"],
            messages: { "runbooks:callysto.provisioning.hubVars.s3_key": leaked },
        },
        {
            name: "a nested secret in an Ansible var",
            text: stage((d) =>
                d.setIn(C("callysto", "provisioning", "vars", "backup"), d.createNode({ s3: { key: AKIA } })),
            ),
            keys: ["runbooks:callysto.provisioning.vars.backup.s3.key"],
        },
        {
            name: "a pasted private key as the public key is called leaked",
            text: stage((d) => d.setIn(C("callysto", "keypair", "publicKey"), PEM)),
            keys: ["runbooks:callysto.keypair.publicKey"],
            messages: {
                "runbooks:callysto.keypair.publicKey":
                    /private key.*leaked.*rotate|private key.*rotate.*leaked/,
            },
        },
        {
            name: "a Slack token as a Keycloak realm",
            text: stage((d) => d.setIn(C("dials", "web", "keycloak", "realm"), SLACK)),
            keys: ["runbooks:dials.web.keycloak.realm"],
            messages: { "runbooks:dials.web.keycloak.realm": /Slack token/ },
        },
        {
            name: "a password in a dist-git URL",
            text: stage((d) =>
                d.setIn(C("packit", "distgit", "url"), "https://packit:hunter2@src.stg.fedoraproject.org/"),
            ),
            keys: ["runbooks:packit.distgit.url"],
            messages: { "runbooks:packit.distgit.url": /URL with a password/ },
            fixes: { "runbooks:packit.distgit.url": null },
        },
        {
            name: "a password in the scrum URL",
            text: stage((d) =>
                d.setIn(
                    C("thoth", "bots", "sesheta-scrum", "url"),
                    "https://scrum:hunter2@bluejeans.com/thoth",
                ),
            ),
            keys: ["runbooks:thoth.bots.sesheta-scrum.url"],
        },
        {
            name: "a GitLab token in Prow's free-form plugins document",
            text: stage((d) =>
                d.setIn(C("prow", "documents"), d.createNode({ plugins: { gitlab: { token: GLPAT } } })),
            ),
            keys: ["runbooks:prow.documents.plugins.gitlab.token"],
            messages: { "runbooks:prow.documents.plugins.gitlab.token": /GitLab token/ },
            fixes: { "runbooks:prow.documents.plugins.gitlab.token": null },
        },
        {
            name: "a GitHub token as an unknown top-level key",
            text: stage((d) => d.setIn(C("github-token"), GHP)),
            keys: ["runbooks:github-token"],
            messages: { "runbooks:github-token": leaked },
        },
        {
            name: "a private key in the announcement banner",
            text: stage((d) => d.setIn(C("callysto", "provisioning", "announcement"), PEM)),
            keys: ["runbooks:callysto.provisioning.announcement"],
            messages: { "runbooks:callysto.provisioning.announcement": /private key/ },
        },
        {
            name: "an AWS key as an e-mail address",
            text: stage((d) => {
                d.setIn(C("thoth", "bots", "nepthys", "gitUserEmail"), AKIA);
            }),
            keys: ["runbooks:thoth.bots.nepthys.gitUserEmail"],
        },
    ];
}

/** How a case came out: the classes the issue counts. */
export type Verdict = "clean" | "wrong fix" | "accepted" | "crash" | "false alarm";

/** Every way a case's problems or fixes fall short; empty when it is clean. */
export function faultsOf(c: Case): { verdict: Verdict; faults: string[] } {
    const stack = c.stack ?? "stage";
    let outcome: Outcome;
    try {
        ({ outcome } = validated(c.text, stack));
    } catch (err) {
        return { verdict: "crash", faults: [String((err as Error).stack ?? err)] };
    }
    if (/\n\s+at .+\(.+:\d+:\d+\)/.test(outcome.message))
        return { verdict: "crash", faults: ["stack trace"] };
    if (c.fileError) {
        const ok = c.fileError.test(outcome.fileError ?? "") && outcome.fileError!.split("\n").length === 1;
        return ok ? { verdict: "clean", faults: [] } : { verdict: "wrong fix", faults: [outcome.message] };
    }
    const keys = [...new Set(outcome.problems.map((p) => p.key))].sort();
    const expected = [...(c.keys ?? [])].sort();
    if (expected.length === 0) {
        return keys.length === 0
            ? { verdict: "clean", faults: [] }
            : { verdict: "false alarm", faults: [outcome.message] };
    }
    if (keys.length === 0) return { verdict: "accepted", faults: ["no problem reported"] };
    const faults: string[] = [];
    if (JSON.stringify(keys) !== JSON.stringify(expected))
        faults.push(`keys ${keys.join(", ")}\n${outcome.message}`);
    for (const [key, re] of Object.entries(c.fixes ?? {})) {
        const p = outcome.problems.find((q) => q.key === key);
        if (!p || (re === null ? p.fix !== undefined : !re.test(p.fix ?? "")))
            faults.push(`fix of ${key} is "${p?.fix}", not ${re ?? "none"}`);
    }
    for (const [key, re] of Object.entries(c.messages ?? {})) {
        const p = outcome.problems.find((q) => q.key === key);
        if (!p || !re.test(p.message)) faults.push(`message of ${key} is "${p?.message}", not ${re}`);
    }
    faults.push(...fixFaults(c.text, stack, outcome));
    return { verdict: faults.length === 0 ? "clean" : "wrong fix", faults };
}

/**
 * Every way what one run printed falls short (./printed.ts): a command of no allowed kind, another stack's value or
 * a credential printed. Shared by the listed battery and the generative one (test/config/generative).
 */
export function fixFaults(text: string, stack: string, outcome: Outcome): string[] {
    return printFaults(text, stack, outcome.problems);
}
