import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { keepsRendered } from "./catalogPrerequisites";
import { CatalogConfig, CatalogPlacementRule, ThothSection } from "../../config";
import { StationTier } from "../tiers";
import { containerSecurityContext } from "../../../shared/security";
import { WORKFLOW_KINDS, restrictContainers } from "../modules/argoWorkflow";

/** A placement rule of a module with its tier resolved to the environment's namespace. */
export interface CatalogPlacement {
    kind: string;
    /** Unset: every object of the kind. */
    name?: string;
    namespace: string;
}

/** One rendered catalog directory: a module's upstream kustomize directory applied to one namespace. */
export interface CatalogInstance {
    module: string;
    /** Where the module's objects go unless a placement moves them. */
    namespace: string;
    /** The module's directory inside the repository (`adviser/base`). */
    path: string;
    /** The directory as the provider fetches it: `<repository>/tree/<commit>/<path>`. */
    directory: string;
    /**
     * The module's first instance (its tiers in config order). Several instances of one module render the same
     * objects; what they would all put into the same place (a moved object, a cluster-wide one) is kept by the first
     * only, because two Pulumi resources for one Kubernetes object conflict at create.
     */
    first: boolean;
    /** The module's placement rules for this environment, rules that name an object before rules for a whole kind. */
    placements: CatalogPlacement[];
}

/** What happens to one rendered object of an instance. */
export interface ObjectPlacement {
    /** The namespace it is created in; unset for a cluster-wide object. */
    namespace?: string;
    /** False: another instance of the module creates this object. */
    keep: boolean;
}

/**
 * Kinds without a namespace that a kustomize base could hold (kustomize's namespace transformer knows them; the
 * provider's v1 kustomize invoke renders without one, so this program sets namespaces itself).
 */
const CLUSTER_WIDE_KINDS: ReadonlySet<string> = new Set([
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "ClusterWorkflowTemplate",
    "PriorityClass",
    "StorageClass",
    "PersistentVolume",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "APIService",
    "SecurityContextConstraints",
]);

/**
 * The folder URL the provider's kustomize invoke fetches (pulumi's git retrieval): a 40-hex ref after `/tree/` is
 * checked out as that commit, the rest is the directory inside the repository.
 */
export function remoteTarget(repository: string, path: string, ref: string): string {
    return `${repository.replace(/\/+$/, "").replace(/\.git$/, "")}/tree/${ref}/${path}`;
}

function resolved(rules: readonly CatalogPlacementRule[], namespaces: Record<StationTier, string>) {
    const named = rules.filter((r) => r.name !== undefined);
    const wide = rules.filter((r) => r.name === undefined);
    return [...named, ...wide].map((r) => ({
        kind: r.kind,
        ...(r.name !== undefined ? { name: r.name } : {}),
        namespace: namespaces[r.tier],
    }));
}

/**
 * What the catalog deploys: each module once per distinct namespace of its tiers (test's one namespace gets each
 * module once), in config order, with where its objects go. Pure, so tests read it without mocks.
 */
export function catalogPlan(
    config: CatalogConfig,
    namespaces: Record<StationTier, string>,
): CatalogInstance[] {
    return config.modules.flatMap((m) =>
        [...new Set(m.tiers.map((t) => namespaces[t]))].map((namespace, index) => ({
            module: m.name,
            namespace,
            path: m.path,
            directory: remoteTarget(config.repository, m.path, config.ref),
            first: index === 0,
            placements: resolved(m.place, namespaces),
        })),
    );
}

/**
 * Where one rendered object of an instance goes: the placement naming it, else the placement of its kind, else the
 * instance's namespace. A moved or cluster-wide object lands in the same place from every instance of the module,
 * so only the first instance keeps it. What the station creates itself (tagged ImageStreams, core's ConfigMaps,
 * mi-scheduler's CronJobs: catalogPrerequisites.ts) is left out of every instance.
 */
export function placeObject(instance: CatalogInstance, kind: string, name: string): ObjectPlacement {
    if (!keepsRendered(instance.path, kind, name)) return { keep: false };
    if (CLUSTER_WIDE_KINDS.has(kind)) return { keep: instance.first };
    const rule =
        instance.placements.find((p) => p.kind === kind && p.name === name) ??
        instance.placements.find((p) => p.kind === kind && p.name === undefined);
    return rule
        ? { namespace: rule.namespace, keep: instance.first }
        : { namespace: instance.namespace, keep: true };
}

