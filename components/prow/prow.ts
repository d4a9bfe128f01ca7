import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterContext } from "../shared/cluster";
import { standardLabels } from "../shared/labels";
import { Namespace } from "../shared/namespace";
import { contentHash } from "../shared/naming";
import { configSecret } from "../shared/secret";
import { COMPONENTS, ComponentName, ComponentSpec, ConfigMapName } from "./catalog";
import { PROW_PART_OF, ProwComponent } from "./component";
import { prowJobCrd } from "./crd";
import { RenderedConfigMap, renderConfigMaps } from "./documents";
import { ingressPlan } from "./ingress";
import { ResolvedEnvironment } from "./resolve";
import { PROW_SECRETS, secretEntries } from "./secrets";

/** Arguments of {@link Prow}. */
export interface ProwArgs {
    cluster: ClusterContext;
    /** The environment with the stack's overrides applied; every object is built from it. */
    environment: ResolvedEnvironment;
    /** Secret values from stack config by config key; in a test environment the unset ones are generated. */
    secretValues: Record<string, pulumi.Output<string>>;
    /** Production: volumes are protected and retained. */
    protectStateful: boolean;
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
export class Prow extends pulumi.ComponentResource {
    public readonly components: Record<ComponentName, ProwComponent> = {} as Record<
        ComponentName,
        ProwComponent
    >;
    /** Stack outputs: where the environment runs and its public URLs. */
    public readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: ProwArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:prow:Prow", name, {}, opts);
        const env = args.environment;
        const { refs, names, namespaces } = env;
        const cluster = args.cluster;
        const copts = { parent: this, provider: cluster.provider };
        const app = (objectName: string, component: string) => ({
            name: objectName,
            partOf: PROW_PART_OF,
            component,
        });

        const prowNs = new Namespace(
            `${name}-namespace`,
            { cluster, name: namespaces.prow, app: app(namespaces.prow, "namespace") },
            { parent: this },
        );
        const jobsNs = new Namespace(
            `${name}-jobs-namespace`,
            { cluster, name: namespaces.jobs, app: app(namespaces.jobs, "namespace") },
            { parent: this },
        );
        const nsOf = { prow: prowNs, jobs: jobsNs };
        const prerequisites: pulumi.Resource[] = [prowNs, jobsNs];
        if (env.manageCrd) {
            prerequisites.push(
                prowJobCrd(`${name}-crd`, { cluster, app: app("prowjobs", "crd") }, { parent: this }),
            );
        }

        for (const def of PROW_SECRETS) {
            const data: Record<string, pulumi.Input<string>> = {};
            const entries = secretEntries(def);
            for (const { key, configKey } of entries) {
                let value: pulumi.Input<string> | undefined = args.secretValues[configKey];
                if (value === undefined && env.generateSecrets && def.testValue) {
                    const suffix = entries.length > 1 ? `-${key}` : "";
                    const generate = () =>
                        new random.RandomPassword(
                            `${name}-generated-${def.name}${suffix}`,
                            { length: 32, special: false },
                            { parent: this },
                        ).result;
                    value = def.testValue(generate, refs, key);
                }
                if (value !== undefined) data[key] = value;
            }
            if (Object.keys(data).length < entries.length) {
                if (def.optional) continue;
                throw new Error(`Prow secret ${def.name} lacks a value (validation should have required it)`);
            }
            for (const where of def.namespaces) {
                prerequisites.push(
                    configSecret(
                        `${name}-secret-${def.name}${where === "jobs" ? "-jobs" : ""}`,
                        {
                            cluster,
                            namespace: namespaces[where],
                            secretName: names.name(def.name),
                            app: app(names.name(def.name), "secret"),
                            data,
                        },
                        { parent: this, dependsOn: [nsOf[where]] },
                    ),
                );
            }
        }

        const configMaps = renderConfigMaps(env);
        const rendered = new Set<ConfigMapName>();
        for (const cm of configMaps) {
            rendered.add(cm.name);
            prerequisites.push(
                new k8s.core.v1.ConfigMap(
                    `${name}-configmap-${cm.name}`,
                    {
                        metadata: {
                            name: names.name(cm.name),
                            namespace: namespaces[cm.namespace],
                            labels: standardLabels(app(names.name(cm.name), "config")),
                        },
                        data: cm.data,
                    },
                    {
                        ...copts,
                        dependsOn: [nsOf[cm.namespace]],
                        ...(cm.seedOnly ? { ignoreChanges: ["data"] } : {}),
                    },
                ),
            );
        }

        const routes = ingressPlan(env);
        for (const spec of COMPONENTS) {
            const missing = spec.mounts.flatMap((m) =>
                "configMap" in m && !rendered.has(m.configMap) ? [m.configMap] : [],
            );
            if (missing.length > 0)
                throw new Error(`${spec.name} mounts ConfigMaps nobody renders: ${missing.join(", ")}`);
            this.components[spec.name] = new ProwComponent(
                `${name}-${spec.name}`,
                {
                    cluster,
                    spec,
                    refs,
                    image: env.images[spec.name],
                    replicas: env.replicas[spec.name],
                    resources: env.resources[spec.name],
                    configHash: configHashOf(spec, configMaps),
                    volume: spec.claim ? env.storage[spec.claim] : undefined,
                    expose: spec.name in routes ? [routes[spec.name as keyof typeof routes]] : undefined,
                    cache: env.cache,
                    protectStateful: args.protectStateful,
                },
                { parent: this, dependsOn: prerequisites },
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
