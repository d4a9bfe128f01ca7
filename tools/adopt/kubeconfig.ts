import { KubeConfig } from "@kubernetes/client-node";
import { readFileSync } from "fs";
import { parseDocument } from "yaml";
import { isProductionStack } from "../../components/config/identity";
import { NamedError } from "../cli/args";
import { EngineUnavailable, PulumiFailure, configValue } from "../engine/automation";
import {
    isMapping,
    isServerUrl,
    kubeconfigPolicyFindings,
    kubeconfigShape,
    namedEntry,
    serverOf,
    unreviewedText,
} from "../../components/config/kubeconfig";

/**
 * A kubeconfig: a file given on the command line (relative certificate paths resolve next to it), or the text of
 * the stack secret `kubeconfig-<cluster>`.
 */
export type KubeconfigSource = { file: string } | { secret: string; text: string };

/**
 * A kubeconfig the report cannot use. Its message is one line naming where the kubeconfig came from (the
 * `--kubeconfig <cluster>=<file>` argument, or the secret's key `kubeconfig-<cluster>`), never its content; the
 * report prints it after the cluster's name.
 */
export class KubeconfigError extends NamedError {}

/** Where a cluster's kubeconfig came from, as the operator gave it. */
export function sourceName(cluster: string, source: KubeconfigSource): string {
    return "file" in source ? `--kubeconfig ${cluster}=${source.file}` : `stack secret ${source.secret}`;
}

/**
 * The kubeconfig of a cluster: the file given on the command line, else the stack's secret `kubeconfig-<cluster>`
 * through the engine. The value stays in memory and is never printed.
 */
export async function kubeconfigOf(
    stack: string,
    cluster: string,
    files: ReadonlyMap<string, string>,
): Promise<KubeconfigSource> {
    const file = files.get(cluster);
    if (file) return { file };
    const secret = `kubeconfig-${cluster}`;
    try {
        // The project the operator runs the tool in (a copy of the program holds its own stack files).
        return { secret, text: await configValue(stack, process.cwd(), secret) };
    } catch (err) {
        if (!(err instanceof PulumiFailure || err instanceof EngineUnavailable)) throw err;
        const why =
            err instanceof PulumiFailure
                ? `pulumi config get ${secret} failed: ${err.output.trim().split("\n")[0]}`
                : err.message;
        throw new KubeconfigError(
            `no kubeconfig (${why}); pass --kubeconfig ${cluster}=<path to its kubeconfig>, or store it: ` +
                `pulumi config set --stack ${stack} --secret ${secret} < kubeconfig.yaml`,
        );
    }
}

/** How a stack file sets up one of its clusters for the tools: the context and what a review let through. */
export interface ClusterSettings {
    context?: string;
    credentialCommand?: string;
    credentialEnv?: Record<string, string>;
    proxyUrl?: string;
    tlsServerName?: string;
}

/** A cluster's checked kubeconfig, with the context selected, from the stack file's settings of it. */
export async function connectKubeconfig(
    stack: string,
    cluster: string,
    source: KubeconfigSource | Promise<KubeconfigSource>,
    settings: ClusterSettings = {},
): Promise<KubeConfig> {
    return loadKubeconfig(stack, cluster, await source, settings);
}

/**
 * Reads and checks a cluster's kubeconfig and selects its context (`clusters.<cluster>.context` of the stack, else
 * the kubeconfig's current-context). A kubeconfig that is not YAML, has no cluster, no usable context or no server
 * is a KubeconfigError naming the cluster, the source and the fix; nothing of a secret's value is ever quoted.
 */
