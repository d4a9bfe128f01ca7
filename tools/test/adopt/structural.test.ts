import { strict as assert } from "assert";
import fc from "fast-check";
import { fieldChanges } from "../../adopt/diff";
import { buildReport, renderReport } from "../../adopt/report";
import { type PathSegment, type StructuralChange, structuralChanges } from "../../adopt/structural";

// The structural diff of the adoption report, read as a patch: applying its changes to `before`
// must give `after`, for JSON shaped like Kubernetes objects (lists of named items, lists of unnamed objects,
// scalar lists, keys with dots), and no rendered diff may show a secret value.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Small alphabets, so two independent values share keys and names and their diff walks into them.
const key = fc.constantFrom("a", "b", "name", "app.kubernetes.io/name", "x y", "constructor");
const name = fc.constantFrom("web", "db", "cache", "sidecar");
const scalar: fc.Arbitrary<Json> = fc.oneof(
    fc.constantFrom("v1", "v2", "", "[secret]"),
    fc.integer(),
    fc.boolean(),
);

const { json } = fc.letrec<{ json: Json; object: Json; named: Json }>((tie) => ({
    json: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        scalar,
        tie("object"),
        tie("named"),
        fc.array(tie("object"), { maxLength: 3 }),
        fc.array(scalar, { maxLength: 3 }),
        fc.constant(null),
    ),
    object: fc.dictionary(key, tie("json"), { maxKeys: 4, noNullPrototype: true }),
    named: fc
        .uniqueArray(fc.tuple(name, fc.dictionary(key, tie("json"), { maxKeys: 2, noNullPrototype: true })), {
            selector: ([n]) => n,
            maxLength: 4,
        })
        .map((items) => items.map(([n, rest]) => ({ ...rest, name: n }))),
}));
const object = fc.dictionary(key, json, { maxKeys: 5, noNullPrototype: true });

/**
 * `after` near `before`: each list loses some items, gains one (a new name in a named list) and is shuffled, each
 * object loses, replaces and gains some keys; or an unrelated value.
 */
function near(before: Record<string, Json>): fc.Arbitrary<Record<string, Json>> {
    const edited = fc.infiniteStream(fc.nat(5)).map((stream) => {
        const roll = (): number => stream.next().value as number;
        let added = 0;
        const edit = (v: Json): Json => {
            if (Array.isArray(v)) {
                const named =
                    v.length > 0 && v.every((x) => x !== null && typeof x === "object" && "name" in x);
                const items = v.filter(() => roll() > 0).map(edit);
                if (roll() < 3) items.reverse();
                if (roll() < 3) items.push(...items.splice(0, 1));
                if (roll() < 2)
                    items.splice(
                        roll() % (items.length + 1),
                        0,
                        named ? { name: `new-${added++}` } : { a: "v2" },
                    );
                return items;
            }
            if (v === null || typeof v !== "object") return v;
            const out: Record<string, Json> = {};
            for (const [k, x] of Object.entries(v)) {
                const r = roll();
                if (r === 0) continue;
                out[k] = r === 1 ? "v2" : edit(x);
            }
            if (roll() === 0) out.b = "v1";
            return out;
        };
        return edit(before) as Record<string, Json>;
    });
    return fc.oneof(object, edited);
}
const pair = object.chain((before) => near(before).map((after) => [before, after] as const));

type Container = Json[] | { [key: string]: Json };

function step(at: Container, s: PathSegment): Json {
    if ("key" in s) return (at as Record<string, Json>)[s.key];
    if ("name" in s) return (at as Json[]).find((item) => (item as Record<string, Json>).name === s.name)!;
    return (at as Json[])[s.index];
}

/**
 * The changes as a patch, read only from what they say: removals first (a named item by name, a positional one
 * cuts its list there), then changes and additions in order (a named item inserted at its new position), then
 * reorders (a named list put in the new order of its names).
 */
function applyChanges(before: Json, changes: StructuralChange[]): Json {
    const root: Container = { value: structuredClone(before) };
    const at = (path: PathSegment[]): Json => path.reduce<Json>((v, s) => step(v as Container, s), root);
    /** The list or object holding what `path` names, and the step into it. */
    const target = (path: PathSegment[]): [Container, PathSegment] =>
        path.length === 0
            ? [root, { key: "value" }]
            : [at([{ key: "value" }, ...path.slice(0, -1)]) as Container, path[path.length - 1]];
    for (const c of changes.filter((x) => x.kind === "removed")) {
        const [parent, last] = target(c.path);
        if ("key" in last) delete (parent as Record<string, Json>)[last.key];
        else if ("name" in last) (parent as Json[]).splice((parent as Json[]).indexOf(step(parent, last)), 1);
        else (parent as Json[]).length = Math.min((parent as Json[]).length, last.index);
    }
    for (const c of changes.filter((x) => x.kind !== "removed" && !x.reordered)) {
        const [parent, last] = target(c.path);
        if ("key" in last) (parent as Record<string, Json>)[last.key] = c.after as Json;
        else if ("name" in last && c.kind === "added")
            (parent as Json[]).splice(last.index, 0, c.after as Json);
        else if ("name" in last)
            (parent as Json[])[(parent as Json[]).indexOf(step(parent, last))] = c.after as Json;
        else (parent as Json[])[last.index] = c.after as Json;
    }
    for (const c of changes.filter((x) => x.reordered)) {
        const list = at([{ key: "value" }, ...c.path]) as Record<string, Json>[];
        const order = c.after as string[];
        list.sort((x, y) => order.indexOf(x.name as string) - order.indexOf(y.name as string));
    }
    return root.value;
}

