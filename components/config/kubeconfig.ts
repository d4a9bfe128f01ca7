import { X509Certificate } from "node:crypto";
import { parseDocument } from "yaml";
import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { yaml11Boolean } from "./checks";
import { isMapping } from "./issues";
import { CanonicalServer, canonicalApiServer, canonicalFingerprint } from "./clusterIdentity";
import { listOf } from "./secretValues";
import { ActsAs, kubeconfigActsAs } from "./credentialAccounts";

export { isMapping };

// One reading of a kubeconfig's structure for every check of one (the stack's secret, the adoption report), as
// client-go reads it (YAML 1.1, merge keys resolved). Nothing of a value is ever returned for a message.

/** A kubeconfig's text as client-go reads it (duplicate keys an error, merge keys resolved), or undefined. */
export function parseKubeconfig(text: string): { doc: unknown } | undefined {
    const doc = parseDocument(text, { merge: true, uniqueKeys: true });
    if (doc.errors.length > 0) return undefined;
    try {
        return { doc: doc.toJS({ maxAliasCount: 1000 }) };
    } catch {
        // An alias that expands past the limit (a "billion laughs" document): not a kubeconfig client-go would load.
        return undefined;
    }
}

/** The parts of a kubeconfig the checks read; undefined for a document that is not a YAML mapping. */
export interface KubeconfigShape {
    clusters: unknown[];
    contexts: unknown[];
    users: unknown[];
    currentContext?: unknown;
}

/** The lists of a kubeconfig document (missing or malformed lists are empty). */
export function kubeconfigShape(doc: unknown): KubeconfigShape | undefined {
    if (!isMapping(doc)) return undefined;
    return {
        clusters: Array.isArray(doc.clusters) ? doc.clusters : [],
        contexts: Array.isArray(doc.contexts) ? doc.contexts : [],
        users: Array.isArray(doc.users) ? doc.users : [],
        currentContext: doc["current-context"],
    };
}

export function namedEntry(list: readonly unknown[], name: string): Record<string, unknown> | undefined {
    return list.find((e): e is Record<string, unknown> => isMapping(e) && e.name === name);
}

export function serverOf(entry: unknown): unknown {
    return isMapping(entry) && isMapping(entry.cluster) ? entry.cluster.server : undefined;
}

/** Whether a `server` is an `https://` URL naming a host: one rule for the stack check and the adoption report. */
export function isServerUrl(server: unknown): server is string {
    return (
        typeof server === "string" &&
        /^https:\/\//i.test(server.trim()) &&
        canonicalApiServer(server) !== undefined
    );
}

/** What a kubeconfig may do beyond naming a server and credentials, as the stack's review decided it. */
export interface KubeconfigPolicy {
    /** The stack is production: a TLS check switched off is refused, not warned about. */
    production: boolean;
    /** `clusters.<name>.credentialCommand`: the one credential-plugin command reviewed for this cluster. */
    credentialCommand?: string;
    /** `clusters.<name>.credentialEnv`: the environment that command was reviewed with (`PATH` picks the binary). */
    credentialEnv?: Record<string, string>;
    /** The stack's name for the cluster, for the key a finding names. */
    cluster?: string;
    /** `clusters.<name>.proxyUrl`: the `proxy-url` reviewed for this cluster's kubeconfig. */
    proxyUrl?: string;
    /** `clusters.<name>.tlsServerName`: the `tls-server-name` reviewed for this cluster's kubeconfig. */
    tlsServerName?: string;
    /** `clusters.<name>.readOnlyContexts`: further contexts declared on the same cluster entry, each one that reads. */
    readOnlyContexts?: readonly string[];
}

/** A reviewed cluster setting the kubeconfig holds without the review it needs. */
export interface UnreviewedSetting {
    setting: string;
    /** The stack file's key below `clusters.<name>` that reviews it. */
    key: ReviewKey;
    /** The entry that holds it (`clusters[0] ("psi")`). */
    entry: string;
    differs: boolean;
    means: string;
}

/** What the policy finds in one kubeconfig: refusals stop the run, warnings are shown before it. */
export interface KubeconfigFindings {
    refused: string[];
    warnings: string[];
    /** Reviewed settings held without their review, apart so the stack check can ask for the review. */
    unreviewed: UnreviewedSetting[];
}

