import { RecordedResource } from "../../tools/mocks/recorder";
import { recorder } from "../harness";
import { stackPlan } from "../fixtures/plans";

// The committed stacks are planned once per test run (test/fixtures/plans.ts). A describe whose cases only read what
// a committed stack deploys reads that plan instead of evaluating the program again (a stage evaluation of Thoth is
// ~500 objects). What the plan does not hold (secrets in plain text, which inputs were secret, dependencies) throws
// when read, so a case that needs it cannot pass on an empty stand-in: it evaluates instead.

function missing(what: string, r: { type: string; name: string }): never {
    throw new Error(
        `the committed plan records no ${what} (${r.type} ${r.name}): evaluate this case instead of reading the plan`,
    );
}

/** Thoth's objects of a committed stack's plan, in the shape the harness records (what the plan lacks throws). */
export async function plannedThoth(stack: "stage" | "prod"): Promise<RecordedResource[]> {
    const plan = await stackPlan(stack);
    return plan.resources
        .filter((r) => r.system === "thoth")
        .map((r) => {
            const resource = {
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: r.parent,
                custom: !r.type.startsWith("runbooks:"),
                provider: r.provider,
                masked: r.inputs,
                protect: r.protect,
                retainOnDelete: r.retainOnDelete,
                importId: "",
                ignoreChanges: r.ignoreChanges,
            };
            // Secrets are masked in the plan: plain text, secret paths and dependencies are the evaluation's only.
            return Object.defineProperties(resource, {
                inputs: {
                    enumerable: true,
                    get: () =>
                        JSON.stringify(r.inputs).includes("[secret]")
                            ? missing("plain secrets", r)
                            : r.inputs,
                },
                secretPaths: { enumerable: true, get: () => missing("secret paths", r) },
                dependencies: { enumerable: true, get: () => missing("dependencies", r) },
            }) as unknown as RecordedResource;
        });
}

/**
 * In a `before` hook of the calling describe: the harness's queries (ofType, k8sObject, ...) answer from Thoth's
 * objects in the committed plan of `stack`, as after an evaluation of the committed stack.
 */
export function plannedBefore(stack: "stage" | "prod"): void {
    before(async () => {
        recorder.restore(await plannedThoth(stack));
    });
}
