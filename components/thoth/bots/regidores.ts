import * as pulumi from "@pulumi/pulumi";
import { EnvMap } from "../../shared/env";
import { HandleMount, SecretHandle } from "../../shared/handles";
import { httpProbe, tcpProbe } from "../../shared/probes";
import { sized } from "../../shared/resources";
import { Workload } from "../../shared/workload";
import { BotEndpoint, BotFamily, BotFamilyArgs } from "./botkit";
import { BotsConfig } from "../config";
import { thothApp } from "../identity";
import { SECRET_KEYS } from "../secrets";

/** The s2i source directory: the code opens `conf/ca.pem` and `secrets/data-hub-kafka-ca.crt` relative to it. */
const APP_ROOT = "/opt/app-root/src";
const RESOURCES = sized("250m", "128Mi", "500m", "512Mi");

/** Arguments of {@link Regidores}: each bot's entry only when it is deployed. */
export interface RegidoresArgs extends BotFamilyArgs {
    webhook2kafka?: NonNullable<BotsConfig["webhook2kafka"]>;
    normalizers?: NonNullable<BotsConfig["normalizers"]>;
    /** `thoth.bots.kafkaBootstrapServers`, which the check requires when either bot runs. */
    kafkaBootstrapServers: string;
    /** Secret sesheta-secret: both bots check GitHub signatures with Sesheta's webhook secret. */
    sesheta: SecretHandle;
}

/**
 * cyborg-regidores: webhook2kafka turns GitHub/GitLab/Trello webhooks into DataHub Kafka messages, normalizers (a
 * faust worker without web server) turns them into normalized events. Both trust the DataHub CAs from Secret
 * cyborg-regidores and check GitHub signatures with Sesheta's webhook secret.
 */
export class Regidores extends BotFamily {
    /** webhook2kafka's address, when it runs. */
    public readonly endpoint?: BotEndpoint;
    readonly #args: RegidoresArgs;

    constructor(name: string, args: RegidoresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Regidores", name, args, opts);
        this.#args = args;
        const regidores = this.secret("cyborg-regidores", {
            app: thothApp("cyborg-regidores", "bot"),
            data: {
                "kafka-bootstrap-servers": args.kafkaBootstrapServers,
                "root-ca-cert": this.secrets.require(SECRET_KEYS.regidoresRootCa),
                "datahub-ca-cert": this.secrets.require(SECRET_KEYS.regidoresDatahubCa),
            },
        });
        if (args.webhook2kafka) this.endpoint = this.webhook2kafka(args.webhook2kafka, regidores);
        if (args.normalizers) this.normalizers(args.normalizers, regidores);
        this.registerOutputs({});
    }

    /** webhook2kafka: GitHub/GitLab/Trello webhooks to DataHub Kafka messages. */
    private webhook2kafka(
        entry: NonNullable<RegidoresArgs["webhook2kafka"]>,
        regidores: SecretHandle,
    ): BotEndpoint {
        return this.webBot({
            bot: "webhook2kafka",
            entry,
            resources: RESOURCES,
            container: {
                env: {
                    ...kafka(regidores),
                    APP_FILE: "webhook2kafka.py",
                    GITHUB_WEBHOOK_SECRET: this.#args.sesheta.env("github-webhook-secret"),
                },
                // /healthz answers 503 while Kafka is unreachable: take the pod out of the Service, do not kill it.
                readinessProbe: httpProbe("/healthz", "http"),
                livenessProbe: tcpProbe("http", { initialDelaySeconds: 30 }),
                mounts: caMounts(regidores),
            },
        });
    }

    /** normalizers: a faust worker without web server, turning the messages into normalized events. */
    private normalizers(norm: NonNullable<RegidoresArgs["normalizers"]>, regidores: SecretHandle): void {
        new Workload(
            this.objectName("normalizers"),
            {
                cluster: this.cluster,
                namespace: this.namespace,
                app: thothApp("normalizers", "bot", norm.image),
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "normalizers",
                        image: norm.image,
                        env: {
                            ...kafka(regidores),
                            APP_SCRIPT: "normalizers.sh",
                            SESHETA_GITHUB_WEBHOOK_SECRET: this.#args.sesheta.env("github-webhook-secret"),
                        },
                        resources: norm.resources ?? RESOURCES,
                        mounts: caMounts(regidores),
                    },
                ],
                restartOnChange: this.botReads(),
            },
            this.objectOptions(),
        );
    }
}

/**
 * The CAs of Secret cyborg-regidores, each under the file name the code opens, where both bots read them:
 * `conf/ca.pem` and `secrets/data-hub-kafka-ca.crt` under the source root.
 */
function caMounts(regidores: SecretHandle): HandleMount[] {
    return [
        regidores.mount(`${APP_ROOT}/conf`, {
            volume: "root-ca-cert",
            items: [{ key: "root-ca-cert", path: "ca.pem" }],
            readOnly: true,
        }),
        regidores.mount(`${APP_ROOT}/secrets`, {
            volume: "datahub-ca-cert",
            items: [{ key: "datahub-ca-cert", path: "data-hub-kafka-ca.crt" }],
            readOnly: true,
        }),
    ];
}

/** The Kafka settings both bots read. */
function kafka(regidores: SecretHandle): EnvMap {
    return {
        WEB_CONCURRENCY: "1",
        KAFKA_BOOTSTRAP_SERVERS: regidores.env("kafka-bootstrap-servers"),
    };
}
