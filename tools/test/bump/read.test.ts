import { strict as assert } from "assert";
import { stringify } from "yaml";
import type { ImageEvidence, ReadFacts } from "../../../components/shared/evidence/schema";
import { containerReport, containersOf, factChanges } from "../../bump/read";

// The bump reader (tools/bump/read.ts) on a release that renames a variable, drops one, adds a required one and a
// flag: the change list names each, and a container still given what the new release no longer reads, or lacking what
// it requires, fails naming the container, the variable or flag and the source. No git, no network: the two plans'
// containers and the two releases' evidence are built here.

const facts = (env: ReadFacts["env"], flags: string[]): ReadFacts => ({
    state: "read",
    listens: [{ port: 8000, serves: "api", at: "o/app@1:run.sh:3" }],
    flags: flags.map((name) => ({ name, at: `o/app@c:cli.py:${name.length}` })),
    binaries: ["app"],
    env,
    files: [],
});
const entry = (version: string, f: ReadFacts): ImageEvidence => ({
    image: "r.io/o/app",
    version,
    source: { repo: "o/app", commit: version },
    facts: f,
});
const OLD = entry(
    "v1",
    facts(
        [
            { name: "APP_CONFIDENTIAL_ID", required: true, at: "o/app@aaa:settings.py:10" },
            { name: "APP_LANDING", required: true, at: "o/app@aaa:env.py:5" },
        ],
        ["loglevel"],
    ),
);
const NEW = entry(
    "v2",
    facts(
        [
            { name: "APP_CLIENT_ID", required: true, at: "o/app@bbb:settings.py:10" },
            { name: "APP_LAYERS", required: true, at: "o/app@bbb:env.py:14" },
        ],
        ["loglevel", "queues"],
    ),
);

/** A plan with one Deployment whose container runs `image` and gets `vars` through a Secret. */
function plan(image: string, vars: string[]): string {
    const secret = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "s", namespace: "ns" },
        stringData: {},
    };
    secret.stringData = Object.fromEntries(vars.map((v) => [v, "[placeholder]"]));
    const container = {
        name: "app",
        image,
        command: ["app", "--loglevel=INFO"],
        envFrom: [{ secretRef: { name: "s" } }],
    };
    const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "app", namespace: "ns" },
        spec: { template: { spec: { containers: [container] } } },
    };
    return [secret, deployment].map((o) => stringify(o)).join("---\n");
}

describe("bump reader: what a new release changes in what a container gets (issue 82)", () => {
    it("lists the renamed and removed variables, the newly required one and the new flag, with their sources", () => {
        assert.deepEqual(factChanges(OLD.facts as ReadFacts, NEW.facts as ReadFacts), [
            "flag queues new (o/app@c:cli.py:6)",
            "variable APP_CONFIDENTIAL_ID renamed APP_CLIENT_ID (o/app@bbb:settings.py:10)",
            "variable APP_LANDING removed (o/app@aaa:env.py:5 no longer reads it)",
            "variable APP_LAYERS newly required (o/app@bbb:env.py:14)",
        ]);
    });

    it("passes a bumped container given exactly what the new release reads", () => {
        const [c] = containersOf("prod", plan("r.io/o/app:v2", ["APP_CLIENT_ID", "APP_LAYERS"]));
        const report = containerReport(c, "r.io/o/app:v1", [OLD], [NEW]);
        assert.equal(report.failed, false, report.lines.join("\n"));
        assert.equal(report.lines[0], "prod Deployment ns/app app: r.io/o/app:v1 → r.io/o/app:v2");
    });

    it("control: a stale variable, a missing required one and an undefined flag fail naming container and source", () => {
        const [c] = containersOf("prod", plan("r.io/o/app:v2", ["APP_CONFIDENTIAL_ID", "APP_CLIENT_ID"]));
        c.view = { ...c.view, command: ["app", "--loglevel=INFO", "--landing=/eos"] };
        const report = containerReport(c, "r.io/o/app:v1", [OLD], [NEW]);
        assert.equal(report.failed, true);
        const fails = report.lines.filter((l) => l.includes("FAIL"));
        assert.deepEqual(fails, [
            "  FAIL prod Deployment ns/app app: passes --landing, a flag r.io/o/app:v2 does not define [read at o/app@v2]",
            "  FAIL prod Deployment ns/app app: sets APP_CONFIDENTIAL_ID (through envFrom Secret s), a variable r.io/o/app:v2 never reads [read at o/app@v2]",
            "  FAIL prod Deployment ns/app app: sets no APP_LAYERS, which r.io/o/app:v2 needs (o/app@bbb:env.py:14) [read at o/app@v2]",
        ]);
    });

    it("control: a pin with no evidence at its new release fails", () => {
        const [c] = containersOf("prod", plan("r.io/o/app:v3", ["APP_CLIENT_ID", "APP_LAYERS"]));
        const report = containerReport(c, "r.io/o/app:v1", [OLD], [NEW]);
        assert.equal(report.failed, true);
        assert.ok(
            report.lines.some((l) => l.includes("which the evidence has no entry for (it has v2)")),
            report.lines.join("\n"),
        );
    });
});
