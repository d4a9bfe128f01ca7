import { describe, kindOf } from "./k8s";
import { Rule, isObj, objectsOf, stringsOf } from "./types";

const TERMINATIONS = new Set(["edge", "passthrough", "reencrypt"]);

/**
 * Public endpoints use TLS: a Route has `spec.tls.termination` and does not allow plain HTTP next to it; an Ingress
 * has a `tls` entry covering every host of its rules.
 */
export const publicEndpointsTls: Rule = {
    name: "public-endpoints-tls",
    description: "Routes and Ingresses serve HTTPS only.",
    check({ type, props }) {
        const kind = kindOf(type);
        const where = describe(type, props);
        const spec = isObj(props.spec) ? props.spec : {};
        if (kind === "Route") {
            const tls = isObj(spec.tls) ? spec.tls : undefined;
            if (!tls || !TERMINATIONS.has(String(tls.termination))) {
                return [`${where}: no TLS (set spec.tls.termination to edge, passthrough or reencrypt)`];
            }
            if (tls.insecureEdgeTerminationPolicy === "Allow") {
                return [
                    `${where}: serves plain HTTP too (insecureEdgeTerminationPolicy: Allow); use Redirect or None`,
                ];
            }
            return [];
        }
        if (kind === "Ingress") {
            const covered = new Set(objectsOf(spec.tls).flatMap((t) => stringsOf(t.hosts)));
            const hosts = objectsOf(spec.rules).map((r) => (typeof r.host === "string" ? r.host : "*"));
            if (objectsOf(spec.tls).length === 0) return [`${where}: no TLS (spec.tls is empty)`];
            return hosts
                .filter((h) => !covered.has(h))
                .map((h) => `${where}: host ${h} is not covered by spec.tls`);
        }
        return [];
    },
};
