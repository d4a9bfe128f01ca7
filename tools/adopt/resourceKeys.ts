import { SYSTEMS } from "../../components/systems";

/**
 * The stack key that sets a container's requests and limits, where the system has one
 * (SystemDefinition.resourcesKey): keyed by the system (its config section) and the container (container names repeat
 * across systems: `nginx`).
 */
export function resourcesKeyOf(
    system: string,
    container: { name: string; image?: string },
): string | undefined {
    return SYSTEMS.find((s) => s.section === system)?.resourcesKey?.(container);
}

/** The stack key that sizes and classes a claim (`<key>.size`, `<key>.storageClass`), where the system has one. */
export function claimKeyOf(system: string, claim: string): string | undefined {
    return SYSTEMS.find((s) => s.section === system)?.claimKey?.(claim);
}
