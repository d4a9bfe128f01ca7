import type { ConfigMapHandle, SecretHandle } from "./handles";
import { DefinitionError } from "./errors";

/**
 * The Secrets and ConfigMaps a system's pods may read in one namespace, by the names the system types (a union of its
 * object names), so a misspelt or unknown name does not compile. Every system reads through this one interface: a
 * pod names each object through its handle, waits for exactly what it reads and follows a rename.
 */
export interface Reads<S extends string, C extends string = never> {
    /** The namespace the objects are in; a pod of another namespace cannot read them. */
    readonly namespace: string | undefined;
    secret(name: S): SecretHandle;
    configMap(name: C): ConfigMapHandle;
}

/**
 * {@link Reads} over the handles of the objects a system made (and those made elsewhere it names once). Asking for a
 * name the system did not make in `namespace` stops the evaluation, naming the object and the file that decides
 * where it is made (`decidedIn`), instead of deploying a pod stuck in CreateContainerConfigError.
 */
export function readsOver<S extends string, C extends string = never>(
    handles: readonly (SecretHandle | ConfigMapHandle)[],
    namespace: string | undefined,
    decidedIn: string,
): Reads<S, C> {
    const find = <H extends SecretHandle | ConfigMapHandle>(kind: H["kind"], name: string): H => {
        const handle = handles.find(
            (h) =>
                h.kind === kind &&
                h.objectName === name &&
                (namespace === undefined || h.namespace === namespace),
        );
        if (!handle) {
            const where = namespace === undefined ? "" : ` in namespace ${namespace}`;
            throw new DefinitionError(
                `a pod${where} reads ${kind} ${name}, which is not made there (see ${decidedIn})`,
            );
        }
        return handle as H;
    };
    return {
        namespace,
        secret: (name) => find<SecretHandle>("Secret", name),
        configMap: (name) => find<ConfigMapHandle>("ConfigMap", name),
    };
}
