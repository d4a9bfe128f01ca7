import { Step } from "./fields";

// Which hand edits the next `pulumi up` answers with a replace (delete and create) instead of an update: the fields
// the Kubernetes provider treats as "force new" (pulumi/pulumi-kubernetes@a03ff6b provider/pkg/provider/diff.go
// `forceNewProperties`, 4.32.0), plus the resource's own `replaceOnChanges` option. A replace of a named object is
// delete-before-create: the object is gone for a moment, and a Deployment's pods restart.

/** A "force new" field: its path (`*` for any list item) and why a change to it cannot be applied in place. */
interface ForceNew {
    path: string;
    why: string;
}

const IDENTITY: ForceNew[] = [
    { path: "metadata.name", why: "an object's name is its identity" },
    { path: "metadata.namespace", why: "an object's namespace is its identity" },
];

const SELECTOR_WHY = "the API server refuses a change of a workload's selector (immutable)";
const selector = (prefix: string): ForceNew[] => [{ path: `${prefix}.selector`, why: SELECTOR_WHY }];

/** Why ConfigMap and Secret contents replace: the program's providers leave enableConfigMapMutable and enableSecretMutable off. */
const CONTENT_WHY =
    "the provider replaces a ConfigMap or Secret whose contents change (enableConfigMapMutable / " +
    "enableSecretMutable are off in components/shared/cluster.ts), so pods that mount it roll with the new copy";

const POD_SPEC_FIELDS = [
    "affinity",
    "automountServiceAccountToken",
    "dnsConfig",
    "dnsPolicy",
    "enableServiceLinks",
    "hostAliases",
    "hostIPC",
    "hostNetwork",
    "hostPID",
    "hostname",
    "imagePullSecrets",
    "nodeName",
    "nodeSelector",
    "overhead",
    "preemptionPolicy",
    "priority",
    "priorityClassName",
    "readinessGates",
    "restartPolicy",
    "runtimeClassName",
    "schedulerName",
    "securityContext",
    "serviceAccount",
    "serviceAccountName",
    "shareProcessNamespace",
    "subdomain",
    "terminationGracePeriodSeconds",
    "volumes",
];
const CONTAINER_FIELDS = [
    "args",
    "command",
    "env",
    "image",
    "imagePullPolicy",
    "lifecycle",
    "livenessProbe",
    "ports",
    "readinessProbe",
    "resources",
    "securityContext",
    "stdin",
    "stdinOnce",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "tty",
    "volumeDevices",
    "volumeMounts",
    "workingDir",
];
const POD_WHY = "a Pod's spec cannot change in place";

