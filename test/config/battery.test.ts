import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Document, parseDocument } from "yaml";
import { loadProgramConfig } from "../../components/config/load";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { SYSTEMS } from "../../components/systems";
import { planCommand } from "../../tools/plan/cli";
import { checkSize } from "../../tools/plan/size";
import { StackFileError, readStackFile, stackFileSource } from "../../tools/plan/stackfile";
import { planFix } from "./apply";
import { repoRoot } from "../../tools/root";

// A battery of broken stack files, each checked the way the offline plan checks it: the exact set of problems one
// run reports, and that following each printed fix (applied as the Pulumi CLI would) makes its problem go away.

const ROOT = repoRoot();
const STAGE = readFileSync(path.join(ROOT, "Pulumi.stage.yaml"), "utf8");
const PROD = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");

interface Outcome {
    problems: ConfigProblem[];
    message: string;
    /** A stack file that could not be read at all (one line). */
    fileError?: string;
}

/** The directory validate() writes stack files to: one per run of this file, so each check pays no mkdtemp/rm. */
let stackDir: string | undefined;
const outcomes = new Map<string, Outcome>();

/**
 * Validates a stack file's text as `npm run plan -- --stack <stack>` does, without evaluating the program: written
 * to disk and read by readStackFile, as the plan reads it. Pure for a given text, so a text seen before (a case whose
 * one fix is also all its fixes) is not validated twice.
 */
function validate(text: string, stack = "stage"): Outcome {
    const key = `${stack}\n${text}`;
    let outcome = outcomes.get(key);
    if (!outcome) {
        outcome = validateFile(text, stack);
        outcomes.set(key, outcome);
    }
    return outcome;
}

function validateFile(text: string, stack: string): Outcome {
    stackDir ??= mkdtempSync(path.join(tmpdir(), "battery-"));
    writeFileSync(path.join(stackDir, `Pulumi.${stack}.yaml`), text);
    try {
        const file = readStackFile(stack, stackDir);
        checkSize(stack, file.values);
        loadProgramConfig(stackFileSource(file, "[secret]"), SYSTEMS, { placeholderSecret: () => "x" });
        return { problems: [], message: "" };
    } catch (err) {
        if (err instanceof ConfigError) return { problems: [...err.problems], message: err.message };
        if (err instanceof StackFileError)
            return { problems: [], message: err.message, fileError: err.message };
        throw err;
    }
}

/** The stack files the cases edit, parsed once: each edit works on a copy. */
const parsed = new Map<string, Document>();

function edit(base: string, change: (doc: Document) => void): string {
    let original = parsed.get(base);
    if (!original) {
        original = parseDocument(base);
        parsed.set(base, original);
    }
    const doc = original.clone();
    change(doc);
    return doc.toString({ lineWidth: 0 });
}
const stage = (change: (doc: Document) => void) => edit(STAGE, change);
const C = (section: string, ...rest: (string | number)[]) => ["config", `runbooks:${section}`, ...rest];

interface Case {
    name: string;
    text: string;
    stack?: string;
    /** Problem keys, exactly (one run). */
    keys?: string[];
    /** Expected one-line file error. */
    fileError?: RegExp;
    /** Each fix must match (per key), for fixes whose wording matters. */
    fixes?: Record<string, RegExp>;
    messages?: Record<string, RegExp>;
    /**
     * Following every printed fix in order leaves no problem at all: for fixes whose order matters (removing list
     * items shifts the indexes of the ones after), where a wrong order leaves a problem with another message.
     */
    fixedClean?: boolean;
}

const WS = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: i === 0 ? "tracker" : `ws${i}`, egroup: "e" }));
const withWorkspaces = (n: number) => stage((d) => d.setIn(C("dials", "workspaces"), d.createNode(WS(n))));

/**
 * Stage with `n` DIALS workspaces, the text `withWorkspaces(n)` makes (a test below holds them equal), written by
 * repeating the one entry's lines: building and printing 10,000 YAML nodes costs about 0.3 s.
 */
function manyWorkspaces(n: number): string {
    const one = withWorkspaces(1);
    const entry = /^( +)- name: tracker\n\1 {2}egroup: e\n/m.exec(one)!;
    const lines = WS(n).map((w) => `${entry[1]}- name: ${w.name}\n${entry[1]}  egroup: ${w.egroup}\n`);
    return one.slice(0, entry.index) + lines.join("") + one.slice(entry.index + entry[0].length);
}

