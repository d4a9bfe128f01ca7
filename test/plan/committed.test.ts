import { strict as assert } from "assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseDocument, stringify } from "yaml";
import {
    COMMITTED_STACKS,
    PLANS_DIR,
    committedFiles,
    plansCommand,
    staleFiles,
} from "../../tools/plan/committed";
import { repoRoot } from "../../tools/root";
import { COMMITTED_STACKS as TESTED_STACKS, readTree, stackPlan } from "../fixtures/plans";
import { reinstallRecorder } from "../harness";

// The plans of stage and prod are committed under plans/<stack>/, and a pull request's diff of them is what it does
// to each stack: they must be the plan of the commit's own code and stack files, byte for byte, or CI fails.

const ROOT = repoRoot();

describe("committed plans (plans/<stack>/)", function () {
    it("are the plans of the committed stacks: npm test fails on a stale one, naming it", async function () {
        assert.deepEqual(COMMITTED_STACKS, [...TESTED_STACKS]);
        for (const stack of COMMITTED_STACKS) {
            const expected = committedFiles(stack, (await stackPlan(stack)).files);
            const problems = staleFiles(path.join(ROOT, PLANS_DIR, stack), `${PLANS_DIR}/${stack}`, expected);
            assert.deepEqual(problems, [], "run npm run plans:write and commit plans/");
        }
    });

    it("list every resource, with no Kubernetes object's inputs (the manifests mask Secrets) and credentials masked", () => {
        for (const stack of COMMITTED_STACKS) {
            const list = readFileSync(path.join(ROOT, PLANS_DIR, stack, "resources.yaml"), "utf8");
            // A Secret's payload is masked whole in the inputs, key by key in the manifests (test/plan/plan.test.ts).
            assert.doesNotMatch(list, /^\s+(stringData|data):/m);
            assert.match(
                list,
                /^provider:kubernetes cluster-psi:\n(?: {2}staged: .*\n)? {2}inputs:\n(?: {4}.*\n)*? {4}kubeconfig: "\[secret\]"$/m,
            );
            assert.match(list, /^( +)apps\/v1:Deployment .*:\n\1 {2}object: psi \S+\/\S+$/m);
        }
    });

    describe("the check against a copy of plans/stage", function () {
        let dir: string;
        let expected: Record<string, string>;
        beforeEach(async () => {
            dir = mkdtempSync(path.join(tmpdir(), "plans-stale-"));
            cpSync(path.join(ROOT, PLANS_DIR, "stage"), dir, { recursive: true });
            expected = committedFiles("stage", (await stackPlan("stage")).files);
        });
        afterEach(() => rmSync(dir, { recursive: true, force: true }));

        it("names each file that differs (with its first differing line), is missing or is not in the plan", () => {
            assert.deepEqual(
                staleFiles(dir, "plans/stage", expected),
                [],
                "control: an exact copy is current",
            );
            const psi = path.join(dir, "kubernetes", "psi.yaml");
            const lines = readFileSync(psi, "utf8").split("\n");
            const at = lines.findIndex((l) => /^\s+(- )?image: /.test(l));
            lines[at] = lines[at].replace(/image: .*/, "image: example.invalid/edited:1");
            writeFileSync(psi, lines.join("\n"));
            rmSync(path.join(dir, "resources.yaml"));
            writeFileSync(path.join(dir, "kubernetes", "gone.yaml"), "---\n");
            const problems = staleFiles(dir, "plans/stage", expected);
            assert.equal(problems.length, 3, problems.join("\n"));
            assert.match(
                problems[0],
                new RegExp(
                    `^plans/stage/kubernetes/psi\\.yaml: differs from the plan at line ${at + 1}:\\n {4}committed: .*image: example\\.invalid/edited:1\\n {4}plan: .*image: `,
                ),
            );
            assert.equal(problems[1], "plans/stage/resources.yaml: missing");
            assert.match(problems[2], /^plans\/stage\/kubernetes\/gone\.yaml: not part of the plan/);
        });
    });

    describe("npm run plans:write and plans:check, on a checkout with a one-system stage stack", function () {
        // DIALS alone with one workspace and one downloader (one cluster, some 60 resources): the whole command in
        // this process, three times, in seconds.
        let root: string;
        const stackFile = (): string => path.join(root, "Pulumi.stage.yaml");
        before(() => {
            root = mkdtempSync(path.join(tmpdir(), "plans-command-"));
            const config = (
                parseDocument(readFileSync(path.join(ROOT, "Pulumi.stage.yaml"), "utf8")).toJS() as {
                    config: Record<string, Record<string, unknown>>;
                }
            ).config;
            const off = Object.fromEntries(
                ["callysto", "packit", "prow", "stream", "thoth"].map((s) => [
                    `runbooks:${s}`,
                    { enabled: false },
                ]),
            );
            const clusters = { "cern-paas": config["runbooks:clusters"]["cern-paas"] };
            const only = { "runbooks:tier": config["runbooks:tier"], "runbooks:clusters": clusters, ...off };
            const dials = config["runbooks:dials"] as {
                workspaces: { name: string }[];
                etl: { downloaders: string[] };
            };
            dials.workspaces = dials.workspaces.filter((w) => w.name === "tracker");
            dials.etl.downloaders = ["ZeroBias"];
            writeFileSync(stackFile(), stringify({ config: { ...only, "runbooks:dials": dials } }));
        });
        after(() => {
            reinstallRecorder();
            rmSync(root, { recursive: true, force: true });
        });

        it("writes the plan; a change to one container's image fails the check naming the file, and is the diff", async function () {
            const written = await plansCommand(["--stack", "stage"], root);
            assert.equal(written.code, 0, written.stderr);
            assert.equal(written.stdout, "plans/stage: wrote resources.yaml, kubernetes/cern-paas.yaml\n");
            const plans = path.join(root, PLANS_DIR, "stage");
            const before = readTree(plans);
            const current = await plansCommand(["--check", "--stack", "stage"], root);
            assert.deepEqual(
                [current.code, current.stderr],
                [0, ""],
                "control: the plan just written is current",
            );

            const text = readFileSync(stackFile(), "utf8");
            const edited = text.replace(/(nginx-unprivileged:)1\.27\.4-alpine/, "$11.27.5-alpine");
            assert.notEqual(edited, text);
            writeFileSync(stackFile(), edited);
            const stale = await plansCommand(["--check", "--stack", "stage"], root);
            assert.equal(stale.code, 1);
            assert.match(
                stale.stderr,
                /^plans\/stage\/kubernetes\/cern-paas\.yaml: differs from the plan at line \d+:\n {4}committed: .*nginx-unprivileged:1\.27\.4-alpine\n {4}plan: .*nginx-unprivileged:1\.27\.5-alpine$/m,
            );
            assert.match(stale.stderr, /npm run plans:write/);
            assert.deepEqual(readTree(plans), before, "the check writes nothing into plans/");

            assert.equal((await plansCommand(["--stack", "stage"], root)).code, 0);
            const after = readTree(plans);
            assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
            // The pull request's diff: the manifest's lines that name the image, nothing else in any file.
            const changed = Object.keys(after).flatMap((name) => {
                const [a, b] = [before[name].split("\n"), after[name].split("\n")];
                assert.equal(a.length, b.length, name);
                return b.flatMap((line, i) => (line === a[i] ? [] : [`${name}: ${line.trim()}`]));
            });
            assert.ok(changed.length > 0);
            for (const line of changed)
                assert.match(line, /^kubernetes\/cern-paas\.yaml: .*1\.27\.5-alpine$/);
        });
    });
});
