import { preserveUnknownFields } from "../../../shared/crd";
import { placedGrants } from "./placement";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ExposureAudience } from "../../../shared/portPurpose";
import { stringify } from "yaml";
import { PlainConfigMap } from "../../../shared/configMap";
import { standardLabels } from "../../../shared/labels";
import { httpProbe, httpServerProbes } from "../../../shared/probes";
import { statefulOptions } from "../../../shared/protect";
import { Sizing } from "../../../shared/resources";
import { AccountHandle } from "../../../shared/handles";
import { AccessGrant, PolicyRule, ServiceAccount } from "../../../shared/serviceAccount";
import { READS_CHECKSUM_ANNOTATION, readsChecksum } from "../../../shared/startupReads";
import { Workload } from "../../../shared/workload";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { StationImages, StationShared, ThothSection, stationTier } from "../../config";
import { z } from "zod";
import { loadFacts } from "../../../shared/facts";
import { defaultHost, thothApp } from "../../identity";
import { ARGO_ROLE_BASE, WORKFLOW_ROLE, argoGrants } from "./rbac";
import { SizedPart } from "../sizing";
import { StationReads } from "../stationEnv";
import { StationEnvironment, StationTier } from "../tiers";
import { containerSecurityContext, podSecurityContext } from "../../../shared/security";
import type { Platform } from "../../../shared/platform";
import { WorkflowControllerSettings, keptFor } from "./argoWorkflow";
import { DefinitionError } from "../../../shared/errors";

/**
 * An install's `containerRuntimeExecutor`. Unset, v2.12.5 runs `docker` (argoproj/argo-workflows@v2.12.5 (53f022c3)
 * config/config.go: "default is docker"), which mounts the node's /var/run/docker.sock into every workflow pod as a
 * hostPath volume (workflow/controller/workflowpod.go createVolumes, newWaitContainer): refused by OpenShift's
 * restricted SCC and the restricted Pod Security Standard, and without a socket on CRI-O nodes. `k8sapi` works through
 * the API with the pod's account and needs no host access (docs/workflow-executors.md at v2.12.5); every Thoth install
 * of the reference sets it.
 */
const installExecutorSchema = z.strictObject({
    name: z.literal("k8sapi"),
    /** repository@commit:path of the reference's workflow-controller-configmap for this install. */
    source: z.string(),
});

/** One namespaced Argo Workflows install and its controller settings (thoth-station.md §2.7, §4.2). */
const argoInstallPlanSchema = z.strictObject({
    tier: stationTier,
    size: z.enum(["controllerBackend", "controllerMiddletier", "controllerAmunInspection"]),
    parallelism: z.number(),
    /** Seconds a finished Workflow is kept. */
    ttlSeconds: z.number(),
    workflowParallelism: z.number(),
    /** S3 artifact repository (Secret argo-artifact-repository-secrets); amun-inspection has none. */
    artifacts: z.strictObject({ archiveLogs: z.boolean() }).optional(),
    executorResources: z.boolean().optional(),
    /** The controller's `namespace:`; amun-inspection's config leaves it unset. */
    namespaced: z.boolean(),
    /** The workflow executor, with the reference file that sets it for this install. */
    executor: installExecutorSchema,
});
export type ArgoInstallPlan = z.infer<typeof argoInstallPlanSchema>;

const argoInstallsFile = z.strictObject({
    installs: z.record(z.enum(["stage", "test"]), z.array(argoInstallPlanSchema)),
});

/** The install of the backend tier, whose account the prescriptions' Workflows run as: first in every environment. */
export type BackendArgoPlan = ArgoInstallPlan & { tier: "backend" };

/** Each environment's installs (facts/thoth/argo-installs.yaml), the backend's first. */
export function argoInstalls(environment: StationEnvironment): [BackendArgoPlan, ...ArgoInstallPlan[]] {
    const [backend, ...others] = loadFacts(
        "facts/thoth/argo-installs.yaml",
        argoInstallsFile,
        "the Argo installs",
    ).installs[environment];
    if (backend?.tier !== "backend")
        throw new DefinitionError(
            `facts/thoth/argo-installs.yaml: ${environment}'s first install is not the backend's`,
        );
    return [backend as BackendArgoPlan, ...others];
}

