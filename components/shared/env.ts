import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HandleKeyRef } from "./handles";

/**
 * One environment variable's value. Plain values are `string` only (never `pulumi.Input`), so a secret Output
 * cannot end up as a plain env value by accident: secrets must come through a Secret's handle (`secret.env(key)`).
 * A Secret or ConfigMap is never named by a string here: the handle's reference carries the object's name, so the
 * pod waits for the object and follows a rename.
 */
export type EnvValue =
    | string
    /** A non-secret value computed from another resource (e.g. a Route's host); never pass a secret here. */
    | { computed: pulumi.Input<string> }
    | { fieldRef: { fieldPath: string } }
    /** One key of a Secret or ConfigMap handle (`secret.env(key)`). */
    | HandleKeyRef;

export type EnvMap = Record<string, EnvValue | undefined>;

/** Merges env layers; later layers win and `undefined` removes a variable set by an earlier layer. */
export function mergeEnv(...layers: (EnvMap | undefined)[]): EnvMap {
    const out: EnvMap = {};
    for (const layer of layers) {
        for (const [name, value] of Object.entries(layer ?? {})) {
            if (value === undefined) {
                delete out[name];
            } else {
                out[name] = value;
            }
        }
    }
    return out;
}

/** Converts an env map to the container's env list, sorted by name so the rendered spec is stable. */
export function toEnvVars(env: EnvMap): k8s.types.input.core.v1.EnvVar[] {
    return Object.keys(env)
        .sort()
        .flatMap((name): k8s.types.input.core.v1.EnvVar[] => {
            const value = env[name];
            if (value === undefined) return [];
            if (typeof value === "string") return [{ name, value }];
            if ("computed" in value) return [{ name, value: value.computed }];
            if ("from" in value) {
                const ref = {
                    name: value.from.name,
                    key: value.key,
                    ...(value.optional ? { optional: true } : {}),
                };
                return [
                    {
                        name,
                        valueFrom:
                            value.from.kind === "Secret" ? { secretKeyRef: ref } : { configMapKeyRef: ref },
                    },
                ];
            }
            return [{ name, valueFrom: value }];
        });
}
