import { isDeepStrictEqual } from "node:util";
import type { V1Container, V1Volume } from "@kubernetes/client-node";
import { showValue } from "./diff";
import { KubeObject, at, kindAndName } from "./model";
import { podTemplateOf } from "./workloads";
import {
    adoptableInPlace,
    selectorArgument,
    selectorChanges,
    selectorFix,
    templateLabels,
    workloadSelector,
} from "./selectors";
import { quantityValue } from "../../components/shared/resources";
import { configSetPath } from "../cli/shellText";

/**
 * True when every field `desired` sets has the same value in `live` (fields the API server defaults or adds are
 * ignored). Lists must have the same length; quantities compare by value (`1Gi` = `1024Mi`).
 */
export function covers(live: unknown, desired: unknown): boolean {
    if (desired === undefined) return true;
    if (Array.isArray(desired)) {
        return (
            Array.isArray(live) &&
            live.length === desired.length &&
            desired.every((d, i) => covers(live[i], d))
        );
    }
    if (typeof desired === "object" && desired !== null) {
        if (typeof live !== "object" || live === null || Array.isArray(live)) return false;
        return Object.entries(desired).every(([k, v]) => covers((live as Record<string, unknown>)[k], v));
    }
    if (desired === live) return true;
    const a = quantityValue(desired);
    const b = quantityValue(live);
    return typeof desired === "string" && a !== undefined && a === b;
}

/** One immutable field rule: the kinds it applies to, the field, and the test of a difference that cannot be applied. */
interface Rule {
    kinds: string[];
    path: string[];
    /** True when `desired` cannot be applied over `live` in place; defaults to "the program sets it and it differs". */
    conflicts?: (live: unknown, desired: unknown) => boolean;
    /** What to do; a function when the steps name the live or the program's object. */
    fix: string | ((live: KubeObject, desired: KubeObject, claimKey?: string) => string);
    /** The values are shown even on a Secret (they are no secret). */
    showValues?: true;
}

const differs = (live: unknown, desired: unknown) => desired !== undefined && !covers(live, desired);

const KEEP = "make the configuration produce the live value";

const claimTemplates = (o: KubeObject) => (at(o, "spec", "volumeClaimTemplates") ?? []) as KubeObject[];

/** The names of a StatefulSet's claim templates: each pod's claim is `<template>-<set>-<ordinal>`. */
function templateNames(o: KubeObject): string[] {
    return claimTemplates(o).map((t) => String(t.metadata?.name));
}

/** Whether a template kept under its name asks for another spec than the live one. */
function resized(live: KubeObject, desired: KubeObject, names: string[]): boolean {
    const spec = (o: KubeObject, name: string) =>
        at(
            claimTemplates(o).find((t) => t.metadata?.name === name),
            "spec",
        );
    return names.some((n) => !covers(spec(live, n), spec(desired, n)));
}

/**
 * A StatefulSet's immutable fields can change only through a new object. While the program's selector is the live
 * one and its pod template carries it, deleting the live object with --cascade=orphan keeps its pods (and their
 * claims) running until the program's StatefulSet, which selects the same pods, adopts them and replaces them one at
 * a time (a pod that needs a new claim or host name only once it is deleted: the printed deletes); each new pod
 * mounts the existing claim of every template whose name it keeps. Otherwise the pods would run unowned beside the
 * new ones, so only the selector's replacement order is offered (./selectors).
 */
