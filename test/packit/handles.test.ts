import { strict as assert } from "assert";
import { RecordedResource } from "../../tools/mocks/recorder";
import { REQUIRES } from "../../components/packit/checks";
import { COMPONENTS, Component } from "../../components/packit/config";
import { DEPLOYMENT, PACKIT_ALONE, onlyComponents, packitSections } from "./fixtures";
import { runSystem } from "../fixtures/system";
import { unwaitedReads } from "../fixtures/podReads";

// Issue #28: the whole deployment of each stack, every component on, is checked the same way in validity.test.ts,
// which evaluates that variant once for both questions.
describe("packit partial deployments read only Secrets they make (issue 28)", function () {
    this.timeout(120000);

    // Only packit's section: the change is packit's, and stream's whole deployment is checked in validity.test.ts.
    const alone = new Map<Component, Promise<RecordedResource[]>>();
    /** Stage with `component` and what it needs on, everything else off; one evaluation per component. */
    function deployedAlone(component: Component): Promise<RecordedResource[]> {
        let run = alone.get(component);
        if (!run) {
            run = runSystem(PACKIT_ALONE, "stage", (values) => {
                onlyComponents(packitSections(values).packit, [component, ...(REQUIRES[component] ?? [])]);
            }).then((r) => [...r]);
            alone.set(component, run);
        }
        return run;
    }

    // The runbook's TAGS deploy single components (with what they need): each must find every Secret its pods read.
    for (const component of COMPONENTS) {
        it(`${component} alone (TAGS=${component}) makes every object its pods read`, async () => {
            const recorded = await deployedAlone(component);
            assert.ok(recorded.length > 0, "the configuration was accepted");
            assert.deepEqual(unwaitedReads(recorded), { dangling: [], unwaited: [] });
        });
    }

    it("tokman alone deploys tokman and no other Packit application", async () => {
        // tokman needs nothing else: the same deployment as TAGS=tokman above.
        assert.deepEqual(REQUIRES.tokman ?? [], []);
        const recorded = await deployedAlone("tokman");
        const deployed = recorded.filter((r) => r.type === DEPLOYMENT && r.name.startsWith("packit-"));
        assert.deepEqual(
            deployed.map((r) => r.name),
            ["packit-tokman-deployment"],
        );
    });
});
