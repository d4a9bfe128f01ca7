import { AppIdentity } from "../shared/labels";

export const THOTH_PART_OF = "thoth-station";

/** The tag (or digest) of an image reference, used as the app version label. */
export function imageVersion(image: string): string | undefined {
    const at = image.indexOf("@");
    if (at >= 0) return image.slice(at + 1);
    const lastSlash = image.lastIndexOf("/");
    const colon = image.lastIndexOf(":");
    return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

/** Identity of a Thoth workload; `name` is its object name. */
export function thothApp(name: string, component: string, image?: string): AppIdentity {
    return { name, partOf: THOTH_PART_OF, component, version: image ? imageVersion(image) : undefined };
}

/** RoleBinding name of a service account's ClusterRole; `system:` roles become `system-...` (names allow no colon). */
export function bindingName(serviceAccount: string, clusterRole: string): string {
    return `${serviceAccount}-${clusterRole.replace(/:/g, "-")}`;
}
