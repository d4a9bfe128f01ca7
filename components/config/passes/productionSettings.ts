import { valueAt } from "../issues";
import { ConfigProblem, fullKey, setCommand } from "../problems";
import { isLocalStack, isProductionStack } from "../identity";
import { StackTier } from "../system";
import { Passed } from "./pass";
import { SystemRead } from "./systems";

// Settings that choose whose credentials a system acts with, or which production target it writes to, follow from
// the stack's identity, never the file (a stage stack saying `thoth.identity: production` would act as production).

interface ProductionSetting {
    /** Section and key within it. */
    section: string;
    key: string;
    /** The value that selects production. */
    production: string;
    /** What a non-production stack of each tier uses instead: the one value its identity allows. */
    otherwise: Record<Exclude<StackTier, "production">, string>;
    /** What the production value makes the system do, for the message. */
    means: string;
}

export const PRODUCTION_SETTINGS: readonly ProductionSetting[] = [
    {
        section: "thoth",
        key: "identity",
        production: "production",
        otherwise: { staging: "stage", local: "stage" },
        means: "production's GitHub, webhook and ultrahook credentials (the unscoped thoth-... secrets)",
    },
    ...(["packit", "stream"] as const).map((section) => ({
        section,
        key: "deployment",
        production: "prod",
        otherwise: { staging: "stg", local: "dev" },
        means: "production's instance: its update rule, its public URLs and its fedora-messaging identity",
    })),
    {
        section: "prow",
        key: "environment",
        production: "ibmcloud-production",
        otherwise: { staging: "ibmcloud-staging", local: "kubevirtci-testing" },
        means: "production's Prow: its namespaces, hosts, GitHub organisation and job buckets",
    },
    {
        section: "callysto",
        key: "environment",
        production: "prod",
        otherwise: { staging: "dev", local: "dev" },
        means: "production's Callysto: its DNS zone and hubs users log in to",
    },
];

export interface ProductionSettingsInput {
    stack?: string;
    tier?: StackTier;
    read: readonly SystemRead[];
}

/**
 * Every production-selecting setting of an enabled system against the stack's identity; the state is each wrong
 * section as its fix leaves it, read again by the loader. Local stacks may run production's paths on pinned clusters.
 */
export function productionSettings(input: ProductionSettingsInput): Passed<Record<string, unknown>> {
    const corrected: Record<string, unknown> = {};
    if (input.stack === undefined || input.tier === undefined) return { state: corrected, problems: [] };
    const problems: ConfigProblem[] = [];
    // By the stack's name only: a tier a stack file writes protects more, it never makes a stack act as production.
    const production = isProductionStack(input.stack);
    for (const setting of PRODUCTION_SETTINGS) {
        const system = input.read.find((r) => r.def.section === setting.section);
        if (!system || system.parsed.enabled !== true) continue;
        const key = `${setting.section}.${setting.key}`;
        const value = valueAt(system.raw, [setting.key]);
        if (typeof value !== "string" || system.broken.includes(key)) continue;
        const isProductionValue = value === setting.production;
        let sets: string | undefined;
        let message = "";
        if (production && !isProductionValue) {
            sets = setting.production;
            message = `is "${value}", but stack "${input.stack}" is production by its name (components/config/identity.ts): a production stack acts as production`;
        } else if (!production && isProductionValue && !isLocalStack(input.stack)) {
            sets = setting.otherwise[input.tier === "production" ? "staging" : input.tier];
            message = `is "${value}", which selects ${setting.means}; stack "${input.stack}" is not production (components/config/identity.ts), so it never acts as production`;
        }
        if (sets === undefined) continue;
        problems.push({ key: fullKey(key), message, fix: setCommand(key, sets, { path: true }), sets });
        corrected[setting.section] = {
            ...(corrected[setting.section] ?? (system.raw as object)),
            [setting.key]: sets,
        };
    }
    return { state: corrected, problems };
}
