import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SecretStore } from "../../config/system";
import { ClusterContext } from "../../shared/cluster";
import { plainConfigMap } from "../../shared/configMap";
import { ContainerSpec } from "../../shared/container";
import { Sizing } from "../../shared/resources";
import { ScheduledJob } from "../../shared/scheduledJob";
import { ConfigMapHandle } from "../../shared/handles";
import { ChecksumKey, startupObjects } from "../../shared/startupReads";
import { Workload } from "../../shared/workload";
import { BotName, WEBHOOK_BOTS, WebhookBotName } from "./catalog";
import { BotsConfig } from "../config";
import { defaultHost, thothApp } from "../identity";

/** What every bot builder needs: where to deploy, the bots' config and the secrets. */
export interface BotContext {
    /** Name of the bots component; children are named `${name}-<bot>` and friends. */
    name: string;
    cluster: ClusterContext;
    namespace: string;
    bots: BotsConfig;
    /** Base domain for default Route hosts. */
    domain?: string;
    secrets: SecretStore;
    /** Key of the checksums that roll a long-running bot when a Secret or ConfigMap it reads at start changes. */
    restartKey: ChecksumKey;
    /**
     * Options of a bot's child: the bots component as parent, its provider, the namespace (and the component's
     * own `dependsOn`), plus `dependsOn`.
     */
    options(dependsOn?: pulumi.Resource[]): pulumi.CustomResourceOptions;
}

/** The address of a webhook bot: its public URL (when it has a Route/Ingress) and its in-cluster URL. */
export interface BotEndpoint {
    url?: string;
    serviceUrl: pulumi.Output<string>;
}

type CronEntry = { image: string; schedule: string; suspend: boolean; resources?: Sizing };
type WebEntry = { image: string; route: boolean; host?: string; resources?: Sizing };

/** Options of a bot's Kubernetes Secret or ConfigMap. */
export function botOptions(ctx: BotContext, dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions {
    return ctx.options(dependsOn);
}

/** A ConfigMap of plain (never secret) settings. */
export function botConfigMap(
    ctx: BotContext,
    objectName: string,
    component: string,
    data: Record<string, string>,
): k8s.core.v1.ConfigMap & { readonly handle: ConfigMapHandle } {
    return plainConfigMap(
        `${ctx.name}-${objectName}`,
        {
            cluster: ctx.cluster,
            namespace: ctx.namespace,
            configMapName: objectName,
            app: thothApp(objectName, component),
            data,
        },
        botOptions(ctx),
    );
}

export interface CronBotSpec {
    bot: BotName;
    entry: CronEntry;
    /** Requests/limits of the source manifests, unless the config overrides them. */
    resources: Sizing;
    container: Omit<ContainerSpec, "name" | "image" | "resources">;
    volumes?: k8s.types.input.core.v1.Volume[];
    successfulJobsHistoryLimit: number;
    failedJobsHistoryLimit: number;
    activeDeadlineSeconds?: number;
    dependsOn?: pulumi.Resource[];
}

/** A scheduled bot: a CronJob that never overlaps itself (two runs would race on the same repositories). */
export function cronBot(ctx: BotContext, spec: CronBotSpec): ScheduledJob {
    return new ScheduledJob(
        `${ctx.name}-${spec.bot}`,
        {
            cluster: ctx.cluster,
            namespace: ctx.namespace,
            app: thothApp(spec.bot, "bot", spec.entry.image),
            schedule: spec.entry.schedule,
            concurrencyPolicy: "Forbid",
            suspend: spec.entry.suspend,
            successfulJobsHistoryLimit: spec.successfulJobsHistoryLimit,
            failedJobsHistoryLimit: spec.failedJobsHistoryLimit,
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
            volumes: spec.volumes,
        },
        botOptions(ctx, spec.dependsOn),
    );
}

export interface WebBotSpec {
    bot: WebhookBotName;
    entry: WebEntry;
    resources: Sizing;
    container: Omit<ContainerSpec, "name" | "image" | "resources" | "ports">;
    volumes?: k8s.types.input.core.v1.Volume[];
    podAnnotations?: Record<string, pulumi.Input<string>>;
    /** What the bot waits for; the Secrets and ConfigMaps among them are what its pods may read at start. */
    dependsOn?: pulumi.Resource[];
}

/** A webhook-receiving bot: Deployment, Service on its port and, unless switched off, a Route/Ingress. */
export function webBot(ctx: BotContext, spec: WebBotSpec): { workload: Workload; endpoint: BotEndpoint } {
    const port = WEBHOOK_BOTS[spec.bot].port;
    const host =
        spec.entry.host ?? (ctx.domain ? defaultHost(spec.bot, ctx.namespace, ctx.domain) : undefined);
    if (spec.entry.route && !host) {
        // checks.ts reports this as a config problem before anything is registered.
        throw new Error(`bot ${spec.bot} needs thoth.domain or a host for its Route`);
    }
    const workload = new Workload(
        `${ctx.name}-${spec.bot}`,
        {
            cluster: ctx.cluster,
            namespace: ctx.namespace,
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
            volumes: spec.volumes,
            podAnnotations: spec.podAnnotations,
            restartOnChange: botReads(ctx, spec.dependsOn),
            service: { ports: [{ name: "http", port, targetPort: "http" }] },
            expose: spec.entry.route
                ? [{ host: host!, servicePort: "http", tls: { termination: "edge" } }]
                : [],
        },
        botOptions(ctx, spec.dependsOn),
    );
    return {
        workload,
        endpoint: {
            url: workload.urls[0],
            serviceUrl: pulumi.interpolate`http://${workload.serviceHost!}:${port}`,
        },
    };
}

/**
 * Rolls a long-running bot when a Secret or ConfigMap its pod spec names changes: the bots read their env and files
 * at start, so a rotated token or certificate is otherwise never seen. CronJob bots need none: each run starts anew.
 */
export function botReads(ctx: BotContext, dependsOn: pulumi.Resource[] = []) {
    return { key: ctx.restartKey, candidates: startupObjects(dependsOn) };
}

/** A Secret volume exposing selected keys as files. */
export function secretVolume(
    volumeName: string,
    secretName: string,
    items: { key: string; path: string; mode?: number }[],
): k8s.types.input.core.v1.Volume {
    return { name: volumeName, secret: { secretName, items } };
}
