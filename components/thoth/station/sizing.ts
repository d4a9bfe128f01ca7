import { z } from "zod";
import { loadFacts } from "../../shared/facts";
import { Sizing } from "../../shared/resources";
import { StationEnvironment } from "./tiers";

/** What a station container is sized for; each environment gives every one a size (thoth-station.md §2, §3). */
const SIZED_PARTS = [
    "userApi",
    "managementApi",
    "amunApi",
    "investigatorBackend",
    "investigatorMiddletier",
    "metricsExporter",
    "postgresql",
    "pgbouncer",
    "postgresExporter",
    "controllerBackend",
    "controllerMiddletier",
    "controllerAmunInspection",
    "argoServer",
    "graphBackup",
    "graphMetricsExporter",
    "graphRefresh",
    "cveUpdate",
    "packageReleases",
    "packageUpdate",
    "adviseReporter",
    "pulpPypiSync",
    "documentSync",
    "integrationTests",
    "sloReporter",
    "miScheduler",
] as const;
export type SizedPart = (typeof SIZED_PARTS)[number];

const sizeSchema = z.strictObject({ cpu: z.string().optional(), memory: z.string() });
const sizesSchema = z.partialRecord(
    z.enum(SIZED_PARTS),
    z.strictObject({ requests: sizeSchema, limits: sizeSchema }),
);

/** Each environment's sizes: facts/thoth/sizing.yaml, those both share and each one's own. */
const SIZING = loadFacts(
    "facts/thoth/sizing.yaml",
    z.strictObject({ common: sizesSchema, stage: sizesSchema, test: sizesSchema }),
    "the station's sizing",
);

export const STATION_SIZING = {
    stage: { ...SIZING.common, ...SIZING.stage },
    test: { ...SIZING.common, ...SIZING.test },
} as Record<StationEnvironment, Record<SizedPart, Sizing>>;
