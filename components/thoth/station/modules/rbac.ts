import { z } from "zod";
import { loadFacts } from "../../../shared/facts";
import { AccessGrant, PolicyRule } from "../../../shared/serviceAccount";
import { CatalogConfig, stationTier } from "../../config";
import { CORE_TIERS } from "../stationSecrets";
import { StationTier } from "../tiers";

// The rules of thoth-application's Roles (thoth-station.md Appendix D) are data: facts/thoth/rbac.yaml.

const ruleSchema = z.strictObject({
    apiGroups: z.array(z.string()),
    resources: z.array(z.string()),
    verbs: z.array(z.string()),
});

/** A grant in the namespace of its tier: a Role of its own with these rules, or a ClusterRole bound there. */
const tierGrantSchema = z.union([
    z.strictObject({ tier: stationTier, role: z.string(), rules: z.array(ruleSchema) }),
    z.strictObject({ tier: stationTier, clusterRole: z.string() }),
]);
type TierGrant = z.infer<typeof tierGrantSchema>;

const RBAC = loadFacts(
    "facts/thoth/rbac.yaml",
    z.strictObject({
        workflowRole: z.array(ruleSchema),
        argoRole: z.array(ruleSchema),
        grants: z.record(z.string(), z.array(tierGrantSchema)),
        workflowAccounts: z.array(
            z.strictObject({ name: z.string(), tier: stationTier, grants: z.array(tierGrantSchema) }),
        ),
    }),
    "the station's grants",
);

/** What Workflow pods and the controller need in the namespace (reference Role `workflow-role`). */
export const WORKFLOW_ROLE: PolicyRule[] = RBAC.workflowRole;

/** ClusterRole `argo`'s rules beside those of Argo's own kinds (argo.ts). */
export const ARGO_ROLE_BASE: PolicyRule[] = RBAC.argoRole;

/** Grants of the facts, each in its tier's namespace. */
function placed(grants: readonly TierGrant[], ns: Record<StationTier, string>): AccessGrant[] {
    return grants.map(({ tier, ...grant }) => ({ namespace: ns[tier], ...grant }));
}

/** An account the station's Workflows run as, with its grants. */
export interface WorkflowAccount {
    name: string;
    namespace: string;
    grants: AccessGrant[];
    /** `false`: the catalog renders the account; only its grants are made here. */
    createAccount?: boolean;
}

/**
 * Accounts the station's Workflows run as (not its services): send-webhooks in every core namespace (deletes the
 * per-request callback Secrets) and Amun's two inspection accounts, each with exactly its reference Role(s)
 * (thoth-station.md §6, Appendix D).
 */
export function workflowAccounts(ns: Record<StationTier, string>): WorkflowAccount[] {
    const core = [...new Set(CORE_TIERS.map((t) => ns[t]))];
    return [
        ...core.map((namespace) => ({
            name: "send-webhooks",
            namespace,
            grants: [
                {
                    namespace,
                    role: "delete-secrets",
                    rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["delete"] }],
                },
                { namespace, role: "workflow-role", rules: WORKFLOW_ROLE },
            ],
        })),
        ...RBAC.workflowAccounts.map(({ name, tier, grants }) => ({
            name,
            namespace: ns[tier],
            grants: placed(grants, ns),
        })),
    ];
}

/** The catalog directory that renders revsolver's ServiceAccount and Role `revsolver` (thoth-application). */
export const REVSOLVER_BASE = "revsolver/base";

/**
 * revsolver's access (thoth-station.md §6.2, Appendix D and E): Role and RoleBinding `revsolver` (get/list
 * ConfigMaps) in infra, and `revsolver-argo`, `revsolver-argo-admin` to the ClusterRoles argo and argo-admin in
 * middletier, for the account revsolver's Workflows run as (middletier).
 *
 * The account and a Role `revsolver` come with the catalog's revsolver base, rendered into the module's namespace;
 * the account is therefore never created here (two owners of one object fail at create), only named as subject.
 * The bindings are overlay patches, which the catalog cannot render (bases only), so they are made here whether
 * or not the catalog is enabled: a binding may exist before its subject, and the account has its access the moment
 * the catalog renders it. The infra Role is made here unless the catalog's revsolver base lands in the infra
 * namespace itself (test: one namespace), where its own Role `revsolver` is that Role. Ownership follows the
 * catalog's module list, not its `enabled` switch, so switching the catalog never hands a live Role from one owner
 * to the other (the new owner's create would fail on the object that still exists).
 */
export function revsolverAccount(ns: Record<StationTier, string>, catalog?: CatalogConfig): WorkflowAccount {
    const rendered = new Set(
        (catalog?.modules ?? [])
            .filter((m) => m.path === REVSOLVER_BASE)
            .flatMap((m) => m.tiers.map((t) => ns[t])),
    );
    const role: AccessGrant = rendered.has(ns.infra)
        ? { namespace: ns.infra, existingRole: "revsolver", objectName: "revsolver" }
        : {
              namespace: ns.infra,
              role: "revsolver",
              objectName: "revsolver",
              rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
          };
    return {
        name: "revsolver",
        namespace: ns.middletier,
        createAccount: false,
        grants: [role, ...argoGrants(ns.middletier)],
    };
}

/** Argo's ClusterRoles, bound where an account submits Workflows (cluster prerequisites, see argo.ts). */
export function argoGrants(namespace: string): AccessGrant[] {
    return [
        { namespace, clusterRole: "argo" },
        { namespace, clusterRole: "argo-admin" },
    ];
}

/** The grants of each station service account, resolved to the environment's namespaces. */
export function stationGrants(ns: Record<StationTier, string>): Record<string, AccessGrant[]> {
    return Object.fromEntries(
        Object.entries(RBAC.grants).map(([account, grants]) => [account, placed(grants, ns)]),
    );
}
