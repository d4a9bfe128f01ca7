import { liveLabelsOf } from "./live";
import * as pulumi from "@pulumi/pulumi";
import { ComponentType } from "../shared/component";
import { Namespace } from "../shared/namespace";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { ContainerSpec } from "../shared/container";
import { AppIdentity } from "../shared/labels";
import { ChecksumKey } from "../shared/startupReads";
import { Workload, WorkloadArgs } from "../shared/workload";
import type { PackitSection } from "./config";
import { PackitReads, SecretFiles, secretMounts } from "./env";
import { ContainerImage, PackitImages } from "./images";

/**
 * `restartOnChange` of the deployment's applications: the stack's checksum key. What a pod reads is what its
 * handles name, so a changed Secret or ConfigMap rolls exactly the pods that read it, with no list to keep.
 */
export interface PackitRestart {
    key: ChecksumKey;
}

/**
 * What every part of one Packit deployment receives beside the system's `{ config, context }`: the main namespace it
 * places its objects in, the deployment's images and the Secrets its pods read.
 */
export interface PackitPartArgs extends SystemArgs<PackitSection> {
    /** The main namespace: objects placed with its `name` wait for it by that reference. */
    namespace: Namespace;
    images: PackitImages;
    reads: PackitReads;
    /** The checksum key its applications roll on: each reads its Secrets and ConfigMaps at start only. */
    restart: PackitRestart;
}

/** One application container of packit/deployment: named like its Deployment, which is `app.name`. */
export interface AppWorkloadSpec extends Omit<
    WorkloadArgs,
    "cluster" | "namespace" | "containers" | "annotations" | "imagesManagedByTriggers" | "restartOnChange"
> {
    /** One of the deployment's own images (followed through its ImageStream), or a plain reference. */
    image: ContainerImage | string;
    /** The keys it opens of each Secret, mounted read-only where the source mounts them, before any other volume. */
    secrets?: SecretFiles;
    container: Omit<ContainerSpec, "name" | "image">;
}

/**
 * A part of one Packit deployment (API, workers, listeners, ...). A part is named like its system, so its
 * children keep the names the runbook's objects have always had in state (`packit-service`, `packit-beat`);
 * the part's type tells the parts apart.
 */
export abstract class PackitPart extends SystemPart<PackitSection> {
    protected readonly namespace: pulumi.Output<string>;
    protected readonly images: PackitImages;
    protected readonly reads: PackitReads;
    protected readonly restart: PackitRestart;

    protected constructor(
        type: ComponentType,
        name: string,
        { config, context, namespace, images, reads, restart }: PackitPartArgs,
        opts: pulumi.ComponentResourceOptions | undefined,
    ) {
        super(type, name, { config, context }, opts);
        this.namespace = namespace.name;
        this.images = images;
        this.reads = reads;
        this.restart = restart;
    }

    protected app(name: string, component: string): AppIdentity {
        return { name, partOf: this.config.service, component };
    }

    /** A workload of this deployment in its main namespace, selected as its live objects are (by `app.name`). */
    protected workload(
        role: string,
        args: Omit<WorkloadArgs, "cluster" | "namespace">,
        extra: pulumi.CustomResourceOptions = {},
    ): Workload {
        return new Workload(
            this.childName(role),
            {
                ...liveLabelsOf(args.app.name),
                ...args,
                cluster: this.context.cluster,
                namespace: this.namespace,
            },
            this.child(extra),
        );
    }

    /**
     * The block every application of the source repeats: one container named like its Deployment, its image
     * (and the ImageStream trigger that rolls it), its Secrets mounted and rolled on (it reads them at start only),
     * and no service account token, because none of them calls the Kubernetes API.
     */
    protected appWorkload(
        role: string,
        spec: AppWorkloadSpec,
        extra: pulumi.CustomResourceOptions = {},
    ): Workload {
        const { image, secrets = {}, container, ...rest } = spec;
        const mounted = secretMounts(this.reads, secrets);
        const pinned = typeof image === "string" ? { image, managedByTrigger: false } : image;
        return this.workload(
            role,
            {
                ...rest,
                restartOnChange: this.restart,
                automountServiceAccountToken: false,
                annotations: pinned.annotations,
                imagesManagedByTriggers: pinned.managedByTrigger,
                containers: [
                    {
                        ...container,
                        name: spec.app.name,
                        image: pinned.image,
                        mounts: [...mounted, ...(container.mounts ?? [])],
                    },
                ],
            },
            extra,
        );
    }
}
