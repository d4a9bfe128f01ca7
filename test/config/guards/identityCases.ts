import { strict as assert } from "assert";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { COMMITTED_STACKS, CommittedFiles } from "../../../components/config/identity";
import { ProgramConfig, loadProgramConfig } from "../../../components/config/load";
import { ConfigError, ConfigProblem } from "../../../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../../../components/config/source";
import { SYSTEMS } from "../../../components/systems";
import { parseStackText, stackFileOf, stackFileSource } from "../../../tools/plan/stackfile";
import { caData } from "../../fixtures/testCas";
import { operatorCheckout, stackSecrets, stackValues } from "../../harness";
import { ROOT } from "../battery";

// What the generated identity battery (issue 52, items 1-3) judges its cases with: a stack file's text validated as
// the offline plan does (with the committed files a test gives), or a whole stack's run with a kubeconfig per
// cluster (the real source decrypts it); and whether a printed fix copies a value out of another stack's file.

export const PSI = "api.ocp4.prod.psi.redhat.com:6443";

/** A stack's outcome: its problems (none: it plans) and the message an operator reads. */
export interface Outcome {
    problems: ConfigProblem[];
    message: string;
    config?: ProgramConfig;
}

function outcome(run: () => ProgramConfig): Outcome {
    try {
        return { problems: [], message: "", config: run() };
    } catch (err) {
        if (err instanceof ConfigError) return { problems: [...err.problems], message: err.message };
        throw err;
    }
}

/** A stack file's text as `npm run plan -- --stack <stack>` reads it, with the committed files `committed` gives. */
export function planText(
    text: string,
    stack: string,
    options: { root?: string; committed?: CommittedFiles } = {},
): Outcome {
    const file = stackFileOf(stack, `Pulumi.${stack}.yaml`, parseStackText(text));
    return outcome(() =>
        loadProgramConfig(stackFileSource(file, "[secret]"), SYSTEMS, {
            placeholderSecret: () => "x",
            ...options,
        }),
    );
}

/** The committed files of a checkout where `texts` are what git has at HEAD (a file missing there is untracked). */
export function committedAs(texts: Record<string, string>): CommittedFiles {
    return { atHead: (stack) => texts[stack] };
}

/** A kubeconfig user: a plain token unless a test gives another. */
export type User = Record<string, unknown>;

export interface KubeconfigSpec {
    server: string;
    ca?: number;
    user?: User;
    cluster?: Record<string, unknown>;
}

/** A kubeconfig with one context (`deployer@c`) to one cluster, the current one. */
export function kubeconfig(spec: KubeconfigSpec): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: "c",
                cluster: {
                    server: spec.server,
                    ...(spec.ca !== undefined ? { "certificate-authority-data": caData(spec.ca) } : {}),
                    ...spec.cluster,
                },
            },
        ],
        users: [{ name: "deployer", user: spec.user ?? { token: "sha256~test-token" } }],
        contexts: [{ name: "deployer@c", context: { cluster: "c", user: "deployer" } }],
        "current-context": "deployer@c",
    });
}

/** The server each committed cluster of stage and prod is reached at in these tests: psi at its real name. */
export function serverOf(cluster: string): string {
    return cluster === "psi" ? `https://${PSI}` : `https://api.${cluster}.example:6443`;
}

/** A clean kubeconfig of a cluster: its server, a CA of its own (by name), a token. */
export function cleanKubeconfig(cluster: string): string {
    return kubeconfig({ server: serverOf(cluster), ca: cluster === "psi" ? 0 : 1 });
}

/**
 * A whole stack's run (committed values as its operator has them, every secret set) where each cluster's kubeconfig
 * is `kubeconfigs[cluster]`, else a clean one; `edit` changes the plain values first.
 */
export function stackRun(
    stack: "stage" | "prod",
    kubeconfigs: Record<string, string> = {},
    edit: (v: Record<string, unknown>) => void = () => {},
): Outcome {
    const values = stackValues(stack);
    edit(values);
    const secrets = stackSecrets(stack);
    for (const k of Object.keys(secrets)) {
        if (k.startsWith("kubeconfig-")) {
            const cluster = k.slice("kubeconfig-".length);
            secrets[k] = kubeconfigs[cluster] ?? cleanKubeconfig(cluster);
        }
    }
    const base = memoryConfigSource(values, secrets, { stack });
    const source: ConfigSource = { ...base, getValue: (k) => (k in secrets ? secrets[k] : base.getValue(k)) };
    return outcome(() => loadProgramConfig(source, SYSTEMS, { root: checkout() }));
}

