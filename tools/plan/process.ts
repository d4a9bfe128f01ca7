import { crashText } from "../cli/args";
import { repoRoot } from "../root";
import type { PlanResource } from "./render";
import { withQuietStacks } from "./stacks";

/**
 * The resources of a stack's offline plan of the checkout in `cwd`, planned in this process, as resources.json holds
 * them. A plan that cannot be made rejects with a message: the user's error as it is, anything else with its trace.
 */
export async function planResources(stack: string, cwd = repoRoot()): Promise<PlanResource[]> {
    // Loaded only now: the program and the SDK take a second to load, which argument errors should not wait for.
    const { isUserError, planStack } = await import("./run");
    const { renderResourcesJson } = await import("./render");
    try {
        const plan = await withQuietStacks(() => planStack(stack, cwd));
        return JSON.parse(renderResourcesJson(plan)) as PlanResource[];
    } catch (err) {
        const why = isUserError(err) ? err.message : crashText(err);
        throw new Error(`${stack}: the plan of stack ${stack} failed:\n${why}`);
    }
}
