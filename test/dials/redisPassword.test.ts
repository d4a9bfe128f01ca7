import { strict as assert } from "assert";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../../components/config/source";
import { REDIS_PASSWORDS, dialsSecretSpecs } from "../../components/dials/secrets";
import { runProgram } from "../../components/program";
import { REDIS_PASSWORD_RULE } from "../../components/shared/redis";
import { SYSTEMS } from "../../components/systems";
import {
    configProblems,
    evaluate,
    onlyProblem,
    operatorCheckout,
    recorder,
    stackSecrets,
    stackValues,
} from "../harness";

// A hand-set DIALS Redis password the Redis image refuses (components/shared/redis.ts, REDIS_PASSWORD_RULE) stops
// the run before anything is registered, naming the key and never the value; the fix prompts for a new one.

const BROKER = REDIS_PASSWORDS.broker.key;
const CACHE = REDIS_PASSWORDS.cache.key;
/** Distinctive pieces, so a message quoting any part of the value is caught. */
const BAD = "zq9Xk Wv7Lm";

/** A whole stage stack with every secret set, the Redis passwords as given, decrypted as the real source hands them out. */
function stageSource(passwords: Record<string, string>): ConfigSource {
    const values = stackValues("stage");
    const secrets = { ...stackSecrets("stage", values), ...passwords };
    return { ...memoryConfigSource(values, secrets, { stack: "stage" }), secretText: (k) => secrets[k] };
}

const redisProblems = (ps: readonly ConfigProblem[]) =>
    ps.filter((p) => p.key === `runbooks:${BROKER}` || p.key === `runbooks:${CACHE}`);

describe("DIALS Redis passwords held to the Redis image's rule", function () {
    this.timeout(120000);
    let root: string;
    before(() => (root = operatorCheckout()));

    it("declares the shared rule on both Redis password secrets, and says which characters are accepted", () => {
        const specs = dialsSecretSpecs().filter((s) => s.key === BROKER || s.key === CACHE);
        assert.equal(specs.length, 2);
        for (const s of specs) {
            assert.equal(s.accepts, REDIS_PASSWORD_RULE);
            assert.match(s.description, /quotes, backtick, backslash, square brackets and curly braces/);
        }
    });

    it("a password with a space stops the run before anything is registered, naming the key, never the value", async () => {
        await assert.rejects(
            evaluate(() => runProgram(stageSource({ [CACHE]: BAD }), SYSTEMS, { root })),
            (err: unknown) => {
                assert.ok(err instanceof ConfigError, String(err));
                const found = redisProblems(err.problems);
                onlyProblem(err, `runbooks:${CACHE}`, "the stack is otherwise valid (see the control)");
                const [p] = found;
                assert.match(p.message, /refuses/);
                assert.match(p.message, /printable ASCII \(0x21-0x7E\) except " ' ` \\ \[ \] \{ \}/);
                assert.match(p.message, /validate-variables\.sh:10-11/);
                for (const text of [p.message, p.fix ?? "", err.message]) {
                    assert.ok(!text.includes(BAD), "the value is never printed");
                    for (const piece of BAD.split(" ")) assert.ok(!text.includes(piece), piece);
                }
                // (4) The new value is prompted for, never on the command line.
                assert.equal(p.fix, `pulumi config set --secret ${CACHE} --stack stage`);
                return true;
            },
        );
        assert.equal(recorder.resources.length, 0, "nothing may be registered when the config is wrong");
    });

    it("every other way out of the set is refused too, each key on its own, as the pod would read the text", () => {
        for (const bad of [
            '"quoted"',
            " 5",
            "[1]",
            "{}",
            "caf\u00e9",
            "tab\there",
            "back\\slash",
            "tick`",
            "",
        ]) {
            const found = redisProblems(configProblems(stageSource({ [BROKER]: bad }), { root }));
            assert.deepEqual(
                found.map((p) => p.key),
                [`runbooks:${BROKER}`],
                JSON.stringify(bad),
            );
        }
    });

    it("control: valid passwords, or none (generated), load", () => {
        assert.deepEqual(
            configProblems(stageSource({ [BROKER]: "s3cret-Redis_pw!~()<>,.?;:|^&*%$#@+=/", [CACHE]: "a" }), {
                root,
            }),
            [],
        );
        const values = stackValues("stage");
        const secrets = stackSecrets("stage", values);
        delete secrets[BROKER];
        delete secrets[CACHE];
        const source = memoryConfigSource(values, secrets, { stack: "stage" });
        assert.deepEqual(configProblems({ ...source, secretText: (k) => secrets[k] }, { root }), []);
    });
});
