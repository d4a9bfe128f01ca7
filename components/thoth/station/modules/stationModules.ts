import * as pulumi from "@pulumi/pulumi";
import { RouteAudienceConfig, allowListAudience } from "../../../config/routeAudience";
import { ExposureAudience } from "../../../shared/portPurpose";
import { METRICS_AUDIENCE_KEY } from "../../config";
import { NamespaceRefs, placedGrants, placedIn } from "./placement";
import { PodSelector, recordPods } from "../../../shared/network";
import { MOUNTED_OBJECTS } from "../catalog/catalogPrerequisites";
import type { ConfigMapHandle } from "../../../shared/handles";
import { KubernetesContext, SecretStore } from "../../../config/system";
import { ClusterContext } from "../../../shared/cluster";
import { PlainConfigMap } from "../../../shared/configMap";
import { ImageStream } from "../../../shared/imagestream";
import { statefulOptions } from "../../../shared/protect";
import { AccountHandle } from "../../../shared/handles";
import { ConfigSecret } from "../../../shared/secret";
import { ServiceAccount } from "../../../shared/serviceAccount";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { ArgoInstall, ArgoInstallPlan, argoInstalls } from "./argo";
import { catalogImageStreamArgs, catalogImageStreamPlan } from "../catalog/catalogPrerequisites";
import { CheckedStation, ThothSection } from "../../config";
import { thothApp } from "../../identity";
import { KnowledgeGraph } from "./knowledgeGraph";
import { PeriodicJobs, PeriodicPlan, periodicPlans } from "./periodic";
import { PrescriptionsRefresh } from "./prescriptionsRefresh";
import { WorkflowAccount, revsolverAccount, stationGrants, workflowAccounts } from "./rbac";
import { StationServices } from "./services";
import { sharedConfigMaps } from "./sharedConfig";
import { STATION_SIZING } from "../sizing";
import { stationSecretPlans } from "../stationSecrets";
import { Station } from "../station";
import { StationTier } from "../tiers";
import { StationVerify } from "./verify";
import { RestartTarget, WatcherRestart } from "./watcherRestart";
import { STATION_READS_DECIDED_IN, StationReads } from "../stationEnv";
import { readsOver } from "../../../shared/reads";
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

/** The modules' section as the check refined it (with the base domain of their Routes). */
type CheckedModules = NonNullable<CheckedStation["modules"]>;

export interface StationModulesArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The `thoth.station` section as its check refined it. */
    station: CheckedStation;
    /** Its modules (enabled). */
    modules: CheckedModules;
    /** The station's namespaces: every object is placed with its Namespace's name, so it is made after it. */
    env: Station;
    /** The system's secret store. */
    secrets: SecretStore;
    /**
     * The stack keeps long-lived data (`keepsLongLivedData`): the database's claim and workload, and the Secret its
     * data directory was initialised with, are protected and retained.
     */
    protectStateful: boolean;
    /**
     * This stack's Argo CRDs and ClusterRoles, when it owns them: the component waits for them (its `dependsOn`, which
     * every object it makes carries); the catalog's rendered objects, which the SDK gives no component order, name them.
     */
    prerequisites: pulumi.Resource[];
}

/**
 * The Thoth station's modules in one environment layout (thoth-ops' provision and verify playbooks), from the same
 * components for stage and test, in the order they must exist: the shared configuration, the knowledge graph, the
 * Argo installs, the services, the periodic jobs, the workflow catalog, the watcher restart of the event-watching
 * Deployments and the post-`up` check.
 */
export class StationModules extends SystemPart<ThothSection, KubernetesContext> {
    public readonly services: StationServices;
    public readonly argo: ArgoInstall[];
    /** The backend tier's install, whose account `argo` the prescriptions' Workflows run as. */
    readonly #backendArgo: ArgoInstall;
    public readonly restart?: WatcherRestart;
    public readonly catalog?: WorkflowCatalog;
    public readonly publicUrls: Record<string, string>;
    readonly #args: StationModulesArgs;
    readonly #namespaces: Record<StationTier, string>;
    readonly #refs: NamespaceRefs;

