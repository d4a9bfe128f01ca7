import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Plan } from "../../tools/plan/render";
import { planCommand } from "../../tools/plan/cli";
import { PLAN_FILES, PLAN_MARKER, PlanOutputError, removeStalePlan, writePlan } from "../../tools/plan/run";

const PLAN: Plan = {
    resources: [],
    kubernetes: { psi: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } }] },
    unsetSecrets: ["kubeconfig-psi"],
};

describe("plan output directory", () => {
    let root: string;
    beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), "plan-out-"))));
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("creates a new directory with the plan and its marker, and nothing beside it", () => {
        const out = path.join(root, "plan");
        writePlan(PLAN, out, "stage");
        assert.deepEqual(readdirSync(out).sort(), [
            PLAN_MARKER,
            PLAN_FILES,
            "kubernetes",
            "notices.txt",
            "resources.json",
            "staged.txt",
            "unset-secrets.txt",
        ]);
        assert.deepEqual(readdirSync(root), ["plan"], "no temporary directory left");
        assert.match(readFileSync(path.join(out, "unset-secrets.txt"), "utf8"), /^kubeconfig-psi$/m);
    });

    it("replaces the files an earlier plan of the same stack wrote (a cluster's manifest that is gone too)", () => {
        const out = path.join(root, "plan");
        writePlan({ ...PLAN, kubernetes: { ...PLAN.kubernetes, old: [] } }, out, "stage");
        assert.ok(existsSync(path.join(out, "kubernetes", "old.yaml")));
        const { kept } = writePlan(PLAN, out, "stage");
        assert.ok(
            !existsSync(path.join(out, "kubernetes", "old.yaml")),
            "the earlier plan's manifest stayed",
        );
        assert.deepEqual(kept, []);
        assert.deepEqual(readdirSync(root), ["plan"], "no temporary directory left");
    });

    it("keeps a reviewer's NOTES.md in an earlier plan and says so, when the next plan succeeds", () => {
        const out = path.join(root, "plan");
        writePlan(PLAN, out, "stage");
        writeFileSync(path.join(out, "NOTES.md"), "reviewed by me");
        writeFileSync(path.join(out, "kubernetes", "mine.yaml"), "my own");
        const { kept } = writePlan(PLAN, out, "stage");
        assert.deepEqual(kept, ["NOTES.md", path.join("kubernetes", "mine.yaml")]);
        assert.equal(readFileSync(path.join(out, "NOTES.md"), "utf8"), "reviewed by me");
        assert.equal(readFileSync(path.join(out, "kubernetes", "mine.yaml"), "utf8"), "my own");
    });

    it("keeps a reviewer's NOTES.md when the next plan fails, removes only the earlier plan's files, and says so", async () => {
        const out = path.join(root, "plan");
        writePlan(PLAN, out, "stage");
        writeFileSync(path.join(out, "NOTES.md"), "reviewed by me");
        // A stack file that does not parse: the plan fails after the directory was found to be ours.
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), "config: [\n");
        const r = await planCommand(["--stack", "stage", "--out", out], root);
        assert.equal(r.code, 1);
        assert.match(
            r.stderr,
            /^Removed the earlier plan in .* \(kubernetes\/psi\.yaml, notices\.txt, resources\.json, staged\.txt, unset-secrets\.txt\)/,
        );
        assert.match(r.stderr, /^Kept NOTES\.md in .*: not written by the plan/m);
        assert.deepEqual(readdirSync(out), ["NOTES.md"]);
        assert.equal(readFileSync(path.join(out, "NOTES.md"), "utf8"), "reviewed by me");
        assert.equal(
            removeStalePlan(out, "stage"),
            undefined,
            "no marker left: nothing more is ever removed",
        );
    });

    it("refuses a directory it does not own and deletes nothing", () => {
        writeFileSync(path.join(root, "precious.txt"), "keep");
        mkdirSync(path.join(root, ".git"));
        assert.throws(() => writePlan(PLAN, root, "stage"), PlanOutputError);
        assert.equal(readFileSync(path.join(root, "precious.txt"), "utf8"), "keep");
        assert.ok(existsSync(path.join(root, ".git")));
    });

    it("refuses a directory of the user's own resources.json and kubernetes/*.yaml (no marker) and touches nothing", () => {
        const mine = path.join(root, "mine");
        mkdirSync(path.join(mine, "kubernetes"), { recursive: true });
        writeFileSync(path.join(mine, "resources.json"), "[1]");
        writeFileSync(path.join(mine, "kubernetes", "prod.yaml"), "kind: Mine");
        assert.throws(() => writePlan(PLAN, mine, "stage"), /is not empty and is not a plan output/);
        assert.equal(readFileSync(path.join(mine, "resources.json"), "utf8"), "[1]");
        assert.equal(readFileSync(path.join(mine, "kubernetes", "prod.yaml"), "utf8"), "kind: Mine");
        assert.equal(removeStalePlan(mine, "stage"), undefined);
        assert.ok(existsSync(path.join(mine, "resources.json")));
    });

    it("a plan from before the file list replaces what that version wrote, and nothing else", () => {
        const old = path.join(root, "old-plan");
        mkdirSync(path.join(old, "kubernetes"), { recursive: true });
        writeFileSync(path.join(old, PLAN_MARKER), "stack: stage\n");
        writeFileSync(path.join(old, "resources.json"), "[]");
        writeFileSync(path.join(old, "kubernetes", "gone.yaml"), "old");
        writeFileSync(path.join(old, "NOTES.md"), "keep");
        const { kept } = writePlan(PLAN, old, "stage");
        assert.deepEqual(kept, ["NOTES.md"]);
        assert.ok(!existsSync(path.join(old, "kubernetes", "gone.yaml")));
        assert.ok(existsSync(path.join(old, PLAN_FILES)));
    });

    it("refuses another stack's plan and a file", () => {
        const out = path.join(root, "plan");
        writePlan(PLAN, out, "prod");
        assert.throws(() => writePlan(PLAN, out, "stage"), /holds the plan of stack prod/);
        writeFileSync(path.join(root, "file"), "x");
        assert.throws(() => writePlan(PLAN, path.join(root, "file"), "stage"), /is a file/);
    });
});
