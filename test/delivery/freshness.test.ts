// `Pulumi.yaml` runs the compiled program: a dist/ built from other sources than the checkout must not deploy or
// plan, and must say so in one line. Exercised on a copy of the checkout (sources, dist/, node_modules linked) under
// the offline plan, and once under the Node.js language host the Pulumi CLI starts (with a fake engine: no CLI here):
// the refusal, which also proves the entry point judges the checkout it runs from (a check of any other tree, or of
// none, would let the edited copy run). The verdicts themselves are checked in this process.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import {
    BUILD_INFO,
    PROGRAM_SOURCES,
    STALE_MESSAGE,
    sourceDigest,
    staleBuild,
} from "../../components/shared/buildFreshness";
import { repoRoot } from "../../tools/root";
import { runUnderEngine } from "./engine";

const ROOT = repoRoot();
const SYSTEM_SECTIONS = ["thoth", "callysto", "dials", "prow", "packit", "stream"];

/** Every system off: the program validates its configuration and registers only the stack. */
const ALL_OFF = Object.fromEntries([
    ["runbooks:tier", "staging"],
    ...SYSTEM_SECTIONS.map((s) => [`runbooks:${s}`, JSON.stringify({ enabled: false })]),
]);

/**
 * A copy of this checkout with its built dist/: what a clone holds after `npm ci && npm run build`. Its stage stack
 * has every system off (stack files are not program sources): what is judged here is whether the program may run,
 * not what it plans, which the plan tests cover.
 */
function copyCheckout(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "fresh-"));
    for (const rel of [...PROGRAM_SOURCES, "tools", "dist", "Pulumi.yaml", "package.json"]) {
        cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true });
    }
    const config = Object.entries(ALL_OFF)
        .map(([key, value]) => `  ${key}: ${value}`)
        .join("\n");
    writeFileSync(path.join(dir, "Pulumi.stage.yaml"), `config:\n${config}\n`);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

/** The one-line change an operator makes and forgets to build. */
function editComponent(dir: string): void {
    appendFileSync(path.join(dir, "components", "program.ts"), "// tuned by hand\n");
}

function plan(dir: string) {
    const res = spawnSync(
        process.execPath,
        [
            path.join(dir, "dist", "tools", "plan", "cli.js"),
            "--stack",
            "stage",
            "--out",
            path.join(dir, "plan"),
        ],
        { cwd: dir, encoding: "utf8" },
    );
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("stale dist/ cannot deploy or plan", function () {
    this.timeout(120_000);
    let dir: string;

    before(function () {
        // The copy is as fresh as this checkout's own build, which npm test makes first.
        assert.equal(
            staleBuild(ROOT),
            undefined,
            "this checkout's dist/ is stale: run `npm run build` first",
        );
        dir = copyCheckout();
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("the build records the digest of the sources it compiled, and hashing the checkout takes milliseconds", () => {
        const start = process.hrtime.bigint();
        const digest = sourceDigest(ROOT);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        assert.match(digest ?? "", /^[0-9a-f]{64}$/);
        assert.ok(ms < 500, `hashing the sources took ${ms.toFixed(1)} ms`);
        assert.equal(staleBuild(dir), undefined);
        assert.ok(BUILD_INFO.startsWith("dist"));
    });

    it("a fresh build plans (its own process, the compiled plan CLI)", () => {
        const res = plan(dir);
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /Wrote .*resources\.json/);
        assert.ok(!res.stderr.includes(STALE_MESSAGE), res.stderr);
    });

    it("the compiled program of a copy reads the copy's facts, and an edited fact makes its build stale", () => {
        const fact = path.join(dir, "facts", "evidence", "prow", "crier@v20201020-a5b49bc903.yaml");
        const text = readFileSync(fact);
        const images = () => {
            const table = path.join(dir, "dist", "components", "prow", "evidence.js");
            const script = `console.log(require(${JSON.stringify(table)}).PROW_EVIDENCE.images.map((e) => e.image).join("\\n"))`;
            const res = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
            assert.equal(res.status, 0, res.stderr);
            return res.stdout.split("\n");
        };
        try {
            assert.ok(images().includes("gcr.io/k8s-prow/crier"));
            rmSync(fact);
            assert.equal(staleBuild(dir), STALE_MESSAGE);
            assert.ok(!images().includes("gcr.io/k8s-prow/crier"));
        } finally {
            writeFileSync(fact, text);
        }
        assert.equal(staleBuild(dir), undefined);
    });

    it("after a one-line change to a component, both refuse with one line and nothing registered", async () => {
        editComponent(dir);
        assert.equal(staleBuild(dir), STALE_MESSAGE);
        const run = await runUnderEngine(dir, "dist/index.js", "stage", ALL_OFF);
        assert.notEqual(run.code, 0);
        const errors = run.logs.filter((l) => !/RPC|^Registering resource|^Running program/.test(l));
        assert.deepEqual(errors, [STALE_MESSAGE]);
        assert.deepEqual(run.registered, ["pulumi:pulumi:Stack"], "the program was not loaded");

        const res = plan(dir);
        assert.equal(res.code, 1);
        assert.equal(res.stdout, "");
        assert.equal(res.stderr, `${STALE_MESSAGE}\n`);
    });

    it("a dist/ without the build's record (plain tsc, or a failed build) is refused; a packaged one runs", () => {
        const copy = mkdtempSync(path.join(tmpdir(), "fresh-"));
        try {
            cpSync(path.join(dir, "dist"), path.join(copy, "dist"), { recursive: true });
            // No sources beside it: the dist is the program, there is nothing it could be stale against.
            assert.equal(staleBuild(copy), undefined);
            cpSync(path.join(ROOT, "index.ts"), path.join(copy, "index.ts"));
            assert.equal(staleBuild(copy), STALE_MESSAGE);
            rmSync(path.join(copy, BUILD_INFO));
            cpSync(path.join(ROOT, "components"), path.join(copy, "components"), { recursive: true });
            assert.equal(staleBuild(copy), STALE_MESSAGE);
        } finally {
            rmSync(copy, { recursive: true, force: true });
        }
    });
});
