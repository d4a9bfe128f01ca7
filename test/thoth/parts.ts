import { RecordedResource, SECRET_MASK } from "../../tools/mocks/recorder";
import type { PlanResource } from "../../tools/plan/render";
import { recorder } from "../harness";
import { recordedResources, stackPlan } from "../fixtures/plans";
import { evaluatePart } from "../fixtures/part";
import { Stack } from "../fixtures/system";
import { thoth } from "../../components/thoth/index";
import { Thoth } from "../../components/thoth/thoth";
import { Json, THOTH, thothOf, withoutNodepool } from "./fixtures";

// The committed stacks are planned once per test run (test/fixtures/plans.ts). A describe whose cases only read what
// a committed stack deploys reads that plan instead of evaluating the program again (a stage evaluation of Thoth is
// ~500 objects). What the plan does not hold (a secret's plain text, which inputs were secret) throws when read, so a
// case that needs it cannot pass on a masked stand-in: it evaluates instead.

function missing(what: string, r: PlanResource): never {
    throw new Error(
        `the committed plan records no ${what} (${r.type} ${r.name}): evaluate this case instead of reading the plan`,
    );
}

/**
 * Whether the code reading a guarded value is what renders a failure: mocha's diff and its worker's serializer, node's
 * inspect behind an assertion's message. They get the masked value: a throw there would escape mocha and end the run
 * without a report (exit 0 when run alone, a worker that never answers under `npm test`). Only the reader's own frame
 * counts, so a test's read, or a JSON.stringify in a test, still throws.
 */
function renderingFailure(): boolean {
    // [0] "Error", [1] this function, [2] the getter or trap, [3] the reader.
    const reader = (new Error().stack ?? "").split("\n")[3] ?? "";
    return /[\\/]node_modules[\\/]mocha[\\/]|\(node:internal\/(util\/inspect|assert|errors)/.test(reader);
}

/** `value` with every read of a masked secret below it throwing (a leak check over it cannot pass vacuously). */
function guarded(value: unknown, r: PlanResource, path: string): unknown {
    if (typeof value !== "object" || value === null) return value;
    return new Proxy(value, {
        get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if (typeof prop !== "string") return v;
            const at = path ? `${path}.${prop}` : prop;
            if (v === SECRET_MASK && !renderingFailure()) missing(`plain text of the secret at ${at}`, r);
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
                secretPaths: {
                    enumerable: true,
                    get: () =>
                        renderingFailure() ? "[not recorded in the plan]" : missing("secret paths", r),
                },
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

/** What {@link evaluateThoth} builds: the stack's thoth section after `change`. */
export interface ThothPartOptions {
    change?: (thoth: Record<string, Json>) => void;
    /** The secrets to give (those the changed section asks for when absent). */
    secrets?: Record<string, string>;
}

/**
 * Thoth alone, as the program deploys it (test/fixtures/part.ts): the system's component built from the section the
 * program checks, without the other systems of the stack.
 */
export function evaluateThoth(stack: Stack, options: ThothPartOptions = {}): Promise<RecordedResource[]> {
    const { change, secrets } = options;
    return evaluatePart(
        THOTH,
        thoth,
        stack,
        change && ((values) => change(thothOf(values))),
        (config, context) => {
            new Thoth("thoth", { config, context });
        },
        secrets,
    );
}

/**
 * Thoth of `stack` as far as a secret can reach, for a leak scan (a secret value must appear nowhere but in its
 * Secrets): the bots and the station (handed the secret store), the tunnels (their API keys) and Dgraph (its TLS
 * keys). The nodepool, handed no secret, is off ({@link withoutNodepool}).
 */
export function evaluateSecretHolders(stack: Stack): Promise<RecordedResource[]> {
    return evaluateThoth(stack, { change: withoutNodepool });
}
