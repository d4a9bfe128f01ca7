import { strict as assert } from "assert";
import { COMMITTED_STACKS } from "../fixtures/plans";
import { runSystem } from "../fixtures/system";
import { DIALS } from "./fixtures";
import { DialsContainer, TABLE, celeryFlags, dialsContainers, readFacts } from "./upstream";

for (const stack of COMMITTED_STACKS) {
    describe(`dials on the ${stack} stack against the upstream source (issue 51)`, () => {
        let containers: DialsContainer[];
        before(async () => {
            containers = dialsContainers(await runSystem(DIALS, stack));
        });

        it("runs only images whose source was read (Redis included: the shared block's entry)", () => {
            // A digest pin (the prod fixture confirms its images) stands on its repository's entries, as in the
            // plan's verdicts (components/config/evidenceVerdicts.ts).
            const unread = containers
                .map((c) => String(c.container.image))
                .filter((image) => !readFacts(TABLE, { container: { image } } as unknown as DialsContainer))
                .filter((image) => !/[:@]sha256[-:][0-9a-f]{64}$/.test(image));
            assert.deepEqual(unread, []);
            assert.ok(containers.some((c) => readFacts(TABLE, c)));
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
