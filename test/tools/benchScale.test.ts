import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fc from "fast-check";
import { loadProgramConfig } from "../../components/config/load";
import { SYSTEMS } from "../../components/systems";
import { scaleFactors } from "../../tools/bench/cli";
import { largestScale, scaleWorkspaces, scaledStackValues, writeScaledStack } from "../../tools/bench/scale";
import { checkSize } from "../../tools/plan/size";
import { readStackFile, stackFileSource } from "../../tools/plan/stackfile";
import { repoRoot, scriptArgs } from "../../tools/root";
import { scratchDir } from "../fixtures/scratch";

// `npm run bench`'s scale part plans stage with its DIALS workspaces multiplied. Each multiple it plans is a stack
// file the plan must accept as it accepts a committed one: the size limit and every configuration check.

const ROOT = repoRoot();
const VALUES = scaledStackValues(ROOT);
const LARGEST = largestScale(VALUES);

/** Writes the multiple and runs what the plan runs before evaluating: the size guard, then the program's checks. */
function validate(factor: number): void {
    const dir = scratchDir("bench-scale-");
    const stack = writeScaledStack(ROOT, dir, factor);
    const file = readStackFile(stack, dir);
    checkSize(stack, file.values);
    loadProgramConfig(stackFileSource(file, "[secret]"), SYSTEMS, {
        placeholderSecret: () => "x",
        root: dir,
    });
}

describe("bench: the scale part's stacks (tools/bench/scale.ts)", function () {
    this.timeout(120_000);

    it("the default --scale plans only multiples the program accepts, the largest among them", () => {
        const factors = scaleFactors();
        assert.ok(factors.includes(LARGEST), `default ${factors.join(",")} lacks the largest, ${LARGEST}`);
        for (const f of factors) validate(f);
    });

    it("every multiple up to the largest passes the program's validation, and one more is refused", () => {
        assert.ok(LARGEST >= 16, `stage multiplies only ${LARGEST} times under the size limit`);
        for (const f of [1, 2, LARGEST]) validate(f);
        fc.assert(
            fc.property(fc.integer({ min: 1, max: LARGEST }), (f) => validate(f)),
            { numRuns: 8 },
        );
        assert.throws(() => validate(LARGEST + 1), /one stack supports at most/);
    });

    it("names every copy of a workspace apart from every other, whatever stage's names are", () => {
        // A small alphabet, so names that differ by a copy's suffix (`a`, `a1`, `a-x1`) are drawn often.
        const name = fc.stringMatching(/^[ax][ax1-]{0,4}$/).filter((n) => !/-x\d+$/.test(n));
        fc.assert(
            fc.property(
                fc.uniqueArray(name, { minLength: 1, maxLength: 6 }),
                fc.integer({ min: 1, max: 70 }),
                (names, f) => {
                    const scaled = scaleWorkspaces(
                        names.map((n) => ({ name: n })),
                        f,
                    );
                    assert.equal(new Set(scaled.map((w) => w.name)).size, names.length * f);
                    assert.deepEqual(
                        scaled.slice(0, names.length).map((w) => w.name),
                        names,
                    );
                },
            ),
        );
    });

    it("answers a multiple over the size limit before measuring anything: one message, no stack trace", () => {
        const res = spawnSync(
            process.execPath,
            [...scriptArgs("tools/bench/cli.ts"), "--only", "scale", "--scale", `1,${LARGEST + 1}`],
            {
                cwd: ROOT,
                encoding: "utf8",
                timeout: 60_000,
            },
        );
        assert.equal(res.status, 2, res.stderr);
        assert.equal(res.stdout, "");
        assert.match(
            res.stderr,
            new RegExp(
                `^--scale 1,${LARGEST + 1}: at ${LARGEST + 1}x, runbooks:dials\\.workspaces has \\d+ entries`,
            ),
        );
        assert.match(
            res.stderr,
            new RegExp(`the largest multiple the plan accepts is ${LARGEST} \\(--scale max\\)`),
        );
        assert.doesNotMatch(res.stderr, /^\s+at /m);
    });
});
