import { ConfigMapHandle, SecretHandle } from "../../shared/handles";
import type { StationConfigMapName } from "./modules/sharedConfig";
import type { StationSecretName } from "./stationSecrets";

/**
 * The station's Secrets and ConfigMaps of one namespace, as the handles of the objects StationModules made there: a
 * pod names each through its own `metadata.name` Output, so it waits for exactly what it reads and follows a rename.
 * Asking for one the namespace does not get (its tiers do not place it there) stops the evaluation, instead of
 * deploying a pod stuck in CreateContainerConfigError.
 */
export interface StationReads {
    readonly namespace: string;
    secret(name: StationSecretName): SecretHandle;
    configMap(name: StationConfigMapName): ConfigMapHandle;
}

/** The {@link StationReads} of each namespace, over the handles of every station Secret and ConfigMap. */
export function stationReads(
    handles: readonly (SecretHandle | ConfigMapHandle)[],
): (namespace: string) => StationReads {
    const find = <H extends SecretHandle | ConfigMapHandle>(
        kind: H["kind"],
        namespace: string,
        name: string,
    ): H => {
        const handle = handles.find(
            (h) => h.kind === kind && h.namespace === namespace && h.objectName === name,
        );
        if (!handle) {
            throw new Error(
                `a pod in namespace ${namespace} reads ${kind} ${name}, which the station does not make there ` +
                    `(see the tiers of ${kind === "Secret" ? "stationSecrets.ts" : "sharedConfig.ts"})`,
            );
        }
        return handle as H;
    };
    return (namespace) => ({
        namespace,
        secret: (name) => find<SecretHandle>("Secret", namespace, name),
        configMap: (name) => find<ConfigMapHandle>("ConfigMap", namespace, name),
    });
}
