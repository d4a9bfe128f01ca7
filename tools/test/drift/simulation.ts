import type { EngineEvent } from "@pulumi/pulumi/automation";
import { covers } from "../../adopt/immutable";
import { KubeError } from "../../adopt/kube";
import { KubeObject } from "../../adopt/model";
import { declaredAt, pathSegments } from "../../drift/engine";
import { Step, render } from "../../drift/fields";
import { LiveCluster } from "../../drift/kube";
import { PatchOp } from "../../drift/procedure";
import { ManagedObject } from "../../drift/state";

// A cluster and an engine in miniature, for drift's procedure to be followed against: objects with their field
// managers (server-side apply's ownership: an update takes the fields it changes, an apply conflicts with another
// manager's field unless forced), and a refresh preview and up that behave as the provider does where drift's
// verdicts depend on it: the live object is cut to the program's shape before it is compared (lists to the program's
// length: pulumi/pulumi-kubernetes provider/pkg/provider/util.go pruneMap/pruneSlice), an apply is the program's whole
// object, a conflict or an object the API server refuses stops the run, and a forced up leaves the providers'
// patch-force switch recorded until an unforced up puts it back.

export const NS = "ns";
export const CLUSTER = "c";
export const PROGRAM = "pulumi-kubernetes-0a1b";
const PROVIDER_URN = "urn:pulumi:sim::p::pulumi:providers:kubernetes::cluster-c";

type Json = Record<string, unknown>;

const tmpl = (labels: Json, containers: Json[], extra: Json = {}) => ({
    metadata: { labels },
    spec: { containers, ...extra },
});

/** The program: what it declares per object, in the engine's order. */
export function program(): Json[] {
    const meta = (name: string, labels?: Json) => ({ name, namespace: NS, ...(labels ? { labels } : {}) });
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("tokman") },
        { apiVersion: "v1", kind: "Secret", metadata: meta("tokman-key"), data: { key: "c2VjcmV0" } },
        { apiVersion: "v1", kind: "ConfigMap", metadata: meta("web-config"), data: { mode: "a" } },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: meta("tokman", { app: "tokman" }),
            spec: {
                replicas: 1,
                template: tmpl(
                    { app: "tokman" },
                    [{ name: "tokman", image: "reg/tokman:1", env: [{ name: "A", value: "1" }] }],
                    {
                        serviceAccountName: "tokman",
                        volumes: [{ name: "key", secret: { secretName: "tokman-key" } }],
                    },
                ),
            },
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: meta("web", { app: "web" }),
            spec: {
                replicas: 2,
                template: tmpl({ app: "web", version: "1" }, [
                    {
                        name: "web",
                        image: "reg/web:1",
                        env: [
                            {
                                name: "MODE",
                                valueFrom: { configMapKeyRef: { name: "web-config", key: "mode" } },
                            },
                        ],
                    },
                ]),
            },
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: meta("web"),
            spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP" }] },
        },
        {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: meta("db", { app: "db" }),
            spec: {
                replicas: 1,
                template: tmpl({ app: "db" }, [
                    {
                        name: "db",
                        image: "reg/db:1",
                        env: [
                            { name: "A", value: "1" },
                            { name: "B", value: "2" },
                            { name: "C", value: "3" },
                        ],
                    },
                ]),
            },
        },
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: meta("web"),
            spec: {
                podSelector: { matchLabels: { app: "web" } },
                ingress: [{ from: [{ podSelector: {} }] }],
            },
        },
    ];
}

const urnOf = (o: Json) => {
    const [group, version] = String(o.apiVersion).includes("/")
        ? String(o.apiVersion).split("/")
        : ["core", String(o.apiVersion)];
    return `urn:pulumi:sim::p::kubernetes:${group}/${version}:${String(o.kind)}::${(o.metadata as Json).name as string}`;
};
const keyOf = (o: Json) => `${String(o.kind)}/${String((o.metadata as Json).name)}`;

/** The program's `ignoreChanges`: tokman's image follows an image trigger (packit's Deployments on OpenShift). */
export const IGNORED: Readonly<Record<string, readonly string[]>> = {
    "Deployment/tokman": ["spec.template.spec.containers[0].image"],
};

/**
 * What the engine sends the provider: the program's object with the state's (refreshed) value at each ignored path,
 * so no step ever changes one.
 */
