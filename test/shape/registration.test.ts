import { strict as assert } from "assert";
import { stackPlan } from "../fixtures/plans";
import { Registration, Violation, violations } from "../fixtures/registrations";

// Issue 28, "one way to build a part": functions may compute data but never register resources. Every object of both
// committed stacks is registered by a component's constructor or method (blocks such as `new ConfigSecret(...)` count
// for whoever constructs them), so a part is always a class whose children carry its name.

/**
 * The stack's own body, whose objects are the stack's children: the program (one provider per cluster) and each
 * system's `deploy` (its top component).
 */
const ROOTS = [/^program:deployProgram$/, /^[a-z]+\/index:Object\.deploy$/];

function listed(vs: readonly Violation[]): string {
    return vs
        .map(
            (v) =>
                `${v.site} registered ${v.count} object(s) outside a component` +
                (v.callers.length > 0 ? ` (called from ${v.callers.sort().join(", ")})` : ""),
        )
        .join("\n");
}

describe("every object is registered by a component (the plans of stage and prod)", function () {
    this.timeout(300_000);
    const runs: { stack: "stage" | "prod"; registrations: Registration[] }[] = [];

    before(async () => {
        // The run's plans record who registered each object (test/fixtures/plans.ts).
        for (const stack of ["stage", "prod"] as const) {
            runs.push({ stack, registrations: (await stackPlan(stack)).registrations });
        }
    });

    it("sees every registration with the frames of the program that made it", () => {
        for (const run of runs) {
            assert.ok(
                run.registrations.length > 500,
                `${run.stack}: ${run.registrations.length} registrations`,
            );
            const framed = run.registrations.filter((r) => r.frames.length > 0);
            // Only the SDK's own registrations (the stack) have no program frame.
            assert.ok(
                run.registrations.length - framed.length <= 1,
                `${run.stack}: registrations without frames`,
            );
        }
    });

    it("no free function registers an object", () => {
        const failures = runs
            .map((run) => ({ stack: run.stack, found: violations(run.registrations, ROOTS) }))
            .filter((r) => r.found.length > 0)
            .map((r) => `${r.stack}:\n${listed(r.found)}`);
        assert.equal(failures.join("\n"), "");
    });

    it("every component's class name equals its type token", () => {
        const wrong = new Set<string>();
        for (const run of runs) {
            for (const r of run.registrations) {
                if (!r.component || !r.type.startsWith("runbooks:")) continue;
                if (r.type.split(":")[2] !== r.className) wrong.add(`${r.type} is class ${r.className}`);
            }
        }
        assert.deepEqual([...wrong], []);
    });
});
