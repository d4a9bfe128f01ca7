import { strict as assert } from "assert";
import { COMMITTED_STACKS } from "../fixtures/plans";
import { runSystem } from "../fixtures/system";
import { DIALS } from "./fixtures";
import { DialsContainer, dialsContainers, variableMismatches } from "./upstream";

// Every variable a DIALS container gets, through env or envFrom, is one its image's code reads at the pinned release,
// and every variable that code requires (python-decouple without a default: the process stops at import) is given.

for (const stack of COMMITTED_STACKS) {
    describe(`dials variables on the ${stack} stack (issue 51)`, () => {
        let containers: DialsContainer[];
        before(async () => {
            containers = dialsContainers(await runSystem(DIALS, stack));
        });

        it("gives no container a variable its image's code never reads, and every one it requires", () => {
            assert.deepEqual(variableMismatches(containers), []);
        });

        it("control: a variable the code does not read fails", () => {
            const c = containers.find((x) => x.where.includes("common-redbeat"))!;
            const edited = { ...c, vars: new Set([...c.vars, "EOS_LANDING_ZONE"]) };
            assert.deepEqual(
                variableMismatches([edited]).map((m) => m.split(", a variable")[0]),
                [`${c.where}: sets EOS_LANDING_ZONE`],
            );
        });

        it("control: a container without a required variable fails", () => {
            const c = containers.find((x) => x.where.includes("common-redbeat"))!;
            const vars = new Set([...c.vars].filter((v) => v !== "ETL_CONFIG_FPATH"));
            assert.deepEqual(
                variableMismatches([{ ...c, vars }]).map((m) => m.split(", which")[0]),
                [`${c.where}: sets no ETL_CONFIG_FPATH`],
            );
        });
    });
}
