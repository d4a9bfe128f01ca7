import * as pulumi from "@pulumi/pulumi";
import { ConfigSource } from "../source";
import { SecretStore } from "../system";
import { Secrets } from "./secrets";
import { DefinitionError } from "../../shared/errors";

/** The store deploy code reads secrets from: only declared keys, each a secret Output, read on demand. */
export function secretStore(
    source: ConfigSource,
    secrets: Pick<Secrets, "declared" | "placeholders">,
): SecretStore {
    const declared = new Set(secrets.declared.keys());
    const lookup = (key: string): pulumi.Output<string> | undefined => {
        if (!declared.has(key)) return undefined;
        const placeholder = secrets.placeholders.get(key);
        return placeholder !== undefined ? pulumi.secret(placeholder) : source.getSecret(key);
    };
    return {
        require(key) {
            const value = lookup(key);
            if (!value) {
                // A programming error, not a user one: deploy code asked for a secret its system never declared.
                throw new DefinitionError(
                    `secret ${key} was not declared by any system's secrets() or is unset`,
                );
            }
            return value;
        },
        get: lookup,
    };
}
