import { strict as assert } from "assert";
import fc from "fast-check";
import { previewOf, previewPast } from "../../drift/engine";
import { DriftReport, exitCode, procedure, renderReport } from "../../drift/report";
import { checkDrift } from "../../drift/run";
import { CLUSTER, NS, PROGRAM, Simulation, managed } from "./simulation";

// Drift's procedure, followed as printed against a simulated cluster and engine (./simulation), from hand edits
// drawn from the kinds an operator makes: kubectl's verbs and patch types over the program's kinds and fields, under
// other field managers and under the program's own, removals and additions, deletions and objects made by hand.
// Every round that is not clean prints steps that change the state, no two rounds print the same procedure, and
// three rounds end clean.

type Json = Record<string, unknown>;
const spec = (o: Json) => o.spec as Json;
const podSpec = (o: Json) => (spec(o).template as Json).spec as Json;
const container = (o: Json) => (podSpec(o).containers as Json[])[0];
const labels = (o: Json) => ((o.metadata as Json).labels ??= {}) as Json;

/** One hand edit: what it does to the simulated cluster. */
interface Edit {
    label: string;
    apply(sim: Simulation): void;
}

const MANAGERS = [
    "kubectl-edit",
    "kubectl-patch",
    "kubectl-set",
    "kubectl",
    "kubectl-client-side-apply",
    "helm",
];
const WORKLOADS = [
    ["Deployment", "web"],
    ["Deployment", "tokman"],
    ["StatefulSet", "db"],
] as const;
const OBJECTS = [
    ["ServiceAccount", "tokman"],
    ["Secret", "tokman-key"],
    ["ConfigMap", "web-config"],
    ...WORKLOADS,
    ["Service", "web"],
    ["NetworkPolicy", "web"],
] as const;

/** A field the program sets, changed (image, replicas, a template label, a ConfigMap or Secret value, a selector). */
const changed = fc
    .tuple(
        fc.constantFrom(...MANAGERS, PROGRAM),
        fc.constantFrom(
            ["Deployment", "web", (o: Json, v: string) => (container(o).image = `reg/web:${v}`)],
            ["Deployment", "tokman", (o: Json, v: string) => (container(o).image = `reg/tokman:${v}`)],
            ["StatefulSet", "db", (o: Json, v: string) => (spec(o).replicas = v.length + 2)],
            ["Deployment", "web", (o: Json, v: string) => (labels(spec(o).template as Json).version = v)],
            ["ConfigMap", "web-config", (o: Json, v: string) => ((o.data as Json).mode = v)],
            [
                "Secret",
                "tokman-key",
                (o: Json, v: string) => ((o.data as Json).key = Buffer.from(v).toString("base64")),
            ],
            ["Service", "web", (o: Json, v: string) => ((spec(o).selector as Json).app = v)],
        ),
        fc.stringMatching(/^[a-z]{1,5}$/),
    )
    .map(([manager, [kind, name, set], v]): Edit => ({
        label: `${manager} changes ${kind}/${name}`,
        apply: (sim) => void sim.update(kind, name, manager, (o) => set(o, `hand-${v}`)),
    }));

/** kubectl rollout undo: the template's image and version label back to another revision, under `kubectl`. */
const rolloutUndo: fc.Arbitrary<Edit> = fc.constant({
    label: "kubectl rollout undo deployment/web",
    apply: (sim) =>
        void sim.update("Deployment", "web", "kubectl", (o) => {
            container(o).image = "reg/web:0";
            labels(spec(o).template as Json).version = "0";
        }),
});

