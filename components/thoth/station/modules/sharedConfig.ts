import { EndpointText, ServiceEndpoint } from "../../../shared/endpoints";
import { defaultHost } from "../../identity";
import { PrescriptionsRefreshConfig, StationModulesConfig, StationShared, stationTier } from "../../config";
import { z } from "zod";
import { loadFacts } from "../../../shared/facts";
import { StationEnvironment, StationTier } from "../tiers";

/** One ConfigMap of the station: where it goes and its (non-secret) data. */
export interface StationConfigMap {
    namespace: string;
    name: StationConfigMapName;
    data: Record<string, string | EndpointText>;
}

const SHARED_CONFIG = loadFacts(
    "facts/thoth/shared-config.yaml",
    z.strictObject({
        tiers: z.record(z.string(), z.array(stationTier)),
        fixed: z.record(z.string(), z.record(z.string(), z.string())),
    }),
    "the station's shared ConfigMaps",
);

/** The name of a ConfigMap the station makes (in the namespaces of its tiers). */
export type StationConfigMapName = string;

/**
 * The knowledge graph as every client reaches it: pgbouncer in the graph namespace. Declared by name because the
 * ConfigMaps that carry it are made before the graph; deriving the network policies stops the program if the
 * graph module makes no such Service.
 */
export function postgresqlEndpoint(namespaces: Record<StationTier, string>): ServiceEndpoint {
    return ServiceEndpoint.of("pgbouncer", namespaces.graph, 5432);
}

/** amun-api (a Service, so it does not depend on a router); declared as {@link postgresqlEndpoint} is. */
export function amunApiEndpoint(namespaces: Record<StationTier, string>): ServiceEndpoint {
    return ServiceEndpoint.of("amun-api", namespaces["amun-api"], 80);
}

/**
 * ConfigMap prescriptions-refresh-job (thoth-station.md §4.2). The reference gives its list values as lists; they
 * are written one item per line here (the reference does not record the separator the file uses).
 */
function prescriptionsRefreshData(modules: {
    hosts: StationModulesConfig["hosts"];
    prescriptionsRefresh: PrescriptionsRefreshConfig;
}): Record<string, string> {
    const { configuredImages, configuredPackages } = modules.prescriptionsRefresh;
    return {
        "configured-images": configuredImages.join("\n"),
        "configured-packages-cv": configuredPackages.cv.join("\n"),
        "configured-packages-ml": configuredPackages.ml.join("\n"),
        "configured-packages-nlp": configuredPackages.nlp.join("\n"),
        "user-api": modules.hosts.userApi,
    };
}

/**
 * The shared ConfigMaps of thoth-application `core` (thoth-station.md §4.1) and the amun ones (§4.3), per
 * namespace. Stage and test differ only in the namespaces (all seven collapse into thoth-test-core in test) and
 * the stack's values; a ConfigMap two tiers share in one namespace is emitted once.
 */
export function sharedConfigMaps(
    namespaces: Record<StationTier, string>,
    shared: StationShared,
    domain: string,
    modules: {
        environment: StationEnvironment;
        hosts: StationModulesConfig["hosts"];
        prescriptionsRefresh: PrescriptionsRefreshConfig;
    },
): StationConfigMap[] {
    const instance = (route: string, tier: StationTier) =>
        `${defaultHost(route, namespaces[tier], domain)}:80`;
    const thoth: Record<string, string | EndpointText> = {
        "amun-api-url": amunApiEndpoint(namespaces).url({ path: "/api/v1" }),
        "amun-inspection-namespace": namespaces["amun-inspection"],
        "amun-namespace": namespaces["amun-api"],
        applicationName: "thoth",
        applicationVersion: shared.applicationVersion,
        "backend-namespace": namespaces.backend,
        "deployment-name": shared.deploymentName,
        "fork-namespace": shared.forkNamespace,
        "frontend-namespace": namespaces.frontend,
        "graph-namespace": namespaces.graph,
        "infra-namespace": namespaces.infra,
        "logging-no-json": shared.loggingNoJson ? "1" : "0",
        "middletier-namespace": namespaces.middletier,
        "postgresql-host": postgresqlEndpoint(namespaces).host,
        "storage-bucket-name": shared.deploymentName,
    };
    const ceph = {
        "bucket-name": shared.ceph.bucket,
        "bucket-prefix": shared.ceph.prefix,
        endpoint: shared.ceph.host,
        host: shared.ceph.host,
        "public-bucket-name": shared.ceph.publicBucket,
    };
    const kafka = {
        "kafka-bootstrap-servers": shared.kafka.bootstrapServers,
        "kafka-client-id": shared.kafka.clientId,
        "kafka-protocol": shared.kafka.protocol,
        "kafka-ssl-auth": shared.kafka.protocol === "PLAINTEXT" ? "0" : "1",
        "kafka-topic-retention-time": String(shared.kafka.topicRetentionTime),
    };
    const pg = shared.prometheus;
    const prometheus = {
        "host-url": pg.hostUrl,
        "instance-metrics-exporter-infra": instance("metrics-exporter", "infra"),
        "instance-metrics-management-api": instance("management-api", "frontend"),
        "instance-workflow-controller-metrics-amun-inspection": instance(
            "workflow-controller-metrics",
            "amun-inspection",
        ),
        "instance-workflow-controller-metrics-backend": instance("workflow-controller-metrics", "backend"),
        "instance-workflow-controller-metrics-middletier": instance(
            "workflow-controller-metrics",
            "middletier",
        ),
        "pushgateway-host": pg.pushgatewayHost,
        "pushgateway-port": String(pg.pushgatewayPort),
        "pushgateway-url": `${pg.pushgatewayHost}:${pg.pushgatewayPort}`,
        "user-api-url": instance("user-api", "frontend"),
    };
    const amun = {
        "amun-api-url": amunApiEndpoint(namespaces).url(),
        "deployment-name": shared.deploymentName,
        "infra-namespace": namespaces["amun-inspection"],
        "inspection-namespace": namespaces["amun-inspection"],
        "logging-no-json": shared.loggingNoJson ? "1" : "0",
        "postgresql-host": postgresqlEndpoint(namespaces).host,
    };
    const data: Record<StationConfigMapName, Record<string, string | EndpointText>> = {
        ...SHARED_CONFIG.fixed,
        thoth,
        ceph,
        kafka,
        prometheus,
        solvers: { solvers: shared.solvers.join(", ") },
        "pulp-pypi": { host: shared.pulpHost },
        amun,
        "integration-tests": {
            "amun-api": modules.hosts.amunApi,
            "deployment-name": shared.deploymentName,
            "generate-report": "1",
            "logging-no-json": "1",
            "mail-report": "1",
            "management-api": modules.hosts.managementApi,
            // Stage skips the scenarios that take over the middletier namespace; test runs them all.
            tags: modules.environment === "stage" ? "~@seizes_middletier_namespace" : "",
            "user-api": modules.hosts.userApi,
        },
        "slo-reporter": {
            "email-recipients": "aicoe-thoth@redhat.com",
            "sender-address": "aicoe-thoth@redhat.com",
            "smtp-server": "smtp.corp.redhat.com",
            "thanos-endpoint": pg.hostUrl,
        },
        "prescriptions-refresh-job": prescriptionsRefreshData(modules),
    };
    return Object.entries(SHARED_CONFIG.tiers).flatMap(([name, tiers]) =>
        [...new Set(tiers.map((t) => namespaces[t]))].map((namespace) => ({
            namespace,
            name,
            data: data[name],
        })),
    );
}
