import * as pulumi from "@pulumi/pulumi";
import { recordPods } from "../shared/network";
import * as random from "@pulumi/random";
import { KubernetesContext } from "../config/system";
import { RunbookComponent } from "../shared/component";
import { PlainConfigMap } from "../shared/configMap";
import { Namespace } from "../shared/namespace";
import { contentHash } from "../shared/naming";
import { ConfigMapHandle, SecretHandle } from "../shared/handles";
import { ConfigSecret } from "../shared/secret";
import { COMPONENTS, ComponentName, ComponentSpec, ConfigMapName, SecretName } from "./catalog";
import { PROW_PART_OF, Component, ProwReads } from "./component";
import { ProwJobCrd } from "./crd";
import {
    DOCKER_MIRROR_CONFIG,
    DOCKER_MIRROR_PRESET,
    RenderedConfigMap,
    configMapEndpoints,
    renderConfigMaps,
} from "./documents";
import { ingressPlan } from "./ingress";
import { ResolvedEnvironment } from "./resolve";
import { PROW_SECRETS, secretEntries } from "./secrets";

/** Arguments of {@link Prow}. */
export interface ProwArgs {
    /** The environment with the stack's overrides applied; every object is built from it. */
    environment: ResolvedEnvironment;
    /**
     * What the program decided: the cluster, the secrets (read by config key; in a test environment the unset ones
     * are generated) and whether volumes are protected and retained.
     */
    context: KubernetesContext;
}

/** Hash of the rendered ConfigMaps a component mounts (config-updater's job-config excluded: not ours to roll on). */
export function configHashOf(
    spec: ComponentSpec,
    configMaps: readonly RenderedConfigMap[],
): string | undefined {
    const read = new Set(spec.mounts.flatMap((m) => ("configMap" in m ? [m.configMap] : [])));
    const contents = configMaps
        .filter((cm) => read.has(cm.name) && !cm.seedOnly)
        .map((cm) => [cm.name, cm.data]);
    return contents.length > 0 ? contentHash(contents) : undefined;
}

/**
 * KubeVirt's Prow in one environment: the prow and jobs namespaces, the ProwJob CRD, secrets, the rendered
 * config documents, and every component with its RBAC, volume, Service and Ingress.
 */
export class Prow extends RunbookComponent {
    public readonly components: Record<ComponentName, Component> = {} as Record<ComponentName, Component>;
    /** Stack outputs: where the environment runs and its public URLs. */
    public readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: ProwArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:prow:Prow", name, opts, args.context.cluster.provider);
        const env = args.environment;
        const { refs, names, namespaces } = env;
        const { cluster, secrets, protectStateful } = args.context;
        const app = (objectName: string, component: string) => ({
            name: objectName,
            partOf: PROW_PART_OF,
            component,
        });

        const prowNs = new Namespace(
            this.childName("namespace"),
            { cluster, name: namespaces.prow, app: app(namespaces.prow, "namespace") },
            this.child(),
        );
        const jobsNs = new Namespace(
            this.childName("jobs-namespace"),
            { cluster, name: namespaces.jobs, app: app(namespaces.jobs, "namespace") },
            this.child(),
        );
        const nsOf = { prow: prowNs, jobs: jobsNs };
        // Hand-written order, each kept because no reference carries it: a component names its namespaces by plain
        // string (its Roles are merged by namespace name), and its controllers list ProwJobs as they start.
        const prerequisites: pulumi.Resource[] = [prowNs, jobsNs];
        if (env.manageCrd) {
            prerequisites.push(
                new ProwJobCrd(this.childName("crd"), { cluster, app: app("prowjobs", "crd") }, this.child()),
            );
        }
        // What the prow namespace's pods mount, by base name; Secrets and ConfigMaps of the jobs namespace are
        // read by job pods, which the program does not build.
        const secretReads = new Map<SecretName, SecretHandle>();
        const configMapReads = new Map<ConfigMapName, ConfigMapHandle>();

