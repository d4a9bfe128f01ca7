import { RecordedResource, SECRET_MASK } from "../../tools/mocks/recorder";
import type { PlanResource } from "../../tools/plan/render";
import { recorder } from "../harness";
import { recordedResources, stackPlan } from "../fixtures/plans";

// The committed stacks are planned once per test run (test/fixtures/plans.ts). A describe whose cases only read what
// a committed stack deploys reads that plan instead of evaluating the program again (a stage evaluation of Thoth is
// ~500 objects). What the plan does not hold (a secret's plain text, which inputs were secret) throws when read, so a
// case that needs it cannot pass on a masked stand-in: it evaluates instead.

function missing(what: string, r: PlanResource): never {
    throw new Error(
        `the committed plan records no ${what} (${r.type} ${r.name}): evaluate this case instead of reading the plan`,
    );
}

/** `value` with every read of a masked secret below it throwing (a leak check over it cannot pass vacuously). */
function guarded(value: unknown, r: PlanResource, path: string): unknown {
    if (typeof value !== "object" || value === null) return value;
    return new Proxy(value, {
        get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if (typeof prop !== "string") return v;
            const at = path ? `${path}.${prop}` : prop;
            if (v === SECRET_MASK) missing(`plain text of the secret at ${at}`, r);
            return guarded(v, r, at);
        },
    });
}

/**
 * Thoth's objects of a committed stack's plan (and the providers they use), in the shape the harness records; what
 * the plan lacks throws when read. URNs name the stack (`urn:pulumi:<stack>::`) where an evaluation's name `test`.
 */
export async function plannedThoth(stack: "stage" | "prod"): Promise<RecordedResource[]> {
    const resources = recordedResources(await stackPlan(stack));
    const thoth = resources.filter((r) => r.system === "thoth");
    const providers = new Set(thoth.map((r) => r.provider));
    return resources
        .filter((r) => r.system === "thoth" || providers.has(r.urn))
        .map((r) => {
            const resource = {
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: r.parent,
                custom: r.custom,
                provider: r.provider,
                inputs: guarded(r.inputs, r, "") as Record<string, unknown>,
                masked: r.inputs,
                protect: r.protect,
                retainOnDelete: r.retainOnDelete,
                importId: "",
                ignoreChanges: r.ignoreChanges,
                dependencies: r.dependencies,
                aliases: r.aliases,
            };
            return Object.defineProperties(resource, {
                secretPaths: { enumerable: true, get: () => missing("secret paths", r) },
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

/**
 * An evaluation that cases of one file share (what the plan lacks: a secret's plain text, which inputs are secret), run once by
 * the first case that reads it. Each case reads it in `body` through the harness's queries; afterwards the recorder
 * holds what it held before (a describe's plan), so the case can stand anywhere among the describe's others.
 */
export function sharedEvaluation(
    run: () => Promise<readonly RecordedResource[]>,
): <T>(body: () => T | Promise<T>) => Promise<T> {
    let evaluated: Promise<RecordedResource[]> | undefined;
    return async (body) => {
        // Taken first: the evaluation itself moves the recorder.
        const before = [...recorder.resources];
        evaluated ??= run().then((r) => [...r]);
        recorder.restore(await evaluated);
        try {
            return await body();
        } finally {
            recorder.restore(before);
        }
    };
}