function withIgnored(p: Json, live: Json | undefined): Json {
    const out = structuredClone(p);
    for (const path of IGNORED[keyOf(p)] ?? []) {
        const at = pathSegments(path);
        let from: unknown = live;
        let to: unknown = out;
        for (const [i, s] of at.entries()) {
            from = (from as Record<string | number, unknown> | undefined)?.[s];
            if (i === at.length - 1) {
                if (from !== undefined) (to as Record<string | number, unknown>)[s] = structuredClone(from);
            } else to = (to as Record<string | number, unknown>)[s];
        }
    }
    return out;
}

/** What the engine shows of the program's inputs: a Secret's data masked. */
const masked = (o: Json): Json => (o.kind === "Secret" ? { ...o, data: "[secret]" } : o);

/** The managed objects as drift reads them from the state. */
export function managed(): ManagedObject[] {
    return program().map((o) => ({
        urn: urnOf(o),
        cluster: CLUSTER,
        system: "sim",
        apiVersion: String(o.apiVersion),
        kind: String(o.kind),
        namespace: NS,
        name: String((o.metadata as Json).name),
        fieldManager: PROGRAM,
        inputs: masked(o),
        replaceOnChanges: [],
        ignoreChanges: [...(IGNORED[keyOf(o)] ?? [])],
    }));
}

/** A leaf of an object under server-side apply: a scalar, an atomic list, or the existence of a keyed list item. */
interface Leaf {
    steps: Step[];
    value: unknown;
}
const ITEM = "(item)";
const SKIP = new Set([
    "apiVersion",
    "kind",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "metadata.managedFields",
]);

/** The key fields of a list's items, or undefined for an atomic list (the schema's list types, for these kinds). */
function listKey(path: string, items: unknown[]): string[] | undefined {
    if (!items.every((i) => typeof i === "object" && i !== null && !Array.isArray(i))) return undefined;
    if (path.endsWith("ports")) return ["port", "protocol"];
    return items.every((i) => typeof (i as Json).name === "string") && items.length > 0
        ? ["name"]
        : undefined;
}

function leaves(o: unknown): Map<string, Leaf> {
    const out = new Map<string, Leaf>();
    const walk = (node: unknown, steps: Step[], path: string) => {
        if (SKIP.has(path)) return;
        if (Array.isArray(node)) {
            const key = listKey(path, node);
            if (!key) return void out.set(JSON.stringify(steps), { steps, value: node });
            for (const item of node as Json[]) {
                const s: Step[] = [...steps, { key: Object.fromEntries(key.map((k) => [k, item[k]])) }];
                out.set(JSON.stringify(s), { steps: s, value: ITEM });
                walk(item, s, path);
            }
            return;
        }
        if (typeof node === "object" && node !== null && Object.keys(node).length > 0) {
            for (const [k, v] of Object.entries(node))
                walk(v, [...steps, { field: k }], path ? `${path}.${k}` : k);
            return;
        }
        if (steps.length > 0) out.set(JSON.stringify(steps), { steps, value: node });
    };
    walk(o, [], "");
    return out;
}

/** A field set (fieldsV1) of the leaves a manager owns. */
function fieldsV1(owned: Iterable<Leaf>): Json {
    const root: Json = {};
    for (const leaf of owned) {
        let node = root;
        for (const s of leaf.steps) {
            const k = "field" in s ? `f:${s.field}` : `k:${JSON.stringify((s as { key: unknown }).key)}`;
            node = (node[k] ??= {}) as Json;
        }
        if (leaf.value === ITEM) node["."] = {};
    }
    return root;
}

/** The program's object merged into the live one as an apply does: maps field by field, keyed items by key. */
function merge(live: unknown, declared: unknown, path = ""): unknown {
    if (Array.isArray(declared)) {
        const key = listKey(path, declared);
        if (!key || !Array.isArray(live)) return structuredClone(declared);
        const out = structuredClone(live) as Json[];
        for (const d of declared as Json[]) {
            const i = out.findIndex((l) => key.every((k) => l[k] === d[k]));
            if (i >= 0) out[i] = merge(out[i], d, path) as Json;
            else out.push(structuredClone(d));
        }
        return out;
    }
    if (typeof declared === "object" && declared !== null) {
        const out = (
            typeof live === "object" && live !== null && !Array.isArray(live) ? structuredClone(live) : {}
        ) as Json;
        for (const [k, v] of Object.entries(declared)) out[k] = merge(out[k], v, path ? `${path}.${k}` : k);
        return out;
    }
    return declared;
}