        for (const def of PROW_SECRETS) {
            const data: Record<string, pulumi.Input<string>> = {};
            const entries = secretEntries(def);
            for (const { key, configKey } of entries) {
                let value: pulumi.Input<string> | undefined = secrets.get(configKey);
                if (value === undefined && env.generateSecrets && def.testValue) {
                    const suffix = entries.length > 1 ? `-${key}` : "";
                    const generate = () =>
                        new random.RandomPassword(
                            this.childName(`generated-${def.name}${suffix}`),
                            { length: 32, special: false },
                            this.foreignChild(),
                        ).result;
                    value = def.testValue(generate, refs, key);
                }
                if (value !== undefined) data[key] = value;
            }
            if (Object.keys(data).length < entries.length) {
                if (def.optional) {
                    // Unset: the pods mount it optional and start without it; an operator may create it later.
                    secretReads.set(def.name, SecretHandle.existing(names.name(def.name), namespaces.prow));
                    continue;
                }
                throw new Error(`Prow secret ${def.name} lacks a value (validation should have required it)`);
            }
            for (const where of def.namespaces) {
                const secret = new ConfigSecret(
                    this.childName(`secret-${def.name}${where === "jobs" ? "-jobs" : ""}`),
                    {
                        namespace: nsOf[where].name,
                        name: names.name(def.name),
                        app: app(names.name(def.name), "secret"),
                        data,
                    },
                    this.child(),
                );
                if (where === "prow") secretReads.set(def.name, secret.handle);
            }
        }

        const configMaps = renderConfigMaps(env);
        const named = configMapEndpoints(env);
        const rendered = new Set<ConfigMapName>();
        for (const cm of configMaps) {
            rendered.add(cm.name);
            const configMap = new PlainConfigMap(
                this.childName(`configmap-${cm.name}`),
                {
                    namespace: nsOf[cm.namespace].name,
                    name: names.name(cm.name),
                    app: app(names.name(cm.name), "config"),
                    data: cm.data,
                },
                this.child(cm.seedOnly ? { ignoreChanges: ["data"] } : {}),
            );
            configMap.handle.reaches = named.get(cm.name) ?? new Map();
            if (cm.namespace === "prow") configMapReads.set(cm.name, configMap.handle);
            if (cm.name === DOCKER_MIRROR_CONFIG) {
                // Job pods are made by plank, not by the program: those of the docker-mirror preset (config.yaml's
                // presets) mount this ConfigMap, and reach the mirror it names.
                recordPods(
                    cluster,
                    "ProwJob pods of the docker-mirror preset",
                    nsOf.jobs.name,
                    { matchLabels: { ...DOCKER_MIRROR_PRESET } },
                    { containers: [], volumes: [configMap.handle.volume("docker-config")] },
                );
            }
        }
        const reads: ProwReads = {
            secret: (name) => {
                const handle = secretReads.get(name);
                if (!handle)
                    throw new Error(`Prow secret ${name} is mounted but not made in the prow namespace`);
                return handle;
            },
            configMap: (name) => {
                const handle = configMapReads.get(name);
                if (!handle)
                    throw new Error(`Prow ConfigMap ${name} is mounted but not made in the prow namespace`);
                return handle;
            },
        };

        const routes = ingressPlan(env);
        for (const spec of COMPONENTS) {
            const missing = spec.mounts.flatMap((m) =>
                "configMap" in m && !rendered.has(m.configMap) ? [m.configMap] : [],
            );
            if (missing.length > 0)
                throw new Error(`${spec.name} mounts ConfigMaps nobody renders: ${missing.join(", ")}`);
            this.components[spec.name] = new Component(
                this.childName(spec.name),
                {
                    cluster,
                    spec,
                    refs,
                    reads,
                    image: env.images[spec.name],
                    replicas: env.replicas[spec.name],
                    resources: env.resources[spec.name],
                    configHash: configHashOf(spec, configMaps),
                    volume: spec.claim ? env.storage[spec.claim] : undefined,
                    expose: spec.name in routes ? [routes[spec.name as keyof typeof routes]] : undefined,
                    cache: env.cache,
                    protectStateful,
                },
                this.child({ dependsOn: prerequisites }),
            );
        }

        this.outputs = {
            environment: env.name,
            namespaces: { prow: namespaces.prow, jobs: namespaces.jobs },
            release: env.release,
            deckUrl: refs.urls.deck,
            hookUrl: refs.urls.hook,
            gcswebUrl: refs.urls.gcsweb,
        };
        this.registerOutputs(this.outputs);
    }
}
