import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { KubernetesContext } from "../config/system";
import { PlainConfigMap } from "../shared/configMap";
import { ConfigMapHandle, SecretHandle } from "../shared/handles";
import { Namespace } from "../shared/namespace";
import { recordLiveService, recordPods } from "../shared/network";
import { ServiceEndpoint } from "../shared/endpoints";
import { readsOver } from "../shared/reads";
import { ConfigSecret } from "../shared/secret";
import { ChecksumKey, ReadsChecksumKey, seededOnce } from "../shared/startupReads";
import { SystemArgs, SystemComponent } from "../config/systemComponent";
import { COMPONENTS, ConfigMapName, SecretName } from "./catalog";
import { Component, PROW_PART_OF, ProwNamespaces, ProwReads } from "./component";
import { ProwSection } from "./section";
import { ProwJobCrd } from "./crd";
import {
    DOCKER_MIRROR_CONFIG,
    DOCKER_MIRROR_MOUNT,
    DOCKER_MIRROR_PRESET,
    PROWJOB_POD,
    configMapEndpoints,
    renderConfigMaps,
} from "./documents";
import { ingressPlan } from "./ingress";
import { JOBS_REACH_CALLERS, servedLive } from "./jobsReach";
import { PlannedSecret } from "./secrets";

/** Stack outputs of Prow: where the environment runs and its public URLs. */
export type ProwOutputs = {
    environment: string;
    namespaces: { prow: string; jobs: string };
    release: string;
    deckUrl: string;
    hookUrl: string;
    gcswebUrl: string;
};

/** The `app` identity of one of Prow's own objects (not a component's). */
function app(objectName: string, component: string) {
    return { name: objectName, partOf: PROW_PART_OF, component };
}

/**
 * KubeVirt's Prow in one environment, in the runbook's order: the prow and jobs namespaces, the ProwJob CRD, the
 * secrets, the rendered config documents, and every component with its RBAC, volume, Service and Ingress.
 */
export class Prow extends SystemComponent<ProwSection, KubernetesContext, ProwOutputs> {
    constructor(name: string, args: SystemArgs<ProwSection>, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:prow:Prow", name, args, opts);
        // "Kustomize patches": the environment's two namespaces, renamed per environment.
        const namespaces = this.namespaces();
        // The cluster-scoped ProwJob CRD, on the one stack per cluster that owns it.
        const prowJobCrd = this.prowJobCrd();
        // "Copy the secrets": each from the stack's config (generated on a throw-away cluster).
        const secrets = this.secrets(namespaces);
        // "Generate configuration": config, plugins, labels and the rest, rendered per environment.
        const configMaps = this.configMaps(namespaces);
        // "Generate manifests" and `kubectl apply`: every component, reading what the steps above made.
        this.deployComponents(namespaces, this.reads(secrets, configMaps), prowJobCrd);
        // The PR jobs' bazel builds read greenhouse, by a URL of the jobs' own repositories.
        this.jobPodsReachTheBuildCache(namespaces);
        // Production's own Services the jobs call (docker-mirror-proxy), left running: the egress lock admits them.
        this.jobPodsReachLiveServices(namespaces);
        // Production's own workloads left running that call Prow (external plugins calling ghproxy): admitted too.
        this.liveCallersReachProw(namespaces);
        this.setOutputs(this.stackOutputs());
    }

    /** The prow namespace and the jobs namespace, whose names place every object in them. */
    private namespaces(): ProwNamespaces {
        const { cluster } = this.context;
        const { prow, jobs } = this.config.resolved.namespaces;
        return {
            prow: new Namespace(
                this.childName("namespace"),
                { cluster, name: prow, app: app(prow, "namespace") },
                this.child(),
            ),
            jobs: new Namespace(
                this.childName("jobs-namespace"),
                // Presubmits run the code of any pull request here.
                { cluster, name: jobs, app: app(jobs, "namespace"), untrusted: true },
                this.child(),
            ),
        };
    }

    private prowJobCrd(): ProwJobCrd | undefined {
        if (!this.config.resolved.manageCrd) return undefined;
        const { cluster } = this.context;
        return new ProwJobCrd(this.childName("crd"), { cluster, app: app("prowjobs", "crd") }, this.child());
    }

