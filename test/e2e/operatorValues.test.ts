// The engine check that compares the committed stage and prod files' offline plans with the engine's preview runs only
// once every operator value of those files has a test value the program accepts. These tests prove, offline, that the
// stand-ins of e2e/operatorValues.ts fill every operator value of both committed files (so a new kind of operator
// value fails here, in npm test, instead of in the 40-minute e2e), and that a digest fix is followed as printed.
import { strict as assert } from "assert";
import fc from "fast-check";
import { copyFileSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { editedSource, fixEdits } from "../configEdits";
import { loadProgramConfig } from "../../components/config/load";
import { memoryConfigSource } from "../../components/config/source";
import { ConfigError, ConfigProblem, shellQuote } from "../../components/config/problems";
import { confirmation } from "../../components/shared/confirmedImages";
import { unconfirmedImageProblem } from "../../components/config/unconfirmedImage";
import { SYSTEMS } from "../../components/systems";
import { SOURCED_IMAGES } from "../fixtures/sourcedImages";
import { testValue } from "../../e2e/local-secrets";
import { pinnedImages, requiredSecrets, stackFile } from "../../e2e/localStack";
import {
    OperatorTestValue,
    fillOperatorValues,
    operatorTestValues,
    testDigest,
} from "../../e2e/operatorValues";
import { OFF_IN_COPIES, liveInCopies } from "../../e2e/stackCopies";
import { readStackFile } from "../../tools/plan/stackfile";

const roots: string[] = [];
const LIVE = { kubeSystemUid: "0b8e3f52-6a3c-4d1e-9f7a-2c5d8e1b4a90" };

const edits = (values: Record<string, string>) =>
    Object.entries(values).flatMap(
        ([p, v]) => fixEdits(`pulumi config set --path ${shellQuote(p)} ${shellQuote(v)}`) ?? [],
    );

/**
 * What a copy of a committed stack's file holds at each round: its operator values as the program reports them. The
 * copy's directory holds that one stack file, as the e2e's copy does (other stacks' files are not there to compare).
 */
function committedCopy(stack: string) {
    const root = mkdtempSync(path.join(tmpdir(), "operator-values-"));
    roots.push(root);
    copyFileSync(stackFile(stack), stackFile(stack, root));
    const file = readStackFile(stack, root);
    const fixed = {
        ...Object.fromEntries(OFF_IN_COPIES.map((o) => [o.path, "false"])),
        ...pinnedImages(file.values),
        ...liveInCopies(file.values),
    };
    const secrets = Object.fromEntries(
        requiredSecrets(stack, root).map((spec) => [spec.key, testValue(spec)]),
    );
    const source = memoryConfigSource(file.values, secrets, { stack, foreignKeys: file.foreignKeys });
    // As a real run reports them: every required secret set, so the problems are the operator values, with the
    // fixes the program proved (a proven fix may differ from the check's own text, e.g. end in --stack).
    const problemsWith = (given: readonly OperatorTestValue[]): readonly ConfigProblem[] => {
        const values = { ...fixed, ...Object.fromEntries(given.map((g) => [g.path, g.value])) };
        try {
            loadProgramConfig(editedSource(source, edits(values)), SYSTEMS, { root });
            return [];
        } catch (err) {
            if (err instanceof ConfigError) return err.problems;
            throw err;
        }
    };
    return { problemsWith };
}

describe("e2e operator values: test stand-ins for what only an operator has", function () {
    this.timeout(120_000);
    after(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

    for (const stack of ["stage", "prod"]) {
        it(`fill every operator value of the committed ${stack} file, and the program then reports none`, function () {
            const copy = committedCopy(stack);
            const given: OperatorTestValue[] = [];
            const initial = copy.problemsWith([]);
            assert.ok(initial.length > 0, "the committed file has no operator value: nothing is proved");
            const { values, left } = fillOperatorValues(initial, LIVE, (more) => {
                given.push(...more);
                return copy.problemsWith(given);
            });
            assert.deepEqual(
                left.map((p) => `${p.key}: ${p.message}`),
                [],
            );
            // Every value is one `pulumi config set --path` the CLI takes.
            for (const v of values)
                assert.ok(
                    fixEdits(`pulumi config set --path ${shellQuote(v.path)} ${shellQuote(v.value)}`),
                    v.path,
                );
        });
    }

    it("the copy's own changes are needed: without its test values the prod file stops a real run (control)", function () {
        const left = committedCopy("prod").problemsWith([]);
        assert.ok(left.some((p) => /identity\.uid$/.test(p.key)));
        assert.ok(left.some((p) => /\.image$/.test(p.key)));
    });

    it("follow an unconfirmed image's printed fix with a test digest, for any key and image (generated)", function () {
        const segment = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
        fc.assert(
            fc.property(
                fc.array(segment, { minLength: 2, maxLength: 4 }),
                fc.constantFrom("quay.io", "docker.io", "registry.example.org:5000"),
                fc.array(segment, { minLength: 1, maxLength: 3 }),
                fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,12}$/),
                fc.boolean(),
                (keyParts, registry, repoParts, tag, proven) => {
                    const key = [...keyParts, "image"].join(".");
                    const image = `${registry}/${repoParts.join("/")}:${tag}`;
                    const found = unconfirmedImageProblem({ key, image }, SOURCED_IMAGES);
                    if (!found) return;
                    // A proven fix names the stack it was proven on.
                    const problem = proven ? { ...found, fix: `${found.fix} --stack prod` } : found;
                    const { values, unfilled } = operatorTestValues([problem], LIVE);
                    assert.deepEqual(unfilled, []);
                    assert.equal(values.length, 1);
                    assert.equal(values[0].path, key);
                    assert.ok(
                        confirmation(values[0].value, SOURCED_IMAGES),
                        `${values[0].value} confirms nothing`,
                    );
                    assert.ok(values[0].value.startsWith(`${registry}/${repoParts.join("/")}@sha256:`));
                    assert.equal(values[0].value.split("@")[1], testDigest(`runbooks:${key}`));
                },
            ),
            { numRuns: 60 },
        );
    });

    it("leave a kind of operator value it has no stand-in for, and every problem that is no placeholder", function () {
        const problems: ConfigProblem[] = [
            {
                key: "runbooks:thoth.something.new",
                message: "is a placeholder",
                fix: "edit Pulumi.<stack>.yaml: set runbooks:thoth.something.new to what only you know",
                placeholder: true,
            },
            {
                key: "runbooks:packit.images.nginx",
                message: "is not a full reference",
                fix: "pulumi config set --path packit.images.nginx docker.io/nginxinc/nginx-unprivileged:<a tag>",
                placeholder: true,
            },
            { key: "runbooks:tier", message: "is wrong", fix: "pulumi config set tier stage" },
        ];
        const { values, unfilled } = operatorTestValues(problems, LIVE);
        assert.deepEqual(values, []);
        assert.deepEqual(
            unfilled.map((p) => p.key),
            ["runbooks:thoth.something.new", "runbooks:packit.images.nginx"],
        );
    });
});
