import { strict as assert } from "assert";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ignoredAt } from "../../tools/drift/engine";
import { EDIT_CLASSES, HandEdit, generateEdits } from "../../e2e/drift";
import { K8sObject } from "../../e2e/render";
import { repoRoot } from "../../tools/root";
import { manifestObjects } from "../fixtures/plans";

// The drift e2e's generated hand edits (issue 87 item 4), over the committed stage plan's objects: what the engine run
// relies on before it spends twelve minutes a seed.

const dir = path.join(repoRoot(), "plans/stage/kubernetes");
const objects: K8sObject[] = readdirSync(dir).flatMap((f) =>
    manifestObjects<K8sObject>(readFileSync(path.join(dir, f), "utf8")).filter((o) => o?.kind),
);
const idOf = (o: K8sObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

/** Each object's `ignoreChanges`, as the committed resource list records them (`object: <cluster> <ns>/<name>`). */
function ignoreChangesOf(node: unknown, out = new Map<string, string[]>()): Map<string, string[]> {
    if (typeof node !== "object" || node === null) return out;
    const r = node as { object?: string; ignoreChanges?: string[] };
    if (typeof r.object === "string" && r.ignoreChanges) out.set(r.object.split(" ")[1], r.ignoreChanges);
    for (const v of Object.values(node)) ignoreChangesOf(v, out);
    return out;
}
const ignoreOf = ignoreChangesOf(parse(readFileSync(path.join(dir, "../resources.yaml"), "utf8")));
const ignored = (o: K8sObject) => ignoreOf.get(`${o.metadata.namespace}/${o.metadata.name}`) ?? [];

describe("e2e: hand edits generated from their classes", () => {
    const seeds = Array.from({ length: 60 }, (_, i) => 1000 + i);
    const drawn = new Map(seeds.map((s) => [s, generateEdits(objects, s, 6, ignored)]));

    it("a seed gives the same edits every time, six of them, never two on one object, each on an object of the plan or made by hand", () => {
        const ids = new Set(objects.map(idOf));
        for (const [seed, edits] of drawn) {
            assert.deepEqual(generateEdits(objects, seed, 6, ignored), edits);
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
            "conflict",
            "ignored",
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

    it("an edit where the program leaves the field to others (a triggered image) is ignored, never drift; elsewhere, never", () => {
        assert.ok(ignoreOf.size >= 5, "the resource list records Packit's triggered images");
        const triggered = objects.filter((o) => o.kind === "Deployment" && ignored(o).length > 0);
        // Every image class over every triggered Deployment: the rule, not a sample.
        const imageClasses = EDIT_CLASSES.filter((c) => c.kinds.includes("Deployment"));
        let images = 0;
        for (const o of triggered)
            for (let seed = 0; seed < 40; seed++) {
                const edits = generateEdits([o], seed, 1, ignored);
                for (const e of edits) {
                    const left = e.at !== undefined && ignoredAt(ignored(o), e.at) !== undefined;
                    assert.equal(e.state === "ignored", left, `${e.label} on ${e.object}: ${e.state}`);
                    if (/image/.test(e.label)) {
                        images++;
                        assert.equal(e.state, "ignored", `${e.label} on ${e.object}`);
                    }
                }
            }
        assert.ok(
            images > 0 && imageClasses.length > 0,
            "no image edit drawn over the triggered Deployments",
        );
        // Control: over the sixty seeds, no edit outside an ignoreChanges path is ignored.
        for (const e of [...drawn.values()].flat())
            if (e.state === "ignored") {
                const o = objects.find((x) => idOf(x) === e.object)!;
                assert.ok(ignoredAt(ignored(o), e.at!), e.label);
            }
        // The rollout undo class is drawn, with the listed control's verdicts.
        const undo = [...drawn.values()].flat().filter((e) => e.edit[0] === "rollout");
        assert.ok(undo.length > 0, "no rollout undo drawn");
        for (const e of undo) assert.ok(["conflict", "ignored"].includes(e.state), e.label);
    });
});
