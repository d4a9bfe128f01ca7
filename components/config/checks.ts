import { CronExpressionParser } from "cron-parser";
import { distance } from "fastest-levenshtein";
import * as ipaddr from "ipaddr.js";
import { AddressSet, worldAdmitted } from "../shared/addressRanges";
import { DNS_LABEL, dnsLabelProblem } from "../shared/naming";
import { quantityValue } from "../shared/resources";

// The one implementation of every value check that both the config layer (zod fields) and the offline validator
// (test/oracles/validate) apply. Each returns why a value is wrong, or undefined when it is fine.

/** Macros Kubernetes' CronJob controller accepts (robfig/cron's ParseStandard descriptors). */
const CRON_MACROS = new Set("@yearly @annually @monthly @weekly @daily @midnight @hourly".split(" "));
/** Month and weekday names robfig/cron accepts; removed before looking for syntax it does not. */
const NAMES = /\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi;
/** `@every <Go duration>`, also accepted by ParseStandard. */
const CRON_EVERY = /^@every ([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** A CronJob schedule as robfig/cron reads it: cron-parser checks ranges; what only it accepts is refused here. */
export function cronProblem(schedule: string): string | undefined {
    const value = schedule.trim();
    if (CRON_MACROS.has(value) || CRON_EVERY.test(value)) return undefined;
    if (value.startsWith("@")) {
        return `unknown macro ${value} (Kubernetes knows ${[...CRON_MACROS].join(", ")} and @every <duration>)`;
    }
    if (/TZ=/.test(value))
        return "must not set a time zone in the schedule (use the CronJob's timeZone field)";
    const fields = value.split(/\s+/);
    if (fields.length !== 5) {
        return `must have five fields (minute hour day-of-month month day-of-week), not ${fields.length}`;
    }
    const withoutNames = value.replace(NAMES, "");
    if (/[LW#]/i.test(withoutNames)) return "must not use L, W or # (Kubernetes does not support them)";
    try {
        CronExpressionParser.parse(value, { strict: false });
        return undefined;
    } catch (err) {
        return `is not a valid cron schedule: ${(err as Error).message}`;
    }
}

/** RFC 1123 subdomain (host names, most object names): labels joined by dots, at most 253 characters. */
export function dnsSubdomainProblem(value: string): string | undefined {
    if (value.length > 253) return `must be at most 253 characters (a DNS name), not ${value.length}`;
    const labels = value.split(".");
    if (labels.some((l) => l.length > 63 || !DNS_LABEL.test(l))) {
        return "must be a lower-case DNS name such as example.org (labels of at most 63 characters)";
    }
    return undefined;
}

/** A certificate subject name: a DNS name of two labels or more, or a one-level wildcard such as `*.packit.dev`. */
export function certificateNameProblem(value: string): string | undefined {
    const host = value.startsWith("*.") ? value.slice(2) : value;
    if (!host.includes(".") || dnsSubdomainProblem(host) !== undefined) {
        return "must be a DNS name or a wildcard such as *.packit.dev";
    }
    return undefined;
}

/** A prefix of object names (Prow's `staging-`): empty, or the start of a DNS label (it may end with '-'). */
export function namePrefixProblem(value: string): string | undefined {
    if (value !== "" && dnsLabelProblem(`${value}0`) !== undefined) {
        return "must be empty or lower-case letters, digits and '-', starting alphanumeric";
    }
    return undefined;
}

/** An IPv4 (or IPv6) address as OpenStack stores it: IPv4 in four decimal parts only (Neutron refuses `10.1`). */
export function ipProblem(value: string, family: 4 | 6 | "any" = 4): string | undefined {
    const found = ipFamily(value);
    if (found === undefined || (family !== "any" && found !== family)) {
        return `must be an IPv${family === "any" ? "4 or IPv6" : family} address such as ${family === 6 ? "2001:db8::1" : "192.0.2.10"}`;
    }
    return undefined;
}

function ipFamily(value: string): 4 | 6 | undefined {
    if (ipaddr.IPv4.isValidFourPartDecimal(value)) return 4;
    // A zone index (`fe80::1%eth0`) names an interface of one machine: no remote address has one.
    if (!value.includes("%") && ipaddr.IPv6.isValid(value)) return 6;
    return undefined;
}

/** A CIDR block: an address and a prefix length that fits its family. */
export function cidrProblem(value: string): string | undefined {
    const m = /^([^/]+)\/([0-9]{1,3})$/.exec(value);
    const family = m ? ipFamily(m[1]) : undefined;
    if (!m || family === undefined || Number(m[2]) > (family === 4 ? 32 : 128)) {
        return "must be a CIDR block such as 192.0.2.0/24";
    }
    return undefined;
}

/** Dgraph's `--whitelist`: IPv4 ranges `first:last` separated by commas, each end an address, first not after last. */
export function ipRangeListProblem(value: string): string | undefined {
    for (const range of value.split(",")) {
        const ends = range.split(":");
        if (ends.length !== 2 || ends.some((e) => ipProblem(e) !== undefined)) {
            return `"${range}" must be an IPv4 range such as 172.54.0.0:172.54.255.255`;
        }
        const [first, last] = ends.map((e) =>
            ipaddr.IPv4.parse(e)
                .toByteArray()
                .reduce((n, b) => n * 256 + b, 0),
        );
        if (first > last) return `"${range}" starts after it ends`;
    }
    return undefined;
}

/** The families whose whole internet the union of these blocks admits, however split or spelt (unparsed ones aside). */
export function worldAdmittedBy(blocks: readonly string[]): ("IPv4" | "IPv6")[] {
    const set = AddressSet.of(blocks.filter((b) => AddressSet.of([b]) !== undefined));
    return set === undefined ? [] : worldAdmitted(set);
}

/** True for one block that admits the whole internet of a family (`0.0.0.0/0`, `::/0`, `2000::/3`, `::ffff:0:0/96`). */
export function isWholeInternet(block: string): boolean {
    return worldAdmittedBy([block]).length > 0;
}

export function portProblem(value: number): string | undefined {
    return Number.isInteger(value) && value >= 1 && value <= 65535
        ? undefined
        : "must be a port number from 1 to 65535";
}

/** `host:port` pairs separated by commas (Kafka bootstrap servers, an API server): DNS names and real ports. */
export function hostPortListProblem(value: string): string | undefined {
    for (const entry of value.split(",")) {
        const m = /^(.+):([0-9]{1,5})$/.exec(entry);
        if (!m || dnsSubdomainProblem(m[1].toLowerCase()) !== undefined) {
            return `"${entry}" must be host:port, e.g. kafka.example.org:443`;
        }
        if (portProblem(Number(m[2])))
            return `"${entry}" has port ${m[2]}; a port is a number from 1 to 65535`;
    }
    return undefined;
}

/** Largest value of a Kubernetes int32 field (replicas) and of the OpenStack sizes in GB. */
export const INT32_MAX = 2147483647;

// The Kubernetes quantity grammar (k8s.io/apimachinery resource.Quantity).
const QUANTITY = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** A Kubernetes quantity that sizes something (a volume, a request): the API grammar, and more than zero. */
export function quantityProblem(value: string): string | undefined {
    const m = QUANTITY.exec(value);
    if (!m) return "must be a Kubernetes quantity such as 500m or 1Gi";
    // Judged by the reader the program sizes with, so no accepted value stops it later without a key.
    const size = quantityValue(value);
    if (size === undefined)
        return "must be a Kubernetes quantity of a size a number can hold (this one is too large)";
    if (Number(m[1]) === 0 || size === 0)
        return "must be greater than zero (a volume or request of 0 is refused or useless)";
    return undefined;
}

/** Longest string any config value may hold: far above every real value (240), far below what hurts a plan. */
export const MAX_STRING_LENGTH = 1024;

// C0 and C1 controls (a setting is one line; issues.ts lets a free-form value's documents through) and bidirectional
// controls (Trojan Source).
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Longest multi-line content a free-form value may hold (a CA bundle, a short script). */
export const MAX_DOCUMENT_LENGTH = 16384;

/** Characters or a length that must never reach an object; a `document`'s line breaks and tabs are its own. */
export function textProblem(value: string, document = false): string | undefined {
    const bad = UNSAFE_CHARS.exec(document ? value.replace(/\r?\n|\t/g, (m) => " ".repeat(m.length)) : value);
    if (bad) {
        const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
        const oneLine =
            code === "000A"
                ? " (a setting is one line; only a free-form value may hold PEM certificates, SSH public keys or a #! script over several)"
                : "";
        return `contains the control or bidirectional character U+${code} at position ${bad.index}; retype the value${oneLine}`;
    }
    const max = document ? MAX_DOCUMENT_LENGTH : MAX_STRING_LENGTH;
    if (value.length > max) {
        return `is ${value.length} characters long; at most ${max} are allowed`;
    }
    return undefined;
}

/** The closest candidate to a misspelt name, when close enough to be a typo and unambiguous. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
    const limit = name.length <= 3 ? 1 : name.length <= 5 ? 2 : 3;
    let best: string | undefined;
    let bestDistance = Infinity;
    let tie = false;
    for (const c of candidates) {
        if (c === name) continue;
        const d = distance(name.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
            tie = false;
        } else if (d === bestDistance) {
            tie = true;
        }
    }
    return best !== undefined && bestDistance <= limit && !tie ? best : undefined;
}

/** The boolean a YAML 1.1 word says (`yes`, `off`...); YAML 1.2 keeps them as strings, so a fix writes what it says. */
export function yaml11Boolean(text: string): boolean | undefined {
    const t = text.trim();
    if (/^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(t)) return true;
    if (/^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(t)) return false;
    return undefined;
}
