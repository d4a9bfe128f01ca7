import type { ImageEvidence } from "../../shared/evidence/types";
import { unreadImage } from "../../shared/evidence/unread";
import {
    CEPH_RESULT_STORE,
    readAicoeImage,
    TOPIC,
    at,
    readImage,
    reads,
    s2iRun,
    s2iRun2020,
    thothCommon,
    thothMessaging,
    thothStorages,
    topicAt,
} from "./sources";

// The station's periodic jobs and the prescriptions-refresh image at the versions the stacks pin, read from each
// repository's tag (.aicoe-ci.yaml builds quay.io/thoth-station/<image>:<tag> from it) and the libraries its
// Pipfile.lock pins. None serves a port: each runs once and exits (the s2i run script starts app.sh or app.py).

function cveUpdate(): ImageEvidence {
    const src = { repo: "thoth-station/cve-update-job", commit: "23a6f45c3616a5923f5e2ef30447117ee268fb4c" };
    return readAicoeImage("v0.5.7", src, {
        env: [
            ...reads(src, { THOTH_DEPLOYMENT_NAME: "app.py:53", PROMETHEUS_PUSHGATEWAY_URL: "app.py:54" }),
            // The producer (app.py:56), GraphDatabase (59) and init_logging (62); no OpenShift().
            ...thothCommon("0.36.6").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON", "THOTH_LOG_CVE_UPDATE"),
            ...thothStorages("0.74.0").graph(),
            ...thothMessaging.client(),
        ],
        publishes: [topicAt(src, TOPIC.cveProvided, "app.py", "151-153")],
    });
}

function documentSync(): ImageEvidence {
    const src = {
        repo: "thoth-station/document-sync-job",
        commit: "b4f62e50cb4675c0f394595107094a75e154e85e",
    };
    return readAicoeImage("v0.1.0", src, {
        // click: one argument DST from the environment; --debug and --force (THOTH_SYNC_DEBUG, _FORCE) unset.
        env: [
            ...reads(src, { THOTH_DOCUMENT_SYNC_DST: "app.py:49" }),
            // init_logging (app.py:35); the three result stores it copies from (app.py:57).
            ...thothCommon("0.34.0").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
            ...thothStorages("0.66.0").ceph(...CEPH_RESULT_STORE, "THOTH_DEPLOYMENT_NAME"),
        ],
        // `aws s3 ls|cp` to DST with the AWS CLI's credentials file under the s2i HOME (/opt/app-root/src).
        files: [{ name: "/opt/app-root/src/.aws/credentials", at: at(src, "app.py", "68,83") }],
    });
}

function graphBackup(): ImageEvidence {
    const src = {
        repo: "thoth-station/graph-backup-job",
        commit: "83be92f91e4ae646a346f1cccd1866a94faf3e2b",
    };
    return readAicoeImage("v0.10.1", src, {
        env: [
            ...reads(src, {
                THOTH_DATA_DUMP_PATH: "app.py:36",
                PROMETHEUS_PUSHGATEWAY_URL: "app.py:44",
                THOTH_DEPLOYMENT_NAME: "app.py:45",
            }),
            // pg_dump gets host, port, user and database from app.py:38-41 and the password at 100; GraphDatabase
            // (87) reads the same names and the SSL switch; GraphBackupStore (92) is a Ceph store.
            ...thothCommon("0.36.6").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
            ...thothStorages("0.74.0").graph(),
            ...thothStorages("0.74.0").ceph(...CEPH_RESULT_STORE),
        ],
    });
}

function graphMetricsExporter(): ImageEvidence {
    const src = {
        repo: "thoth-station/graph-metrics-exporter",
        commit: "368ef76ccbec51524dd1f8f09ef3cb04ebe8c044",
    };
    return readAicoeImage("v0.6.5", src, {
        env: [
            ...reads(src, { PROMETHEUS_PUSHGATEWAY_URL: "app.py:43", THOTH_DEPLOYMENT_NAME: "app.py:44" }),
            // init_logging (app.py:58), GraphDatabase (280), GraphBackupStore (283); it pushes to the gateway (146).
            ...thothCommon("0.36.6").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
            ...thothStorages("0.74.0").graph(),
            ...thothStorages("0.74.0").ceph(...CEPH_RESULT_STORE),
        ],
    });
}

