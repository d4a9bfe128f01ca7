import { KubeError, describeError } from "../adopt/kube";
import { pool } from "../cli/pool";
import { RunbookTable } from "../conformance/schema";
import { objectDrift } from "./analyse";
import { dependentsOf } from "./dependents";
import { EnginePreview, EngineStep, changes, conflictsIn, replaces } from "./engine";
import { LiveCluster } from "./kube";
import { ClusterController, CLUSTER_CONTROLLERS } from "./managers";
import { itemRemovals, removalPatch, patchCommand } from "./procedure";
import { DriftReport, NextStep, differs } from "./report";
import { ManagedObject, describeObject } from "./state";
import { runbookSteps } from "./steps";
import { exclusions, LiveObject, resourceKey, unmanagedObjects } from "./unmanaged";

export interface DriftInput {
    stack: string;
    objects: readonly ManagedObject[];
    /** Per cluster of the stack: its namespaces that no other stack on that cluster is granted. */
    ownedNamespaces: ReadonlyMap<string, readonly string[]>;
    /** The client of a cluster; throws (a kubeconfig problem) when it cannot be made. */
    connect: (cluster: string) => LiveCluster | Promise<LiveCluster>;
    tables: readonly RunbookTable[];
    /** The engine's preview of the refreshed stack: what the next `pulumi up --refresh` does to each resource. */
    preview: EnginePreview;
    /** `kubectl --kubeconfig ... --context ...`: how the operator reaches a cluster, for the commands printed. */
    kubectl: (cluster: string) => string;
    controllers?: readonly ClusterController[];
    concurrency?: number;
}

