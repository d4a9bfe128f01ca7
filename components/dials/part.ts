import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { ComponentType, RunbookComponent } from "../shared/component";
import { plainConfigMap } from "../shared/configMap";
import { ConfigMapHandle, SecretHandle } from "../shared/handles";
import { AppIdentity } from "../shared/labels";
import { configSecret } from "../shared/secret";
import { DIALS_PART_OF } from "./images";

/** Identity of a DIALS object: part of `cms-dials`, with its app name and component. */
export function dialsApp(name: string, component: string): AppIdentity {
    return { name, partOf: DIALS_PART_OF, component };
}

/** Where a DIALS part lives. */
export interface PartPlacement {
    cluster: ClusterContext;
    namespace: string;
}

/**
 * A part of DIALS (ETL, web) in its namespace: the ConfigMaps and Secrets its pods read through envFrom are built
 * the same way in every part, as children that wait for what the part waits for; pods read them through `.handle`.
 */
export abstract class DialsPart extends RunbookComponent {
    readonly #placement: PartPlacement;

    protected constructor(
        type: ComponentType,
        name: string,
        placement: PartPlacement,
        opts: pulumi.ComponentResourceOptions | undefined,
    ) {
        super(type, name, opts, placement.cluster.provider);
        this.#placement = placement;
    }

    /** A ConfigMap `configMapName` (non-secret values only), logical name `<part>-<suffix>`. */
    protected configMap(
        suffix: string,
        configMapName: string,
        app: AppIdentity,
        data: Record<string, string>,
    ): k8s.core.v1.ConfigMap & { readonly handle: ConfigMapHandle } {
        return plainConfigMap(
            this.childName(suffix),
            { ...this.#placement, configMapName, app, data },
            this.child(),
        );
    }

    /** A Secret `secretName` whose every value is secret, logical name `<part>-<suffix>`. */
    protected secret(
        suffix: string,
        secretName: string,
        app: AppIdentity,
        data: Record<string, pulumi.Input<string>>,
    ): k8s.core.v1.Secret & { readonly handle: SecretHandle } {
        return configSecret(
            this.childName(suffix),
            { ...this.#placement, secretName, app, data },
            this.child(),
        );
    }
}
