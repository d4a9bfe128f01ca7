import { X509Certificate } from "node:crypto";
import { parseDocument } from "yaml";
import { yaml11Boolean } from "./checks";
import { CanonicalServer, canonicalApiServer, canonicalFingerprint } from "./clusterIdentity";

// One reading of a kubeconfig's structure for every check of one: the stack's secret before a run (below) and the
// adoption report's loader (tools/adopt/kubeconfig.ts). Only the shape is read: nothing of a value is ever returned
// for a message. It is read as client-go reads it (sigs.k8s.io/yaml over go-yaml, YAML 1.1): merge keys (`<<: *x`)
// are resolved, so a setting merged in from an anchor is the setting, and `yes`/`on` are true.

/**
 * A kubeconfig's text as client-go reads it, or undefined when it is not YAML (a duplicate key is an error, as it is
 * for go-yaml). Merge keys are resolved: a reader that left them would see a `<<` key where client-go sees `exec`.
 */
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

export function isMapping(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The entry of a kubeconfig list (`clusters`, `contexts`, `users`) with this name. */
export function namedEntry(list: readonly unknown[], name: string): Record<string, unknown> | undefined {
    return list.find((e): e is Record<string, unknown> => isMapping(e) && e.name === name);
}

/** The `server` of a `clusters` entry, as written. */
export function serverOf(entry: unknown): unknown {
    return isMapping(entry) && isMapping(entry.cluster) ? entry.cluster.server : undefined;
}

/**
 * Whether a `server` value is an API server address a client can connect to: an `https://` URL naming a host (the
 * canonical reading of components/config/clusterIdentity.ts). The one rule of both checks, so a stack check never
 * passes a kubeconfig the adoption report then refuses.
 */
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
    /**
     * `clusters.<name>.credentialEnv`: the environment that command was reviewed with. What an `exec` entry adds to
     * the plugin's environment decides what runs as much as its command does (`PATH` picks the binary, `LD_PRELOAD`
     * loads a library into it), so every variable it sets must be reviewed with its value.
     */
    credentialEnv?: Record<string, string>;
    /** The stack's name for the cluster, for the key a finding names. */
    cluster?: string;
}

/** What the policy finds in one kubeconfig: refusals stop the run, warnings are shown before it. */
export interface KubeconfigFindings {
    refused: string[];
    warnings: string[];
}

/**
 * What a reviewed credential plugin's `env` adds that its review did not: each variable must be reviewed with exactly
 * the value the kubeconfig gives it (`clusters.<name>.credentialEnv`). Names are printed, values never.
 */
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
 * The kubeconfig's content against the policy, read before any client or provider is made from it: a credential
 * plugin (`exec`, an `auth-provider` with `cmd-path`) runs a program on the machine of every preview, so only the
 * command a reviewed config key names may run; an API server without TLS, or with its certificate unchecked, hands
 * the credentials to whoever answers. Findings name entries by position and name, never a command's arguments or
 * anything else of the file.
 */
export function kubeconfigPolicyFindings(
    config: KubeconfigShape,
    policy: KubeconfigPolicy,
): KubeconfigFindings {
    const refused: string[] = [];
    const warnings: string[] = [];
    const entry = (list: string, i: number, e: unknown) =>
        `${list}[${i}]${isMapping(e) && typeof e.name === "string" ? ` ("${e.name.slice(0, 64)}")` : ""}`;
    const key = `clusters.${policy.cluster ?? "<cluster>"}.credentialCommand`;
    const allowed = (command: unknown) =>
        policy.credentialCommand !== undefined && command === policy.credentialCommand;
    config.users.forEach((u, i) => {
        const user = isMapping(u) && isMapping(u.user) ? u.user : undefined;
        if (!user) return;
        if (user.exec !== undefined && !allowed(isMapping(user.exec) ? user.exec.command : undefined)) {
            refused.push(
                `${entry("users", i, u)} runs a credential plugin (exec) that no reviewed ${key} names`,
            );
        } else if (isMapping(user.exec)) {
            refused.push(...execEnvFindings(entry("users", i, u), user.exec.env, policy));
        }
        const provider = user["auth-provider"];
        if (provider !== undefined) {
            const p = isMapping(provider) ? provider : {};
            const command = isMapping(p.config) ? p.config["cmd-path"] : undefined;
            if (!allowed(command ?? `auth-provider:${String(p.name)}`)) {
                refused.push(
                    `${entry("users", i, u)} uses an auth-provider${command !== undefined ? " that runs a command (cmd-path)" : ""} that no reviewed ${key} names`,
                );
            }
        }
    });
    config.clusters.forEach((c, i) => {
        const cluster = isMapping(c) && isMapping(c.cluster) ? c.cluster : undefined;
        if (!cluster) return;
        if (typeof cluster.server === "string" && /^http:\/\//i.test(cluster.server.trim())) {
            refused.push(
                `${entry("clusters", i, c)} names a plain http:// server: credentials would cross in clear`,
            );
        }
        if (isTrue(cluster["insecure-skip-tls-verify"])) {
            const text = `${entry("clusters", i, c)} has insecure-skip-tls-verify: anyone in the path can pose as the API server and take the credentials`;
            (policy.production ? refused : warnings).push(text);
        }
    });
    return { refused, warnings };
}