/** The live object cut to the program's shape, as the provider compares it (lists to the program's length). */
function pruned(live: unknown, declared: unknown): unknown {
    if (Array.isArray(declared) && Array.isArray(live))
        return live.slice(0, declared.length).map((l, i) => pruned(l, declared[i]));
    if (typeof declared === "object" && declared !== null && typeof live === "object" && live !== null)
        return Object.fromEntries(
            Object.keys(declared)
                .filter((k) => k in live)
                .map((k) => [k, pruned((live as Json)[k], (declared as Json)[k])]),
        );
    return live;
}

/** A Pulumi property path of the program's object (list items by index). */
function pulumiPath(declared: unknown, steps: readonly Step[]): string {
    return declaredAt(declared, steps)
        .segments.map((s, i) =>
            typeof s === "number"
                ? `[${s}]`
                : /^[A-Za-z_][\w-]*$/.test(s)
                  ? `${i ? "." : ""}${s}`
                  : `["${s}"]`,
        )
        .join("");
}

interface Held {
    object: Json;
    /** Per manager: the leaves it owns (by their steps as JSON). */
    owners: Map<string, Set<string>>;
}

/** A conflict or refusal that stops a preview or an up at one object. */
class Stop extends Error {}

export class Simulation {
    private readonly objects = new Map<string, Held>();
    private patchForce = false;
    private uid = 0;

    constructor() {
        for (const o of program()) this.create(o);
    }

    private create(o: Json) {
        const object = {
            ...structuredClone(o),
            metadata: { ...(o.metadata as Json), uid: `u${++this.uid}` },
        };
        this.objects.set(keyOf(o), { object, owners: new Map([[PROGRAM, new Set(leaves(object).keys())]]) });
    }

    /** Everything a step can change: objects, their owners, the providers' switch. */
    snapshot(): string {
        return JSON.stringify([
            this.patchForce,
            [...this.objects].map(([k, h]) => [
                k,
                h.object,
                [...h.owners].map(([m, s]) => [m, [...s].sort()]),
            ]),
        ]);
    }

    /** One object as it stands, with its owners. */
    object(kind: string, name: string): string {
        const h = this.objects.get(`${kind}/${name}`);
        return JSON.stringify(h && [h.object, [...h.owners].map(([m, set]) => [m, [...set].sort()])]);
    }

    has(kind: string, name: string): boolean {
        return this.objects.has(`${kind}/${name}`);
    }

    /** An update by `manager` (kubectl's verbs): it takes every leaf it changes or adds; removed leaves go from all. */
    update(kind: string, name: string, manager: string, mutate: (o: Json) => void): boolean {
        const held = this.objects.get(`${kind}/${name}`);
        if (!held) return false;
        const before = leaves(held.object);
        const next = structuredClone(held.object);
        mutate(next);
        const after = leaves(next);
        for (const [k, leaf] of after) {
            const prior = before.get(k);
            if (prior && JSON.stringify(prior.value) === JSON.stringify(leaf.value)) continue;
            for (const set of held.owners.values()) set.delete(k);
            if (!held.owners.has(manager)) held.owners.set(manager, new Set());
            held.owners.get(manager)!.add(k);
        }
        for (const k of before.keys())
            if (!after.has(k)) for (const set of held.owners.values()) set.delete(k);
        for (const [m, set] of held.owners) if (set.size === 0) held.owners.delete(m);
        held.object = next;
        return true;
    }

    delete(kind: string, name: string): boolean {
        return this.objects.delete(`${kind}/${name}`);
    }

    /** An object made by hand (kubectl create). */
    createByHand(o: Json, manager: string): void {
        const object = { ...o, metadata: { ...(o.metadata as Json), namespace: NS, uid: `u${++this.uid}` } };
        this.objects.set(keyOf(o), { object, owners: new Map([[manager, new Set(leaves(object).keys())]]) });
    }

    /** kubectl patch --type=json: all or nothing, refused where a test fails (the object changed since it was read). */
    jsonPatch(kind: string, name: string, ops: readonly PatchOp[], dryRun = false): void {
        const held = this.objects.get(`${kind}/${name}`);
        if (!held) throw new KubeError(404, `${kind} ${name} not found`);
        const doc = applyPatch(held.object, ops);
        if (!dryRun)
            this.update(kind, name, "kubectl-patch", (o) => {
                for (const k of Object.keys(o)) delete o[k];
                Object.assign(o, doc);
            });
    }

