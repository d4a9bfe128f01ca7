import { ServiceEndpoint, urlText } from "../shared/endpoints";
import { COMPONENTS, ComponentName } from "./catalog";
import { NamespaceName, ProwNaming } from "./naming";
import { DefinitionError } from "../shared/errors";

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
    /** The bare host of a component's Service, for callers in the prow namespace (config.yaml's push_gateway). */
    serviceHost(component: ComponentName): string;
    /** The endpoint of a component's Service: what a text made by {@link serviceUrl} or {@link serviceHost} reaches. */
    endpoint(component: ComponentName): ServiceEndpoint;
}

/**
 * The endpoints `render` names through the refs it is given: Prow's arguments and documents are plain text made by
 * {@link ProwRefs.serviceUrl}, so rendering them once with refs that remember each call says which Services the
 * pods that read them reach (a new `serviceUrl` in a document opens exactly that path).
 */
export function endpointsNamedBy(refs: ProwRefs, render: (r: ProwRefs) => unknown): ServiceEndpoint[] {
    const named = new Set<ComponentName>();
    render({
        ...refs,
        serviceUrl: (component, options) => {
            named.add(component);
            return refs.serviceUrl(component, options);
        },
        serviceHost: (component) => {
            named.add(component);
            return refs.serviceHost(component);
        },
    });
    return [...named].map((c) => refs.endpoint(c));
}

export function prowRefs(input: RefsInput): ProwRefs {
    const endpoint = (component: ComponentName): ServiceEndpoint => {
        const spec = COMPONENTS.find((c) => c.name === component);
        const port = spec?.service?.[0]?.port;
        if (port === undefined) {
            throw new DefinitionError(`Prow component ${component} has no Service to refer to`);
        }
        return ServiceEndpoint.of(input.names.name(component), input.namespaces.prow, port);
    };
    return {
        ...input,
        endpoint,
        serviceUrl(component, options = {}) {
            const { objectName, namespace, port } = endpoint(component);
            return urlText(options.fqdn ? `${objectName}.${namespace}.svc` : objectName, port);
        },
        serviceHost: (component) => endpoint(component).objectName,
    };
}
