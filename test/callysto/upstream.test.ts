// The record of callysto/infrastructure's tree (facts/trees/callysto-infrastructure.yaml) against what the stacks run:
// a playbook path the pinned commit does not have fails on every host after init.yml has updated (and perhaps
// rebooted) it, so the check refuses it before anything is made.
import { strict as assert } from "assert";
import fc from "fast-check";
import { readFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { callysto } from "../../components/callysto";
import { CallystoConfig, callystoSchema } from "../../components/callysto/config";
import {
    TREES_NAME,
    callystoTrees,
    hostPlaybooks,
    playbookProblems,
} from "../../components/callysto/upstream";
import { parseTreesRecord } from "../../components/shared/trees/load";
import { TreesRecord } from "../../components/shared/trees/schema";
import { repoRoot } from "../../tools/root";
import { configErrorOf, recorder, runWith } from "../harness";
import { SECRETS, callystoValues, section } from "./helpers";

const FILE = path.join(repoRoot(), "facts", "trees", `${TREES_NAME}.yaml`);
const COMMIT = "904146a3d8bc1fd4e7cc168343d20a757cb439be";

/** Every key of `provisioning` that names a playbook, and what the record must say its path serves. */
const KEYS = [
    ["initPlaybook", "init"],
    ["playbooks.hub", "hub"],
    ["playbooks.sharder", "sharder"],
    ["playbooks.ssp", "ssp"],
    ["playbooks.stats", "stats"],
    ["playbooks.workstation", "workstation"],
    ["statsClientPlaybook", "statsClient"],
    ["certificatesPlaybook", "certificates"],
] as const;

function parsed(stack: "stage" | "prod" | "local-callysto"): CallystoConfig {
    if (stack === "local-callysto") {
        const file = parse(readFileSync(path.join(repoRoot(), "Pulumi.local-callysto.yaml"), "utf8"));
        return callystoSchema.parse(file.config["runbooks:callysto"]);
    }
    return callystoSchema.parse(callystoValues(stack).callysto);
}

function setKey(config: CallystoConfig, key: string, value: string): void {
    const prov = config.provisioning as unknown as Record<string, unknown>;
    const [head, tail] = key.split(".");
    if (tail === undefined) prov[head] = value;
    else (prov[head] as Record<string, string>)[tail] = value;
}

/** The record as the file holds it, with the paths `drop` names left out of its one tree (and of its imports). */
function recordWithout(...drop: string[]): TreesRecord {
    const data = parse(readFileSync(FILE, "utf8")) as {
        trees: { paths: { path: string; imports?: string[] }[] }[];
    };
    const tree = data.trees[0];
    tree.paths = tree.paths
        .filter((p) => !drop.includes(p.path))
        .map((p) => (p.imports ? { ...p, imports: p.imports.filter((i) => !drop.includes(i)) } : p));
    return parseTreesRecord(stringify(data), "edited record");
}

const recordedPaths = new Set(callystoTrees().trees.flatMap((t) => t.paths.map((p) => p.path)));

describe("callysto playbooks against the record of the pinned tree", () => {
    it("passes the committed stacks and the local one: every playbook they run is in the record, for its use", () => {
        for (const stack of ["stage", "prod", "local-callysto"] as const) {
            const config = parsed(stack);
            assert.deepEqual(playbookProblems(config), [], stack);
            for (const role of ["hub", "sharder", "ssp", "stats", "workstation"] as const) {
                for (const file of hostPlaybooks(config.provisioning!, role, true)) {
                    assert.ok(recordedPaths.has(file), `${stack}: ${role} runs ${file}`);
                }
            }
        }
        // The roles' playbooks of the stack files, as the runbook's tree has them.
        assert.deepEqual(parsed("stage").provisioning!.playbooks, {
            hub: "plays/hub-aio.yml",
            sharder: "plays/imports/sharder.yml",
            ssp: "plays/imports/ssp.yml",
            stats: "plays/imports/stats.yml",
            workstation: "plays/clavius.yml",
        });
    });

    it("refuses a playbook the tree does not have (plays/hub.yml) before anything is made, naming the key and the recorded paths", async () => {
        const values = callystoValues("stage");
        section(values).provisioning!.playbooks.hub = "plays/hub.yml";
        const err = await configErrorOf(() => runWith({ values, secrets: SECRETS, systems: [callysto] }));
        const [p] = err.problems.filter((x) => x.key === "runbooks:callysto.provisioning.playbooks.hub");
        assert.ok(p, JSON.stringify(err.problems));
        assert.match(
            p.message,
            /names plays\/hub\.yml, which the tree of callysto\/infrastructure at 904146a/,
        );
        assert.match(
            p.message,
            /Recorded for hub: plays\/hub-aio\.yml, plays\/imports\/hub\.yml; set it to one of them$/,
        );
        assert.equal(p.fix, undefined);
        assert.equal(recorder.resources.length, 0, "nothing is registered");
    });

    it("refuses every generated path the record does not hold, at its key, offering only a recorded path", () => {
        const record = callystoTrees();
        fc.assert(
            fc.property(
                fc.constantFrom(...KEYS),
                fc.stringMatching(/^[A-Za-z0-9._/-]{1,40}\.ya?ml$/).filter((p) => !recordedPaths.has(p)),
                ([key, serves], file) => {
                    const config = parsed("stage");
                    setKey(config, key, file);
                    const problems = playbookProblems(config);
                    assert.deepEqual(
                        problems.map((p) => p.key),
                        [`runbooks:callysto.provisioning.${key}`],
                    );
                    assert.ok(problems[0].message.includes(file));
                    const serving = record.trees[0].paths
                        .filter((p) => p.serves.includes(serves))
                        .map((p) => p.path);
                    assert.ok(serving.length > 0 && serving.every((s) => problems[0].message.includes(s)));
                    assert.equal(problems[0].fix, undefined);
                },
            ),
        );
    });

    it("refuses a recorded path for another use: init's playbook as the hub's, the whole cluster as the stats server's", () => {
        const config = parsed("stage");
        config.provisioning!.playbooks.hub = "plays/init.yml";
        config.provisioning!.playbooks.stats = "plays/hub-cluster.yml";
        const problems = playbookProblems(config);
        assert.deepEqual(
            problems.map((p) => p.key),
            [
                "runbooks:callysto.provisioning.playbooks.hub",
                "runbooks:callysto.provisioning.playbooks.stats",
            ],
        );
        assert.match(problems[0].message, /holds as a playbook for init, not for hub/);
        assert.match(problems[1].message, /holds as a playbook for no key, not for stats/);
    });

    it("control: the committed stage is refused once the record loses a path it runs", () => {
        const config = parsed("stage");
        assert.deepEqual(playbookProblems(config, recordWithout()), [], "the file as it is");
        for (const [file, key] of [
            ["plays/hub-aio.yml", "playbooks.hub"],
            ["plays/imports/sharder.yml", "playbooks.sharder"],
            ["plays/init.yml", "initPlaybook"],
            ["plays/imports/stats_client.yml", "statsClientPlaybook"],
        ]) {
            const problems = playbookProblems(config, recordWithout(file));
            assert.deepEqual(
                problems.map((p) => p.key),
                [`runbooks:callysto.provisioning.${key}`],
                file,
            );
            assert.ok(problems[0].message.includes(`names ${file}, which the tree`), problems[0].message);
        }
    });

    it("refuses a pin with no recorded tree, asking for it to be recorded; the recorded commit passes spelt in full", () => {
        for (const version of ["0123abc", "master", "v1.0"]) {
            const config = parsed("stage");
            config.provisioning!.version = version;
            const [p, ...rest] = playbookProblems(config);
            assert.deepEqual(rest, []);
            assert.equal(p.key, "runbooks:callysto.provisioning.version");
            assert.match(p.message, /names no recorded tree of callysto\/infrastructure/);
            assert.match(
                p.message,
                /Record the tree at that commit in facts\/trees\/callysto-infrastructure\.yaml/,
            );
            assert.match(p.message, /\(recorded: [0-9a-f]{7,40}/);
            assert.equal(p.fix, undefined);
        }
        const full = parsed("stage");
        full.provisioning!.version = COMMIT;
        assert.deepEqual(playbookProblems(full), []);
    });

    it("refuses another repository, whose tree is not recorded, and still judges the paths against the record", () => {
        const config = parsed("stage");
        config.provisioning!.repo = "https://github.com/example/infrastructure.git";
        config.provisioning!.playbooks.sharder = "plays/sharder.yml";
        const problems = playbookProblems(config);
        assert.deepEqual(
            problems.map((p) => p.key),
            ["runbooks:callysto.provisioning.repo", "runbooks:callysto.provisioning.playbooks.sharder"],
        );
        assert.match(problems[0].message, /whose tree is not recorded: only \S*callysto\/infrastructure/);
        assert.equal(problems[0].fix, undefined);
        const spelt = parsed("stage");
        spelt.provisioning!.repo = "https://GitHub.com/callysto/infrastructure/";
        assert.deepEqual(playbookProblems(spelt), [], "the same repository, spelt otherwise");
    });

    it("keeps the record honest: each path's `at` is its own path at its tree's commit, every effect in that tree", () => {
        const text = readFileSync(FILE, "utf8");
        const record = parseTreesRecord(text, "facts");
        for (const entry of record.trees[0].paths) {
            assert.equal(entry.at, `callysto/infrastructure@${COMMIT}:ansible/${entry.path}`);
        }
        const otherCommit = text.replace(
            `${COMMIT}:ansible/plays/init.yml:9-13`,
            `${"0".repeat(40)}:ansible/plays/init.yml:9-13`,
        );
        assert.throws(() => parseTreesRecord(otherCommit, "edited"), /effects\.0\.at: must point into/);
        const otherPath = text.replace(
            `at: callysto/infrastructure@${COMMIT}:ansible/plays/hub-aio.yml\n`,
            `at: callysto/infrastructure@${COMMIT}:ansible/plays/hub.yml\n`,
        );
        assert.throws(() => parseTreesRecord(otherPath, "edited"), /paths\.\d+\.at: must be .*hub-aio\.yml/);
    });
});
