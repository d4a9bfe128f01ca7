import { strict as assert } from "assert";
import { COMMITTED_STACKS } from "../fixtures/plans";
import { runSystem } from "../fixtures/system";
import { DIALS } from "./fixtures";
import { DialsContainer, TABLE, dialsContainers, unreadVariables } from "./upstream";

// Every variable a DIALS container gets, through env or envFrom, is one its image's code reads at the pinned release.

for (const stack of COMMITTED_STACKS) {
    describe(`dials variables on the ${stack} stack (issue 51)`, () => {
        let containers: DialsContainer[];
        before(async () => {
            containers = dialsContainers(await runSystem(DIALS, stack));
        });

        it("gives no container a variable its image's code never reads", () => {
            assert.deepEqual(unreadVariables(containers, TABLE), []);
        });

        it("control: a variable the code does not read fails", () => {
            const c = containers.find((x) => x.where.includes("common-redbeat"))!;
            const edited = { ...c, vars: new Set([...c.vars, "RAW_LAYERS"]) };
            assert.deepEqual(unreadVariables([edited], TABLE), [
                `${c.where}: gets RAW_LAYERS, which its code never reads`,
            ]);
        });
    });
}
