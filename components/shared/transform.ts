import * as pulumi from "@pulumi/pulumi";

/**
 * The escape hatch of a shared component (SST's `transform`): a callback that receives the arguments of one of its
 * resources just before the resource is made, and edits them in place or returns replacements (`undefined`: the
 * edited ones). `opts` is that resource's own copy of its options and may be edited too.
 *
 * It runs after the component's checks and derivations: the namespace and key checks, the restart checksum and
 * the network policies describe the arguments as given, not what a transform adds. Use it for what the component
 * does not model (an extra annotation, a field of a newer API), not to change what the component derives.
 */
export type Transform<T> = (args: T, opts: pulumi.CustomResourceOptions, name: string) => T | void;

/** `args` and `opts` after `transform` (as given when there is none); `name` is the resource's logical name. */
export function transformed<T>(
    transform: Transform<T> | undefined,
    name: string,
    args: T,
    opts: pulumi.CustomResourceOptions,
): { args: T; opts: pulumi.CustomResourceOptions } {
    if (!transform) return { args, opts };
    const own = { ...opts };
    const result = transform(args, own, name);
    return { args: result === undefined ? args : result, opts: own };
}
