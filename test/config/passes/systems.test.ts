import { strict as assert } from "assert";
import { z } from "zod";
import { readSystems } from "../../../components/config/passes/systems";
import { memoryConfigSource } from "../../../components/config/source";
import { Refined, Rejected } from "../../../components/config/system";
import { defineSystem, registered } from "../../../components/config/systemDefinition";
import { app } from "./fixtures";
import { onlyProblem } from "../../harness";

const input = {
    tier: "staging" as const,
    clusters: {},
    foreign: { renamed: new Set<string>() },
    placeholders: false,
};
const whole = (values: Record<string, unknown>) => memoryConfigSource(values, {}, { stack: "stage" });
const placeholder = {
    key: "runbooks:a.namespace",
    message: "is a placeholder",
    fix: "set it",
    placeholder: true,
};

describe("pass: each system's section and its own check", () => {
    it("a whole stack without a system's section says how to switch it off, a partial configuration does not", () => {
        const r = readSystems(whole({}), [app("a")], input);
        assert.deepEqual(
            r.problems.map((p) => [p.key, p.fix]),
            [["runbooks:a", undefined]],
        );
        assert.deepEqual(readSystems(memoryConfigSource({}), [app("a")], input).problems, []);
    });

    it("a missing section that an unknown key is a typo of is the typo's problem", () => {
        assert.deepEqual(
            readSystems(whole({ aa: { enabled: true } }), [app("alpha"), app("a")], input).problems.map(
                (p) => p.key,
            ),
            ["runbooks:alpha"],
        );
    });

    it("a switched-off section needs nothing else, and nothing else of it is read", () => {
        const r = readSystems(whole({ a: { enabled: false, namespace: "Bad Name" } }), [app("a")], input);
        assert.deepEqual(r.problems, []);
        assert.deepEqual(r.state.sections, { a: { enabled: false } });
        assert.deepEqual(r.state.read, []);
        assert.deepEqual(r.state.enabled, []);
    });

    it("an enabled section is checked; its check's problems are the section's", () => {
        const check = () => [{ key: "runbooks:a.host", message: "is wrong", fix: "fix it" }];
        const r = readSystems(
            whole({ a: { enabled: true, namespace: "apps", host: "h" } }),
            [app("a", check)],
            input,
        );
        onlyProblem(r, "runbooks:a.host");
        assert.deepEqual(r.state.read[0].problems, r.problems);
        assert.deepEqual(
            r.state.enabled.map((d) => d.section),
            ["a"],
        );
        assert.equal(r.state.complete, true);
    });

    it("a check does not run on a section read with a guess, and does not repeat a broken key", () => {
        let ran = 0;
        const check = () => {
            ran++;
            return [{ key: "runbooks:a.namespace", message: "again", fix: "x" }];
        };
        const broken = readSystems(whole({ a: { enabled: true, namespace: 7 } }), [app("a", check)], input);
        assert.equal(ran, 0);
        assert.equal(broken.state.complete, false);
        const unknownKey = readSystems(
            whole({ a: { enabled: true, namespace: "apps", extra: 1 } }),
            [app("a", check)],
            input,
        );
        assert.equal(ran, 1);
        assert.deepEqual(unknownKey.problems.map((p) => p.message).includes("again"), true);
    });

    it("a placeholder problem stops a real run and is listed by the offline plan", () => {
        const values = { a: { enabled: true, namespace: "apps" } };
        const real = readSystems(whole(values), [app("a", () => [placeholder])], input);
        assert.deepEqual(real.problems, [placeholder]);
        const plan = readSystems(whole(values), [app("a", () => [placeholder])], {
            ...input,
            placeholders: true,
        });
        assert.deepEqual(plan.problems, []);
        assert.deepEqual(plan.state.operatorValues, [placeholder]);
    });

    describe("a check that refines the section", () => {
        interface Parsed {
            enabled: boolean;
            domain?: string;
        }
        interface Checked {
            enabled: boolean;
            domain: string;
        }
        const refining = (withPlaceholder: boolean) =>
            registered(
                defineSystem<Parsed, "openstack", Checked>({
                    section: "r",
                    title: "R",
                    target: "openstack",
                    schema: z.object({ enabled: z.boolean(), domain: z.string().optional() }).strict(),
                    namespaces: () => [],
                    hosts: () => [],
                    clusterScoped: () => [],
                    secrets: () => [],
                    check(c): Refined<Checked> | Rejected {
                        if (c.domain === undefined) {
                            return {
                                problems: [
                                    {
                                        ...placeholder,
                                        key: "runbooks:r.domain",
                                        placeholder: withPlaceholder,
                                    },
                                ],
                            };
                        }
                        return { section: { ...c, domain: c.domain.toLowerCase() } };
                    },
                    deploy: (c) => ({ domain: c.domain }),
                }),
            );

        it("keeps the section its check built for deploy", () => {
            const r = readSystems(
                whole({ r: { enabled: true, domain: "EXAMPLE.org" } }),
                [refining(false)],
                input,
            );
            assert.deepEqual(r.state.sections.r, { enabled: true, domain: "example.org" });
            // What ownership and secrets read stays the section as written.
            assert.deepEqual(r.state.read[0].parsed, { enabled: true, domain: "EXAMPLE.org" });
        });

        it("cannot be declared with a check that returns problems alone (checked by the build's type check)", () => {
            const definition = {
                section: "r",
                title: "R",
                target: "openstack" as const,
                schema: z.object({ enabled: z.boolean(), domain: z.string().optional() }).strict(),
                namespaces: () => [],
                hosts: () => [],
                clusterScoped: () => [],
                secrets: () => [],
                check: () => [],
                deploy: (c: Checked) => ({ domain: c.domain }),
            };
            // @ts-expect-error problems alone would hand deploy the section as parsed, without its domain
            assert.ok(defineSystem<Parsed, "openstack", Checked>(definition));
            assert.ok(defineSystem<Parsed, "openstack">({ ...definition, deploy: () => ({}) }));
        });

        it("stops even the offline plan when the check could not build it, placeholder or not", () => {
            const r = readSystems(whole({ r: { enabled: true } }), [refining(true)], {
                ...input,
                placeholders: true,
            });
            onlyProblem(r, "runbooks:r.domain");
            assert.deepEqual(r.state.operatorValues, []);
        });
    });
});
