import { strict as assert } from "assert";
import type { PlanResource } from "../../tools/plan/render";
import { diffPlans, diffResource } from "../../tools/plandiff/diff";
import { code } from "../../tools/docs/markdown";
import {
    commentMarker,
    formatChangedPair,
    lineDiff,
    renderMarkdown,
    renderText,
    summaryLine,
} from "../../tools/plandiff/render";

const PROVIDER = "urn:pulumi:stage::runbooks::pulumi:providers:kubernetes::cluster-psi";

/** A hand-made plan entry: a Kubernetes object of `system` with the given inputs. */
function res(name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource {
    const type = extra.type ?? "kubernetes:apps/v1:Deployment";
    return {
        urn: `urn:pulumi:stage::runbooks::runbooks:shared:Workload$${type}::${name}`,
        type,
        name,
        parent: "",
        provider: PROVIDER,
        system: "thoth",
        protect: false,
        retainOnDelete: false,
        ignoreChanges: [],
        inputs,
        ...extra,
    };
}

function deployment(image: string, env: { name: string; value?: string }[] = []): Record<string, unknown> {
    return {
        metadata: {
            name: "sesheta",
            namespace: "aicoe-prod-bots",
            labels: { "app.kubernetes.io/version": "v1" },
        },
        spec: { template: { spec: { containers: [{ name: "sesheta", image, env }] } } },
    };
}

const META = { stack: "stage", base: "main (1a2b3c4)", head: "working tree at 5d6e7f8" };

describe("plan:diff change list", () => {
    it("reports nothing for identical plans", () => {
        const plan = [res("a", deployment("quay.io/aicoe/sesheta:v1"))];
        const diff = diffPlans(plan, structuredClone(plan));
        assert.deepEqual(diff.changes, []);
        assert.deepEqual(diff.counts, { add: 0, change: 0, remove: 0, unchanged: 1 });
        assert.equal(summaryLine("stage", diff), "stack stage: no changes (1 resources)");
    });

    it("matches resources by URN: added, removed and changed, grouped by system then name", () => {
        const base = [
            res("thoth-b", deployment("quay.io/aicoe/sesheta:v1")),
            res("thoth-gone", deployment("x:v1")),
            res("packit-x", deployment("x:v1"), { system: "packit" }),
        ];
        const head = [
            res("thoth-b", deployment("quay.io/aicoe/sesheta:v2")),
            res("thoth-a-new", deployment("x:v1")),
            res("packit-x", deployment("x:v1"), { system: "packit" }),
            res("cluster-new", {}, { type: "pulumi:providers:kubernetes", system: "program" }),
        ];
        const diff = diffPlans(base, head);
        assert.deepEqual(
            diff.changes.map((c) => [c.system, c.kind, c.name]),
            [
                ["program", "add", "cluster-new"],
                ["thoth", "add", "thoth-a-new"],
                ["thoth", "change", "thoth-b"],
                ["thoth", "remove", "thoth-gone"],
            ],
        );
        assert.deepEqual(diff.counts, { add: 2, change: 1, remove: 1, unchanged: 1 });
        assert.equal(diff.changes[2].object, "aicoe-prod-bots/sesheta");
        assert.equal(diff.changes[2].kindLabel, "apps/v1:Deployment");
    });

    it("names list elements by their name and quotes keys that are not identifiers", () => {
        const before = res(
            "d",
            deployment("img:v1", [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
            ]),
        );
        const after = res(
            "d",
            deployment("img:v2", [
                { name: "A", value: "1" },
                { name: "AA", value: "new" },
                { name: "B", value: "3" },
            ]),
        );
        after.inputs.metadata = {
            ...(after.inputs.metadata as object),
            labels: { "app.kubernetes.io/version": "v2" },
        };
        const fields = diffResource(before, after).map((f) => [f.kind, f.path, f.before, f.after]);
        assert.deepEqual(fields, [
            ["changed", 'metadata.labels["app.kubernetes.io/version"]', "v1", "v2"],
            [
                "added",
                "spec.template.spec.containers[name=sesheta].env[name=AA]",
                undefined,
                { name: "AA", value: "new" },
            ],
            ["changed", "spec.template.spec.containers[name=sesheta].env[name=B].value", "2", "3"],
            ["changed", "spec.template.spec.containers[name=sesheta].image", "img:v1", "img:v2"],
        ]);
    });

    it("compares scalar lists whole, unnamed lists by index, and reports a pure reorder", () => {
        const a = res("r", {
            rules: [{ verbs: ["get"] }],
            args: ["--a"],
            ports: [{ name: "x" }, { name: "y" }],
        });
        const b = res("r", {
            rules: [{ verbs: ["get", "list"] }],
            args: ["--a", "--b"],
            ports: [{ name: "y" }, { name: "x" }],
        });
        const fields = diffResource(a, b);
        assert.deepEqual(
            fields.map((f) => [f.path, f.before, f.after, f.reordered ?? false]),
            [
                ["args", ["--a"], ["--a", "--b"], false],
                ["ports", ["x", "y"], ["y", "x"], true],
                ["rules[0].verbs", ["get"], ["get", "list"], false],
            ],
        );
    });

    it("reports resource options (protect, provider) as options", () => {
        const a = res("pvc", {});
        const b = res(
            "pvc",
            {},
            { protect: true, provider: "urn:pulumi:stage::runbooks::pulumi:providers:kubernetes::cluster-x" },
        );
        assert.deepEqual(
            diffResource(a, b).map((f) => [f.scope, f.path, f.before, f.after]),
            [
                ["option", "protect", false, true],
                [
                    "option",
                    "provider",
                    PROVIDER,
                    "urn:pulumi:stage::runbooks::pulumi:providers:kubernetes::cluster-x",
                ],
            ],
        );
    });

    it("never carries a secret value: masked paths and Secret payloads show only [secret]", () => {
        const secretType = { type: "kubernetes:core/v1:Secret" };
        const a = res("s", { stringData: { "api.key": "[secret]" }, data: { old: "cGxhaW4=" } }, secretType);
        const b = res(
            "s",
            { stringData: { "api.key": "[secret]", "new.key": "[secret]" }, data: { old: "Y2hhbmdlZA==" } },
            secretType,
        );
        const fields = diffResource(a, b);
        assert.deepEqual(
            fields.map((f) => [f.kind, f.path, f.before, f.after, f.secret]),
            [
                ["changed", "data.old", "[secret]", "[secret]", true],
                ["added", 'stringData["new.key"]', undefined, "[secret]", true],
            ],
        );
        // A value that became secret (or stopped being secret) is not shown on either side.
        const c = res("p", { kubeconfig: "plain-before" }, { type: "pulumi:providers:kubernetes" });
        const d = res("p", { kubeconfig: "[secret]" }, { type: "pulumi:providers:kubernetes" });
        const [f] = diffResource(c, d);
        assert.deepEqual([f.before, f.after, f.secret], ["[secret]", "[secret]", true]);
        const text = renderText(diffPlans([a, c], [b, d]), META);
        assert.ok(
            !text.includes("plain-before") && !text.includes("Y2hhbmdlZA") && !text.includes("cGxhaW4"),
            text,
        );
    });

    it("renders a readable text change list with a summary line", () => {
        const base = [
            res("thoth-b", deployment("quay.io/aicoe/sesheta:v1")),
            res("thoth-gone", deployment("x:v1")),
        ];
        const head = [
            res("thoth-b", deployment("quay.io/aicoe/sesheta:v2")),
            res("thoth-new", deployment("x:v1")),
        ];
        assert.equal(
            renderText(diffPlans(base, head), META),
            [
                "Plan diff of stack stage: main (1a2b3c4) → working tree at 5d6e7f8",
                "",
                "thoth (1 to add, 1 to change, 1 to remove)",
                "  ~ apps/v1:Deployment aicoe-prod-bots/sesheta  (thoth-b)",
                '      ~ spec.template.spec.containers[name=sesheta].image: "quay.io/aicoe/sesheta:v1" → "quay.io/aicoe/sesheta:v2"',
                "  - apps/v1:Deployment aicoe-prod-bots/sesheta  (thoth-gone)",
                "  + apps/v1:Deployment aicoe-prod-bots/sesheta  (thoth-new)",
                "",
                "Summary: stack stage: 1 to add, 1 to change, 1 to remove, 0 unchanged",
                "",
            ].join("\n"),
        );
    });

    it("shows multi-line text (a config file) as a line diff", () => {
        const cm = { type: "kubernetes:core/v1:ConfigMap" };
        const a = res("cm", { data: { "config.yaml": "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n" } }, cm);
        const b = res("cm", { data: { "config.yaml": "a: 1\nb: 2\nc: 30\nd: 4\ne: 5\n" } }, cm);
        const text = renderText(diffPlans([a], [b]), META);
        assert.ok(
            text.includes(
                '      ~ data["config.yaml"]:\n          …\n            b: 2\n          - c: 3\n          + c: 30\n            d: 4\n          …\n',
            ),
            text,
        );
    });

    it("renders markdown with the stack's hidden marker first, for one updated comment per stack", () => {
        const base = [res("thoth-b", deployment("quay.io/aicoe/sesheta:v1"))];
        const head = [
            res("thoth-b", deployment("quay.io/aicoe/sesheta:v2")),
            res("thoth-new", deployment("x:v1")),
        ];
        const md = renderMarkdown(diffPlans(base, head), META);
        const lines = md.split("\n");
        assert.equal(lines[0], commentMarker("stage"));
        assert.equal(commentMarker("prod"), "<!-- runbooks-plan-diff:prod -->");
        assert.ok(md.includes("**1 to add, 1 to change, 0 to remove** (0 unchanged)"), md);
        assert.ok(md.includes("#### thoth (1 to add, 1 to change)"), md);
        assert.ok(
            md.includes("- **added** `apps/v1:Deployment` `aicoe-prod-bots/sesheta` <sub>`thoth-new`</sub>"),
            md,
        );
        assert.ok(
            md.includes(
                '  - `spec.template.spec.containers[name=sesheta].image`: `"quay.io/aicoe/sesheta:v1"` → `"quay.io/aicoe/sesheta:v2"`',
            ),
            md,
        );
        const same = renderMarkdown(diffPlans(base, base), META);
        assert.ok(same.startsWith(`${commentMarker("stage")}\n`) && same.includes("**No changes.**"), same);
    });

    it("keeps markdown under the comment limit by cutting at a resource boundary", () => {
        const head = Array.from({ length: 200 }, (_, i) =>
            res(`thoth-${String(i).padStart(3, "0")}`, deployment(`img:${"x".repeat(100)}`)),
        );
        const md = renderMarkdown(diffPlans([], head), META, 5000);
        assert.ok(md.length <= 5000, `${md.length}`);
        assert.match(md, /_… \d+ more changed resources not shown/);
        assert.ok(md.includes("`thoth-000`") && !md.includes("`thoth-199`"));
    });

    it("line diff keeps one line of context and caps long diffs", () => {
        assert.deepEqual(lineDiff("a\nb\nc", "a\nB\nc"), ["  a", "- b", "+ B", "  c"]);
        const long = lineDiff(Array.from({ length: 100 }, (_, i) => `${i}`).join("\n"), "", 10);
        assert.equal(long.length, 11);
        assert.equal(long[10], "… (91 more lines)");
    });

    it("inline code survives backticks", () => {
        assert.equal(code("a`b"), "``a`b``");
        assert.equal(code("`x"), "`` `x ``");
    });
});

describe("plan:diff long values", () => {
    it("cuts two long strings to the part that differs", () => {
        const before = JSON.stringify(
            Object.fromEntries(["csc", "ecal", "hcal", "tracker"].map((w) => [w, `cms-dqm-${w}-certifiers`])),
        );
        const after = before.replace(/}$/, ',"muon":"cms-dqm-muon-certifiers"}');
        const [a, b] = formatChangedPair(before.repeat(3), after.repeat(3));
        assert.ok(a.startsWith('"…') && b.startsWith('"…'), a);
        assert.ok(b.includes('\\"muon\\":\\"cms-dqm-muon-certifiers\\"'), b);
        assert.ok(a.length < 200 && b.length < 250, `${a.length} ${b.length}`);
        assert.deepEqual(formatChangedPair("a", "b"), ['"a"', '"b"']);
    });
});
