import { strict as assert } from "assert";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { EDIT_CLASSES, HandEdit, generateEdits } from "../../e2e/drift";
import { K8sObject } from "../../e2e/render";
import { repoRoot } from "../../tools/root";

// The drift e2e's generated hand edits (issue 87 item 4), over the committed stage plan's objects: what the engine run
// relies on before it spends twelve minutes a seed.

const dir = path.join(repoRoot(), "plans/stage/kubernetes");
const objects: K8sObject[] = readdirSync(dir).flatMap((f) =>
    parseAllDocuments(readFileSync(path.join(dir, f), "utf8"))
        .map((d) => d.toJS() as K8sObject)
        .filter((o) => o?.kind),
);
const idOf = (o: K8sObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

describe("e2e: hand edits generated from their classes", () => {
    const seeds = Array.from({ length: 60 }, (_, i) => 1000 + i);
    const drawn = new Map(seeds.map((s) => [s, generateEdits(objects, s, 6)]));

    it("a seed gives the same edits every time, six of them, never two on one object, each on an object of the plan or made by hand", () => {
        const ids = new Set(objects.map(idOf));
        for (const [seed, edits] of drawn) {
            assert.deepEqual(generateEdits(objects, seed, 6), edits);
            assert.equal(edits.length, 6, `seed ${seed}`);
            assert.equal(
                new Set(edits.map((e) => e.object)).size,
                6,
                `seed ${seed}: two edits on one object`,
            );
            for (const e of edits)
                assert.ok(
                    ids.has(e.object) || e.state === "unmanaged",
                    `seed ${seed}: ${e.object} is not planned`,
                );
        }
    });

    it("every class is drawn over sixty seeds, and each verdict is what the class's rule gives", () => {
        const byState = new Map<string, HandEdit[]>();
        for (const e of [...drawn.values()].flat())
            byState.set(e.state, [...(byState.get(e.state) ?? []), e]);
        assert.deepEqual([...byState.keys()].sort(), [
            "added",
            "changed",
            "items",
            "missing",
            "restored",
            "unmanaged",
        ]);
        const verbs = new Set([...drawn.values()].flat().map((e) => e.edit.slice(0, 2).join(" ")));
        // Each class's command appears: a class that never applies to any planned object would be dead.
        for (const verb of [
            "label",
            "annotate",
            "set env",
            "set image",
            "scale",
            "set resources",
            "patch",
            "delete",
            "create configmap",
        ])
            assert.ok(
                [...verbs].some((v) => v.startsWith(verb)),
                `no ${verb} drawn`,
            );
        assert.ok(EDIT_CLASSES.length >= 14);
        // A removal of what the program sets is only the engine's to see; an addition by another manager is drift's.
        for (const e of byState.get("restored")!) assert.equal(e.engine, true, e.label);
        for (const e of byState.get("added")!) assert.ok(e.manager.startsWith("kubectl"), e.label);
        // A made object is left to the operator's review, with the command that removes it.
        for (const e of byState.get("unmanaged")!)
            assert.deepEqual(e.remove?.slice(0, 2), ["delete", "configmap"]);
    });
});
