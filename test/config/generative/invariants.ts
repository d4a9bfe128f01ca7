import { parse } from "yaml";
import { hostsOverlap } from "../../../components/config/ownership";
import { PROD, fixFaults, validated } from "../battery";
import { CREDENTIALS, Mutant } from "./mutations";

// What must hold for every stack file, whatever it holds: the invariants, each a function of one run.

interface Grants {
    namespaces?: Record<string, string>;
    hosts?: Record<string, string>;
}
const PROD_GRANTS = Object.values(
    (parse(PROD) as { config: Record<string, Record<string, Grants>> }).config["runbooks:clusters"],
);
const PROD_NAMESPACES = new Set(PROD_GRANTS.flatMap((c) => Object.keys(c.namespaces ?? {})));
const PROD_HOSTS = PROD_GRANTS.flatMap((c) => Object.keys(c.hosts ?? {}));

/** Every way one run on a mutant falls short; empty when it holds. */
export function violations(m: Mutant): string[] {
    let run: ReturnType<typeof validated>;
    try {
        run = validated(m.text, m.stack);
    } catch (err) {
        return [
            `stack trace: ${String((err as Error).stack ?? err)
                .split("\n")
                .slice(0, 4)
                .join(" | ")}`,
        ];
    }
    const { outcome } = run;
    if (/\n\s+at .+\(.+:\d+:\d+\)/.test(outcome.message)) return ["a stack trace in the message"];
    if (CREDENTIALS.some((c) => outcome.message.includes(c)))
        return ["a pasted credential quoted in the message"];
    if (outcome.fileError)
        return outcome.fileError.split("\n").length === 1 ? [] : ["a file error of several lines"];
    const faults: string[] = [];
    if (outcome.problems.length === 0) {
        for (const step of m.alone)
            if (validated(step.text, m.stack).outcome.problems.length > 0)
                faults.push("accepted: a step alone is refused");
        if (m.credential) faults.push("accepted a pasted credential in a plain value");
        if (m.stack !== "prod") faults.push(...productionWrites(outcome.config));
        return faults;
    }
    const keys = outcome.problems.map((p) => p.key);
    const twice = keys.filter(
        (k, i) =>
            keys.indexOf(k) !== i &&
            outcome.problems.find((p) => p.key === k)!.fix !== outcome.problems[i].fix,
    );
    if (twice.length > 0) faults.push(`one key, two fixes: ${[...new Set(twice)].join(", ")}`);
    faults.push(...fixFaults(m.text, m.stack, outcome));
    // One run names every problem: what each step alone finds in its own section, all of them together find too.
    for (const step of m.alone) {
        const own = validated(step.text, m.stack).outcome.problems.filter((p) =>
            p.key.startsWith(`${step.section}`),
        );
        const missed = own.filter((p) => !keys.includes(p.key));
        if (missed.length > 0)
            faults.push(`not named with the other mistakes: ${missed.map((p) => p.key).join(", ")}`);
    }
    return faults;
}

/** What an accepted non-production configuration writes that production owns. */
function productionWrites(config: ReturnType<typeof validated>["outcome"]["config"]): string[] {
    if (!config) return [];
    const out: string[] = [];
    for (const d of config.deployments) {
        if (d.target.kind !== "kubernetes") continue;
        for (const n of d.def.namespaces(d.section))
            if (PROD_NAMESPACES.has(n.namespace))
                out.push(`accepted: ${d.def.section} writes production's namespace ${n.namespace}`);
        for (const h of d.def.hosts(d.section))
            if (PROD_HOSTS.some((g) => hostsOverlap(g, h.value)))
                out.push(`accepted: ${d.def.section} serves production's host ${h.value}`);
    }
    return out;
}