    /** Every Secret, in each namespace that reads it; returns the prow namespace's by base name. */
    private secrets(namespaces: ProwNamespaces): Map<SecretName, SecretHandle> {
        const { names } = this.config.resolved;
        const reads = new Map<SecretName, SecretHandle>();
        for (const planned of this.config.secretSources) {
            const { def } = planned;
            const data = this.secretData(planned);
            for (const where of def.namespaces) {
                const secret = new ConfigSecret(
                    this.childName(`secret-${def.name}${where === "jobs" ? "-jobs" : ""}`),
                    {
                        namespace: namespaces[where].name,
                        name: names.name(def.name),
                        app: app(names.name(def.name), "secret"),
                        data,
                    },
                    this.child(),
                );
                if (where === "prow") reads.set(def.name, secret.handle);
            }
        }
        return reads;
    }

    /** The data of one Secret from where its check said it comes. */
    private secretData({ def, entries, source }: PlannedSecret): Record<string, pulumi.Input<string>> {
        const { secrets } = this.context;
        if (source.from === "config") {
            return Object.fromEntries(entries.map((e) => [e.key, secrets.require(e.configKey)]));
        }
        const { refs } = this.config.resolved;
        return Object.fromEntries(
            entries.map(({ key, configKey }) => {
                const suffix = entries.length > 1 ? `-${key}` : "";
                // Only a stand-in that uses random material makes a password.
                const generate = () =>
                    new random.RandomPassword(
                        this.childName(`generated-${def.name}${suffix}`),
                        { length: 32, special: false },
                        this.foreignChild(),
                    ).result;
                return [key, secrets.get(configKey) ?? source.testValue(generate, refs, key)];
            }),
        );
    }

    /**
     * The prow namespace's Secrets and ConfigMaps, by base name: what the components mount. The objects carry the
     * environment's names (`staging-config`), so each base name is found under the name the environment gives it.
     */
    private reads(
        secrets: ReadonlyMap<SecretName, SecretHandle>,
        configMaps: ReadonlyMap<ConfigMapName, ConfigMapHandle>,
    ): ProwReads {
        const { names, namespaces } = this.config.resolved;
        const made = readsOver<string, string>(
            [...secrets.values(), ...configMaps.values()],
            namespaces.prow,
            "components/prow/secrets.ts and documents.ts",
        );
        return {
            namespace: made.namespace,
            secret: (name) => made.secret(names.name(name)),
            configMap: (name) => made.configMap(names.name(name)),
        };
    }

    /** Every rendered ConfigMap, in its namespace; returns the prow namespace's by base name. */
    private configMaps(namespaces: ProwNamespaces): Map<ConfigMapName, ConfigMapHandle> {
        const env = this.config.resolved;
        const named = configMapEndpoints(env);
        const reads = new Map<ConfigMapName, ConfigMapHandle>();
        for (const cm of renderConfigMaps(env)) {
            const configMap = new PlainConfigMap(
                this.childName(`configmap-${cm.name}`),
                {
                    namespace: namespaces[cm.namespace].name,
                    name: env.names.name(cm.name),
                    app: app(env.names.name(cm.name), "config"),
                    data: cm.data,
                    // Taking over production, the live job-config is config-updater's, holding every job: the seed
                    // would replace them until the next merged job change.
                    keepLiveData: cm.seedOnly === true && this.context.cluster.adoptExisting === true,
                },
                this.child(cm.seedOnly ? { ignoreChanges: ["data"] } : {}),
            );
            // config-updater rewrites a seeded ConfigMap from the repository: the program's seed is no reason to roll.
            if (cm.seedOnly) seededOnce(configMap);
            configMap.handle.reaches = named.get(cm.name) ?? new Map();
            if (cm.namespace === "prow") reads.set(cm.name, configMap.handle);
            if (cm.name === DOCKER_MIRROR_CONFIG) this.dockerMirrorJobPods(namespaces, configMap.handle);
        }
        return reads;
    }

    /**
     * Job pods are made by plank, not by the program: those of the docker-mirror preset (config.yaml's presets)
     * mount the docker daemon's ConfigMap, and reach the mirror it names.
     */
    private dockerMirrorJobPods(namespaces: ProwNamespaces, config: ConfigMapHandle): void {
        recordPods(
            this.context.cluster,
            "ProwJob pods of the docker-mirror preset",
            namespaces.jobs.name,
            { matchLabels: { ...DOCKER_MIRROR_PRESET } },
            // The preset's volume (documents.ts): what matters here is the object it mounts.
            {
                containers: [],
                volumes: [
                    config.mount(DOCKER_MIRROR_MOUNT.path, {
                        volume: DOCKER_MIRROR_MOUNT.volume,
                        readOnly: true,
                    }).volume,
                ],
            },
        );
    }

