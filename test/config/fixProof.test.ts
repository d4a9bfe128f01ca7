import { strict as assert } from "assert";
import { ConfigSource, memoryConfigSource } from "../../components/config/source";
import { provenFixes } from "../../components/config/fixProof";
import { ConfigProblem, fullKey, setCommand } from "../../components/config/problems";

// A fix is proven by running every pass again over the configuration it leaves (components/config/fixProof.ts): a
// whole configuration check per proof. The same edits give the same problems, so each list of edits is run once.

/** A check that wants `replicas` to be 2, and counts the configurations it is run on. */
function counted(): { rerun: (source: ConfigSource) => ConfigProblem[]; runs: number[] } {
    const runs: number[] = [];
    return {
        runs,
        rerun: (source) => {
            const replicas = (source.getValue("app") as { replicas?: unknown } | undefined)?.replicas;
            runs.push(Number(replicas));
            return replicas === 2 ? [] : [wrong(replicas)];
        },
    };
}

const wrong = (replicas: unknown): ConfigProblem => ({
    key: fullKey("app.replicas"),
    message: `is ${String(replicas)}; write 2`,
    fix: setCommand("app.replicas", "2", { path: true }),
});

describe("fix proof", () => {
    const source = memoryConfigSource({ app: { replicas: 3 } }, {}, { stack: "stage" });

    it("a run's one fix, proven alone and then with every fix, runs the passes once over what it leaves", () => {
        const { rerun, runs } = counted();
        const [proven] = provenFixes([wrong(3)], source, rerun, () => undefined);
        assert.equal(proven.fix, "pulumi config set --path app.replicas 2");
        assert.deepEqual(runs, [2]);
    });

    it("distinct edits are each run: a fix that fails alone is restored from the committed value, proven in turn", () => {
        const { rerun, runs } = counted();
        const failing = { ...wrong(3), fix: setCommand("app.replicas", "4", { path: true }) };
        const [proven] = provenFixes([failing], source, rerun, () => 2);
        assert.equal(proven.fix, "pulumi config set --path app.replicas 2");
        // Alone (4 fails), the committed value (2 holds), then every fix together: the same edits as the restore.
        assert.deepEqual(runs, [4, 2]);
    });

    it("a check that throws on what a fix leaves fails that fix's proof: the operator is asked, nothing is printed as proven", () => {
        let calls = 0;
        const [proven] = provenFixes(
            [wrong(3)],
            source,
            () => {
                calls++;
                throw new Error("the passes failed");
            },
            () => undefined,
        );
        assert.match(proven.fix, /set runbooks:app\.replicas by hand/);
        assert.equal(calls, 1);
    });
});
