import { BotsConfig } from "../config";
import { BOT_NAMES, BotName } from "./catalog";

// Which bots a configuration deploys. Apart from the catalogue of names (./catalog.ts), which the config schema
// reads: these read the parsed config, so they sit above both.

/** Why a bot is not deployed, or undefined when it is. */
export function botDisabledReason(bots: BotsConfig | undefined, name: BotName): string | undefined {
    if (!bots) return "thoth.bots is not configured";
    if (!bots.enabled) return "thoth.bots.enabled is false";
    const entry = bots[name];
    if (!entry) return `thoth.bots.${name} is not configured`;
    if (!entry.enabled) return `thoth.bots.${name}.enabled is false`;
    return undefined;
}

export function isBotEnabled(bots: BotsConfig | undefined, name: BotName): boolean {
    return botDisabledReason(bots, name) === undefined;
}

/** A bot's config entry when it is deployed, else undefined: the entry narrowed, so its reader needs no `!`. */
export function enabledBot<N extends BotName>(
    bots: BotsConfig | undefined,
    name: N,
): NonNullable<BotsConfig[N]> | undefined {
    const entry = bots?.[name];
    if (entry === undefined || !isBotEnabled(bots, name)) return undefined;
    return entry;
}

/** The bots a configuration deploys, in catalogue order. */
export function enabledBots(bots: BotsConfig | undefined): BotName[] {
    return BOT_NAMES.filter((name) => isBotEnabled(bots, name));
}
