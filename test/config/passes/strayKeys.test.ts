import { strict as assert } from "assert";
import { sectionTypos, strayKeys } from "../../../components/config/passes/strayKeys";
import { memoryConfigSource } from "../../../components/config/source";
import { app } from "./fixtures";

const systems = [app("thoth"), app("packit")];
const none = { declared: new Set<string>(), clusterNames: ["psi"] };

describe("pass: keys nobody reads", () => {
    it("a near-miss of a missing section is renamed to it", () => {
        const r = strayKeys(memoryConfigSource({ thot: {}, packit: {} }), systems, none);
        assert.deepEqual(r.problems, [
            {
                key: "runbooks:thot",
                message:
                    'unknown section; did you mean "thoth"? The program ignores "thot", so nothing in it is deployed',
                fix: "edit Pulumi.<stack>.yaml: rename runbooks:thot to runbooks:thoth",
            },
        ]);
    });

    it("a leftover is moved or deleted by hand; an encrypted one is removed", () => {
        const r = strayKeys(memoryConfigSource({ leftover: 1 }, { stale: "s" }), systems, none);
        assert.deepEqual(
            r.problems.map((p) => [p.key, p.fix]),
            [
                ["runbooks:leftover", undefined],
                ["runbooks:stale", undefined],
            ],
        );
        assert.match(r.problems[0].message, /move it under the section it belongs to/);
        assert.match(r.problems[1].message, /remove it/);
    });

    it("a plain unknown key holding a credential is reported as a leak, not as a stray key", () => {
        const r = strayKeys(
            memoryConfigSource({ token: "ghp_0123456789abcdefghijABCDEFGHIJ012345" }),
            systems,
            none,
        );
        assert.equal(r.problems.length, 1);
        assert.doesNotMatch(r.problems[0].message, /unknown key/);
    });

    it("sections, declared secrets, system-named secrets, defined clusters' kubeconfigs and OpenStack secrets are read", () => {
        const r = strayKeys(
            memoryConfigSource(
                { tier: "staging", thoth: {} },
                { "x-secret": "s", "thoth-old": "s", "kubeconfig-psi": "k", "openstack-password": "p" },
            ),
            systems,
            { declared: new Set(["x-secret"]), clusterNames: ["psi"] },
        );
        assert.deepEqual(r.problems, []);
    });

    it("a kubeconfig of a cluster the stack does not define is stray", () => {
        const r = strayKeys(memoryConfigSource({}, { "kubeconfig-gone": "k" }), systems, none);
        assert.deepEqual(
            r.problems.map((p) => [p.key, p.fix]),
            [["runbooks:kubeconfig-gone", undefined]],
        );
    });

    it("typos are only of sections that are missing, and secrets named after a section are no typos", () => {
        assert.deepEqual(
            [...sectionTypos(["thot", "thoth", "packt", "thoth-token"], systems)],
            [
                ["thot", undefined],
                ["packt", "packit"],
            ],
        );
    });
});
