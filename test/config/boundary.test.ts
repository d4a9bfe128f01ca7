// Issue #25: what a stack is (production by its name) and what it may write (its clusters' grants, nothing another
// stack on the same cluster owns). Each case is a committed stack file with one mistake, validated as the plan
// validates it, beside the other committed stack files; the printed fixes, applied in printed order as the Pulumi CLI
// would, must leave a file with no problem at all.
import { strict as assert } from "assert";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { Document, parseDocument } from "yaml";
import { isProductionStack } from "../../components/config/identity";
import { hostCovers, hostsOverlap } from "../../components/config/ownership";
import { ConfigProblem } from "../../components/config/problems";
import { ConfigSource } from "../../components/config/source";
import { ParsedStackText, parseStackText, stackFileOf, stackFileSource } from "../../tools/plan/stackfile";
import { repoRoot } from "../../tools/root";
import { stackIsProduction } from "../../policy/tier";
import { printFaults } from "./printed";
import { configProblems } from "../harness";

const ROOT = repoRoot();
let dir: string;
/**
 * Per stack under test, a checkout of the stack files whose other files stay as committed: a case writes only the
 * file of the stack it validates, so the other stacks' files keep their path and mtime, and the program reads each
 * of them once (components/config/stacks.ts keeps a file's reading while it is unchanged) instead of once a case.
 */
const roots = new Map<string, string>();

before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "boundary-"));
});
after(() => {
    rmSync(dir, { recursive: true, force: true });
    roots.clear();
});

/** The checkout's stack files in a fresh directory, with `stack`'s replaced by `text`. */
function checkout(stack: string, text: string): string {
    const root = mkdtempSync(path.join(dir, "c-"));
    for (const f of readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
        copyFileSync(path.join(ROOT, f), path.join(root, f));
    }
    writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
    return root;
}

/** `stack`'s checkout (see {@link roots}) with its stack file replaced by `text`. */
function checkoutOf(stack: string, text: string): string {
    let root = roots.get(stack);
    if (root === undefined) {
        root = checkout(stack, text);
        roots.set(stack, root);
    } else {
        writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
    }
    return root;
}

/**
 * The problems `npm run plan -- --stack <stack>` would report for the stack file in `root` whose text `parsed` is
 * (parsed as readStackFile parses it: a text validated several times, or validated and then fixed, is parsed once).
 */
function problemsIn(
    stack: string,
    parsed: ParsedStackText,
    root: string,
    wrap?: (s: ConfigSource) => ConfigSource,
): ConfigProblem[] {
    // stackFileOf only reads the document, and hands each validation values of its own.
    const source = stackFileSource(stackFileOf(stack, `Pulumi.${stack}.yaml`, parsed), "[secret]");
    return configProblems(wrap ? wrap(source) : source, { placeholderSecret: () => "x", root });
}

/** The problems of a committed stack file, validated where it is committed (beside the other committed files). */
function committedProblems(stack: string, parsed = parseStackText(committed(stack))): ConfigProblem[] {
    return problemsIn(stack, parsed, ROOT);
}

const committed = (stack: string) => readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
const C = (section: string, ...rest: (string | number)[]) => ["config", `runbooks:${section}`, ...rest];

function edited(stack: string, change: (doc: Document) => void): string {
    const doc = parseDocument(committed(stack));
    change(doc);
    return doc.toString({ lineWidth: 0 });
}

/** The problems of a case by key: exactly `keys`, and nothing printed holds another stack's value or sets one. */
function expectFixed(stack: string, text: string, keys: string[]): Map<string, ConfigProblem> {
    const parsed = parseStackText(text);
    const problems = problemsIn(stack, parsed, checkoutOf(stack, text));
    assert.deepEqual(problems.map((p) => p.key).sort(), [...keys].sort(), JSON.stringify(problems, null, 1));
    assert.deepEqual(printFaults(text, stack, problems), []);
    return new Map(problems.map((p) => [p.key, p]));
}

/** The one problem of a case, about `key`, after {@link expectFixed}'s checks. */
function onlyFixed(stack: string, text: string, key: string): ConfigProblem {
    return expectFixed(stack, text, [key]).get(key)!;
}

