import * as assert from "assert";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { UsageError, keyValues, parseFlags, required } from "../../cli/args";
import { repoRoot } from "../../root";

const USAGE = "usage: npm run x -- --stack <stack>";
const FLAGS = { stack: { type: "string" }, mirror: { type: "string", multiple: true } } as const;

function usageMessage(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof UsageError, `not a UsageError: ${String(err)}`);
        return err.message;
    }
    assert.fail("no UsageError");
}

describe("command-line flags of the tools (node:util parseArgs)", () => {
    it("reads values, repeated flags and --flag=value", () => {
        assert.deepEqual(
            { ...parseFlags(["--stack=prod", "--mirror", "a=b", "--mirror", "c=d"], FLAGS, USAGE) },
            { stack: "prod", mirror: ["a=b", "c=d"] },
        );
    });

    it("answers an unknown flag, a missing value or a stray word with the problem, then the usage", () => {
        assert.equal(
            usageMessage(() => parseFlags(["--stak", "x"], FLAGS, USAGE)),
            `Unknown option '--stak'\n${USAGE}`,
        );
        assert.match(
            usageMessage(() => parseFlags(["--stack"], FLAGS, USAGE)),
            /'--stack <value>' argument missing\nusage:/,
        );
        assert.match(
            usageMessage(() => parseFlags(["prod"], FLAGS, USAGE)),
            /Unexpected argument 'prod'/,
        );
        // A flag taken as the value of the one before it would plan the wrong stack.
        assert.match(
            usageMessage(() => parseFlags(["--stack", "--mirror", "a=b"], FLAGS, USAGE)),
            /ambiguous/,
        );
    });

    it("names a required flag that is missing", () => {
        assert.equal(
            usageMessage(() => required(undefined, "--stack", USAGE)),
            `--stack is required\n${USAGE}`,
        );
        assert.equal(required("prod", "--stack", USAGE), "prod");
    });

    it("splits <key>=<value> flags at the first = and refuses one without a key or a value", () => {
        assert.deepEqual(
            [...keyValues(["psi=/k/psi.yaml", "*=m.example/p=q"], "--mirror", "<a>=<b>", USAGE)],
            [
                ["psi", "/k/psi.yaml"],
                ["*", "m.example/p=q"],
            ],
        );
        for (const bad of ["psi", "=x", "psi="])
            assert.equal(
                usageMessage(() => keyValues([bad], "--kubeconfig", "<cluster>=<path>", USAGE)),
                `--kubeconfig ${bad}: expected <cluster>=<path>\n${USAGE}`,
            );
    });
});

describe("every tool reads its command line through parseFlags", () => {
    it("no other file of tools/ calls node:util's parseArgs (whose errors would end in a stack trace)", () => {
        const root = path.join(repoRoot(), "tools");
        const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) =>
            /\.[jt]s$/.test(f),
        );
        assert.ok(files.length > 50, `${files.length} files read`);
        const callers = files.filter(
            (f) =>
                f !== path.join("cli", "args.ts") &&
                /import\s*\{[^}]*\bparseArgs\b[^}]*\}\s*from\s*"(node:)?util"/.test(
                    readFileSync(path.join(root, f), "utf8"),
                ),
        );
        assert.deepEqual(callers, []);
    });
});
