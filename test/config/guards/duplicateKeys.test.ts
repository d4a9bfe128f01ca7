import { strict as assert } from "assert";
import fc from "fast-check";
import { LineCounter, Node, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";
import { writeFileSync } from "fs";
import * as path from "path";
import { duplicateKeysOf } from "../../../components/config/duplicateKeys";
import { otherStacks } from "../../../components/config/stacks";
import { scratchDir } from "../../fixtures/scratch";
import { PROD, STAGE, fixFaults, validate, validated } from "../battery";
import { chars, LOWER } from "./generated";

// Issue 70, part 3: a key written twice in a stack file (with and without the `runbooks:` namespace, or twice in one
// mapping at any depth) is one problem, named at both its lines, with the edit that deletes the stray copy; following
// that edit leaves a file that plans. Before, `runbooks:tier: production` at line 5 and a stray `tier: staging` at the
// end of prod's file gave a problem saying line 5 says "staging", and a fix that never converged. Each class is
// generated (24 cases); its control is the file without the stray copy, which plans, and a legitimate file (one name in
// many mappings, merge keys) plans.

const RUNS = { seed: 70, numRuns: 24 };
type Stack = "stage" | "prod";
const BASE: Record<Stack, string> = { stage: STAGE, prod: PROD };

/** The text without lines `from`-`to` (1-based): what following "delete lines from-to" leaves. */
function deleteLines(text: string, from: number, to: number): string {
    const lines = text.split("\n");
    lines.splice(from - 1, to - from + 1);
    return lines.join("\n");
}

/** The lines a fix deletes (`delete line 7`, `delete lines 7-9`), when it names them. */
function deleted(fix: string): [number, number] | undefined {
    const m = / delete lines? (\d+)(?:-(\d+))? /.exec(fix);
    return m ? [Number(m[1]), Number(m[2] ?? m[1])] : undefined;
}

/** Line `n` of a text (1-based). */
const lineAt = (text: string, n: number) => text.split("\n")[n - 1];

/** Where a case's one problem must be, and what must hold of it; then its fix is followed and the file must plan. */
function assertDuplicate(
    text: string,
    stack: Stack,
    key: string,
    lines: [number, number],
    secrets: string[] = [],
) {
    const { outcome } = validated(text, stack);
    const at = `${key} (Pulumi.${stack}.yaml:${lines[1]})`;
    assert.deepEqual(
        outcome.problems.map((p) => p.key),
        [at],
        outcome.message || "planned without a word",
    );
    const p = outcome.problems[0];
    assert.match(p.message, new RegExp(`at line ${lines[0]} and .* at line ${lines[1]};`));
    assert.ok(!/\n\s+at .+\(.+:\d+:\d+\)/.test(outcome.message), "a stack trace");
    for (const s of secrets) assert.ok(!outcome.message.includes(s), `the message echoes ${s}`);
    assert.deepEqual(fixFaults(text, stack, outcome), []);
    return p;
}

describe("issue 70, part 3: a key with and without the runbooks: namespace", function () {
    this.timeout(600000);

    it("the example: prod's runbooks:tier and a stray tier: staging at the end", () => {
        const text = `${PROD}  tier: staging\n`;
        const stray = text.split("\n").length - 1;
        const tier = text.split("\n").findIndex((l) => l.startsWith("  runbooks:tier:")) + 1;
        const p = assertDuplicate(text, "prod", "runbooks:tier", [tier, stray]);
        assert.doesNotMatch(p.message, /says "staging"/);
        assert.equal(
            p.fix,
            `edit Pulumi.prod.yaml: delete line ${stray} (tier, the copy without the runbooks: namespace), keeping runbooks:tier at line ${tier}`,
        );
        assert.deepEqual(validate(deleteLines(text, stray, stray), "prod").problems, []);
    });

    it("a stray copy of any top-level key, before or after, same value or not: one problem, both lines, its fix converges", () => {
        const keys: Record<Stack, string[]> = {
            stage: ["tier", "thoth", "packit", "dials", "callysto", "clusters", "openstack"],
            prod: ["tier", "thoth", "stream", "prow", "dials", "clusters", "openstack"],
        };
        const cases = fc.constantFrom<Stack>("stage", "prod").chain((stack) =>
            fc.record({
                stack: fc.constant(stack),
                key: fc.constantFrom(...keys[stack]),
                value: fc.oneof(
                    fc.constant<string | undefined>(undefined),
                    chars(LOWER, 4, 10).map((w) => `zz-${w}`),
                ),
                first: fc.boolean(),
            }),
        );
        fc.assert(
            fc.property(cases, ({ stack, key, value, first }) => {
                const base = BASE[stack];
                const doc = parseDocument(base);
                const written = doc.getIn(["config", `runbooks:${key}`]);
                assert.ok(written !== undefined, key);
                // The stray copy: a scalar (its own or another one), or a section's opening line and one setting.
                const copy =
                    value === undefined && !isMap(written)
                        ? `  ${key}: ${String((written as { value?: unknown }).value ?? written)}\n`
                        : `  ${key}:\n    stray: ${value ?? "zz-copy"}\n`;
                const lines = base.split("\n");
                const configAt = lines.indexOf("config:") + 1;
                const text = first
                    ? [...lines.slice(0, configAt), copy.trimEnd(), ...lines.slice(configAt)].join("\n")
                    : `${base}${copy}`;
                const strayLine = first ? configAt + 1 : base.split("\n").length;
                const keptLine = text.split("\n").findIndex((l) => l.startsWith(`  runbooks:${key}:`)) + 1;
                const p = assertDuplicate(
                    text,
                    stack,
                    `runbooks:${key}`,
                    [keptLine, strayLine],
                    value ? [value] : [],
                );
                const span = deleted(p.fix!);
                assert.ok(span, p.fix);
                assert.equal(lineAt(text, span[0]).trim().split(":")[0], key);
                // Control: following the fix leaves the committed file, which plans.
                assert.equal(deleteLines(text, ...span), base);
                assert.deepEqual(validate(deleteLines(text, ...span), stack).problems, []);
            }),
            RUNS,
        );
    });
});

/** A single-line setting of a block mapping of a committed file: its full key, its line and its text. */
interface Setting {
    key: string;
    line: number;
    text: string;
}

/** Every single-line `key: scalar` of the file's block mappings under config, with its full key. */
function settings(text: string): Setting[] {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const out: Setting[] = [];
    const rows = text.split("\n");
    const seg = (base: string, s: string | number) =>
        typeof s === "number"
            ? `${base}[${s}]`
            : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)
              ? `${base}.${s}`
              : `${base}["${s}"]`;
    const walk = (node: unknown, base: string): void => {
        if (isSeq(node)) return node.items.forEach((x, i) => walk(x, seg(base, i)));
        if (!isMap(node) || node.flow) return;
        for (const pair of node.items) {
            if (!isPair(pair) || !isScalar(pair.key)) continue;
            const k = String(pair.key.value);
            const value = pair.value as Node | null;
            if (isScalar(value) && value.range) {
                const line = lines.linePos(pair.key.range![0]).line;
                const end = lines.linePos(value.range[1] - 1).line;
                if (end === line && !rows[line - 1].includes("#") && !rows[line - 1].trim().startsWith("- "))
                    out.push({ key: seg(base, k), line, text: rows[line - 1] });
            } else walk(value, seg(base, k));
        }
    };
    const config = doc.get("config", true);
    if (isMap(config))
        for (const pair of config.items)
            if (isPair(pair) && isScalar(pair.key)) walk(pair.value, String(pair.key.value));
    return out;
}

