// End to end: `plan:diff` in a throw-away clone of the committed HEAD, with real edits of Pulumi.stage.yaml.
// Each run plans twice (base worktree + working tree), so the runs here are few and each checks several things.
// The command runs once as CI runs it (its own process: argument parsing, output and exit code of the script itself),
// for an argument error, which loads no program; every other run calls it in this process (the same command, without
// loading the program again).
// The clone's stage stack keeps only the systems the edits touch (the others are switched off in one commit of the
// clone): what plan:diff does does not depend on a stack's size, every system's plan is covered by the plan tests,
// and each plan here costs a fraction of the whole stage's.
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { Document, parseDocument } from "yaml";
import { planDiffCommand } from "../../tools/plandiff/cli";
import { repoRoot, scriptArgs } from "../../tools/root";
import { reinstallRecorder } from "../harness";

const ROOT = repoRoot();
/** The repository whose HEAD is cloned; overridable to try the test against another commit. */
const SOURCE = process.env.PLANDIFF_TEST_REPO ?? ROOT;
const CLI = scriptArgs("tools/plandiff/cli.ts");

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

function planDiff(cwd: string, args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...CLI, ...args], { cwd });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

/** plan:diff in this process; its plans install the process's mocks, so the harness's recorder is put back after. */
async function planDiffHere(cwd: string, args: string[]): Promise<Run> {
    try {
        const r = await planDiffCommand(args, cwd);
        return { status: r.code, stdout: r.stdout, stderr: r.stderr };
    } finally {
        reinstallRecorder();
    }
}

const committed = (file: string): string =>
    execFileSync("git", ["show", `HEAD:${file}`], { cwd: SOURCE, encoding: "utf8" });
const STAGE = "Pulumi.stage.yaml";
const config = (doc: Document, ...keys: string[]): unknown => doc.getIn(["config", ...keys]);

/**
 * The edits of the change run, chosen from what the committed stack file has: an added DIALS workspace and a
 * Thoth bot switched off when those systems are committed, else an added and a removed ultrahook tunnel.
 */
function scenario(doc: Document, systems: string) {
    const hooks = ["runbooks:thoth", "ultrahooks"];
    const hookNs = String(config(doc, ...hooks, "namespace"));
    const oldImage = String(config(doc, ...hooks, "image"));
    const newImage = oldImage.replace(/:[^:/@]+$/, ":v9.9.9");
    const instances = (config(doc, ...hooks, "instances") as { toJSON(): { subdomain: string }[] }).toJSON();
    const dials = systems.includes("dials") && doc.hasIn(["config", "runbooks:dials", "workspaces"]);
    const bots = doc.hasIn(["config", "runbooks:thoth", "bots", "nepthys"]);
    const dialsNs = String(config(doc, "runbooks:dials", "namespace"));
    const botsNs = String(config(doc, "runbooks:thoth", "bots", "namespace"));
    const lastTunnel = instances[instances.length - 1].subdomain;
    return {
        added: dials ? "a DIALS workspace" : "an ultrahook tunnel",
        removed: bots ? "the nepthys bot" : `the ultrahook tunnel ${lastTunnel}`,
        edit(target: Document): void {
            target.setIn(["config", ...hooks, "image"], newImage);
            if (dials) {
                target.addIn(["config", "runbooks:dials", "workspaces"], {
                    name: "muon",
                    egroup: "cms-dqm-runregistry-offline-muon-certifiers",
                });
            } else {
                target.addIn(["config", ...hooks, "instances"], {
                    subdomain: "plandiff-tunnel",
                    apiKeySecret: "ultrahook-aicoe",
                    destination: "https://managesf.thoth-station.ninja",
                });
            }
            if (bots) target.setIn(["config", "runbooks:thoth", "bots", "nepthys", "enabled"], false);
            else target.deleteIn(["config", ...hooks, "instances", instances.length - 1]);
        },
        imageLine: `~ spec.template.spec.containers[name=ultrahook].image: ${JSON.stringify(oldImage)} → ${JSON.stringify(newImage)}`,
        addedLines: dials
            ? [
                  new RegExp(`^  \\+ apps/v1:Deployment ${dialsNs}/\\S*muon\\S*-bulk\\s`, "m"),
                  new RegExp(`^  \\+ apps/v1:Deployment ${dialsNs}/\\S*muon\\S*-priority\\s`, "m"),
              ]
            : [new RegExp(`^  \\+ apps/v1:Deployment ${hookNs}/ultrahook-plandiff-tunnel\\s`, "m")],
        removedLines: bots
            ? [new RegExp(`^  - batch/v1:CronJob ${botsNs}/nepthys\\s`, "m")]
            : [new RegExp(`^  - apps/v1:Deployment ${hookNs}/ultrahook-${lastTunnel}\\s`, "m")],
    };
}

