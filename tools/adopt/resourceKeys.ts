import { COMPONENTS } from "../../components/prow/catalog";
import { BOT_NAMES } from "../../components/thoth/bots/catalog";

/**
 * The stack key that sets a container's requests and limits, where the system has one (Thoth's bots and Dgraph,
 * Prow's components; the other systems size their containers in code from the source manifests). Keyed by the
 * system (its config section) and the container's name (container names repeat across systems: `nginx`), which each of those systems takes from the name under the key (botkit's `name: spec.bot`,
 * Prow's `spec.container ?? spec.name`, the `zero` and `alpha` containers of Dgraph's image).
 */
export function resourcesKeyOf(
    system: string,
    container: { name: string; image?: string },
): string | undefined {
    const { name } = container;
    if (system === "thoth") {
        if ((BOT_NAMES as readonly string[]).includes(name)) return `thoth.bots.${name}.resources`;
        if ((name === "zero" || name === "alpha") && /dgraph/.test(container.image ?? ""))
            return `thoth.station.dgraph.${name}Resources`;
    }
    if (system === "prow") {
        const component = COMPONENTS.find((c) => (c.container ?? c.name) === name);
        return component && `prow.components.${component.name}.resources`;
    }
    return undefined;
}