/** The config path of the grant of `namespace` on `cluster`, and its key. */
const grantKey = (cluster: string, namespace: string) =>
    `runbooks:clusters.${cluster}.namespaces.${namespace}`;

/** That grant's problem among a case's: granting the namespace to `system`, or without one removing it. */
function assertGrantFix(
    byKey: Map<string, ConfigProblem>,
    cluster: string,
    namespace: string,
    system?: string,
): void {
    const p = byKey.get(grantKey(cluster, namespace))!;
    assert.match(
        p.message,
        system === undefined ? /: remove it$/ : new RegExp(`: grant it to ${system} there$`),
    );
    assert.equal(p.fix, undefined);
}

describe("stack boundaries (#25)", function () {
    this.timeout(60000);

    it("both committed stacks and the local ones are within their grants", () => {
        for (const stack of ["stage", "prod", "local", "local-callysto"]) {
            assert.deepEqual(committedProblems(stack), [], stack);
        }
    });

    describe("production is the stack's name (finding 1)", () => {
        it("refuses tier: staging in Pulumi.prod.yaml, names the file line, and the fix restores production", () => {
            const text = committed("prod").replace("runbooks:tier: production", "runbooks:tier: staging");
            const line = text.split("\n").findIndex((l) => l.includes("runbooks:tier:")) + 1;
            const p = onlyFixed("prod", text, "runbooks:tier");
            assert.match(p.message, new RegExp(`says "staging" \\(Pulumi\\.prod\\.yaml:${line}\\)`));
            assert.match(p.message, /production by its name/);
            assert.match(p.message, /its tier is production$/);
        });

        it("the pack checks prod as production whatever its file says", () => {
            const root = checkout("prod", committed("prod").replace("tier: production", "tier: staging"));
            assert.equal(stackIsProduction("prod", root), true);
            assert.equal(stackIsProduction("stage", root), false);
            assert.ok(isProductionStack("prod") && !isProductionStack("stage"));
        });
    });

    describe("a stack writes only what it owns (finding 2)", () => {
        it("stage's DIALS in prod's namespace moves back to stage's own, and prod's stays", () => {
            const text = edited("stage", (d) => d.setIn(C("dials", "namespace"), "cms-dials-prod"));
            const p = onlyFixed("stage", text, "runbooks:dials.namespace");
            assert.match(p.message, /stack "prod" \(production\) owns it \(Pulumi\.prod\.yaml/);
            assert.match(p.message, /"cms-dials-stage" is granted to dials and unused$/);
        });

        it("granting prod's namespace to stage is refused too: the grant goes, DIALS moves", () => {
            const text = edited("stage", (d) => {
                d.setIn(C("dials", "namespace"), "cms-dials-prod");
                d.setIn(C("clusters", "cern-paas", "namespaces", "cms-dials-prod"), "dials");
            });
            const byKey = expectFixed("stage", text, [
                grantKey("cern-paas", "cms-dials-prod"),
                "runbooks:dials.namespace",
            ]);
            assertGrantFix(byKey, "cern-paas", "cms-dials-prod");
        });

        it("stage serving prod's host is refused (two stacks, one host)", () => {
            const text = edited("stage", (d) =>
                d.setIn(C("dials", "web", "apiHost"), "cmsdials-api.web.cern.ch"),
            );
            const p = onlyFixed("stage", text, "runbooks:dials.web.apiHost");
            assert.match(p.message, /stack "prod" \(production\) owns it/);
            assert.match(p.message, /"cmsdials-api-stage\.web\.cern\.ch" is granted to dials and unused$/);
        });

        it("two systems of one stack on one host: the one the grant does not name moves", () => {
            const text = edited("prod", (d) => d.setIn(C("stream", "hosts", "service"), "prod.packit.dev"));
            // Stream's certificate check sees the wrong host too; both fixes together leave nothing.
            const p = expectFixed("prod", text, [
                "runbooks:stream.hosts.service",
                "runbooks:stream.tls.certificateNames",
            ]).get("runbooks:stream.hosts.service")!;
            assert.match(p.message, /grants it to packit, so stream's setting is the one that is wrong/);
            assert.match(p.message, /"prod\.stream\.packit\.dev" is granted to stream and unused$/);
        });

        it("a namespace no grant covers is granted by the fix, with its Route hosts", () => {
            const text = edited("prod", (d) => d.setIn(C("thoth", "bots", "namespace"), "aicoe-prod-bots-2"));
            const byKey = expectFixed("prod", text, [
                grantKey("psi", "aicoe-prod-bots-2"),
                'runbooks:clusters.psi.hosts["*-aicoe-prod-bots-2.apps.ocp4.prod.psi.redhat.com"]',
            ]);
            assertGrantFix(byKey, "psi", "aicoe-prod-bots-2", "thoth");
        });

        /** Stage's grants of one kind, by cluster, as stage's file writes them. */
        const stageGrants = (kind: "namespaces" | "hosts") => {
            const clusters = parseDocument(committed("stage")).toJS().config["runbooks:clusters"] as Record<
                string,
                Record<string, Record<string, string>>
            >;
            return Object.entries(clusters).flatMap(([cluster, e]) =>
                Object.entries(e[kind] ?? {}).map(([value, system]) => ({ cluster, kind, value, system })),
            );
        };
        const sharedKey = (g: { cluster: string; kind: string; value: string }) =>
            `runbooks:clusters.${g.cluster}.${g.kind}${g.kind === "hosts" ? `["${g.value}"]` : `.${g.value}`}`;
        const shared = (problems: ConfigProblem[]) =>
            problems
                .filter((p) => /, which stack "stage" grants there too/.test(p.message))
                .map((p) => p.key);

        it("a staging file copied over prod: every grant staging holds is refused at prod's own key", () => {
            const text = committed("stage");
            const problems = problemsIn("prod", parseStackText(text), checkoutOf("prod", text));
            const expected = [...stageGrants("namespaces"), ...stageGrants("hosts")].map(sharedKey);
            assert.deepEqual(shared(problems).sort(), expected.sort());
            assert.deepEqual(printFaults(text, "prod", problems), []);
        });

        it("generated: prod granting any of stage's namespaces or hosts is refused exactly there", () => {
            const all = [...stageGrants("namespaces"), ...stageGrants("hosts")];
            fc.assert(
                fc.property(fc.subarray(all, { minLength: 1, maxLength: 4 }), (added) => {
                    const text = edited("prod", (d) => {
                        for (const g of added) d.setIn(C("clusters", g.cluster, g.kind, g.value), g.system);
                    });
                    const problems = problemsIn("prod", parseStackText(text), checkoutOf("prod", text));
                    assert.deepEqual(shared(problems).sort(), added.map(sharedKey).sort());
                }),
                { numRuns: 8 },
            );
        });

        it("host patterns: '*' stays inside one label, and overlaps are found", () => {
            assert.ok(hostCovers("*-aicoe.apps.example.com", "argo-ui-aicoe.apps.example.com"));
            assert.ok(!hostCovers("*-aicoe.apps.example.com", "a.b-aicoe.apps.example.com"));
            assert.ok(hostCovers("*-aicoe.apps.example.com", "*-x-aicoe.apps.example.com"));
            assert.ok(!hostCovers("*-x-aicoe.apps.example.com", "*-aicoe.apps.example.com"));
            assert.ok(hostsOverlap("*-stage.apps.example.com", "*-bots-stage.apps.example.com"));
            assert.ok(!hostsOverlap("*-stage.apps.example.com", "*-prod.apps.example.com"));
        });
    });

    describe("the Argo prerequisites are PSI's cluster setup's (finding 3)", () => {
        it("prod creating the Argo CRDs and ClusterRoles on PSI is refused; the fix stops it, not a grant", () => {
            const key = "runbooks:thoth.station.modules.ownClusterPrerequisites";
            const text = edited("prod", (d) =>
                d.setIn(C("thoth", "station", "modules", "ownClusterPrerequisites"), true),
            );
            const p = onlyFixed("prod", text, key);
            assert.match(p.message, /workflows\.argoproj\.io.*ClusterRole\/argo-admin/);
            assert.match(p.message, /thoth-station\.md §6\.3 and §7/);
            assert.match(
                p.message,
                /else set runbooks:thoth\.station\.modules\.ownClusterPrerequisites to false$/,
            );
        });

        it("stage may not grant a cluster-scoped object that prod's file grants on the same cluster", () => {
            const crd = "CustomResourceDefinition/prowjobs.prow.k8s.io";
            const text = edited("stage", (d) =>
                d.setIn(C("clusters", "ibmcloud-prow", "clusterScoped", crd), "prow"),
            );
            const key = `runbooks:clusters.ibmcloud-prow.clusterScoped["${crd}"]`;
            assert.match(onlyFixed("stage", text, key).message, /stack "prod" \(production\) owns/);
        });
    });

    describe("a namespace clash moves only the wrong side", () => {
        it("stream in packit's namespace: stream moves to its own granted namespace, packit is not touched", () => {
            const text = edited("prod", (d) => d.setIn(C("stream", "namespace"), "packit-prod"));
            const p = onlyFixed("prod", text, "runbooks:stream.namespace");
            assert.match(p.message, /grants it to packit, so stream's setting is the one that is wrong/);
            assert.match(p.message, /"stream-prod" is granted to stream and unused$/);
        });
    });

    describe("two systems new in one namespace that no grant covers", () => {
        it("the first in the program's order is granted it, only the other moves", () => {
            const text = edited("prod", (d) => {
                d.setIn(C("packit", "namespace"), "packit-shared");
                d.setIn(C("stream", "namespace"), "packit-shared");
            });
            const byKey = expectFixed("prod", text, [
                grantKey("packit-auto", "packit-shared"),
                "runbooks:stream.namespace",
            ]);
            assertGrantFix(byKey, "packit-auto", "packit-shared", "packit");
            const stream = byKey.get("runbooks:stream.namespace")!;
            assert.match(stream.message, /packit comes first in the program's system order and keeps it/);
            assert.equal(stream.fix, undefined);
        });
    });

    describe("a kubeconfig secret that is not a kubeconfig", () => {
        /** The committed stage file, parsed once for the cases below, which each validate it with another secret. */
        let stage: ParsedStackText;
        before(() => {
            stage = parseStackText(committed("stage"));
        });
        /** The real source: pulumi.Config.get hands out a secret's decrypted text. */
        const withKubeconfig =
            (text: string) =>
            (s: ConfigSource): ConfigSource => ({
                ...s,
                isSecret: (k) => k === "kubeconfig-cern-paas" || s.isSecret(k),
                keys: () => [...new Set([...s.keys(), "kubeconfig-cern-paas"])],
                getValue: (k) => (k === "kubeconfig-cern-paas" ? text : s.getValue(k)),
                getSecret: (k) => (k === "kubeconfig-cern-paas" ? pulumi.secret(text) : s.getSecret(k)),
            });
        const good = [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "  - name: paas",
            "    cluster: {server: 'https://api.paas.okd.cern.ch:6443'}",
            "contexts: [{name: paas, context: {cluster: paas, user: me}}]",
            "users: [{name: me, user: {token: t}}]",
            // The context a client uses when the stack names none: without it no provider knows its cluster.
            "current-context: paas",
        ].join("\n");

        for (const [what, text, reason] of [
            ["not YAML", "{{ not: yaml", /is not YAML/],
            ["a plain word", "s3cr3t", /not a YAML mapping/],
            ["no cluster", "apiVersion: v1\nkind: Config\n", /has no clusters: entry/],
            ["no server", "clusters:\n  - name: x\n    cluster: {}\n", /names a server/],
        ] as const) {
            it(`is refused when it is ${what}, with the key and the command that sets it from the file`, () => {
                const problems = problemsIn("stage", stage, ROOT, withKubeconfig(text));
                assert.deepEqual(
                    problems.map((p) => p.key),
                    ["runbooks:kubeconfig-cern-paas"],
                );
                assert.match(problems[0].message, reason);
                assert.ok(!problems[0].message.includes("s3cr3t"), "the value never shows");
                assert.equal(
                    problems[0].fix,
                    "pulumi config set --secret kubeconfig-cern-paas --stack stage < kubeconfig.yaml",
                );
            });
        }

        it("accepts a kubeconfig, and the plan's placeholders are never checked", () => {
            assert.deepEqual(problemsIn("stage", stage, ROOT, withKubeconfig(good)), []);
            assert.deepEqual(committedProblems("stage", stage), []);
        });
    });
});
