import { isDnsLabel } from "../shared/naming";

declare const objectNameBrand: unique symbol;
declare const namespaceNameBrand: unique symbol;

/**
 * A Kubernetes object name that went through the environment's one naming function. Prow's builders never
 * take a name: they take a base name from a closed set (a component, Secret, ConfigMap or claim) and derive
 * both the object's name and every reference to it here (kustomize's `namePrefix` missed the references
 * inside configs, args and patches).
 */
export type ObjectName = string & { readonly [objectNameBrand]: true };

/** A namespace name, derived once per environment by `resolveEnvironment`. */
export type NamespaceName = string & { readonly [namespaceNameBrand]: true };

/** The environment's naming: the prefix and the single function that applies it. */
export interface ProwNaming {
    readonly prefix: string;
    /** The object name of a base name, e.g. `deck` → `staging-deck`. Used for every name and every reference. */
    name(base: string): ObjectName;
}

export function prowNaming(prefix: string): ProwNaming {
    return { prefix, name: (base) => `${prefix}${base}` as ObjectName };
}

/** Brands a namespace name; only environment resolution calls this, so both namespaces are derived in one place. */
export function namespaceName(value: string): NamespaceName {
    return value as NamespaceName;
}

/** Kubernetes appends an 11-character suffix to a CronJob's Jobs, so its own name must leave room for it. */
export const CRONJOB_NAME_MAX = 52;

/** A base name and the longest its object name may be. */
export interface NameRule {
    base: string;
    max: number;
}

/** Object names the prefix would make invalid, with the reason; empty when every name is a valid DNS label. */
export function invalidNames(naming: ProwNaming, rules: readonly NameRule[]): string[] {
    const problems: string[] = [];
    for (const rule of rules) {
        const name = naming.name(rule.base);
        if (!isDnsLabel(name)) {
            problems.push(
                `"${name}" is not a DNS label (lower-case letters, digits and '-', at most 63 characters)`,
            );
        } else if (name.length > rule.max) {
            problems.push(`"${name}" is longer than ${rule.max} characters`);
        }
    }
    return problems;
}
