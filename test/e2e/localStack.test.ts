// The e2e's program copy and its committed test stacks, checked without the engine: a fresh clone must be able to run
// every engine check with no hand step, and the copy must run the compiled program its stale-build guard accepts.
import { strict as assert } from "assert";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { missingSecrets } from "../../e2e/local-secrets";
import { LOCAL_STACKS, ROOT, copyProgram } from "../../e2e/localStack";
import { sourceDigest } from "../../components/shared/buildFreshness";

describe("e2e program copy and local stacks", () => {
    it("the program copy hashes to the checkout's sources, so its compiled program is not refused as stale", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "program-copy-"));
        try {
            copyProgram(dir);
            assert.ok(sourceDigest(ROOT) !== undefined, "the checkout holds no program sources");
            assert.equal(sourceDigest(dir), sourceDigest(ROOT));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const stack of LOCAL_STACKS) {
        it(`Pulumi.${stack}.yaml holds a test value for every secret the program requires (a fresh clone needs no npm run e2e:secrets)`, () => {
            assert.deepEqual(
                missingSecrets(stack).map((s) => s.key),
                [],
                "add them with: npm run e2e:secrets",
            );
        });
    }
});
