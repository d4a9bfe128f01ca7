import { ExposureSpec } from "../shared/exposure";
import { ROUTE_NAMES, RouteName } from "./catalog";
import { ResolvedEnvironment } from "./resolve";

/** The path each routed component serves itself (hook receives GitHub's webhooks on /hook). */
const NATIVE_PATH: Record<RouteName, string> = { deck: "/", hook: "/hook", gcsweb: "/" };

/** Service port each route targets, by name. */
const SERVICE_PORT: Record<RouteName, string> = { deck: "http", hook: "http", gcsweb: "http" };

/**
 * The Ingress of each public component. A path other than the component's own is rewritten by ingress-nginx,
 * so staging can serve `/staging-hook` on a shared host while hook still sees `/hook`. With cert-manager, only
 * the first Ingress of a host asks for the certificate: several Ingresses requesting one secret would each
 * make their own Certificate and fight over it.
 */
export function ingressPlan(env: ResolvedEnvironment): Record<RouteName, ExposureSpec> {
    const { tls, className, routes } = env.ingress;
    const plan = {} as Record<RouteName, ExposureSpec>;
    for (const route of ROUTE_NAMES) {
        const { host, path } = routes[route];
        const annotations: Record<string, string> = {};
        let ingressPath = path;
        let pathType: ExposureSpec["pathType"] = "Prefix";
        if (path !== NATIVE_PATH[route]) {
            if (NATIVE_PATH[route] === "/") {
                // Everything below the public path maps to the same path below the component's root.
                ingressPath = `${path.replace(/\/$/, "")}(/|$)(.*)`;
                pathType = "ImplementationSpecific";
                annotations["nginx.ingress.kubernetes.io/use-regex"] = "true";
                annotations["nginx.ingress.kubernetes.io/rewrite-target"] = "/$2";
            } else {
                annotations["nginx.ingress.kubernetes.io/rewrite-target"] = NATIVE_PATH[route];
            }
        }
        let secretName: string | undefined;
        if (tls.mode === "cert-manager") {
            // One certificate per host: the first host keeps the configured secret, others get the owner's name.
            const owner = ROUTE_NAMES.find((r) => routes[r].host === host) ?? route;
            secretName = env.names.name(
                owner === ROUTE_NAMES[0] ? tls.secretName : `${tls.secretName}-${owner}`,
            );
            if (owner === route) annotations["cert-manager.io/cluster-issuer"] = tls.clusterIssuer;
        }
        plan[route] = {
            host,
            path: ingressPath,
            pathType,
            servicePort: SERVICE_PORT[route],
            ingressClassName: className,
            annotations,
            tls: { termination: "edge", ...(secretName ? { secretName } : {}) },
        };
    }
    return plan;
}
