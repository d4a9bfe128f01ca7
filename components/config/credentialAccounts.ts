import { X509Certificate } from "node:crypto";
import { isMapping } from "./issues";
import { ConfigProblem, fullKey } from "./problems";
import type { ForeignCluster } from "./ownership";

// Who a credential acts as is part of a stack's identity, not only which cluster it reaches: a stage kubeconfig whose
// token is a production namespace's service account, or that impersonates one (`as:`), writes with production's
// rights however its cluster entry is spelt. Kubernetes names a service account `system:serviceaccount:<ns>:<name>`
// and its namespace's group `system:serviceaccounts:<ns>` (kubernetes/kubernetes@d5803e596f:
// staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go); the namespace is what ownership compares.

/** The user names and groups a credential says it acts as (before the API server's own answer). */
export interface ActsAs {
    users: string[];
    groups: string[];
}

const SA_USER = /^system:serviceaccount:([^:]+):[^:]+$/;
const SA_GROUP = /^system:serviceaccounts:([^:]+)$/;

/** The namespaces of the service accounts a credential acts as, by user name or group. */
export function accountNamespaces(actsAs: ActsAs): string[] {
    const found = [
        ...actsAs.users.map((u) => SA_USER.exec(u)?.[1]),
        ...actsAs.groups.map((g) => SA_GROUP.exec(g)?.[1]),
    ];
    return [...new Set(found.filter((n): n is string => n !== undefined))].sort();
}

/** A JWT's claims, unverified (only the API server verifies; here the token only says whom it names). */
function jwtClaims(token: unknown): Record<string, unknown> | undefined {
    if (typeof token !== "string") return undefined;
    const parts = token.trim().split(".");
    if (parts.length !== 3) return undefined;
    try {
        const claims: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
        return isMapping(claims) ? claims : undefined;
    } catch {
        return undefined;
    }
}

/** The subject's CN (user) and O (groups) of a client certificate, as the API server's x509 authenticator reads them. */
function certificateSubject(data: unknown): ActsAs {
    if (typeof data !== "string") return { users: [], groups: [] };
    try {
        const subject = new X509Certificate(Buffer.from(data, "base64")).subject.split("\n");
        const field = (name: string) =>
            subject.filter((l) => l.startsWith(`${name}=`)).map((l) => l.slice(name.length + 1));
        return { users: field("CN"), groups: field("O") };
    } catch {
        return { users: [], groups: [] };
    }
}

const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : typeof v === "string" ? [v] : [];

/**
 * Whom a kubeconfig `user:` entry acts as: its token's subject and namespace claims, its client certificate's subject,
 * and whom it impersonates (`as`, `as-groups`). An exec or auth-provider credential says nothing until it runs; the
 * engine's live probe asks the API server for those.
 */
export function kubeconfigActsAs(user: unknown): ActsAs {
    if (!isMapping(user)) return { users: [], groups: [] };
    const claims = jwtClaims(user.token) ?? {};
    const bound = isMapping(claims["kubernetes.io"]) ? claims["kubernetes.io"] : {};
    const legacy = strings(claims["kubernetes.io/serviceaccount/namespace"]);
    const boundNs = strings(bound.namespace);
    const cert = certificateSubject(user["client-certificate-data"]);
    return {
        users: [...strings(claims.sub), ...cert.users, ...strings(user.as)],
        groups: [
            ...[...legacy, ...boundNs].map((ns) => `system:serviceaccounts:${ns}`),
            ...cert.groups,
            ...strings(user["as-groups"]),
        ],
    };
}

/**
 * A credential acting as a service account of a namespace another stack grants on the same cluster: refused at the
 * secret's key, in either direction (stage with production's account, production with a copied staging credential).
 * The namespace is not printed: it is the other stack's value.
 */
export function accountProblems(
    cluster: string,
    namespaces: readonly string[],
    foreign: readonly ForeignCluster[],
    how: string,
): ConfigProblem[] {
    const owners = new Set<string>();
    for (const ns of namespaces) {
        for (const f of foreign) if (Object.hasOwn(f.grants.namespaces, ns)) owners.add(f.stack);
    }
    return [...owners].sort().map((stack) => ({
        key: fullKey(`kubeconfig-${cluster}`),
        message: `${how} a service account of a namespace that stack "${stack}" grants on this cluster (Pulumi.${stack}.yaml): a stack acts with its own identities, and this credential writes with that stack's rights. Store a kubeconfig of an account of this stack's own, in a namespace runbooks:clusters.${cluster}.namespaces grants here`,
    }));
}
