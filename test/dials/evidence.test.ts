import { strict as assert } from "assert";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";
import { DialsContainer, TABLE, celeryFlags, dialsContainers, readFacts } from "./upstream";

for (const stack of COMMITTED_STACKS) {
    describe(`dials on the ${stack} plan against the upstream source (issue 51)`, () => {
        let containers: DialsContainer[];
        before(async () => {
            containers = dialsContainers((await stackPlan(stack)).resources);
        });

        it("runs only images whose source was read, Redis aside", () => {
            const unread = containers.filter((c) => !readFacts(TABLE, c));
            assert.deepEqual(
                [...new Set(unread.map((c) => String(c.container.image)))],
                ["quay.io/sclorg/redis-7-c9s:c9s"],
            );
        });

        it("passes celery only flags that celery 5.3.6 (or flower 2.0.1) defines", () => {
            const etl = containers.filter((c) => /\/etl:/.test(String(c.container.image)));
            assert.ok(etl.length > 3);
            for (const c of etl) {
                const facts = readFacts(TABLE, c)!;
                const defined = new Set(facts.flags === "none" ? [] : facts.flags.map((f) => f.name));
                const passed = celeryFlags(c);
                assert.ok(passed.length > 0, c.where);
                assert.deepEqual(
                    passed.filter((f) => !defined.has(f)),
                    [],
                    c.where,
                );
            }
        });

        it("control: a celery flag the entry does not list fails", () => {
            const c = containers.find((x) => x.where.includes("common-redbeat"))!;
            const facts = readFacts(TABLE, c)!;
            const defined = new Set(facts.flags === "none" ? [] : facts.flags.map((f) => f.name));
            const command = [...(c.container.command as string[]), "--pidfile=/x"];
            const edited = { ...c, container: { ...c.container, command } };
            assert.deepEqual(
                celeryFlags(edited).filter((f) => !defined.has(f)),
                ["pidfile"],
            );
        });
    });
}
