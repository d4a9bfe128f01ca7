import { Document, parseDocument } from "yaml";
import { DesiredObject, KubeObject, objectId } from "../tools/adopt/model";
import { adoptableInPlace, selects, workloadSelector } from "../tools/adopt/selectors";
import { notInPlace } from "../test/fixtures/live/checks";
import {
    LiveSystem,
    LiveWorkload,
    deploymentConfigPodLabels,
    liveObjects,
    statefulSetClaims,
    workloadObject,
} from "../test/fixtures/live/types";
import { K8sObject } from "./render";

// The pure parts of the first-deploy e2e (e2e/firstDeploy.e2e.ts): what is applied as "what runs today", the stack
// file with the report's fixes, and the checks over what the API server showed during and after the one `pulumi up`.

/** Kinds a cluster's controllers make from a workload: loaded as the workload, never by hand. */
const MADE_BY_CONTROLLERS = new Set(["Pod", "ReplicaSet", "ReplicationController"]);

/**
 * A live object as a team's `kubectl apply` sends it: what the API server assigns (uid, resourceVersion, creation
 * time, field managers, owners, status) removed.
 */
export function asApplied(o: KubeObject): KubeObject {
    const { uid, resourceVersion, creationTimestamp, managedFields, ownerReferences, ...metadata } =
        o.metadata as Record<string, unknown>;
    void [uid, resourceVersion, creationTimestamp, managedFields, ownerReferences];
    const copy = structuredClone({ ...o, metadata }) as KubeObject & { status?: unknown };
    delete copy.status;
    if (copy.metadata.namespace === undefined) delete (copy.metadata as { namespace?: string }).namespace;
    return copy;
}

/**
 * What a team applied of a live system: every object of the fixture but the ones controllers make, plus, for each
 * DeploymentConfig (no OpenShift controller runs here), the ReplicationController it runs today, so its pods exist.
 */
export function todayManifests(live: LiveSystem): KubeObject[] {
    // A StatefulSet's controller makes its pods' claims from its templates.
    const claimsOfSets = new Set(statefulSetClaims(live).map((c) => c.name));
    const applied = liveObjects(live)
        .filter(
            (o) =>
                !MADE_BY_CONTROLLERS.has(o.kind) &&
                !(o.kind === "PersistentVolumeClaim" && claimsOfSets.has(o.metadata.name)),
        )
        .map(asApplied);
    const controllers = live.workloads
        .filter((w) => w.kind === "DeploymentConfig")
        .map((w): KubeObject => {
            const dc = workloadObject(live.namespace, w) as KubeObject & {
                spec: { template: { metadata: { labels: Record<string, string> } } };
            };
            const labels = deploymentConfigPodLabels(w.name);
            return {
                apiVersion: "v1",
                kind: "ReplicationController",
                metadata: {
                    name: labels.deployment,
                    namespace: live.namespace,
                    labels: {
                        ...(dc.metadata.labels as Record<string, string>),
                        "openshift.io/deployment-config.name": w.name,
                    },
                },
                spec: {
                    replicas: w.replicas,
                    selector: { ...w.selector, ...labels },
                    template: {
                        ...dc.spec.template,
                        metadata: { labels: { ...dc.spec.template.metadata.labels, ...labels } },
                    },
                },
            };
        });
    return [...applied, ...controllers];
}

/** The storage classes the live claims (and claim templates) name: the cluster must have volumes of each. */
export function liveStorageClasses(systems: readonly LiveSystem[]): string[] {
    const classes = systems.flatMap((s) => [
        ...s.claims.map((c) => c.storageClassName),
        ...s.workloads.flatMap((w) => w.statefulSet?.claimTemplates.map((t) => t.storageClassName) ?? []),
    ]);
    return [...new Set(classes.filter((c): c is string => !!c))].sort();
}

/** Every value of a `storageClass`/`storageClassName` key in a stack's values (the classes its claims use). */
export function stackStorageClasses(values: unknown): string[] {
    const found = new Set<string>();
    const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (typeof v === "object" && v !== null)
            for (const [k, x] of Object.entries(v)) {
                if ((k === "storageClass" || k === "storageClassName") && typeof x === "string") found.add(x);
                else walk(x);
            }
    };
    walk(values);
    return [...found].sort();
}

