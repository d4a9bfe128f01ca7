import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest as Req } from "@pulumi/pulumi/proto/resource_pb";
import { fakeId, fakeInvoke, fakeOutputs } from "./fakes";

/** The text that replaces every secret value in recorded inputs. */
export const SECRET_MASK = "[secret]";

const SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

/** One registered resource, as the engine would have received it. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent, empty for the stack's direct children. */
    parent: string;
    custom: boolean;
    /** Provider reference (`<urn>::<id>`) of a custom resource; empty when the default provider would be used. */
    provider: string;
    /** Inputs with secrets in plain text (for assertions). */
    inputs: Record<string, unknown>;
    /** Inputs with every secret replaced by {@link SECRET_MASK} (for plans and secrecy assertions). */
    masked: Record<string, unknown>;
    /** Dotted paths of the inputs that were marked secret. */
    secretPaths: string[];
    protect: boolean;
    retainOnDelete: boolean;
    /** Replaced by deleting it first (the `deleteBeforeReplace` option). */
    deleteBeforeReplace: boolean;
    /** The id of an existing object the resource adopts (`import` option); empty when it is created. */
    importId: string;
    ignoreChanges: string[];
    dependencies: string[];
    /**
     * The URNs each input property was computed from (the engine's property dependencies): an object placed with a
     * Namespace's reference has the Namespace under `metadata`; one placed by a name string and a `dependsOn` does not.
     */
    propertyDependencies: Record<string, string[]>;
    /** The aliases the SDK sent (its old URNs, or specs the engine resolves against the resource's own fields). */
    aliases: RecordedAlias[];
}

/**
 * One alias of a registration as the engine receives it: a whole old URN, or a spec whose empty fields mean the
 * resource's own (name, type, stack, project) and whose parent is an old parent's URN (`noParent`: none).
 */
export interface RecordedAlias {
    urn?: string;
    name?: string;
    type?: string;
    stack?: string;
    project?: string;
    parentUrn?: string;
    noParent?: boolean;
}

function propertyDependenciesOf(req: Req): Record<string, string[]> {
    const deps: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((urns, key) => {
        deps[key] = urns.getUrnsList();
    });
    return deps;
}

function isSecretValue(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/**
 * The wire form of inputs, once with secrets in plain text (`revealed`) and once with every secret replaced by
 * {@link SECRET_MASK} (`masked`), in one walk; resource references and assets keep only their identity. Where secrets
 * were goes to `secretPaths` (dotted, with `[i]` for list items).
 */
function split(value: unknown, path: string, secretPaths: string[]): { revealed: unknown; masked: unknown } {
    if (isSecretValue(value)) {
        secretPaths.push(path);
        return { revealed: split(value.value, path, []).revealed, masked: SECRET_MASK };
    }
    if (Array.isArray(value)) {
        const revealed: unknown[] = [];
        const masked: unknown[] = [];
        value.forEach((v, i) => {
            const item = split(v, `${path}[${i}]`, secretPaths);
            revealed.push(item.revealed);
            masked.push(item.masked);
        });
        return { revealed, masked };
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (SIG_KEY in obj) {
            const identity = obj.urn ?? obj.id ?? "[reference]";
            return { revealed: identity, masked: identity };
        }
        const revealed: Record<string, unknown> = {};
        const masked: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            const item = split(v, path ? `${path}.${k}` : k, secretPaths);
            revealed[k] = item.revealed;
            masked[k] = item.masked;
        }
        return { revealed, masked };
    }
    return { revealed: value, masked: value };
}

function recordedAliases(req: Req): RecordedAlias[] {
    const specs = req.getAliasesList().map((a): RecordedAlias => {
        const spec = a.getSpec();
        if (!spec) return { urn: a.getUrn() };
        const alias: RecordedAlias = {
            name: spec.getName(),
            type: spec.getType(),
            stack: spec.getStack(),
            project: spec.getProject(),
            parentUrn: spec.getParenturn(),
            noParent: spec.getNoparent(),
        };
        // Only what the spec sets: an empty field is the resource's own.
        return Object.fromEntries(Object.entries(alias).filter(([, v]) => v !== "" && v !== false));
    });
    return [...req.getAliasurnsList().map((urn) => ({ urn })), ...specs];
}

/**
 * The URN the engine gives a resource: its parent's whole qualified type chain (not only the parent's own type),
 * then its type, joined with `$`; children of the stack itself get none (resource.NewURN in the engine).
 */
export function engineUrn(
    stack: string,
    project: string,
    parent: string,
    type: string,
    name: string,
): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The methods of the resource monitor (`pulumi.runtime.getMonitor()`, an `IResourceMonitorClient`) the recorder wraps. */
interface MonitorMethods {
    registerResource(req: Req, callback: (err: unknown, resp?: { setUrn(urn: string): void }) => void): void;
    registerResourceOutputs(req: unknown, callback: (err: unknown, resp?: unknown) => void): void;
}

