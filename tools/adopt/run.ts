import { z } from "zod";
import { loadFacts } from "../../components/shared/facts";
import { strandedServiceReason, strandedServices } from "./services";
import {
    Double,
    claimsKeptInUse,
    clusterMade,
    dataAtRisk,
    leftBehind,
    mayHoldDataOf,
    programClaims,
    sharedClaims,
} from "./claims";
import { DryRun, applyForm, classify, findingOf } from "./classify";
import { databaseTakeovers } from "./databases";
import { Handover, handoverOf, stopThenRemove } from "./handover";
import { WORKLOAD_KINDS } from "./workloads";
import { secretSwapReaders, secretTypeChanges } from "./immutable";
import { pool } from "../cli/pool";
import { ClusterApi, KubeError, Scope, describeError } from "./kube";
import { DesiredObject, Finding, KubeObject, Unreachable, at, namespacedName, objectId } from "./model";
import { checkPrerequisites, neededPrerequisites, servingPrerequisite } from "./provided";
import { placementChecks } from "./placement";
import { quotaChecks } from "./quota";
import { droppedPluginEntries } from "./keptPlugins";
import { TakeoverCheck, checkTakeover, declaredReplacements, decisionFor, listId } from "./declared";
import type { TakeoverList } from "../../components/config/takeover";
import { cutFlows } from "./flows";
import { liveImagesOf } from "./imageChanges";
import { SYSTEMS } from "../../components/systems";
import { UNTRUSTED_EGRESS_POLICY } from "../../components/shared/egress";
import { CLUSTER_PARTS, ClusterResult } from "./report";
import {
    SELECTING_WORKLOADS,
    controllerKind,
    leftRunning,
    POD_RUNNING_KINDS,
    runningUnder,
    selectorChanges,
} from "./selectors";

const inventoryFile = z.record(z.string(), z.array(z.string().min(1)));

/** Kinds listed to find what the program leaves behind, besides the kinds it uses (facts/adopt/inventory.yaml). */
function inventory(): [string, string][] {
    const kinds = loadFacts("facts/adopt/inventory.yaml", inventoryFile, "kinds by apiVersion");
    return Object.entries(kinds).flatMap(([apiVersion, names]) =>
        names.map((kind): [string, string] => [apiVersion, kind]),
    );
}

/** Kinds the program itself defines with a CustomResourceDefinition: absent from the cluster until the deploy. */
function programKinds(objects: readonly KubeObject[]): Set<string> {
    const kinds = new Set<string>();
    for (const o of objects.filter((x) => x.kind === "CustomResourceDefinition")) {
        const group = String(at(o, "spec", "group") ?? "");
        const kind = String(at(o, "spec", "names", "kind") ?? "");
        for (const v of (at(o, "spec", "versions") ?? []) as { name: string }[])
            kinds.add(`${group}/${v.name}/${kind}`);
    }
    return kinds;
}

/** The stack, and each system's declared takeover list (`<section>.takeover`, components/config/takeover.ts). */
export interface InspectOptions {
    stack: string;
    lists: Readonly<Record<string, TakeoverList | undefined>>;
}

/** Why the deploy would fail on an object of a kind the cluster does not serve, and who provides the kind. */
function notServed(o: KubeObject): string {
    const provider = servingPrerequisite(o.apiVersion, o.kind);
    return (
        `the cluster does not serve ${o.apiVersion} ${o.kind}: the deploy would fail on it` +
        (provider
            ? ` (its CRD ${provider.name} is a cluster prerequisite, provided by ${provider.providedBy})`
            : "")
    );
}

/**
 * The report's findings, leftovers and cluster prerequisites for one cluster (read-only: discovery, GET, LIST and
 * dry-run applies).
 */
