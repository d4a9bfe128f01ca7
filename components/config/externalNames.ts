import { isLocalStack } from "./identity";
import { isMapping } from "./issues";
import { ConfigProblem, fullKey } from "./problems";
import { OpenstackConfig, openstackSchema } from "./program";
import { OtherStack } from "./stacks";
import { SectionBase } from "./system";
import type { SystemDefinition } from "./systemDefinition";
import type { Passed } from "./passes/pass";
import { underBroken } from "./passes/section";

// A stack writes only what it owns, outside its namespaces too: a name in a namespace no grant covers (a GCS bucket, an
// OpenStack keypair in the project both stacks use) is one stack's. Each system says which names it writes and where
// a name is unique (`scope`); two stacks naming the same one in one scope write over each other (stage's tide history
// in production's bucket, stage booting servers with production's keypair). Compared as the services compare them:
// case-insensitive, without a trailing dot. Local stacks write to their own cluster and cloud only, so they own nothing here.

/** One name a system writes outside its namespaces. */
export interface ExternalName {
    /** The config key (without project) that sets it, or the one it is derived from. */
    key: string;
    /** What it is, in words: "GCS bucket". */
    what: string;
    /** Where the name is unique: a service, or a service and project (`openstack <auth URL> <domain>/<project>`). */
    scope: string;
    name: string;
    /**
     * An object-key prefix in a bucket (`data/ocp4-stage/`): case-sensitive, and taken when one stack's prefix lies in
     * the other's.
     */
    prefix?: boolean;
    /** Why two stacks must not share it, where it is not that one writes over the other's. */
    why?: string;
}

/** What each system reads besides its section: the stack's `openstack` section, where it is valid. */
export interface ExternalNameContext {
    openstack?: OpenstackConfig;
}

/** A service's endpoint in a scope: case and trailing slashes do not make another service. */
export const endpoint = (url: string) => url.replace(/\/+$/, "").toLowerCase();

const normal = (name: string) => name.trim().replace(/\.$/, "").toLowerCase();
const asPrefix = (name: string) => `${name.replace(/^\/+|\/+$/g, "").replace(/\/+/g, "/")}/`;

/** Whether two names of one scope are one: as the service compares them, or key prefixes one within the other. */
function clash(a: ExternalName, b: ExternalName): boolean {
    if (a.scope !== b.scope || !!a.prefix !== !!b.prefix) return false;
    if (!a.prefix) return normal(a.name) === normal(b.name);
    const [x, y] = [asPrefix(a.name), asPrefix(b.name)];
    return x.startsWith(y) || y.startsWith(x);
}

/** The external names the enabled, non-local `sections` write, per system. */
function namesOf(
    systems: readonly SystemDefinition[],
    sections: (def: SystemDefinition) => SectionBase | undefined,
    openstack: unknown,
): ExternalName[] {
    const context = { openstack: openstackSchema.safeParse(openstack).data };
    // Only a system that names any is read: another stack's other sections are not parsed.
    return systems.flatMap((def) => {
        const section = def.externalNames ? sections(def) : undefined;
        return section?.enabled ? def.externalNames!(section, context) : [];
    });
}

/** This stack's external names that another committed stack writes too: one problem each, at this stack's key. */
export function externalNameProblems(input: {
    stack: string | undefined;
    systems: readonly SystemDefinition[];
    /** The sections this stack's systems were read as (broken keys are not compared). */
    sections: Readonly<Record<string, SectionBase>>;
    /** Keys of this stack that are wrong: a broken field is read as its example, never compared. */
    broken: readonly string[];
    openstack: unknown;
    otherStacks: () => readonly OtherStack[];
}): Passed<null> {
    if (input.stack === undefined || isLocalStack(input.stack)) return { state: null, problems: [] };
    const mine = namesOf(input.systems, (def) => input.sections[def.section], input.openstack).filter(
        (n) => !underBroken(n.key, input.broken),
    );
    if (mine.length === 0) return { state: null, problems: [] };
    const problems: ConfigProblem[] = [];
    for (const other of input.otherStacks().filter((o) => !isLocalStack(o.stack))) {
        const theirs = namesOf(
            input.systems,
            (def) => {
                const raw = other.values[def.section];
                const parsed = isMapping(raw) ? def.schema.safeParse(raw) : undefined;
                return parsed?.success ? parsed.data : undefined;
            },
            other.values.openstack,
        );
        // One problem per key: a host's name may be its record and more.
        const byKey = new Map<string, ExternalName[]>();
        for (const n of mine.filter((x) => theirs.some((t) => clash(x, t))))
            byKey.set(n.key, [...(byKey.get(n.key) ?? []), n]);
        for (const [key, names] of byKey) {
            const what = [...new Set(names.map((n) => n.what))];
            const whats = what.length === 1 ? what[0] : `${what.slice(0, -1).join(", ")} and ${what.at(-1)}`;
            const why =
                names.find((n) => n.why)?.why ?? `two stacks writing one ${whats} write over each other's`;
            const one = names.length === 1;
            const article = /^[aeiou]/i.test(whats) ? "an" : "a";
            problems.push({
                key: fullKey(key),
                message: `names ${one ? `the ${whats}` : `${names.length} names (${whats})`} that stack ${other.stack} writes${names.some((n) => n.prefix) ? ", or one within or around it" : ""}: a name outside the stack's namespaces belongs to one stack, and ${why}. Give this stack ${one ? `${article} ${whats}` : "names"} of its own`,
            });
        }
    }
    return { state: null, problems };
}
