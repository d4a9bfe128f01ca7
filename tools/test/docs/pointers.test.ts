import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { repoRoot } from "../../root";

const ROOT = repoRoot();

/** Files the program's messages, comments and stack files are written in (what an operator reads the pointer in). */
function sources(): string[] {
    return execFileSync(
        "git",
        ["ls-files", "components", "tools", "policy", "e2e", ".github", "Pulumi.*.yaml"],
        {
            cwd: ROOT,
            encoding: "utf8",
        },
    )
        .split("\n")
        .filter((f) => /\.(ts|js|ya?ml|sh)$/.test(f) && existsSync(path.join(ROOT, f)));
}

describe("pointers into the documentation", () => {
    it("every docs/ page a message, comment or stack file names exists, and none points into README's old sections", () => {
        const problems: string[] = [];
        for (const file of sources()) {
            const text = readFileSync(path.join(ROOT, file), "utf8");
            for (const m of text.matchAll(/\bdocs\/(?:operate|develop|reference|systems)\/[\w./-]+\.md/g))
                if (!existsSync(path.join(ROOT, m[0]))) problems.push(`${file}: ${m[0]} does not exist`);
            // The README is a front door now: a section name quoted after it no longer exists there.
            for (const m of text.matchAll(/README,? "[^"]+"/g))
                problems.push(`${file}: ${m[0]} (moved to docs/)`);
        }
        assert.deepEqual(problems, []);
    });
});