/** What a reviewed credential plugin's `env` adds that its review did not; names printed, values never. */
function execEnvFindings(where: string, env: unknown, policy: KubeconfigPolicy): string[] {
    if (env === undefined || env === null) return [];
    const envKey = `clusters.${policy.cluster ?? "<cluster>"}.credentialEnv`;
    if (!Array.isArray(env)) {
        return [`${where} gives its credential plugin an env that is not a list of name/value entries`];
    }
    const reviewed = policy.credentialEnv ?? {};
    const out: string[] = [];
    env.forEach((e, j) => {
        const name = isMapping(e) && typeof e.name === "string" ? e.name : undefined;
        const value = isMapping(e) ? e.value : undefined;
        if (name === undefined) {
            out.push(`${where} exec.env[${j}] names no variable`);
        } else if (!Object.hasOwn(reviewed, name) || reviewed[name] !== value) {
            out.push(
                `${where} sets ${name.slice(0, 64)} in its credential plugin's environment (exec.env[${j}]) ${Object.hasOwn(reviewed, name) ? "to another value than" : "without"} a reviewed ${envKey}.${name.slice(0, 64)}: the environment decides what the plugin runs`,
            );
        }
    });
    return out;
}

const isTrue = (v: unknown) => v === true || (typeof v === "string" && yaml11Boolean(v) === true);

/**
 * The kubeconfig against the policy, before any client is made from it: only a reviewed credential plugin may run,
 * and no server without TLS or with its certificate unchecked. Findings name entries by position and name only.
 */
export function kubeconfigPolicyFindings(
    config: KubeconfigShape,
    policy: KubeconfigPolicy,
): KubeconfigFindings {
    const refused: string[] = [];
    const warnings: string[] = [];
    const unreviewed: UnreviewedSetting[] = [];
    const key = `clusters.${policy.cluster ?? "<cluster>"}.credentialCommand`;
    const allowed = (command: unknown) =>
        policy.credentialCommand !== undefined && command === policy.credentialCommand;
    eachEntry(config, "users", (user, at) => {
        if (user.exec !== undefined && !allowed(isMapping(user.exec) ? user.exec.command : undefined)) {
            refused.push(`${at} runs a credential plugin (exec) that no reviewed ${key} names`);
        } else if (isMapping(user.exec)) {
            refused.push(...execEnvFindings(at, user.exec.env, policy));
        }
        const provider = user["auth-provider"];
        if (provider !== undefined) {
            const p = isMapping(provider) ? provider : {};
            const command = isMapping(p.config) ? p.config["cmd-path"] : undefined;
            if (!allowed(command ?? `auth-provider:${String(p.name)}`)) {
                refused.push(
                    `${at} uses an auth-provider${command !== undefined ? " that runs a command (cmd-path)" : ""} that no reviewed ${key} names`,
                );
            }
        }
    });
    eachEntry(config, "clusters", (cluster, at) => {
        if (typeof cluster.server === "string" && /^http:\/\//i.test(cluster.server.trim())) {
            refused.push(`${at} names a plain http:// server: credentials would cross in clear`);
        }
        if (isTrue(cluster["insecure-skip-tls-verify"])) {
            const text = `${at} has insecure-skip-tls-verify: anyone in the path can pose as the API server and take the credentials`;
            (policy.production ? refused : warnings).push(text);
        }
        for (const r of kubeconfigSettings().reviewedClusterSettings) {
            const value = cluster[r.setting];
            if (value === undefined || value === null || value === "") continue;
            const reviewed = policy[r.key];
            if (reviewed !== undefined && value === reviewed) continue;
            const differs = reviewed !== undefined;
            const found = { setting: r.setting, key: r.key, entry: at, differs, means: r.means };
            // Refused everywhere when the review names another value: the kubeconfig is not the one reviewed.
            if (policy.production || differs) unreviewed.push(found);
            else warnings.push(unreviewedText(found, policy.cluster));
        }
    });
    return { refused, warnings, unreviewed };
}

/** An entry's label in a finding: its list, its position and its name (never anything else of it). */
function entry(list: string, i: number, e: unknown): string {
    return `${list}[${i}]${isMapping(e) && typeof e.name === "string" ? ` ("${e.name.slice(0, 64)}")` : ""}`;
}

