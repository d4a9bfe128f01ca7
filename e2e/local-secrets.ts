import { randomBytes } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import { Document, YAMLMap, parseDocument } from "yaml";
import { parseFlags, usageExit } from "../tools/cli/args";
import { PROJECT } from "../components/config/problems";
import { SecretSpec } from "../components/config/system";
import {
    LOCAL_STACKS,
    ROOT,
    STACK,
    StackCopy,
    isRunTimeSecret,
    requiredSecrets,
    stackFile,
} from "./localStack";

// `npm run e2e:secrets`: gives every secret the local stacks (Pulumi.local.yaml, Pulumi.local-callysto.yaml)
// require (as the program's own validation lists them) a generated TEST value, encrypted with the test-only
// passphrase of e2e/local.env, and adds it to the stack file; values already there are kept. `--check` only
// reports what is missing (exit 1). Run-time values are left out: the kubeconfigs and the Callysto test keypair
// are made for each run and set on a temporary copy only (localStack.ts runTimeValues, local.e2e.ts).

/**
 * A recognisable, unique test value; base64 where the program decodes base64. A file holds the bare value and no
 * marker line: Prow reads a token file whole (kubernetes/test-infra@a5b49bc903 prow/config/secret/secret.go:40-45),
 * so a second line went into the GitHub Authorization header, which Go's HTTP client refuses to send, and hook and
 * tide never got past asking GitHub who the bot is (e2e/startCheck.e2e.ts).
 */
export function testValue(spec: SecretSpec): string {
    const value = `test-only-${spec.key}-${randomBytes(12).toString("hex")}`;
    if (/base64/i.test(spec.description)) return Buffer.from(value).toString("base64");
    return spec.fromFile ? `${value}\n` : value;
}

function secureKeys(doc: Document): Set<string> {
    const config = doc.get("config");
    const keys = new Set<string>();
    if (!(config instanceof YAMLMap)) return keys;
    for (const item of config.items) {
        const key = String((item.key as { value?: unknown })?.value ?? item.key);
        if (item.value instanceof YAMLMap && item.value.has("secure")) keys.add(key);
    }
    return keys;
}

/** Keys (without project prefix) of required secrets the stack file lacks. */
export function missingSecrets(stack: string = STACK, root = ROOT): SecretSpec[] {
    const have = secureKeys(parseDocument(readFileSync(stackFile(stack, root), "utf8")));
    return requiredSecrets(stack, root).filter(
        (s) => !isRunTimeSecret(s.key) && !have.has(`${PROJECT}:${s.key}`),
    );
}

/**
 * Encrypts a test value for each missing secret in a temporary copy of the stack, then adds the encryption salt
 * (first time) and the new `secure:` entries to the stack file, keeping its comments and layout.
 */
export function fillSecrets(stack: string = STACK, root = ROOT): string[] {
    const file = stackFile(stack, root);
    const missing = missingSecrets(stack, root);
    const doc = parseDocument(readFileSync(file, "utf8"));
    if (missing.length === 0 && doc.has("encryptionsalt")) return [];
    const copy = StackCopy.create(stack, file);
    try {
        copy.configure({ secrets: Object.fromEntries(missing.map((spec) => [spec.key, testValue(spec)])) });
        const encrypted = parseDocument(readFileSync(copy.stackFile, "utf8"));
        const salt = String(encrypted.get("encryptionsalt"));
        const current = doc.get("encryptionsalt");
        if (current === undefined) {
            // Before `config`, where `pulumi stack init` puts it.
            const root = doc.contents as YAMLMap;
            const at = root.items.findIndex((i) => String((i.key as { value?: unknown }).value) === "config");
            root.items.splice(Math.max(0, at), 0, doc.createPair("encryptionsalt", salt));
        } else if (String(current) !== salt) {
            throw new Error(
                "the CLI changed the encryption salt: the passphrase in e2e/local.env is not this stack's",
            );
        }
        const config = doc.get("config") as YAMLMap;
        for (const spec of missing) {
            const key = `${PROJECT}:${spec.key}`;
            config.set(key, doc.createNode({ secure: encrypted.getIn(["config", key, "secure"]) }));
        }
    } finally {
        copy.dispose();
    }
    // flowCollectionPadding off: `[a, b]` and `{k: v}` stay as written, so only the added lines change.
    writeFileSync(file, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
    return missing.map((s) => s.key);
}

const USAGE = "usage: npm run e2e:secrets [-- --check]";

if (require.main === module) {
    let check = false;
    try {
        check = parseFlags(process.argv.slice(2), { check: { type: "boolean" } }, USAGE).check === true;
    } catch (err) {
        process.exit(usageExit(err) ?? 1);
    }
    let failed = false;
    for (const stack of LOCAL_STACKS) {
        const name = `Pulumi.${stack}.yaml`;
        if (check) {
            const missing = missingSecrets(stack);
            if (missing.length > 0) {
                process.stderr.write(
                    `${name} lacks test values for: ${missing.map((s) => s.key).join(", ")}\n` +
                        "add them with: npm run e2e:secrets\n",
                );
                failed = true;
            } else process.stdout.write(`${name} has a test value for every required secret\n`);
        } else {
            const added = fillSecrets(stack);
            process.stdout.write(
                added.length > 0
                    ? `added ${added.length} test secret(s) to ${name}: ${added.join(", ")}\n`
                    : `${name} already has a test value for every required secret\n`,
            );
        }
    }
    if (failed) process.exit(1);
}