const SETTINGS: Record<Stack, Setting[]> = { stage: settings(STAGE), prod: settings(PROD) };

describe("issue 70, part 3: the same key twice in one mapping, at any depth", function () {
    this.timeout(600000);

    it("a repeated setting: both lines named; the same value is deleted, two values are asked for; either way it converges", () => {
        const cases = fc.constantFrom<Stack>("stage", "prod").chain((stack) =>
            fc.record({
                stack: fc.constant(stack),
                at: fc.nat({ max: SETTINGS[stack].length - 1 }),
                other: fc.option(
                    chars(LOWER, 4, 10).map((w) => `zz-${w}`),
                    { nil: undefined },
                ),
            }),
        );
        fc.assert(
            fc.property(cases, ({ stack, at, other }) => {
                const s = SETTINGS[stack][at];
                const base = BASE[stack];
                const copy =
                    other === undefined ? s.text : `${s.text.slice(0, s.text.indexOf(":") + 1)} ${other}`;
                const rows = base.split("\n");
                const text = [...rows.slice(0, s.line), copy, ...rows.slice(s.line)].join("\n");
                const p = assertDuplicate(text, stack, s.key, [s.line, s.line + 1], other ? [other] : []);
                if (other === undefined) {
                    assert.match(p.fix!, new RegExp(`delete line ${s.line + 1} \\(`));
                } else {
                    // Which value the stack needs only the operator knows: the fix asks, naming both.
                    assert.match(
                        p.fix!,
                        new RegExp(`keep the one of .* at line ${s.line} and .* at line ${s.line + 1} `),
                    );
                }
                // Control: without the stray copy (either one, when they are equal) the committed file plans.
                assert.deepEqual(validate(deleteLines(text, s.line + 1, s.line + 1), stack).problems, []);
            }),
            RUNS,
        );
    });

    it("the engine's reader finds what the plan's does, and reads the copy that stays", () => {
        fc.assert(
            fc.property(fc.constantFrom<Stack>("stage", "prod"), chars(LOWER, 4, 10), (stack, w) => {
                const found = duplicateKeysOf(`${BASE[stack]}  tier: zz-${w}\n`);
                assert.deepEqual(
                    found.map((d) => [d.key, d.kind, d.keptValue]),
                    [["runbooks:tier", "namespace", stack === "prod" ? "production" : "staging"]],
                );
            }),
            { ...RUNS, numRuns: 20 },
        );
    });
});