export async function inspectCluster(
    cluster: string,
    desired: readonly DesiredObject[],
    api: ClusterApi,
    concurrency = 8,
    dumps: ReadonlyMap<string, string> = new Map(),
    options: InspectOptions = { stack: "<stack>", lists: {} },
): Promise<ClusterResult> {
    const objects = desired.map((d) => d.object);
    const served = new Map<string, Scope>();
    const kinds = [
        ...new Map(
            [...objects.map((o) => [o.apiVersion, o.kind] as [string, string]), ...inventory()].map((k) => [
                k.join("/"),
                k,
            ]),
        ).values(),
    ];
    await pool(kinds, concurrency, async ([v, k]) => served.set(`${v}/${k}`, await api.scope(v, k)));
    const definedHere = programKinds(objects);
    const prerequisites = await checkPrerequisites(cluster, neededPrerequisites(desired), api);

    const systemOfNamespace = new Map<string, string>();
    for (const d of desired) {
        const ns = d.object.kind === "Namespace" ? d.object.metadata.name : d.object.metadata.namespace;
        if (ns && !systemOfNamespace.has(ns)) systemOfNamespace.set(ns, d.system);
    }
    const namespaces = [...systemOfNamespace.keys()].sort();
    // Only namespaced kinds: what is left behind is looked for in the program's namespaces.
    const listed = kinds.filter(([v, k]) => served.get(`${v}/${k}`) === "namespaced");
    const live = (
        await pool(
            namespaces.flatMap((ns) => listed.map(([v, k]) => [v, k, ns] as const)),
            concurrency,
            ([v, k, ns]) => api.list(v, k, ns),
        )
    ).flat();

    const claims = programClaims(objects);
    const livePvcs = live.filter((o) => o.kind === "PersistentVolumeClaim");
    const shared = sharedClaims(livePvcs);
    const absent = await absentNamespaces(objects, namespaces, api, concurrency);
    const orphaned = await orphanedStatefulSets(live, options, systemOfNamespace, api);
    const takeovers = takeoverChecks(cluster, desired, live, systemOfNamespace, absent, options, orphaned);
    // What the lists say the program's workloads replace: the pairs whose data and pods are handed over.
    const replacements = declaredReplacements(takeovers, live);
    const doubles: Double[] = objects.flatMap((program) =>
        (replacements.get(listId(program)) ?? []).map((l) => ({ program, live: l })),
    );
    const risks = dataAtRisk(
        claims,
        livePvcs,
        claimsKeptInUse(live, objects, doubles),
        mayHoldDataOf(live, objects, doubles),
    );
    const databases = await databaseTakeovers(cluster, desired, livePvcs, api, dumps);
    const quotas = await quotaChecks(cluster, desired, namespaces, systemOfNamespace, api, shared);
    const placements = await placementChecks(cluster, desired, api);

    // ReplicaSets and pods are read only where a workload's selector would change, once per namespace.
    const lists = new Map<string, Promise<KubeObject[]>>();
    const namespaceList = (apiVersion: string, kind: string, ns: string) => {
        const k = `${apiVersion}/${kind}/${ns}`;
        if (!lists.has(k)) lists.set(k, api.list(apiVersion, kind, ns));
        return lists.get(k)!;
    };
    const managed = new Set(objects.map(objectId));
    const liveServices = live.filter((o) => o.kind === "Service");
    const findings = await pool(desired, concurrency, async (d): Promise<Finding> => {
        const o = d.object;
        const key = `${o.apiVersion}/${o.kind}`;
        if (served.get(key) === "absent") {
            if (definedHere.has(key)) return classify(d, undefined, undefined);
            return findingOf(d, "blocking", [notServed(o)]);
        }
        const current = await api.get(o);
        let dryRun: DryRun | undefined;
        if (current) {
            try {
                dryRun = { result: await api.applyDryRun(applyForm(o, current).object) };
            } catch (err) {
                // 422 Invalid (an immutable field) and 400 (a value this API server refuses) answer "not in place".
                if (err instanceof KubeError && (err.code === 422 || err.code === 400))
                    dryRun = { refused: err.message };
                else throw err;
            }
        }
        const risk = o.kind === "PersistentVolumeClaim" ? risks.get(namespacedName(o)) : undefined;
        const finding = classify(d, current, dryRun, risk, served.get(key));
        // A Secret of another type is deleted and created around the up: whoever reads it today waits meanwhile.
        const swap = current && secretTypeChanges(current, o) ? secretSwapReaders(o, live) : undefined;
        if (swap) finding.reasons.push(swap);
        // The live workload whose pods could keep running beside the program's: the same object with another
        // selector, or another kind under the same name (a DeploymentConfig the program replaces).
        const selectorChanged =
            current &&
            SELECTING_WORKLOADS.includes(o.kind) &&
            selectorChanges(at(current, "spec", "selector"), at(o, "spec", "selector"));
        // The live workloads the takeover list says this one replaces: the one running pods (when it is not the same
        // object) is handed over with its pods; every one is stopped before the up and deleted after it.
        const declared = (replacements.get(listId(o)) ?? []).filter((l) => WORKLOAD_KINDS.includes(l.kind));
        const replaced = current ? undefined : declared.find((l) => POD_RUNNING_KINDS.includes(l.kind));
        const old = selectorChanged ? current : replaced;
        let todayPods: KubeObject[] = [];
        const handovers: Handover[] = [];
        if (old) {
            const ns = o.metadata.namespace ?? "";
            const controller = controllerKind(old.kind);
            const [controllers, pods] = await Promise.all([
                controller ? namespaceList(controller.apiVersion, controller.kind, ns) : Promise.resolve([]),
                namespaceList("v1", "Pod", ns),
            ]);
            todayPods = runningUnder(old, controllers, pods).pods;
            if (replaced)
                handovers.push(handoverOf(replaced, o, todayPods, shared) ?? stopThenRemove(replaced, o));
            else finding.leftRunning = leftRunning(old, o, controllers, pods).map(objectId);
        }
        for (const r of declared.filter((l) => l !== replaced)) handovers.push(stopThenRemove(r, o));
        if (handovers.length > 0) {
            finding.handover = {
                beforeUp: handovers.flatMap((h) => h.beforeUp),
                afterUp: handovers.flatMap((h) => h.afterUp),
            };
            finding.reasons.push(...handovers.map((h) => h.why));
        }
        const today = current ?? replaced;
        if (today && at(o, "spec", "template") !== undefined) {
            // The pods the program runs carry the template the API server would hold after the apply: labels other
            // field managers own stay on an object taken over in place; a new object has only the program's.
            const after = dryRun && "result" in dryRun ? dryRun.result : o;
            const stranded = strandedServices(after, [today, ...todayPods], liveServices, managed);
            if (stranded.length > 0) {
                finding.strandedServices = stranded.map(objectId);
                finding.reasons.push(...stranded.map((s) => strandedServiceReason(s, after)));
            }
        }
        return finding;
    });

    // Claims a StatefulSet would make, or finds and mounts as they are: their own findings, since no object of the
    // program names them.
    const byId = new Map(desired.map((d) => [objectId(d.object), d]));
    const existing = new Set(livePvcs.map(namespacedName));
    for (const c of claims) {
        const key = `${c.namespace}/${c.name}`;
        const risk = risks.get(key);
        const maker = byId.get(c.madeBy);
        if (!maker || maker.object.kind !== "StatefulSet" || (!risk && !existing.has(key))) continue;
        findings.push({
            cluster,
            system: maker.system,
            id: `v1/PersistentVolumeClaim/${c.namespace}/${c.name}`,
            ...(risk
                ? { verdict: "data-at-risk", reasons: [risk] }
                : {
                      verdict: "unchanged",
                      reasons: [`its pod of ${c.madeBy} mounts it as it is, with its data`],
                  }),
            changes: [],
        });
    }

    const left = leftBehind(cluster, live, managed, claims, systemOfNamespace, (o) => {
        const d = decisionFor(takeovers, o);
        return d?.do === "replace"
            ? `the program's ${d.kind} ${d.name} takes its place, as the takeover list declares`
            : undefined;
    });
    const definitionIn = (ns: string) => SYSTEMS.find((s) => s.section === systemOfNamespace.get(ns));
    const programHas = (kind: string, namespace: string, name: string) =>
        objects.some(
            (o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name,
        );
    const flows = cutFlows({
        cluster,
        live,
        desired: objects,
        leftBehind: left,
        systemOfNamespace,
        openshift: served.get("route.openshift.io/v1/Route") === "namespaced",
        // Only a namespace the program locks, by its system's setting.
        egressRepair: (ns, service) =>
            programHas("NetworkPolicy", ns, UNTRUSTED_EGRESS_POLICY)
                ? definitionIn(ns)?.egressRepair?.(ns, service)
                : undefined,
        // Only a Service the program makes, by the setting of the system it belongs to.
        callerRepair: (caller, service) =>
            programHas("Service", service.namespace, service.name)
                ? definitionIn(service.namespace)?.callerRepair?.(caller, service)
                : undefined,
    });
    return {
        flows,
        liveImages: liveImagesOf(cluster, live),
        findings,
        leftBehind: left,
        prerequisites,
        databases,
        quotas,
        placements,
        takeovers,
    };
}

/**
 * The StatefulSets a list names that are gone while their pods run on, unowned (deleted with `--cascade=orphan`, as
 * the report's StatefulSet takeover asks right before the up), by `<namespace>/StatefulSet/<name>`. Pods are read
 * only in a namespace where a listed StatefulSet is absent.
 */
async function orphanedStatefulSets(
    live: readonly KubeObject[],
    options: InspectOptions,
    systemOfNamespace: ReadonlyMap<string, string>,
    api: ClusterApi,
): Promise<Set<string>> {
    const present = new Set(live.map(listId));
    const missing = Object.entries(options.lists).flatMap(([system, list]) =>
        Object.keys(list?.objects ?? {}).filter(
            (id) =>
                id.split("/")[1] === "StatefulSet" &&
                !present.has(id) &&
                systemOfNamespace.get(id.split("/")[0]) === system,
        ),
    );
    const out = new Set<string>();
    for (const ns of new Set(missing.map((id) => id.split("/")[0])))
        for (const pod of await api.list("v1", "Pod", ns)) {
            const name = ((pod.metadata.labels ?? {}) as Record<string, string>)[
                "statefulset.kubernetes.io/pod-name"
            ];
            const owned = ((pod.metadata.ownerReferences as unknown[] | undefined) ?? []).length > 0;
            if (name && !owned) out.add(`${ns}/StatefulSet/${name.replace(/-\d+$/, "")}`);
        }
    return out;
}

/**
 * Each system's takeover list against the live objects of its namespaces (the ones the cluster did not make), and
 * every namespace of it the up would fail in (absent, and not the program's to create).
 */
function takeoverChecks(
    cluster: string,
    desired: readonly DesiredObject[],
    live: readonly KubeObject[],
    systemOfNamespace: ReadonlyMap<string, string>,
    absent: ReadonlySet<string>,
    options: InspectOptions,
    orphaned: ReadonlySet<string>,
): TakeoverCheck[] {
    const systems = [...new Set(systemOfNamespace.values())].sort();
    return systems.map((system) => {
        const mine = desired.filter((d) => d.system === system).map((d) => d.object);
        // The claims a StatefulSet makes are the program's too: adopting a live one is adopting its data.
        const made = programClaims(mine)
            .filter(
                (c) => !mine.some((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === c.name),
            )
            .map((c): KubeObject => ({
                apiVersion: "v1",
                kind: "PersistentVolumeClaim",
                metadata: { namespace: c.namespace, name: c.name },
            }));
        const check = checkTakeover({
            cluster,
            system,
            stack: options.stack,
            list: options.lists[system],
            live: live.filter(
                (o) => systemOfNamespace.get(o.metadata.namespace ?? "") === system && !clusterMade(o),
            ),
            program: [...mine, ...made],
            orphaned,
        });
        // What is left running keeps the entries live configuration gives it (./keptPlugins).
        check.problems.push(...droppedPluginEntries(check, live, mine));
        for (const ns of [...absent].filter((n) => systemOfNamespace.get(n) === system).sort())
            check.problems.push(
                `namespace ${ns} does not exist on cluster ${cluster} and the program does not create it: the up would fail on its first object (check ${system}.cluster, or have the cluster setup create it)`,
            );
        if (check.problems.length > 0) delete check.record;
        return check;
    });
}

/**
 * The namespaces the program's objects go to, which it does not create and the cluster does not have: the up would
 * fail on their first object. One the user may not read (403) is not judged.
 */
async function absentNamespaces(
    objects: readonly KubeObject[],
    namespaces: readonly string[],
    api: ClusterApi,
    concurrency: number,
): Promise<Set<string>> {
    const created = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
    const looked = await pool(
        namespaces.filter((n) => !created.has(n)),
        concurrency,
        async (name): Promise<string | undefined> => {
            try {
                const found = await api.get({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
                return found ? undefined : name;
            } catch (err) {
                if (!(err instanceof KubeError && err.code === 403)) throw err;
                return undefined;
            }
        },
    );
    return new Set(looked.filter((n): n is string => n !== undefined));
}

/** Every cluster's result, and every cluster that could not be inspected with the reason. */
export interface StackResult extends ClusterResult {
    unreachable: Unreachable[];
}

/**
 * Inspects every cluster of the program's objects, all at once: a cluster that cannot be reached (no or a broken
 * kubeconfig, refused connection, expired credentials) is named with its reason and does not stop the others, so
 * one run names every cluster that needs fixing. `connect` opens a cluster's API (it may throw).
 */
export async function inspectClusters(
    desired: readonly DesiredObject[],
    connect: (cluster: string) => ClusterApi | Promise<ClusterApi>,
    concurrency = 8,
    dumps: ReadonlyMap<string, string> = new Map(),
    options: InspectOptions = { stack: "<stack>", lists: {} },
): Promise<StackResult> {
    const clusters = [...new Set(desired.map((d) => d.cluster))].sort();
    const results = await Promise.all(
        clusters.map(async (cluster): Promise<ClusterResult | Unreachable> => {
            try {
                const api = await connect(cluster);
                const mine = desired.filter((d) => d.cluster === cluster);
                return await inspectCluster(cluster, mine, api, concurrency, dumps, options);
            } catch (err) {
                return { cluster, reason: describeError(err) };
            }
        }),
    );
    const reached = results.filter((r): r is ClusterResult => !("reason" in r));
    const parts = Object.fromEntries(CLUSTER_PARTS.map((k) => [k, reached.flatMap((r): unknown[] => r[k])]));
    return { ...(parts as unknown as ClusterResult), unreachable: results.filter((r) => "reason" in r) };
}
