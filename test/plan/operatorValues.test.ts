import * as assert from "node:assert/strict";
import fc from "fast-check";
import { SUMMARY_WIDTH, operatorValuesOfSummary, renderSummary } from "../../tools/plan/render";

describe("plan summary: the operator values pulumi up stops on", () => {
    it("generated: every key is listed once, one section a line, no line wider than the summary", () => {
        const segment = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{4,24}$/);
        const rest = fc
            .array(
                fc.oneof(
                    segment,
                    fc.nat(3).map((i) => `[${i}]`),
                ),
                { minLength: 1, maxLength: 5 },
            )
            .map((parts) => parts.map((p, i) => (i === 0 || p.startsWith("[") ? p : `.${p}`)).join(""));
        const key = fc.oneof(
            fc
                .tuple(fc.constantFrom("thoth", "packit", "callysto", "clusters"), rest)
                .map(([s, r]) => (r.startsWith("[") ? `runbooks:${s}${r}` : `runbooks:${s}.${r}`)),
            // A key without a section (no `.` or `[`) is listed whole.
            segment.map((s) => `kubeconfig-${s}`),
        );
        fc.assert(
            fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 80, size: "large" }), (keys) => {
                const summary = renderSummary("prod", {
                    resources: [],
                    kubernetes: {},
                    operatorValues: keys,
                });
                assert.deepEqual([...operatorValuesOfSummary(summary)].sort(), [...keys].sort());
                for (const line of summary.split("\n")) assert.ok(line.length <= SUMMARY_WIDTH, line);
            }),
        );
    });
});
