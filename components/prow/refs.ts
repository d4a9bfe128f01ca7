import { COMPONENTS, ComponentName } from "./catalog";
import { NamespaceName, ProwNaming } from "./naming";

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
}

export function prowRefs(input: RefsInput): ProwRefs {
    return {
        ...input,
        serviceUrl(component, options = {}) {
            const spec = COMPONENTS.find((c) => c.name === component);
            const port = spec?.service?.[0]?.port;
            if (port === undefined) {
                throw new Error(`Prow component ${component} has no Service to refer to`);
            }
            const name = input.names.name(component);
            const host = options.fqdn ? `${name}.${input.namespaces.prow}.svc` : name;
            return `http://${host}${port === 80 ? "" : `:${port}`}`;
        },
    };
}
