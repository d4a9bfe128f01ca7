import { domainToASCII } from "node:url";
import type { FixEdit } from "./fixCommands";
import { pastedUrl } from "./fields";
import { hostCovers } from "./ownership";
import { STACK_FILE, fullKey } from "./problems";
import { ConfigSource } from "./source";
import type { OtherStack } from "./stacks";

// A printed fix must never write a value another stack owns, in any spelling (`CMSDIALS.WEB.CERN.CH.` is
// cmsdials.web.cern.ch to a resolver): fixes' values are compared canonically, and where they meet, the fix asks.

/** The settings that name a stack's own object or endpoint: a host, a domain, a namespace, a bucket, a subdomain. */
const OWNED_KEYS = new Set(["namespace", "host", "domain", "subdomain", "bucket", "egroup"]);

/** Whether a setting's name says its value is a stack's own (`frontendHost`, `jobsNamespace`, `domain`). */
export function isOwnedKey(name: string): boolean {
    return OWNED_KEYS.has(name) || /[a-z0-9](Host|Namespace|Domain|Bucket)$/.test(name);
}

/** The grant maps of a cluster entry: their keys are what a stack owns there. */
const GRANT_KINDS = new Set(["namespaces", "hosts"]);

/** A value as a resolver reads it: a URL's host (and non-default port), lower case, ASCII, no trailing dot. */
export function canonicalName(written: string): string {
    const text = pastedUrl(written.trim())?.host ?? written.trim();
    const m = /^(.*?)(?::(\d+))?$/.exec(text.toLowerCase());
    const host = (m?.[1] ?? text.toLowerCase()).replace(/\.+$/, "");
    const port = m?.[2] === undefined || m[2] === "443" || m[2] === "80" ? "" : `:${m[2]}`;
    const ascii = /[^\x00-\x7f]/.test(host) || host.includes("xn--") ? domainToASCII(host) : host;
    return `${ascii === "" ? host : ascii}${port}`;
}

/** A value a stack holds as its own, canonical (a host pattern `*-aicoe.apps...` keeps its `*`). */
interface Owned {
    stack: string;
    value: string;
}

/** Every value at a setting named like a stack's own, and every namespace and host its clusters grant. */
function ownedValues(values: Record<string, unknown>, skip?: string): string[] {
    const out: string[] = [];
    const walk = (v: unknown, key: string, last: string, grant: boolean, depth: number): void => {
        if (depth > 32 || key === skip) return;
        if (typeof v === "string") {
            if (isOwnedKey(last)) out.push(canonicalName(v));
        } else if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, `${key}[${i}]`, last, false, depth + 1));
        } else if (v !== null && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) {
                if (grant) out.push(canonicalName(k));
                walk(x, `${key}.${k}`, k, GRANT_KINDS.has(k) && key.startsWith("clusters."), depth + 1);
            }
        }
    };
    for (const [k, v] of Object.entries(values)) walk(v, k, k, false, 0);
    return out;
}

/** Whether `value` (canonical) is one another stack owns: equal, or matched by one of its host patterns. */
function ownerOf(value: string, owned: readonly Owned[]): string | undefined {
    return owned.find((o) => o.value === value || (o.value.includes("*") && hostCovers(o.value, value)))
        ?.stack;
}

/** Another stack's value a fix would write, with what the question for this stack's own value names. */
export interface ForeignWrite {
    /** The stack that holds it. */
    owner: string;
    /** What the value is (`frontendHost`, `host`, `namespace`). */
    noun: string;
    /** The fix grants it: `clusters.<name>.<kind>` is the grant map. */
    grantMap?: string;
}

/** Whether a fix writes a value another committed stack owns (a value this stack holds as well stays its own). */
export function foreignWrites(
    source: ConfigSource,
    others: () => readonly OtherStack[],
    committed: (key: string) => unknown,
): (edits: readonly FixEdit[]) => ForeignWrite | undefined {
    let owned: Owned[] | undefined;
    let values: Record<string, unknown> | undefined;
    return (edits) => {
        for (const e of edits) {
            if (e.verb !== "set" || e.secret) continue;
            const segments = [e.head, ...e.path];
            const grant =
                e.head === "clusters" &&
                GRANT_KINDS.has(String(segments[2])) &&
                typeof segments[3] === "string";
            const last = [...segments].reverse().find((x): x is string => typeof x === "string") ?? e.head;
            const written = grant
                ? String(segments[3])
                : typeof e.value === "string" && isOwnedKey(last)
                  ? e.value
                  : undefined;
            if (written === undefined) continue;
            const value = canonicalName(written);
            owned ??= others().flatMap((o) =>
                ownedValues(o.values).map((v) => ({ stack: o.stack, value: v })),
            );
            const owner = ownerOf(value, owned);
            if (owner === undefined) continue;
            const key = segments.reduce<string>(
                (k, x) => (typeof x === "number" ? `${k}[${x}]` : k === "" ? x : `${k}.${x}`),
                "",
            );
            values ??= Object.fromEntries(
                source
                    .keys()
                    .filter((k) => !source.isSecret(k))
                    .map((k) => [k, source.getValue(k)]),
            );
            const was = committed(fullKey(key));
            if (ownedValues(values, key).includes(value)) continue;
            if (typeof was === "string" && canonicalName(was) === value) continue;
            return grant
                ? {
                      owner,
                      noun: String(segments[2]).replace(/s$/, ""),
                      grantMap: `clusters.${String(segments[1])}.${String(segments[2])}`,
                  }
                : { owner, noun: last };
        }
        return undefined;
    };
}

/** The question that replaces a fix writing another stack's value: this stack's own value, never that one. */
export function foreignQuestion(key: string, found: ForeignWrite): string {
    const whose = `stack "${found.owner}"'s, compared as a resolver reads it: case, a trailing dot, IDN and default ports aside`;
    return found.grantMap !== undefined
        ? `edit ${STACK_FILE}: set the setting that writes this ${found.noun} to <a ${found.noun} of this stack's own>, granted in ${fullKey(found.grantMap)} (the ${found.noun} this fix would grant is ${whose})`
        : `edit ${STACK_FILE}: set ${key} to <this stack's own ${found.noun}> (the value a repair would write is ${whose})`;
}
