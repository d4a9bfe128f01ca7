import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { COMMITTED_STACKS } from "../components/config/identity";
import { runProgram } from "../components/program";
import { loadProgramConfig } from "../components/config/load";
import { LoadOptions } from "../components/config/loadOptions";
import { ConfigError, ConfigProblem } from "../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../components/config/source";
import { SystemDefinition } from "../components/config/systemDefinition";
import { SYSTEMS } from "../components/systems";
import { RecordedResource, Recorder, installRecorder, settle } from "../tools/mocks/recorder";
import { readStackFile } from "../tools/plan/stackfile";
import { withQuietStacks } from "../tools/plan/stacks";
import { scratchDir } from "./fixtures/scratch";
import { confirmImages, fillPlaceholders, operatorId } from "./placeholders";
import { pinRequired } from "../components/config/clusterPin";

/** The stack name the test process's mocks report. */
const TEST_STACK = "test";

/** The one recorder of the test process: Pulumi's mocks are global, so every test file shares it. */
export const recorder: Recorder = installRecorder(TEST_STACK);

/** Makes the test recorder the process's mocks again, after something (an in-process plan) installed its own. */
export function reinstallRecorder(): void {
    installRecorder(TEST_STACK, undefined, recorder);
}

/** Forgets what earlier tests registered. Call at the start of each test that inspects resources. */
export function resetRecorder(): void {
    recorder.reset();
}

/** Waits for every registration and apply, then fails if the engine would have rejected a duplicate URN. */
export async function settled(): Promise<RecordedResource[]> {
    await settle();
    if (recorder.errors.length > 0) {
        throw new Error(recorder.errors.join("\n"));
    }
    // A copy: the next evaluation empties the recorder's own list in place, and a caller may still hold this one.
    return [...recorder.resources];
}

/** What the tests read of a registered resource, alike in a fresh evaluation and in the run's plan of a stack. */
export type Registered = Pick<
    RecordedResource,
    "urn" | "type" | "name" | "inputs" | "protect" | "retainOnDelete" | "ignoreChanges"
>;

/**
 * The lookups of a test over a list of resources: one evaluation's (kept after the recorder moved on) or one plan's.
 * The free functions below are the same lookups over what the recorder holds now.
 */
export class Objects<R extends Registered = Registered> {
    constructor(public readonly resources: readonly R[]) {}

    /** Resources of a type token (e.g. `kubernetes:apps/v1:Deployment`), Kubernetes objects in `namespace` when given. */
    ofType(type: string, namespace?: string): R[] {
        return this.resources.filter(
            (r) =>
                r.type === type &&
                (namespace === undefined ||
                    (r.inputs.metadata as { namespace?: string } | undefined)?.namespace === namespace),
        );
    }

    /** The one object of a type with this metadata name (in `namespace` when given); throws when absent or ambiguous. */
    one(type: string, name: string, namespace?: string): R {
        const found = this.ofType(type, namespace).filter(
            (r) => (r.inputs.metadata as { name?: string } | undefined)?.name === name,
        );
        if (found.length !== 1) {
            throw new Error(`expected one ${type} ${namespace ?? "*"}/${name}, found ${found.length}`);
        }
        return found[0];
    }

    /** The one resource of this Pulumi name (and type, when given); throws when absent or ambiguous. */
    byName(name: string, type?: string): R {
        const found = this.resources.filter(
            (r) => r.name === name && (type === undefined || r.type === type),
        );
        if (found.length !== 1) {
            throw new Error(
                `expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`,
            );
        }
        return found[0];
    }
}

/** What the recorder holds now, as {@link Objects}. */
function recorded(): Objects<RecordedResource> {
    return new Objects(recorder.resources);
}

/** Resources of a type token, e.g. `kubernetes:apps/v1:Deployment`. */
export function ofType(type: string): RecordedResource[] {
    return recorded().ofType(type);
}

/** A Kubernetes object by kind token and metadata name (and namespace, when given). Throws when absent or ambiguous. */
export function k8sObject(type: string, name: string, namespace?: string): RecordedResource {
    return recorded().one(type, name, namespace);
}

/** Kubernetes objects of a type in a namespace. */
export function k8sObjects(type: string, namespace?: string): RecordedResource[] {
    return recorded().ofType(type, namespace);
}

/** A resource by its Pulumi name. */
export function byName(name: string, type?: string): RecordedResource {
    return recorded().byName(name, type);
}

/** The value of an Output (or plain input) once resolved. */
export function unwrap<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/** Reads a nested field of recorded inputs by a dotted path with [i] indexes. */
export function field(source: unknown, path: string): unknown {
    return path
        .replace(/\[(\d+)\]/g, ".$1")
        .split(".")
        .filter((p) => p !== "")
        .reduce<unknown>(
            (acc, key) =>
                acc === null || acc === undefined ? undefined : (acc as Record<string, unknown>)[key],
            source,
        );
}

