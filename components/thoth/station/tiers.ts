/** The tiers of a Thoth station, as the deployment (thoth-application) splits it. */
export const STATION_TIERS = [
    "frontend",
    "middletier",
    "backend",
    "amun-api",
    "amun-inspection",
    "infra",
    "graph",
    "dgraph",
] as const;
export type StationTier = (typeof STATION_TIERS)[number];

export type StationEnvironment = "stage" | "test";

/** The namespace every tier of the test environment shares. */
export const TEST_NAMESPACE = "thoth-test-core";

/**
 * Where each tier of an environment lives: stage gives every tier its own `thoth-<tier>-stage` namespace, test
 * puts them all into `thoth-test-core`. Everything else (RBAC, Dgraph, restarts) is written against tiers, so
 * the two layouts share one code path.
 */
export function tierNamespaces(environment: StationEnvironment): Record<StationTier, string> {
    return Object.fromEntries(
        STATION_TIERS.map((tier) => [tier, environment === "stage" ? `thoth-${tier}-stage` : TEST_NAMESPACE]),
    ) as Record<StationTier, string>;
}

/** The distinct namespaces of an environment, in tier order. */
export function stationNamespaces(environment: StationEnvironment): string[] {
    return [...new Set(Object.values(tierNamespaces(environment)))];
}