let operatorRoot: string | undefined;
// The root afterAll hook removes scratch directories after every file (mocha runs files in parallel workers that keep
// this module): a checkout made for an earlier file is made again, or every other stack would silently vanish.
const checkout = () =>
    operatorRoot !== undefined && existsSync(operatorRoot)
        ? operatorRoot
        : (operatorRoot = operatorCheckout());

/** Every string value of a committed stack file's config (keys left out), at any depth. */
function stringsOf(text: string): string[] {
    const out: string[] = [];
    const walk = (v: unknown): void => {
        if (typeof v === "string") out.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk((parse(text, { merge: true }) as { config?: unknown } | null)?.config);
    return out;
}

const committedTexts = new Map<string, string>(
    COMMITTED_STACKS.map((s) => [s, readFileSync(path.join(ROOT, `Pulumi.${s}.yaml`), "utf8")]),
);

/** The program's own vocabulary (a tier, a platform): a fix naming one copies nothing from a file. */
const VOCABULARY = new Set(["production", "staging", "local", "openshift", "kubernetes"]);

/**
 * The values of the other committed stacks' files a fix writes: each string value (5 characters or more) of a
 * committed file that `own` (the case's own text) does not hold, found as a whole word of the fix.
 */
export function copiedValues(fix: string, own: string): string[] {
    const words = new Set(fix.split(/[\s'"[\](),;=]+/).map((w) => w.replace(/[.:]+$/, "")));
    const found = new Set<string>();
    for (const v of committedStrings()) {
        if (v.length >= 5 && words.has(v) && !VOCABULARY.has(v) && !own.includes(v)) found.add(v);
    }
    return [...found];
}

let committed: string[] | undefined;
/** Every string value of the committed files, in file order: read once, as the files do not change during a run. */
const committedStrings = (): string[] => (committed ??= [...committedTexts.values()].flatMap(stringsOf));

/** The way a case falls short of a clean refusal at `key` (none: it is refused cleanly there). */
export function refusalFaults(
    out: Outcome,
    key: string | RegExp,
    own: string,
    extra: (p: ConfigProblem) => string | undefined = () => undefined,
): string[] {
    const hit = out.problems.filter((p) => (typeof key === "string" ? p.key === key : key.test(p.key)));
    if (hit.length === 0) return [`not refused at ${String(key)}: ${out.message.slice(0, 400) || "planned"}`];
    const faults: string[] = [];
    if (/\n\s+at .+\(.+:\d+:\d+\)/.test(out.message)) faults.push("a stack trace");
    for (const p of out.problems) {
        const copied = copiedValues(p.fix ?? "", own);
        if (copied.length > 0)
            faults.push(`${p.key}: the fix copies ${copied.join(", ")} from another stack`);
        const wrong = extra(p);
        if (wrong) faults.push(`${p.key}: ${wrong}`);
    }
    return faults;
}

/**
 * Runs every case of a class and collects its faults, so one run reports how many cases fall short (not just the
 * first): the figure a control run on the old code is read from.
 */
export function battery<T>(
    cases: readonly T[],
    judge: (c: T) => string[],
): { failed: number; report: string } {
    const lines: string[] = [];
    let failed = 0;
    for (const [i, c] of cases.entries()) {
        let faults: string[];
        try {
            faults = judge(c);
        } catch (err) {
            faults = [`threw: ${(err as Error).message.split("\n")[0]}`];
        }
        if (faults.length === 0) continue;
        failed++;
        lines.push(`case ${i} ${JSON.stringify(c).slice(0, 300)}:\n  ${faults.join("\n  ")}`);
    }
    return { failed, report: `${failed}/${cases.length} cases fall short\n${lines.slice(0, 5).join("\n")}` };
}

/** Asserts every case of a class passes, printing the figures (cases, passes) the closing note reports. */
export function assertBattery<T>(name: string, cases: readonly T[], judge: (c: T) => string[]): void {
    const { failed, report } = battery(cases, judge);
    if (process.env.IDENTITY_BATTERY_FIGURES)
        process.stdout.write(
            `      [battery] ${name}: ${cases.length} cases, ${cases.length - failed} pass\n`,
        );
    assert.equal(failed, 0, report);
}