/**
 * The settings of workflow-controller-configmap's `config` key. Beside the reference's values, every workflow pod is
 * given what the restricted Pod Security Standard needs and v2.12.5 leaves unset: the executor's own containers (wait,
 * init) get only `executor.securityContext` (workflowpod.go newExecContainer), and a pod gets the securityContext of its
 * template or Workflow (addSchedulingConstraints), which the reference's templates and the Workflows the consumers
 * create leave unset, so `workflowDefaults` supplies it (controller.go setWorkflowDefaults: a Workflow's own wins).
 */
export function controllerSettings(
    plan: ArgoInstallPlan,
    namespace: string,
    shared: StationShared,
    platform: Platform,
    /** The Secret of the artifact repository's keys (required when the plan has one). */
    artifactSecret?: string,
): WorkflowControllerSettings & Record<string, unknown> {
    if (plan.artifacts && !artifactSecret) {
        throw new DefinitionError(
            `the ${plan.tier} Argo install stores artifacts, but no Secret holds the repository's keys`,
        );
    }
    const endpoint = shared.ceph.host.replace(/^https?:\/\//, "").replace(/\/$/, "");
    return {
        containerRuntimeExecutor: plan.executor.name,
        ...(plan.namespaced ? { namespace } : {}),
        parallelism: plan.parallelism,
        workflowDefaults: {
            spec: {
                securityContext: podSecurityContext(platform),
                ttlStrategy: keptFor(plan.ttlSeconds),
                parallelism: plan.workflowParallelism,
            },
        },
        metricsConfig: { enabled: true, path: "/metrics", port: 8080 },
        executor: {
            // The executor runs non-root whatever a Workflow's own securityContext says.
            securityContext: containerSecurityContext({ runAsNonRoot: true }) as Record<string, unknown>,
            ...(plan.executorResources
                ? {
                      imagePullPolicy: "IfNotPresent",
                      resources: {
                          requests: { cpu: "0.1", memory: "64Mi" },
                          limits: { cpu: "0.5", memory: "256Mi" },
                      },
                  }
                : {}),
        },
        ...(plan.artifacts
            ? {
                  artifactRepository: {
                      archiveLogs: plan.artifacts.archiveLogs,
                      s3: {
                          bucket: shared.ceph.bucket,
                          keyPrefix: `${shared.ceph.prefix}/${shared.deploymentName}/argo/artifacts/`,
                          endpoint,
                          insecure: false,
                          accessKeySecret: { name: artifactSecret, key: "accessKey" },
                          secretKeySecret: { name: artifactSecret, key: "secretKey" },
                      },
                  },
              }
            : {}),
    };
}

export interface ArgoInstallArgs extends SystemArgs<ThothSection, KubernetesContext> {
    namespace: string;
    /** Its name from its Namespace: the install's objects are placed with it, so they are made after it. */
    namespaceRef: pulumi.Output<string>;
    domain: string;
    /** Who may reach the controller's metrics Route (`thoth.station.modules.metricsAudience`). */
    metricsAudience: ExposureAudience;
    plan: ArgoInstallPlan;
    shared: StationShared;
    images: Pick<StationImages, "workflowController" | "argoServer" | "argoExecutor">;
    sizing: Record<SizedPart, Sizing>;
    /** The station's Secrets of the install's namespace (the artifact repository's keys). */
    reads: StationReads;
}

/**
 * The key of the checksum that rolls argo-server when its ConfigMap changes: what it reads is a ConfigMap, which holds
 * the names of Secrets and never their values, and anyone who may see the pod's annotation may read that ConfigMap. A
 * public key hides nothing there, so no generated key (and no extra resource per install) is needed.
 */
const PLAIN_READS_KEY = "argo-server-configmap";

/**
 * A namespaced Argo Workflows v2.12 install: the controller (watches Workflows; restarted with the consumers)
 * and argo-server with its UI Route. The ClusterRoles `argo`/`argo-admin` and the CRDs come from
 * {@link ArgoPrerequisites}, owned by one stack per cluster.
 */
export class ArgoInstall extends SystemPart<ThothSection, KubernetesContext> {
    /** The workflow controller: it watches Workflows, so the watcher restart targets it. */
    public readonly controller: Workload;
    public readonly namespace: string;
    /** The tier whose Workflows the controller reconciles. */
    public readonly tier: StationTier;
    /** Account `argo`, which the Workflows of the install's namespace run as. */
    public readonly workflowAccount: AccountHandle;
    /** What the controller's configuration says of the pods it builds (its ConfigMap holds exactly these settings). */
    public readonly settings: WorkflowControllerSettings;
    readonly #args: ArgoInstallArgs;

    constructor(name: string, args: ArgoInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:ArgoInstall", name, args, opts);
        this.#args = args;
        const { namespace } = args;
        this.namespace = namespace;
        this.tier = args.plan.tier;
        const workflowRole: AccessGrant = { namespace, role: "workflow-role", rules: WORKFLOW_ROLE };
        const server = this.account("argo-server", [...argoGrants(namespace), workflowRole]);
        this.workflowAccount = this.account("argo", [
            { namespace, clusterRole: "argo" },
            workflowRole,
        ]).handle;
        const artifacts = args.plan.artifacts
            ? args.reads.secret("argo-artifact-repository-secrets")
            : undefined;
        this.settings = controllerSettings(
            args.plan,
            namespace,
            args.shared,
            this.context.cluster.platform,
            artifacts?.objectName,
        );
        const config = this.controllerConfig();
        // What no reference of the pod specs carries: the account's grants, the ConfigMap the controller reads by its
        // plain --configmap name, and the artifact Secret its config names inside a YAML string.
        const unreferenced = [server, config, ...(artifacts?.resource ? [artifacts.resource] : [])];
        // order: the pods start with their grants and the configuration they read by plain name.
        const after = this.child({ dependsOn: unreferenced });
        this.controller = this.workflowController(server, after);
        this.argoServer(server, config, after);
        this.registerOutputs({});
    }

    /** workflow-controller-configmap: the controller's settings (thoth-station.md §2.7, §4.2). */
    private controllerConfig(): PlainConfigMap {
        const args = this.#args;
        return new PlainConfigMap(
            this.childName("config"),
            {
                namespace: args.namespaceRef,
                name: "workflow-controller-configmap",
                app: thothApp("workflow-controller", "workflows"),
                data: { config: stringify(this.settings) },
            },
            this.child(),
        );
    }

    /** The namespaced workflow controller, with its metrics Route. */
    private workflowController(server: ServiceAccount, after: pulumi.CustomResourceOptions): Workload {
        const args = this.#args;
        return new Workload(
            this.childName("controller"),
            {
                cluster: this.context.cluster,
                namespace: args.namespaceRef,
                app: thothApp("workflow-controller", "workflows", args.images.workflowController),
                // thoth-station/thoth-application@f2cf35f core/overlays/{test,ocp4-stage/*}/argo-deployments.yaml,
                // amun/overlays/ocp4-stage/amun-inspection/argo-deployments.yaml: kept, so the first up adopts it.
                liveSelector: { app: "workflow-controller" },
                serviceAccountName: server.handle.name,
                containers: [
                    {
                        name: "workflow-controller",
                        image: args.images.workflowController,
                        command: ["workflow-controller"],
                        args: [
                            "--configmap",
                            "workflow-controller-configmap",
                            "--executor-image",
                            args.images.argoExecutor,
                            "--namespaced",
                        ],
                        ports: [{ name: "metrics", containerPort: 8080 }],
                        resources: args.sizing[args.plan.size],
                        // Upstream (argoproj/argo v2.12 manifests/base/workflow-controller) probes liveness with
                        // /metrics on the metrics port, 30 s delay and period; its Service serves that endpoint, so
                        // it is the readiness here and liveness is the TCP connect (httpServerProbes).
                        ...httpServerProbes(httpProbe("/metrics", 8080, { initialDelaySeconds: 10 }), {
                            initialDelaySeconds: 30,
                            periodSeconds: 30,
                        }),
                    },
                ],
                service: {
                    name: "workflow-controller-metrics",
                    ports: [{ name: "metrics", port: 80, targetPort: 8080, purpose: "metrics" }],
                },
                expose: [
                    {
                        host: defaultHost("workflow-controller-metrics", args.namespace, args.domain),
                        servicePort: "metrics",
                        audience: args.metricsAudience,
                        tls: { termination: "edge" },
                    },
                ],
            },
            after,
        );
    }

    /** argo-server with its UI Route. */
    private argoServer(
        server: ServiceAccount,
        config: PlainConfigMap,
        after: pulumi.CustomResourceOptions,
    ): void {
        const args = this.#args;
        new Workload(
            this.childName("server"),
            {
                cluster: this.context.cluster,
                namespace: args.namespaceRef,
                app: thothApp("argo-server", "workflows", args.images.argoServer),
                // The live selector (the same argo-deployments.yaml files).
                liveSelector: { app: "argo-server" },
                serviceAccountName: server.handle.name,
                // argo-server reads workflow-controller-configmap (its --configmap default) through the API once at
                // start, so the pod spec does not name it; the controller watches it and needs no restart.
                podAnnotations: {
                    [READS_CHECKSUM_ANNOTATION]: readsChecksum(PLAIN_READS_KEY, [config]),
                },
                containers: [
                    {
                        name: "argo-server",
                        image: args.images.argoServer,
                        // Before v3 argo-server defaults to --auth-mode server: anyone reaching the public argo-ui
                        // Route acts with argo-server's own account (GHSA-rc7p-gmvh-xfx2). `client` makes every
                        // request carry the caller's own bearer token (`argo auth token`, an OpenShift token), as
                        // v3 does by default (argo-workflows docs, argo-server auth-mode, v2.12).
                        args: ["server", "--namespaced", `--auth-mode=${ARGO_SERVER_AUTH_MODE}`],
                        ports: [{ name: "web", containerPort: 2746 }],
                        readinessProbe: httpProbe("/", 2746, { initialDelaySeconds: 10, periodSeconds: 20 }),
                        resources: args.sizing.argoServer,
                    },
                ],
                service: { ports: [{ name: "web", port: 2746 }] },
                expose: [
                    {
                        name: "argo-ui",
                        host: defaultHost("argo-ui", args.namespace, args.domain),
                        servicePort: "web",
                        tls: { termination: "edge" },
                    },
                ],
            },
            after,
        );
    }

    /** An account of the install with its grants in the install's namespace. */
    private account(sa: string, grants: AccessGrant[]): ServiceAccount {
        const refs = { [this.#args.namespace]: this.#args.namespaceRef };
        const cluster = this.context.cluster;
        return new ServiceAccount(
            this.childName(sa),
            {
                cluster,
                namespace: this.#args.namespaceRef,
                name: sa,
                app: thothApp(sa, "workflows"),
                grants: placedGrants(refs, grants),
            },
            this.child(),
        );
    }
}

export const ARGO_GROUP = "argoproj.io";

/** How argo-server authenticates requests: with the caller's own Kubernetes token, never its own account. */
export const ARGO_SERVER_AUTH_MODE = "client";

/** The Argo Workflows v2.12 kinds the station uses. */
export const ARGO_KINDS = [
    { kind: "Workflow", plural: "workflows", short: ["wf"] },
    { kind: "WorkflowTemplate", plural: "workflowtemplates", short: ["wftmpl"] },
    { kind: "CronWorkflow", plural: "cronworkflows", short: ["cronwf", "cwf"] },
    { kind: "ClusterWorkflowTemplate", plural: "clusterworkflowtemplates", short: ["clusterwftmpl", "cwft"] },
    { kind: "WorkflowEventBinding", plural: "workfloweventbindings", short: ["wfeb"] },
] as const;

/** ClusterRole `argo`: what a namespaced controller and Workflow pods do in a namespace it is bound in. */
export const ARGO_ROLE: PolicyRule[] = [
    ...ARGO_ROLE_BASE,
    {
        apiGroups: [ARGO_GROUP],
        resources: ARGO_KINDS.flatMap((k) => [k.plural, `${k.plural}/finalizers`]),
        verbs: ["get", "list", "watch", "update", "patch", "delete", "create"],
    },
];

/** ClusterRole `argo-admin`: full control of Argo's objects (submitting, stopping, deleting Workflows). */
export const ARGO_ADMIN_ROLE: PolicyRule[] = [
    {
        apiGroups: [ARGO_GROUP],
        resources: ARGO_KINDS.map((k) => k.plural),
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    },
];

/** The ClusterRoles the station's installs are bound to, by name. */
export const ARGO_CLUSTER_ROLES = [
    ["argo", ARGO_ROLE],
    ["argo-admin", ARGO_ADMIN_ROLE],
] as const;

/**
 * The CustomResourceDefinition of one Argo kind, accepting any spec (`x-kubernetes-preserve-unknown-fields`), as Argo
 * v2.12's own minimal CRDs did: what {@link ArgoPrerequisites} creates and a cluster's setup provides.
 */
export function argoCrd(k: (typeof ARGO_KINDS)[number], labels?: Record<string, string>) {
    return {
        metadata: { name: `${k.plural}.${ARGO_GROUP}`, ...(labels ? { labels } : {}) },
        spec: {
            group: ARGO_GROUP,
            names: {
                kind: k.kind,
                listKind: `${k.kind}List`,
                plural: k.plural,
                singular: k.kind.toLowerCase(),
                shortNames: [...k.short],
            },
            scope: k.kind === "ClusterWorkflowTemplate" ? "Cluster" : "Namespaced",
            versions: [
                {
                    name: "v1alpha1",
                    served: true,
                    storage: true,
                    schema: { openAPIV3Schema: preserveUnknownFields },
                    ...(k.kind === "Workflow" ? { subresources: {} } : {}),
                },
            ],
        },
    };
}

/** Arguments of {@link ArgoPrerequisites}: the section and the context, whose `protectStateful` keeps the CRDs. */
export type ArgoPrerequisitesArgs = SystemArgs<ThothSection, KubernetesContext>;

/**
 * The cluster-wide part of the station: Argo's CRDs and the ClusterRoles `argo` and `argo-admin` that the
 * reference expects "from the cluster setup" (§6.3). Exactly one stack per cluster owns them
 * (`thoth.station.modules.ownClusterPrerequisites: true`); the others only reference them by name. The CRDs
 * accept any spec (`x-kubernetes-preserve-unknown-fields`), as Argo v2.12's own minimal CRDs did.
 */
export class ArgoPrerequisites extends SystemPart<ThothSection, KubernetesContext> {
    public readonly resources: pulumi.Resource[] = [];

    constructor(name: string, args: ArgoPrerequisitesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:ArgoPrerequisites", name, args, opts);
        const labels = standardLabels(thothApp("argo", "cluster-prerequisites"));
        for (const k of ARGO_KINDS) {
            this.resources.push(
                new k8s.apiextensions.v1.CustomResourceDefinition(
                    this.childName(`crd-${k.plural}`),
                    argoCrd(k, labels),
                    // Production: deleting a CRD deletes every object of it, so the CRDs are protected and retained.
                    this.child(statefulOptions(this.context.protectStateful)),
                ),
            );
        }
        for (const [role, rules] of ARGO_CLUSTER_ROLES) {
            this.resources.push(
                new k8s.rbac.v1.ClusterRole(
                    this.childName(`clusterrole-${role}`),
                    { metadata: { name: role, labels }, rules: [...rules] },
                    this.child(),
                ),
            );
        }
        this.registerOutputs({});
    }
}
