import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { retiredSecrets } from "../../../components/config/passes/retiredSecrets";
import { SystemRead } from "../../../components/config/passes/systems";
import { ConfigError } from "../../../components/config/problems";
import { memoryConfigSource } from "../../../components/config/source";
import { RetiredSecret } from "../../../components/config/system";
import { defineSystem, registered } from "../../../components/config/systemDefinition";

/** A system that retired `retired`, each for its replacement. */
function retiring(retired: RetiredSecret[]) {
    return registered(
        defineSystem<{ enabled: boolean }, "kubernetes">({
            section: "bot",
            title: "Bot",
            target: "kubernetes",
            schema: z.object({ enabled: z.boolean() }),
            namespaces: () => [],
            hosts: () => [],
            clusterScoped: () => [],
            secrets: () => [],
            retiredSecrets: () => retired,
            deploy: () => ({}),
        }),
    );
}

const bot = retiring([
    { key: "bot-helper-token", replacedBy: "bot-identity-token", why: "one identity, one key" },
    { key: "bot-image-key", why: "the bot never opens it" },
]);
const read: SystemRead[] = [{ def: bot, parsed: { enabled: true }, raw: {}, broken: [], problems: [] }];

/**
 * Runs a fix against a stand-in `pulumi` that keeps each stack's config as files, so the test sees what the printed
 * command really does to the values (and that it touches no other stack).
 */
function applyFix(
    fix: string,
    stacks: Record<string, Record<string, string>>,
): Record<string, Record<string, string>> {
    const dir = mkdtempSync(path.join(tmpdir(), "retired-"));
    try {
        for (const [stack, values] of Object.entries(stacks)) {
            for (const [key, value] of Object.entries(values))
                writeFileSync(path.join(dir, `${stack}.${key}`), value);
        }
        const fake = path.join(dir, "pulumi");
        writeFileSync(
            fake,
            [
                "#!/bin/bash",
                // pulumi config <get|set|rm> [--secret] <key> --stack <stack>; set reads stdin and drops one newline.
                'op=$2; shift 2; stack=""; key=""',
                "while [ $# -gt 0 ]; do case $1 in --stack) stack=$2; shift 2;; --secret) shift;; *) key=$1; shift;; esac; done",
                '[ -n "$stack" ] || { echo "no --stack" >&2; exit 9; }',
                `f="${dir}/$stack.$key"`,
                'case $op in get) [ -f "$f" ] || exit 1; cat "$f"; echo;; set) v=$(cat); printf %s "$v" > "$f";; rm) rm -f "$f";; esac',
            ].join("\n"),
        );
        chmodSync(fake, 0o755);
        execFileSync("bash", ["-c", fix], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
        const out: Record<string, Record<string, string>> = {};
        for (const stack of Object.keys(stacks)) {
            out[stack] = {};
            for (const key of ["bot-helper-token", "bot-identity-token", "bot-image-key"]) {
                try {
                    out[stack][key] = readFileSync(path.join(dir, `${stack}.${key}`), "utf8");
                } catch {
                    // unset
                }
            }
        }
        return out;
    } catch (err) {
        // `test` of two different values exits 1: nothing was changed.
        if ((err as { status?: number }).status === 1) return stacks;
        throw err;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("config pass: retired secrets", () => {
    it("asks nothing of a stack that no longer sets the retired key", () => {
        const source = memoryConfigSource({}, { "bot-identity-token": "t" }, { stack: "prod" });
        assert.deepEqual(retiredSecrets(source, read).problems, []);
    });

    it("moves the value to the key that replaced it, on the stack checked only", () => {
        const source = memoryConfigSource({}, { "bot-helper-token": "ghp_same" }, { stack: "prod" });
        const [problem] = retiredSecrets(source, read).problems;
        assert.equal(problem.key, "runbooks:bot-helper-token");
        assert.match(problem.message, /runbooks:bot-identity-token instead, which is not set/);
        // As the whole configuration's error prints it: naming the stack checked.
        const [named] = new ConfigError([problem], "prod").problems;
        const after = applyFix(named.fix!, {
            prod: { "bot-helper-token": "ghp_same" },
            stage: { "bot-helper-token": "ghp_stage" },
        });
        assert.deepEqual(after.prod, { "bot-identity-token": "ghp_same" });
        assert.deepEqual(after.stage, { "bot-helper-token": "ghp_stage" }, "another stack is untouched");
    });

    it("a retired key beside its set replacement: the message says to remove it, no command touches a value", () => {
        const source = memoryConfigSource(
            {},
            { "bot-helper-token": "a", "bot-identity-token": "a" },
            { stack: "prod" },
        );
        const [problem] = retiredSecrets(source, read).problems;
        assert.match(problem.message, /Remove this key; if the two hold different values, first decide/);
        assert.equal(problem.fix, undefined);
    });

    it("removes a key nothing reads any more from the stack checked only, whatever it holds", () => {
        const source = memoryConfigSource(
            {},
            { "bot-image-key": "k", "bot-identity-token": "t" },
            { stack: "prod" },
        );
        const problems = retiredSecrets(source, read).problems;
        assert.equal(problems.length, 1, "a key the program still reads is no problem");
        const [problem] = problems;
        assert.equal(problem.key, "runbooks:bot-image-key");
        assert.match(
            problem.message,
            /is no longer used \(the bot never opens it\): nothing in the program reads it/,
        );
        assert.match(problem.message, /remove it from this stack$/);
        assert.equal(problem.fix, undefined);
    });

    it("moves only the first of two retired keys into a shared replacement; the second is compared, never written", () => {
        const twice = retiring([
            { key: "bot-helper-token", replacedBy: "bot-identity-token", why: "one identity" },
            { key: "bot-other-token", replacedBy: "bot-identity-token", why: "one identity" },
        ]);
        const source = memoryConfigSource(
            {},
            { "bot-helper-token": "a", "bot-other-token": "b" },
            { stack: "prod" },
        );
        const [first, second] = retiredSecrets(source, [{ ...read[0], def: twice }]).problems;
        assert.match(first.fix ?? "", /\| pulumi config set --secret bot-identity-token/);
        assert.equal(
            second.fix,
            undefined,
            "the second moves nothing: a second move would overwrite the first",
        );
    });
});
