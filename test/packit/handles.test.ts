import { strict as assert } from "assert";
import { field } from "../harness";
import { REQUIRES } from "../../components/packit/checks";
import { COMPONENTS } from "../../components/packit/config";
import { DEPLOYMENT, runPackit } from "./fixtures";
import { unwaitedReads } from "./podReads";

// Issue #28: pods name the Secrets, ConfigMaps, claims and accounts the program makes through their handles, so
// each pod is ordered after exactly what it reads by the reference itself, with no hand-written dependsOn.
describe("packit pods read what the program makes, and wait for it (issue 28)", function () {
    this.timeout(120000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}, every component on and a database upgrade: each object a pod names exists and comes first`, async () => {
            const recorded = await runPackit(stack, (v) => {
                for (const section of [v.packit, v.stream]) {
                    section.components = { ...section.components, redisCommander: true, flower: true };
                }
                v.packit.postgres.previous = { version: 13, image: "quay.io/sclorg/postgresql-13-c9s:c9s" };
            });
            const kinds = new Set(recorded.map((r) => field(r.inputs, "kind")));
            for (const kind of ["StatefulSet", "CronJob", "Job", "Deployment"]) {
                assert.ok(kinds.has(kind), `the recording has a ${kind}`);
            }
            assert.deepEqual(unwaitedReads(recorded), { dangling: [], unwaited: [] });
        });
    }
});

describe("packit partial deployments read only Secrets they make (issue 28)", function () {
    this.timeout(120000);

    // The runbook's TAGS deploy single components (with what they need): each must find every Secret its pods read.
    for (const component of COMPONENTS) {
        it(`${component} alone (TAGS=${component}) makes every object its pods read`, async () => {
            const on = new Set([component, ...(REQUIRES[component] ?? [])]);
            const recorded = await runPackit("stage", (v) => {
                v.packit.components = Object.fromEntries(COMPONENTS.map((c) => [c, on.has(c)]));
            });
            assert.ok(recorded.length > 0, "the configuration was accepted");
            assert.deepEqual(unwaitedReads(recorded), { dangling: [], unwaited: [] });
        });
    }

    it("tokman alone deploys tokman and no other Packit application", async () => {
        const recorded = await runPackit("stage", (v) => {
            v.packit.components = Object.fromEntries(COMPONENTS.map((c) => [c, c === "tokman"]));
        });
        const deployed = recorded.filter((r) => r.type === DEPLOYMENT && r.name.startsWith("packit-"));
        assert.deepEqual(
            deployed.map((r) => r.name),
            ["packit-tokman-deployment"],
        );
    });
});