    /** The program's object as the engine sends it for this cluster (ignored paths at their live value). */
    private declared(p: Json): Json {
        return withIgnored(p, this.objects.get(keyOf(p))?.object);
    }

    /** What the engine does to one object: its step, or the Stop it fails with. */
    private stepOf(declared: Json, forced: boolean, apply: boolean): { op: string; diffs: string[] } {
        const p = this.declared(declared);
        const held = this.objects.get(keyOf(p));
        if (!held) {
            if (apply) this.create(p);
            return { op: "create", diffs: [] };
        }
        const cut = pruned(held.object, p);
        const program = leaves(p);
        const seen = leaves(cut);
        const differing = [...program].filter(
            ([k, l]) => l.value !== ITEM && !covers(seen.get(k)?.value, l.value),
        );
        const missingItems = [...program].filter(([k, l]) => l.value === ITEM && !seen.has(k));
        if (differing.length === 0 && missingItems.length === 0) return { op: "same", diffs: [] };
        const diffs = [...differing, ...missingItems].map(([, l]) => pulumiPath(p, l.steps));
        const result = merge(held.object, p) as Json;
        const ports = ((result.spec as Json | undefined)?.ports ?? []) as Json[];
        const names = ports.map((x) => x.name);
        if (names.some((n, i) => names.indexOf(n) !== i))
            throw new Stop(
                `Service "${String((p.metadata as Json).name)}" is invalid: spec.ports[${names.length - 1}].name: Duplicate value: "${String(names[names.length - 1])}"`,
            );
        const held2 = [...held.owners].filter(([m]) => m !== PROGRAM);
        const conflicts = held2
            .map(
                ([m, set]) =>
                    [m, differing.filter(([k]) => set.has(k)).map(([, l]) => `.${render(l.steps)}`)] as const,
            )
            .filter(([, f]) => f.length > 0);
        if (conflicts.length > 0 && !forced) {
            const n = conflicts.reduce((a, [, f]) => a + f.length, 0);
            throw new Stop(
                `Apply failed with ${n} conflict${n > 1 ? "s" : ""}: ` +
                    conflicts
                        .map(
                            ([m, f]) =>
                                `conflicts with "${m}" using ${String(p.apiVersion)}:\n${f.map((x) => `- ${x}`).join("\n")}`,
                        )
                        .join("\n"),
            );
        }
        if (apply) {
            const mine = new Set(leaves(p).keys());
            for (const [m, set] of held.owners) if (m !== PROGRAM) for (const [k] of differing) set.delete(k);
            held.object = result;
            held.owners.set(PROGRAM, new Set([...(held.owners.get(PROGRAM) ?? []), ...mine]));
            for (const [m, set] of held.owners) if (set.size === 0) held.owners.delete(m);
        }
        return { op: "update", diffs };
    }

    /** `pulumi preview --refresh` with `exclude` left out: the events the Automation API hands drift. */
    preview(exclude: readonly string[]): { events: EngineEvent[]; failure?: string } {
        const events: EngineEvent[] = [];
        const pre = (urn: string, op: string, diffs: string[], inputs?: Json) =>
            events.push({
                resourcePreEvent: {
                    metadata: {
                        op,
                        urn,
                        type: "",
                        provider: "",
                        detailedDiff: Object.fromEntries(
                            diffs.map((d) => [d, { diffKind: "update", inputDiff: true }]),
                        ),
                        ...(inputs ? { new: { inputs } } : {}),
                    },
                },
            } as unknown as EngineEvent);
        if (this.patchForce) pre(PROVIDER_URN, "update", ["enablePatchForce"]);
        for (const p of program()) {
            const urn = urnOf(p);
            if (exclude.includes(urn)) continue;
            try {
                const s = this.stepOf(p, false, false);
                pre(urn, s.op, s.diffs, masked(this.declared(p)));
            } catch (err) {
                if (!(err instanceof Stop)) throw err;
                pre(urn, "update", [], masked(this.declared(p)));
                events.push({
                    diagnosticEvent: { urn, severity: "error", message: err.message, color: "never" },
                } as unknown as EngineEvent);
                return { events, failure: "error: preview failed" };
            }
        }
        return { events };
    }

