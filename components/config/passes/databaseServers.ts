import { canonicalDatabaseServer, uriDatabaseServer } from "../databaseServer";
import { isLocalStack, isProductionStack } from "../identity";
import { valueAt } from "../issues";
import { ConfigProblem, fullKey, secretFix } from "../problems";
import { ClustersConfig } from "../program";
import { DatabaseServerUse } from "../system";
import { ConfigSource } from "../source";
import { OtherStack } from "../stacks";
import { isPlaceholder } from "../../shared/placeholder";
import { Passed } from "./pass";
import { SystemRead } from "./systems";

// A database outside the cluster is not deployed, so nothing else tells two stacks' apart: each stack names its server
// in a plain committed key, the URI secrets must name it, and a non-production one must not be production's.

export interface DatabaseServersInput {
    /** The stack being checked; unset for partial configurations, which have no other stacks. */
    stack?: string;
    read: readonly SystemRead[];
    clusters: ClustersConfig;
    /** The other committed stacks' files (components/config/stacks.ts). */
    otherStacks(): readonly OtherStack[];
}

/** Every enabled system's database servers: URIs on the named server, a non-production one not production's. */
export function databaseServers(source: ConfigSource, input: DatabaseServersInput): Passed<void> {
    const problems: ConfigProblem[] = [];
    // A partial configuration has no other stacks, and production's own server is the one the others differ from.
    const againstProduction = input.stack !== undefined && !isProductionStack(input.stack);
    for (const { use, declared } of declaredServers(input)) {
        problems.push(...uriProblems(source, use, declared));
        if (againstProduction) problems.push(...productionServerProblems(input, use, declared));
    }
    return { state: undefined, problems };
}

/** Each server an enabled, connecting system names in a readable key, with its canonical host:port. */
function declaredServers(input: DatabaseServersInput): { use: DatabaseServerUse; declared: string }[] {
    const out: { use: DatabaseServerUse; declared: string }[] = [];
    for (const system of input.read) {
        const { def, parsed } = system;
        if (!parsed.enabled || !def.databaseServers || isLocalStack(input.stack)) continue;
        for (const use of def.databaseServers(parsed)) {
            const declared = canonicalDatabaseServer(use.server);
            // A placeholder is the system's check's to ask for; an unreadable value is the schema's problem.
            if (isPlaceholder(use.server) || declared === undefined || system.broken.includes(use.key))
                continue;
            out.push({ use, declared });
        }
    }
    return out;
}

/** Each URI secret with a value here (the offline plan has none) is on the server its key names. */
function uriProblems(source: ConfigSource, use: DatabaseServerUse, declared: string): ConfigProblem[] {
    const named = `${fullKey(use.key)} (${declared})`;
    const problems: ConfigProblem[] = [];
    for (const key of use.uris) {
        const text = source.isSecret(key) ? source.getValue(key) : undefined;
        if (typeof text !== "string") continue;
        const at = uriDatabaseServer(text);
        if (at === declared) continue;
        problems.push({
            key: fullKey(key),
            message:
                at === undefined
                    ? `names no single PostgreSQL server this check can read (postgresql://<user>:<password>@<host>:<port>, one host, no host= or port= in the query), so nothing proves it is the server ${named} names. Set it to a URI on that server`
                    : `is a URI on another server than ${named}, which this stack's ${use.holds} are on (the server it names is not printed: the value is a secret). Set it to a URI on that server; if the key is what is wrong, set the key to this stack's own server instead`,
            fix: secretFix(key),
        });
    }
    return problems;
}

/** A non-production stack's server is proven different from the one each production stack file names. */
function productionServerProblems(
    input: DatabaseServersInput,
    use: DatabaseServerUse,
    declared: string,
): ConfigProblem[] {
    const [section, ...path] = use.key.split(".");
    const problems: ConfigProblem[] = [];
    for (const other of input.otherStacks().filter((o) => o.production)) {
        const theirs = valueAt(other.values[section], path);
        const where = `Pulumi.${other.stack}.yaml, ${fullKey(use.key)}`;
        // `set-by-operator` reads as a host name: a placeholder names no server.
        const known = isPlaceholder(theirs) ? undefined : canonicalDatabaseServer(theirs);
        if (known === undefined) {
            problems.push({
                key: fullKey(use.key),
                message: `cannot be proven to differ from production's: stack "${other.stack}" (production) names no server for ${use.holds} (${where} is ${theirs === undefined ? "unset" : JSON.stringify(theirs)}). Its operator sets it to production's host:port first (it is in production's ${use.uris.map(fullKey).join(" and ")}), then this stack runs`,
            });
        } else if (known === declared) {
            problems.push({
                key: fullKey(use.key),
                message: `is ${use.server}, the server stack "${other.stack}" (production) names for its ${use.holds} (${where}): this stack would read and write production's data. Request a server of this stack's own and name it here (host:port), with URIs on it in ${use.uris.map(fullKey).join(" and ")}`,
            });
        }
    }
    return problems;
}
