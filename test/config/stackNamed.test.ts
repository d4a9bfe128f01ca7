import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigError, renameFix, secretFix, shellQuote } from "../../components/config/problems";

// A command is pasted as printed on a production stack: each one a problem prints, in its command or in its
// message, must act on the stack whose run printed it, whatever stack the operator's CLI has selected.

const COMMANDS =
    /\bpulumi (?:config (?:set|rm|get)|stack output|preview|up)\b|\bnpm run (?:adopt|preflight) --/g;

const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}(\.[a-z][a-zA-Z0-9]{0,8}){0,2}$/);
const stackName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);

const command = fc.oneof(
    fc.tuple(key, key).map(([a, b]) => renameFix(`runbooks:${a}`, `runbooks:${b}`)),
    key.map((k) => secretFix(k)),
    key.map((k) => secretFix(k, "kubeconfig.yaml")),
    fc
        .tuple(key, key)
        .map(
            ([a, b]) =>
                `pulumi config get ${a} --stack <stack> | pulumi config set --secret ${b} --stack <stack> && pulumi config rm ${a} --stack <stack>`,
        ),
    fc.constant("npm run adopt -- --dump ns=ns.dump --json ns-takeover.json"),
);
const sentence = fc.oneof(
    key.map(
        (k) =>
            `it belongs in an encrypted key (pulumi config set --secret ${k}-<name> --stack <stack>, the docs)`,
    ),
    fc.constant("pulumi up once the program's pods are Ready, then pulumi preview"),
    key.map((k) => `read it, then pulumi config get ${k}; the file is ${"Pulumi.<stack>.yaml"}`),
);

/** Each command of a printed text with the text up to the next command: where its own flags stand. */
function commandsOf(printed: string): string[] {
    const starts = [...printed.matchAll(COMMANDS)].map((m) => m.index);
    return starts.map((start, i) => printed.slice(start, starts[i + 1] ?? printed.length));
}

describe("printed commands name their stack", () => {
    it("every pulumi command and tool run of a fix or a message acts on the stack that printed it, once", () => {
        fc.assert(
            fc.property(command, sentence, stackName, (fix, message, stack) => {
                const [p] = new ConfigError([{ key: "runbooks:a", message, fix }], stack).problems;
                for (const text of [p.fix!, p.message]) {
                    for (const c of commandsOf(text))
                        assert.equal(c.split(` --stack ${shellQuote(stack)}`).length, 2, `${c} (in ${text})`);
                    assert.ok(!text.includes("<stack>"), text);
                }
                const again = new ConfigError([p], stack).problems[0];
                assert.deepEqual(again, p);
            }),
        );
    });

    it("a command that names another stack keeps it: a sentence may quote one", () => {
        const message =
            "run it there first (pulumi config get clusters.psi.pin --stack prod), then here: pulumi up";
        assert.equal(
            new ConfigError([{ key: "runbooks:a", message }], "stage").problems[0].message,
            "run it there first (pulumi config get clusters.psi.pin --stack prod), then here: pulumi up --stack stage",
        );
    });
});