    /**
     * Every ProwJob pod (plank labels each `created-by-prow: "true"`, test-infra prow/kube) points bazel at the
     * remote cache by a URL written in the jobs' repositories, not in the program: kubevirt/kubevirt
     * automation/test.sh defaults BAZEL_CACHE to `http://bazel-cache.<prow namespace>.svc.cluster.local:8080`, the
     * kustomize Service over greenhouse's pods (kubevirt/project-infra@145ec5a greenhouse-service.yaml). Declared
     * here as a reference to greenhouse's cache port, so the policies admit the jobs namespace on its target port.
     */
    private jobPodsReachTheBuildCache(namespaces: ProwNamespaces): void {
        recordPods(
            this.context.cluster,
            "ProwJob pods (bazel's remote cache)",
            namespaces.jobs.name,
            { matchLabels: { ...PROWJOB_POD } },
            { containers: [] },
            [this.config.resolved.refs.endpoint("greenhouse")],
        );
    }

    /**
     * Services the program leaves running that the jobs' pods call (`prow.jobsReach`, printed by `npm run adopt` from
     * the live Service): every ProwJob pod may reach their pods, as every one could before the jobs' egress lock.
     */
    private jobPodsReachLiveServices(namespaces: ProwNamespaces): void {
        for (const [id, live] of Object.entries(this.config.jobsReach ?? {})) {
            const [namespace, name] = id.split("/");
            recordLiveService(this.context.cluster, servedLive({ namespace, name, ...live }));
            recordPods(
                this.context.cluster,
                `ProwJob pods (${id}, left running)`,
                namespaces.jobs.name,
                JOBS_REACH_CALLERS,
                { containers: [] },
                [ServiceEndpoint.of(name, namespace, live.port)],
            );
        }
    }

    /**
     * Workloads the program leaves running that call Prow's Services (`prow.liveCallers`, printed by `npm run adopt`
     * from the live workload and the flow it would lose): each called Service's policy admits their pods.
     */
    private liveCallersReachProw(namespaces: ProwNamespaces): void {
        const { prow } = this.config.resolved.namespaces;
        for (const [name, caller] of Object.entries(this.config.liveCallers ?? {}))
            recordPods(
                this.context.cluster,
                `live workload ${name} (left running)`,
                namespaces.prow.name,
                { matchLabels: caller.selector },
                { containers: [] },
                Object.entries(caller.calls).map(([service, port]) =>
                    ServiceEndpoint.of(service, prow, port),
                ),
            );
    }

    /** Every component of the catalog the environment runs (a dry one runs none that cannot run dry), each rolled by a change of the Secrets and ConfigMaps it mounts. */
    private deployComponents(
        namespaces: ProwNamespaces,
        reads: ProwReads,
        prowJobCrd: ProwJobCrd | undefined,
    ): void {
        const env = this.config.resolved;
        const restartKey = this.restartKey();
        const routes = ingressPlan(env);
        for (const spec of COMPONENTS) {
            if (env.dryRun && spec.runsDry === false) continue;
            new Component(
                this.childName(spec.name),
                {
                    config: this.config,
                    context: this.context,
                    spec,
                    namespaces,
                    reads,
                    restartKey,
                    expose: spec.name in routes ? [routes[spec.name as keyof typeof routes]] : undefined,
                    prowJobCrd,
                },
                this.child(),
            );
        }
    }

    /** The key of every component's reads checksum, kept encrypted in state. */
    private restartKey(): ChecksumKey {
        return new ReadsChecksumKey(this.childName("checksum-key"), this.foreignChild()).result;
    }

    private stackOutputs(): ProwOutputs {
        const env = this.config.resolved;
        return {
            environment: env.name,
            namespaces: { prow: env.namespaces.prow, jobs: env.namespaces.jobs },
            release: env.release,
            deckUrl: env.refs.urls.deck,
            hookUrl: env.refs.urls.hook,
            gcswebUrl: env.refs.urls.gcsweb,
        };
    }
}
