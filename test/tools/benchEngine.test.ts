import { strict as assert } from "assert";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import {
    ENGINE_CHECKS,
    ENGINE_PHASES,
    PARALLEL_VARIABLE,
    checksGrep,
    engineRows,
    engineRun,
    phaseTimes,
} from "../../tools/bench/engine";
import { repoRoot } from "../../tools/root";

// `npm run bench -- --only engine` times the e2e's own checks; the toolchain is not on every machine, so what is
// checked here is that the bench still names those checks and phases, and how it reads a run's output.

const E2E = path.join(repoRoot(), "e2e");
const LOCAL = readFileSync(path.join(E2E, "local.e2e.ts"), "utf8");

/** The title of every `it(...)` of the e2e files written as one literal. */
function e2eTitles(): string[] {
    return readdirSync(E2E)
        .filter((f) => f.endsWith(".e2e.ts"))
        .flatMap((f) => [
            ...readFileSync(path.join(E2E, f), "utf8").matchAll(/\bit\(\s*(["`])((?:(?!\1)[^\\]|\\.)*)\1/g),
        ])
        .map((m) => m[2]);
}

/** The lines an e2e run prints (its `timed(...)` format), around the phases the bench reads. */
const RUN = [
    "      [e2e] cluster start: 9.2 s",
    "      [e2e] first apply: 12.0 s",
    "    ✔ (a) server-side apply ...",
    "      [e2e] readiness (every workload Ready, every claim Bound): 6.1 s",
    "      [e2e] engine local: fresh cluster: 8.0 s",
    "      [e2e] engine: pulumi up (local): 99.7 s",
    "      [e2e] engine: readiness: 0.4 s",
    "      [e2e] engine: preview --expect-no-changes: 14.2 s",
    "      [e2e] engine: preview --refresh --expect-no-changes: 29.0 s",
    "      [e2e] phase times: first apply 12.0 s; engine: pulumi up (local) 99.7 s",
].join("\n");

describe("npm run bench -- --only engine", () => {
    it("its --grep selects exactly the e2e checks it times, and each still exists under its title", () => {
        const titles = e2eTitles();
        assert.ok(titles.length > 20, `read ${titles.length} e2e titles`);
        const grep = new RegExp(checksGrep());
        assert.deepEqual(
            titles.filter((t) => grep.test(t)),
            [...ENGINE_CHECKS],
        );
    });

    it("reads the phases the e2e times, and the e2e's first pulumi up takes --parallel from the bench", () => {
        for (const phase of Object.values(ENGINE_PHASES))
            assert.ok(LOCAL.includes(`timed("${phase}"`), phase);
        assert.ok(LOCAL.includes(`process.env[PARALLEL_VARIABLE]`), PARALLEL_VARIABLE);
        assert.match(LOCAL, /stack\.up\(\{ onOutput: out\.onOutput, parallel: ENGINE_PARALLEL \}\)/);
    });

    it("reports both ways to a Ready cluster and the engine's ratio to kubectl", () => {
        const times = phaseTimes(RUN);
        assert.equal(times.get(ENGINE_PHASES.up), 99.7);
        assert.equal(times.has("phase times"), false, "the summary line is not a phase");
        const rows = engineRows([
            engineRun(0, RUN, 0),
            engineRun(32, RUN.replace("99.7 s", "40.3 s"), 0),
            engineRun(0, RUN.replace("99.7 s", "30.1 s"), 0, true),
        ]);
        assert.deepEqual(rows.slice(1), [
            "  kubectl apply --server-side + readiness          18.1 s  (apply 12.0 s, readiness 6.1 s)",
            "  pulumi up (default --parallel) + readiness      100.1 s  (up 99.7 s, readiness 0.4 s; 5.53x kubectl's)",
            "  no-op pulumi preview --expect-no-changes         14.2 s  (after that up)",
            "    the same with --refresh                        29.0 s  (every object read back)",
            "  kubectl apply --server-side + readiness          18.1 s  (apply 12.0 s, readiness 6.1 s)",
            "  pulumi up --parallel 32 + readiness              40.7 s  (up 40.3 s, readiness 0.4 s; 2.25x kubectl's)",
            "  no-op pulumi preview --expect-no-changes         14.2 s  (after that up)",
            "    the same with --refresh                        29.0 s  (every object read back)",
            "  kubectl apply --server-side + readiness          18.1 s  (apply 12.0 s, readiness 6.1 s)",
            "  pulumi up (default --parallel), PULUMI_SKIP_CHECKPOINTS + readiness   30.5 s  (up 30.1 s, readiness 0.4 s; 1.69x kubectl's)",
            "  no-op pulumi preview --expect-no-changes         14.2 s  (after that up)",
            "    the same with --refresh                        29.0 s  (every object read back)",
        ]);
    });

    it("says why the engine was not timed: its checks skipped, or the run failed", () => {
        const skipped = [
            "      [e2e] first apply: 12.0 s",
            "      [e2e] readiness (every workload Ready, every claim Bound): 6.1 s",
            "      [e2e] engine checks SKIPPED (all of them), missing: pulumi-language-nodejs (beside the CLI or on PATH)",
        ].join("\n");
        assert.deepEqual(engineRows([engineRun(0, skipped, 0)]).slice(2), [
            "  pulumi up (default --parallel): not measured: engine checks SKIPPED (all of them), missing: pulumi-language-nodejs (beside the CLI or on PATH)",
        ]);
        const failed = engineRows([engineRun(0, "      [e2e] first apply: 12.0 s\n  1 failing", 1)]);
        assert.deepEqual(failed.slice(1), [
            "  pulumi up (default --parallel): not measured: the e2e did not time it",
            "  the e2e run failed, exit 1:\n      [e2e] first apply: 12.0 s\n  1 failing",
        ]);
    });
});
