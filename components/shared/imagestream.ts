import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { AppIdentity, standardLabels } from "./labels";

export interface ImageStreamArgs {
    cluster: ClusterContext;
    namespace: pulumi.Input<string>;
    /** metadata.name of the ImageStream, e.g. `packit-service`. */
    streamName: string;
    app: AppIdentity;
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
    return `image-registry.openshift-image-registry.svc:5000/${namespace}/${stream}:${tag}`;
}

/** An OpenShift ImageStream with one tag importing an external image. */
export function imageStream(
    name: string,
    args: ImageStreamArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        name,
        {
            apiVersion: "image.openshift.io/v1",
            kind: "ImageStream",
            metadata: { name: args.streamName, namespace: args.namespace, labels: standardLabels(args.app) },
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
        { ...opts, provider: args.cluster.provider },
    );
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