/** What an unreviewed setting means, naming the key that reviews it; its value is never shown. */
export function unreviewedText(u: UnreviewedSetting, cluster: string | undefined): string {
    const key = `clusters.${cluster ?? "<cluster>"}.${u.key}`;
    return `${u.entry} sets ${u.setting} ${u.differs ? `to another value than the reviewed ${key}` : `without a reviewed ${key}`}: ${u.means}`;
}

/** What a kubeconfig says of the cluster its context reaches: the canonical server and the CAs it trusts. */
export interface KubeconfigIdentity {
    server: CanonicalServer;
    /** SHA-256 of each CA certificate of `certificate-authority-data`, in order; unset when the CA is the system's. */
    cas?: string[];
    /** Whom the context's user says it acts as (token, client certificate, impersonation). */
    actsAs: ActsAs;
}

/** A kubeconfig secret as the stack check reads it. */
export interface KubeconfigReading {
    /** Why it is not a usable kubeconfig, or what the policy refuses in it. */
    problem?: string;
    warnings: string[];
    identity?: KubeconfigIdentity;
    /** Entries the context in use does not use: credentials the stack never needs, so the secret must not hold them. */
    strays: string[];
    /** Credentials and trust read from files of the machine that runs the program instead of from the secret. */
    runnerFiles: RunnerFile[];
    unreviewed: UnreviewedSetting[];
    /** The context in use (the stack's, else the file's current-context), when there is one. */
    context?: string;
}

/** The reading of a kubeconfig that says nothing (none is at hand offline). */
export function noReading(): KubeconfigReading {
    return { warnings: [], strays: [], runnerFiles: [], unreviewed: [] };
}

/** What the stray entries of a kubeconfig are, for a message (names only). */
export function strayText(strays: readonly string[], context: string | undefined): string {
    return `holds ${listOf(strays)}, which the context in use${context !== undefined ? ` ("${context.slice(0, 64)}")` : ""} does not use: the secret must hold only that context, its cluster and its user, or another cluster's credential is at hand to every run of this stack`;
}

/** Why a kubeconfig secret is not usable, with its warnings, the identity its context reaches and what else it holds. */
export function kubeconfigReading(
    value: unknown,
    context: string | undefined,
    policy: KubeconfigPolicy,
): KubeconfigReading {
    const problem = (text: string): KubeconfigReading => ({ problem: text, ...noReading() });
    let doc: unknown = value;
    if (typeof value === "string") {
        const parsed = parseKubeconfig(value);
        if (!parsed) return problem("is not YAML, so it is not a kubeconfig");
        doc = parsed.doc;
    }
    const config = kubeconfigShape(doc);
    if (!config) {
        return problem(
            "is not a kubeconfig: its content is not a YAML mapping (apiVersion: v1, kind: Config, clusters, users, contexts)",
        );
    }
    if (config.clusters.length === 0) return problem("is not a kubeconfig: it has no clusters: entry");
    const { refused, warnings, unreviewed } = kubeconfigPolicyFindings(config, policy);
    // Read whatever else the policy finds, so one run names every change the secret needs.
    const runnerFiles = runnerFileFindings(config);
    const inUse = contextInUse(config, context);
    const rest = (found: { problem?: string; identity?: KubeconfigIdentity; strays?: string[] }) => ({
        warnings: found.problem === undefined ? warnings : [],
        strays: [],
        runnerFiles,
        unreviewed,
        ...(inUse !== undefined ? { context: inUse } : {}),
        ...found,
    });
    const servers = config.clusters.filter((c) => isServerUrl(serverOf(c)));
    if (refused.length === 0 && servers.length === 0)
        return rest({ problem: "is not a kubeconfig: no entry under clusters: names a server: https://..." });
    if (context !== undefined && !namedEntry(config.contexts, context)) {
        return rest({
            problem: [
                ...refused,
                `has no context "${context}" (the one the stack's cluster entry names)`,
            ].join("; "),
        });
    }
    const inUseEntry = inUse === undefined ? undefined : namedEntry(config.contexts, inUse);
    const kept = inUseEntry ? keptContexts(config, inUseEntry, policy.readOnlyContexts) : [];
    const strays = strayEntries(config, kept);
    refused.push(...missingReadOnly(kept, policy));
    if (refused.length > 0) return rest({ problem: refused.join("; "), strays });
    const reached = reachedCluster(config, context, kept);
    if (typeof reached === "string") return rest({ problem: reached, strays });
    return rest({ identity: reached, strays });
}

