import { z } from "zod";

/**
 * What a committed stack file holds where only the operator can supply the value: their own public key, the id of
 * an existing volume, zone or floating IP. It passes the schema so the offline plan still renders, and every
 * system's check reports it (as a `placeholder` problem) so a real run stops until it is set.
 */
export const PLACEHOLDER = "set-by-operator";

/**
 * The tag of an image the program ships as not yet confirmed (`quay.io/...:to-be-pinned`): the offline plan renders
 * it, a real run stops on it (components/config/placeholders.ts), as it does on {@link PLACEHOLDER}.
 */
export const PLACEHOLDER_TAG = "to-be-pinned";

/** `schema`, or the placeholder; the example stays the schema's own. */
export function orPlaceholder<T extends z.ZodType>(schema: T) {
    return z.union([z.literal(PLACEHOLDER), schema]).meta({ example: z.globalRegistry.get(schema)?.example });
}

export function isPlaceholder(value: unknown): boolean {
    return value === PLACEHOLDER;
}
