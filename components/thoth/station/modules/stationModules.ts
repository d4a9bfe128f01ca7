import * as pulumi from "@pulumi/pulumi";
import { PodSelector, recordPods } from "../../../shared/network";
import { MOUNTED_OBJECTS } from "../catalog/catalogPrerequisites";
import type { ConfigMapHandle } from "../../../shared/handles";
import { SecretStore } from "../../../config/system";
import { ClusterContext } from "../../../shared/cluster";
import { RunbookComponent } from "../../../shared/component";
import { PlainConfigMap } from "../../../shared/configMap";
import { ImageStream } from "../../../shared/imagestream";
import { statefulOptions } from "../../../shared/protect";
import { AccountHandle } from "../../../shared/handles";
import { ConfigSecret } from "../../../shared/secret";
import { ServiceAccount } from "../../../shared/serviceAccount";
import { ArgoInstall, argoInstalls } from "./argo";
import { catalogImageStreamArgs, catalogImageStreamPlan } from "../catalog/catalogPrerequisites";
import { StationModulesConfig, WatcherRestartConfig } from "../../config";
import { thothApp } from "../../identity";
import { KnowledgeGraph } from "./knowledgeGraph";
import { PeriodicJobs, periodicPlans } from "./periodic";
import { PrescriptionsRefresh } from "./prescriptionsRefresh";
import { revsolverAccount, stationGrants, workflowAccounts } from "./rbac";
import { StationServices } from "./services";
import { sharedConfigMaps } from "./sharedConfig";
import { STATION_SIZING } from "../sizing";
import { stationReads } from "../stationReads";
import { StationSecretsArgs, stationSecretPlans } from "../stationSecrets";
import { StationEnvironment, StationTier } from "../tiers";
import { StationVerify } from "./verify";
import { RestartTarget, WatcherRestart } from "./watcherRestart";
import { WorkflowCatalog } from "../catalog/workflowCatalog";

/** Argo labels every pod of a workflow with the workflow's name. */
const ARGO_WORKFLOW_PODS: PodSelector = {
    matchExpressions: [{ key: "workflows.argoproj.io/workflow", operator: "Exists" }],
};

/**
 * Argo's workflow pods run the catalog's templates, which read the station's ConfigMaps ({@link MOUNTED_OBJECTS}):
 * recorded as pods of each tier's namespace reading those whole, so they reach what the ConfigMaps name (the graph).
 */
function recordWorkflowPods(
    cluster: ClusterContext,
    namespaces: Record<StationTier, string>,
    made: readonly ConfigMapHandle[],
): void {
    const byNamespace = new Map<string, Set<ConfigMapHandle>>();
    for (const object of MOUNTED_OBJECTS.filter((o) => o.kind === "ConfigMap")) {
        for (const tier of object.tiers) {
            const namespace = namespaces[tier];
            // Only what the station makes there (the catalog's checks report a template reading a missing one).
            const handle = made.find((h) => h.namespace === namespace && h.objectName === object.name);
            if (!handle) continue;
            byNamespace.set(namespace, (byNamespace.get(namespace) ?? new Set()).add(handle));
        }
    }
    for (const [namespace, handles] of byNamespace) {
        const envFrom = [...handles].map((h) => h.envFrom());
        recordPods(cluster, `Argo workflow pods in ${namespace}`, namespace, ARGO_WORKFLOW_PODS, {
            containers: [{ envFrom }],
        });
    }
}

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
    /**
     * The stack keeps long-lived data (`keepsLongLivedData`): the database's claim and workload, and the Secret its
     * data directory was initialised with, are protected and retained.
     */
    protectStateful: boolean;
    watcherRestart?: WatcherRestartConfig;
    /** What must exist before Argo installs and bindings to `argo`/`argo-admin` (this stack's prerequisites). */
    prerequisites: pulumi.Resource[];
    /**
     * The parts to build (every part when absent): a test builds the ones it reads instead of the ~350 objects of
     * them all (test/thoth/parts.ts). A part builds the parts it is made from.
     */
    parts?: readonly StationModulePart[];
}