/** Holds what a run of the program registered. */
export class Recorder {
    public readonly resources: RecordedResource[] = [];
    public readonly byUrn = new Map<string, RecordedResource>();
    public readonly errors: string[] = [];

    reset(): void {
        this.resources.length = 0;
        this.byUrn.clear();
        this.errors.length = 0;
    }

    /** Holds `resources` as if a run had just registered them (a recording kept from an earlier identical run). */
    restore(resources: readonly RecordedResource[]): void {
        // Copied first: `resources` may be this recorder's own list, which reset() empties in place.
        const kept = [...resources];
        this.reset();
        for (const r of kept) {
            this.resources.push(r);
            this.byUrn.set(r.urn, r);
        }
    }

    /** Records one registration; undefined when the engine would reject it (a second resource with its URN). */
    record(urn: string, req: Req): RecordedResource | undefined {
        if (this.byUrn.has(urn)) {
            this.errors.push(`duplicate resource URN ${urn}: two resources of one type have the same name`);
            return undefined;
        }
        const secretPaths: string[] = [];
        const { revealed, masked } = split(req.getObject()?.toJavaScript(), "", secretPaths);
        const record: RecordedResource = {
            urn,
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            custom: req.getCustom(),
            provider: req.getProvider(),
            inputs: revealed as Record<string, unknown>,
            masked: masked as Record<string, unknown>,
            secretPaths,
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            importId: req.getImportid(),
            ignoreChanges: req.getIgnorechangesList(),
            dependencies: req.getDependenciesList(),
            propertyDependencies: propertyDependenciesOf(req),
            aliases: recordedAliases(req),
        };
        this.byUrn.set(urn, record);
        this.resources.push(record);
        return record;
    }
}

/** The provider function the SDK's v1 `kustomize.Directory` renders a directory with. */
export const KUSTOMIZE_INVOKE = "kubernetes:kustomize:directory";

/** Objects the kustomize invoke answers with, by the directory it is asked for. */
export type KustomizeAnswers = Readonly<Record<string, readonly object[]>>;

let kustomizeAnswers: KustomizeAnswers = {};

/**
 * Makes the kustomize invoke render `answers[directory]` (a test's stand-in for an upstream directory); called
 * without arguments, every directory renders no objects again, which is what an offline plan gets: it never
 * reaches the network, so it cannot show what a directory holds.
 */
export function answerKustomize(answers: KustomizeAnswers = {}): void {
    kustomizeAnswers = structuredClone(answers);
}

/**
 * Installs the recording mocks for this process, recording into `recorder` (mocks are global: the last install wins,
 * so a process that plans a stack in between installs its own recorder again afterwards). Public API only:
 * `pulumi.runtime.setMocks` with deterministic fakes, then the monitor it installed (`pulumi.runtime.getMonitor()`)
 * gets its registerResource wrapped to record each request as the engine receives it, and to answer with the engine's
 * URN; the mocks give a resource a URN with only its parent's own type, which the SDK would then hand to children as
 * their parent, drifting further at every level. `preview=false`, so `apply` callbacks run and computed values are
 * recorded.
 */
export function installRecorder(stack: string, project = "runbooks", recorder = new Recorder()): Recorder {
    void pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const state = { ...args.inputs, ...fakeOutputs(args.type, args.name, args.inputs) };
                return { id: args.custom ? fakeId(args.type, args.name) : undefined, state };
            },
            call: (args) =>
                args.token === KUSTOMIZE_INVOKE
                    ? { result: structuredClone(kustomizeAnswers[String(args.inputs.directory)] ?? []) }
                    : fakeInvoke(args.token, args.inputs),
        },
        project,
        stack,
        false,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorMethods;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const urn = engineUrn(stack, project, req.getParent(), req.getType(), req.getName());
        if (!recorder.record(urn, req)) {
            callback(new Error(recorder.errors[recorder.errors.length - 1]));
            return;
        }
        register(req, (err, resp) => {
            resp?.setUrn(urn);
            callback(err, resp);
        });
    };
    // The mocks look the URN up among their own; the URNs here are the engine's, and the outputs are not recorded.
    monitor.registerResourceOutputs = (_req, callback) => callback(null, {});
    return recorder;
}

/**
 * Waits until every registration and every apply the program started has finished: `disconnect` waits for the
 * runtime's RPC queue to drain; under mocks it closes nothing (the mock monitor stays installed for the next run).
 */
export async function settle(): Promise<void> {
    await pulumi.runtime.disconnect();
}
