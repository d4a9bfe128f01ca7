import { SYSTEMS } from "../../components/systems";

const definitionOf = (system: string) => SYSTEMS.find((s) => s.section === system);

/**
 * The stack key that sets a container's requests and limits, where the system has one
 * (SystemDefinition.resourcesKey): keyed by the system (its config section) and the container (container names repeat
 * across systems: `nginx`).
 */
export function resourcesKeyOf(
    system: string,
    container: { name: string; image?: string },
): string | undefined {
    return definitionOf(system)?.resourcesKey?.(container);
}

/** The stack key that sizes and classes a claim (`<key>.size`, `<key>.storageClass`), where the system has one. */
export function claimKeyOf(system: string, claim: string): string | undefined {
    return definitionOf(system)?.claimKey?.(claim);
}

/** The stack key that gives a Celery queue a worker of its own, where the system has one. */
export function queueKeyOf(system: string): string | undefined {
    return definitionOf(system)?.queueKey;
}
