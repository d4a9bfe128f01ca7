import type { ImageEvidence, NamedFact } from "../../shared/evidence/types";
import {
    CEPH_RESULT_STORE,
    readAicoeImage,
    TOPIC,
    at,
    gunicorn,
    gunicornListener,
    reads,
    s2iRun,
    thothCommon,
    thothMessaging,
    thothStorages,
    topicAt,
} from "./sources";

// The station's long-running services at the versions the stacks pin, read from each repository's tag (its
// .aicoe-ci.yaml builds quay.io/thoth-station/<name>:<tag> from it with s2i) and the library versions its
// Pipfile.lock pins. Each lists every variable the image reads that the station could set, the port and health paths
// it serves, and the Kafka topics it publishes or consumes.

/** thoth-station/user-api: the public REST API; both pinned tags read the same names on the same lines. */
function userApi(version: "v0.35.10" | "v0.35.12", commit: string, publishLine: number): ImageEvidence {
    const src = { repo: "thoth-station/user-api", commit };
    const server = "thoth/user_api/openapi_server.py";
    const api = "thoth/user_api/api_v1.py";
    const common = thothCommon("0.36.6");
    const storages = thothStorages("0.74.1");
    // _send_schedule_message (api_v1.py) publishes each trigger; the call sites differ by three lines between tags.
    const shift = version === "v0.35.10" ? 3 : 0;
    const published: [string, number][] = [
        [TOPIC.packageExtractTrigger, 280],
        [TOPIC.provenanceCheckerTrigger, 514 + shift],
        [TOPIC.adviserTrigger, 709 + shift],
        [TOPIC.buildAnalysisTrigger, 1149 + shift],
        [TOPIC.kebechetTrigger, 1245 + shift],
        [TOPIC.repoInit, 1266 + shift],
    ];
    return readAicoeImage(version, src, {
        listens: [
            gunicornListener(
                8080,
                "the Connexion REST API /api/v1 and prometheus_flask_exporter's /metrics",
                ["/readiness", "/liveness"],
                at(src, server, "229-240"),
            ),
        ],
        env: [
            ...reads(src, {
                THOTH_USER_API_APP_SECRET_KEY: "thoth/user_api/configuration.py:30",
                THOTH_MIDDLETIER_NAMESPACE: "thoth/user_api/configuration.py:33",
                THOTH_BACKEND_NAMESPACE: "thoth/user_api/configuration.py:34",
                THOTH_DEPLOYMENT_NAME: "thoth/user_api/configuration.py:35",
                THOTH_HOST: "thoth/user_api/configuration.py:36",
                THOTH_USER_API_TOKEN: "thoth/user_api/configuration.py:37",
                THOTH_CACHE_EXPIRATION: "thoth/user_api/configuration.py:39",
                THOTH_API_HTTPS: `${server}:66`,
                THOTH_API_REPORT_EXCEPTIONS: `${server}:67`,
                THOTH_SEARCH_UI_URL: `${server}:69`,
                THOTH_API_VALIDATE_RESPONSES: `${server}:83`,
            }),
            ...s2iRun("APP_MODULE", "APP_CONFIG", "PORT", "WEB_CONCURRENCY"),
            ...gunicorn("PORT", "WEB_CONCURRENCY"),
            // init_logging (openapi_server.py:51), OpenShift() (api_v1.py:101), GraphDatabase, the result stores.
            ...common.logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON", "THOTH_SENTRY_IGNORE_EXCEPTION"),
            ...common.openshift(
                "KUBERNETES_API_URL",
                "KUBERNETES_VERIFY_TLS",
                "THOTH_FRONTEND_NAMESPACE",
                "THOTH_INFRA_NAMESPACE",
            ),
            ...storages.graph(),
            ...storages.ceph(...CEPH_RESULT_STORE),
            // The producer of openapi_server.py:151.
            ...thothMessaging.client(),
        ],
        publishes: published.map(([topic, line]) => topicAt(src, topic, api, `${line},${publishLine}`)),
    });
}

const MANAGEMENT_API = {
    repo: "thoth-station/management-api",
    commit: "6ef54a29a02edad085beadcad0e32116ca6b3ace",
};
const AMUN_API = { repo: "thoth-station/amun-api", commit: "5eba0218246a8e6a121ffdb303c62c7fcb8126be" };
const INVESTIGATOR = {
    repo: "thoth-station/investigator",
    commit: "68c621290655da05503947f79b2d3b59de03f261",
};
const METRICS_EXPORTER = {
    repo: "thoth-station/metrics-exporter",
    commit: "b2530b0cbd20890f6f29e5505599f6ffda78361d",
};