/** The parts of {@link StationModules}. */
export const STATION_MODULE_PARTS = [
    "configuration",
    "graph",
    "argo",
    "services",
    "accounts",
    "jobs",
    "prescriptionsRefresh",
    "catalog",
    "watcherRestart",
    "verify",
] as const;
export type StationModulePart = (typeof STATION_MODULE_PARTS)[number];

/**
 * What a part is made from: the pods' parts read the shared ConfigMaps and Secrets of their namespace, the
 * prescriptions' Workflows run as the account of the backend's Argo install, the watcher restart aims at the
 * services' watchers and the Argo controllers, verify at the APIs.
 */
const MADE_FROM: Partial<Record<StationModulePart, readonly StationModulePart[]>> = {
    graph: ["configuration"],
    argo: ["configuration"],
    services: ["configuration"],
    jobs: ["configuration"],
    prescriptionsRefresh: ["configuration", "argo"],
    watcherRestart: ["services", "argo"],
    verify: ["services"],
};

/** Account `argo` of the Argo install in `namespace`, which the Workflows submitted there run as. */
function workflowAccount(installs: readonly ArgoInstall[], namespace: string): AccountHandle {
    const install = installs.find((a) => a.namespace === namespace);
    if (!install) throw new Error(`namespace ${namespace} runs Workflows, but has no Argo install`);
    return install.workflowAccount;
}

/** The parts `parts` asks for with those they are made from (every part when `parts` is absent). */
function partsToBuild(parts: readonly StationModulePart[] | undefined): ReadonlySet<StationModulePart> {
    if (!parts) return new Set(STATION_MODULE_PARTS);
    const builds = new Set<StationModulePart>();
    const add = (p: StationModulePart): void => {
        if (builds.has(p)) return;
        builds.add(p);
        for (const from of MADE_FROM[p] ?? []) add(from);
    };
    parts.forEach(add);
    return builds;
}

/**
 * The Thoth station's modules in one environment layout (thoth-ops' provision and verify playbooks), from the same
 * components for stage and test, in the order they must exist: the shared configuration, the knowledge graph, the
 * Argo installs, the services, the periodic jobs, the workflow catalog, the watcher restart of the event-watching Deployments and the
 * post-`up` check.
 */
export class StationModules extends RunbookComponent {
    public readonly services?: StationServices;
    public readonly graph?: KnowledgeGraph;
    public readonly argo: ArgoInstall[] = [];
    public readonly restart?: WatcherRestart;
    public readonly catalog?: WorkflowCatalog;
    public readonly publicUrls: Record<string, string>;
    readonly #builds: ReadonlySet<StationModulePart>;