/**
 * The text of a stack file whose top-level `runbooks:` sections are replaced by `values` where they differ (the
 * operator's reviewed edit); comments, encrypted values and every other section stay as written.
 */
export function editedStackText(
    text: string,
    before: Record<string, unknown>,
    values: Record<string, unknown>,
) {
    const doc: Document = parseDocument(text, { merge: true });
    for (const [key, value] of Object.entries(values)) {
        if (JSON.stringify(before[key]) === JSON.stringify(value)) continue;
        doc.setIn(["config", `runbooks:${key}`], doc.createNode(value));
    }
    return doc.toString({ lineWidth: 0 });
}

/** A live workload the e2e watches: where it is, its selector today, its uid before the up. */
export interface Watched {
    system: string;
    id: string;
    kind: string;
    namespace: string;
    name: string;
    selector: Record<string, string>;
    replicas: number;
    uid: string;
}

export function watchedOf(live: LiveSystem, w: LiveWorkload, uid: string): Watched {
    const o = workloadObject(live.namespace, w);
    return {
        system: live.system,
        id: objectId(o),
        kind: w.kind,
        namespace: live.namespace,
        name: w.name,
        selector: { ...w.selector },
        replicas: w.replicas,
        uid,
    };
}

/** One look at the API server: for each watched workload, whether it is still the same object and its Ready pods. */
export interface Sample {
    at: number;
    /** Watched id → Ready pods its live selector selects, with the workload still the same object; 0 otherwise. */
    ready: Record<string, number>;
    /** Watched id → why it counts 0 (deleted, another object of that name, no Ready pod). */
    why: Record<string, string>;
    /** Watched id → Ready pods its live selector selects, whichever object runs them (an orphan takeover's). */
    pods: Record<string, number>;
}

/** Whether a pod is Ready and not being deleted. */
export const podReady = (p: K8sObject): boolean =>
    !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp &&
    ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
        (c) => c.type === "Ready" && c.status === "True",
    );

const NO_READY_POD = "no Ready pod its live selector selects";

/** A sample from one listing of the watched kinds and pods (`kubectl get ... -A -o json`). */
export function sample(watched: readonly Watched[], items: readonly K8sObject[], at = Date.now()): Sample {
    const out: Sample = { at, ready: {}, why: {}, pods: {} };
    for (const w of watched) {
        const now = items.find(
            (o) =>
                o.kind === w.kind &&
                o.metadata.namespace === w.namespace &&
                o.metadata.name === w.name &&
                !MADE_BY_CONTROLLERS.has(o.kind),
        );
        const pods = items.filter(
            (o) =>
                o.kind === "Pod" &&
                o.metadata.namespace === w.namespace &&
                selects({ matchLabels: w.selector }, (o.metadata.labels ?? {}) as Record<string, string>) &&
                podReady(o),
        );
        if (!now) out.why[w.id] = "deleted";
        else if (now.metadata.uid !== w.uid)
            out.why[w.id] = `replaced (uid ${now.metadata.uid} was ${w.uid})`;
        else if (pods.length === 0) out.why[w.id] = NO_READY_POD;
        out.ready[w.id] = out.why[w.id] ? 0 : pods.length;
        out.pods[w.id] = pods.length;
    }
    return out;
}

/**
 * What the watch saw: each watched workload that was ever without a Ready pod (deleted, replaced by another object
 * of its name, or no Ready pod its live selector selects), with when (s after the first sample) and why; except that
 * a workload the program rolls with `Recreate` (`recreate`: a singleton, or the one writer of a ReadWriteOnce claim,
 * which must never run two pods) may be without a Ready pod while its own pod is swapped, as long as it stays the
 * same object: that gap, in seconds (at most: from the sample before to the sample after), is returned for each of them
 * instead.
 */
