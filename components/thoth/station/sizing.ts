import { Sizing, fixedSize, sized } from "../../shared/resources";
import { StationEnvironment } from "./tiers";

/** What a station container is sized for; each environment gives every one a size (thoth-station.md §2, §3). */
export type SizedPart =
    | "userApi"
    | "managementApi"
    | "amunApi"
    | "investigatorBackend"
    | "investigatorMiddletier"
    | "metricsExporter"
    | "postgresql"
    | "pgbouncer"
    | "postgresExporter"
    | "controllerBackend"
    | "controllerMiddletier"
    | "controllerAmunInspection"
    | "argoServer"
    | "graphBackup"
    | "graphMetricsExporter"
    | "graphRefresh"
    | "cveUpdate"
    | "packageReleases"
    | "packageUpdate"
    | "adviseReporter"
    | "pulpPypiSync"
    | "documentSync"
    | "integrationTests"
    | "sloReporter"
    | "miScheduler";

// argo-server sets no resources in the reference; a memory limit is required here, so it gets a small one.
const ARGO_SERVER = sized("100m", "128Mi", "500m", "256Mi");

const COMMON: Partial<Record<SizedPart, Sizing>> = {
    postgresExporter: sized("1", "256Mi", "1", "512Mi"),
    argoServer: ARGO_SERVER,
    graphMetricsExporter: fixedSize("500m", "256Mi"),
    graphRefresh: fixedSize("500m", "256Mi"),
    cveUpdate: fixedSize("1", "256Mi"),
    packageReleases: sized("1", "256Mi", "1", "512Mi"),
    packageUpdate: sized("1", "1Gi", "1", "1536Mi"),
    graphBackup: fixedSize("1", "1Gi"),
    pulpPypiSync: fixedSize("500m", "128Mi"),
    documentSync: fixedSize("1", "2Gi"),
    integrationTests: fixedSize("1", "768Mi"),
    sloReporter: sized("500m", "256Mi", "500m", "512Mi"),
    miScheduler: fixedSize("256m", "500Mi"),
};

export const STATION_SIZING: Record<StationEnvironment, Record<SizedPart, Sizing>> = {
    stage: {
        ...(COMMON as Record<SizedPart, Sizing>),
        userApi: fixedSize("1", "768Mi"),
        managementApi: sized("1", "768Mi", "1500m", "1Gi"),
        amunApi: fixedSize("200m", "384Mi"),
        investigatorBackend: sized("250m", "512Mi", "500m", "768Mi"),
        investigatorMiddletier: sized("1", "512Mi", "1500m", "768Mi"),
        metricsExporter: sized("1", "384Mi", "1", "768Mi"),
        postgresql: sized("10", "4Gi", "12", "6Gi"),
        pgbouncer: fixedSize("2", "2Gi"),
        controllerBackend: fixedSize("1", "4Gi"),
        controllerMiddletier: fixedSize("1", "8Gi"),
        controllerAmunInspection: fixedSize("1", "6Gi"),
        adviseReporter: sized("500m", "256Mi", "500m", "512Mi"),
    },
    test: {
        ...(COMMON as Record<SizedPart, Sizing>),
        userApi: sized("1", "384Mi", "1", "768Mi"),
        managementApi: sized("250m", "384Mi", "500m", "768Mi"),
        amunApi: sized("125m", "384Mi", "500m", "384Mi"),
        // Test runs one consumer for both modes, sized like stage's middletier one.
        investigatorBackend: sized("1", "512Mi", "1500m", "768Mi"),
        investigatorMiddletier: sized("1", "512Mi", "1500m", "768Mi"),
        metricsExporter: sized("500m", "256Mi", "500m", "512Mi"),
        // The reference sets only a 512Mi memory limit on test's PostgreSQL.
        postgresql: sized(undefined, "512Mi", undefined, "512Mi"),
        pgbouncer: sized("125m", "128Mi", "500m", "256Mi"),
        controllerBackend: sized("1", "2Gi", "1", "4Gi"),
        controllerMiddletier: sized("1", "2Gi", "1", "4Gi"),
        controllerAmunInspection: sized("1", "2Gi", "1", "4Gi"),
        adviseReporter: sized("1", "256Mi", "1", "512Mi"),
    },
};
