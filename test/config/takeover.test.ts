import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigProblem } from "../../components/config/problems";
import { memoryConfigSource } from "../../components/config/source";
import {
    TakeoverList,
    decisionOf,
    takeoverDigest,
    takeoverListProblems,
    takeoverSchema,
} from "../../components/config/takeover";
import { runProgram } from "../../components/program";
import { SYSTEMS } from "../../components/systems";
import { recordsAtPins } from "../fixtures/runningReleases";
import { configErrorOf, configProblems, evaluate, onlyProblem, stackSecrets, stackValues } from "../harness";

// A takeover is declared (components/config/takeover.ts): each Kubernetes system's section lists the live objects of
// its namespaces, and while the cluster's adoptExisting is on, `pulumi up` refuses a list the migration report has
// not checked as it stands (`takeover.read` is its digest). Run here on the prod stack, named, so every printed
// command names it; Prow's list, on cluster ibmcloud-prow.

const STACK = "prod";
const CLUSTER = "ibmcloud-prow";
const READ = "runbooks:prow.takeover.read";
const entryKey = (id: string) => `runbooks:prow.takeover.objects[${JSON.stringify(id)}]`;

/** What an operator writes for today's Prow: workloads one by one, the rest by name. */
const LIST = {
    objects: {
        "kubevirt-prow/Deployment/hook": "adopt",
        "kubevirt-prow/Deployment/deck": "adopt",
        "kubevirt-prow/Deployment/plank": "replace with Deployment/prow-controller-manager",
        "kubevirt-prow-jobs/Deployment/greenhouse": "leave running: the jobs' build cache lives there",
    },
    sameName: "adopt" as const,
};

type Values = Record<string, unknown>;
type Section = Record<string, unknown>;

/** The committed prod values (a copy), Prow's section and cluster edited by `change`. */
function prod(change: (prow: Section, cluster: Section) => void): Values {
    const values = stackValues(STACK);
    const clusters = values.clusters as Record<string, Section>;
    change(values.prow as Section, clusters[CLUSTER]);
    return values;
}

/** `pulumi up` of `values` under the mocks, as the prod stack (its committed secrets). */
const up = (values: Values) =>
    evaluate(() => runProgram(memoryConfigSource(values, stackSecrets(STACK), { stack: STACK }), SYSTEMS));

const problemsOf = (values: Values): ConfigProblem[] =>
    configProblems(memoryConfigSource(values, stackSecrets(STACK), { stack: STACK }));

describe("takeover list: the schema of <section>.takeover", () => {
    it("parses adopt, replace with <Kind>/<name>, leave running: <a sentence>, sameName: adopt and a read of 16 hex digits", () => {
        const list = takeoverSchema.parse({ ...LIST, read: "0123456789abcdef" });
        assert.deepEqual(list, { ...LIST, read: "0123456789abcdef" });
        assert.deepEqual(takeoverSchema.parse({}), { objects: {} });
        assert.deepEqual(Object.values(LIST.objects).map(decisionOf), [
            { do: "adopt" },
            { do: "adopt" },
            { do: "replace", kind: "Deployment", name: "prow-controller-manager" },
            { do: "leave", reason: "the jobs' build cache lives there" },
        ]);
    });

    it("refuses each bad form at its full key, naming the forms it allows", () => {
        const problems = problemsOf(
            prod((prow) => {
                prow.takeover = {
                    objects: {
                        "kubevirt-prow/Deployment/hook": "adopted",
                        "kubevirt-prow/Deployment/deck": "leave running: legacy",
                        "kubevirt-prow/deployment/tide": "adopt",
                        "kubevirt-prow/Deployment": "adopt",
                    },
                    sameNames: "adopt",
                    read: "not-a-digest",
                };
            }),
        );
        const forms =
            /must be "adopt" .*"replace with <Kind>\/<name>" .*"leave running: <why, in a sentence>"/;
        const expected: Record<string, RegExp> = {
            [entryKey("kubevirt-prow/Deployment/hook")]: forms,
            [entryKey("kubevirt-prow/Deployment/deck")]: forms,
            [entryKey("kubevirt-prow/deployment/tide")]: /as <namespace>\/<Kind>\/<name>/,
            [entryKey("kubevirt-prow/Deployment")]: /as <namespace>\/<Kind>\/<name>/,
            "runbooks:prow.takeover.sameNames": /known settings are: objects, sameName, read/,
            [READ]: /16 hex digits the migration report prints/,
        };
        assert.deepEqual(
            problems.map((p) => p.key).sort(),
            Object.keys(expected).sort(),
            problems.map((p) => `${p.key}: ${p.message}`).join("\n"),
        );
        for (const p of problems) assert.match(p.message, expected[p.key], p.key);
    });
});

