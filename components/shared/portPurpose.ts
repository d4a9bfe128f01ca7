import type { Platform } from "./platform";
import { DefinitionError } from "./errors";

/**
 * What a Service port serves: the application's own clients, an admin API, or metrics. Declared on the port
 * (`ServicePort.purpose`) from the image's source, never read from its name: an API may serve its REST API on
 * a port its reference names `metrics`.
 */
export type PortPurpose = "application" | "admin" | "metrics";

/**
 * Who may reach a public Route or Ingress to an admin or metrics port: the source ranges the stack file names
 * (`key`, its full config key; empty where the stack names none, which only a non-production stack may deploy), or a
 * runbook that asks for it public, with the runbook and section that say so.
 */
export type ExposureAudience = { allowFrom: readonly string[]; key: string } | { publicBy: string };

/** The router annotation of each platform that admits only the listed source ranges. */
export const ALLOW_LIST_ANNOTATION: Record<Platform, string> = {
    openshift: "haproxy.router.openshift.io/ip_whitelist",
    kubernetes: "nginx.ingress.kubernetes.io/whitelist-source-range",
};

/** Where the runbook that asks for a public admin or metrics endpoint is recorded on the Route or Ingress. */
export const PUBLIC_BY_ANNOTATION = "runbooks.io/public-by";

/** Whether a public endpoint to a port of this purpose needs a named audience. */
export function isRestrictedPurpose(purpose: PortPurpose): boolean {
    return purpose !== "application";
}

/**
 * The purpose of a port as declared; a port whose name says admin or metrics must declare one (its name is a hint
 * that a purpose is owed, never the purpose itself), so no such port is taken for the application's by default.
 */
export function declaredPurpose(port: { name: string; purpose?: PortPurpose }, owner: string): PortPurpose {
    if (port.purpose !== undefined) return port.purpose;
    if (/admin|metrics|monitor|debug|pprof/i.test(port.name))
        throw new DefinitionError(
            `${owner}: port "${port.name}" must declare its purpose (application, admin or metrics)`,
        );
    return "application";
}

/**
 * The annotations that restrict an endpoint to its audience, or the refusal: a public endpoint to an admin or
 * metrics port without one is a defect of the code (every such exposure declares its audience), and one whose stack
 * names no range is refused in production (the config check refuses it first, with the key and the fix).
 */
export function audienceAnnotations(
    what: string,
    purpose: PortPurpose,
    audience: ExposureAudience | undefined,
    cluster: { platform: Platform; production: boolean },
): Record<string, string> {
    if (!isRestrictedPurpose(purpose)) return {};
    if (audience === undefined)
        throw new DefinitionError(`${what}: a public endpoint to a ${purpose} port must name its audience`);
    if ("publicBy" in audience) return { [PUBLIC_BY_ANNOTATION]: audience.publicBy };
    if (audience.allowFrom.length > 0)
        // HAProxy's list is space-separated, ingress-nginx's comma-separated.
        return {
            [ALLOW_LIST_ANNOTATION[cluster.platform]]: audience.allowFrom.join(
                cluster.platform === "openshift" ? " " : ",",
            ),
        };
    if (cluster.production)
        throw new DefinitionError(
            `${what}: a public endpoint to a ${purpose} port in production needs ${audience.key}`,
        );
    return {};
}
