import * as k8s from "@pulumi/kubernetes";
import { EndpointText } from "../../shared/endpoints";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext, SecretStore } from "../../config/system";
import { ClusterContext } from "../../shared/cluster";
import { ComponentType } from "../../shared/component";
import { PlainConfigMap } from "../../shared/configMap";
import { ContainerSpec } from "../../shared/container";
import { ExposureSpec } from "../../shared/exposure";
import { ConfigMapHandle, SecretHandle } from "../../shared/handles";
import { Sizing } from "../../shared/resources";
import { ScheduledJob } from "../../shared/scheduledJob";
import { ConfigSecret, SecretArgs } from "../../shared/secret";
import { ChecksumKey } from "../../shared/startupReads";
import { SystemArgs, SystemPart } from "../../config/systemComponent";
import { Workload } from "../../shared/workload";
import { BotName, WEBHOOK_BOTS, WebhookBotName } from "./catalog";
import { BotsConfig, ThothSection } from "../config";
import { thothApp } from "../identity";

/** What every bot family needs besides the section and context: where to deploy, the bots' config and the secrets. */
export interface BotFamilyArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The bots' namespace, from its Namespace component: objects placed with it are made after it. */
    namespace: pulumi.Output<string>;
    bots: BotsConfig;
    secrets: SecretStore;
    /** Key of the checksums that roll a long-running bot when a Secret or ConfigMap it reads at start changes. */
    restartKey: ChecksumKey;
    /**
     * The {@link Bots} component: before the families existed every bot object was its direct child, named
     * `<bots>-<object>`. The families keep those names, and each child carries an alias to this parent, so a
     * stack made before moves its state instead of replacing live bots.
     */
    formerParent: pulumi.Resource;
    /** Logical name of {@link formerParent}, the prefix of every bot object's name. */
    formerName: string;
}

/** The address of a webhook bot: its public URL (when it has a Route/Ingress) and its in-cluster URL. */
export interface BotEndpoint {
    url?: string;
    serviceUrl: EndpointText;
}

type CronEntry = { image: string; schedule: string; suspend: boolean; resources?: Sizing };
type WebEntry = { image: string; route: boolean; host?: string; resources?: Sizing };

export interface CronBotSpec {
    bot: BotName;
    entry: CronEntry;
    /** Requests/limits of the source manifests, unless the config overrides them. */
    resources: Sizing;
    container: Omit<ContainerSpec, "name" | "image" | "resources">;
    /** Finished runs kept: successful, failed (as the periodic jobs' `history`). */
    history: [number, number];
    activeDeadlineSeconds?: number;
}

export interface WebBotSpec {
    bot: WebhookBotName;
    entry: WebEntry;
    resources: Sizing;
    container: Omit<ContainerSpec, "name" | "image" | "resources" | "ports">;
}

/**
 * The base of the bot families (Kebechet, Sesheta, review-manager, cyborg-regidores): one component per family,
 * whose objects are made only by the methods here, so every one of them gets the same options: the family as
 * parent, its provider, and the alias to {@link BotFamilyArgs.formerParent}; each is placed in the bots' namespace
 * through the Namespace's name, so it is made after it.
 */
export abstract class BotFamily extends SystemPart<ThothSection, KubernetesContext> {
    protected readonly cluster: ClusterContext;
    protected readonly namespace: pulumi.Output<string>;
    protected readonly bots: BotsConfig;
    protected readonly secrets: SecretStore;
    readonly #restartKey: ChecksumKey;
    readonly #formerParent: pulumi.Resource;
    readonly #formerName: string;