function statefulSetFix(live: KubeObject, desired: KubeObject): string {
    if (!adoptableInPlace(workloadSelector(live), workloadSelector(desired), templateLabels(desired)))
        return `${KEEP} (the selector changes too: see spec.selector)`;
    const ns = live.metadata.namespace ?? "";
    const name = live.metadata.name;
    const before = templateNames(live);
    const after = templateNames(desired);
    const replicas = Number(at(desired, "spec", "replicas") ?? 1);
    const claims = (names: string[]) => names.map((t) => `${t}-${name}-<ordinal>`).join(", ");
    const kept = after.filter((t) => before.includes(t));
    const added = after.filter((t) => !before.includes(t));
    const unused = before.filter((t) => !after.includes(t));
    // The controller gives each pod its claims and host name by updating the running pod, which the API server
    // refuses for volumes and the subdomain; it then waits on that ordinal (kube-controller-manager
    // stateful_set_control.go, seen on kubernetes v1.36.3 in e2e/firstDeployOrphan.e2e.ts). A deleted pod comes
    // back from the new template, so the old pods go one at a time from ordinal 0, the lowest it waits on.
    const restart =
        added.length > 0 || at(live, "spec", "serviceName") !== at(desired, "spec", "serviceName");
    const ordinals = Math.max(replicas, Number(at(live, "spec", "replicas") ?? 1));
    const deletes = Array.from({ length: ordinals }, (_, i) => `kubectl -n ${ns} delete pod ${name}-${i}`);
    const takeover = restart
        ? "takes them over, but cannot give a running pod a new claim or host name: once pulumi up has created it " +
          "(its wait for readiness goes on meanwhile), delete the old pods one at a time from ordinal 0 up, each " +
          `once the one before is back and Ready: ${deletes.join(", then ")}; each comes back from the program's template)`
        : "takes them over and replaces them one at a time, highest ordinal first)";
    return [
        `${KEEP}, or right before the deploy: kubectl -n ${ns} delete statefulset ${name} --cascade=orphan ` +
            `(its pods keep running; the program's StatefulSet selects them (${selectorArgument(workloadSelector(desired)!)}), ` +
            takeover,
        ...(replicas < 2
            ? [
                  `with spec.replicas ${replicas} it has no Ready pod while its one pod is replaced: run at least 2 ` +
                      "replicas for the deploy if it must not stop",
              ]
            : []),
        ...(kept.length > 0
            ? [
                  `the claims ${claims(kept)} keep their data` +
                      (resized(live, desired, kept)
                          ? " and their size, class and access modes (a template applies only to the claims it makes)"
                          : ""),
              ]
            : []),
        ...(added.length > 0 ? [`the claims ${claims(added)} are made new and empty`] : []),
        ...(unused.length > 0
            ? [`the claims ${claims(unused)} stay as they are, unused (the program never deletes them)`]
            : []),
    ].join("; ");
}

const KEEP_OR_DELETE = `${KEEP}, or delete the live object just before the deploy (it is unavailable until recreated)`;

/** A Secret's type, `Opaque` when unset (what the API server stores). */
const secretType = (value: unknown) => (value === undefined || value === "" ? "Opaque" : value);
const typeChanges = (live: unknown, desired: unknown) =>
    desired !== undefined && secretType(live) !== secretType(desired);

/** Whether the program's Secret has another type than the live one: the API server refuses the change. */
export function secretTypeChanges(live: KubeObject, desired: KubeObject): boolean {
    return live.kind === "Secret" && desired.kind === "Secret" && typeChanges(live.type, desired.type);
}

/** Whether a pod spec hands Secret `name` to its containers: a volume, a projected source, env or envFrom. */
function podReadsSecret(spec: unknown, name: string): boolean {
    const volumes = (at(spec, "volumes") ?? []) as V1Volume[];
    const containers = [
        ...((at(spec, "containers") ?? []) as V1Container[]),
        ...((at(spec, "initContainers") ?? []) as V1Container[]),
    ];
    return (
        volumes.some(
            (v) =>
                v?.secret?.secretName === name ||
                (v?.projected?.sources ?? []).some((x) => x?.secret?.name === name),
        ) ||
        containers.some(
            (c) =>
                (c?.env ?? []).some((e) => e?.valueFrom?.secretKeyRef?.name === name) ||
                (c?.envFrom ?? []).some((e) => e?.secretRef?.name === name),
        )
    );
}

/**
 * What a Secret swap (`secret`: the program's) means for the live workloads that read it (`workloads`): their
 * pods keep what they read, but one that starts between the delete and the up waits for the Secret, and its bot
 * misses deliveries meanwhile. The two steps are run back to back, and each reader is watched after the up.
 */
