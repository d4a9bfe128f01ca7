import { strict as assert } from "assert";
import fc from "fast-check";
import {
    ENGINE_SECRET,
    ENGINE_UNKNOWN,
    NORMALISATIONS,
    PlannedResource,
    planPreviewDifferences,
    previewResources,
} from "../../e2e/planPreview";

// The offline plan against the engine's preview: equal up to the listed normalisations, and every other
// difference found (a value, a key order inside a serialised file, a URN one side lacks).

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** A resource of `type` named `name` under the thoth Bots component, as the offline plan records it. */
function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:local::runbooks::runbooks:thoth:Bots$${type}::${name}`, type, inputs };
}

/** What the engine shows of a planned resource: secrets masked, Secret stringData folded, empty values dropped. */
function asEngineShows(r: PlannedResource, secretPaths: ReadonlySet<string>): PlannedResource {
    const mask = (v: unknown, at: string): unknown => {
        if (secretPaths.has(at)) return ENGINE_SECRET;
        if (Array.isArray(v))
            return v
                .filter((x) => !(Array.isArray(x) && x.length === 0))
                .map((x, i) => mask(x, `${at}[${i}]`));
        if (typeof v === "object" && v !== null)
            return Object.fromEntries(
                Object.entries(v)
                    .filter(([, x]) => !(Array.isArray(x) && x.length === 0))
                    .map(([k, x]) => [k, mask(x, at ? `${at}.${k}` : k)]),
            );
        return v;
    };
    return { ...r, inputs: mask(r.inputs, "") as Record<string, unknown> };
}

const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant([] as unknown[]));
const inputs = fc.dictionary(
    fc.constantFrom("data", "spec", "metadata", "args", "x"),
    fc.dictionary(fc.string({ minLength: 1 }), value, { maxKeys: 3 }),
    {
        maxKeys: 4,
    },
);

describe("e2e: offline plan = engine preview", () => {
    it("matches a preview that differs only by the listed normalisations; each normalisation has its reason", () => {
        const secret = planned("kubernetes:core/v1:Secret", "sesheta-secret", {
            metadata: { name: "sesheta-secret" },
            stringData: { token: "t" },
            data: { key: "a2V5" },
        });
        const engineSecret = {
            ...secret,
            inputs: {
                metadata: { name: "sesheta-secret" },
                data: { key: ENGINE_SECRET, token: ENGINE_SECRET },
            },
        };
        const container = planned("kubernetes:apps/v1:Deployment", "x", {
            spec: { containers: [{ name: "a", args: [], env: [{ name: "P", value: "generated" }] }] },
        });
        const engineContainer = {
            ...container,
            inputs: { spec: { containers: [{ name: "a", env: [{ name: "P", value: ENGINE_UNKNOWN }] }] } },
        };
        const preview = previewResources({
            steps: [
                {
                    op: "create",
                    urn: "urn:pulumi:local::runbooks::pulumi:pulumi:Stack::runbooks-local",
                    newState: { type: "pulumi:pulumi:Stack" },
                },
                {
                    op: "create",
                    urn: "urn:pulumi:local::runbooks::pulumi:providers:random::default_4_21_1",
                    newState: { type: "pulumi:providers:random" },
                },
                { op: "create", urn: secret.urn, newState: engineSecret },
                { op: "create", urn: container.urn, newState: engineContainer },
            ],
        });
        assert.deepEqual(planPreviewDifferences([secret, container], preview), []);
        for (const n of NORMALISATIONS) assert.ok(n.why.length > 30, n.name);
    });

    it("finds a config.json whose keys the engine got in another order, a missing URN and a changed value", () => {
        const plan = planned(CONFIG_MAP, "sesheta-bot", { data: { "config.json": '{"b":1,"a":2}' } });
        const engine: PlannedResource = { ...plan, inputs: { data: { "config.json": '{"a":2,"b":1}' } } };
        assert.deepEqual(planPreviewDifferences([plan], [engine]).length, 1);
        assert.match(planPreviewDifferences([plan], [])[0], /in the plan only$/);
        assert.match(planPreviewDifferences([], [plan])[0], /in the preview only$/);
    });

    it("generated: a preview made from the plan by the engine's normalisations matches; any changed leaf is found (control)", () => {
        fc.assert(
            fc.property(inputs, fc.boolean(), (i, maskData) => {
                const plan = planned(CONFIG_MAP, "sesheta-bot", i);
                const secretPaths = new Set(
                    maskData
                        ? Object.keys((i.data as Record<string, unknown>) ?? {}).map((k) => `data.${k}`)
                        : [],
                );
                const engine = asEngineShows(plan, secretPaths);
                assert.deepEqual(planPreviewDifferences([plan], [engine]), []);
                // Control: one leaf the engine shows differently (not masked) is a difference.
                const leaf = Object.entries(i).flatMap(([k, m]) =>
                    Object.entries(m)
                        .filter(
                            ([, v]) =>
                                !Array.isArray(v) &&
                                !secretPaths.has(`${k}.${v}`) &&
                                !(k === "data" && maskData),
                        )
                        .map(([kk]) => [k, kk]),
                )[0];
                if (leaf) {
                    const changed = structuredClone(engine);
                    (changed.inputs[leaf[0]] as Record<string, unknown>)[leaf[1]] = "\u0000changed";
                    assert.equal(planPreviewDifferences([plan], [changed]).length, 1);
                }
            }),
        );
    });
});
