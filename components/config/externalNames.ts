import { isLocalStack } from "./identity";
import { isMapping } from "./issues";
import { ConfigProblem, fullKey } from "./problems";
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
}

/** What each system reads besides its section: the stack's `openstack` section, as written. */
export interface ExternalNameContext {
    openstack: unknown;
}

const normal = (name: string) => name.trim().replace(/\.$/, "").toLowerCase();

/** The external names the enabled, non-local `sections` write, per system. */
function namesOf(
    systems: readonly SystemDefinition[],
    sections: (def: SystemDefinition) => SectionBase | undefined,
    context: ExternalNameContext,
): ExternalName[] {
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
    const mine = namesOf(input.systems, (def) => input.sections[def.section], {
        openstack: input.openstack,
    }).filter((n) => !underBroken(n.key, input.broken));
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
            { openstack: other.values.openstack },
        );
        const taken = new Set(theirs.map((n) => `${n.scope} ${normal(n.name)}`));
        for (const n of mine.filter((x) => taken.has(`${x.scope} ${normal(x.name)}`)))
            problems.push({
                key: fullKey(n.key),
                message: `names the ${n.what} that stack ${other.stack} writes: a name outside the stack's namespaces belongs to one stack, and two stacks writing one ${n.what} write over each other's. Give this stack a ${n.what} of its own`,
            });
    }
    return { state: null, problems };
}