/** The name of the context in use: the stack's, else the file's current-context. */
function contextInUse(config: KubeconfigShape, context: string | undefined): string | undefined {
    const name = context ?? config.currentContext;
    return typeof name === "string" && name !== "" ? name : undefined;
}

/**
 * The contexts a secret may hold: the one in use, a second name for it (same cluster and user), and the read-only
 * contexts the stack file declares on its cluster entry. What each user acts as is checked (credentialAccounts.ts).
 */
function keptContexts(
    config: KubeconfigShape,
    ctx: Record<string, unknown>,
    readOnly: readonly string[] = [],
): Record<string, unknown>[] {
    const own = isMapping(ctx.context) ? ctx.context : {};
    return config.contexts.filter((e): e is Record<string, unknown> => {
        if (e === ctx) return true;
        if (!isMapping(e) || !isMapping(e.context)) return false;
        const c = e.context;
        return (
            c.cluster === own.cluster &&
            (c.user === own.user || (typeof e.name === "string" && readOnly.includes(e.name)))
        );
    });
}

/**
 * Declared read-only contexts the kubeconfig does not hold on the cluster entry of the context in use (`kept`: the
 * contexts {@link keptContexts} keeps; none when no context is in use, which is reported on its own).
 */
function missingReadOnly(kept: readonly Record<string, unknown>[], policy: KubeconfigPolicy): string[] {
    if (kept.length === 0) return [];
    return (policy.readOnlyContexts ?? [])
        .filter((name) => !kept.some((k) => k.name === name))
        .map(
            (name) =>
                `has no context "${name.slice(0, 64)}" on the cluster entry of the context in use, which runbooks:clusters.${policy.cluster ?? "<cluster>"}.readOnlyContexts declares`,
        );
}

/**
 * Every entry the `kept` contexts do not need, and a second entry of one name (client-go keeps the last, these checks
 * the first). Empty when no context is in use: that is reported on its own.
 */
function strayEntries(config: KubeconfigShape, kept: readonly Record<string, unknown>[]): string[] {
    if (kept.length === 0) return [];
    const refs = (field: "cluster" | "user") =>
        new Set(kept.map((k) => (isMapping(k.context) ? k.context[field] : undefined)));
    const [clusters, users] = [refs("cluster"), refs("user")];
    const strays: string[] = [];
    const check = (list: string, entries: unknown[], keep: (e: Record<string, unknown>) => boolean) => {
        const seen = new Set<unknown>();
        entries.forEach((e, i) => {
            const named = isMapping(e) ? e.name : undefined;
            const repeated = seen.has(named);
            seen.add(named);
            if (repeated || !isMapping(e) || !keep(e)) strays.push(entry(list, i, e));
        });
    };
    check("contexts", config.contexts, (e) => kept.includes(e));
    check("clusters", config.clusters, (e) => clusters.has(e.name));
    check("users", config.users, (e) => users.has(e.name));
    return strays;
}

/** A credential or trust a run would read from a file of the runner, and what the secret writes instead. */
export interface RunnerFile {
    finding: string;
    /** The change of the kubeconfig that puts it in the secret itself. */
    instead: string;
}

const runnerFile = z.strictObject({ field: z.string(), holds: z.string(), instead: z.string() });
const reviewKey = z.enum(["proxyUrl", "tlsServerName"]);
type ReviewKey = z.output<typeof reviewKey>;
const kubeconfigFacts = z.strictObject({
    runnerFiles: z.strictObject({ users: z.array(runnerFile), clusters: z.array(runnerFile) }),
    reviewedClusterSettings: z.array(
        z.strictObject({ setting: z.string(), key: reviewKey, means: z.string() }),
    ),
});

/** What a kubeconfig's settings make a client read or trust (facts/kubeconfig.yaml). */
function kubeconfigSettings(): z.output<typeof kubeconfigFacts> {
    return loadFacts("facts/kubeconfig.yaml", kubeconfigFacts, "kubeconfig settings");
}

/** Calls `fn` with each entry's inner mapping (`user`, `cluster`) and its label; entries without one are skipped. */
function eachEntry(
    config: KubeconfigShape,
    list: "users" | "clusters",
    fn: (inner: Record<string, unknown>, at: string) => void,
): void {
    const inner = list === "users" ? "user" : "cluster";
    config[list].forEach((e, i) => {
        if (isMapping(e) && isMapping(e[inner])) fn(e[inner], entry(list, i, e));
    });
}

