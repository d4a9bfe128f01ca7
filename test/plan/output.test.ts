import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Plan } from "../../tools/plan/render";
import { PLAN_MARKER, PlanOutputError, writePlan } from "../../tools/plan/run";

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
            "kubernetes",
            "resources.json",
            "unset-secrets.txt",
        ]);
        assert.deepEqual(readdirSync(root), ["plan"], "no temporary directory left");
        assert.match(readFileSync(path.join(out, "unset-secrets.txt"), "utf8"), /^kubeconfig-psi$/m);
    });

    it("replaces an earlier plan of the same stack, stale files included", () => {
        const out = path.join(root, "plan");
        writePlan(PLAN, out, "stage");
        writeFileSync(path.join(out, "kubernetes", "gone.yaml"), "old");
        writePlan(PLAN, out, "stage");
        assert.ok(!existsSync(path.join(out, "kubernetes", "gone.yaml")));
        assert.deepEqual(readdirSync(root), ["plan"]);
    });

    it("refuses a directory it does not own and deletes nothing", () => {
        writeFileSync(path.join(root, "precious.txt"), "keep");
        mkdirSync(path.join(root, ".git"));
        assert.throws(() => writePlan(PLAN, root, "stage"), PlanOutputError);
        assert.equal(readFileSync(path.join(root, "precious.txt"), "utf8"), "keep");
        assert.ok(existsSync(path.join(root, ".git")));
    });

    it("replaces a plan written before the marker existed, but not a directory that merely holds a resources.json", () => {
        const old = path.join(root, "old-plan");
        mkdirSync(path.join(old, "kubernetes"), { recursive: true });
        writeFileSync(path.join(old, "resources.json"), "[]");
        writeFileSync(path.join(old, "kubernetes", "gone.yaml"), "old");
        writePlan(PLAN, old, "stage");
        assert.ok(existsSync(path.join(old, PLAN_MARKER)));
        assert.ok(!existsSync(path.join(old, "kubernetes", "gone.yaml")));

        const mixed = path.join(root, "mixed");
        mkdirSync(mixed);
        writeFileSync(path.join(mixed, "resources.json"), "[]");
        writeFileSync(path.join(mixed, "notes.md"), "keep");
        assert.throws(() => writePlan(PLAN, mixed, "stage"), PlanOutputError);
        assert.equal(readFileSync(path.join(mixed, "notes.md"), "utf8"), "keep");
    });

    it("refuses another stack's plan and a file", () => {
        const out = path.join(root, "plan");
        writePlan(PLAN, out, "prod");
        assert.throws(() => writePlan(PLAN, out, "stage"), /holds the plan of stack prod/);
        writeFileSync(path.join(root, "file"), "x");
        assert.throws(() => writePlan(PLAN, path.join(root, "file"), "stage"), /is a file/);
    });
});