    protected constructor(
        type: ComponentType,
        name: string,
        args: BotFamilyArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, name, args, opts);
        this.cluster = args.context.cluster;
        this.namespace = args.namespace;
        this.bots = args.bots;
        this.secrets = args.secrets;
        this.#restartKey = args.restartKey;
        this.#formerParent = args.formerParent;
        this.#formerName = args.formerName;
    }

    /**
     * A bot object's logical name: `<bots>-<suffix>`, the name it had as a child of the Bots component (the
     * state-compatible opt-in out of {@link childName}): a new name would replace the live object.
     */
    protected objectName(suffix: string): string {
        return this.keepsStateName(`${this.#formerName}-${suffix}`);
    }

    /** Options of every object of the family: {@link child} plus the alias that keeps its state from before. */
    protected objectOptions(): pulumi.CustomResourceOptions {
        return this.child({ aliases: [{ parent: this.#formerParent }] });
    }

    /** A Secret of the family. */
    protected secret(objectName: string, args: Omit<SecretArgs, "namespace" | "name">): SecretHandle {
        return new ConfigSecret(
            this.objectName(objectName),
            { ...args, namespace: this.namespace, name: objectName },
            this.objectOptions(),
        ).handle;
    }

    /** A ConfigMap of plain (never secret) settings. */
    protected configMap(
        objectName: string,
        component: string,
        data: Record<string, string>,
    ): k8s.core.v1.ConfigMap & { readonly handle: ConfigMapHandle } {
        return new PlainConfigMap(
            this.objectName(objectName),
            {
                namespace: this.namespace,
                name: objectName,
                app: thothApp(objectName, component),
                data,
            },
            this.objectOptions(),
        );
    }

    /** A scheduled bot: a CronJob that never overlaps itself (two runs would race on the same repositories). */
    protected cronBot(spec: CronBotSpec): ScheduledJob {
        return new ScheduledJob(
            this.objectName(spec.bot),
            {
                cluster: this.cluster,
                namespace: this.namespace,
                app: thothApp(spec.bot, "bot", spec.entry.image),
                schedule: spec.entry.schedule,
                concurrencyPolicy: "Forbid",
                suspend: spec.entry.suspend,
                successfulJobsHistoryLimit: spec.history[0],
                failedJobsHistoryLimit: spec.history[1],
                activeDeadlineSeconds: spec.activeDeadlineSeconds,
                automountServiceAccountToken: false,
                containers: [
                    {
                        ...spec.container,
                        name: spec.bot,
                        image: spec.entry.image,
                        resources: spec.entry.resources ?? spec.resources,
                    },
                ],
            },
            this.objectOptions(),
        );
    }

    /** A webhook-receiving bot: Deployment, Service on its port and, unless switched off, a Route/Ingress. */
    protected webBot(spec: WebBotSpec): BotEndpoint {
        const port = WEBHOOK_BOTS[spec.bot].port;
        const workload = new Workload(
            this.objectName(spec.bot),
            {
                cluster: this.cluster,
                namespace: this.namespace,
                app: thothApp(spec.bot, "bot", spec.entry.image),
                automountServiceAccountToken: false,
                containers: [
                    {
                        ...spec.container,
                        name: spec.bot,
                        image: spec.entry.image,
                        ports: [{ name: "http", containerPort: port }],
                        resources: spec.entry.resources ?? spec.resources,
                    },
                ],
                restartOnChange: this.botReads(),
                service: { ports: [{ name: "http", port, targetPort: "http" }] },
                expose: this.exposure(spec),
            },
            this.objectOptions(),
        );
        return {
            url: workload.urls[0],
            serviceUrl: workload.endpoint().url({ explicitPort: true }),
        };
    }

    /** The Route of a web bot on the host the check decided (botRouteHosts); none where it decided no Route. */
    private exposure(spec: WebBotSpec): ExposureSpec[] {
        const host = this.config.bots?.routeHosts[spec.bot];
        if (host === undefined) return [];
        return [{ host, servicePort: "http", tls: { termination: "edge" } }];
    }

    /**
     * Rolls a long-running bot when a Secret or ConfigMap its pod spec names (through their handles) changes: the
     * bots read their env and files at start, so a rotated token or certificate is otherwise never seen. CronJob bots
     * need none: each run starts anew.
     */
    protected botReads() {
        return { key: this.#restartKey };
    }
}