function managementApi(): ImageEvidence {
    const src = MANAGEMENT_API;
    const common = thothCommon("0.36.6");
    const storages = thothStorages("0.74.0");
    return readAicoeImage("v0.18.11", src, {
        listens: [
            gunicornListener(
                8080,
                "the management REST API /api/v1",
                ["/readiness", "/liveness"],
                at(src, "thoth/management_api/openapi_server.py", "165-176"),
            ),
        ],
        env: [
            ...reads(src, {
                AMUN_API_URL: "thoth/management_api/configuration.py:25",
                THOTH_APP_SECRET_KEY: "thoth/management_api/configuration.py:36",
                THOTH_MANAGEMENT_API_TOKEN: "thoth/management_api/configuration.py:41",
                THOTH_MIDDLETIER_NAMESPACE: "thoth/management_api/configuration.py:42",
                THOTH_AMUN_INSPECTION_NAMESPACE: "thoth/management_api/configuration.py:43",
                THOTH_DEPLOYMENT_NAME: "thoth/management_api/configuration.py:44",
                THOTH_API_HTTPS: "thoth/management_api/openapi_server.py:58",
                THOTH_API_VALIDATE_RESPONSES: "thoth/management_api/openapi_server.py:71",
                THOTH_MANAGEMENT_API_RUN_MIGRATIONS: "thoth/management_api/openapi_server.py:130",
                // The deployment-info endpoint echoes these (api_v1.py:53-61).
                THOTH_S3_ENDPOINT_URL: "thoth/management_api/api_v1.py:54",
                THOTH_FRONTEND_NAMESPACE: "thoth/management_api/api_v1.py:57",
                THOTH_BACKEND_NAMESPACE: "thoth/management_api/api_v1.py:60",
                THOTH_CEPH_BUCKET_PREFIX: "thoth/management_api/api_v1.py:61",
            }),
            ...s2iRun("APP_MODULE", "PORT", "WEB_CONCURRENCY"),
            ...gunicorn("PORT", "WEB_CONCURRENCY"),
            // init_logging (openapi_server.py:42), OpenShift() (api_v1.py:44), GraphDatabase (openapi_server.py:91),
            // the Dependency Monkey stores (api_v1.py:254,354).
            ...common.logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
            ...common.openshift(
                "KUBERNETES_API_URL",
                "KUBERNETES_VERIFY_TLS",
                "THOTH_GRAPH_NAMESPACE",
                "THOTH_INFRA_NAMESPACE",
            ),
            ...storages.graph(),
            ...storages.ceph("THOTH_CEPH_KEY_ID", "THOTH_CEPH_SECRET_KEY", "THOTH_CEPH_BUCKET"),
        ],
    });
}

function amunApi(): ImageEvidence {
    const src = AMUN_API;
    const common = thothCommon("0.36.1");
    const storages = thothStorages("0.71.1");
    return readAicoeImage("v0.10.6", src, {
        listens: [
            gunicornListener(
                8080,
                "the Amun REST API /api/v1",
                ["/readiness", "/liveness"],
                at(src, "amun/entrypoint.py", "101-112"),
            ),
        ],
        env: [
            ...reads(src, {
                AMUN_API_APP_SECRET_KEY: "amun/configuration.py:30",
                THOTH_AMUN_INSPECTION_NAMESPACE: "amun/configuration.py:32",
                THOTH_AMUN_INFRA_NAMESPACE: "amun/configuration.py:33",
                THOTH_AMUN_API_URL: "amun/api_v1.py:45",
                THOTH_DEPLOYMENT_NAME: "amun/api_v1.py:46",
                AMUN_DEBUG: "amun/entrypoint.py:50",
            }),
            ...s2iRun("APP_MODULE", "PORT", "WEB_CONCURRENCY"),
            ...gunicorn("PORT", "WEB_CONCURRENCY"),
            // init_logging (entrypoint.py:46), OpenShift() (api_v1.py:42), InspectionStore (api_v1.py:239): its prefix
            // is read by thoth-storages inspections.py:37-38, its bucket and keys by CephStore.
            ...common.logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON", "THOTH_SENTRY_IGNORE_LOGGER"),
            ...common.openshift("KUBERNETES_API_URL", "KUBERNETES_VERIFY_TLS"),
            ...storages.ceph(
                "THOTH_S3_ENDPOINT_URL",
                "THOTH_CEPH_KEY_ID",
                "THOTH_CEPH_SECRET_KEY",
                "THOTH_CEPH_BUCKET",
            ),
            ...reads(
                { repo: "thoth-station/storages", commit: "31c0f3d6eddf403058eda3a04e27fbd1384eda34" },
                { THOTH_CEPH_BUCKET_PREFIX: "thoth/storages/inspections.py:37" },
            ),
        ],
    });
}

