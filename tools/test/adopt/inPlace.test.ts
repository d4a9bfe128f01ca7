import * as assert from "assert";
import fc from "fast-check";
import { adoptableInPlace } from "../../adopt/selectors";

// The rule of adoption in place, over generated selectors and pod labels: a program workload takes a live one over
// in place exactly when its selector is the live one and its pods carry that selector's labels.

const key = fc.constantFrom(
    "app",
    "deployment",
    "name",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
);
const value = fc.constantFrom("web", "worker", "redis", "hook");
const labels = fc.dictionary(key, value, { maxKeys: 4 });
const selector = fc.dictionary(key, value, { minKeys: 1, maxKeys: 3 });

describe("adopt: a workload is adoptable in place iff its selector is the live one and its pods carry it", () => {
    it("the live selector, with pods carrying it and any further labels: in place", () => {
        fc.assert(
            fc.property(selector, labels, (live, extra) => {
                const pods = { ...extra, ...live };
                return adoptableInPlace({ matchLabels: live }, { matchLabels: { ...live } }, pods);
            }),
        );
    });

    it("any other selector (narrower, wider, another value): never in place, whatever the pods carry", () => {
        fc.assert(
            fc.property(selector, selector, labels, (live, program, extra) => {
                fc.pre(
                    JSON.stringify(Object.entries(live).sort()) !==
                        JSON.stringify(Object.entries(program).sort()),
                );
                return !adoptableInPlace(
                    { matchLabels: live },
                    { matchLabels: program },
                    { ...extra, ...live, ...program },
                );
            }),
        );
    });

    it("the live selector with pods that lack or change one of its labels: never in place", () => {
        fc.assert(
            fc.property(selector, labels, fc.nat(), fc.boolean(), (live, extra, pick, drop) => {
                const [k, v] = Object.entries(live)[pick % Object.keys(live).length];
                const pods: Record<string, string> = { ...extra, ...live };
                if (drop) delete pods[k];
                else pods[k] = `${v}-other`;
                return !adoptableInPlace({ matchLabels: live }, { matchLabels: { ...live } }, pods);
            }),
        );
    });

    it("no live selector or no program selector: nothing to adopt in place", () => {
        assert.equal(adoptableInPlace(undefined, { matchLabels: { app: "web" } }, { app: "web" }), false);
        assert.equal(adoptableInPlace({ matchLabels: { app: "web" } }, undefined, { app: "web" }), false);
    });
});