/** `<apiVersion>/<kind>` (core: `v1/<kind>`) → its force-new fields. */
const FORCE_NEW: Readonly<Record<string, readonly ForceNew[]>> = {
    ...Object.fromEntries(
        ["apps/v1", "apps/v1beta2"].flatMap((v) => [
            [`${v}/Deployment`, selector("spec")],
            [`${v}/DaemonSet`, selector("spec")],
        ]),
    ),
    ...Object.fromEntries(
        ["apps/v1", "apps/v1beta2", "apps/v1beta1"].map((v) => [
            `${v}/StatefulSet`,
            [
                ...selector("spec"),
                ...["podManagementPolicy", "revisionHistoryLimit", "serviceName", "volumeClaimTemplates"].map(
                    (f) => ({
                        path: `spec.${f}`,
                        why: "a StatefulSet's pod management, history limit, service name and claim templates do not change in place",
                    }),
                ),
            ],
        ]),
    ),
    "v1/PersistentVolumeClaim": ["accessModes", "selector", "storageClassName", "volumeName"].map((f) => ({
        path: `spec.${f}`,
        why: "a bound claim's access modes, selector, class and volume are immutable",
    })),
    "v1/Pod": [
        ...POD_SPEC_FIELDS.map((f) => ({ path: `spec.${f}`, why: POD_WHY })),
        ...["containers", "initContainers"].flatMap((list) =>
            CONTAINER_FIELDS.map((f) => ({ path: `spec.${list}.*.${f}`, why: POD_WHY })),
        ),
    ],
    "v1/ResourceQuota": [{ path: "spec.scopes", why: "a quota's scopes are immutable" }],
    "v1/Service": [{ path: "spec.clusterIP", why: "a Service's cluster IP is immutable" }],
    "v1/Secret": ["type", "stringData", "data"].map((f) => ({
        path: f,
        why: f === "type" ? "a Secret's type is immutable" : CONTENT_WHY,
    })),
    "v1/ConfigMap": ["data", "binaryData"].map((f) => ({ path: f, why: CONTENT_WHY })),
    ...Object.fromEntries(
        ["v1", "v1beta1", "v1alpha1"].flatMap((v) =>
            ["RoleBinding", "ClusterRoleBinding"].map((k) => [
                `rbac.authorization.k8s.io/${v}/${k}`,
                [{ path: "roleRef", why: "a binding's roleRef is immutable" }],
            ]),
        ),
    ),
    "storage.k8s.io/v1/StorageClass": ["parameters", "provisioner"].map((f) => ({
        path: f,
        why: "a StorageClass's provisioner and parameters are immutable",
    })),
    ...Object.fromEntries(
        ["v1", "v1beta1", "v2alpha1"].map((v) => [
            `batch/${v}/Job`,
            ["completions", "parallelism", "selector", "template"].map((f) => ({
                path: `spec.${f}`,
                why: "a Job's pod template, selector, completions and parallelism are immutable",
            })),
        ]),
    ),
    "policy/v1beta1/PodDisruptionBudget": [
        { path: "spec", why: "a v1beta1 PodDisruptionBudget's spec is immutable" },
    ],
};

/** A path as the force-new patterns spell it: field names, `*` for any list item. */
export function patternOf(steps: readonly Step[]): string[] {
    return steps.map((s) => ("field" in s ? s.field : "*"));
}

function parsePattern(path: string): string[] {
    // replaceOnChanges paths are written `spec.selector`, `data.*`, `spec.containers[*].image` or `["a.b"]`.
    return path
        .replace(/\[\*\]/g, ".*")
        .replace(/\["([^"]*)"\]/g, (_m, f: string) => `.${f.replace(/\./g, "\u0000")}`)
        .split(".")
        .filter((s) => s !== "")
        .map((s) => s.replace(/\u0000/g, "."));
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i] && a[i] !== "*" && b[i] !== "*") return false;
    return true;
}

/** The force-new fields of an object's kind and its own `replaceOnChanges` paths, each as path segments with why. */
export function forceNewRules(
    object: { apiVersion: string; kind: string },
    replaceOnChanges: readonly string[] = [],
): { path: string; segments: string[]; why: string }[] {
    return [
        ...IDENTITY,
        ...(FORCE_NEW[`${object.apiVersion}/${object.kind}`] ?? []),
        ...replaceOnChanges.map((p) => ({
            path: p,
            why: `the resource's replaceOnChanges option names ${p}`,
        })),
    ].map((r) => ({ ...r, segments: parsePattern(r.path) }));
}

/**
 * Why a change of the field at `steps` makes the next `up` replace the object, or undefined when it updates it in
 * place. A path overlaps a force-new field when one lies below the other (an owned selector label, or a whole
 * `data` map). `replaceOnChanges` is the resource's own option, as the state records it.
 */
export function replaceReason(
    object: { apiVersion: string; kind: string },
    steps: readonly Step[],
    replaceOnChanges: readonly string[] = [],
): string | undefined {
    const path = patternOf(steps);
    const rule = forceNewRules(object, replaceOnChanges).find((r) => overlaps(r.segments, path));
    return rule ? `${rule.path}: ${rule.why}` : undefined;
}
