import * as assert from "node:assert/strict";
import { renderNotices, renderSummary } from "../../tools/plan/render";
import type { Plan } from "../../tools/plan/render";

const PLAN: Plan = { resources: [], kubernetes: {} };

describe("plan notices: what an operator must read before pulumi up", () => {
    it("lists every notice under the stack's up command, in the summary and in notices.txt", () => {
        const plan = { ...PLAN, notices: ["dials: this up migrates the production schema from a to b"] };
        const summary = renderSummary("prod", plan);
        assert.match(summary, /Read before `pulumi up --stack prod` \(1;/);
        assert.match(summary, /^ {2}dials: this up migrates the production schema from a to b$/m);
        assert.match(
            renderNotices("prod", plan),
            /^dials: this up migrates the production schema from a to b$/m,
        );
    });

    it("says there is nothing to read when no system has a notice", () => {
        assert.doesNotMatch(renderSummary("stage", PLAN), /Read before/);
        assert.equal(renderNotices("stage", PLAN), "# nothing to read before `pulumi up --stack stage`\n");
    });
});
