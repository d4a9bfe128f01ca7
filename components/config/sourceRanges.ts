import { AddressSet, worldAdmitted } from "../shared/addressRanges";
import { ConfigProblem, fullKey } from "./problems";

// A production source list (who may reach a port) is held to what its runbook admits there, compared as address
// sets: wider in any piece, however the pieces are written, is refused. Where the program does not know the
// runbook's value, it never makes one up: it refuses a list that admits the whole internet and asks for the value.

/** What the runbook admits at a source list. */
export interface RunbookSources {
    /** The runbook's ranges, in the form the setting takes, when the program knows them. */
    ranges?: readonly string[];
    /** Where they come from, or (unknown) whom to ask: `runbook 000's dgraph-thoth-config`. */
    source: string;
    /** How the setting joins its pieces (`,` for Dgraph's `--whitelist`); unset: a list. */
    separator?: string;
}

/** `every unicast IPv4 address and every global IPv6 address (2000::/3)`. */
export function worldWords(families: readonly ("IPv4" | "IPv6")[]): string {
    const words = { IPv4: "every unicast IPv4 address", IPv6: "every global IPv6 address (2000::/3)" };
    return families.map((f) => words[f]).join(" and ");
}

/** The problem of a production source list admitting more than the runbook does (unparsed pieces aside). */
export function widerSourcesProblem(
    key: string,
    pieces: readonly string[],
    runbook: RunbookSources,
): ConfigProblem | undefined {
    const admitted = AddressSet.of(pieces);
    if (admitted === undefined) return undefined;
    if (runbook.ranges !== undefined) {
        const beyond = admitted.minus(AddressSet.must(...runbook.ranges));
        if (beyond.isEmpty()) return undefined;
        const value = runbook.ranges.join(runbook.separator ?? ",");
        const shown = beyond.toCidrs();
        return {
            key: fullKey(key),
            message: `admits ${shown.slice(0, 3).join(", ")}${shown.length > 3 ? ` and ${shown.length - 3} more blocks` : ""} beyond what ${runbook.source} admits (${value}): a production stack opens no range its runbook does not`,
        };
    }
    const world = worldAdmitted(admitted);
    if (world.length === 0) return undefined;
    return {
        key: fullKey(key),
        message: `admits ${worldWords(world)} (the union of its pieces): in production that opens it to the whole internet. The program does not know the range ${runbook.source} admits, so it cannot offer it: set it to the address ranges ${runbook.source} admits (ask its owners)`,
    };
}