/** The committed stack files' values, read once per process (a test run does not change them). */
const committedValues = new Map<string, Record<string, unknown>>();

/** Plain values of a committed stack file, for tests that start from the real stage/prod config (a copy to edit). */
export function stackValues(stack: "stage" | "prod"): Record<string, unknown> {
    return structuredClone(committedStackValues(stack));
}

/**
 * The sections of {@link stackValues} named in `sections` (those the stack has), a copy of only them: a system's
 * tests keep a few of a stack's sections, and copying the whole stack for each evaluation was most of the cost.
 */
export function stackSections(stack: "stage" | "prod", sections: readonly string[]): Record<string, unknown> {
    const all = committedStackValues(stack);
    return structuredClone(Object.fromEntries(sections.filter((s) => s in all).map((s) => [s, all[s]])));
}

/** `values` with each enabled system's `status` live: the committed file once every system has gone live. */
export function everySystemLive(values: Record<string, unknown>): Record<string, unknown> {
    for (const { section } of SYSTEMS) {
        const s = values[section] as { enabled?: unknown; status?: unknown } | undefined;
        if (s?.enabled === true) s.status = "live";
    }
    return values;
}

/**
 * A committed stack file as it is (placeholders and all) with every enabled system live: what a real run of a system
 * asks once its operator has turned it live. The committed files stage every system until then.
 */
export function liveStackFile(stack: string, root?: string): ReturnType<typeof readStackFile> {
    const file = readStackFile(stack, root);
    return { ...file, values: everySystemLive(structuredClone(file.values)) };
}

/** {@link stackValues} as the process keeps them: never handed out, only copies of it. */
function committedStackValues(stack: "stage" | "prod"): Record<string, unknown> {
    let values = committedValues.get(stack);
    if (!values) {
        // As the operator has them once every set-by-operator placeholder is set (test/placeholders.ts).
        values = fillPlaceholders(structuredClone(readStackFile(stack).values));
        // Every enabled system live, as once its secrets are set (these tests set them): the committed files stage
        // every system until its operator has set them (the README's first deploy turns one live).
        values = everySystemLive(values);
        // A production stack runs only confirmed images: as the operator has them once each is pinned.
        if (stack === "prod") values = confirmImages(values);
        // Production pins each cluster's identity (components/config/clusterPin.ts): as its operator has once pinned.
        if (pinRequired(stack)) values = pinClusters(values);
        const dials = values.dials as Record<string, unknown> | undefined;
        if (dials && readStackFile(stack).values.dials) dials.databaseServer = operatorDatabaseServer(stack);
        committedValues.set(stack, values);
    }
    return values;
}

/** Every cluster entry pinned as its operator pins it: a uid per cluster, made for tests. */
export function pinClusters(values: Record<string, unknown>): Record<string, unknown> {
    const clusters = (values.clusters ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, entry] of Object.entries(clusters)) {
        entry.identity ??= { uid: operatorId(`clusters.${name}.identity.uid`) };
    }
    return values;
}

/** The problems validating `source` stops on (none: it loads); anything but a ConfigError is thrown on. */
export function configProblems(
    source: ConfigSource,
    options?: LoadOptions,
    systems: readonly SystemDefinition[] = SYSTEMS,
): ConfigProblem[] {
    try {
        loadProgramConfig(source, systems, options);
        return [];
    } catch (err) {
        if (err instanceof ConfigError) return [...err.problems];
        throw err;
    }
}

/**
 * The ConfigError `run` (an evaluation of the program) stops with; fails when it is accepted, stops on anything else,
 * or registered anything before stopping: a wrong configuration registers nothing.
 */
export async function configErrorOf(run: () => Promise<unknown>): Promise<ConfigError> {
    try {
        await run();
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        assert.equal(recorder.resources.length, 0, "nothing is registered when the config is wrong");
        return err;
    }
    return assert.fail("the configuration was accepted");
}

/** Fails unless `outcome` (a ConfigError, a pass's result) has exactly one problem, and it is about `key`; returns it. */
export function onlyProblem<P extends { key: string }>(
    outcome: { problems: readonly P[] },
    key: string,
    message?: string,
): P {
    assert.deepEqual(
        outcome.problems.map((p) => p.key),
        [key],
        message,
    );
    return outcome.problems[0];
}

/**
 * The problems a real run of a committed stack stops on: the file as it is (placeholders unfilled, unlike
 * {@link stackValues}), after `edit`, with every secret set.
 */
