import { isDeepStrictEqual } from "node:util";
import { showValue } from "./diff";
import { KubeObject, at } from "./model";
import { selectorChanges, selectorFix } from "./selectors";
import { quantityValue } from "../../components/shared/resources";

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
    fix: string | ((live: KubeObject, desired: KubeObject) => string);
    /** The values are shown even on a Secret (they are no secret). */
    showValues?: true;
}

const differs = (live: unknown, desired: unknown) => desired !== undefined && !covers(live, desired);

const KEEP = "make the configuration produce the live value";
/**
 * Workloads whose selector stays the live one: deleting with --cascade=orphan keeps the pods (and claims) running
 * until the program's object, selecting the same pods, takes them over. Never when the selector changes (./selectors).
 */
const KEEP_OR_ORPHAN =
    `${KEEP}, or delete the live object with kubectl delete --cascade=orphan just before the deploy ` +
    "(only while its selector is the program's: the new object then takes its pods over)";
const KEEP_OR_DELETE = `${KEEP}, or delete the live object just before the deploy (it is unavailable until recreated)`;

/** A Secret's type, `Opaque` when unset (what the API server stores). */
const secretType = (value: unknown) => (value === undefined || value === "" ? "Opaque" : value);

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

const RULES: Rule[] = [
    {
        kinds: ["Secret"],
        path: ["type"],
        conflicts: (live, desired) => desired !== undefined && secretType(live) !== secretType(desired),
        fix: secretTypeFix,
        showValues: true,
    },
    {
        kinds: ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"],
        path: ["spec", "selector"],
        conflicts: selectorChanges,
        fix: selectorFix,
    },
    { kinds: ["StatefulSet"], path: ["spec", "serviceName"], fix: KEEP_OR_ORPHAN },
    { kinds: ["StatefulSet"], path: ["spec", "podManagementPolicy"], fix: KEEP_OR_ORPHAN },
    {
        kinds: ["StatefulSet"],
        path: ["spec", "volumeClaimTemplates"],
        conflicts: (live, desired) => {
            // The API server adds defaults (volumeMode, status) to each template: compare what the program sets.
            const strip = (t: unknown) => ({
                metadata: { name: at(t, "metadata", "name") },
                spec: at(t, "spec"),
            });
            return desired !== undefined && !covers(live, (desired as unknown[]).map(strip));
        },
        fix: "make the claim templates (names, size, class, access modes) match the live ones: other templates mean new, empty claims",
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
        fix: "set the program's storage class to the live claim's class (the data stays on its volume)",
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
        fix: "set the program's size to at least the live size (a claim never shrinks)",
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
export function immutableConflicts(live: KubeObject, desired: KubeObject): string[] {
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
            const fix = typeof rule.fix === "string" ? rule.fix : rule.fix(live, desired);
            reasons.push(`${rule.path.join(".")} is immutable${shown}; ${fix}`);
        }
    }
    return reasons;
}
