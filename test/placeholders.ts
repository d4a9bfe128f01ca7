import { createHash } from "crypto";
import { isConfirmedImage } from "../components/shared/confirmedImages";
import { PLACEHOLDER, PLACEHOLDER_TAG } from "../components/shared/placeholder";
import { systemImages } from "../components/config/unconfirmedImage";
import { SYSTEMS } from "../components/systems";
import { SOURCED_IMAGES } from "./fixtures/sourcedImages";

/** A public key made for tests only: not the local stack's committed one, so every tier accepts it. */
export const OPERATOR_PUBLIC_KEY =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorOnlyTestKeyNotInAnyStackFile00000 operator";
export const OPERATOR_SOURCE = "203.0.113.10/32";
/** The workstation's IPv6 range, where a production stack asks for one (its second ssh source). */
export const OPERATOR_SOURCE_V6 = "2001:db8::10/128";

/** A stable UUID per placeholder path, so tests can find the adopted objects by id. */
export function operatorId(path: string): string {
    let hash = 0;
    for (const c of path) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
    return `0be7a70e-0000-4000-8000-${hash.toString(16).padStart(12, "0")}`;
}

/**
 * The stack values as an operator has them after following the fix of every placeholder (`set-by-operator`, an image
 * tagged `to-be-pinned`): their public key, their workstation's address, the ids of the existing objects, the tag
 * running today.
 */
export function fillPlaceholders<T>(value: T, path = ""): T {
    if (value === PLACEHOLDER) {
        if (path.endsWith("publicKey")) return OPERATOR_PUBLIC_KEY as T;
        if (/sshSources\[0\]$/.test(path)) return OPERATOR_SOURCE as T;
        if (/sshSources\[\d+\]$/.test(path)) return OPERATOR_SOURCE_V6 as T;
        // The Prometheus's range its operators give (a documentation range, RFC 5737).
        if (/allowFrom\[\d+\]$/.test(path)) return "198.51.100.0/24" as T;
        if (path.endsWith("claimName")) return "postgres-data" as T;
        if (path.endsWith("databaseServer")) return "dbod-operator-test.cern.ch:6600" as T;
        return operatorId(path) as T;
    }
    // An unconfirmed image as the operator pins it after following its fix.
    if (typeof value === "string" && value.endsWith(`:${PLACEHOLDER_TAG}`)) {
        return value.replace(`:${PLACEHOLDER_TAG}`, ":1.0.0-operator-pinned") as T;
    }
    if (Array.isArray(value)) return value.map((v, i) => fillPlaceholders(v, `${path}[${i}]`)) as T;
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, path ? `${path}.${k}` : k)]),
        ) as T;
    }
    return value;
}

/** A digest made for tests only, one per image: what an operator reads from the pods running it. */
export function operatorDigest(image: string): string {
    return `sha256:${createHash("sha256").update(image).digest("hex")}`;
}

/** An image as the operator leaves it on a production stack: itself when confirmed, else pinned by its digest. */
export function asConfirmed(image: string): string {
    if (isConfirmedImage(image, SOURCED_IMAGES)) return image;
    return `${image.slice(0, image.search(/[:@][^/:@]*$/))}@${operatorDigest(image)}`;
}

/**
 * The values of a production stack once the operator has followed the fix of every unconfirmed image
 * (components/shared/confirmedImages.ts): each pinned by the digest running today, as a test digest.
 */
export function confirmImages(values: Record<string, unknown>): Record<string, unknown> {
    for (const def of SYSTEMS) {
        const raw = values[def.section];
        const parsed = def.schema.safeParse(raw);
        if (!parsed.success || !parsed.data.enabled) continue;
        const uses = systemImages(def.section, parsed.data, def.images?.(parsed.data) ?? []);
        for (const use of uses.filter((u) => !isConfirmedImage(u.image, def.sourcedImages ?? []))) {
            const digest = operatorDigest(use.image);
            if (use.digestKey !== undefined) {
                setAt(values, use.digestKey, digest);
                // A release's digests confirm the release they were read for (dials.images.confirmed.tag).
                const release = use.digestKey.replace(/\.[^.]+$/, ".tag");
                if (release.endsWith("confirmed.tag"))
                    setAt(
                        values,
                        release,
                        (parsed.data as unknown as { images: { tag: string } }).images.tag,
                    );
            } else {
                setAt(values, use.key, asConfirmed(use.image));
            }
        }
    }
    return values;
}

function setAt(values: Record<string, unknown>, key: string, value: unknown): void {
    const path = key.split(".");
    let node = values;
    for (const seg of path.slice(0, -1)) {
        if (node[seg] === null || typeof node[seg] !== "object") node[seg] = {};
        node = node[seg] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
}

/**
 * What production requires beside pinned images, as its operator sets it after following the fix: who may reach
 * Thoth's metrics Routes (a documentation range, RFC 5737, standing for the Prometheus's).
 */
export function nameRouteAudiences(values: Record<string, unknown>): Record<string, unknown> {
    const modules = (values.thoth as { station?: { modules?: Record<string, unknown> } } | undefined)?.station
        ?.modules;
    if (modules && modules.metricsAudience === undefined)
        modules.metricsAudience = { allowFrom: ["198.51.100.0/24"] };
    return values;
}