/** What a run would read from the runner's files instead of the secret; names the entry and setting, never a value. */
function runnerFileFindings(config: KubeconfigShape): RunnerFile[] {
    const found: RunnerFile[] = [];
    const present = (v: unknown) => v !== undefined && v !== null && v !== "";
    for (const list of ["users", "clusters"] as const) {
        eachEntry(config, list, (inner, at) => {
            for (const { field, holds, instead } of kubeconfigSettings().runnerFiles[list]) {
                if (present(inner[field]))
                    found.push({
                        finding: `${at} reads ${holds} from a file of the runner (${field})`,
                        instead: `in ${at}, replace ${field} by ${instead}`,
                    });
            }
            if (list === "clusters") return;
            const provider = isMapping(inner["auth-provider"]) ? inner["auth-provider"] : undefined;
            const settings = provider && isMapping(provider.config) ? provider.config : {};
            if (present(settings["idp-certificate-authority"])) {
                found.push({
                    finding: `${at} reads its identity provider's CA from a file of the runner (auth-provider idp-certificate-authority)`,
                    instead: `in ${at}, replace the auth-provider's idp-certificate-authority by idp-certificate-authority-data: with that CA, base64`,
                });
            }
            if (provider?.name === "gcp" && !present(settings["cmd-path"])) {
                found.push({
                    finding: `${at} uses the gcp auth-provider without a command, which reads the runner's Google application default credentials`,
                    instead: `in ${at}, replace the auth-provider by token: with a service account's token`,
                });
            }
        });
    }
    return found;
}

/** The identity of the cluster a context reaches, or why the kubeconfig names none a client could use. */
function reachedCluster(
    config: KubeconfigShape,
    context: string | undefined,
    kept: readonly Record<string, unknown>[],
): KubeconfigIdentity | string {
    const name = contextInUse(config, context);
    if (name === undefined) {
        return "names no current-context, and the stack's cluster entry names no context: set runbooks:clusters.<cluster>.context";
    }
    const ctx = namedEntry(config.contexts, name);
    if (!ctx) return `has no context "${name.slice(0, 64)}" (its current-context)`;
    const clusterName = isMapping(ctx.context) ? ctx.context.cluster : undefined;
    const found = typeof clusterName === "string" ? namedEntry(config.clusters, clusterName) : undefined;
    if (!found) return `has a context "${name.slice(0, 64)}" that names no cluster listed under clusters:`;
    const server = serverOf(found);
    const canonical = isServerUrl(server) ? canonicalApiServer(server) : undefined;
    if (canonical === undefined) {
        return `gives the cluster of context "${name.slice(0, 64)}" no https:// server`;
    }
    // Every user the secret holds: the one in use and a declared read-only one beside it.
    const acting = kept.map((c) => {
        const userName = isMapping(c.context) ? c.context.user : undefined;
        const user = typeof userName === "string" ? namedEntry(config.users, userName) : undefined;
        return kubeconfigActsAs(user?.user);
    });
    const actsAs = {
        users: acting.flatMap((a) => a.users),
        groups: acting.flatMap((a) => a.groups),
    };
    const data = isMapping(found.cluster) ? found.cluster["certificate-authority-data"] : undefined;
    if (data === undefined || data === null || data === "") return { server: canonical, actsAs };
    const cas = caFingerprints(data);
    if (cas === undefined) {
        return `gives the cluster of context "${name.slice(0, 64)}" a certificate-authority-data that is not a base64 PEM certificate bundle (every block a certificate)`;
    }
    return { server: canonical, cas, actsAs };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** SHA-256 of every certificate of a base64 PEM bundle, in order, no repeats; undefined unless all are certificates. */
export function caFingerprints(data: unknown): string[] | undefined {
    if (typeof data !== "string") return undefined;
    const pem = Buffer.from(data, "base64").toString("utf8");
    const out: string[] = [];
    for (const m of pem.matchAll(PEM_BLOCK)) {
        if (m[1] !== "CERTIFICATE") return undefined;
        try {
            const fingerprint = canonicalFingerprint(new X509Certificate(m[0]).fingerprint256);
            if (!out.includes(fingerprint)) out.push(fingerprint);
        } catch {
            return undefined;
        }
    }
    return out.length > 0 ? out : undefined;
}
