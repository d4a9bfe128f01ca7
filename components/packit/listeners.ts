import * as pulumi from "@pulumi/pulumi";
import { Workload } from "../shared/workload";
import { listenerEnv } from "./env";
import { SIZES } from "./layout";
import { PackitPart, PackitPartArgs } from "./part";

/**
 * The message consumers: fedora messaging (events from Copr, Koji, ...) and, for stream, the CentOS MQTT bus
 * (events from git.centos.org). They only enqueue tasks into Redis, so they keep running during a database
 * upgrade; each runs once (`Recreate`), so no message is consumed twice.
 */
export class PackitListeners extends PackitPart {
    public readonly fedmsg?: Workload;
    public readonly centosmsg?: Workload;

    constructor(name: string, args: PackitPartArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitListeners", name, args, opts);
        const { config, images } = args;
        if (config.components.fedmsg) {
            this.fedmsg = this.appWorkload("fedmsg", {
                app: this.app("packit-service-fedmsg", "listener"),
                image: images.containerImage("packit-service-fedmsg", "packit-service-fedmsg"),
                // $FEDORA_MESSAGING_CONF, below.
                secrets: { "packit-config": ["fedora.toml"] },
                strategy: "Recreate",
                container: {
                    env: listenerEnv(config, args.reads, {
                        FEDORA_MESSAGING_CONF: "/home/packit/.config/fedora.toml",
                        // packit's listener drops dist-git pushes that change no spec file only under a PROJECT
                        // starting with "packit" (packit-service-fedmsg callbacks.py:92); packit/deployment sets it.
                        PROJECT: config.namespace,
                        REDIS_SERVICE_HOST: { computed: args.reads.redis().localHost },
                    }),
                    resources: SIZES.fedmsg,
                },
            });
        }
        if (config.components.centosmsg && config.centosmsg) {
            this.centosmsg = this.appWorkload("centosmsg", {
                app: this.app("packit-service-centosmsg", "listener"),
                image: images.containerImage("packit-service-centosmsg", "packit-service-centosmsg"),
                // The CA and client certificate cli.py opens (CENTOS_CA_CERTS, CENTOS_CERTFILE defaults).
                secrets: { "centos-secrets": ["centos-server-ca.cert", "centos.cert"] },
                strategy: "Recreate",
                container: {
                    command: ["listen-to-centos-messaging"],
                    // It reads no DEPLOYMENT and reports to no Sentry (packit-service-centosmsg's cli.py and
                    // consumer.py read only these, the broker's and the certificates' paths).
                    env: {
                        MQTT_HOST: config.centosmsg.mqttHost,
                        MQTT_TOPICS: config.centosmsg.topics,
                        MQTT_SUBTOPICS: "pull-request",
                        LOG_LEVEL: "INFO",
                        REDIS_SERVICE_HOST: { computed: args.reads.redis().localHost },
                        // Without it the tasks go to Celery's default queue, `celery`, which no worker serves
                        // (consumer.py:41-44; packit/deployment set it until centosmsg left, 95cb2e4).
                        CELERY_DEFAULT_QUEUE: "short-running",
                    },
                    resources: SIZES.centosmsg,
                },
            });
        }
        this.registerOutputs({});
    }
}
