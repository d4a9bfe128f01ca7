import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { COMMITTED_STACKS } from "../../../components/config/identity";
import { otherStacks } from "../../../components/config/stacks";
import { PROD, ROOT, STAGE, validate } from "../battery";

// Issue 38, finding 2: which stack files take part in the ownership model is one committed list; a file that merely
// lies beside them (a backup, a scratch copy) neither blocks a stack nor grants anything.

describe("guards: only the committed stack files take part in ownership (issue 38, finding 2)", function () {
    this.timeout(60000);
    let root: string;
    beforeEach(() => {
        root = mkdtempSync(path.join(tmpdir(), "stack-files-"));
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), STAGE);
        writeFileSync(path.join(root, "Pulumi.prod.yaml"), PROD);
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("the list is the stack files git tracks", function () {
        let tracked: string;
        try {
            tracked = execFileSync("git", ["ls-files", "Pulumi.*.yaml"], { cwd: ROOT, encoding: "utf8" });
        } catch {
            this.skip();
        }
        const names = tracked
            .split("\n")
            .filter(Boolean)
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)![1]);
        assert.deepEqual([...COMMITTED_STACKS].sort(), names.sort());
    });

    it("a backup copy of prod beside the real one does not block prod", () => {
        writeFileSync(path.join(root, "Pulumi.prod-backup.yaml"), PROD);
        assert.deepEqual(validate(PROD, "prod", root).problems, []);
        assert.deepEqual(
            otherStacks("prod", root).map((s) => s.stack),
            ["stage"],
        );
    });

    it("a scratch copy of stage does not rename stage's namespaces", () => {
        writeFileSync(path.join(root, "Pulumi.stage-scratch.yaml"), STAGE);
        assert.deepEqual(validate(STAGE, "stage", root).problems, []);
    });

    it("an uncommitted file granting production's namespace grants nothing, and a scratch stack is still checked", () => {
        const scratch = STAGE.replace(
            "aicoe-stage-bots: thoth",
            "aicoe-stage-bots: thoth\n        aicoe-prod-bots: thoth",
        );
        writeFileSync(path.join(root, "Pulumi.scratch.yaml"), scratch);
        // The scratch stack itself, run by name, is checked against the committed files.
        const out = validate(
            scratch.replace("namespace: aicoe-stage-bots", "namespace: aicoe-prod-bots"),
            "scratch",
            root,
        );
        assert.ok(
            out.problems.some((p) => p.key === "runbooks:clusters.psi.namespaces.aicoe-prod-bots"),
            out.message,
        );
    });
});
