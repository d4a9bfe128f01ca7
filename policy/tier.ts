import { StackTier, isProductionTier } from "../components/config/system";
import { readStackFile } from "../tools/plan/stackfile";
import { repoRoot } from "../tools/root";

// Production is what the program calls production: the stack's `runbooks:tier`, read with the program's own
// predicate, not the stack's name (a stack named `prod-eu` or `live` is production when its tier says so).

const known = new Map<string, boolean>();

/**
 * Whether `stack` is production by its stack file's `runbooks:tier`. A stack whose file cannot be read or that
 * has no tier counts as production: the program refuses to run without a tier, and the stricter rules are the safe
 * side (the policy-pack config `production: false` says otherwise explicitly).
 */
export function stackIsProduction(stack: string, root = repoRoot()): boolean {
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
