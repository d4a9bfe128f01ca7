import { imageVersion } from "../shared/imageRef";
import { AppIdentity } from "../shared/labels";

export const THOTH_PART_OF = "thoth-station";

/** Identity of a Thoth workload; `name` is its object name. */
export function thothApp(name: string, component: string, image?: string): AppIdentity {
    return { name, partOf: THOTH_PART_OF, component, version: image ? imageVersion(image) : undefined };
}

/** OpenShift's default Route host, `<name>-<namespace>.<domain>`, used when a host is not configured. */
export function defaultHost(name: string, namespace: string, domain: string): string {
    return `${name}-${namespace}.${domain}`;
}