function graphRefresh(): ImageEvidence {
    const src = {
        repo: "thoth-station/graph-refresh-job",
        commit: "6f50a3e0367d17f80b34564a1533a25be9876cc4",
    };
    const common = thothCommon("0.36.6");
    return readAicoeImage("v0.3.22", src, {
        env: [
            ...reads(src, {
                THOTH_GRAPH_REFRESH_COUNT: "producer.py:64",
                THOTH_DEPLOYMENT_NAME: "producer.py:69",
                PROMETHEUS_PUSHGATEWAY_URL: "producer.py:70",
                THOTH_GRAPH_REFRESH_SOLVER: "producer.py:73",
                THOTH_GRAPH_REFRESH_REVSOLVER: "producer.py:75",
                THOTH_GRAPH_REFRESH_SECURITY: "producer.py:77",
            }),
            // app.sh runs producer.py whatever else is set (it reads no DEBUG_LEVEL).
            ...s2iRun("APP_SCRIPT"),
            // init_logging (producer.py:53), the producer (60), GraphDatabase (62), OpenShift() (66).
            ...common.logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON", "THOTH_LOG_GRAPH_REFRESH_JOB"),
            ...common.openshift("KUBERNETES_API_URL", "KUBERNETES_VERIFY_TLS", "THOTH_INFRA_NAMESPACE"),
            ...thothStorages("0.74.0").graph(),
            ...thothMessaging.client(),
        ],
        publishes: [
            topicAt(src, TOPIC.unresolvedPackage, "producer.py", "187-189"),
            topicAt(src, TOPIC.unrevsolvedPackage, "producer.py", "217-219"),
            topicAt(src, TOPIC.siUnanalyzedPackage, "producer.py", "248-250"),
        ],
    });
}

function packageReleases(): ImageEvidence {
    const src = {
        repo: "thoth-station/package-releases-job",
        commit: "fc68a43e5c841c3cd11f46dc03b0abf023c7b51a",
    };
    return readAicoeImage("v0.11.11", src, {
        env: [
            ...reads(src, {
                THOTH_DEPLOYMENT_NAME: "producer.py:59",
                PROMETHEUS_PUSHGATEWAY_URL: "producer.py:60",
            }),
            // app.sh execs producer.py, with no subcommand (it reads no SUBCOMMAND).
            ...s2iRun("APP_SCRIPT"),
            // init_logging (producer.py:49), the producer (53), GraphDatabase (280).
            ...thothCommon("0.36.4").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
            ...thothStorages("0.73.3").graph(),
            ...thothMessaging.client(),
        ],
        publishes: [topicAt(src, TOPIC.packageReleased, "producer.py", "151-153")],
    });
}

function packageUpdate(): ImageEvidence {
    const src = {
        repo: "thoth-station/package-update-job",
        commit: "f6442400386c0339d8a9921bc7d484ae037e3f59",
    };
    return readAicoeImage("v0.8.17", src, {
        env: [
            // Built on s2i-thoth v0.20.1 (python-38 1-34): the run script before 2021. app.sh runs producer.py,
            // which pushes no metrics (no PROMETHEUS_PUSHGATEWAY_URL) and takes no subcommand.
            ...s2iRun2020("APP_SCRIPT"),
            // init_logging (producer.py:40), the producer (49), GraphDatabase (179).
            ...thothCommon("0.36.4").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON", "THOTH_DEPLOYMENT_NAME"),
            ...thothStorages("0.73.0").graph(),
            ...thothMessaging.client(),
        ],
        publishes: [
            topicAt(src, TOPIC.missingPackage, "producer.py", "93-95"),
            topicAt(src, TOPIC.missingVersion, "producer.py", "116-118"),
            topicAt(src, TOPIC.hashMismatch, "producer.py", "145-147"),
        ],
    });
}

function pulpPypiSync(): ImageEvidence {
    const src = {
        repo: "thoth-station/pulp-pypi-sync-job",
        commit: "c218e4b6e525dfc9b6ea70c3579ebbb030affe2d",
    };
    return readAicoeImage("v0.1.1", src, {
        env: [
            ...reads(src, {
                THOTH_PULP_REPOSITORIES_SYNC_PULP_INSTANCE: "app.py:62",
                THOTH_PULP_REPOSITORIES_SYNC_PULP_USERNAME: "app.py:70",
                THOTH_PULP_REPOSITORIES_SYNC_PULP_PASSWORD: "app.py:78",
                THOTH_PULP_REPOSITORIES_SYNC_DISABLE_INDEX: "app.py:87",
            }),
            // init_logging (app.py:35), GraphDatabase (107).
            ...thothCommon("0.34.0").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON", "THOTH_DEPLOYMENT_NAME"),
            ...thothStorages("0.68.2").graph(),
        ],
    });
}

