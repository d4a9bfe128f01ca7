import * as pulumi from "@pulumi/pulumi";
import { AppIdentity } from "./labels";
import { DefinitionError } from "./errors";

/**
 * The one vocabulary of the blocks (`new ConfigSecret(...)`, `new PlainConfigMap(...)`, ...): the object's
 * `metadata.name`, its namespace and the app it belongs to (its standard labels).
 */
export interface BlockArgs {
    /** metadata.name of the object, as pods and other objects reference it. */
    name: string;
    namespace: pulumi.Input<string>;
    /** Whose object it is: its standard labels. */
    app: AppIdentity;
}

/**
 * A block's options as given, refusing options without a provider: a block is always a component's child
 * (`this.child()` carries the cluster's provider), never an object on an ambient default provider.
 */
export function blockOptions(
    kind: string,
    name: string,
    opts: pulumi.CustomResourceOptions,
): pulumi.CustomResourceOptions {
    if (opts.provider === undefined) {
        throw new DefinitionError(
            `${kind} ${name}: a block needs the provider in its options (a component's child())`,
        );
    }
    return opts;
}
