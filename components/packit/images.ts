import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { ImageStream, imageTriggerAnnotation } from "../shared/imagestream";
import { AppIdentity } from "../shared/labels";
import { Namespace } from "../shared/namespace";
import { ScheduledJob } from "../shared/scheduledJob";
import type { PackitImage, PackitSection } from "./config";
import { ImageSource, imageSources } from "./layout";
import { OcCronJob } from "./rbac";
import { IMPORT_IMAGES_SCRIPT } from "./scripts";

export interface PackitImagesArgs extends SystemArgs<PackitSection> {
    namespace: Namespace;
}

/**
 * Staging's import (runbook 001, "Continuous Deployment": "STG: Once every hour (at minute 0)"). The platform has
 * scheduled ImageStream import turned off, so `importPolicy.scheduled` alone never moves a tag.
 */
export const SCHEDULED_IMPORT_SCHEDULE = "0 * * * *";

/**
 * What `oc import-image <stream>:<tag>` needs: read the named streams (never others) and create the import. An
 * ImageStreamImport is named after the stream in its body, which RBAC cannot restrict by name.
 */
export function importerRules(streams: readonly string[]): k8s.types.input.rbac.v1.PolicyRule[] {
    return [
        {
            apiGroups: ["image.openshift.io"],
            resources: ["imagestreams"],
            resourceNames: [...streams].sort(),
            verbs: ["get"],
        },
        { apiGroups: ["image.openshift.io"], resources: ["imagestreamimports"], verbs: ["create"] },
    ];
}

/** The image of one container and, on OpenShift, the ImageStream tag that owns it. */
export interface ContainerImage {
    image: string;
    /** Deployment annotations that let OpenShift roll the pods when the tag moves. */
    annotations?: Record<string, string>;
    /** The trigger owns the image field: Pulumi must ignore it in diffs. */
    managedByTrigger: boolean;
}

/**
 * How Packit's own images reach the pods. On OpenShift: one ImageStream per image whose tag imports the
 * configured reference, Deployments follow the tag through `image.openshift.io/triggers`, and the `import-images`
 * CronJob moves the tags: hourly in staging, only in the maintenance window in production. On plain Kubernetes: the
 * references themselves.
 */
export class PackitImages extends SystemPart<PackitSection> {
    /** ImageStream name → external reference it imports. */
    public readonly references: Record<string, string> = {};
    public readonly importJob?: ScheduledJob;
    private readonly sources = new Map<PackitImage, ImageSource>();
    private readonly openshift: boolean;
    /** The one tag every ImageStream of the deployment follows. */
    private readonly tag: string;
    private readonly namespace: Namespace;

    constructor(
        name: string,
        { config, context, namespace }: PackitImagesArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("runbooks:packit:PackitImages", name, { config, context }, opts);
        this.openshift = context.cluster.platform === "openshift";
        this.tag = config.deployment;
        this.namespace = namespace;
        const sources = imageSources(config);
        for (const source of sources) {
            this.sources.set(source.stream, source);
            this.references[source.stream] = source.from;
        }
        if (this.openshift) {
            const streams = sources.map((source) => this.imageStream(source));
            // Both modes need the job: `maintenance-window` moves tags only in the window, `scheduled` stands in for
            // the periodic import the platform disabled.
            if (sources.length > 0) this.importJob = this.importer(sources, streams);
        }
        this.registerOutputs({ references: this.references });
    }

    private app(name: string, component: string): AppIdentity {
        return { name, partOf: this.config.service, component };
    }

    private imageStream(source: ImageSource): k8s.apiextensions.CustomResource {
        return new ImageStream(
            this.childName(source.stream),
            {
                namespace: this.namespace.name,
                name: source.stream,
                app: this.app(source.stream, "image"),
                tag: this.tag,
                from: source.from,
                scheduled: this.config.images.updates === "scheduled",
            },
            this.child(),
        );
    }

    /** The `import-images` CronJob and its account, which may import exactly the deployment's streams. */
    private importer(sources: ImageSource[], streams: k8s.apiextensions.CustomResource[]): ScheduledJob {
        const { images } = this.config;
        const id = this.app("import-images", "image-update");
        const streamNames = sources.map((s) => s.stream);
        const scheduled = images.updates === "scheduled";
        return new OcCronJob(
            { account: this.childName("importer"), job: this.childName("import") },
            {
                cluster: this.context.cluster,
                app: id,
                accountName: "importimager",
                accountNamespace: this.namespace.name,
                roleNamespace: this.namespace.name,
                rules: importerRules(streamNames),
                job: {
                    schedule: scheduled ? SCHEDULED_IMPORT_SCHEDULE : images.maintenanceWindow,
                    timeZone: scheduled ? undefined : images.maintenanceTimeZone,
                    // Window: one missed by more than an hour is skipped, images must not move outside it.
                    // Hourly: a late run is pointless once the next one is due.
                    startingDeadlineSeconds: scheduled ? 1800 : 3600,
                    activeDeadlineSeconds: 900,
                    backoffLimit: 2,
                },
                container: {
                    name: "import-images",
                    image: images.cli,
                    script: IMPORT_IMAGES_SCRIPT,
                    env: {
                        // The streams it imports, named through their objects: it runs once they exist.
                        IMAGE_STREAMS: {
                            computed: pulumi
                                .all(streams.map((s) => s.metadata.name))
                                .apply((names) => names.join(" ")),
                        },
                        IMAGE_TAG: this.tag,
                        NAMESPACE: { fieldRef: { fieldPath: "metadata.namespace" } },
                    },
                },
            },
            (extra) => this.child(extra),
        ).job;
    }

    /** The image of a container running `stream`; on OpenShift also the trigger annotation for its workload. */
    containerImage(stream: PackitImage, container: string): ContainerImage {
        const source = this.sources.get(stream);
        if (!source) {
            throw new pulumi.ResourceError(
                `image ${stream} is not among the images of the enabled components`,
                this,
            );
        }
        if (!this.openshift) {
            return { image: source.from, managedByTrigger: false };
        }
        return {
            image: source.from,
            annotations: {
                "image.openshift.io/triggers": imageTriggerAnnotation([{ stream, tag: this.tag, container }]),
            },
            managedByTrigger: true,
        };
    }
}