describe("structural diff of the adoption report", function () {
    it("applying the reported changes to before gives after, for random JSON with named lists", function () {
        fc.assert(
            fc.property(pair, ([before, after]) => {
                const changes = structuralChanges(before, after);
                assert.deepEqual(applyChanges(before, changes), after);
                assert.equal(changes.length === 0, JSON.stringify(before) === JSON.stringify(after));
            }),
            { seed: 53, numRuns: 1000 },
        );
    });

    it("matches a list by name only when every item of both sides has a distinct name", function () {
        const named = structuralChanges(
            { env: [{ name: "A", value: "1" }, { name: "B" }] },
            { env: [{ name: "B" }, { name: "A", value: "2" }] },
        );
        assert.deepEqual(
            named.map((c) => [c.path, c.kind, c.before, c.after]),
            [
                [[{ key: "env" }, { name: "A", index: 1 }, { key: "value" }], "changed", "1", "2"],
                [[{ key: "env" }], "changed", ["A", "B"], ["B", "A"]],
            ],
        );
        // One item without a name: the lists are compared by position.
        const positional = structuralChanges(
            { env: [{ name: "A" }, { value: "x" }] },
            { env: [{ value: "x" }] },
        );
        assert.deepEqual(
            positional.map((c) => [c.path, c.kind]),
            [
                [[{ key: "env" }, { index: 0 }, { key: "name" }], "removed"],
                [[{ key: "env" }, { index: 0 }, { key: "value" }], "added"],
                [[{ key: "env" }, { index: 1 }], "removed"],
            ],
        );
    });
    it("compares a scalar list of one length item by item, of another length whole", function () {
        const args = (tide: string, extra: string[] = []): string[] => [
            "--config-path=/etc/config/config.yaml",
            "--job-config-path=/etc/job-config",
            `--tide-url=${tide}`,
            "--github-endpoint=http://ghproxy",
            ...extra,
        ];
        // A long args list: one line for the flag that changed, not the whole list cut where the change is hidden.
        assert.deepEqual(
            structuralChanges({ args: args("http://staging-tide/") }, { args: args("http://tide/") }),
            [
                {
                    path: [{ key: "args" }, { index: 2 }],
                    kind: "changed",
                    before: "--tide-url=http://staging-tide/",
                    after: "--tide-url=http://tide/",
                },
            ],
        );
        const before = args("http://tide/");
        const after = args("http://tide/", ["--dry-run=false"]);
        assert.deepEqual(structuralChanges({ args: before }, { args: after }), [
            { path: [{ key: "args" }], kind: "changed", before, after },
        ]);
    });
});

const TOKEN = /S3CRET-[a-z0-9]+/;
const secretValue = fc.stringMatching(/^S3CRET-[a-z0-9]{1,8}$/);
/** A Secret's payload: keys of the small alphabet, values secret tokens or nested values holding them. */
const payload = fc.dictionary(
    key,
    fc.oneof(
        secretValue,
        fc.dictionary(key, secretValue, { maxKeys: 2, noNullPrototype: true }),
        fc.array(secretValue, { maxLength: 2 }),
    ),
    { maxKeys: 3, noNullPrototype: true },
);

function adoptionReport(kind: string, live: Record<string, unknown>, after: Record<string, unknown>): string {
    const changes = fieldChanges(
        { kind, metadata: { name: "r" }, ...live },
        { kind, metadata: { name: "r" }, ...after },
        kind,
    );
    const finding = {
        cluster: "psi",
        system: "thoth",
        id: `${kind}/r`,
        verdict: "update" as const,
        changes,
        reasons: [],
    };
    return renderReport(buildReport("stage", [finding], [], []));
}

describe("structural diff: a secret value never reaches a rendered diff", function () {
    it("a Secret's data and stringData, changed, added or removed, show keys and [secret] only", function () {
        fc.assert(
            fc.property(
                fc.record({ data: payload, stringData: payload }, { requiredKeys: [] }),
                fc.record({ data: payload, stringData: payload }, { requiredKeys: [] }),
                (before, after) => {
                    assert.doesNotMatch(adoptionReport("Secret", before, after), TOKEN);
                },
            ),
            { seed: 53, numRuns: 300 },
        );
    });

    it("a value masked on one side is not shown from the other, wherever it sits", function () {
        fc.assert(
            fc.property(
                object,
                fc.array(fc.oneof(key, name), { minLength: 1, maxLength: 4 }),
                secretValue,
                fc.boolean(),
                (base, path, value, masksBefore) => {
                    // The same object with one value at `path`: plain on one side, masked on the other.
                    const place = (v: string): Record<string, Json> => {
                        const copy = structuredClone(base) as Record<string, Json>;
                        let at = copy;
                        for (const k of path.slice(0, -1)) at = at[k] = {} as Record<string, Json>;
                        at[path[path.length - 1]] = v;
                        return copy;
                    };
                    const [before, after] = masksBefore
                        ? [place("[secret]"), place(value)]
                        : [place(value), place("[secret]")];
                    const changes = fieldChanges(before, after, "Deployment");
                    assert.ok(changes.length > 0);
                    assert.doesNotMatch(JSON.stringify(changes), TOKEN);
                    assert.doesNotMatch(adoptionReport("Deployment", before, after), TOKEN);
                },
            ),
            { seed: 53, numRuns: 300 },
        );
    });
});
