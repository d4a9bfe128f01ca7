import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { CatalogConfig } from "./config";
import { StationTier } from "./tiers";

/** One rendered catalog directory: a module's upstream kustomize directory applied to one namespace. */
export interface CatalogInstance {
    module: string;
    namespace: string;
    /** The kustomize remote target: `<repository>//<path>?ref=<commit>`. */
    directory: string;
}

/** The kustomize remote-target URL of a directory at a commit (kustomize's `//` separates repository and path). */
export function remoteTarget(repository: string, path: string, ref: string): string {
    return `${repository.replace(/\/+$/, "").replace(/\.git$/, "")}//${path}?ref=${ref}`;
}

/**
 * What the catalog deploys: each module once per distinct namespace of its tiers (test's one namespace gets each
 * module once), in config order. Pure, so tests read it without mocks.
 */
export function catalogPlan(
    config: CatalogConfig,
    namespaces: Record<StationTier, string>,
): CatalogInstance[] {
    return config.modules.flatMap((m) =>
        [...new Set(m.tiers.map((t) => namespaces[t]))].map((namespace) => ({
            module: m.name,
            namespace,
            directory: remoteTarget(config.repository, m.path, config.ref),
        })),
    );
}

/** Arguments of {@link WorkflowCatalog}. */
export interface WorkflowCatalogArgs {
    cluster: ClusterContext;
    config: CatalogConfig;
    namespaces: Record<StationTier, string>;
}

/**
 * The station's Argo WorkflowTemplates and OpenShift Templates (adviser, solver, revsolver, package-extract,
 * graph-sync, security-indicators, kebechet, graph-schema-update), each module's upstream kustomize `base` at the
 * pinned commit, rendered by the Kubernetes provider when the stack is previewed or updated. Nothing upstream is
 * copied here; an offline plan records each directory as one resource with its inputs (the URL and namespace),
 * not the objects it renders.
 */
export class WorkflowCatalog extends RunbookComponent {
    public readonly instances: CatalogInstance[];

    constructor(name: string, args: WorkflowCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:WorkflowCatalog", name, opts, args.cluster.provider);
        this.instances = catalogPlan(args.config, args.namespaces);
        for (const i of this.instances) {
            new k8s.kustomize.v2.Directory(
                this.childName(`${i.module}-${i.namespace}`),
                // Objects without a namespace (all of a base's) go to the tier's namespace.
                { directory: i.directory, namespace: i.namespace },
                this.child(),
            );
        }
        this.registerOutputs({ instances: this.instances });
    }
}
