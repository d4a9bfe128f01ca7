import type { ServiceEndpoint } from "../shared/endpoints";
import type { ComponentName } from "./componentNames";
import type { NamespaceName, ProwNaming } from "./naming";

// What a component's arguments and Prow's documents may refer to; refs.ts builds it from the resolved environment.

/** The environment facts references are made of. */
export interface RefsInput {
    names: ProwNaming;
    namespaces: { prow: NamespaceName; jobs: NamespaceName };
    /** GCS bucket of job artifacts. */
    bucket: string;
    /** Public URLs (no trailing slash). */
    urls: { deck: string; hook: string; gcsweb: string };
    /** The Prow release tag and registry, for the decoration utility images. */
    release: { registry: string; tag: string };
    /** GitHub-acting components only log what they would do (staging: it shares GitHub with production). */
    dryRun: boolean;
    /** config.yaml keeps `slack_reporter_configs`: crier's Slack reporter exits at start without them. */
    slackReports: boolean;
    /** The GCS credentials are real (not generated test values): tide keeps its history and status in the bucket. */
    bucketCredentials: boolean;
}

/**
 * Everything a component's arguments and Prow's config documents may refer to. Built once from the resolved
 * environment, so every reference comes from the same naming function and the same two namespaces.
 */
export interface ProwRefs extends RefsInput {
    /**
     * In-cluster URL of a component's Service: the short name for callers in the prow namespace, the
     * namespace-qualified name (`fqdn`) for job pods in the jobs namespace.
     */
    serviceUrl(component: ComponentName, options?: { fqdn?: boolean }): string;
    /** The bare host of a component's Service, for callers in the prow namespace (config.yaml's push_gateway). */
    serviceHost(component: ComponentName): string;
    /** The endpoint of a component's Service: what a text made by {@link serviceUrl} or {@link serviceHost} reaches. */
    endpoint(component: ComponentName): ServiceEndpoint;
}