/**
 * thoth-station/investigator: the Kafka consumer that turns messages into Workflows. What it consumes is the handler
 * table of each mode THOTH_CONSUMER_MODE names (consumer.py:231-233); the plans run the backend and middletier modes,
 * never `metrics` (advise-justification only).
 */
function investigator(): ImageEvidence {
    const src = INVESTIGATOR;
    const common = thothCommon("0.36.6");
    const storages = thothStorages("0.74.1");
    const handler = (topic: string, dir: string, line: number): NamedFact =>
        topicAt(src, topic, `thoth/investigator/${dir}/investigate_${dir}.py`, line);
    return readAicoeImage("v0.17.0", src, {
        listens: [
            {
                port: 6066,
                serves: "aiohttp: /metrics, /_health, /resume/<topic>, /halt/<topic>",
                health: ["/_health"],
                at: at(src, "consumer.py", "149-160,299"),
            },
        ],
        env: [
            ...reads(src, {
                SUBCOMMAND: "app.sh:13",
                DEBUG_LEVEL: "consumer.py:83",
                THOTH_BACKEND_NAMESPACE: "thoth/investigator/configuration.py:51",
                THOTH_MIDDLETIER_NAMESPACE: "thoth/investigator/configuration.py:52",
                THOTH_DEPLOYMENT_NAME: "thoth/investigator/configuration.py:54",
                THOTH_INVESTIGATOR_SCHEDULE_SOLVER: "thoth/investigator/configuration.py:57",
                THOTH_INVESTIGATOR_SCHEDULE_REVSOLVER: "thoth/investigator/configuration.py:58",
                THOTH_INVESTIGATOR_SCHEDULE_SECURITY: "thoth/investigator/configuration.py:59",
                // The attribute is SCHEDULE_KEBECHET_ADMIN; the variable it reads is this one.
                THOTH_INVESTIGATOR_KEBECHET_ADMINISTRATOR: "thoth/investigator/configuration.py:60",
                ARGO_PENDING_WORKFLOW_LIMIT: "thoth/investigator/configuration.py:67",
                THOTH_CONSUMER_MODE: "thoth/investigator/configuration.py:74",
            }),
            ...s2iRun("APP_SCRIPT"),
            // init_logging (consumer.py:80), OpenShift() (98) whose schedule_adviser & co. pass the Ceph location to
            // the Workflows (not the keys), GraphDatabase (99), the admin client and consumer (278,281).
            ...common.logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
            ...common.openshift("KUBERNETES_API_URL", "KUBERNETES_VERIFY_TLS", "THOTH_INFRA_NAMESPACE"),
            ...common.workflowCeph("THOTH_CEPH_BUCKET_PREFIX", "THOTH_CEPH_BUCKET", "THOTH_S3_ENDPOINT_URL"),
            ...storages.graph(),
            ...thothMessaging.client(),
            ...thothMessaging.kafka(
                "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM",
                "KAFKA_CONSUMER_GROUP_ID",
                "KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS",
                "KAFKA_CONSUMER_ENABLE_AUTO_COMMIT",
                "KAFKA_CONSUMER_AUTO_OFFSET_RESET",
            ),
        ],
        consumes: [
            handler(TOPIC.adviserTrigger, "adviser_trigger", 37),
            handler(TOPIC.buildAnalysisTrigger, "build_analysis_trigger", 37),
            handler(TOPIC.cveProvided, "cve_provided", 37),
            handler(TOPIC.hashMismatch, "hash_mismatch", 47),
            handler(TOPIC.inspectionCompleted, "inspection_completed", 39),
            handler(TOPIC.kebechetRunUrlTrigger, "kebechet_run_url_trigger", 37),
            handler(TOPIC.kebechetTrigger, "kebechet_trigger", 37),
            handler(TOPIC.missingPackage, "missing_package", 38),
            handler(TOPIC.missingVersion, "missing_version", 39),
            handler(TOPIC.packageExtractTrigger, "package_extract_trigger", 37),
            handler(TOPIC.packageReleased, "package_released", 36),
            handler(TOPIC.provenanceCheckerTrigger, "provenance_checker_trigger", 37),
            handler(TOPIC.siUnanalyzedPackage, "si_unanalyzed_package", 41),
            handler(TOPIC.solvedPackage, "solved_package", 40),
            handler(TOPIC.repoInit, "thoth_repo_init", 35),
            handler(TOPIC.unresolvedPackage, "unresolved_package", 42),
            handler(TOPIC.unrevsolvedPackage, "unrevsolved_package", 38),
            topicAt(
                src,
                TOPIC.updateProvidesSourceDistro,
                "thoth/investigator/update_provide_source_distro/investigate_update_provide_source_distro.py",
                36,
            ),
        ],
    });
}

