/**
 * A file a pod places in a container from one key of a Secret or ConfigMap (a volume item, a whole object's key, a
 * subPath), or a whole Secret whose keys the plan does not show (`key` undefined: its values are secret, and so
 * are the names they were written under).
 */
export interface MountedFile {
    path: string;
    kind: "Secret" | "ConfigMap";
    object: string;
    key?: string;
}

/** A container as a pod spec has it, reduced to what the evidence speaks of. */
export interface ContainerView {
    image: string;
    args?: readonly unknown[];
    command?: readonly unknown[];
    /** Its variables; `value` only where the spec gives a plain value (not from a Secret or a field). */
    env?: readonly { name: string; value?: string }[];
    ports?: readonly { name?: string; containerPort: number }[];
    probes: readonly { kind: string; port: number | string; path?: string }[];
    /** What its volume mounts place from Secrets and ConfigMaps. */
    files?: readonly MountedFile[];
}

/** The plain value a container gives a variable, if it sets one. */
export function envValue(c: ContainerView, name: string): string | undefined {
    return c.env?.find((e) => e.name === name)?.value;
}