describe("issue 70, part 3: another stack's file with a key twice still owns what it grants", function () {
    this.timeout(600000);

    it("production's grants are read from its file as its fix leaves it, so stage's check still sees them", () => {
        const grants = (text: string) => {
            const root = scratchDir("duplicate-other-");
            writeFileSync(path.join(root, "Pulumi.prod.yaml"), text);
            const prod = otherStacks("stage", root).find((o) => o.stack === "prod");
            return prod?.clusters.find((c) => c.name === "psi")?.grants.namespaces ?? {};
        };
        const committed = grants(PROD);
        assert.ok("aicoe-prod-bots" in committed);
        fc.assert(
            fc.property(fc.nat({ max: SETTINGS.prod.length - 1 }), fc.boolean(), (at, namespace) => {
                const s = SETTINGS.prod[at];
                const rows = PROD.split("\n");
                const text = namespace
                    ? `${PROD}  tier: staging\n`
                    : [...rows.slice(0, s.line), s.text, ...rows.slice(s.line)].join("\n");
                // Control: before, a repeated key made the strict reading throw, and production's file granted nothing.
                assert.deepEqual(grants(text), committed);
            }),
            { ...RUNS, numRuns: 20 },
        );
    });
});

describe("issue 70, part 3: legitimate files keep planning", function () {
    this.timeout(600000);

    it("one name in many mappings, merge keys and another namespace's key of the same name are no duplicates", () => {
        for (const stack of ["stage", "prod"] as const) {
            assert.deepEqual(duplicateKeysOf(BASE[stack]), []);
            assert.deepEqual(validate(BASE[stack], stack).problems, []);
        }
        fc.assert(
            fc.property(chars(LOWER, 3, 8), (w) => {
                const merged = STAGE.replace(
                    "    web:\n      env: prod\n      debug: false\n",
                    `    web:\n      <<: {env: prod}\n      <<: {debug: false}\n`,
                ).replace("config:\n", `config:\n  ${w}x:tier: staging\n`);
                assert.deepEqual(duplicateKeysOf(merged), []);
            }),
            { ...RUNS, numRuns: 20 },
        );
    });
});
