import { strict as assert } from "assert";
import { foreignNamespaces } from "../../../components/config/passes/foreign";
import { memoryConfigSource } from "../../../components/config/source";

const source = (values: Record<string, unknown>, foreignKeys: string[]) =>
    memoryConfigSource(values, {}, { stack: "stage", foreignKeys });

describe("pass: keys under a near-miss of the project namespace", () => {
    it("a misspelt namespace is renamed, and the key it stands for is not reported missing elsewhere", () => {
        const r = foreignNamespaces(source({}, ["runbook:tier"]));
        assert.deepEqual(r.problems, [
            {
                key: "runbook:tier",
                message:
                    'is in namespace "runbook", not "runbooks": the program never reads it, so nothing in it is deployed',
                fix: "edit Pulumi.<stack>.yaml: rename runbook:tier to runbooks:tier",
            },
        ]);
        assert.deepEqual([...r.state.renamed], ["tier"]);
    });

    it("when the right key exists too, the fix merges instead of renaming over it", () => {
        const r = foreignNamespaces(source({ tier: "staging" }, ["Runbooks:tier"]));
        assert.match(r.problems[0].message, /merge what it needs into runbooks:tier, then delete it/);
        assert.equal(r.problems[0].fix, undefined);
    });

    it("another project's keys are not this program's business", () => {
        const r = foreignNamespaces(source({}, ["kubernetes:context", "aws:region"]));
        assert.deepEqual(r, { state: { renamed: new Set() }, problems: [] });
    });
});