export function secretSwapReaders(secret: KubeObject, workloads: readonly KubeObject[]): string | undefined {
    const ns = secret.metadata.namespace ?? "";
    const name = secret.metadata.name;
    const readers = workloads.filter(
        (w) => (w.metadata.namespace ?? "") === ns && podReadsSecret(at(podTemplateOf(w), "spec"), name),
    );
    if (readers.length === 0) return undefined;
    const watch = readers
        .filter((w) => w.kind !== "CronJob")
        .map((w) =>
            w.kind === "DeploymentConfig"
                ? `oc -n ${ns} rollout status dc/${w.metadata.name} --timeout=300s`
                : `kubectl -n ${ns} rollout status ${w.kind.toLowerCase()}/${w.metadata.name} --timeout=300s`,
        );
    return (
        `read today by ${readers.map(kindAndName).join(", ")}: run steps (3) and (4) of ` +
        `the swap back to back (a pod of these that starts between them waits for the Secret and misses what it ` +
        `would receive meanwhile); after (4): kubectl -n ${ns} get secret ${name} -o jsonpath='{.type}' prints ` +
        `${String(secretType(at(secret, "type")))}` +
        (watch.length > 0 ? `, and each of these reports its rollout complete: ${watch.join("; ")}` : "")
    );
}

/**
 * The ordered steps that swap a Secret for one of another type: the API server refuses a type change and the
 * adoption cannot replace the live object, so it is deleted by hand right before the deploy that creates it anew.
 * The backup, stripped of what a create refuses (uid, resourceVersion), is how it comes back if that deploy fails
 * before creating it; it holds the credentials, so it is kept out of the repository and removed afterwards.
 */
function secretTypeFix(_live: KubeObject, desired: KubeObject): string {
    const name = String(at(desired, "metadata", "name"));
    const ns = String(at(desired, "metadata", "namespace"));
    const file = `${ns}-${name}.secret.json`;
    return (
        `replace it in this order: ` +
        `(1) back it up, outside the repository (it holds the credentials): kubectl -n ${ns} get secret ${name} -o json ` +
        `| jq 'del(.metadata.uid, .metadata.resourceVersion, .metadata.creationTimestamp, .metadata.managedFields)' ` +
        `> ${file}; ` +
        `(2) check that the configuration holds every key of the new Secret (pulumi preview shows it to be created); ` +
        `(3) right before pulumi up: kubectl -n ${ns} delete secret ${name} (running pods keep what they read; ` +
        `new pods that mount it wait until it exists again); ` +
        `(4) pulumi up creates it with type ${String(secretType(at(desired, "type")))}; ` +
        `(5) only if that up failed before creating it: kubectl -n ${ns} create -f ${file}; ` +
        `then delete ${file}`
    );
}

/** The command that sets a claim's stack key to its live value, for any stack: the report names it (`--stack <stack>`). */
function claimSetting(key: string, value: string): string {
    return configSetPath(key, value).replace("pulumi config set", "pulumi config set --stack <stack>");
}

