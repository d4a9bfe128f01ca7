import { strict as assert } from "assert";
import { BASE_RESOURCES, MAX_RESOURCES, estimateResources } from "../../tools/plan/size";
import { readStackFile } from "../../tools/plan/stackfile";
import { DIALS, dialsSection, onDials } from "../dials/fixtures";
import { runSystem } from "../fixtures/system";
import { stackPlan } from "../fixtures/plans";

// The size guard estimates a stack's resources before evaluating it; an estimate below the truth lets a stack past
// the limit it exists to enforce (it had drifted to 570 for stage's 906).

describe("resource estimate of the size guard", function () {
    this.timeout(120_000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: never below what the plan registers, and not far above it`, async () => {
            const actual = (await stackPlan(stack)).resources.length;
            const estimate = estimateResources(readStackFile(stack).values);
            assert.ok(estimate >= actual, `estimate ${estimate} < ${actual} resources planned`);
            assert.ok(estimate <= actual * 1.5, `estimate ${estimate} far above ${actual} resources planned`);
        });
    }

    it("counts what a DIALS downloader adds to the program", async () => {
        const before = (await runSystem(DIALS, "stage")).length;
        const after = (
            await runSystem(
                DIALS,
                "stage",
                onDials((d) => (d.etl!.downloaders ??= []).push("SizeGuardDataset")),
            )
        ).length;
        const values = readStackFile("stage").values;
        const more = structuredClone(values);
        ((dialsSection(more).etl as { downloaders?: string[] }).downloaders ??= []).push("SizeGuardDataset");
        assert.equal(estimateResources(more) - estimateResources(values), after - before);
        assert.ok(after > before);
    });

    it("counts what a DIALS workspace adds to the program", async () => {
        const extra = [
            { name: "sizeguard1", egroup: "cms-dqm-runregistry-offline-sizeguard1" },
            { name: "sizeguard2", egroup: "cms-dqm-runregistry-offline-sizeguard2" },
        ];
        const before = (await runSystem(DIALS, "stage")).length;
        const after = (
            await runSystem(
                DIALS,
                "stage",
                onDials((d) => d.workspaces!.push(...extra)),
            )
        ).length;
        const values = readStackFile("stage").values;
        const more = structuredClone(values);
        (dialsSection(more).workspaces as unknown[]).push(...extra);
        assert.equal(estimateResources(more) - estimateResources(values), after - before);
        assert.ok(after > before);
    });

    it("leaves room for the committed stacks", () => {
        assert.ok(BASE_RESOURCES < MAX_RESOURCES);
        for (const stack of ["stage", "prod"] as const) {
            assert.ok(estimateResources(readStackFile(stack).values) < MAX_RESOURCES);
        }
    });
});
