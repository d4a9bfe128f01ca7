import { z } from "zod";
import { loadFacts } from "../../shared/facts";
import { valueAt } from "../issues";
import { ConfigProblem, fullKey } from "../problems";
import { isLocalStack, isProductionStack } from "../identity";
import { StackTier } from "../system";
import { Passed } from "./pass";
import { SystemRead } from "./systems";

// Settings that choose whose credentials a system acts with, or which production target it writes to, follow from
// the stack's identity, never the file (a stage stack saying `thoth.identity: production` would act as production).

const productionSetting = z.strictObject({
    section: z.string(),
    key: z.string(),
    production: z.string(),
    otherwise: z.strictObject({ staging: z.string(), local: z.string() }),
    means: z.string(),
});

export const PRODUCTION_SETTINGS = loadFacts(
    "facts/productionSettings.yaml",
    z.array(productionSetting),
    "a list of production-selecting settings",
);

export interface ProductionSettingsInput {
    stack?: string;
    tier?: StackTier;
    read: readonly SystemRead[];
}

/**
 * Every production-selecting setting of an enabled system against the stack's identity; the state is each wrong
 * section with the value the stack's identity allows, read again by the loader. Local stacks may run production's paths on pinned clusters.
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
        problems.push({ key: fullKey(key), message: `${message}: set it to "${sets}"` });
        corrected[setting.section] = {
            ...(corrected[setting.section] ?? (system.raw as object)),
            [setting.key]: sets,
        };
    }
    return { state: corrected, problems };
}