function integrationTests(): ImageEvidence {
    const src = {
        repo: "thoth-station/integration-tests",
        commit: "27c499332837f84a101bd546792cee4d6107b0aa",
    };
    // behave and thamos, no thoth-common logging: app.py and the steps read only their own names.
    return readAicoeImage("v0.11.5", src, {
        env: reads(src, {
            THOTH_DEPLOYMENT_NAME: "app.py:35",
            GENERATE_REPORT: "app.py:39",
            MAIL_REPORT: "app.py:40",
            THOTH_INTEGRATION_TESTS_TAGS: "app.py:41",
            THOTH_USER_API_HOST: "features/steps/common.py:34",
            THOTH_MANAGEMENT_API_SECRET: "features/steps/common.py:36",
            THOTH_MANAGEMENT_API_HOST: "features/steps/common.py:47",
            THOTH_AMUN_API_HOST: "features/steps/amun_api.py:49",
        }),
    });
}

function sloReporter(): ImageEvidence {
    const src = { repo: "thoth-station/slo-reporter", commit: "0349f2a888cd93dded60bdd6fe79d1eab618d62c" };
    const config = "thoth/slo_reporter/configuration.py";
    return readAicoeImage("v0.19.3", src, {
        env: [
            ...reads(src, {
                THOTH_SLO_REPORTER_SEND_EMAIL: "app.py:61",
                PROMETHEUS_INSTANCE_METRICS_EXPORTER_INFRA: `${config}:66`,
                PROMETHEUS_INSTANCE_WORKFLOW_CONTROLLER_BACKEND: `${config}:67`,
                PROMETHEUS_INSTANCE_WORKFLOW_CONTROLLER_MIDDLETIER: `${config}:68`,
                PROMETHEUS_INSTANCE_WORKFLOW_CONTROLLER_AMUN_INSPECTION: `${config}:69`,
                THOTH_DEPLOYMENT_NAME: `${config}:71`,
                THOTH_BACKEND_NAMESPACE: `${config}:73`,
                THOTH_MIDDLETIER_NAMESPACE: `${config}:74`,
                THOTH_AMUN_INSPECTION_NAMESPACE: `${config}:75`,
                SMTP_SERVER: `${config}:78`,
                EMAIL_SENDER: `${config}:82`,
                EMAIL_RECIPIENTS: `${config}:83`,
                THOTH_SLO_REPORTER_USING_SMTP_TLS: `${config}:84`,
                PROMETHEUS_PUSHGATEWAY_URL: `${config}:87`,
                THANOS_ENDPOINT: `${config}:97`,
                THANOS_ACCESS_TOKEN: `${config}:98`,
                THOTH_PUBLIC_CEPH_BUCKET: `${config}:101`,
                THOTH_CEPH_BUCKET_PREFIX: `${config}:102`,
                PROMETHEUS_INSTANCE_USER_API: "thoth/slo_reporter/sli_apis/sli_user_api.py:59",
            }),
            // CephStore (configuration.py:166, utils.py:160); logging.basicConfig, not thoth-common's init_logging.
            ...thothStorages("0.73.0").ceph(
                "THOTH_S3_ENDPOINT_URL",
                "THOTH_CEPH_KEY_ID",
                "THOTH_CEPH_SECRET_KEY",
                "THOTH_CEPH_BUCKET",
            ),
        ],
    });
}

function miScheduler(): ImageEvidence {
    const src = { repo: "thoth-station/mi-scheduler", commit: "3634d324916d25279f5af0e463991750bdaad768" };
    const common = thothCommon("0.36.6");
    return readAicoeImage("v1.7.9", src, {
        env: [
            ...reads(src, {
                GITHUB_ACCESS_TOKEN: "app.py:38",
                MI_ENTITIES: "app.py:41",
                THOTH_DEPLOYMENT_NAME: "app.py:45",
                // click's auto_envvar_prefix SCHEDULE (app.py:201) names each flag of main().
                SCHEDULE_KEBECHET_ANALYSIS: "app.py:143,201",
                SCHEDULE_KEBECHET_MERGE: "app.py:149,201",
                SCHEDULE_GH_REPO_ANALYSIS: "app.py:155,201",
            }),
            ...s2iRun("APP_FILE"),
            // init_logging (app.py:35), OpenShift() (179), GraphDatabase in the kebechet-analysis mode only (189).
            ...common.logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON", "THOTH_ADJUST_LOGGING"),
            ...common.openshift(
                "KUBERNETES_VERIFY_TLS",
                "THOTH_INFRA_NAMESPACE",
                "THOTH_MIDDLETIER_NAMESPACE",
            ),
            ...thothStorages("0.73.5").graph(),
        ],
    });
}

