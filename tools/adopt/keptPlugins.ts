import { parse } from "yaml";
import { formatPath } from "../../components/config/problems";
import { TakeoverCheck } from "./declared";
import { KubeObject, at } from "./model";

// What is left running keeps what live configuration gives it. An external Prow plugin is called by hook because
// plugins.yaml names it (`external_plugins.<repo>[].endpoint`, default `http://<name>`: kubernetes-sigs/prow
// pkg/plugins/plugins.go ExternalPlugin); the program's plugins ConfigMap replaces the live document's content, so a
// plugin the takeover list leaves running would still run and never be called again. Each such entry must be in the
// program's document as live configuration has it.

/** One `external_plugins` entry of a plugins.yaml. */
export interface Entry {
    name: string;
    endpoint?: string;
    events?: string[];
}

/** The ConfigMap key that holds Prow's plugins document. */
export const PLUGINS = "plugins.yaml";

/** A plugins.yaml's `external_plugins`, by repository (none for a document that is not YAML). */
export function externalPlugins(text: unknown): Record<string, Entry[]> {
    if (typeof text !== "string") return {};
    try {
        const doc = parse(text) as { external_plugins?: Record<string, Entry[]> } | null;
        return doc?.external_plugins ?? {};
    } catch {
        return {}; // a live document the YAML parser refuses is not read here (the document diff shows it)
    }
}

/** Where hook calls an entry: its endpoint, by default `http://<name>`. */
const endpointOf = (entry: Entry) => entry.endpoint ?? `http://${entry.name}`;

/** The Service an entry's endpoint reaches from namespace `ns`: `<namespace>/<name>`. */
export function pluginService(entry: Entry, ns: string): string | undefined {
    try {
        const [name, namespace] = new URL(endpointOf(entry)).hostname.split(".");
        return `${namespace ?? ns}/${name}`;
    } catch {
        return undefined;
    }
}

/** The Services the takeover lists leave running, as `<namespace>/<name>`. */
export function servicesLeftRunning(checks: readonly TakeoverCheck[]): Set<string> {
    return new Set(
        checks
            .flatMap((c) => c.decided)
            .filter((d) => d.decision.do === "leave")
            .map((d) => d.id.split("/"))
            .filter(([, kind]) => kind === "Service")
            .map(([ns, , name]) => `${ns}/${name}`),
    );
}

/**
 * The external plugin entries of a live plugins.yaml whose Service the takeover list leaves running and which the
 * program's document of the same ConfigMap drops (no entry of that name for the repository): each a blocking problem
 * of the system's list.
 */
export function droppedPluginEntries(
    check: TakeoverCheck,
    live: readonly KubeObject[],
    program: readonly KubeObject[],
): string[] {
    const leftRunning = servicesLeftRunning([check]);
    const problems: string[] = [];
    for (const cm of live.filter((o) => o.kind === "ConfigMap" && at(o, "data", PLUGINS) !== undefined)) {
        const ns = cm.metadata.namespace ?? "";
        const mine = program.find(
            (p) =>
                p.kind === "ConfigMap" && p.metadata.namespace === ns && p.metadata.name === cm.metadata.name,
        );
        if (!mine || at(mine, "data", PLUGINS) === undefined) continue;
        const planned = externalPlugins(at(mine, "data", PLUGINS));
        for (const [repo, entries] of Object.entries(externalPlugins(at(cm, "data", PLUGINS))))
            for (const entry of entries) {
                const service = pluginService(entry, ns);
                if (!service || !leftRunning.has(service)) continue;
                // A plugin of the same name in the program's document is the program's own (its rehearse at its own
                // Service): the program chose that endpoint.
                const kept = (planned[repo] ?? []).some((p) => p.name === entry.name);
                if (kept) continue;
                const theirs = (planned[repo] ?? []).map((p) => p.name);
                problems.push(
                    `${ns}/ConfigMap/${cm.metadata.name} ${PLUGINS}: the up would drop external plugin ${entry.name} of ${repo} (${endpointOf(entry)}), whose Service ${service} the takeover list leaves running: hook would never call it again. ` +
                        `Keep it: add the live entry to ${formatPath(check.system, ["documents", "plugins", "external_plugins", repo])}` +
                        (theirs.length > 0
                            ? `, beside the program's entries of ${repo} (${theirs.join(", ")}), which that list replaces`
                            : ""),
                );
            }
    }
    return problems;
}
