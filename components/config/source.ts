import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./problems";

// Not in the SDK's typings but exported: the only way to know a key is encrypted without reading its value.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/**
 * Where the program's configuration comes from. The real one wraps `pulumi.Config`; tests and the offline plan
 * provide their own. Secret values are only ever handed out as secret Outputs.
 */
export interface ConfigSource {
    /**
     * The stack this is the whole configuration of: fixes name it, and every system must have a section. Unset for
     * partial configurations (tests of one system).
     */
    stack?: string;
    /** Full keys (`ns:key`) in other namespaces, so keys under a misspelt project name are not silently ignored. */
    foreignKeys?(): string[];
    /** Keys (without namespace) set in the stack under this project's namespace. Values are not read. */
    keys(): string[];
    /** True when the key holds an encrypted value. */
    isSecret(key: string): boolean;
    /** A non-secret value: objects and numbers parsed from their JSON text, strings as they are. */
    getValue(key: string): unknown;
    /** A secret value as a secret Output, undefined when unset. */
    getSecret(key: string): pulumi.Output<string> | undefined;
}

function parseValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** The real stack configuration. */
export function pulumiConfigSource(): ConfigSource {
    const config = new pulumi.Config(PROJECT);
    const prefix = `${PROJECT}:`;
    return {
        stack: pulumi.getStack(),
        foreignKeys: () => Object.keys(pulumi.runtime.allConfig()).filter((k) => !k.startsWith(prefix)),
        keys: () =>
            Object.keys(pulumi.runtime.allConfig())
                .filter((k) => k.startsWith(prefix))
                .map((k) => k.slice(prefix.length)),
        isSecret: (key) => runtimeConfig.isConfigSecret(`${prefix}${key}`),
        getValue: (key) => {
            const raw = config.get(key);
            return raw === undefined ? undefined : parseValue(raw);
        },
        getSecret: (key) => config.getSecret(key),
    };
}

/**
 * An in-memory source (tests, offline plan). `secrets` hold secret values; a secret key listed in `values`
 * too counts as a plain-text secret mistake. `whole` makes it a whole stack's configuration (see ConfigSource.stack).
 */
export function memoryConfigSource(
    values: Record<string, unknown>,
    secrets: Record<string, string> = {},
    whole?: { stack: string; foreignKeys?: string[] },
): ConfigSource {
    return {
        stack: whole?.stack,
        foreignKeys: () => whole?.foreignKeys ?? [],
        keys: () => [...new Set([...Object.keys(values), ...Object.keys(secrets)])].sort(),
        isSecret: (key) => key in secrets,
        getValue: (key) => values[key],
        getSecret: (key) => (key in secrets ? pulumi.secret(secrets[key]) : undefined),
    };
}
