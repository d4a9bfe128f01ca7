import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
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
    /** The id of an existing object the resource adopts (`import` option); empty when it is created. */
    importId: string;
    ignoreChanges: string[];
    dependencies: string[];
}

function isSecretValue(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The wire form of inputs with secrets in plain text and references reduced to their URN. */
function reveal(value: unknown): unknown {
    if (isSecretValue(value)) {
        return reveal(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(reveal);
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (SIG_KEY in obj) {
            return obj.urn ?? obj.id ?? "[reference]";
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

/** Masks secrets in the wire form of inputs and lists where they were. */
function mask(value: unknown, path: string, secretPaths: string[]): unknown {
    if (isSecretValue(value)) {
        secretPaths.push(path);
        return SECRET_MASK;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => mask(v, `${path}[${i}]`, secretPaths));
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (SIG_KEY in obj) {
            // Resource references and assets: keep their identity only.
            return obj.urn ?? obj.id ?? "[reference]";
        }
        return Object.fromEntries(
            Object.entries(obj).map(([k, v]) => [k, mask(v, path ? `${path}.${k}` : k, secretPaths)]),
        );
    }
    return value;
}

interface Req {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getObject(): { toJavaScript(): unknown };
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getIgnorechangesList(): string[];
    getImportid(): string;
    getDependenciesList(): string[];
    getImportid(): string;
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

/**
 * A mock monitor that records every registration and, like the real engine and unlike Pulumi's mocks,
 * rejects a second resource with the same URN.
 */
class RecordingMonitor extends MockMonitor {
    constructor(private readonly recorder: Recorder) {
        super({
            newResource: (args) => {
                const state = { ...args.inputs, ...fakeOutputs(args.type, args.name, args.inputs) };
                return { id: args.custom ? fakeId(args.type, args.name) : undefined, state };
            },
            call: (args) => fakeInvoke(args.token, args.inputs),
        });
    }

    private urnOf(parent: string, type: string, name: string): string {
        return engineUrn(pulumi.getStack(), pulumi.getProject(), parent, type, name);
    }

    // Pulumi's MockMonitor answers with URNs that keep only the parent's last type; the SDK then passes those as
    // the parents of children, so deeper URNs would drift further. Answering with the engine's URN keeps every level
    // right. (MockMonitor declares newUrn private; it is an ordinary method.)
    static {
        (
            RecordingMonitor.prototype as unknown as { newUrn(p: string, t: string, n: string): string }
        ).newUrn = function (this: RecordingMonitor, parent: string, type: string, name: string): string {
            return this.urnOf(parent, type, name);
        };
    }

    async registerResource(req: Req, callback: (err: unknown, resp: unknown) => void): Promise<void> {
        const urn = this.urnOf(req.getParent(), req.getType(), req.getName());
        if (this.recorder.byUrn.has(urn)) {
            const err = new Error(
                `duplicate resource URN ${urn}: two resources of one type have the same name`,
            );
            this.recorder.errors.push(err.message);
            callback(err, undefined);
            return;
        }
        const secretPaths: string[] = [];
        const wire = req.getObject().toJavaScript() as Record<string, unknown>;
        const masked = mask(wire, "", secretPaths) as Record<string, unknown>;
        const record: RecordedResource = {
            urn,
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            custom: req.getCustom(),
            provider: req.getProvider(),
            inputs: reveal(wire) as Record<string, unknown>,
            masked,
            secretPaths,
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            importId: req.getImportid(),
            ignoreChanges: req.getIgnorechangesList(),
            dependencies: req.getDependenciesList(),
        };
        this.recorder.byUrn.set(urn, record);
        this.recorder.resources.push(record);
        return super.registerResource(req, callback);
    }
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
        this.reset();
        for (const r of resources) {
            this.resources.push(r);
            this.byUrn.set(r.urn, r);
        }
    }
}

/**
 * Installs the recording mocks for this process, recording into `recorder` (mocks are global: the last install wins,
 * so a process that plans a stack in between installs its own recorder again afterwards).
 * `preview=false` so `apply` callbacks run and computed values appear in the recording.
 */
export function installRecorder(stack: string, project = "runbooks", recorder = new Recorder()): Recorder {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as {
        setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean): void;
    };
    settings.setMockOptions(new RecordingMonitor(recorder), project, stack, false);
    // setMockOptions resets the feature flags; set them as pulumi.runtime.setMocks does, so secrets and
    // resource references reach the monitor in their wire form.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, boolean> };
    const store = state.getStore();
    Object.assign(store, {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsReplaceWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: false,
        supportsParameterization: true,
        supportsResourceHooks: true,
        supportsErrorHooks: true,
        supportsInvokeDependsOn: false,
    });
    return recorder;
}

/** Waits until every registration and every apply the program started has finished. */
export async function settle(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}
