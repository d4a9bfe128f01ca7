import { planInput } from "../../policy/offline";
import type { PolicyInput } from "../../policy/rules/types";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";

/**
 * Each committed stack's plan as the policy pack reads it, filled in by the calling describe's `before`: the
 * hardening is judged on what `pulumi up` would send, not on hand-made objects.
 */
export function committedPolicyInputs(): Record<string, PolicyInput[]> {
    const inputs: Record<string, PolicyInput[]> = {};
    before(async () => {
        for (const stack of COMMITTED_STACKS)
            inputs[stack] = (await stackPlan(stack)).resources.map(planInput);
    });
    return inputs;
}
