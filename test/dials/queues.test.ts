import { strict as assert } from "assert";
import { COMMITTED_STACKS } from "../fixtures/plans";
import { runSystem } from "../fixtures/system";
import { DIALS, dialsSection, dialsValues } from "./fixtures";
import { DialsContainer, dialsContainers, publishedQueues, unconsumed } from "./upstream";

// Every Celery queue the pinned release publishes for the stack's workspaces (test/dials/upstream.ts) has a
// worker in the namespace, consuming it by its command's --queues: a queue without one piles up tasks nobody runs.

for (const stack of COMMITTED_STACKS) {
    describe(`dials queues on the ${stack} stack (issue 51)`, () => {
        let containers: DialsContainer[];
        const workspaces = dialsSection(dialsValues(stack)).workspaces.map((w) => w.name);
        before(async () => {
            containers = dialsContainers(await runSystem(DIALS, stack));
        });

        it("gives every queue v1.12.0 publishes a worker", () => {
            assert.ok(publishedQueues(workspaces).length >= 1 + 2 * workspaces.length);
            assert.deepEqual(unconsumed(containers, workspaces), []);
        });

        it("control: without the common-indexer worker its queue is unconsumed", () => {
            const without = containers.filter((c) => !c.where.includes("/common-indexer "));
            assert.deepEqual(
                unconsumed(without, workspaces).map((m) => m.split(" (")[0]),
                [`cms-dials-${stack}: common-indexer is published`],
            );
        });
    });
}