/** The systems the edits of {@link scenario} touch; the clone's stage stack switches every other one off. */
const KEPT_SYSTEMS = ["runbooks:thoth", "runbooks:dials"];

/** The committed stage stack with only {@link KEPT_SYSTEMS} on, and of Thoth only its bots and ultrahooks. */
function trimmed(text: string): string {
    const doc = parseDocument(text);
    const sections = (doc.get("config") as { items: { key: { toString(): string } }[] }).items.map((i) =>
        i.key.toString(),
    );
    for (const section of sections) {
        if (!KEPT_SYSTEMS.includes(section) && doc.hasIn(["config", section, "enabled"]))
            doc.setIn(["config", section, "enabled"], false);
    }
    if (doc.hasIn(["config", "runbooks:thoth", "station", "enabled"]))
        doc.setIn(["config", "runbooks:thoth", "station", "enabled"], false);
    return doc.toString();
}

const original = trimmed(committed(STAGE));
const plannedChange = scenario(parseDocument(original), committed("components/systems.ts"));

describe("plan:diff end to end (temporary clone of HEAD)", function () {
    this.timeout(240_000);
    let tmp = "";
    let repo = "";

    before(() => {
        tmp = mkdtempSync(path.join(os.tmpdir(), "plandiff-test-"));
        repo = path.join(tmp, "repo");
        execFileSync("git", ["clone", "--quiet", "--no-hardlinks", SOURCE, repo]);
        symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
        // Longer than git's default 7, as a grown repository's unique prefixes become (CI hit one at 8).
        execFileSync("git", ["config", "core.abbrev", "12"], { cwd: repo });
        writeFileSync(path.join(repo, STAGE), original);
        execFileSync(
            "git",
            [
                "-c",
                "user.name=plandiff test",
                "-c",
                "user.email=plandiff@test.invalid",
                "commit",
                "--quiet",
                "-am",
                "trim",
            ],
            { cwd: repo },
        );
    });

    after(() => rmSync(tmp, { recursive: true, force: true }));

    afterEach(() => writeFileSync(path.join(repo, STAGE), original));

    it("exits 1 with a readable message for bad arguments, an unknown stack or ref, before planning anything", async () => {
        const missing = await planDiff(repo, ["--stack", "stage"]);
        assert.equal(missing.status, 1);
        assert.match(missing.stderr, /--stack and --base are required\nusage: npm run plan:diff/);
        const stack = await planDiffHere(repo, ["--stack", "nope", "--base", "HEAD"]);
        assert.equal(stack.status, 1);
        assert.match(stack.stderr, /Pulumi\.nope\.yaml does not exist/);
        const ref = await planDiffHere(repo, ["--stack", "stage", "--base", "no-such-branch"]);
        assert.equal(ref.status, 1);
        assert.match(ref.stderr, /--base no-such-branch: no such commit/);
    });

    it("exits 0 when nothing changes, and writes the markdown with the stack's marker", async () => {
        const file = path.join(tmp, "same.md");
        const run = await planDiffHere(repo, [
            "--stack",
            "stage",
            "--base",
            "HEAD",
            "--format",
            "markdown",
            "--output",
            file,
        ]);
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^stack stage: no changes \(\d+ resources\) \(written to /);
        const md = readFileSync(file, "utf8");
        assert.ok(md.startsWith("<!-- runbooks-plan-diff:stage -->\n"), md);
        assert.match(md, /\*\*No changes\.\*\*/);
        assert.equal(
            execFileSync("git", ["worktree", "list"], { cwd: repo, encoding: "utf8" }).trim().split("\n")
                .length,
            1,
        );
    });

    it(`exits 2 and lists a changed image, ${plannedChange.added} added and ${plannedChange.removed} removed`, async () => {
        const doc = parseDocument(original);
        plannedChange.edit(doc);
        writeFileSync(path.join(repo, STAGE), doc.toString());
        const run = await planDiffHere(repo, ["--stack", "stage", "--base", "HEAD"]);
        assert.equal(run.status, 2, run.stderr);
        const out = run.stdout;
        const title =
            /^Plan diff of stack stage: HEAD \(([0-9a-f]{7,40})\) → working tree at ([0-9a-f]{7,40}) with uncommitted changes\n/.exec(
                out,
            );
        assert.ok(title, out);
        // Both sides name the one commit HEAD is, spelled alike, however long git's unique prefix has grown.
        assert.equal(title[1], title[2], title[0]);
        assert.ok(
            execFileSync("git", ["-C", repo, "rev-parse", "HEAD"], { encoding: "utf8" }).startsWith(title[1]),
        );
        // One image for every tunnel: each ultrahook Deployment shows the same one-line change.
        assert.ok(out.includes(plannedChange.imageLine), out);
        for (const line of [...plannedChange.addedLines, ...plannedChange.removedLines])
            assert.match(out, line);
        const summary =
            /\nSummary: stack stage: (\d+) to add, (\d+) to change, (\d+) to remove, (\d+) unchanged\n$/.exec(
                out,
            );
        assert.ok(summary, out);
        const [add, change, remove] = summary.slice(1, 4).map(Number);
        assert.ok(add > 0 && change > 0 && remove > 0, summary[0]);
        assert.equal((out.match(/^ {2}[+~-] /gm) ?? []).length, add + change + remove);
        assert.ok(!/"(?!\[secret\])[^"]*" → "\[secret\]"/.test(out), "a secret's value is never shown");
    });

    it("a change of facts/ alone is planned from each side's own facts: exits 2 naming what it changes", async () => {
        const facts = path.join(repo, "facts", "secrets", "dials.yaml");
        const before = readFileSync(facts, "utf8");
        try {
            writeFileSync(
                facts,
                before.replace("envKey: DJANGO_SECRET_KEY\n", "envKey: DJANGO_SECRET_KEY_PLANDIFF\n"),
            );
            const run = await planDiffHere(repo, ["--stack", "stage", "--base", "HEAD"]);
            assert.equal(run.status, 2, `${run.stdout}\n${run.stderr}`);
            // The Secret's keys are masked in a plan; the backend that reads them rolls.
            assert.match(
                run.stdout,
                /~ apps\/v1:Deployment cms-dials-stage\/backend .*\n(.*\n)*.*checksum\/config/,
            );
        } finally {
            writeFileSync(facts, before);
        }
    });

    it("exits 1 and prints the configuration error of the working tree", async () => {
        const doc = parseDocument(original);
        doc.setIn(["config", "runbooks:thoth", "ultrahooks", "image"], "Not An Image");
        writeFileSync(path.join(repo, STAGE), doc.toString());
        const run = await planDiffHere(repo, ["--stack", "stage", "--base", "HEAD"]);
        assert.equal(run.status, 1);
        assert.match(
            run.stderr,
            /working tree at [0-9a-f]{7,40} with uncommitted changes: the plan of stack stage failed/,
        );
        assert.match(run.stderr, /runbooks:thoth\.ultrahooks\.image/);
        assert.match(run.stderr, /pulumi config set --path/);
    });
});