export function realRunProblems(
    stack: "stage" | "prod",
    edit: (values: Record<string, unknown>) => void = () => {},
): ConfigProblem[] {
    const values = liveStackFile(stack).values;
    edit(values);
    return configProblems(memoryConfigSource(values, stackSecrets(stack, values), { stack }));
}

/**
 * A value for every secret the committed stack file needs (`test-<key>`), so a test can start from a
 * complete, valid configuration and take away exactly what it wants to break.
 */
export function stackSecrets(
    stack: "stage" | "prod",
    values?: Record<string, unknown>,
): Record<string, string> {
    if (values) return secretsOf(values);
    // The committed values' secrets are the same every time: one configuration check per stack and process.
    let secrets = committedSecrets.get(stack);
    if (!secrets) {
        secrets = secretsOf(stackValues(stack));
        committedSecrets.set(stack, secrets);
    }
    return { ...secrets };
}

const committedSecrets = new Map<string, Record<string, string>>();

function secretsOf(values: Record<string, unknown>): Record<string, string> {
    const config = loadProgramConfig(memoryConfigSource(values, {}), SYSTEMS, {
        placeholderSecret: () => "x",
    });
    const secrets = Object.fromEntries(config.secretSpecs.map((s) => [s.key, `test-${s.key}`]));
    // A database URI names the server its stack file names (components/config/passes/databaseServers.ts).
    for (const def of config.enabled) {
        for (const use of def.databaseServers?.(config.sections[def.section]) ?? []) {
            for (const key of use.uris) secrets[key] = `postgresql://test:test-${key}@${use.server}`;
        }
    }
    return secrets;
}

/** The database server an operator names for a stack's DIALS: each stack its own, as the check demands. */
export function operatorDatabaseServer(stack: string): string {
    return `dbod-dials-${stack}.operator.test:6600`;
}

/**
 * A checkout whose committed stack files have every `dials.databaseServer` placeholder set as {@link stackValues}
 * sets it: a stage run is checked against production's named server, as once production's operator committed it.
 */
export function operatorCheckout(): string {
    const root = scratchDir("operator-checkout-");
    for (const stack of COMMITTED_STACKS) {
        const file = `Pulumi.${stack}.yaml`;
        if (!existsSync(file)) continue;
        const text = readFileSync(file, "utf8").replace(
            /^(\s+databaseServer:) set-by-operator$/m,
            `$1 ${operatorDatabaseServer(stack)}`,
        );
        writeFileSync(path.join(root, file), text);
    }
    return root;
}

export interface RunOptions {
    values: Record<string, unknown>;
    secrets?: Record<string, string>;
    systems?: readonly SystemDefinition[];
    /** Fill missing secrets with a placeholder, as the offline plan does. */
    placeholderSecrets?: boolean;
}

/** How many times this process has evaluated the program (see {@link runWith}). */
let evaluations = 0;

/** How many times this process has evaluated the program so far: a test can check that its evaluation ran. */
export function evaluationCount(): number {
    return evaluations;
}

/**
 * Runs `body` and fails unless it evaluated the program at least once, for a test that observes the evaluation itself
 * (a wrapped lookup function): "nothing was called" only means something when the program ran.
 */
export async function evaluatingAgain<T>(body: () => Promise<T>): Promise<T> {
    const before = evaluations;
    const result = await body();
    if (evaluations === before) {
        throw new Error("evaluatingAgain: the body did not evaluate the program, so it observed nothing");
    }
    return result;
}

/**
 * Evaluates the whole program under the mocks with the given config and returns every registered resource. Every
 * call is a new evaluation: a test that reads the same configuration in several cases evaluates it once in a
 * `before` hook (see test/fixtures/stack.ts); only the committed stacks' plans are shared (test/fixtures/plans.ts).
 */
export async function runWith(options: RunOptions): Promise<RecordedResource[]> {
    return evaluate(() =>
        runProgram(memoryConfigSource(options.values, options.secrets ?? {}), options.systems ?? SYSTEMS, {
            placeholderSecret: options.placeholderSecrets ? (spec) => `placeholder-${spec.key}` : undefined,
        }),
    );
}

/**
 * One new evaluation: forgets what earlier ones registered, runs `body` (which registers) under the test mocks and
 * returns every resource it registered once all have settled. {@link runWith} evaluates the program with it;
 * test/fixtures/part.ts one component of a system.
 */
export async function evaluate(body: () => void): Promise<RecordedResource[]> {
    evaluations++;
    // The harness's mocks, whatever ran before in this worker (an in-process plan installs its own): registrations
    // made elsewhere would leave this evaluation's list empty.
    reinstallRecorder();
    resetRecorder();
    return withQuietStacks(() => {
        body();
        return settled();
    });
}