/** What a kubeconfig says of the cluster its context reaches: the canonical server and the CA it trusts. */
export interface KubeconfigIdentity {
    server: CanonicalServer;
    /** SHA-256 of the DER of `certificate-authority-data`, lower-case hex; unset when the CA is the system's. */
    ca?: string;
}

/**
 * Why a kubeconfig secret's text is not a usable kubeconfig, or undefined when it is one: YAML (JSON is YAML) with at
 * least one cluster that names its API server, and the context the stack names when it names one.
 */
export function kubeconfigProblem(
    value: unknown,
    context?: string,
    policy: KubeconfigPolicy = { production: true },
): string | undefined {
    return kubeconfigReading(value, context, policy).problem;
}

/**
 * {@link kubeconfigProblem} with the policy's warnings for a kubeconfig it accepts, and the identity of the cluster
 * its context (the stack's, else the file's current-context) reaches.
 */
export function kubeconfigReading(
    value: unknown,
    context: string | undefined,
    policy: KubeconfigPolicy,
): { problem?: string; warnings: string[]; identity?: KubeconfigIdentity } {
    const problem = (text: string) => ({ problem: text, warnings: [] });
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
    const { refused, warnings } = kubeconfigPolicyFindings(config, policy);
    if (refused.length > 0) return problem(refused.join("; "));
    const servers = config.clusters.filter((c) => isServerUrl(serverOf(c)));
    if (servers.length === 0)
        return problem("is not a kubeconfig: no entry under clusters: names a server: https://...");
    if (context !== undefined && !namedEntry(config.contexts, context)) {
        return problem(`has no context "${context}" (the one the stack's cluster entry names)`);
    }
    const reached = reachedCluster(config, context);
    if (typeof reached === "string") return problem(reached);
    return { warnings, identity: reached };
}

/** The identity of the cluster a context reaches, or why the kubeconfig names none a client could use. */
function reachedCluster(config: KubeconfigShape, context: string | undefined): KubeconfigIdentity | string {
    const name = context ?? config.currentContext;
    if (typeof name !== "string" || name === "") {
        return "names no current-context, and the stack's cluster entry names no context: set runbooks:clusters.<cluster>.context";
    }
    const ctx = namedEntry(config.contexts, name);
    if (!ctx) return `has no context "${name.slice(0, 64)}" (its current-context)`;
    const clusterName = isMapping(ctx.context) ? ctx.context.cluster : undefined;
    const entry = typeof clusterName === "string" ? namedEntry(config.clusters, clusterName) : undefined;
    if (!entry) return `has a context "${name.slice(0, 64)}" that names no cluster listed under clusters:`;
    const server = serverOf(entry);
    const canonical = isServerUrl(server) ? canonicalApiServer(server) : undefined;
    if (canonical === undefined) {
        return `gives the cluster of context "${name.slice(0, 64)}" no https:// server`;
    }
    const data = isMapping(entry.cluster) ? entry.cluster["certificate-authority-data"] : undefined;
    if (data === undefined || data === null || data === "") return { server: canonical };
    const ca = caFingerprint(data);
    if (ca === undefined) {
        return `gives the cluster of context "${name.slice(0, 64)}" a certificate-authority-data that is not a base64 PEM certificate`;
    }
    return { server: canonical, ca };
}

/** SHA-256 of the DER of the first certificate in a base64 PEM bundle (`certificate-authority-data`). */
export function caFingerprint(data: unknown): string | undefined {
    if (typeof data !== "string") return undefined;
    try {
        const pem = Buffer.from(data, "base64").toString("utf8");
        if (!pem.includes("-----BEGIN CERTIFICATE-----")) return undefined;
        return canonicalFingerprint(new X509Certificate(pem).fingerprint256);
    } catch {
        return undefined;
    }
}