export function loadKubeconfig(
    stack: string,
    cluster: string,
    source: KubeconfigSource,
    { context, credentialCommand, credentialEnv, proxyUrl, tlsServerName }: ClusterSettings = {},
): KubeConfig {
    const fromFile = "file" in source;
    const fix = fromFile
        ? `fix the file, or pass --kubeconfig ${cluster}=<path of the cluster's kubeconfig>`
        : `store the cluster's kubeconfig again: pulumi config set --stack ${stack} --secret ${source.secret} < kubeconfig.yaml`;
    const fail = (problem: string, fixText = fix) =>
        new KubeconfigError(`the kubeconfig (${sourceName(cluster, source)}) ${problem}; ${fixText}`);

    let text = fromFile ? "" : source.text;
    if (fromFile) {
        try {
            text = readFileSync(source.file, "utf8");
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code ?? String(err);
            throw fail(
                `cannot be read (${code})`,
                `pass --kubeconfig ${cluster}=<path of the cluster's kubeconfig>`,
            );
        }
    }

    // Merge keys resolved, as client-go reads the file (components/config/kubeconfig.ts).
    const doc = parseDocument(text, { prettyErrors: true, merge: true });
    if (doc.errors.length > 0) {
        const err = doc.errors[0];
        const pos = err.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : "";
        // The parser's message can quote the text; a secret's is never shown, a file's only its first line.
        const what = fromFile ? err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "") : "";
        throw fail(`is not YAML (${[where, what].filter(Boolean).join(": ") || "unreadable"})`);
    }
    // The same reading of the document as the stack's check of its kubeconfig secret (components/config/kubeconfig.ts).
    const config = kubeconfigShape(doc.toJS());
    if (!config) {
        throw fail("is not a kubeconfig (a YAML mapping with clusters:, contexts: and users:)");
    }
    if (config.clusters.length === 0) throw fail("has no cluster (clusters: is missing or empty)");

    const setContext = `pulumi config set --stack ${stack} --path clusters.${cluster}.context <context name>`;
    const contextName = context ?? (config.currentContext as string | undefined);
    if (!contextName) {
        throw fail("names no current-context", `name the context to use: ${setContext}`);
    }
    const ctx = namedEntry(config.contexts, contextName);
    if (!ctx) {
        const from = context ? `clusters.${cluster}.context of the stack names` : "its current-context is";
        throw fail(`has no context "${contextName}" (${from} "${contextName}")`, `${fix}, or ${setContext}`);
    }
    const clusterName = isMapping(ctx.context) ? ctx.context.cluster : undefined;
    const entry = typeof clusterName === "string" ? namedEntry(config.clusters, clusterName) : undefined;
    if (!entry) {
        throw fail(`context "${contextName}" names no cluster listed under clusters:`);
    }
    const server = serverOf(entry);
    if (typeof server !== "string" || server === "") {
        throw fail(`has no server for its cluster "${String(clusterName)}" (clusters[].cluster.server)`);
    }
    if (!isServerUrl(server)) {
        throw fail(
            `gives cluster "${String(clusterName)}" a server that is not an https:// URL` +
                (fromFile ? ` (${server})` : " (expected https://<host>:<port>)"),
        );
    }

    // The stack's own kubeconfig policy, before the client is made: the client runs a credential plugin at every
    // request, so a refused one must never reach it.
    const policy = kubeconfigPolicyFindings(config, {
        production: isProductionStack(stack),
        credentialCommand,
        credentialEnv,
        cluster,
        proxyUrl,
        tlsServerName,
    });
    const refused = [...policy.refused, ...policy.unreviewed.map((u) => unreviewedText(u, cluster))];
    if (refused.length > 0) {
        throw fail(
            refused.join("; "),
            `use a kubeconfig that verifies the server over https:// and authenticates with a token or client certificate; a credential plugin, a proxy-url or a tls-server-name only after review: pulumi config set --stack ${stack} --path clusters.${cluster}.<credentialCommand|proxyUrl|tlsServerName> <its reviewed value>`,
        );
    }
    for (const w of policy.warnings) process.stderr.write(`adopt: cluster ${cluster}: the kubeconfig ${w}\n`);

    const kc = new KubeConfig();
    try {
        if (fromFile) kc.loadFromFile(source.file);
        else kc.loadFromString(text);
        kc.setCurrentContext(contextName);
    } catch (err) {
        // The client's own checks (a user or cluster entry without a name) name paths, not values.
        throw fail(`cannot be loaded (${(err instanceof Error ? err.message : String(err)).split("\n")[0]})`);
    }
    return kc;
}
