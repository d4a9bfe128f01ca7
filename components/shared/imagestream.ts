import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BlockArgs, blockOptions } from "./block";
import { INTERNAL_REGISTRY } from "./imageRef";
import { standardLabels } from "./labels";

export interface StreamArgs extends BlockArgs {
    /** Tag in the stream (e.g. `stg`) → external image it imports. */
    tag: string;
    from: string;
    /**
     * Re-import periodically (OpenShift checks every 15 minutes by default), so a new push of the tag reaches the
     * deployment without anyone running `oc import-image`. Off for pinned production images.
     */
    scheduled: boolean;
    /**
     * `Local` makes pods pull through the integrated registry (see {@link internalRegistryImage}), so a pod only
     * needs the in-cluster address and the registry fetches from the source; `Source` (default) pulls directly.
     */
    referencePolicy?: "Source" | "Local";
}

/** The integrated-registry address of an ImageStream tag, as pods pull it with reference policy `Local`. */
export function internalRegistryImage(namespace: string, stream: string, tag: string): string {
    return `${INTERNAL_REGISTRY}/${namespace}/${stream}:${tag}`;
}

/** An OpenShift ImageStream with one tag importing an external image, on the provider of `opts`. */
export class ImageStream extends k8s.apiextensions.CustomResource {
    constructor(name: string, args: StreamArgs, opts: pulumi.CustomResourceOptions) {
        super(
            name,
            {
                apiVersion: "image.openshift.io/v1",
                kind: "ImageStream",
                metadata: { name: args.name, namespace: args.namespace, labels: standardLabels(args.app) },
                spec: {
                    lookupPolicy: { local: true },
                    tags: [
                        {
                            name: args.tag,
                            from: { kind: "DockerImage", name: args.from },
                            importPolicy: { scheduled: args.scheduled, importMode: "Legacy" },
                            referencePolicy: { type: args.referencePolicy ?? "Source" },
                        },
                    ],
                },
            },
            blockOptions("ImageStream", name, opts),
        );
    }
}

/**
 * The `image.openshift.io/triggers` annotation value that makes OpenShift roll a Deployment when the
 * ImageStreamTag moves (the replacement for DeploymentConfig image triggers).
 */
export function imageTriggerAnnotation(
    triggers: { stream: string; tag: string; container: string }[],
): string {
    return JSON.stringify(
        triggers.map((t) => ({
            from: { kind: "ImageStreamTag", name: `${t.stream}:${t.tag}` },
            fieldPath: `spec.template.spec.containers[?(@.name=="${t.container}")].image`,
        })),
    );
}
