// The record of thoth-application's tree (facts/trees/thoth-application.yaml) against the catalog the stacks render:
// a module directory the pinned commit lacks fails only inside the provider's render at preview and up, so the check
// refuses it, at its key, before anything is made.
import { strict as assert } from "assert";
import fc from "fast-check";
import { CatalogConfig, catalogSchema } from "../../components/thoth/config";
import {
    CATALOG_TREES_NAME,
    catalogTreeProblems,
    catalogTrees,
} from "../../components/thoth/station/catalog/catalogTree";
import { parseTreesRecord } from "../../components/shared/trees/load";
import { readStackFile } from "../../tools/plan/stackfile";
import { repoRoot } from "../../tools/root";
import { Json, thothConfigError } from "./fixtures";

const KEY = "runbooks:thoth.station.modules.catalog";
const STACKS = ["stage", "prod", "local"] as const;

/** A committed stack's catalog as the schema reads it, switched on: a disabled one still pins what it would render. */
function catalogOf(stack: (typeof STACKS)[number]): CatalogConfig {
    const file = readStackFile(stack, repoRoot());
    const raw = (file.values.thoth as Json).station.modules.catalog;
    return catalogSchema.parse({ ...raw, enabled: true });
}

const record = catalogTrees();
const recordedPaths = new Set(record.trees.flatMap((t) => t.paths.map((p) => p.path)));

describe("thoth catalog modules against the record of the pinned tree", () => {
    it("passes every committed stack: each module directory is recorded at its ref as a kustomize directory", () => {
        let modules = 0;
        for (const stack of STACKS) {
            const catalog = catalogOf(stack);
            assert.deepEqual(catalogTreeProblems(catalog), [], stack);
            const paths = record.trees.find((t) => t.commit === catalog.ref)?.paths ?? [];
            assert.ok(paths.length > 0, `${stack}: ${catalog.ref} is recorded`);
            for (const m of catalog.modules) {
                const entry = paths.find((p) => p.path === m.path);
                assert.equal(entry?.kind, "kustomize", `${stack}: ${m.path}`);
                assert.equal(entry?.at, `${record.repository}@${catalog.ref}:${m.path}`);
                modules++;
            }
        }
        assert.equal(modules, 11 + 11 + 1);
    });

    it("records exactly the commits the committed stacks pin, in the file its name says", () => {
        assert.equal(CATALOG_TREES_NAME, "thoth-application");
        const pinned = new Set(STACKS.map((s) => catalogOf(s).ref));
        assert.deepEqual(new Set(record.trees.map((t) => t.commit)), pinned);
    });

    it("names a module directory the pinned tree lacks at its key, offering the recorded one (control, full run)", async () => {
        const err = await thothConfigError("stage", (thoth) => {
            thoth.station.modules.catalog.modules[3].path = "package-extract/overlay-missing";
        });
        const found = err.problems.filter((p) => p.key.startsWith(KEY));
        assert.equal(found.length, 1, err.message);
        assert.equal(found[0].key, `${KEY}.modules[3].path`);
        assert.match(
            found[0].message,
            /package-extract\/overlay-missing, which the tree of .* does not have/,
        );
        assert.match(found[0].message, /; did you mean package-extract\/base\?$/);
        assert.equal(found[0].fix, undefined);
    });

    it("refuses an unrecorded ref at catalog.ref and says to record the tree first", () => {
        const catalog = { ...catalogOf("stage"), ref: "0".repeat(40) };
        const problems = catalogTreeProblems(catalog);
        assert.deepEqual(
            problems.map((p) => p.key),
            [`${KEY}.ref`],
        );
        assert.match(
            problems[0].message,
            /: record the tree .* in facts\/trees\/thoth-application\.yaml first/,
        );
        assert.equal(problems[0].fix, undefined, "no other commit is offered");
    });

    it("refuses a repository whose tree is not recorded, and accepts the recorded one in any spelling", () => {
        const other = { ...catalogOf("stage"), repository: "https://github.com/thoth-station/other" };
        assert.deepEqual(
            catalogTreeProblems(other).map((p) => p.key),
            [`${KEY}.repository`],
        );
        const spelled = {
            ...catalogOf("stage"),
            repository: "https://GitHub.com/thoth-station/thoth-application.git/",
        };
        assert.deepEqual(catalogTreeProblems(spelled), []);
    });

    it("refuses a recorded directory the catalog may not render", () => {
        const text = `repository: ${record.repository}
clone: ${record.clone}
trees:
  - commit: ${record.trees[0].commit}
    workdir: ""
    paths:
      - {path: adviser/base, kind: kustomize, at: "${record.repository}@${record.trees[0].commit}:adviser/base"}
`;
        const unserved = parseTreesRecord(text, "edited record");
        const catalog = { ...catalogOf("local") };
        const problems = catalogTreeProblems(catalog, unserved);
        assert.deepEqual(
            problems.map((p) => p.key),
            [`${KEY}.modules[0].path`],
        );
        assert.match(problems[0].message, /holds as a kustomize the catalog may not render/);
        assert.match(
            problems[0].message,
            /; record .* in facts\/trees\/thoth-application\.yaml/,
            "nothing recorded serves the catalog: nothing is offered",
        );
    });

    it("refuses every generated path the record lacks and passes every recorded one; a fix offers recorded paths only", () => {
        const recorded = [...recordedPaths];
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.constantFrom(...recorded),
                    fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,12}(\/[a-z0-9][a-z0-9._-]{0,8}){0,2}$/),
                ),
                fc.nat({ max: 10 }),
                (path, i) => {
                    const catalog = catalogOf("stage");
                    catalog.modules[i].path = path;
                    const problems = catalogTreeProblems(catalog);
                    if (recordedPaths.has(path)) {
                        assert.deepEqual(problems, []);
                        return;
                    }
                    assert.deepEqual(
                        problems.map((p) => p.key),
                        [`${KEY}.modules[${i}].path`],
                    );
                    const offered = /; did you mean (\S+)\?$/.exec(problems[0].message);
                    if (offered) assert.ok(recordedPaths.has(offered[1]), problems[0].message);
                    else
                        assert.match(
                            problems[0].message,
                            /; record \S+ at \S+ in facts\/trees\/thoth-application\.yaml /,
                        );
                    assert.equal(problems[0].fix, undefined);
                },
            ),
            { numRuns: 50 },
        );
    });
});
