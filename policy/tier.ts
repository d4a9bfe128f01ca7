import { isProductionStack } from "../components/config/identity";
import { StackTier, isProductionTier } from "../components/config/system";
import { readStackFile } from "../tools/plan/stackfile";
import { repoRoot } from "../tools/root";

// Production is what the program calls production: the stack's NAME (components/config/identity.ts), the same
// function the program uses. A stack file's `runbooks:tier` can only add to it (a stage stack that says production is
// treated as one), never take it away: a one-line tier change in Pulumi.prod.yaml must not turn the rules off. Under
// the real engine the pack learns the stack name from each resource's URN (`urn:pulumi:<stack>::...`, stackOf in
// rules/stateful.ts), so it needs no policy-pack config.

const known = new Map<string, boolean>();

/**
 * Whether `stack` is production: by name, or because its file says `runbooks:tier: production`. A stack whose file
 * cannot be read or that has no tier counts as production: the program refuses to run without a tier, and the
 * stricter rules are the safe side.
 */
export function stackIsProduction(stack: string, root = repoRoot()): boolean {
    if (isProductionStack(stack)) return true;
    const id = `${root}\0${stack}`;
    let production = known.get(id);
    if (production === undefined) {
        let tier: unknown;
        try {
            tier = readStackFile(stack, root).values.tier;
        } catch {
            tier = undefined;
        }
        production = typeof tier === "string" ? isProductionTier(tier as StackTier) : true;
        known.set(id, production);
    }
    return production;
}