const RULES: Rule[] = [
    {
        kinds: ["Secret"],
        path: ["type"],
        conflicts: typeChanges,
        fix: secretTypeFix,
        showValues: true,
    },
    {
        kinds: ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"],
        path: ["spec", "selector"],
        conflicts: selectorChanges,
        fix: selectorFix,
    },
    { kinds: ["StatefulSet"], path: ["spec", "serviceName"], fix: statefulSetFix },
    { kinds: ["StatefulSet"], path: ["spec", "podManagementPolicy"], fix: statefulSetFix },
    {
        kinds: ["StatefulSet"],
        path: ["spec", "volumeClaimTemplates"],
        conflicts: (live, desired) => {
            // The API server adds defaults (volumeMode, status) to each template's spec: compare what the program
            // sets there. Its metadata it keeps as sent, and compares whole: labels the live templates lack differ.
            const meta = (t: unknown) => ({
                name: at(t, "metadata", "name"),
                labels: at(t, "metadata", "labels") ?? {},
                annotations: at(t, "metadata", "annotations") ?? {},
            });
            if (desired === undefined) return false;
            const l = (live ?? []) as unknown[];
            const d = desired as unknown[];
            return (
                !covers(
                    l,
                    d.map((t) => ({ spec: at(t, "spec") })),
                ) || !isDeepStrictEqual(l.map(meta), d.map(meta))
            );
        },
        fix: statefulSetFix,
    },
    {
        kinds: ["Job"],
        path: ["spec", "template"],
        fix: `${KEEP}, or delete the finished Job before the deploy`,
    },
    {
        kinds: ["Job"],
        path: ["spec", "selector"],
        conflicts: selectorChanges,
        fix: "delete the Job before the deploy",
    },
    {
        kinds: ["PersistentVolumeClaim"],
        path: ["spec", "storageClassName"],
        fix: (live, _desired, key) => {
            const liveClass = at(live, "spec", "storageClassName");
            return key && typeof liveClass === "string" && liveClass !== ""
                ? `set the program's storage class to the live claim's (the data stays on its volume): ${claimSetting(`${key}.storageClass`, liveClass)}`
                : "set the program's storage class to the live claim's class (the data stays on its volume)";
        },
    },
    { kinds: ["PersistentVolumeClaim"], path: ["spec", "accessModes"], fix: KEEP },
    { kinds: ["PersistentVolumeClaim"], path: ["spec", "volumeName"], fix: KEEP },
    { kinds: ["PersistentVolumeClaim"], path: ["spec", "volumeMode"], fix: KEEP },
    {
        kinds: ["PersistentVolumeClaim"],
        path: ["spec", "resources", "requests", "storage"],
        // A claim can grow (when its class allows expansion) but never shrink.
        conflicts: (live, desired) => {
            const a = quantityValue(live);
            const b = quantityValue(desired);
            return a !== undefined && b !== undefined && b < a;
        },
        fix: (live, _desired, key) => {
            const size = at(live, "spec", "resources", "requests", "storage");
            return key && typeof size === "string" && quantityValue(size) !== undefined
                ? `set the program's size to the live size (a claim never shrinks): ${claimSetting(`${key}.size`, size)}`
                : "set the program's size to at least the live size (a claim never shrinks)";
        },
    },
    {
        kinds: ["Service"],
        path: ["spec", "clusterIP"],
        // "" means "allocate one"; anything else (an address or None) must equal the live value.
        conflicts: (live, desired) => typeof desired === "string" && desired !== "" && desired !== live,
        fix: `${KEEP_OR_DELETE} (a headless Service stays headless)`,
    },
    {
        kinds: ["RoleBinding", "ClusterRoleBinding"],
        path: ["roleRef"],
        fix: KEEP_OR_DELETE,
    },
];

/** Fields of immutable Secrets and ConfigMaps (`immutable: true`) cannot change at all. */
function immutableData(live: KubeObject, desired: KubeObject): string[] {
    if ((live.kind !== "ConfigMap" && live.kind !== "Secret") || live.immutable !== true) return [];
    const changed = ["data", "binaryData", "stringData"].filter(
        (f) => desired[f] !== undefined && !isDeepStrictEqual(desired[f], live[f]),
    );
    return changed.length === 0
        ? []
        : [
              `${changed.join(", ")}: the live ${live.kind} is immutable and its content differs; ` +
                  "delete it before the deploy (the program recreates it) or make the configuration produce the live content",
          ];
}

/**
 * The immutable fields the program's object would change on the live one: each is a reason the object cannot be
 * adopted in place (the provider would have to replace it, or the API server refuses the update).
 */
export function immutableConflicts(live: KubeObject, desired: KubeObject, claimKey?: string): string[] {
    const reasons = immutableData(live, desired);
    for (const rule of RULES) {
        if (!rule.kinds.includes(desired.kind)) continue;
        const l = at(live, ...rule.path);
        const d = at(desired, ...rule.path);
        if ((rule.conflicts ?? differs)(l, d)) {
            const shown =
                live.kind === "Secret" && !rule.showValues
                    ? ""
                    : `: live ${showValue(l)} → program ${showValue(d)}`;
            const fix = typeof rule.fix === "string" ? rule.fix : rule.fix(live, desired, claimKey);
            reasons.push(`${rule.path.join(".")} is immutable${shown}; ${fix}`);
        }
    }
    return reasons;
}