/** A field or item the program does not set: a label, an annotation, a ConfigMap key, an env var. */
const added = fc
    .tuple(
        fc.constantFrom(...MANAGERS),
        fc.constantFrom(...OBJECTS),
        fc.constantFrom("label", "annotation", "env", "key"),
    )
    .map(([manager, [kind, name], what]): Edit => ({
        label: `${manager} adds a ${what} to ${kind}/${name}`,
        apply: (sim) =>
            void sim.update(kind, name, manager, (o) => {
                const meta = o.metadata as Json;
                if (what === "env" && (kind === "Deployment" || kind === "StatefulSet"))
                    (container(o).env as Json[]).push({ name: "BY_HAND", value: "1" });
                else if (what === "key" && kind === "ConfigMap") (o.data as Json).extra = "1";
                else if (what === "annotation")
                    meta.annotations = { ...(meta.annotations as Json), note: "hand" };
                else meta.labels = { ...(meta.labels as Json), hand: "1" };
            }),
    }));

/** A field or item the program sets, removed: an env var of the StatefulSet, a label, a ConfigMap key. */
const removed = fc
    .tuple(
        fc.constantFrom("kubectl-edit", "kubectl-patch", PROGRAM),
        fc.constantFrom(
            [
                "StatefulSet",
                "db",
                (o: Json) => (container(o).env = (container(o).env as Json[]).filter((e) => e.name !== "B")),
            ],
            ["Deployment", "web", (o: Json) => delete labels(o).app],
            ["ConfigMap", "web-config", (o: Json) => delete (o.data as Json).mode],
        ),
    )
    .map(([manager, [kind, name, cut]]): Edit => ({
        label: `${manager} removes a field of ${kind}/${name}`,
        apply: (sim) => void sim.update(kind, name, manager, (o) => void cut(o)),
    }));

/** An ingress rule appended to the program's NetworkPolicy (an atomic list: no manager owns the item alone). */
const ingress: fc.Arbitrary<Edit> = fc.constantFrom("kubectl-patch", "kubectl-edit").map((manager) => ({
    label: `${manager} adds an ingress rule from 0.0.0.0/0`,
    apply: (sim) =>
        void sim.update("NetworkPolicy", "web", manager, (o) =>
            (spec(o).ingress as Json[]).push({ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }),
        ),
}));

/** The Service's port changed by JSON patch: the program's item is gone, an apply would add a second `http`. */
const port: fc.Arbitrary<Edit> = fc.constant({
    label: "kubectl patch service/web: port 80 → 8080",
    apply: (sim) => {
        if (sim.has("Service", "web"))
            sim.jsonPatch("Service", "web", [{ op: "add", path: "/spec/ports/0/port", value: 8080 }]);
    },
});

const deleted = fc.constantFrom(...OBJECTS).map(([kind, name]): Edit => ({
    label: `kubectl delete ${kind}/${name}`,
    apply: (sim) => void sim.delete(kind, name),
}));

const made: fc.Arbitrary<Edit> = fc.constant({
    label: "kubectl create configmap by-hand",
    apply: (sim) =>
        sim.createByHand(
            { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "by-hand" }, data: { a: "1" } },
            "kubectl-create",
        ),
});

const edits = fc.array(fc.oneof(changed, rolloutUndo, added, removed, ingress, port, deleted, made), {
    minLength: 1,
    maxLength: 8,
});

/** One round of drift against the simulation: the report read past every stop, as `npm run drift` reads it. */
async function driftOf(sim: Simulation, readPast = true): Promise<DriftReport> {
    const preview = readPast
        ? await previewPast(async (exclude) => sim.preview(exclude))
        : (({ events, failure }) => previewOf(events, failure))(sim.preview([]));
    return checkDrift({
        stack: "sim",
        objects: managed(),
        ownedNamespaces: new Map([[CLUSTER, [NS]]]),
        tables: [],
        preview,
        kubectl: () => "kubectl",
        connect: () => sim.cluster(),
    });
}

/**
 * Follows the printed procedure until drift exits 0; each round's report. The operator's one decision: objects made
 * by hand, which the report names and leaves, are deleted.
 */
