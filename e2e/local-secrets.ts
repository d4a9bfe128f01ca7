import { randomBytes } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import { Document, YAMLMap, parseDocument } from "yaml";
import { PROJECT } from "../components/config/problems";
import { SecretSpec } from "../components/config/system";
import { STACK_FILE, StackCopy, isRunTimeSecret, requiredSecrets } from "./localStack";

// `npm run e2e:secrets`: gives every secret the local stack requires (as the program's own validation lists them)
// a generated TEST value, encrypted with the test-only passphrase of e2e/local.env, and adds it to
// Pulumi.local.yaml; values already there are kept. `--check` only reports what is missing (exit 1).
// The kubeconfig secrets are left out: they are set at run time on a temporary copy (see local.e2e.ts).

/** A recognisable, unique test value; base64 where the program decodes base64. */
export function testValue(spec: SecretSpec): string {
    const value = `test-only-${spec.key}-${randomBytes(12).toString("hex")}`;
    if (/base64/i.test(spec.description)) return Buffer.from(value).toString("base64");
    return spec.fromFile ? `# test-only file for ${spec.key}\n${value}\n` : value;
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
export function missingSecrets(stackFile = STACK_FILE): SecretSpec[] {
    const have = secureKeys(parseDocument(readFileSync(stackFile, "utf8")));
    return requiredSecrets(stackFile).filter(
        (s) => !isRunTimeSecret(s.key) && !have.has(`${PROJECT}:${s.key}`),
    );
}

/**
 * Encrypts a test value for each missing secret in a temporary copy of the stack, then adds the encryption salt
 * (first time) and the new `secure:` entries to the stack file, keeping its comments and layout.
 */
export function fillSecrets(stackFile = STACK_FILE): string[] {
    const missing = missingSecrets(stackFile);
    const doc = parseDocument(readFileSync(stackFile, "utf8"));
    if (missing.length === 0 && doc.has("encryptionsalt")) return [];
    const copy = StackCopy.create(stackFile);
    try {
        for (const spec of missing) copy.setSecret(spec.key, testValue(spec));
        const encrypted = parseDocument(readFileSync(copy.stackFile, "utf8"));
        const salt = String(encrypted.get("encryptionsalt"));
        const current = doc.get("encryptionsalt");
        if (current === undefined) {
            // Right after `secretsprovider`, before `config`, where `pulumi stack init` puts it.
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
    writeFileSync(stackFile, doc.toString({ lineWidth: 0 }));
    return missing.map((s) => s.key);
}

if (require.main === module) {
    const check = process.argv.includes("--check");
    if (check) {
        const missing = missingSecrets();
        if (missing.length > 0) {
            process.stderr.write(
                `Pulumi.local.yaml lacks test values for: ${missing.map((s) => s.key).join(", ")}\n` +
                    "add them with: npm run e2e:secrets\n",
            );
            process.exit(1);
        }
        process.stdout.write("Pulumi.local.yaml has a test value for every required secret\n");
    } else {
        const added = fillSecrets();
        process.stdout.write(
            added.length > 0
                ? `added ${added.length} test secret(s) to Pulumi.local.yaml: ${added.join(", ")}\n`
                : "Pulumi.local.yaml already has a test value for every required secret\n",
        );
    }
}
