import { strict as assert } from "assert";
import type { PlanResource } from "../../tools/plan/render";
import { stepsTouching } from "../../tools/conformance/match";
import { diffPlans } from "../../tools/plandiff/diff";
import { renderMarkdown, renderText } from "../../tools/plandiff/render";
import { fixturePlan, fixtureTable } from "../conformance/fixture";

const META = { stack: "prod", base: "main (1a2b3c4)", head: "working tree at 5d6e7f8" };

/** The fixture's prod plan with the app's image changed, the namespace gone and an unrelated ConfigMap added. */
function headOf(base: PlanResource[]): PlanResource[] {
    const head = structuredClone(base).filter((r) => !r.type.endsWith(":Namespace"));
    const app = head.find((r) => r.name === "app")!;
    app.inputs = { ...app.inputs, spec: { image: "demo:v2" } };
    const extra = structuredClone(app);
    extra.urn = extra.urn.replace("Deployment::app", "ConfigMap::settings");
    extra.type = "kubernetes:core/v1:ConfigMap";
    extra.name = "settings";
    extra.inputs = { metadata: { name: "settings", namespace: "demo-prod" } };
    return [...head, extra];
}

describe("plan:diff names the runbook steps a change touches", () => {
    const tables = [fixtureTable()];
    const base = fixturePlan("prod");
    const diff = diffPlans(base, headOf(base), (r) => stepsTouching(tables, r, "prod"));

    it("gives each changed, added or removed resource the steps whose objects match it (the checker's matching)", () => {
        const steps = Object.fromEntries(diff.changes.map((c) => [`${c.kind} ${c.name}`, c.steps]));
        assert.deepEqual(steps, {
            "change app": ['999-demo.txt:6 "oc apply"'],
            "add settings": undefined,
            "remove demo-prod": ['999-demo.txt:5 "oc new-project"'],
        });
    });

    it("matches per stack: a step's stage names and its stage-only steps touch nothing on prod", () => {
        const table = fixtureTable();
        table.steps[1].stacks = ["stage"];
        const [app, ns] = fixturePlan("prod").reverse();
        assert.deepEqual(stepsTouching([table], app, "prod"), []);
        assert.deepEqual(stepsTouching([table], app, "stage"), []);
        assert.deepEqual(stepsTouching([table], ns, "stage"), []);
        assert.deepEqual(stepsTouching([table], fixturePlan("stage")[1], "stage"), [
            '999-demo.txt:6 "oc apply"',
        ]);
        // A stack the tables do not know (a developer's own) matches only names that hold on every stack.
        assert.deepEqual(stepsTouching([fixtureTable()], app, "dev"), []);
    });

    it("prints the steps under their resource in the text and the markdown change lists", () => {
        const text = renderText(diff, META);
        assert.match(
            text,
            /\n {2}~ apps\/v1:Deployment demo-prod\/app {2}\(app\)\n {6}runbook step 999-demo\.txt:6 "oc apply"\n/,
        );
        assert.match(
            text,
            /\n {2}- core\/v1:Namespace demo-prod {2}\(demo-prod\)\n {6}runbook step 999-demo\.txt:5 "oc new-project"\n/,
        );
        assert.doesNotMatch(text, /ConfigMap demo-prod\/settings {2}\(settings\)\n {6}runbook/);
        const md = renderMarkdown(diff, META);
        assert.match(
            md,
            /\n- \*\*changed\*\* `apps\/v1:Deployment` `demo-prod\/app` <sub>`app`<\/sub>\n {2}- runbook step: `999-demo\.txt:6 "oc apply"`\n/,
        );
    });
});
