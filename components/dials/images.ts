import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../shared/platform";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { imageVersion, streamTag } from "../shared/imageRef";
import { ImageStream, internalRegistryImage } from "../shared/imagestream";
import type { DialsConfig, DialsSection } from "./config";

export const DIALS_PART_OF = "cms-dials";

export type DialsImage = "etl" | "backend" | "frontend" | "nginx";

/** One image: the ImageStream it is imported into on OpenShift and the external reference. */
export interface ImageSource {
    stream: string;
    tag: string;
    from: string;
}

/** The four images of DIALS, named like the source's ImageStreams. */
export function imageSources(
    images: Pick<DialsConfig["images"], "registry" | "tag" | "nginx" | "confirmed">,
): Record<DialsImage, ImageSource> {
    // The release keeps its tag as the stream tag (pods and a migration name it); what it imports is the digest
    // confirmed for exactly that tag, when there is one.
    const confirmed = images.confirmed?.tag === images.tag ? images.confirmed : undefined;
    const dials = (name: string, stream: "etl" | "backend" | "frontend"): ImageSource => ({
        stream,
        tag: images.tag,
        from: confirmed
            ? `${images.registry}/${name}@${confirmed[stream]}`
            : `${images.registry}/${name}:${images.tag}`,
    });
    return {
        etl: dials("dials-etl", "etl"),
        backend: dials("dials-backend", "backend"),
        frontend: dials("dials-frontend", "frontend"),
        nginx: { stream: "nginx-unprivileged", tag: streamTag(images.nginx), from: images.nginx },
    };
}

/**
 * What a container's `image` is: on OpenShift the stream tag through the integrated registry (as the source
 * pulled), so the release tag is part of the pod template and bumping it rolls the pods; elsewhere the external
 * reference itself.
 */
export function imageRefs(
    sources: Record<DialsImage, ImageSource>,
    platform: Platform,
    namespace: string,
): Record<DialsImage, string> {
    const out = {} as Record<DialsImage, string>;
    for (const [key, src] of Object.entries(sources) as [DialsImage, ImageSource][]) {
        out[key] =
            platform === "openshift" ? internalRegistryImage(namespace, src.stream, src.tag) : src.from;
    }
    return out;
}

export interface DialsImagesArgs extends SystemArgs<DialsSection> {
    /** The Namespace component's name: each stream waits for the namespace through it. */
    namespace: pulumi.Output<string>;
}

/**
 * The image streams `etl`, `backend`, `frontend` and `nginx-unprivileged` (OpenShift only), each importing the
 * pinned tag once; `refs` is what containers use on either platform.
 */
export class Images extends SystemPart<DialsSection> {
    public readonly refs: Record<DialsImage, string>;
    /** The ImageStreams, for workloads to depend on (empty on plain Kubernetes). */
    public readonly streams: pulumi.Resource[];

    constructor(name: string, args: DialsImagesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Images", name, args, opts);
        const sources = imageSources(this.config.images);
        const { platform } = this.context.cluster;
        this.refs = imageRefs(sources, platform, this.config.namespace);
        this.streams =
            platform === "openshift"
                ? Object.values(sources).map((src) => this.stream(src, args.namespace))
                : [];
        this.registerOutputs({ refs: this.refs });
    }

    /** One stream: imports the pinned tag once; pods pull it through the integrated registry. */
    private stream(src: ImageSource, namespace: pulumi.Output<string>): ImageStream {
        return new ImageStream(
            this.childName(src.stream),
            {
                namespace,
                name: src.stream,
                app: {
                    name: src.stream,
                    partOf: DIALS_PART_OF,
                    component: "image",
                    version: imageVersion(src.from),
                },
                tag: src.tag,
                from: src.from,
                // Pinned tags never move; a release is a new tag, imported when the stream changes.
                scheduled: false,
                referencePolicy: "Local",
            },
            this.child(),
        );
    }
}
