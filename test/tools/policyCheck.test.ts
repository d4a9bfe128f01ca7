import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { policyCheckCommand } from "../../policy/check";
import { repoRoot, scriptArgs } from "../../tools/root";

// `npm run policy:check` takes its stack the way `npm run plan` does, and a command line it cannot read is answered
// with what is wrong and the usage: no stack trace, no plan started. The command runs once as a user runs it (its own
// process: how the script reads its arguments, prints and exits); the other cases call it in this process.
function spawned(...args: string[]) {
    const res = spawnSync(process.execPath, [...scriptArgs("policy/check.ts"), ...args], {
        cwd: repoRoot(),
        encoding: "utf8",
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

const check = (...args: string[]) => policyCheckCommand(args, repoRoot());

describe("npm run policy:check", function () {
    this.timeout(60000);

    it("without --stack: the usage error, exit 2 (its own process)", () => {
        const r = spawned();
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.equal(r.stderr, "--stack is required\nusage: npm run policy:check -- --stack <stack>\n");
    });

    it("a misspelt flag or a missing value: the usage error, exit 2", async () => {
        for (const args of [["--stak", "prod"], ["--stack"], ["prod"]]) {
            const r = await check(...args);
            assert.equal(r.code, 2, args.join(" "));
            assert.equal(r.stdout, "");
            assert.match(r.stderr, /\nusage: npm run policy:check -- --stack <stack>\n$/);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
        }
    });

    it("--stack of a stack that does not exist names the stacks there, exit 1", async () => {
        const r = await check("--stack", "nosuch");
        assert.equal(r.code, 1);
        assert.match(
            r.stderr,
            /no stack "nosuch": Pulumi\.nosuch\.yaml does not exist\. Stacks here: .*prod.*stage/,
        );
        assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
});
