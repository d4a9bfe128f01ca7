import { setCommand } from "../config/problems";
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
        setCommand(key("port"), String(c.port), { path: true }),
        typeof c.targetPort === "number"
            ? setCommand(key("targetPort"), String(c.targetPort), { path: true })
            : setCommand(key("targetPort"), c.targetPort, { path: true, type: "string" }),
        ...selectorSets(key, c.selector),
    ];
    return { policy: { metadata: { name, namespace }, spec }, fix: sets.join(" && ") };
};

/** The commands that write a live workload's selector below `key`: `--type string`, so `true` or digits stay label text. */
export function selectorSets(key: (path: string) => string, selector: Record<string, string>): string[] {
    return Object.entries(selector).map(([label, value]) =>
        setCommand(key(`selector["${label}"]`), value, { path: true, type: "string" }),
    );
}
