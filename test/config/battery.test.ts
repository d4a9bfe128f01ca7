import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { planCommand } from "../../tools/plan/cli";
import { repoRoot } from "../../tools/root";
import { CASES, faultsOf, manyWorkspaces, withWorkspaces } from "./battery";

// Every case of the battery is checked the same way (faultsOf): the exact problems one run reports, each at its full
// key, and what the run printed (./printed.ts): every command of an allowed kind (a rename, a move, a secret, a read),
// none holding another stack's value in any spelling, no credential quoted.

const ROOT = repoRoot();
const STAGE = readFileSync(path.join(ROOT, "Pulumi.stage.yaml"), "utf8");
const PROD = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");

describe("stack file battery: one run shows every problem at its full key; no printed command holds another stack's value or a secret", function () {
    this.timeout(60000);

    it(`has at least 80 malformed files (${CASES.length})`, () => {
        assert.ok(CASES.filter((c) => (c.keys?.length ?? 1) > 0).length >= 80);
    });

    it("many workspaces are written as the yaml library writes them", () => {
        assert.equal(manyWorkspaces(3), withWorkspaces(3));
    });

    for (const c of CASES) {
        (c.pending ? it.skip : it)(c.pending ? `${c.name} (pending: ${c.pending})` : c.name, () => {
            const { verdict, faults } = faultsOf(c);
            assert.deepEqual({ verdict, faults }, { verdict: "clean", faults: [] });
        });
    }
});

describe("plan command on bad input (in-process)", function () {
    this.timeout(60000);
    let root: string;
    beforeEach(() => {
        root = mkdtempSync(path.join(tmpdir(), "plan-cli-"));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));
    it("a YAML error: one line with file:line:column, exit 1", async () => {
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), "config:\n  runbooks:tier: [x\n");
        const r = await planCommand(["--stack", "stage", "--out", path.join(root, "out")], root);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^Pulumi\.stage\.yaml:\d+:\d+: [^\n]+\n$/);
    });

    it("an unknown stack names the stacks there", async () => {
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), STAGE);
        writeFileSync(path.join(root, "Pulumi.prod.yaml"), PROD);
        const r = await planCommand(["--stack", "staging"], root);
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            'no stack "staging": Pulumi.staging.yaml does not exist. Stacks here: prod, stage; did you mean --stack stage?\n',
        );
    });

    it("refuses an --out directory it does not own and deletes nothing", async () => {
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), STAGE);
        writeFileSync(path.join(root, "precious.txt"), "keep me");
        const r = await planCommand(["--stack", "stage", "--out", root], root);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /is not empty and is not a plan output/);
        assert.equal(readFileSync(path.join(root, "precious.txt"), "utf8"), "keep me");
    });

    it("a configuration error removes an earlier plan of the stack, so it cannot pass for current", async () => {
        writeFileSync(
            path.join(root, "Pulumi.stage.yaml"),
            STAGE.replace("runbooks:tier: staging", "runbooks:tier: prod"),
        );
        const out = path.join(root, "out");
        mkdirSync(out);
        writeFileSync(path.join(out, ".runbooks-plan"), "stack: stage\n");
        writeFileSync(path.join(out, "resources.json"), "[]");
        const r = await planCommand(["--stack", "stage", "--out", out], root);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /runbooks:tier/);
        assert.ok(!existsSync(out));
    });
});
