import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeResource from "@pulumi/pulumi/runtime/resource";
import { isCompiled, repoRoot } from "../../tools/root";

// Issue 28, "one way to build a part": every object is registered by a component (its constructor or one of its
// methods), never by a free function. The SDK's Resource constructor calls `registerResource` synchronously, so a
// stack captured in a hook on it shows who registered. Block classes (`new ConfigSecret(...)`) are vocabulary, not
// owners: whoever constructs the block is the site that counts.

/** One named frame of this program's own code (`components/`), innermost first. */
export interface ProgramFrame {
    /** Path below `components/`, without extension: `shared/secret`. */
    file: string;
    /** `configSecret`, `new ConfigSecret`, `PackitApi.appWorkload`. */
    fn: string;
}

/** One registration: its type token, logical name, and the named program frames of the stack that made it. */
export interface Registration {
    type: string;
    name: string;
    /** Whether the registered resource is a component (a ComponentResource). */
    component: boolean;
    /** The class of the registered object, to compare a component's class with its type token. */
    className: string;
    /** Its class and every base class (`Workload`, `RunbookComponent`, ...): the constructors that register it. */
    classChain: string[];
    frames: ProgramFrame[];
}

/** The code under the rule: the program's components, from the TypeScript sources or their compiled copy. */
function componentsDir(): string {
    return path.join(repoRoot(), ...(isCompiled() ? ["dist"] : []), "components") + path.sep;
}

/**
 * The named frames of `components/` in a V8 stack, innermost first. Anonymous frames (arrow callbacks: `at
 * /path/file.ts:1:2`) and frames outside the program (the SDK, built-ins such as `Array.map`) are skipped: the
 * owner is the named function around them.
 */
export function programFrames(stack: string, dir: string = componentsDir()): ProgramFrame[] {
    const frames: ProgramFrame[] = [];
    for (const line of stack.split("\n")) {
        const m = /^\s*at (?:async )?(.+?)(?: \[as [^\]]+\])? \((.+):\d+:\d+\)$/.exec(line);
        if (!m || !m[2].startsWith(dir)) continue;
        const file = m[2]
            .slice(dir.length)
            .replace(/\.(ts|js)$/, "")
            .split(path.sep)
            .join("/");
        frames.push({ file, fn: m[1] });
    }
    return frames;
}

/** The names of an object's class and its base classes, up to (without) Object. */
function classChain(value: object): string[] {
    const names: string[] = [];
    for (
        let c: unknown = value.constructor;
        typeof c === "function" && c !== Object;
        c = Object.getPrototypeOf(c)
    ) {
        if ((c as { name: string }).name) names.push((c as { name: string }).name);
    }
    return names;
}

/**
 * Evaluates `body` with a hook on the SDK's `registerResource` that records every registration's stack, and restores
 * the SDK's function afterwards, also when `body` fails.
 */
export async function recordingRegistrations<T>(
    body: () => Promise<T>,
): Promise<{ result: T; registrations: Registration[] }> {
    const registrations: Registration[] = [];
    const sdk = runtimeResource as unknown as { registerResource: (...args: unknown[]) => unknown };
    const original = sdk.registerResource;
    sdk.registerResource = function (this: unknown, ...args: unknown[]) {
        const [res, , type, name, custom] = args as [pulumi.Resource, unknown, string, string, boolean];
        // The program's evaluation runs with stack capture off (tools/plan/stacks.ts); this one capture needs depth.
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 200;
        const stack = new Error().stack ?? "";
        Error.stackTraceLimit = limit;
        registrations.push({
            type,
            name,
            component: !custom,
            className: (res as object).constructor.name,
            classChain: classChain(res),
            frames: programFrames(stack),
        });
        return original.apply(this, args);
    };
    try {
        return { result: await body(), registrations };
    } finally {
        sdk.registerResource = original;
    }
}

/** A site that registered objects: `file:function`, and how many. */
export interface Violation {
    site: string;
    count: number;
    /** The named program frames that called the site. */
    callers: string[];
}

/**
 * Class names of this program's components, as registered (a component's class name equals its type token's last
 * part, which the test checks separately; the classes are what stack frames name).
 */
export function componentClasses(registrations: readonly Registration[]): Set<string> {
    return new Set(
        registrations.filter((r) => r.component && r.type.startsWith("runbooks:")).map((r) => r.className),
    );
}

/**
 * The site that breaks the rule for one registration, or undefined when the object is owned by a component. From the
 * innermost named program frame outwards: a component's constructor or method owns it; a block's constructor (`new
 * X` of a class that is not a component) is passed through to whoever constructs it; anything else (a free function,
 * a named closure, a method of a non-component) is the violating site. `roots` match the functions that are the
 * stack's own body (its children are the stack's), which may construct blocks and components directly.
 */
export function violatingSite(
    registration: Registration,
    components: ReadonlySet<string>,
    roots: readonly RegExp[],
): { site: string; caller?: string } | undefined {
    // A component registers itself from its own constructors (its class's and its bases'): who constructs it is the
    // site that counts, as for any other object.
    let own = 0;
    while (
        registration.component &&
        own < registration.frames.length &&
        registration.classChain.some((c) => registration.frames[own].fn === `new ${c}`)
    ) {
        own++;
    }
    for (const [i, frame] of registration.frames.entries()) {
        if (i < own) continue;
        const site = `${frame.file}:${frame.fn}`;
        const ctor = /^new (\S+)$/.exec(frame.fn);
        if (ctor) {
            if (components.has(ctor[1])) return undefined;
            continue;
        }
        const method = /^([^.\s]+)\.\S+$/.exec(frame.fn);
        if (method && components.has(method[1])) return undefined;
        if (roots.some((r) => r.test(site))) return undefined;
        const caller = registration.frames[i + 1];
        return { site, ...(caller ? { caller: `${caller.file}:${caller.fn}` } : {}) };
    }
    // No program frame at all: the SDK's own registrations (the stack), which no part of the program owns.
    return undefined;
}

/** Violations per site, most registrations first. */
export function violations(registrations: readonly Registration[], roots: readonly RegExp[]): Violation[] {
    const components = componentClasses(registrations);
    const bySite = new Map<string, Violation>();
    for (const r of registrations) {
        const found = violatingSite(r, components, roots);
        if (found === undefined) continue;
        const { site, caller } = found;
        const v = bySite.get(site) ?? { site, count: 0, callers: [] };
        v.count++;
        if (caller !== undefined && !v.callers.includes(caller)) v.callers.push(caller);
        bySite.set(site, v);
    }
    return [...bySite.values()].sort((a, b) => b.count - a.count || a.site.localeCompare(b.site));
}
