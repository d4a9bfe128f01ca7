import { existsSync, readFileSync } from "fs";
import { distance } from "fastest-levenshtein";
import * as path from "path";
import stableStringify from "safe-stable-stringify";
import { parse } from "yaml";
import { isMapping, valueAt } from "./issues";
import { ConfigProblem, fullKey, projectSettings } from "./problems";
import type { StackTier } from "./system";

// Which stacks are production is decided by the stack's NAME in this committed list, never by its own file: a one-line
// edit of `runbooks:tier` must not switch off the protection of production data.

/** The stacks that are production. */
export const PRODUCTION_STACKS: readonly string[] = ["prod"];

/** The stacks whose files take part in the ownership model: the committed ones, not a backup copy beside them. */
export const COMMITTED_STACKS: readonly string[] = ["prod", "stage", "local", "local-callysto"];

/** The stacks that rehearse production's code paths on pinned clusters of their own (the e2e's kwok). */
export const LOCAL_STACKS: readonly string[] = ["local", "local-callysto"];

/** Whether a stack is production: by its name, never by its configuration. */
export function isProductionStack(stack: string | undefined): boolean {
    return stack !== undefined && PRODUCTION_STACKS.includes(stack);
}

/** Whether a stack is one of the committed local stacks (by name). */
export function isLocalStack(stack: string | undefined): boolean {
    return stack !== undefined && LOCAL_STACKS.includes(stack);
}

/** The production stack a stack name is a near miss of (`Prod`, `prd`, `Production`): it may even read its file. */
export function nearProductionName(stack: string | undefined): string | undefined {
    if (stack === undefined || isProductionStack(stack)) return undefined;
    const name = stack.toLowerCase();
    for (const prod of PRODUCTION_STACKS) {
        if (distance(name, prod) <= 1 || name === "production" || distance(name, "production") <= 2)
            return prod;
    }
    return undefined;
}

/** A stack that claims production without its name (its `tier`, or a near-miss name); local stacks may rehearse. */
export function productionClaimProblems(
    stack: string | undefined,
    tier: StackTier | undefined,
): ConfigProblem[] {
    if (stack === undefined || isProductionStack(stack)) return [];
    const near = nearProductionName(stack);
    if (near !== undefined) {
        return [
            {
                key: fullKey("tier"),
                message: `belongs to stack "${stack}", a near miss of production's name; did you mean stack "${near}"? Only the committed Pulumi.${near}.yaml run as stack "${near}" is production (components/config/identity.ts), and a stack named like it is refused whatever its tier: select that stack if production is what you meant, else give this stack a name that is not production's (pulumi stack rename) with runbooks:tier staging or local`,
            },
        ];
    }
    if (tier !== "production" || isLocalStack(stack)) return [];
    return [
        {
            key: fullKey("tier"),
            message: `says "production", but stack "${stack}" is not production: only the committed Pulumi.prod.yaml run as stack "prod" is (components/config/identity.ts, PRODUCTION_STACKS), and any other stack that claims it is refused: set it to the tier of this stack (staging or local)`,
        },
    ];
}

/** The committed text of a stack file, as git has it at HEAD. */
export interface CommittedFiles {
    /** `Pulumi.<stack>.yaml` at HEAD, or undefined when git does not track it there. */
    atHead(stack: string): string | undefined;
}

/** The settings that make a stack production and say which clusters it writes to: they run only as committed. */
const COMMITTED_KEYS = (config: Record<string, unknown>) => {
    const names = isMapping(config.clusters) ? Object.keys(config.clusters) : [];
    const identities = names.map((name): [string, unknown] => [
        `clusters.${name}.identity`,
        valueAt(config.clusters, [name, "identity"]),
    ]);
    return new Map<string, unknown>([["tier", config.tier], ...identities]);
};

/** Production's tier and pinned identities run only as committed at HEAD (`received`: the values read). */
export function committedProductionProblems(
    stack: string | undefined,
    received: (key: string) => unknown,
    committed: CommittedFiles,
): ConfigProblem[] {
    if (!isProductionStack(stack)) return [];
    const file = `Pulumi.${stack}.yaml`;
    const text = committed.atHead(stack!);
    if (text === undefined) {
        return [
            {
                key: fullKey("tier"),
                message: `comes from a file git does not track at HEAD: production is the committed ${file} (components/config/identity.ts), so it runs only from a reviewed commit: commit it after review, then run again`,
            },
        ];
    }
    let config: Record<string, unknown>;
    try {
        const doc = parse(text, { merge: true }) as { config?: Record<string, unknown> } | null;
        config = projectSettings(doc?.config ?? {});
    } catch {
        config = {};
    }
    const atHead = COMMITTED_KEYS(config);
    const given = COMMITTED_KEYS({ tier: received("tier"), clusters: received("clusters") });
    const problems: ConfigProblem[] = [];
    for (const key of [...new Set([...atHead.keys(), ...given.keys()])].sort()) {
        if (stableStringify(atHead.get(key)) === stableStringify(given.get(key))) continue;
        problems.push({
            key: fullKey(key),
            message: `differs from the committed ${file} (HEAD): production's tier and pinned cluster identities run only as committed, never from an uncommitted edit or another file: commit the change after review, or restore it as committed (git diff HEAD -- ${file})`,
        });
    }
    return problems;
}

/** Where a top-level key is written, as `Pulumi.<stack>.yaml:<line>` (the file alone when not found). */
export function stackFileLocation(stack: string, key: string, root = process.cwd()): string {
    const name = `Pulumi.${stack}.yaml`;
    const file = path.join(root, name);
    if (!existsSync(file)) return name;
    const pattern = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:`);
    const lines = readFileSync(file, "utf8").split("\n");
    const at = lines.findIndex((line) => pattern.test(line));
    return at < 0 ? name : `${name}:${at + 1}`;
}

/** A production stack whose file names another tier: refused; the only fix restores `production`. */
export function tierProblems(
    stack: string | undefined,
    tier: StackTier | undefined,
    root?: string,
): ConfigProblem[] {
    if (stack === undefined || !isProductionStack(stack) || tier === undefined || tier === "production")
        return [];
    return [
        {
            key: fullKey("tier"),
            message: `says "${tier}" (${stackFileLocation(stack, fullKey("tier"), root)}), but stack "${stack}" is production by its name (components/config/identity.ts, PRODUCTION_STACKS): a production stack keeps every stateful object protected whatever its file says: its tier is production`,
        },
    ];
}
