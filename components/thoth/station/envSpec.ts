import { z } from "zod";
import { EnvMap, mergeEnv } from "../../shared/env";
import { stationTier } from "../config";
import {
    KUBERNETES_ENV,
    StationReads,
    cephEnv,
    cephLocationEnv,
    deploymentEnv,
    graphEnv,
    kafkaEnv,
    namespaceEnv,
    pushgatewayEnv,
} from "./stationEnv";

// A module's env as data (facts/thoth/): layers merged in order, a later variable winning. A layer is one of the env
// blocks of stationEnv.ts by name, the namespaces of some tiers, or variables each set to a literal or to one key of
// a station ConfigMap or Secret of the reader's namespace.

const BLOCKS = {
    ceph: (reads) => cephEnv(reads),
    cephAtEndpoint: (reads) => cephEnv(reads, "endpoint"),
    cephLocation: (reads) => cephLocationEnv(reads),
    graph: graphEnv,
    kafka: kafkaEnv,
    deployment: deploymentEnv,
    pushgateway: pushgatewayEnv,
    kubernetes: () => KUBERNETES_ENV,
} satisfies Record<string, (reads: StationReads) => EnvMap>;

const valueSchema = z.union([
    z.string(),
    z.strictObject({ configMap: z.string(), key: z.string() }),
    z.strictObject({ secret: z.string(), key: z.string() }),
]);

export const envSpecSchema = z.array(
    z.union([
        z.enum(Object.keys(BLOCKS) as [keyof typeof BLOCKS]),
        z.strictObject({ namespaces: z.array(stationTier) }),
        z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an env variable's name"), valueSchema),
    ]),
);
export type EnvSpec = z.infer<typeof envSpecSchema>;

/** The env `spec` reads through the station's objects of one namespace. */
export function envFromSpec(spec: EnvSpec, reads: StationReads): EnvMap {
    return mergeEnv(
        ...spec.map((layer): EnvMap => {
            if (typeof layer === "string") return BLOCKS[layer](reads);
            if (Array.isArray(layer.namespaces)) return namespaceEnv(reads, ...layer.namespaces);
            return Object.fromEntries(
                Object.entries(layer as Record<string, z.infer<typeof valueSchema>>).map(([name, v]) => [
                    name,
                    typeof v === "string"
                        ? v
                        : "configMap" in v
                          ? reads.configMap(v.configMap).env(v.key)
                          : reads.secret(v.secret).env(v.key),
                ]),
            );
        }),
    );
}