function metricsExporter(): ImageEvidence {
    const src = METRICS_EXPORTER;
    const config = "thoth/metrics_exporter/configuration.py";
    return readAicoeImage("v0.21.4", src, {
        listens: [
            gunicornListener(
                8080,
                "Flask: /metrics (503 until every job ran once, unless THOTH_METRICS_EXPORTER_WEAK_READINESS), / redirects",
                ["/metrics"],
                at(src, "wsgi.py", "133-148"),
            ),
        ],
        env: [
            ...reads(src, {
                PROMETHEUS_HOST_URL: `${config}:31`,
                PROMETHEUS_SERVICE_ACCOUNT_TOKEN: `${config}:32`,
                THOTH_BACKEND_NAMESPACE: `${config}:37`,
                THOTH_MIDDLETIER_NAMESPACE: `${config}:38`,
                THOTH_AMUN_INSPECTION_NAMESPACE: `${config}:39`,
                THOTH_CEPH_KEY_ID: `${config}:42`,
                THOTH_CEPH_SECRET_KEY: `${config}:43`,
                THOTH_CEPH_BUCKET_PREFIX: `${config}:44`,
                THOTH_S3_ENDPOINT_URL: `${config}:45`,
                THOTH_CEPH_BUCKET: `${config}:46`,
                THOTH_DEPLOYMENT_NAME: `${config}:48`,
                GITHUB_ACCESS_TOKEN: `${config}:51`,
                METRICS_EXPORTER_INFRA_PROMETHEUS_INSTANCE: "thoth/metrics_exporter/jobs/security.py:39",
                THOTH_METRICS_EXPORTER_UPDATE_INTERVAL: "wsgi.py:46",
                THOTH_METRICS_EXPORTER_GRAFANA_REDIRECT_URL: "wsgi.py:47",
                THOTH_METRICS_EXPORTER_MAX_WORKERS: "wsgi.py:48",
                THOTH_METRICS_EXPORTER_WEAK_READINESS: "wsgi.py:50",
            }),
            ...s2iRun("PORT", "WEB_CONCURRENCY"),
            ...gunicorn("PORT", "WEB_CONCURRENCY"),
            // init_logging (wsgi.py:40), GraphDatabase and OpenShift() (jobs/base.py:86,112), the Kafka connection
            // check (jobs/kafka.py:40, an admin client: it publishes nothing).
            ...thothCommon("0.36.6").logging("SENTRY_DSN", "THOTH_LOGGING_NO_JSON"),
            ...thothCommon("0.36.6").openshift("THOTH_FRONTEND_NAMESPACE", "THOTH_INFRA_NAMESPACE"),
            ...thothStorages("0.74.0").graph(),
            ...thothMessaging.client(),
        ],
    });
}

/** The evidence of the station's long-running services. */
export const SERVICE_IMAGES: ImageEvidence[] = [
    userApi("v0.35.10", "bbede084f58fbe891eb11339fc85874aa63e1aaa", 1454),
    userApi("v0.35.12", "ed05937fdab42ec0ebd039d46f77f740af19d4f9", 1451),
    managementApi(),
    amunApi(),
    investigator(),
    metricsExporter(),
];
