import { strict as assert } from "assert";
import fc from "fast-check";
import { Document } from "yaml";
import { CREDENTIAL_MESSAGE } from "../../../components/config/issues";
import { noPlainSecrets } from "../../../policy/rules/secrets";
import { C, Outcome, PROD, STAGE, edit, fixFaults, validate, validated } from "../battery";

// The generated battery of issue 52's credential and address-range classes: what each class's cases are made of, and
// how one case is judged. A bad case stops the run with exactly the problems named, each message clean (no stack
// trace, no secret), each fix safe on production and converging (fixFaults, shared with the listed battery); a
// legitimate edit plans.

/** `n` characters of `chars`. */
export const chars = (alphabet: string, min: number, max = min) =>
    fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const HEX = "0123456789abcdef";
export const B64 = `${ALNUM}+/`;
const LOWER = "abcdefghijklmnopqrstuvwxyz";

/** A word a user writes for a setting that is not a secret (no secret word, not `auth` under `auths`). */
export const plainName = fc
    .tuple(
        fc.constantFrom("notes", "banner", "greeting", "hub", "cull", "region", "options", "motd", "theme"),
        fc.constantFrom("", "_text", "_extra", "_value", "_settings", "_info"),
    )
    .map(([a, b]) => `${a}${b}`);

/** A password as an operator types one: printable, no quote, at least 8 characters. */
export const password = chars(`${ALNUM}!#%&*+,-.:;=?@^_~`, 8, 24);

/** A value placed at a random depth of a free-form map: the path of user keys to it and the map's value. */
export interface Placed {
    /** Segments below the map's key (names and list indexes) down to the credential. */
    path: (string | number)[];
    /** What the map's top key holds. */
    value: unknown;
}

/** `leaf` under `name`, wrapped in 0–3 maps of plain names and optionally a list. */
export function placed(name: string, leaf: unknown): fc.Arbitrary<Placed> {
    return fc
        .tuple(fc.array(plainName, { minLength: 0, maxLength: 3 }), fc.boolean(), fc.nat({ max: 2 }))
        .map(([outer, listed, index]) => {
            // The leaf's siblings refer to secrets kept elsewhere (a vaulted variable): no credential of their own.
            const list = listed
                ? [...Array.from({ length: index }, (_, i) => `{{ vaulted_${i} }}`), leaf]
                : leaf;
            let value: unknown = { [name]: list };
            let path: (string | number)[] = [name, ...(listed ? [index] : [])];
            for (const key of [...outer].reverse()) {
                value = { [key]: value };
                path = [key, ...path];
            }
            return { path, value };
        });
}

/** The full key of a path below `runbooks:<section>...`, as the checks write it. */
export function fullKeyOf(base: (string | number)[], path: (string | number)[]): string {
    let out = `runbooks:${String(base[0])}`;
    for (const seg of [...base.slice(1), ...path]) {
        out +=
            typeof seg === "number"
                ? `[${seg}]`
                : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)
                  ? `.${seg}`
                  : `["${seg}"]`;
    }
    return out;
}

/** Where a free-form credential is put: the Ansible variables of Callysto's provisioning (stage). */
export const VARS = ["callysto", "provisioning", "vars"];

/** Stage with `value` set under the Ansible variables' key `top`. */
export function stageWithVar(top: string, value: unknown): string {
    return edit(STAGE, (d: Document) => d.setIn(C(VARS[0], ...VARS.slice(1), top), d.createNode(value)));
}

/** Prod with `value` set at the key `path` below `runbooks:`. */
export function prodWith(path: (string | number)[], value: unknown): string {
    return edit(PROD, (d: Document) => d.setIn(C(String(path[0]), ...path.slice(1)), d.createNode(value)));
}

/** What a case reports: its outcome, and every way it falls short of a clean answer (none: clean). */
export function judged(text: string, stack: string): { outcome: Outcome; faults: string[] } {
    const { outcome } = validated(text, stack);
    const faults: string[] = [];
    if (/\n\s+at .+\(.+:\d+:\d+\)/.test(outcome.message)) faults.push("a stack trace");
    if (outcome.problems.length > 0) faults.push(...fixFaults(text, stack, outcome));
    return { outcome, faults };
}

/** A credential case: exactly one problem, at `key`, a credential's, echoing none of `secrets`; its fix clean. */
export function assertCredentialRefused(text: string, key: string, secrets: readonly string[]): void {
    const { outcome, faults } = judged(text, "stage");
    assert.deepEqual(
        outcome.problems.map((p) => p.key),
        [key],
        outcome.message || "planned without a word",
    );
    assert.ok(outcome.problems[0].message.startsWith(CREDENTIAL_MESSAGE), outcome.message);
    for (const s of secrets) assert.ok(!outcome.message.includes(s), `the message echoes ${s}`);
    assert.deepEqual(faults, []);
}

/** The policy pack's view of a production stack. */
export const POLICY = { stack: "prod", production: true } as never;

/** A command whose input carries `vars` as Ansible extra variables. */
export const command = (vars: unknown) =>
    ({
        type: "command:local:Command",
        name: "ansible",
        urn: "urn:pulumi:prod::runbooks::command:local:Command::ansible",
        props: {
            create: "ansible-playbook site.yml",
            environment: { ANSIBLE_EXTRA_VARS: JSON.stringify(vars) },
        },
    }) as never;

/** A credential case: refused with one clean problem at its key, and a policy violation in a command's input. */
export function refused(at: Placed, secrets: readonly string[]): void {
    const top = String(at.path[0]);
    const text = stageWithVar(top, (at.value as Record<string, unknown>)[top]);
    assertCredentialRefused(text, fullKeyOf(VARS, at.path), secrets);
    const violations = noPlainSecrets.check(command(at.value), POLICY);
    assert.ok(violations.length > 0, "the policy pack passes it");
    for (const s of secrets) assert.ok(!violations.join("\n").includes(s), `the policy pack echoes ${s}`);
}

/** A legitimate edit: it plans, without a word. */
export function assertPlans(text: string, stack: string): void {
    const outcome = validate(text, stack);
    assert.deepEqual(outcome.problems, [], outcome.message);
    assert.equal(outcome.message, "");
}

/** Every distinct substring of at least 8 characters of a secret that a message must never show. */
export function secretParts(...values: string[]): string[] {
    return values.filter((v) => v.length >= 8);
}

export { LOWER };