/** A rendered object as the v1 kustomize invoke hands it to transformations. */
interface RenderedObject {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string };
    items?: unknown[];
    [field: string]: unknown;
}

export interface WorkflowCatalogArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The catalog's settings (`thoth.station.modules.catalog`, enabled). */
    catalog: CatalogConfig;
    namespaces: Record<StationTier, string>;
    /** Namespace name → its Namespace resource: every rendered object waits for the one it lands in. */
    namespaceResources: Record<string, pulumi.Resource>;
    /** What every rendered object also waits for (this stack's Argo CRDs, when it owns them). */
    prerequisites: pulumi.Resource[];
}

/**
 * A rendered Workflow-kind object made to run under the restricted Pod Security Standard: its containers get what the
 * standard asks and the reference leaves unset. Whether the pods Argo builds from it then pass is the tests' question
 * (test/thoth/argoPods.test.ts over the pinned catalog) and the API server's (e2e/podSecurity.e2e.ts).
 */
export function restrictWorkflow(obj: Record<string, unknown>): void {
    if (WORKFLOW_KINDS.includes(String(obj.kind)))
        restrictContainers(obj, containerSecurityContext() as Record<string, unknown>);
}

/**
 * The station's Argo WorkflowTemplates and OpenShift Templates (adviser, solver, revsolver, package-extract,
 * graph-sync, security-indicators, kebechet, graph-schema-update, core, purge-job, mi-scheduler), each module's
 * upstream kustomize `base` at the
 * pinned commit. The provider renders the directory (an invoke, at preview and update) and this program registers
 * every object itself, so it can put each where the stage overlays put it (the module's `place` rules: Templates
 * into infra, adviser's `dm` into amun-inspection) and leave out the copies a second instance of a module would
 * make. Nothing upstream is copied here; an offline plan, whose invoke answers with no objects, records each
 * directory as one component.
 */
export class WorkflowCatalog extends SystemPart<ThothSection, KubernetesContext> {
    public readonly instances: CatalogInstance[];

    constructor(name: string, args: WorkflowCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:WorkflowCatalog", name, args, opts);
        this.instances = catalogPlan(args.catalog, args.namespaces);
        const namespaceOf = (ns: string): pulumi.Resource => {
            const resource = args.namespaceResources[ns];
            if (!resource) {
                throw new pulumi.ResourceError(
                    `the catalog places objects in ${ns}, a namespace the station lacks`,
                    this,
                );
            }
            return resource;
        };
        for (const i of this.instances) {
            // Fail here, not later inside the provider's callback, when a target namespace is unknown.
            [i.namespace, ...i.placements.map((p) => p.namespace)].forEach(namespaceOf);
            const place = (obj: RenderedObject, o: pulumi.CustomResourceOptions) => {
                // The SDK hands a List to the transformations and then each of its items.
                if (Array.isArray(obj.items) && String(obj.kind).endsWith("List")) return;
                const target = placeObject(i, String(obj.kind), String(obj.metadata?.name));
                if (!target.keep) {
                    // The SDK's documented way to leave an object out: an empty List registers nothing.
                    for (const key of Object.keys(obj)) delete obj[key];
                    Object.assign(obj, { apiVersion: "v1", kind: "List", items: [] });
                    return;
                }
                // A base sets no namespace; like kustomize's `namespace:` the target overrides one anyway. Adviser's
                // `dm` lands in amun-inspection, where neither ConfigMap nor Secret `thoth` exists (the stage
                // overlay's latent defect, kept as deployed: the station creates `thoth` only in the core tiers).
                if (target.namespace !== undefined) {
                    obj.metadata = { ...obj.metadata, namespace: target.namespace };
                }
                restrictWorkflow(obj);
                // The SDK gives rendered objects only their parent, and the Directory names each object by its
                // namespace, so the namespace stays a plain string here.
                // order: each rendered object waits for the Namespace it lands in and for Argo's CRDs.
                o.dependsOn = [
                    ...(target.namespace !== undefined ? [namespaceOf(target.namespace)] : []),
                    ...args.prerequisites,
                ];
            };
            // `<catalog>-<module>-<namespace>`, as the v2 Directory was named; objects `<catalog>-<module>-<ns>/<name>`.
            new k8s.kustomize.Directory(
                i.namespace,
                {
                    directory: i.directory,
                    resourcePrefix: this.childName(i.module),
                    transformations: [place],
                },
                this.child(),
            );
        }
        this.registerOutputs({ instances: this.instances });
    }
}