    constructor(name: string, args: StationModulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:StationModules", name, opts, args.cluster.provider);
        const { cluster, namespaces, config } = args;
        const sizing = STATION_SIZING[args.environment];
        // Objects name their namespace with a plain string, which carries no reference to the Namespace.
        const inNamespace = (ns: string) => this.child({ dependsOn: [args.namespaceResources[ns]] });
        this.#builds = partsToBuild(args.parts);

        // Shared configuration: the ConfigMaps and Secrets every module of a namespace reads.
        const configMaps = (
            this.built("configuration", () =>
                sharedConfigMaps(namespaces, config.shared, args.domain, {
                    environment: args.environment,
                    hosts: config.hosts,
                    prescriptionsRefresh: config.prescriptionsRefresh,
                }),
            ) ?? []
        ).map(
            (cm) =>
                new PlainConfigMap(
                    this.childName(`${cm.namespace}-configmap-${cm.name}`),
                    {
                        namespace: cm.namespace,
                        name: cm.name,
                        app: thothApp(cm.name, "config"),
                        data: cm.data,
                    },
                    inNamespace(cm.namespace),
                ),
        );
        const secrets =
            this.built("configuration", () =>
                this.stationSecrets(
                    { cluster, namespaces, secrets: args.secrets, catalog: config.catalog?.enabled ?? false },
                    inNamespace,
                    args.protectStateful,
                ),
            ) ?? [];
        // Pods read the objects of their own namespace through these handles, and so wait for exactly what they read
        // (a missing key fails container creation) and nothing else of the station's configuration.
        const reads = stationReads([...configMaps, ...secrets].map((c) => c.handle));
        // Argo's CRDs and ClusterRoles come from another stack or the cluster: no reference carries them.
        const withPrerequisites = (ns: string) =>
            this.child({ dependsOn: [args.namespaceResources[ns], ...args.prerequisites] });
        // A service account's grants reach into other tiers' namespaces: its Roles and bindings wait for them all.
        const allNamespaces = Object.values(args.namespaceResources);
        const accountOptions = this.child({ dependsOn: [...allNamespaces, ...args.prerequisites] });
        const prerequisitesOnly = this.child({ dependsOn: args.prerequisites });

        // The knowledge graph: PostgreSQL on its claim, pgbouncer, the exporter.
        this.graph = this.built(
            "graph",
            () =>
                new KnowledgeGraph(
                    this.childName("graph"),
                    {
                        cluster,
                        namespace: namespaces.graph,
                        domain: args.domain,
                        images: config.images,
                        storageSize: config.postgresql.storageSize,
                        storageClassName: config.postgresql.storageClassName,
                        sizing,
                        protectStateful: args.protectStateful,
                        reads: reads(namespaces.graph),
                    },
                    inNamespace(namespaces.graph),
                ),
        );

        // The workflow controllers each tier runs.
        for (const plan of this.built("argo", () => argoInstalls(args.environment)) ?? []) {
            this.argo.push(
                new ArgoInstall(
                    this.childName(`argo-${plan.tier}`),
                    {
                        cluster,
                        namespace: namespaces[plan.tier],
                        domain: args.domain,
                        plan,
                        shared: config.shared,
                        images: config.images,
                        sizing,
                        reads: reads(namespaces[plan.tier]),
                    },
                    withPrerequisites(namespaces[plan.tier]),
                ),
            );
        }

        // The services users and other modules hit.
        const grants = stationGrants(namespaces);
        this.services = this.built(
            "services",
            () =>
                new StationServices(
                    this.childName("services"),
                    {
                        cluster,
                        environment: args.environment,
                        namespaces,
                        domain: args.domain,
                        config,
                        sizing,
                        grants,
                        namespaceResources: args.namespaceResources,
                        reads,
                    },
                    prerequisitesOnly,
                ),
        );

        // The accounts the station's Workflows run as (send-webhooks, Amun's inspections) and revsolver's grants.
        for (const account of this.built("accounts", () => [
            ...workflowAccounts(namespaces),
            revsolverAccount(namespaces, config.catalog),
        ]) ?? []) {
            new ServiceAccount(
                this.childName(`${account.name}-${account.namespace}`),
                {
                    cluster,
                    namespace: account.namespace,
                    name: account.name,
                    app: thothApp(account.name, "workflows"),
                    grants: account.grants,
                    createAccount: account.createAccount,
                },
                accountOptions,
            );
        }

        // The periodic jobs, and the accounts of those that submit Workflows (graph-refresh, mi-scheduler).
        const jobs = this.built("jobs", periodicPlans) ?? [];
        const accounts: Record<string, AccountHandle> = {};
        for (const job of jobs) {
            const sa = job.serviceAccount;
            if (!sa || accounts[sa]) continue;
            accounts[sa] = new ServiceAccount(
                this.childName(sa),
                {
                    cluster,
                    namespace: namespaces[job.tier],
                    name: sa,
                    app: thothApp(sa, "job"),
                    grants: grants[sa],
                },
                accountOptions,
            ).handle;
        }
        this.built(
            "jobs",
            () =>
                new PeriodicJobs(
                    this.childName("jobs"),
                    {
                        cluster,
                        namespaces,
                        images: config.images,
                        sizing,
                        hibernated: config.hibernated,
                        plans: jobs,
                        accounts,
                        namespaceResources: args.namespaceResources,
                        reads,
                    },
                    this.child(),
                ),
        );

        // prescriptions-refresh-job's ImageStream and suspended CronWorkflows (Argo's CRDs must exist).
        this.built(
            "prescriptionsRefresh",
            () =>
                new PrescriptionsRefresh(
                    this.childName("prescriptions-refresh"),
                    {
                        cluster,
                        namespace: namespaces.backend,
                        image: config.images.prescriptionsRefresh,
                        reads: reads(namespaces.backend),
                        account: workflowAccount(this.argo, namespaces.backend),
                    },
                    withPrerequisites(namespaces.backend),
                ),
        );

        // The workflow and template catalog, rendered from the pinned upstream commit (Argo's CRDs must exist), and
        // the tagged ImageStreams its templates pull through (the bases' own streams have no tags).
        if (config.catalog?.enabled && this.#builds.has("catalog")) {
            this.catalogImageStreams(namespaces, inNamespace);
            this.catalog = new WorkflowCatalog(
                this.childName("catalog"),
                {
                    cluster,
                    config: config.catalog,
                    namespaces,
                    namespaceResources: args.namespaceResources,
                    prerequisites: args.prerequisites,
                },
                // Each rendered object waits for the Namespace it lands in (see WorkflowCatalog).
                prerequisitesOnly,
            );
            recordWorkflowPods(
                cluster,
                namespaces,
                configMaps.map((c) => c.handle),
            );
        }

        // The runbook's "restart the event-based deployments" patch, aimed at the objects deployed above.
        const restart = args.watcherRestart;
        if (restart?.enabled && this.#builds.has("watcherRestart") && this.services) {
            const targets: RestartTarget[] = [];
            if (restart.targets.includes("investigator-consumers")) {
                for (const w of this.services.eventWatchers) {
                    targets.push({ namespace: namespaces.infra, workload: w.workload, tiers: w.tiers });
                }
            }
            if (restart.targets.includes("workflow-controllers")) {
                for (const a of this.argo) {
                    targets.push({ namespace: a.namespace, workload: a.controller, tiers: [a.tier] });
                }
            }
            this.restart = new WatcherRestart(
                this.childName("watcher-restart"),
                { cluster, config: restart, targets },
                // Its objects name their namespaces with plain strings.
                this.child({ dependsOn: allNamespaces }),
            );
        }

        // The verify playbook: the APIs answer on their public Routes, or `pulumi up` fails.
        this.publicUrls = this.services?.publicUrls ?? {};
        if (config.verify && this.#builds.has("verify") && this.services) {
            const api = (plan: string, image: string) => ({
                name: plan,
                url: `${this.publicUrls[plan]}/readiness`,
                image,
            });
            new StationVerify(
                this.childName("verify"),
                {
                    targets: [
                        api("user-api", config.images.userApi),
                        api("management-api", config.images.managementApi),
                    ],
                    after: [this.services.workloads["user-api"], this.services.workloads["management-api"]],
                },
                this.child(),
            );
        }
        this.registerOutputs({ publicUrls: this.publicUrls });
    }

