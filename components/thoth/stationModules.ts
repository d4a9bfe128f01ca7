import * as pulumi from "@pulumi/pulumi";
import { SecretStore } from "../config/system";
import { ClusterContext } from "../shared/cluster";
import { childOptions } from "../shared/component";
import { plainConfigMap } from "../shared/configMap";
import { ServiceAccount } from "../shared/serviceAccount";
import { ArgoInstall, argoInstalls } from "./argo";
import { StationModulesConfig, WatcherRestartConfig } from "./config";
import { thothApp } from "./identity";
import { KnowledgeGraph } from "./knowledgeGraph";
import { PeriodicJobs } from "./periodic";
import { stationGrants } from "./rbac";
import { StationServices } from "./services";
import { sharedConfigMaps } from "./sharedConfig";
import { STATION_SIZING } from "./sizing";
import { createStationSecrets } from "./stationSecrets";
import { StationEnvironment, StationTier } from "./tiers";
import { StationVerify } from "./verify";
import { RestartTarget, WatcherRestart } from "./watcherRestart";

/** Arguments of {@link StationModules}. */
export interface StationModulesArgs {
    cluster: ClusterContext;
    environment: StationEnvironment;
    /** Tier → namespace of the environment (stage: one each; test: all thoth-test-core). */
    namespaces: Record<StationTier, string>;
    /** Namespace name → what must exist before anything goes into it. */
    namespaceResources: Record<string, pulumi.Resource>;
    domain: string;
    config: StationModulesConfig;
    secrets: SecretStore;
    /** Production: the database's claim and workload are protected and retained. */
    protect: boolean;
    watcherRestart?: WatcherRestartConfig;
    /** What must exist before Argo installs and bindings to `argo`/`argo-admin` (this stack's prerequisites). */
    prerequisites: pulumi.Resource[];
}

/**
 * The Thoth station's modules in one environment layout, from the same components for stage and test: the
 * shared configuration, the knowledge graph, the Argo installs, the services, the periodic jobs, the watcher
 * restart of the event-watching Deployments and the post-`up` check.
 */
export class StationModules extends pulumi.ComponentResource {
    public readonly services: StationServices;
    public readonly graph: KnowledgeGraph;
    public readonly argo: ArgoInstall[] = [];
    public readonly restart?: WatcherRestart;
    public readonly publicUrls: Record<string, string>;

    constructor(name: string, args: StationModulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:StationModules", name, {}, opts);
        const { cluster, namespaces, config } = args;
        const sizing = STATION_SIZING[args.environment];
        const inNamespaces = childOptions(this, opts, { dependsOn: Object.values(args.namespaceResources) });
        const configMaps = sharedConfigMaps(namespaces, config.shared, args.domain).map((cm) =>
            plainConfigMap(
                `${name}-${cm.namespace}-configmap-${cm.name}`,
                {
                    cluster,
                    namespace: cm.namespace,
                    configMapName: cm.name,
                    app: thothApp(cm.name, "config"),
                    data: cm.data,
                },
                { ...inNamespaces, dependsOn: [args.namespaceResources[cm.namespace]] },
            ),
        );
        const secrets = Object.values(
            createStationSecrets(
                name,
                { cluster, namespaces, secrets: args.secrets, dependsOn: args.namespaceResources },
                childOptions(this, opts),
            ),
        ).flat();
        // Pods start only once their ConfigMaps and Secrets exist (a missing key fails container creation).
        const configured = childOptions(this, opts, {
            dependsOn: [...Object.values(args.namespaceResources), ...configMaps, ...secrets],
        });
        const withPrerequisites = childOptions(this, opts, {
            dependsOn: [
                ...Object.values(args.namespaceResources),
                ...configMaps,
                ...secrets,
                ...args.prerequisites,
            ],
        });
        this.graph = new KnowledgeGraph(
            `${name}-graph`,
            {
                cluster,
                namespace: namespaces.graph,
                domain: args.domain,
                images: config.images,
                storageSize: config.postgresql.storageSize,
                storageClassName: config.postgresql.storageClassName,
                sizing,
                protect: args.protect,
            },
            configured,
        );
        for (const plan of argoInstalls(args.environment)) {
            this.argo.push(
                new ArgoInstall(
                    `${name}-argo-${plan.tier}`,
                    {
                        cluster,
                        namespace: namespaces[plan.tier],
                        domain: args.domain,
                        plan,
                        shared: config.shared,
                        images: config.images,
                        sizing,
                    },
                    withPrerequisites,
                ),
            );
        }
        const grants = stationGrants(namespaces);
        this.services = new StationServices(
            `${name}-services`,
            {
                cluster,
                environment: args.environment,
                namespaces,
                domain: args.domain,
                config,
                sizing,
                grants,
            },
            withPrerequisites,
        );
        const graphRefresh = new ServiceAccount(
            `${name}-graph-refresh-job`,
            {
                cluster,
                namespace: namespaces.frontend,
                name: "graph-refresh-job",
                app: thothApp("graph-refresh-job", "job"),
                grants: grants["graph-refresh-job"],
            },
            withPrerequisites,
        );
        new PeriodicJobs(
            `${name}-jobs`,
            {
                cluster,
                namespaces,
                images: config.images,
                sizing,
                hibernated: config.hibernated,
                accounts: { "graph-refresh-job": graphRefresh },
            },
            configured,
        );
        const restart = args.watcherRestart;
        if (restart?.enabled) {
            const targets: RestartTarget[] = [];
            if (restart.targets.includes("investigator-consumers")) {
                for (const w of this.services.eventWatchers) {
                    targets.push({ namespace: namespaces.infra, workload: w });
                }
            }
            if (restart.targets.includes("workflow-controllers")) {
                for (const a of this.argo) targets.push({ namespace: a.namespace, workload: a.controller });
            }
            this.restart = new WatcherRestart(
                `${name}-watcher-restart`,
                { cluster, config: restart, targets },
                configured,
            );
        }
        this.publicUrls = this.services.publicUrls;
        if (config.verify) {
            const api = (plan: string, image: string) => ({
                name: plan,
                url: `${this.publicUrls[plan]}/readiness`,
                image,
            });
            new StationVerify(
                `${name}-verify`,
                {
                    targets: [
                        api("user-api", config.images.userApi),
                        api("management-api", config.images.managementApi),
                    ],
                    after: [this.services.workloads["user-api"], this.services.workloads["management-api"]],
                },
                childOptions(this, opts),
            );
        }
        this.registerOutputs({ publicUrls: this.publicUrls });
    }
}
