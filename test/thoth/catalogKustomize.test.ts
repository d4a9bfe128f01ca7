// Every upstream kustomize directory the Thoth catalog renders (thoth.station.modules.catalog: a module's `path` in
// thoth-station/thoth-application at `ref`, which the provider's kustomize render fetches at preview and up), read by
// kustomize itself: `kubectl kustomize` over the checkout of the pinned tree that .ci/trees.sh makes before npm test.
// A directory kustomize refuses would fail only inside pulumi preview; here it fails naming the stack, the module's key
// and kustomize's message. Where kubectl (the e2e toolchain's, ~/.cache/runbooks-e2e/bin, or one on PATH) or the tree
// is absent, one SKIPPED line says so.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, writeFileSync } from "fs";
import { homedir } from "os";
import * as path from "path";
import { CatalogConfig, catalogSchema } from "../../components/thoth/config";
import { catalogTrees } from "../../components/thoth/station/catalog/catalogTree";
import { readStackFile } from "../../tools/plan/stackfile";
import { repoRoot } from "../../tools/root";
import { scratchDir } from "../fixtures/scratch";
import { treeMissing, upstreamTree } from "../fixtures/upstreamTrees";
import { Json } from "./fixtures";

const KEY = "thoth.station.modules.catalog";
const STACKS = ["stage", "prod", "local"] as const;

/** The e2e toolchain's kubectl (e2e/tools.sh), else one on PATH; undefined when neither runs. */
function kubectl(): string | undefined {
    const cache = process.env.E2E_CACHE ?? path.join(homedir(), ".cache", "runbooks-e2e");
    for (const candidate of [path.join(cache, "bin", "kubectl"), "kubectl"]) {
        if (candidate.includes("/") && !existsSync(candidate)) continue;
        if (spawnSync(candidate, ["version", "--client"], { stdio: "ignore" }).status === 0) return candidate;
    }
    return undefined;
}

function catalogOf(stack: (typeof STACKS)[number]): CatalogConfig {
    const raw = (readStackFile(stack, repoRoot()).values.thoth as Json).station.modules.catalog;
    return catalogSchema.parse({ ...raw, enabled: true });
}

/** kustomize's render of `dir`: the number of objects, or its refusal. */
function render(bin: string, dir: string): { objects: number } | { error: string } {
    const r = spawnSync(bin, ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) return { error: `${r.stderr}${r.stdout}`.trim() };
    return { objects: (r.stdout.match(/^kind: /gm) ?? []).length };
}

describe("thoth catalog modules, rendered by kustomize at the pinned tree", function () {
    this.timeout(120_000);
    const record = catalogTrees();
    let bin: string;

    before(function () {
        const found = kubectl();
        if (found === undefined) {
            console.log(
                "    thoth catalog kustomize SKIPPED: no kubectl (e2e/tools.sh kubernetes builds one into ~/.cache/runbooks-e2e/bin)",
            );
            this.skip();
        }
        bin = found;
    });

    it("every module directory of every committed stack renders, with objects", function () {
        const problems: string[] = [];
        let rendered = 0;
        const missing = new Set<string>();
        for (const stack of STACKS) {
            const catalog = catalogOf(stack);
            const tree = upstreamTree(record.repository, catalog.ref);
            if (tree === undefined) {
                missing.add(treeMissing(record.repository, catalog.ref));
                continue;
            }
            catalog.modules.forEach((m, i) => {
                const out = render(bin, path.join(tree, m.path));
                if ("error" in out)
                    problems.push(`${stack}: ${KEY}.modules[${i}].path ${m.path}: ${out.error}`);
                else if (out.objects === 0)
                    problems.push(`${stack}: ${KEY}.modules[${i}].path ${m.path}: no objects`);
                else rendered++;
            });
        }
        if (rendered === 0 && problems.length === 0) {
            console.log(`    thoth catalog kustomize SKIPPED: ${[...missing].join("; ")}`);
            this.skip();
        }
        assert.deepEqual(problems, []);
        assert.deepEqual([...missing], [], "every pinned tree is checked out");
        assert.equal(rendered, 11 + 11 + 1);
    });

    it("control: kustomize refuses a directory naming a resource it lacks, and the message names it", () => {
        const dir = path.join(scratchDir("kustomize-control-"), "base");
        mkdirSync(dir);
        writeFileSync(path.join(dir, "kustomization.yaml"), "resources:\n  - job.yaml\n");
        const out = render(bin, dir);
        assert.ok("error" in out, "a missing resource is refused");
        assert.match(out.error, /job\.yaml/);
    });
});
