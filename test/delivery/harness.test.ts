// The test machinery's own promises: a test that observes an evaluation cannot pass without one, and helpers' scratch
// directories do not outlive the file that made them.
import { strict as assert } from "assert";
import { existsSync } from "fs";
import { evaluatingAgain, evaluationCount, runWith } from "../harness";
import { removeScratchDirs, scratchDir } from "../fixtures/scratch";

describe("test harness", () => {
    it("evaluatingAgain fails when its body evaluated nothing, and passes when it evaluated the program", async () => {
        await assert.rejects(
            evaluatingAgain(async () => []),
            /did not evaluate the program, so it observed nothing/,
        );
        const before = evaluationCount();
        await evaluatingAgain(() => runWith({ values: { tier: "staging" }, systems: [] }));
        assert.equal(evaluationCount(), before + 1);
    });

    it("evaluates a configuration again on every call (no recording is reused)", async () => {
        const before = evaluationCount();
        await runWith({ values: { tier: "staging" }, systems: [] });
        await runWith({ values: { tier: "staging" }, systems: [] });
        assert.equal(evaluationCount(), before + 2);
    });

    it("removes scratch directories when asked (the root afterAll hook asks after every file)", () => {
        const dir = scratchDir("harness-test-");
        assert.ok(existsSync(dir));
        removeScratchDirs();
        assert.ok(!existsSync(dir));
    });
});
