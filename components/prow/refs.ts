import { ServiceEndpoint, urlText } from "../shared/endpoints";
export type { ProwRefs, RefsInput } from "./refsContract";
import { COMPONENTS } from "./catalog";
import type { ComponentName } from "./componentNames";
import type { ProwRefs, RefsInput } from "./refsContract";
import { DefinitionError } from "../shared/errors";

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
