import { strict as assert } from "assert";
import fc from "fast-check";
import { fixEdits, shellWords } from "../../components/config/fixCommands";
import { commandsOf as fixParts } from "../../components/config/shellText";
import {
    ConfigError,
    setCommand,
    shellQuote,
    withStack,
    withStackInText,
} from "../../components/config/problems";

// A fix is pasted as printed on a production stack: every command in it must act on the stack whose run printed it,
// whatever stack the operator's CLI has selected. Fixes are `pulumi config` commands joined by `&&`, or a tool's run
// and free text that names more commands (`..., then pulumi config set ...`); both shapes are generated here.

const COMMANDS =
    /\bpulumi (?:config (?:set|rm|get)|stack output|preview|up)\b|\bnpm run (?:adopt|preflight) --/g;

const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}(\.[a-z][a-zA-Z0-9]{0,8}){0,2}$/);
const value = fc.stringMatching(/^[a-z0-9./:-]{1,12}$/);
const stackName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);

const configPart = fc.oneof(
    fc.tuple(key, value, fc.boolean()).map(([k, v, path]) => setCommand(k, v, { path })),
    fc.tuple(key, value).map(([k, v]) => setCommand(k, v, { secret: true, fromFile: true })),
    key.map((k) => `pulumi config rm --path ${shellQuote(k)}`),
);
const toolPart = fc.oneof(
    fc
        .tuple(value, key, value)
        .map(
            ([file, k, v]) =>
                `npm run adopt -- --dump ns=${file} --json ${file} (its dump command first), then ${setCommand(k, v, { path: true })}`,
        ),
    fc
        .tuple(key, value)
        .map(([k, v]) => `oc get pods -A | grep ${v} ; then pin the digest: ${setCommand(k, v)}`),
    key.map((k) => `edit Pulumi.<stack>.yaml: move ${k} under its new section`),
    // A question names the stack file twice: to edit, and to compare with the committed one.
    key.map(
        (k) =>
            `edit Pulumi.<stack>.yaml: set ${k} by hand (the committed file has a value there: git diff -- Pulumi.<stack>.yaml)`,
    ),
    fc.constant("npm run preflight -- --images"),
    // A message's example that names the stack by its placeholder, inside a sentence.
    key.map(
        (k) =>
            `it belongs in an encrypted key (pulumi config set --secret ${k}-<name> --stack <stack>, the docs)`,
    ),
);
const fix = fc
    .array(fc.oneof(configPart, toolPart), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join(" && "));

/** Each command of a printed fix with the text up to the next command: where its own flags stand. */
function commandsOf(printed: string): string[] {
    const starts = [...printed.matchAll(COMMANDS)].map((m) => m.index);
    return starts.map((start, i) => printed.slice(start, starts[i + 1] ?? printed.length));
}

// A value is the operator's text (a committed value restored, a description): it may hold anything a shell treats
// specially, and what separates or ends commands in it must be read as part of the value.
const anyValue = fc
    .array(
        fc.oneof(
            fc.constantFrom(
                " && ",
                " < ",
                ", ",
                "; ",
                ")",
                "(",
                "'",
                '"',
                "it's",
                " --stack prod",
                "pulumi up",
                "\\",
            ),
            fc.stringMatching(/^[a-z0-9 .:-]{1,6}$/),
        ),
        { minLength: 1, maxLength: 5 },
    )
    .map((parts) => parts.join(""));
const valuedPart = fc.tuple(key, anyValue, fc.boolean()).map(([k, v, path]) => setCommand(k, v, { path }));

describe("printed fixes name their stack", () => {
    it("a value holding shell text (&&, <, quotes, --stack, a command) is left whole, and each command gets the flag once", () => {
        fc.assert(
            fc.property(fc.array(valuedPart, { minLength: 1, maxLength: 3 }), stackName, (parts, stack) => {
                const printed = withStack(parts.join(" && "), stack);
                const commands = fixParts(printed);
                assert.equal(commands.length, parts.length, printed);
                commands.forEach((command, i) =>
                    assert.deepEqual(
                        shellWords(command),
                        [...shellWords(parts[i]), "--stack", stack],
                        printed,
                    ),
                );
                assert.deepEqual(fixEdits(printed), fixEdits(parts.join(" && ")));
                assert.equal(withStack(printed, stack), printed);
            }),
        );
    });

    it("in a sentence, a command that names a stack after a quoted value keeps it; prose apostrophes quote nothing", () => {
        fc.assert(
            fc.property(key, anyValue, stackName, (k, v, stack) => {
                const named = `${setCommand(k, v)} --stack prod`;
                const text = `run it there first (${named}), then the program's pods: pulumi up`;
                assert.equal(
                    withStackInText(text, stack),
                    `run it there first (${named}), then the program's pods: pulumi up --stack ${shellQuote(stack)}`,
                );
            }),
        );
        assert.equal(
            withStackInText(
                "pulumi up once the program's pods and the cluster's nodes are Ready, then pulumi preview",
                "stage",
            ),
            "pulumi up --stack stage once the program's pods and the cluster's nodes are Ready, then pulumi preview --stack stage",
        );
    });

    it("every pulumi command and tool run of any fix acts on the stack that printed it, once, and naming it again changes nothing", () => {
        fc.assert(
            fc.property(fix, stackName, (f, stack) => {
                const printed = withStack(f, stack);
                const commands = commandsOf(printed);
                assert.equal(commands.length, commandsOf(f).length);
                for (const command of commands) {
                    assert.equal(
                        command.split(` --stack ${shellQuote(stack)}`).length,
                        2,
                        `${command} (in ${printed})`,
                    );
                }
                assert.ok(!printed.includes("<stack>"), printed);
                assert.equal(withStack(printed, stack), printed);
            }),
        );
    });

    it("a command that names another stack keeps it: a sentence may quote one", () => {
        const text =
            "run it there first (pulumi config set --path clusters.psi.pin x --stack prod), then here: pulumi up";
        assert.equal(
            withStackInText(text, "stage"),
            "run it there first (pulumi config set --path clusters.psi.pin x --stack prod), then here: pulumi up --stack stage",
        );
    });

    it("the takeover's tool run and config set both name the stack, in the message too", () => {
        const error = new ConfigError(
            [
                {
                    key: "runbooks:packit.postgres.takeoverReport",
                    message:
                        "does not prove the takeover: make it with npm run adopt -- --dump packit-prod=packit-prod-postgres.dump --json r.json",
                    fix:
                        "npm run adopt -- --dump packit-prod=packit-prod-postgres.dump --json r.json (its dump command first), then " +
                        setCommand("packit.postgres.takeoverReport", "r.json", { path: true }),
                },
            ],
            "prod",
        );
        const [problem] = error.problems;
        assert.match(problem.fix, /^npm run adopt -- --stack prod --dump /);
        assert.match(
            problem.fix,
            /pulumi config set --stack prod --path packit\.postgres\.takeoverReport r\.json$/,
        );
        assert.match(problem.message, /make it with npm run adopt -- --stack prod --dump /);
    });
});