/** Reads every managed object and every owned namespace of each cluster, and reports the drift. */
export async function checkDrift(input: DriftInput): Promise<DriftReport> {
    const controllers = input.controllers ?? CLUSTER_CONTROLLERS;
    const report: DriftReport = {
        stack: input.stack,
        checked: {},
        drifted: [],
        restored: [],
        missing: [],
        unmanaged: [],
        unlisted: [],
        unreachable: [],
        removals: [],
        engineStoppedAt: [],
        conflicts: [],
        // A preview stopped by a resource's own error (an apply conflict) still says what it planned for the rest.
        ...(input.preview.failure && ![...input.preview.steps.values()].some((s) => s.errors.length > 0)
            ? { engineFailure: input.preview.failure }
            : {}),
    };
    const readers = dependentsOf(input.objects);
    const clusters = [
        ...new Set([...input.ownedNamespaces.keys(), ...input.objects.map((o) => o.cluster)]),
    ].sort();
    for (const cluster of clusters) {
        const objects = input.objects.filter((o) => o.cluster === cluster);
        try {
            const live = await input.connect(cluster);
            const seen = await pool(objects, input.concurrency ?? 8, async (o) => ({
                o,
                live: await live.get(o),
            }));
            const uids = new Set<string>();
            const keys = new Set<string>();
            for (const { o, live: l } of seen) {
                keys.add(`${o.kind}/${o.namespace ?? ""}/${o.name}`);
                if (!l) {
                    report.missing.push({
                        cluster,
                        object: describeObject(o),
                        system: o.system,
                        dependents: readers(o, "missing"),
                    });
                    continue;
                }
                const uid = (l.metadata as { uid?: string }).uid;
                if (uid) uids.add(uid);
                const step = input.preview.steps.get(o.urn);
                const drift = objectDrift(o, l, step, controllers);
                const next = changes(step) ? nextStep(step!) : undefined;
                const errors = step?.errors ?? [];
                const conflicts = errors.flatMap(conflictsIn);
                if (errors.length > 0)
                    report.conflicts.push({
                        cluster,
                        object: describeObject(o),
                        // The diagnostic names them; without it, the managers holding fields the program sets.
                        conflicts:
                            conflicts.length > 0
                                ? conflicts
                                : (drift?.changes ?? [])
                                      .map((c) => ({
                                          manager: c.manager,
                                          fields: c.fields
                                              .filter((f) => f.state === "changed")
                                              .map((f) => f.path),
                                      }))
                                      .filter((c) => c.fields.length > 0)
                                      .concat(
                                          // A conflict the message does not detail is still one: the forced up ends it.
                                          errors.some((e) => /\bconflicts?\b/i.test(e)) &&
                                              !drift?.changes.some((c) =>
                                                  c.fields.some((f) => f.state === "changed"),
                                              )
                                              ? [{ manager: "another field manager", fields: [] }]
                                              : [],
                                      ),
                        errors,
                    });
                const dependents = readers(o, "changed");
                if (drift) {
                    report.drifted.push({
                        ...drift,
                        ...(next ? { next } : {}),
                        steps: runbookSteps(input.tables, o, input.stack),
                        ...(differs(drift) ? { dependents } : {}),
                    });
                    const fields = drift.changes.flatMap((c) => c.fields);
                    const added = fields.filter((f) => f.state === "added");
                    const appended = fields.filter((f) => f.extra && f.state !== "same");
                    // A replace makes the object anew: what others added goes with the old one.
                    if ((added.length > 0 || appended.length > 0) && !replaces(step)) {
                        const keyed =
                            added.length > 0
                                ? removalPatch(
                                      l,
                                      added.map((f) => f.steps),
                                      step?.inputs ?? o.inputs,
                                  )
                                : [];
                        const ops = keyed && [
                            ...keyed,
                            ...appended.flatMap((f) => itemRemovals(l, f.steps, f.extra!)),
                        ];
                        report.removals.push(await provedRemoval(live, o, ops, input.kubectl(cluster)));
                    }
                } else if (next) {
                    report.restored.push({
                        cluster,
                        urn: o.urn,
                        object: describeObject(o),
                        system: o.system,
                        ...next,
                        dependents,
                    });
                }
            }
            report.checked[cluster] = objects.length;
            const namespaces = input.ownedNamespaces.get(cluster) ?? [];
            if (namespaces.length > 0) {
                const kinds = (await live.namespacedKinds()).filter(
                    (k) => !(resourceKey(k) in exclusions().skippedResources),
                );
                const pairs = namespaces.flatMap((ns) => kinds.map((k) => ({ ns, k })));
                const listed = (
                    await pool(pairs, input.concurrency ?? 8, async ({ ns, k }) => {
                        try {
                            return await live.list(k, ns);
                        } catch (err) {
                            // A kind the stack's credentials may not list (403) is named, not taken for empty.
                            if (!(err instanceof KubeError) || err.code !== 403) throw err;
                            report.unlisted.push({
                                cluster,
                                namespace: ns,
                                kind: resourceKey(k),
                                reason: describeError(err),
                            });
                            return [];
                        }
                    })
                ).flat();
                for (const u of unmanagedObjects(
                    listed as unknown as LiveObject[],
                    { uids, keys },
                    controllers,
                ))
                    report.unmanaged.push({ ...u, cluster });
            }
        } catch (err) {
            report.unreachable.push({ cluster, reason: describeError(err) });
        }
    }
    const named = new Map(input.objects.map((o) => [o.urn, describeObject(o)]));
    for (const [urn, step] of input.preview.steps)
        if (step.errors.length > 0) report.engineStoppedAt.push(named.get(urn) ?? urn);
    // Resources the engine changes that are no cluster object read above (a Command, a random value).
    for (const [urn, step] of input.preview.steps)
        if (!named.has(urn) && changes(step) && step.op !== "create")
            report.restored.push({ urn, object: urn, ...nextStep(step) });
    return report;
}

const nextStep = (step: EngineStep): NextStep => ({
    op: step.op,
    paths: step.diffs.map((d) => d.path),
    errors: step.errors,
});

/** The command that removes what others added to `o`, once the API server has accepted it in a dry run. */
async function provedRemoval(
    live: LiveCluster,
    o: ManagedObject,
    ops: ReturnType<typeof removalPatch>,
    kubectl: string,
): Promise<DriftReport["removals"][number]> {
    const object = describeObject(o);
    if (!ops)
        return {
            cluster: o.cluster,
            object,
            refused: "a list item the program declares holds a secret the report does not print",
        };
    try {
        await live.patchDryRun(o, ops);
    } catch (err) {
        return {
            cluster: o.cluster,
            object,
            refused: `the API server refused its dry run: ${describeError(err)}`,
        };
    }
    return { cluster: o.cluster, object, command: patchCommand(kubectl, o, ops) };
}