    /** What `make` makes when `part` is built (see {@link StationModulesArgs.parts}), else nothing. */
    private built<T>(part: StationModulePart, make: () => T): T | undefined {
        return this.#builds.has(part) ? make() : undefined;
    }

    /** The station's Secrets, each in every namespace that needs it (see {@link stationSecretPlans}). */
    private stationSecrets(
        args: StationSecretsArgs,
        inNamespace: (namespace: string) => pulumi.CustomResourceOptions,
        /** The stack keeps long-lived data: the Secrets kept with it are protected and retained. */
        keepData: boolean,
    ): ConfigSecret[] {
        return stationSecretPlans(args).map((plan) => {
            const options = inNamespace(plan.namespace);
            return new ConfigSecret(
                this.childName(`${plan.namespace}-secret-${plan.name}`),
                plan.args,
                plan.stateful ? { ...options, ...statefulOptions(keepData) } : options,
            );
        });
    }

    /** The tagged ImageStreams the catalog's templates pull through (the bases' own streams have no tags). */
    private catalogImageStreams(
        namespaces: Record<StationTier, string>,
        inNamespace: (namespace: string) => pulumi.CustomResourceOptions,
    ): void {
        for (const { namespace, stream } of catalogImageStreamPlan(namespaces)) {
            new ImageStream(
                this.childName(`${namespace}-imagestream-${stream.name}`),
                catalogImageStreamArgs(namespace, stream),
                inNamespace(namespace),
            );
        }
    }
}
