import { createHash } from "crypto";
import { shellWords } from "../tools/cli/shellText";
import { ConfigProblem, PROJECT } from "../components/config/problems";

// A committed stack file holds placeholders for values only an operator has (ids of live objects, the digests running
// today, the claim of a running database). A real run, the engine's preview included, stops on each. To compare the
// committed file's offline plan with the engine's preview, the e2e copy gets a TEST value for each, chosen so that the
// program's own checks accept it; every value is set on a temporary copy, never on a committed file.

/** A test value the e2e gives one operator value: the `pulumi config set --path` key and value, and why that value. */
export interface OperatorTestValue {
    /** The problem's key, as the program reported it (`runbooks:...`). */
    key: string;
    path: string;
    value: string;
    why: string;
}

/** What the program's printed fix writes where the operator pastes what a command printed. */
const DIGEST_MARKER = "<the digest printed>";

/** A digest no registry serves, the same for the same key on every run (so two runs' plans compare). */
export function testDigest(path: string): string {
    return `sha256:${createHash("sha256").update(`e2e test digest of ${path}`).digest("hex")}`;
}

/**
 * The `pulumi config set --path KEY VALUE` commands of a printed fix that pins the digest the operator reads, with a
 * test digest in its place: following the program's own fix is what proves it clears the problem. A command of the
 * same fix that writes a value the fix chose (a confirmed release tag) is followed as printed.
 */
function digestPins(problem: ConfigProblem): OperatorTestValue[] {
    if (problem.fix === undefined || !problem.fix.includes(DIGEST_MARKER)) return [];
    const out: OperatorTestValue[] = [];
    for (const part of problem.fix.split(/ ; | && /)) {
        const at = part.indexOf("pulumi config set ");
        if (at < 0) continue;
        const digest = testDigest(problem.key).slice("sha256:".length);
        const command = part.slice(at).replace(DIGEST_MARKER, digest);
        // Anything but one plain `set --path` of a literal value is no command the e2e can follow; the stack may be named.
        const words = shellWords(command);
        const stackAt = words.indexOf("--stack");
        const args = words.filter((w, i) => !w.startsWith("--") && (stackAt < 0 || i !== stackAt + 1));
        if (
            /[<>$]/.test(command) ||
            !words.includes("--path") ||
            words.includes("--secret") ||
            args.length !== 5
        )
            return [];
        const [, , , path, value] = args;
        out.push({
            key: problem.key,
            path,
            value,
            why: value.includes(digest) ? "the fix's digest pin, with a test digest" : "as the fix prints it",
        });
    }
    return out;
}

/** The live cluster's facts a test value may need. */
export interface LiveFacts {
    /** The uid of the e2e cluster's kube-system namespace: what every cluster of the copy is pinned to. */
    kubeSystemUid: string;
}

/**
 * Operator values by the last segments of their key, with the test value the e2e gives each and why it is a fair
 * stand-in. A key none of these names, and whose fix pins no digest, has no test value: the e2e fails naming it,
 * since a new kind of operator value needs its own stand-in here.
 */
const BY_KEY: readonly {
    pattern: RegExp;
    value: (path: string, live: LiveFacts) => { path: string; value: string };
    why: string;
}[] = [
    {
        pattern: /^clusters\.[^.]+\.identity\.uid$/,
        value: (path, live) => ({ path, value: live.kubeSystemUid }),
        why: "the e2e cluster's kube-system uid: every cluster of the copy is this one cluster",
    },
    {
        pattern: /^clusters\.[^.]+\.ingressNamespace$/,
        value: (path) => ({ path, value: "e2e-ingress" }),
        why: "a namespace the e2e cluster runs no ingress controller in: only the NetworkPolicies name it",
    },
    {
        pattern: /^[a-z]+\.postgres\.claimName$/,
        value: (path) => ({ path, value: `e2e-${path.split(".")[0]}-postgres-data` }),
        why: "a claim name for the database the copy takes over; a preview reads no claim",
    },
    {
        pattern: /^dials\.databaseServer$/,
        value: (path) => ({ path, value: "dbod-e2e.localhost:5432" }),
        why: "a server name that resolves to this machine only",
    },
    {
        pattern: /\.allowFrom$/,
        value: (path) => ({ path: `${path}[0]`, value: "127.0.0.1/32" }),
        why: "the e2e's only reader is this machine",
    },
];

/**
 * A test value for every placeholder problem of `problems` that has one, and the problems left without one. Only
 * placeholder problems are looked at: any other problem of a committed copy is a failure, not an operator value.
 */
export function operatorTestValues(
    problems: readonly ConfigProblem[],
    live: LiveFacts,
): { values: OperatorTestValue[]; unfilled: ConfigProblem[] } {
    const values: OperatorTestValue[] = [];
    const unfilled: ConfigProblem[] = [];
    for (const p of problems) {
        if (!p.placeholder) continue;
        const pins = digestPins(p);
        if (pins.length > 0) {
            values.push(...pins);
            continue;
        }
        const path = p.key.startsWith(`${PROJECT}:`) ? p.key.slice(PROJECT.length + 1) : p.key;
        const rule = BY_KEY.find((r) => r.pattern.test(path));
        if (!rule) {
            unfilled.push(p);
            continue;
        }
        values.push({ key: p.key, ...rule.value(path, live), why: rule.why });
    }
    // One value per path: two problems of one key (a digest and a tag of one release) write it once.
    const seen = new Map<string, OperatorTestValue>();
    for (const v of values) seen.set(v.path, v);
    return { values: [...seen.values()], unfilled };
}

/**
 * Gives every operator value a test value, round by round: `apply` sets the values given so far on the copy and
 * returns the problems the program then reports (a value given can reveal the next check's problem: a production pin
 * comes before the images it pins). Returns the values given and the problems left; the e2e and its unit test share it.
 */
export function fillOperatorValues(
    problems: readonly ConfigProblem[],
    live: LiveFacts,
    apply: (given: readonly OperatorTestValue[]) => readonly ConfigProblem[],
    rounds = 3,
): { values: OperatorTestValue[]; left: readonly ConfigProblem[] } {
    const values: OperatorTestValue[] = [];
    let left = problems;
    for (let round = 0; round < rounds && left.length > 0; round++) {
        const { values: given } = operatorTestValues(left, live);
        if (given.length === 0) break;
        values.push(...given);
        left = apply(given);
    }
    return { values, left };
}