export function lostPods(
    watched: readonly Watched[],
    samples: readonly Sample[],
    recreate: ReadonlySet<string> = new Set(),
    /**
     * Workloads the report's printed orphan delete hands to a new object of their name: that object is another one by
     * design, so only their Ready pods count, whichever object runs them.
     */
    orphaned: ReadonlySet<string> = new Set(),
): { lost: string[]; gaps: Record<string, number> } {
    const t0 = samples[0]?.at ?? 0;
    const out = { lost: [] as string[], gaps: {} as Record<string, number> };
    for (const w of watched.filter((x) => x.replicas > 0)) {
        const down = samples.filter((s) =>
            orphaned.has(w.id) ? (s.pods[w.id] ?? 0) === 0 : (s.ready[w.id] ?? 0) === 0,
        );
        if (down.length === 0) continue;
        const swapped = down.every((s) => s.why[w.id] === NO_READY_POD);
        if (recreate.has(w.id) && swapped) {
            // From the last sample with a Ready pod before to the first after: the gap's upper bound.
            const first = samples.indexOf(down[0]);
            const last = samples.indexOf(down[down.length - 1]);
            const from = samples[Math.max(first - 1, 0)].at;
            const to = samples[Math.min(last + 1, samples.length - 1)].at;
            out.gaps[w.id] = (to - from) / 1000;
            continue;
        }
        const first = down.find((s) => s.why[w.id] !== NO_READY_POD) ?? down[0];
        out.lost.push(
            `${w.id} (${w.system}) had no Ready pod in ${down.length} of ${samples.length} samples, first at ` +
                `+${((first.at - t0) / 1000).toFixed(1)} s: ${first.why[w.id]}`,
        );
    }
    return out;
}

/** The ids of the live workloads the engine's plan runs with the `Recreate` strategy. */
export function recreated(live: LiveSystem, steps: readonly PlannedStep[]): Set<string> {
    const ids = new Set<string>();
    for (const step of steps) {
        const o = step.inputs as unknown as KubeObject | undefined;
        const strategy = (o?.spec as { strategy?: { type?: string } } | undefined)?.strategy?.type;
        if (strategy !== "Recreate" || o?.metadata?.namespace !== live.namespace) continue;
        const w = live.workloads.find((x) => x.name === o.metadata.name && x.kind === o.kind);
        if (w) ids.add(objectId(workloadObject(live.namespace, w)));
    }
    return ids;
}

/** What the engine planned for one resource during the up (its resource-pre event). */
export interface PlannedStep {
    op: string;
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
}

/** The operations that take a workload away from its pods: a replacement or a delete. */
const REPLACING = new Set(["replace", "create-replacement", "delete-replaced", "delete"]);

/**
 * The live workloads the engine's plan takes their pods from: a planned replacement or delete of their object, or a
 * planned object of their name whose selector or pod labels are not the live ones (the same rule as the offline
 * tests' notInPlace). Each names the workload.
 */
export function plannedLosses(live: LiveSystem, steps: readonly PlannedStep[]): string[] {
    const problems: string[] = [];
    const planned: DesiredObject[] = [];
    for (const step of steps) {
        const o = step.inputs as unknown as KubeObject | undefined;
        if (!o?.kind || !o.metadata?.name) continue;
        const w = live.workloads.find(
            (x) => x.name === o.metadata.name && x.kind === o.kind && o.metadata.namespace === live.namespace,
        );
        if (!w) continue;
        if (REPLACING.has(step.op))
            problems.push(`${w.kind} ${w.name}: the engine planned ${step.op} (${step.urn})`);
        planned.push({ cluster: "", system: live.system, object: o });
    }
    return [...problems, ...notInPlace(live, planned)];
}

/** The live workloads whose selector after the up is not the live one (the selector is immutable: a new object). */
export function selectorsChanged(watched: readonly Watched[], items: readonly K8sObject[]): string[] {
    return watched.flatMap((w) => {
        const now = items.find(
            (o) => o.kind === w.kind && o.metadata.namespace === w.namespace && o.metadata.name === w.name,
        );
        if (!now) return [`${w.id}: gone`];
        const selector = workloadSelector(now as unknown as KubeObject);
        const labels = ((now.spec as { template?: { metadata?: { labels?: Record<string, string> } } })
            ?.template?.metadata?.labels ?? {}) as Record<string, string>;
        return adoptableInPlace({ matchLabels: w.selector }, selector, labels)
            ? []
            : [
                  `${w.id}: selector ${JSON.stringify(selector)} after the up, ${JSON.stringify(w.selector)} before`,
              ];
    });
}

/**
 * A kubectl command line the report prints (`kubectl -n <ns> wait --for=delete pod -l 'name=db' --timeout=300s`) as
 * the arguments the operator's shell gives kubectl: split at spaces, single quotes removed.
 */
export function printedKubectl(command: string): string[] {
    const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
    if (words[0] !== "kubectl") throw new Error(`not a kubectl command: ${command}`);
    return words.slice(1);
}