async function converge(sim: Simulation, rounds = 3): Promise<DriftReport[]> {
    const reports: DriftReport[] = [];
    const printed = new Set<string>();
    for (;;) {
        const report = await driftOf(sim);
        reports.push(report);
        const text = renderReport(report);
        if (exitCode(report) === 0) return reports;
        assert.equal(exitCode(report), 2, text);
        assert.ok(reports.length <= rounds, `no convergence in ${rounds} rounds:\n${text}`);
        const steps = procedure(report);
        assert.ok(
            !printed.has(steps.join("\n")),
            `a round printed the procedure of an earlier one:\n${text}`,
        );
        printed.add(steps.join("\n"));
        const before = sim.snapshot();
        for (const u of report.unmanaged) sim.delete(u.kind, u.name);
        for (const line of steps) {
            const res = sim.run(line);
            assert.equal(res.code, 0, `${line}\n${res.out}\n${text}`);
        }
        assert.notEqual(sim.snapshot(), before, `the printed steps changed nothing:\n${text}`);
    }
}

describe("drift: the procedure converges from generated hand edits (simulated cluster and engine)", () => {
    it("generated: every round changes the state, no round repeats, three rounds end clean, nothing left missing", async function () {
        // Runs are counted, not timed: a slow machine takes longer, never fails.
        this.timeout(300_000);
        await fc.assert(
            fc.asyncProperty(edits, async (drawn) => {
                const sim = new Simulation();
                for (const e of drawn) e.apply(sim);
                const reports = await converge(sim);
                assert.equal(exitCode(reports[reports.length - 1]), 0);
                // Every workload is back: absent from no round's end.
                for (const [kind, name] of WORKLOADS)
                    assert.ok(sim.has(kind, name), `${kind}/${name} absent`);
            }),
            { numRuns: 80, seed: 87 },
        );
    });

    it("control: a rollout undo is named in the first round with its manager and fields, and the forced up ends it", async () => {
        const sim = new Simulation();
        const undo = fc.sample(rolloutUndo, 1)[0];
        undo.apply(sim);
        const [first, ...rest] = await converge(sim);
        const text = renderReport(first);
        assert.match(
            text,
            /Deployment ns\/web on cluster c: the engine's preview stops on it, a server-side-apply conflict with kubectl over \.spec\.template\.metadata\.labels\.version, \.spec\.template\.spec\.containers\[name=web\]\.image: the forced up below/,
        );
        assert.match(
            procedure(first)[0],
            /^PULUMI_K8S_ENABLE_PATCH_FORCE=true pulumi up --refresh --stack sim/,
        );
        assert.deepEqual(rest.map(exitCode), [0], "clean after the first round");
        // Control: the same stop with drift's old step ("run drift again") changes nothing, round after round.
        const stuck = new Simulation();
        undo.apply(stuck);
        const before = stuck.snapshot();
        assert.equal(stuck.run("npm run drift -- --stack sim").code, 127);
        assert.equal(stuck.snapshot(), before);
    });

    it("a hand image under an image trigger (the program's ignoreChanges) is named as left to others, with no step", async () => {
        const sim = new Simulation();
        sim.update("Deployment", "tokman", "kubectl", (o) => (container(o).image = "reg/tokman:0"));
        const [first, ...rest] = await converge(sim);
        const text = renderReport(first);
        assert.match(
            text,
            /spec\.template\.spec\.containers\[name=tokman\]\.image: the program leaves it to others: no pulumi up changes it, no drift \(ignoreChanges spec\.template\.spec\.containers\[0\]\.image\)/,
        );
        assert.match(
            text,
            /Deployment ns\/tokman on cluster c: written outside the program only where it allows \(no drift\)/,
        );
        assert.match(text, /drift of stack sim: 0 of \d+ managed objects changed outside the program/);
        assert.deepEqual([exitCode(first), procedure(first), rest], [0, [], []]);
        // Control: the same edit on a Deployment whose image the program sets is drift the forced up ends.
        const set = new Simulation();
        set.update("Deployment", "web", "kubectl", (o) => (container(o).image = "reg/web:0"));
        const [drifted, ...after] = await converge(set);
        assert.equal(exitCode(drifted), 2, renderReport(drifted));
        assert.match(procedure(drifted)[0], /^PULUMI_K8S_ENABLE_PATCH_FORCE=true pulumi up/);
        assert.deepEqual(after.map(exitCode), [0]);
    });

    it("control: an env var removed from a StatefulSet behind an object the preview stops on is named in the first round", async () => {
        const sim = new Simulation();
        fc.sample(rolloutUndo, 1)[0].apply(sim);
        fc.sample(port, 1)[0].apply(sim);
        sim.update("StatefulSet", "db", "kubectl-edit", (o) => {
            container(o).env = (container(o).env as Json[]).filter((e) => e.name !== "B");
        });
        // Control: one preview stops at the first object and never reaches the StatefulSet.
        const once = await driftOf(sim, false);
        assert.ok(!once.restored.some((r) => r.object === "StatefulSet ns/db"), renderReport(once));
        const [first, ...rest] = await converge(sim);
        const text = renderReport(first);
        assert.deepEqual(first.engineStoppedAt, ["Deployment ns/web", "Service ns/web"]);
        assert.match(
            text,
            /StatefulSet ns\/db on cluster c \(system sim\): no other manager wrote it, yet the engine changes it/,
        );
        assert.match(text, /update at spec\.template\.spec\.containers\[0\]\.env\[1\]/);
        assert.match(
            text,
            /Service ns\/web on cluster c: the engine's preview stops on it \(.*Duplicate value.*\): the patch below takes off what the API server refuses/,
        );
        assert.equal(rest.length, 1);
        assert.equal(exitCode(rest[0]), 0);
    });

    it("control: an ingress rule added to the program's NetworkPolicy gets its removal, which no up makes", async () => {
        const sim = new Simulation();
        fc.sample(ingress, 1)[0].apply(sim);
        // Control: the up alone leaves the rule (the provider compares the live list cut to the program's length).
        const upOnly = new Simulation();
        fc.sample(ingress, 1)[0].apply(upOnly);
        const before = upOnly.object("NetworkPolicy", "web");
        assert.equal(upOnly.up(true, false).code, 0);
        assert.equal(upOnly.object("NetworkPolicy", "web"), before, "a forced up leaves the rule");
        const [first, ...rest] = await converge(sim);
        const text = renderReport(first);
        assert.match(text, /spec\.ingress \[hand-added items at 1\]: items appended outside the program/);
        const patch = procedure(first)[0];
        assert.match(
            patch,
            /^kubectl -n ns patch networkpolicy\.networking\.k8s\.io\/web --type=json -p '\[\{"op":"test","path":"\/spec\/ingress\/1","value":\{"from":\[\{"ipBlock":\{"cidr":"0\.0\.0\.0\/0"\}\}\]\}\},\{"op":"remove","path":"\/spec\/ingress\/1"\}\]'/,
        );
        assert.equal(procedure(first).length, 1, "no up: it would do nothing");
        assert.deepEqual(rest.map(exitCode), [0]);
    });

    it("a deleted Secret names the workload that mounts it and what happens to it; a changed ConfigMap, its reader", async () => {
        const sim = new Simulation();
        sim.delete("Secret", "tokman-key");
        sim.update("ConfigMap", "web-config", "kubectl-edit", (o) => ((o.data as Json).mode = "b"));
        const text = renderReport(await driftOf(sim));
        assert.match(
            text,
            /Secret ns\/tokman-key on cluster c \(system sim\): in the state, gone from the cluster.*\n {2}read by Deployment ns\/tokman \(mounts it\): a new pod of it cannot start \(its Secret tokman-key is gone\)/,
        );
        assert.match(
            text,
            /read by Deployment ns\/web \(reads it into its environment\): a pod started before the procedure runs reads the hand-changed values/,
        );
        assert.doesNotMatch(text, /c2VjcmV0/, "no secret value");
    });
});