    /** `pulumi up --refresh`: applies object by object; stops at the first failure unless told to go on. */
    up(forced: boolean, continueOnError: boolean): { code: number; out: string } {
        const failed: string[] = [];
        for (const p of program()) {
            try {
                this.stepOf(p, forced, true);
            } catch (err) {
                if (!(err instanceof Stop)) throw err;
                failed.push(err.message);
                if (!continueOnError) break;
            }
        }
        if (failed.length === 0) this.patchForce = forced;
        return { code: failed.length > 0 ? 1 : 0, out: failed.join("\n") };
    }

    /** The cluster as drift reads it. */
    cluster(): LiveCluster {
        const view = (h: Held): KubeObject => {
            const all = leaves(h.object);
            return {
                ...structuredClone(h.object),
                metadata: {
                    ...(h.object.metadata as Json),
                    managedFields: [...h.owners].map(([manager, set]) => ({
                        manager,
                        operation: manager === PROGRAM ? "Apply" : "Update",
                        fieldsType: "FieldsV1",
                        fieldsV1: fieldsV1([...set].map((k) => all.get(k)!).filter((l) => l)),
                    })),
                },
            } as unknown as KubeObject;
        };
        return {
            get: async (ref) => {
                const h = this.objects.get(`${ref.kind}/${ref.name}`);
                return h ? view(h) : undefined;
            },
            list: async (k) => [...this.objects.values()].filter((h) => h.object.kind === k.kind).map(view),
            namespacedKinds: async () =>
                [...new Map(program().map((o) => [o.kind, o])).values()].map((o) => ({
                    apiVersion: String(o.apiVersion),
                    kind: String(o.kind),
                    resource: `${String(o.kind).toLowerCase()}s`,
                })),
            patchDryRun: async (ref, ops) => {
                try {
                    this.jsonPatch(ref.kind, ref.name, ops as PatchOp[], true);
                } catch (err) {
                    throw new KubeError(422, (err as Error).message);
                }
            },
        };
    }

    /** Runs one printed line as bash would; kubectl's kind/name is resolved against the program's kinds. */
    run(line: string): { code: number; out: string } {
        const command = line.split("    #")[0].trim();
        if (command.startsWith("#") || command === "") return { code: 0, out: "" };
        const patch = /^kubectl .* patch '?([^/' ]+)\/([^' ]+)'? --type=json -p '(.*)'$/.exec(command);
        if (patch) {
            const resource = patch[1].split(".")[0];
            const kind = program().find((o) => String(o.kind).toLowerCase() === resource)?.kind;
            try {
                this.jsonPatch(
                    String(kind),
                    patch[2],
                    JSON.parse(patch[3].replace(/'"'"'/g, "'")) as PatchOp[],
                );
                return { code: 0, out: "patched" };
            } catch (err) {
                return { code: 1, out: (err as Error).message };
            }
        }
        const up =
            /^(PULUMI_K8S_ENABLE_PATCH_FORCE=true )?pulumi up --refresh( --continue-on-error)? --stack \S+$/.exec(
                command,
            );
        if (up) return this.up(!!up[1], !!up[2]);
        return { code: 127, out: `not a command the simulation knows: ${command}` };
    }
}

/**
 * RFC 6902 test/remove/add/replace over a copy, as the API server applies a JSON patch (all or nothing); throws where
 * a test fails or a path is absent. The simulated `kubectl patch` and the removal patch's own tests share it.
 */
export function applyPatch(doc: Json, ops: readonly PatchOp[]): Json {
    const out = structuredClone(doc);
    for (const op of ops) {
        const keys = op.path
            .split("/")
            .slice(1)
            .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
        const last = keys.pop()!;
        let parent = out as Record<string, unknown>;
        for (const k of keys) {
            parent = parent[k] as Record<string, unknown>;
            if (parent === undefined) throw new Error(`the request is invalid: ${op.path} does not exist`);
        }
        if (op.op === "test") {
            if (JSON.stringify(parent[last]) !== JSON.stringify(op.value))
                throw new Error(`testing value ${op.path} failed`);
        } else if (op.op === "remove") {
            if (!(last in parent)) throw new Error(`the request is invalid: ${op.path} does not exist`);
            if (Array.isArray(parent)) parent.splice(Number(last), 1);
            else delete parent[last];
        } else if (Array.isArray(parent)) {
            if (last === "-") parent.push(op.value);
            else parent.splice(Number(last), 0, op.value);
        } else parent[last] = op.value;
    }
    return out;
}
