import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../config/system";
import { ComponentType, RunbookComponent } from "../shared/component";
import { ContainerSpec } from "../shared/container";
import { AppIdentity } from "../shared/labels";
import { Workload, WorkloadArgs } from "../shared/workload";
import type { PackitConfig, ServiceName } from "./config";
import { MountedSecret, PackitReads, secretVolumes } from "./env";
import { ContainerImage, PackitImages } from "./images";

/** What every part of one Packit deployment receives from its system component. */
export interface PackitPartArgs {
    /** The program's decisions: cluster, tier protection, secrets. */
    context: KubernetesContext;
    /** Which service this is (`packit`, `stream`): `app.kubernetes.io/part-of` of every object. */
    service: ServiceName;
    /** The validated section. */
    config: PackitConfig;
    /** The main namespace. */
    namespace: string;
    /** Where the deployment's own images come from (ImageStreams on OpenShift). */
    images: PackitImages;
    /** The Secrets its pods read, through their handles. */
    reads: PackitReads;
}

/** One application container of packit/deployment: named like its Deployment, which is `app.name`. */
export interface AppWorkloadSpec extends Omit<
    WorkloadArgs,
    "cluster" | "namespace" | "containers" | "annotations" | "imagesManagedByTriggers"
> {
    /** One of the deployment's own images (followed through its ImageStream), or a plain reference. */
    image: ContainerImage | string;
    /** Whole Secrets, mounted read-only where the source mounts them, before any other volume. */
    secrets?: MountedSecret[];
    container: Omit<ContainerSpec, "name" | "image">;
}

/**
 * A part of one Packit deployment (API, workers, listeners, ...). A part is named like its system, so its
 * children keep the names the runbook's objects have always had in state (`packit-service`, `packit-beat`);
 * the part's type tells the parts apart.
 */
export abstract class PackitPart extends RunbookComponent {
    protected readonly part: PackitPartArgs;

    protected constructor(
        type: ComponentType,
        name: string,
        args: PackitPartArgs,
        opts: pulumi.ComponentResourceOptions | undefined,
    ) {
        super(type, name, opts, args.context.cluster.provider);
        this.part = args;
    }

    /** Identity of an object of this deployment. */
    protected app(name: string, component: string): AppIdentity {
        return { name, partOf: this.part.service, component };
    }

    /**
     * The block every application of the source repeats: one container named like its Deployment, its image
     * (and the ImageStream trigger that rolls it), its Secrets mounted, and no service account token, because
     * none of them calls the Kubernetes API.
     */
    protected appWorkload(
        role: string,
        spec: AppWorkloadSpec,
        extra: pulumi.CustomResourceOptions = {},
    ): Workload {
        const { image, secrets = [], container, ...rest } = spec;
        const mounted = secretVolumes(this.part.reads, secrets);
        const pinned = typeof image === "string" ? { image, managedByTrigger: false } : image;
        return new Workload(
            this.childName(role),
            {
                ...rest,
                cluster: this.part.context.cluster,
                namespace: this.part.namespace,
                automountServiceAccountToken: false,
                annotations: pinned.annotations,
                imagesManagedByTriggers: pinned.managedByTrigger,
                containers: [
                    {
                        ...container,
                        name: spec.app.name,
                        image: pinned.image,
                        volumeMounts: [...mounted.volumeMounts, ...(container.volumeMounts ?? [])],
                    },
                ],
                volumes: [...mounted.volumes, ...(rest.volumes ?? [])],
            },
            this.child(extra),
        );
    }
}
