import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT } from "../../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../../components/config/source";

/** The configuration of `Pulumi.<stack>.yaml`, split into plain values and the keys of encrypted values. */
export interface StackFile {
    values: Record<string, unknown>;
    /** Keys whose values are `secure:` (encrypted); the plan cannot and does not decrypt them. */
    secureKeys: string[];
}

export function stackFilePath(stack: string, root = process.cwd()): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

export function readStackFile(stack: string, root = process.cwd()): StackFile {
    const doc = (parse(readFileSync(stackFilePath(stack, root), "utf8")) ?? {}) as {
        config?: Record<string, unknown>;
    };
    const values: Record<string, unknown> = {};
    const secureKeys: string[] = [];
    for (const [fullKey, value] of Object.entries(doc.config ?? {})) {
        if (!fullKey.startsWith(`${PROJECT}:`)) continue;
        const key = fullKey.slice(PROJECT.length + 1);
        if (typeof value === "object" && value !== null && "secure" in (value as object)) {
            secureKeys.push(key);
        } else {
            values[key] = value;
        }
    }
    return { values, secureKeys };
}

/** A config source for a stack file whose encrypted values are replaced by a placeholder. */
export function stackFileSource(file: StackFile, placeholder: string): ConfigSource {
    return memoryConfigSource(file.values, Object.fromEntries(file.secureKeys.map((k) => [k, placeholder])));
}