describe("takeover list: pulumi up refuses a takeover the migration report has not checked as it stands (mocks)", function () {
    this.timeout(60000);

    /** The cluster taken over, its other gates passed (documents compared, running releases recorded). */
    let adopting: (list?: object) => Values = () => assert.fail("before hook");
    before(async () => {
        const taking = (list?: object) =>
            prod((prow, cluster) => {
                cluster.adoptExisting = true;
                prow.liveDocumentsCompared = true;
                if (list) prow.takeover = list;
            });
        const refused = await configErrorOf(() => up(taking()));
        const records = recordsAtPins(refused.problems);
        assert.ok(records.length > 0, refused.message);
        adopting = (list) => {
            const values = taking(list);
            const running = ((values.clusters as Record<string, Section>)[CLUSTER].running ??= {}) as Record<
                string,
                Record<string, string>
            >;
            for (const r of records) (running[r.section] ??= {})[r.name] = r.tag;
            return values;
        };
    });

    it("(a) no read: one problem at prow.takeover.read, whose fix is the report on this stack only", async () => {
        for (const list of [undefined, LIST]) {
            const err = await configErrorOf(() => up(adopting(list)));
            const p = onlyProblem(err, READ, err.message);
            assert.match(p.message, /is not set while clusters\.ibmcloud-prow\.adoptExisting is on/);
            assert.equal(p.fix, "npm run adopt -- --stack prod");
            assert.doesNotMatch(err.message, /\bstage\b|<stack>/);
        }
    });

    it("(b) read is the list's digest: the takeover goes on", async () => {
        const resources = await up(adopting({ ...LIST, read: takeoverDigest(LIST) }));
        assert.ok(resources.length > 0);
    });

    it("(c) an entry edited, added or removed after the report read the list: refused at prow.takeover.read", async () => {
        const read = takeoverDigest(LIST);
        const fewer = Object.fromEntries(
            Object.entries(LIST.objects).filter(([k]) => k !== "kubevirt-prow/Deployment/deck"),
        );
        const edits = {
            edited: {
                ...LIST.objects,
                "kubevirt-prow/Deployment/hook": "leave running: the old hook stays up",
            },
            added: { ...LIST.objects, "kubevirt-prow/Deployment/tide": "adopt" },
            removed: fewer,
        };
        for (const [edit, objects] of Object.entries(edits)) {
            const problems = problemsOf(adopting({ ...LIST, objects, read }));
            const p = onlyProblem({ problems }, READ, edit);
            assert.match(
                p.message,
                /does not match the list .*changed since the migration report checked it/,
                edit,
            );
            assert.equal(p.fix, "npm run adopt -- --stack prod", edit);
        }
        // The refusal is the up's own: nothing is registered.
        await configErrorOf(() => up(adopting({ ...LIST, objects: edits.edited, read })));
    });

    it("(d) adoptExisting off: a list never read is not asked for", async () => {
        const resources = await up(prod((prow) => (prow.takeover = LIST)));
        assert.ok(resources.length > 0);
    });

    it("(e) an entry in a namespace Prow does not write: refused at its key, whatever adoptExisting says", () => {
        const id = "kube-system/Deployment/coredns";
        const list = { ...LIST, objects: { ...LIST.objects, [id]: "adopt" } };
        const read = takeoverDigest(list);
        const cases = {
            "adoptExisting on": adopting({ ...list, read }),
            "adoptExisting off": prod((prow) => (prow.takeover = list)),
        };
        for (const [name, values] of Object.entries(cases)) {
            const p = onlyProblem({ problems: problemsOf(values) }, entryKey(id), name);
            assert.match(
                p.message,
                /names namespace kube-system, which prow does not write \(its namespaces: kubevirt-prow, kubevirt-prow-jobs\)/,
            );
        }
    });
});

describe("takeover list: generated lists (seeded)", () => {
    const NAMESPACES = ["kubevirt-prow", "kubevirt-prow-jobs"];
    const id = fc
        .tuple(
            fc.constantFrom(...NAMESPACES),
            fc.constantFrom("Deployment", "StatefulSet", "Service", "ConfigMap", "CronJob"),
            fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/),
        )
        .map((parts) => parts.join("/"));
    const decision = fc.oneof(
        fc.constant("adopt"),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/).map((n) => `replace with Deployment/${n}`),
        fc.constantFrom("leave running: another team owns it", "leave running: retired after the move"),
    );
    const list = fc.record(
        {
            objects: fc.dictionary(id, decision, { maxKeys: 8 }),
            sameName: fc.constant("adopt" as const),
        },
        { requiredKeys: ["objects"] },
    );
    const gate = (l: TakeoverList, read: string | undefined, takingOver = true) =>
        takeoverListProblems(
            { section: "prow", cluster: CLUSTER, namespaces: NAMESPACES, list: { ...l, read }, stack: STACK },
            takingOver,
        );
    const OPTIONS = { seed: 85, numRuns: 30 };

    it("the gate passes exactly when read is the digest of the list as it stands; adoptExisting off never asks", () => {
        fc.assert(
            fc.property(list, list, fc.boolean(), (current, recorded, same) => {
                const read = takeoverDigest(same ? current : recorded);
                assert.equal(gate(current, read).length === 0, read === takeoverDigest(current));
                assert.deepEqual(gate(current, read, false), []);
                assert.deepEqual(
                    gate(current, undefined).map((p) => p.key),
                    [READ],
                );
            }),
            OPTIONS,
        );
    });

    it("the digest does not depend on the entries' order and changes with any entry's key or decision", () => {
        fc.assert(
            fc.property(
                list.filter((l) => Object.keys(l.objects).length > 0),
                fc.nat(),
                (l, pick) => {
                    const entries = Object.entries(l.objects);
                    const digest = takeoverDigest(l);
                    const reversed = { ...l, objects: Object.fromEntries([...entries].reverse()) };
                    assert.equal(takeoverDigest(reversed), digest);
                    const [key, value] = entries[pick % entries.length];
                    const rest = entries.filter(([k]) => k !== key);
                    const renamed = { ...l, objects: Object.fromEntries([...rest, [`${key}x`, value]]) };
                    const decided = value === "adopt" ? "leave running: kept for the audit" : "adopt";
                    const redecided = { ...l, objects: { ...l.objects, [key]: decided } };
                    assert.notEqual(takeoverDigest(renamed), digest);
                    assert.notEqual(takeoverDigest(redecided), digest);
                },
            ),
            OPTIONS,
        );
    });
});
