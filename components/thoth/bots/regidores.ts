import { EnvMap } from "../../shared/env";
import { SecretHandle } from "../../shared/handles";
import { httpProbe, tcpProbe } from "../../shared/probes";
import { sized } from "../../shared/resources";
import { configSecret } from "../../shared/secret";
import { Workload } from "../../shared/workload";
import { BotContext, BotEndpoint, botOptions, botReads, webBot } from "./botkit";
import { isBotEnabled } from "./catalog";
import { thothApp } from "../identity";
import { SECRET_KEYS } from "../secrets";

/** The s2i source directory: the code opens `conf/ca.pem` and `secrets/data-hub-kafka-ca.crt` relative to it. */
const APP_ROOT = "/opt/app-root/src";
const RESOURCES = sized("250m", "128Mi", "500m", "512Mi");

/**
 * cyborg-regidores: webhook2kafka turns GitHub/GitLab/Trello webhooks into DataHub Kafka messages, normalizers (a
 * faust worker without web server) turns them into normalized events. Both trust the DataHub CAs from Secret
 * cyborg-regidores and check GitHub signatures with Sesheta's webhook secret.
 */
export function deployRegidores(ctx: BotContext, seshetaSecret: () => SecretHandle): BotEndpoint | undefined {
    const w2k = isBotEnabled(ctx.bots, "webhook2kafka") ? ctx.bots.webhook2kafka! : undefined;
    const norm = isBotEnabled(ctx.bots, "normalizers") ? ctx.bots.normalizers! : undefined;
    if (!w2k && !norm) return undefined;

    const regidores = configSecret(
        `${ctx.name}-cyborg-regidores`,
        {
            cluster: ctx.cluster,
            namespace: ctx.namespace,
            secretName: "cyborg-regidores",
            app: thothApp("cyborg-regidores", "bot"),
            data: {
                // checks.ts guarantees it is set when either bot runs.
                "kafka-bootstrap-servers": ctx.bots.kafkaBootstrapServers!,
                "root-ca-cert": ctx.secrets.require(SECRET_KEYS.regidoresRootCa),
                "datahub-ca-cert": ctx.secrets.require(SECRET_KEYS.regidoresDatahubCa),
            },
        },
        botOptions(ctx),
    ).handle;
    const sesheta = seshetaSecret();
    const volumes = [
        regidores.volume("root-ca-cert", { items: [{ key: "root-ca-cert", path: "ca.pem" }] }),
        regidores.volume("datahub-ca-cert", {
            items: [{ key: "datahub-ca-cert", path: "data-hub-kafka-ca.crt" }],
        }),
    ];
    const volumeMounts = [
        { name: "root-ca-cert", mountPath: `${APP_ROOT}/conf`, readOnly: true },
        { name: "datahub-ca-cert", mountPath: `${APP_ROOT}/secrets`, readOnly: true },
    ];
    const kafka: EnvMap = {
        WEB_CONCURRENCY: "1",
        KAFKA_BOOTSTRAP_SERVERS: regidores.env("kafka-bootstrap-servers"),
    };

    let endpoint: BotEndpoint | undefined;
    if (w2k) {
        endpoint = webBot(ctx, {
            bot: "webhook2kafka",
            entry: w2k,
            resources: RESOURCES,
            container: {
                env: {
                    ...kafka,
                    APP_FILE: "webhook2kafka.py",
                    GITHUB_WEBHOOK_SECRET: sesheta.env("github-webhook-secret"),
                },
                // /healthz answers 503 while Kafka is unreachable: take the pod out of the Service, do not kill it.
                readinessProbe: httpProbe("/healthz", "http"),
                livenessProbe: tcpProbe("http", { initialDelaySeconds: 30 }),
                volumeMounts,
            },
            volumes,
        }).endpoint;
    }
    if (norm) {
        new Workload(
            `${ctx.name}-normalizers`,
            {
                cluster: ctx.cluster,
                namespace: ctx.namespace,
                app: thothApp("normalizers", "bot", norm.image),
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "normalizers",
                        image: norm.image,
                        env: {
                            ...kafka,
                            APP_SCRIPT: "normalizers.sh",
                            SESHETA_GITHUB_WEBHOOK_SECRET: sesheta.env("github-webhook-secret"),
                        },
                        resources: norm.resources ?? RESOURCES,
                        volumeMounts,
                    },
                ],
                volumes,
                restartOnChange: botReads(ctx),
            },
            botOptions(ctx),
        );
    }
    return endpoint;
}