    constructor(name: string, args: StationModulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:StationModules", name, args, opts);
        this.#args = args;
        this.#namespaces = args.env.namespaces;
        this.#refs = args.env.namespaceRefs;
        const configMaps = this.configMaps();
        // Pods read the objects of their own namespace through these handles, and so wait for exactly what they read
        // (a missing key fails container creation) and nothing else of the station's configuration.
        const handles = [...configMaps, ...this.secrets()].map((c) => c.handle);
        const reads = (namespace: string): StationReads =>
            readsOver(handles, namespace, STATION_READS_DECIDED_IN);
        this.knowledgeGraph(reads);
        const [backend, ...others] = argoInstalls(this.#args.station.environment);
        this.#backendArgo = this.argoInstall(backend, reads);
        this.argo = [this.#backendArgo, ...others.map((plan) => this.argoInstall(plan, reads))];
        this.services = this.stationServices(reads);
        this.workflowAccounts();
        this.periodicJobs(reads);
        this.prescriptionsRefresh(reads);
        this.catalog = this.workflowCatalog(configMaps);
        this.restart = this.watcherRestart();
        this.publicUrls = this.services.publicUrls;
        this.verify();
        this.registerOutputs({ publicUrls: this.publicUrls });
    }

    /** Shared configuration: the ConfigMaps every module of a namespace reads. */
    private configMaps(): PlainConfigMap[] {
        const { modules, station } = this.#args;
        const maps = sharedConfigMaps(this.#namespaces, modules.shared, modules.domain, {
            environment: station.environment,
            hosts: modules.hosts,
            prescriptionsRefresh: modules.prescriptionsRefresh,
        });
        return maps.map(
            (cm) =>
                new PlainConfigMap(
                    this.childName(`${cm.namespace}-configmap-${cm.name}`),
                    {
                        namespace: this.#refs[cm.namespace],
                        name: cm.name,
                        app: thothApp(cm.name, "config"),
                        data: cm.data,
                    },
                    this.child(),
                ),
        );
    }

    /** The station's Secrets, each in every namespace that needs it (see {@link stationSecretPlans}). */
    private secrets(): ConfigSecret[] {
        const { secrets, modules, protectStateful } = this.#args;
        const plans = stationSecretPlans({
            cluster: this.context.cluster,
            namespaces: this.#namespaces,
            secrets,
            catalog: modules.catalog?.enabled ?? false,
        });
        return plans.map(
            (plan) =>
                new ConfigSecret(
                    this.childName(`${plan.namespace}-secret-${plan.name}`),
                    { ...plan.args, namespace: this.#refs[plan.namespace] },
                    // Kept with the data it unlocks, where the stack keeps long-lived data.
                    this.child(plan.stateful ? statefulOptions(protectStateful) : {}),
                ),
        );
    }

    /** The knowledge graph: PostgreSQL on its claim, pgbouncer, the exporter. */
    private knowledgeGraph(reads: (namespace: string) => StationReads): KnowledgeGraph {
        const { modules } = this.#args;
        return new KnowledgeGraph(
            this.childName("graph"),
            {
                ...this.servedFrom(this.#namespaces.graph, reads),
                storageSize: modules.postgresql.storageSize,
                storageClassName: modules.postgresql.storageClassName,
                protectStateful: this.#args.protectStateful,
            },
            this.child(),
        );
    }

    /** What the knowledge graph and each workflow controller take alike: their namespace, reads, images and sizes. */
    private servedFrom(namespace: string, reads: (namespace: string) => StationReads) {
        const { modules, station } = this.#args;
        return {
            config: this.config,
            context: this.context,
            namespace,
            namespaceRef: this.#refs[namespace],
            domain: modules.domain,
            metricsAudience: metricsAudience(modules),
            images: modules.images,
            sizing: STATION_SIZING[station.environment],
            reads: reads(namespace),
        };
    }

    /** The workflow controller of one tier. */
    private argoInstall(plan: ArgoInstallPlan, reads: (namespace: string) => StationReads): ArgoInstall {
        return new ArgoInstall(
            this.childName(`argo-${plan.tier}`),
            {
                ...this.servedFrom(this.#namespaces[plan.tier], reads),
                plan,
                shared: this.#args.modules.shared,
            },
            this.child(),
        );
    }

    /** The services users and other modules hit. */
    private stationServices(reads: (namespace: string) => StationReads): StationServices {
        const { modules, station } = this.#args;
        return new StationServices(
            this.childName("services"),
            {
                config: this.config,
                context: this.context,
                environment: station.environment,
                namespaces: this.#namespaces,
                namespaceRefs: this.#refs,
                domain: modules.domain,
                metricsAudience: metricsAudience(modules),
                modules,
                sizing: STATION_SIZING[station.environment],
                grants: stationGrants(this.#namespaces),
                reads,
            },
            this.child(),
        );
    }

    /** The accounts the station's Workflows run as (send-webhooks, Amun's inspections) and revsolver's grants. */
    private workflowAccounts(): void {
        const accounts = [
            ...workflowAccounts(this.#namespaces),
            revsolverAccount(this.#namespaces, this.#args.modules.catalog),
        ];
        for (const account of accounts) {
            this.account(`${account.name}-${account.namespace}`, "workflows", account);
        }
    }

    /** A station account of `component`, it and its grants placed with their Namespaces. */
    private account(key: string, component: string, account: WorkflowAccount): ServiceAccount {
        return new ServiceAccount(
            this.childName(key),
            {
                cluster: this.context.cluster,
                namespace: placedIn(this.#refs, account.namespace),
                name: account.name,
                app: thothApp(account.name, component),
                grants: placedGrants(this.#refs, account.grants),
                createAccount: account.createAccount,
            },
            this.child(),
        );
    }

    /** The periodic jobs, and the accounts of those that submit Workflows (graph-refresh, mi-scheduler). */
    private periodicJobs(reads: (namespace: string) => StationReads): void {
        const { modules, station } = this.#args;
        const plans = periodicPlans();
        new PeriodicJobs(
            this.childName("jobs"),
            {
                config: this.config,
                context: this.context,
                namespaces: this.#namespaces,
                namespaceRefs: this.#refs,
                images: modules.images,
                sizing: STATION_SIZING[station.environment],
                hibernated: modules.hibernated,
                plans,
                accounts: this.jobAccounts(plans),
                reads,
            },
            this.child(),
        );
    }

    /** The account of each job that submits Workflows, made by the first job that runs as it. */
    private jobAccounts(plans: readonly PeriodicPlan[]): Record<string, AccountHandle> {
        const grants = stationGrants(this.#namespaces);
        const accounts: Record<string, AccountHandle> = {};
        for (const job of plans) {
            const sa = job.serviceAccount;
            if (!sa || accounts[sa]) continue;
            const namespace = this.#namespaces[job.tier];
            accounts[sa] = this.account(sa, "job", { name: sa, namespace, grants: grants[sa] ?? [] }).handle;
        }
        return accounts;
    }

    /** prescriptions-refresh-job's ImageStream and suspended CronWorkflows (Argo's CRDs must exist). */
    private prescriptionsRefresh(reads: (namespace: string) => StationReads): void {
        const namespace = this.#namespaces.backend;
        new PrescriptionsRefresh(
            this.childName("prescriptions-refresh"),
            {
                config: this.config,
                context: this.context,
                namespace,
                namespaceRef: this.#refs[namespace],
                image: this.#args.modules.images.prescriptionsRefresh,
                reads: reads(namespace),
                account: this.#backendArgo.workflowAccount,
            },
            this.child(),
        );
    }

    /**
     * The workflow and template catalog, rendered from the pinned upstream commit (Argo's CRDs must exist), and the
     * tagged ImageStreams its templates pull through (the bases' own streams have no tags).
     */
    private workflowCatalog(configMaps: readonly PlainConfigMap[]): WorkflowCatalog | undefined {
        const config = this.#args.modules.catalog;
        if (!config?.enabled) return undefined;
        this.catalogImageStreams();
        const catalog = new WorkflowCatalog(
            this.childName("catalog"),
            {
                config: this.config,
                context: this.context,
                catalog: config,
                namespaces: this.#namespaces,
                namespaceResources: this.#args.env.namespaceResources,
                prerequisites: this.#args.prerequisites,
            },
            // Each rendered object waits for the Namespace it lands in and the prerequisites (see WorkflowCatalog).
            this.child(),
        );
        recordWorkflowPods(
            this.context.cluster,
            this.#namespaces,
            configMaps.map((c) => c.handle),
        );
        return catalog;
    }

    /** The tagged ImageStreams the catalog's templates pull through (the bases' own streams have no tags). */
    private catalogImageStreams(): void {
        for (const { namespace, stream } of catalogImageStreamPlan(this.#namespaces)) {
            new ImageStream(
                this.childName(`${namespace}-imagestream-${stream.name}`),
                { ...catalogImageStreamArgs(namespace, stream), namespace: this.#refs[namespace] },
                this.child(),
            );
        }
    }

    /** The runbook's "restart the event-based deployments" patch, aimed at the objects deployed above. */
    private watcherRestart(): WatcherRestart | undefined {
        const restart = this.#args.station.watcherRestart;
        if (!restart?.enabled) return undefined;
        const targets: RestartTarget[] = [];
        if (restart.targets.includes("investigator-consumers")) {
            for (const w of this.services.eventWatchers) {
                targets.push({ namespace: this.#namespaces.infra, workload: w.workload, tiers: w.tiers });
            }
        }
        if (restart.targets.includes("workflow-controllers")) {
            for (const a of this.argo) {
                targets.push({ namespace: a.namespace, workload: a.controller, tiers: [a.tier] });
            }
        }
        return new WatcherRestart(
            this.childName("watcher-restart"),
            {
                config: this.config,
                context: this.context,
                restart,
                targets,
                namespaceRefs: this.#refs,
            },
            this.child(),
        );
    }

    /** The verify playbook: the APIs answer on their public Routes, or `pulumi up` fails. */
    private verify(): void {
        const modules = this.#args.modules;
        if (!modules.verify) return;
        const api = (plan: string, image: string) => ({
            workload: this.services.workloads[plan],
            target: { name: plan, url: `${this.publicUrls[plan]}/readiness`, image },
        });
        new StationVerify(
            this.childName("verify"),
            {
                config: this.config,
                context: this.context,
                apis: [
                    api("user-api", modules.images.userApi),
                    api("management-api", modules.images.managementApi),
                ],
            },
            this.child(),
        );
    }
}

/** Who may reach the modules' metrics Routes: the ranges `thoth.station.modules.metricsAudience` names. */
function metricsAudience(modules: { metricsAudience?: RouteAudienceConfig }): ExposureAudience {
    return allowListAudience(METRICS_AUDIENCE_KEY, modules.metricsAudience);
}