/**
 * prescriptions-refresh-job: app.sh runs the subcommand THOTH_PRESCRIPTIONS_REFRESH_SUBCOMMAND names and exits 1
 * without one (app.sh:7-12); every handler needs GitHub tokens (prescriptions.py:96-99 raises without them).
 */
function prescriptionsRefresh(image: string, version: string): ImageEvidence {
    const src = {
        repo: "thoth-station/prescriptions-refresh-job",
        commit: "f1feee47fd541244e0306fac2fb8e9e8e2ee1191",
    };
    const pkg = "thoth/prescriptions_refresh";
    return readImage(image, version, src, {
        env: [
            ...reads(src, {
                THOTH_PRESCRIPTIONS_REFRESH_SUBCOMMAND: "app.sh:7,12",
                GITHUB_APP_ID: `${pkg}/prescriptions.py:89`,
                GITHUB_PRIVATE_KEY_PATH: `${pkg}/prescriptions.py:90`,
                THOTH_PRESCRIPTIONS_REFRESH_GITHUB_TOKEN: `${pkg}/prescriptions.py:96`,
                THOTH_PRESCRIPTIONS_REFRESH_QUAY_TOKEN: `${pkg}/handlers/quay/common.py:31`,
            }),
            ...s2iRun("APP_SCRIPT"),
            // pypi-downloads' BigQuery client (handlers/pypi_downloads.py:148) authenticates through google-auth
            // 2.13.0 (its Pipfile.lock), which reads the service-account file this names.
            ...reads(
                {
                    repo: "googleapis/google-auth-library-python",
                    commit: "05b7a7244287ef0a8eb0dc8219c411c1f8a37509",
                },
                { GOOGLE_APPLICATION_CREDENTIALS: "google/auth/_default.py:216" },
            ),
            ...thothCommon("0.36.5").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
        ],
        files: [
            {
                name: "GITHUB_PRIVATE_KEY_PATH (the GitHub App's private key)",
                at: at(src, `${pkg}/prescriptions.py`, 90),
            },
            // GitPython clones and pushes git@github.com:thoth-station/prescriptions.git through ssh, which offers
            // ~/.ssh/id_rsa by default (openssh/openssh-portable@fd0fa130ec:pathnames.h:60,77, the RHEL 8 client
            // 8.0p1); HOME is /opt/app-root/src in the sclorg s2i images it builds on (.aicoe-ci.yaml;
            // sclorg/s2i-base-container@cada84e647:core/Dockerfile.rhel8:27).
            { name: "/opt/app-root/src/.ssh/id_rsa", at: at(src, `${pkg}/prescriptions.py`, "59,74,266") },
        ],
    });
}

/** The evidence of the station's jobs. */
export const JOB_IMAGES: ImageEvidence[] = [
    cveUpdate(),
    documentSync(),
    graphBackup(),
    graphMetricsExporter(),
    graphRefresh(),
    packageReleases(),
    packageUpdate(),
    pulpPypiSync(),
    integrationTests(),
    sloReporter(),
    miScheduler(),
    unreadImage(
        "quay.io/thoth-station/advise-reporter",
        "v0.11.3",
        { repo: "thoth-station/advise-reporter", commit: "v0.11.3" },
        "the snapshot of thoth-station/advise-reporter available here holds tags up to v0.5.1 only, and the index has none of its files; v0.11.3 could not be read, so its variables and the topic it publishes (advise-justification, which only investigator's `metrics` mode consumes, a mode no plan runs) are unchecked",
    ),
    prescriptionsRefresh("quay.io/thoth-station/prescriptions-refresh-job", "v0.8.0"),
    // The ImageStream `prescriptions-refresh-job:latest` of each backend namespace imports v0.8.0 once (not scheduled):
    // its internal address runs that build.
    prescriptionsRefresh(
        "image-registry.openshift-image-registry.svc:5000/thoth-test-core/prescriptions-refresh-job",
        "latest",
    ),
    prescriptionsRefresh(
        "image-registry.openshift-image-registry.svc:5000/thoth-backend-stage/prescriptions-refresh-job",
        "latest",
    ),
];