const CASES: Case[] = [
    { name: "empty file", text: "", keys: ["Pulumi.stage.yaml"] },
    { name: "a scalar instead of a mapping", text: "hello\n", keys: ["Pulumi.stage.yaml"] },
    {
        name: "configs: instead of config:",
        text: STAGE.replace(/^config:/m, "configs:"),
        keys: ["Pulumi.stage.yaml: configs"],
        messages: { "Pulumi.stage.yaml: configs": /did you mean "config"/ },
    },
    { name: "config: is a list", text: "config:\n  - a\n  - b\n", keys: ["Pulumi.stage.yaml: config"] },
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
        name: "duplicate key",
        text: STAGE.replace("runbooks:tier: staging", "runbooks:tier: staging\n  runbooks:tier: production"),
        fileError: /^Pulumi\.stage\.yaml:\d+:\d+: Map keys must be unique/,
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
        fixes: { "runbooks:tier": /^pulumi config set tier production --stack stage$/ },
        messages: { "runbooks:tier": /staging and local/ },
    },
    {
        name: "missing tier on prod suggests production",
        stack: "prod",
        text: edit(PROD, (d) => d.deleteIn(C("tier"))),
        keys: ["runbooks:tier"],
        fixes: { "runbooks:tier": /^pulumi config set tier production --stack prod$/ },
    },
    {
        name: "tier prod (not a tier)",
        text: stage((d) => d.setIn(C("tier"), "prod")),
        keys: ["runbooks:tier"],
        fixes: { "runbooks:tier": /tier production/ },
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
        fixes: { "runbooks:prow.enabled": /--path prow\.enabled false --stack stage$/ },
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
        fixes: { "runbooks:dials.cluster": /dials\.cluster cern-paas/ },
    },
    {
        name: "undefined cluster",
        text: stage((d) => d.setIn(C("dials", "cluster"), "mars")),
        keys: ["runbooks:dials.cluster"],
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
        text: stage((d) => d.setIn(C("thoth-stage-kebechet-ssh-privatekey"), "-----BEGIN")),
        keys: ["runbooks:thoth-stage-kebechet-ssh-privatekey"],
        fixes: {
            "runbooks:thoth-stage-kebechet-ssh-privatekey":
                /--secret thoth-stage-kebechet-ssh-privatekey --stack stage < \S+$/,
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
        fixes: { "runbooks:dials.web.cacheTtlSeconds": /cacheTtlSeconds 30 --stack stage$/ },
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
        fixes: { "runbooks:dials.workspaces[6].name": /rm --path 'dials\.workspaces\[6\]'/ },
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
        keys: ["runbooks:clusters.psi.adoptExisting"],
    },
    {
        name: "namespace clash between two systems",
        text: stage((d) => {
            d.setIn(C("prow", "cluster"), "cern-paas");
            d.setIn(C("prow", "namespace"), String(d.getIn(C("dials", "namespace"))));
        }),
        keys: ["runbooks:dials.namespace", "runbooks:prow.namespace"],
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
            "runbooks:dials.namespace",
            "runbooks:dials.web.cacheTtlSeconds",
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
];

describe("stack file battery: one run shows every problem, every fix is safe and works", function () {
    this.timeout(60000);
    after(() => {
        if (stackDir) rmSync(stackDir, { recursive: true, force: true });
    });

    it(`has at least 40 malformed files (${CASES.length})`, () => {
        assert.ok(CASES.filter((c) => (c.keys?.length ?? 1) > 0).length >= 40);
    });

    it("many workspaces are written as the yaml library writes them", () => {
        assert.equal(manyWorkspaces(3), withWorkspaces(3));
    });

    for (const c of CASES) {
        const stack = c.stack ?? "stage";
        it(c.name, () => {
            const outcome = validate(c.text, stack);
            assert.doesNotMatch(outcome.message, /\n\s+at .+\(.+:\d+:\d+\)/, "no stack trace");
            if (c.fileError) {
                assert.match(outcome.fileError ?? "", c.fileError);
                assert.equal(outcome.fileError!.split("\n").length, 1, "one line");
                return;
            }
            const keys = [...new Set(outcome.problems.map((p) => p.key))].sort();
            assert.deepEqual(keys, [...c.keys!].sort(), outcome.message);
            for (const [key, re] of Object.entries(c.fixes ?? {})) {
                assert.match(outcome.problems.find((p) => p.key === key)!.fix, re);
            }
            for (const [key, re] of Object.entries(c.messages ?? {})) {
                assert.match(outcome.problems.find((p) => p.key === key)!.message, re);
            }
            for (const p of outcome.problems) assertSafe(p, stack);

            // Each fix alone removes its own problem.
            const follow = following(c.text, stack);
            for (const p of outcome.problems) {
                const alone = follow([p.fix]);
                if (alone.manual[0]) continue;
                const after = validate(alone.text, stack);
                assert.ok(
                    !after.problems.some((q) => q.key === p.key && q.message === p.message),
                    `fix "${p.fix}" did not remove: ${p.key}: ${p.message}\n${after.message}`,
                );
            }
            // All fixes, in the order printed, remove every problem they address.
            const printed = sortedAsPrinted(outcome);
            const all = follow(printed.map((p) => p.fix));
            const manual = printed.filter((_, i) => all.manual[i]);
            const after = validate(all.text, stack);
            const left = after.problems.filter((q) =>
                outcome.problems.some(
                    (p) => p.key === q.key && p.message === q.message && !manual.includes(p),
                ),
            );
            assert.deepEqual(left, [], after.message);
            if (c.fixedClean) assert.deepEqual(after.problems, [], after.message);
        });
    }
});

interface Followed {
    /** The file after the fixes. */
    text: string;
    /** Per fix: it needs judgement (only the parts before such a part were applied, as an operator would stop). */
    manual: boolean[];
}

/**
 * Follows fixes on a stack file, in order, as the Pulumi CLI would: the file is parsed once, each sequence of fixes
 * works on a copy, and one already followed (a case's only fix is also all its fixes) is not followed twice. Fixes
 * that change nothing leave the file as it is.
 */
function following(text: string, stack: string): (fixes: string[]) => Followed {
    let original: Document | undefined;
    const done = new Map<string, Followed>();
    return (fixes) => {
        const key = fixes.join("\n");
        const known = done.get(key);
        if (known) return known;
        const plans = fixes.map((fix) => planFix(fix, stack));
        const manual = plans.map((plan) => plan.manual !== undefined);
        let result: Followed = { text, manual };
        if (plans.some((plan) => plan.edits.length > 0)) {
            original ??= parseDocument(text);
            const doc = original.clone();
            for (const plan of plans) for (const change of plan.edits) change(doc);
            result = { text: doc.toString({ lineWidth: 0 }), manual };
        }
        done.set(key, result);
        return result;
    };
}

/** The problems in the order the message lists them (the order an operator runs the fixes). */
function sortedAsPrinted(outcome: Outcome): ConfigProblem[] {
    const order = outcome.message.split("\n").filter((l) => /^\s+\d+\. /.test(l));
    return order.map((line) => outcome.problems.find((p) => line.includes(`${p.key}: ${p.message}`))!);
}

/** What a fix must never do on a production stack. */
function assertSafe(p: ConfigProblem, stack: string): void {
    for (const part of p.fix.split(" && ")) {
        if (part.startsWith("pulumi config")) assert.match(part, new RegExp(`--stack ${stack}( |$)`), p.fix);
        assert.doesNotMatch(part, /config set .*tier (staging|local)/, `never lowers the tier: ${p.fix}`);
        const rm = /^pulumi config rm (\S+)( |$)/.exec(part);
        if (rm) {
            const section = rm[1];
            assert.ok(
                !SYSTEMS.some((s) => s.section === section) &&
                    !["tier", "clusters", "openstack"].includes(section),
                `never removes a whole section: ${p.fix}`,
            );
        }
        if (/--secret/.test(part))
            assert.match(part, /--secret \S+ --stack \S+( < \S+)?$/, `secret from prompt or file: ${p.fix}`);
        for (const prodOnly of [
            "cms-dials-prod",
            "aicoe-prod-bots",
            "prow.ci.kubevirt.io",
            "cmsdials-api.web.cern.ch",
            "29180",
        ]) {
            if (stack !== "prod")
                assert.ok(!part.includes(prodOnly), `no production value in a stage fix: ${p.fix}`);
        }
    }
}

describe("plan command on bad input (in-process)", function () {
    this.timeout(60000);
    let root: string;
    beforeEach(() => {
        root = mkdtempSync(path.join(tmpdir(), "plan-cli-"));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("a YAML error: one line with file:line:column, exit 1", async () => {
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), "config:\n  runbooks:tier: [x\n");
        const r = await planCommand(["--stack", "stage", "--out", path.join(root, "out")], root);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^Pulumi\.stage\.yaml:\d+:\d+: [^\n]+\n$/);
    });

    it("an unknown stack names the stacks there", async () => {
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), STAGE);
        writeFileSync(path.join(root, "Pulumi.prod.yaml"), PROD);
        const r = await planCommand(["--stack", "staging"], root);
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            'no stack "staging": Pulumi.staging.yaml does not exist. Stacks here: prod, stage; did you mean --stack stage?\n',
        );
    });

    it("refuses an --out directory it does not own and deletes nothing", async () => {
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), STAGE);
        writeFileSync(path.join(root, "precious.txt"), "keep me");
        const r = await planCommand(["--stack", "stage", "--out", root], root);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /is not empty and is not a plan output/);
        assert.equal(readFileSync(path.join(root, "precious.txt"), "utf8"), "keep me");
    });

    it("a configuration error removes an earlier plan of the stack, so it cannot pass for current", async () => {
        writeFileSync(
            path.join(root, "Pulumi.stage.yaml"),
            STAGE.replace("runbooks:tier: staging", "runbooks:tier: prod"),
        );
        const out = path.join(root, "out");
        mkdirSync(out);
        writeFileSync(path.join(out, ".runbooks-plan"), "stack: stage\n");
        writeFileSync(path.join(out, "resources.json"), "[]");
        const r = await planCommand(["--stack", "stage", "--out", out], root);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /runbooks:tier/);
        assert.ok(!existsSync(out));
    });
});
