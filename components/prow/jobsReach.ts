import { shellQuote } from "../config/problems";
import { singleQuoted } from "../shared/shellWord";
import { EgressRepair, LiveServiceRef, egressToService } from "../shared/egress";
import { ServedService } from "../shared/network";
import { PROWJOB_POD } from "./documents";

/** The pods the policy of a live callee selects: every ProwJob's (all could reach it before the lock). */
export const JOBS_REACH_CALLERS = { matchLabels: { ...PROWJOB_POD } };

/** The live Service as the network graph records it. */
export function servedLive(c: LiveServiceRef): ServedService {
    return {
        namespace: c.namespace,
        name: c.name,
        selector: c.selector,
        ports: [{ name: "live", port: c.port, targetPort: c.targetPort, protocol: "TCP" }],
    };
}

/**
 * What `prow.jobsReach` makes the jobs namespace write for `c` (the policy `deriveEgressPolicies` derives from the
 * recorded Service), and the commands that set it: the report proves the policy admits the cut flow before it
 * prints them.
 */
export const jobsReachRepair: EgressRepair = (jobsNamespace, c) => {
    const served = servedLive(c);
    const { name, namespace, spec } = egressToService(
        jobsNamespace,
        `egress-to-${c.name}`,
        JOBS_REACH_CALLERS,
        served,
        served.ports[0],
    );
    const key = (path: string) => `prow.jobsReach["${c.namespace}/${c.name}"].${path}`;
    const sets = [
        pathSet(key("port"), String(c.port)),
        typeof c.targetPort === "number"
            ? pathSet(key("targetPort"), String(c.targetPort))
            : pathSet(key("targetPort"), c.targetPort, true),
        ...selectorSets(key, c.selector),
    ];
    return { policy: { metadata: { name, namespace }, spec }, fix: sets.join(" && ") };
};

/** The commands that write a live workload's selector below `key`: `--type string`, so `true` or digits stay label text. */
export function selectorSets(key: (path: string) => string, selector: Record<string, string>): string[] {
    return Object.entries(selector).map(([label, value]) =>
        pathSet(key(`selector["${label}"]`), value, true),
    );
}

/** The `pulumi config set --path` of a value the live cluster holds (`text`: stored as a string, never a number). */
export function pathSet(key: string, value: string, text = false): string {
    return text
        ? `pulumi config set --path --type string ${shellQuote(key)} ${singleQuoted(value)}`
        : `pulumi config set --path ${shellQuote(key)} ${shellQuote(value)}`;
}
