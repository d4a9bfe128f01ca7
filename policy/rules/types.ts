/**
 * What a rule sees of one resource: the same facts in a `pulumi preview` (from @pulumi/policy's
 * ResourceValidationArgs) and in the offline plan (from `resources.json`), so rules can be tested on both.
 */
export interface PolicyInput {
    /** Type token, e.g. `kubernetes:apps/v1:Deployment`. */
    type: string;
    /** Resource inputs (secrets already unwrapped by the policy SDK, masked in offline plans). */
    props: Record<string, unknown>;
    urn: string;
    /** The `protect` resource option. */
    protect: boolean;
}

/** Facts about the stack a rule may need. */
export interface RuleContext {
    /** The stack is a production stack: stateful resources must be protected. */
    production: boolean;
}

/** One policy: a pure function from a resource to the reasons it violates the policy (empty = compliant). */
export interface Rule {
    /** Policy name as `pulumi preview` reports it (kebab-case, unique in the pack). */
    name: string;
    description: string;
    /** JSON schema of the rule's policy configuration (`--policy-pack-config`), when it has any. */
    configSchema?: { properties: Record<string, Record<string, unknown>> };
    check(resource: PolicyInput, context: RuleContext): string[];
}

/** A policy over the whole stack (what one resource cannot tell: a namespace lacks an object). */
export interface StackRule {
    name: string;
    description: string;
    check(resources: readonly PolicyInput[], context: RuleContext): { urn: string; message: string }[];
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function objectsOf(v: unknown): Obj[] {
    return Array.isArray(v) ? v.filter(isObj) : [];
}

export function stringsOf(v: unknown): string[] {
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

/**
 * A plain copy of resource inputs in which values unknown during a preview (the policy SDK throws when one is
 * read) are left out, so a rule checks what is known instead of giving up on the whole resource; `pulumi up`
 * checks again with every value known.
 */
export function withoutUnknowns(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((_, i) => withoutUnknowns(read(value, i)));
    }
    if (isObj(value)) {
        const out: Obj = {};
        for (const key of Object.keys(value)) {
            const v = read(value, key);
            if (v !== undefined) out[key] = withoutUnknowns(v);
        }
        return out;
    }
    return value;
}

function read(container: object, key: string | number): unknown {
    try {
        return (container as Record<string | number, unknown>)[key];
    } catch {
        return undefined;
    }
}
