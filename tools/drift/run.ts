import { KubeError, describeError } from "../adopt/kube";
import { pool } from "../cli/pool";
import { RunbookTable } from "../conformance/schema";
import { objectDrift } from "./analyse";
import { DependencyRecord, dependentReplacements } from "./dependents";
import { LiveCluster } from "./kube";
import { ClusterController, CLUSTER_CONTROLLERS } from "./managers";
import { DriftReport } from "./report";
import { ManagedObject, describeObject } from "./state";
import { runbookSteps } from "./steps";
import { LiveObject, SKIPPED_RESOURCES, resourceKey, unmanagedObjects } from "./unmanaged";

export interface DriftInput {
    stack: string;
    objects: readonly ManagedObject[];
    /** Per cluster of the stack: its namespaces that no other stack on that cluster is granted. */
    ownedNamespaces: ReadonlyMap<string, readonly string[]>;
    /** The client of a cluster; throws (a kubeconfig problem) when it cannot be made. */
    connect: (cluster: string) => LiveCluster;
    tables: readonly RunbookTable[];
    /** The checkpoint's resources in its order, for the replaces a drifted object's replace brings along. */
    resources?: readonly DependencyRecord[];
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
        dependents: [],
        missing: [],
        unmanaged: [],
        unlisted: [],
        unreachable: [],
    };
    const clusters = [
        ...new Set([...input.ownedNamespaces.keys(), ...input.objects.map((o) => o.cluster)]),
    ].sort();
    for (const cluster of clusters) {
        const objects = input.objects.filter((o) => o.cluster === cluster);
        try {
            const live = input.connect(cluster);
            const seen = await pool(objects, input.concurrency ?? 8, async (o) => ({
                o,
                live: await live.get(o),
            }));
            const uids = new Set<string>();
            const keys = new Set<string>();
            for (const { o, live: l } of seen) {
                keys.add(`${o.kind}/${o.namespace ?? ""}/${o.name}`);
                if (!l) {
                    report.missing.push({ cluster, object: describeObject(o), system: o.system });
                    continue;
                }
                const uid = (l.metadata as { uid?: string }).uid;
                if (uid) uids.add(uid);
                const drift = objectDrift(o, l, controllers);
                if (drift)
                    report.drifted.push({ ...drift, steps: runbookSteps(input.tables, o, input.stack) });
            }
            report.checked[cluster] = objects.length;
            const namespaces = input.ownedNamespaces.get(cluster) ?? [];
            if (namespaces.length > 0) {
                const kinds = (await live.namespacedKinds()).filter(
                    (k) => !(resourceKey(k) in SKIPPED_RESOURCES),
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
    report.dependents = dependentsOf(report, input);
    return report;
}

/** The objects replaced along with the drifted objects the next up replaces, named as the report names objects. */
function dependentsOf(report: DriftReport, input: DriftInput): DriftReport["dependents"] {
    const replaced = new Set(
        report.drifted
            .filter((d) => d.changes.some((c) => c.fields.some((f) => f.replace)))
            .map((d) => d.object.urn),
    );
    if (replaced.size === 0 || !input.resources) return [];
    const byUrn = new Map(input.objects.map((o) => [o.urn, o]));
    const name = (urn: string) => {
        const o = byUrn.get(urn);
        return o ? describeObject(o) : urn;
    };
    return dependentReplacements(input.resources, replaced, (urn) => byUrn.get(urn)).map((d) => {
        const o = byUrn.get(d.urn);
        return {
            ...d,
            cluster: o?.cluster ?? "?",
            object: name(d.urn),
            system: o?.system ?? "?",
            reads: d.because.map(name),
        };
    });
}
