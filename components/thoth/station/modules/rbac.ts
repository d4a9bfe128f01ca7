import { AccessGrant, PolicyRule } from "../../../shared/serviceAccount";
import { CatalogConfig } from "../../config";
import { CORE_TIERS } from "../stationSecrets";
import { StationTier } from "../tiers";

// Rules of thoth-application's Roles (thoth-station.md Appendix D), one constant per rule set.

const READ = ["get", "list", "watch"];
const ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** Processing OpenShift Templates into Workflows/Jobs: how the APIs and consumers start work. */
export const TEMPLATES: PolicyRule = {
    apiGroups: ["", "template.openshift.io"],
    resources: ["processedtemplates", "templateconfigs", "templateinstances", "templates"],
    verbs: ALL,
};
export const POD_STATUS: PolicyRule = {
    apiGroups: [""],
    resources: ["pods/log", "pods/status"],
    verbs: READ,
};
/** What Workflow pods and the controller need in the namespace (reference Role `workflow-role`). */
export const WORKFLOW_ROLE: PolicyRule[] = [
    { apiGroups: [""], resources: ["secrets"], verbs: ["get", "watch", "list"] },
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "patch", "delete"] },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get", "watch"] },
];

const IMAGE_STREAMS = ["imagestreamimages", "imagestreammappings", "imagestreams", "imagestreamtags"];
const WRITE = ["create", "get", "list", "patch", "update", "watch"];

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
 * (thoth-station.md §6, Appendix D). Inspection Workflows build images, hence the build and image-stream rights.
 */
export function workflowAccounts(ns: Record<StationTier, string>): WorkflowAccount[] {
    const core = [...new Set(CORE_TIERS.map((t) => ns[t]))];
    const inspection = ns["amun-inspection"];
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
        {
            name: "amun-api-workflow",
            namespace: inspection,
            grants: [
                {
                    namespace: inspection,
                    role: "inspections",
                    rules: [
                        { apiGroups: ["", "image.openshift.io"], resources: IMAGE_STREAMS, verbs: WRITE },
                        {
                            apiGroups: ["", "build.openshift.io"],
                            resources: ["builds", "buildconfigs"],
                            verbs: WRITE,
                        },
                        { apiGroups: [""], resources: ["pods", "configmaps"], verbs: WRITE },
                        POD_STATUS,
                    ],
                },
            ],
        },
        {
            name: "amun-prepare-workflow",
            namespace: inspection,
            grants: [
                {
                    namespace: inspection,
                    role: "prepare",
                    rules: [
                        {
                            apiGroups: ["", "image.openshift.io"],
                            resources: IMAGE_STREAMS,
                            verbs: ["get", "list", "watch", "delete"],
                        },
                        {
                            apiGroups: ["", "build.openshift.io"],
                            resources: ["builds", "buildconfigs"],
                            verbs: ["get", "list", "watch", "delete"],
                        },
                        { apiGroups: [""], resources: ["pods"], verbs: [...WRITE, "delete"] },
                    ],
                },
            ],
        },
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
        grants: [role, ...argo(ns.middletier)],
    };
}

export const CONFIG_READ: PolicyRule = { apiGroups: [""], resources: ["configmaps"], verbs: READ };
const WORKLOAD_READ: PolicyRule = {
    apiGroups: [""],
    resources: [
        "pods",
        "pods/log",
        "pods/status",
        "pods/attach",
        "services",
        "configmaps",
        "secrets",
        "serviceaccounts",
    ],
    verbs: READ,
};
const MANAGEMENT: PolicyRule[] = [
    { apiGroups: [""], resources: ["serviceaccounts", "secrets"], verbs: READ },
    { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: ["get", "create", "list", "watch"] },
    {
        apiGroups: [""],
        resources: ["configmaps"],
        verbs: ["get", "list", "watch", "create", "delete", "deletecollection", "patch", "update"],
    },
    TEMPLATES,
];
const METRICS_READ: PolicyRule[] = [
    { apiGroups: [""], resources: ["configmaps", "pods", "services"], verbs: READ },
    { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: READ },
    { apiGroups: ["", "image.openshift.io"], resources: IMAGE_STREAMS, verbs: READ },
];

/** Argo's ClusterRoles, bound where an account submits Workflows (cluster prerequisites, see argo.ts). */
function argo(namespace: string): AccessGrant[] {
    return [
        { namespace, clusterRole: "argo" },
        { namespace, clusterRole: "argo-admin" },
    ];
}

/** The grants of each station service account, resolved to the environment's namespaces. */
export function stationGrants(ns: Record<StationTier, string>): Record<string, AccessGrant[]> {
    return {
        "user-api": [
            { namespace: ns.infra, role: "templates", rules: [CONFIG_READ, TEMPLATES] },
            {
                namespace: ns.backend,
                role: "pods-info",
                rules: [
                    POD_STATUS,
                    {
                        apiGroups: [""],
                        resources: ["secrets"],
                        verbs: ["get", "create", "update", "list", "watch"],
                    },
                ],
            },
            { namespace: ns.middletier, role: "pods-info", rules: [POD_STATUS] },
            ...argo(ns.backend),
        ],
        "management-api": [
            { namespace: ns.infra, role: "templates", rules: MANAGEMENT },
            { namespace: ns.middletier, role: "templates", rules: MANAGEMENT },
            { namespace: ns.middletier, role: "pods-info", rules: [POD_STATUS] },
            { namespace: ns["amun-inspection"], role: "pods-info", rules: [POD_STATUS] },
            ...argo(ns.middletier),
            ...argo(ns.backend),
            { namespace: ns["amun-inspection"], clusterRole: "argo-admin" },
        ],
        "amun-api": [
            {
                namespace: ns["amun-inspection"],
                role: "inspections",
                rules: [
                    {
                        apiGroups: [""],
                        resources: ["pods", "configmaps", "secrets", "serviceaccounts"],
                        verbs: READ,
                    },
                    TEMPLATES,
                ],
            },
            ...argo(ns["amun-inspection"]),
        ],
        investigator: [
            { namespace: ns.infra, role: "workloads", rules: [TEMPLATES, WORKLOAD_READ] },
            { namespace: ns.backend, role: "workloads", rules: [WORKLOAD_READ] },
            { namespace: ns.middletier, role: "workloads", rules: [WORKLOAD_READ] },
            ...argo(ns.backend),
            ...argo(ns.middletier),
        ],
        "metrics-exporter": (
            [
                "frontend",
                "middletier",
                "backend",
                "amun-api",
                "amun-inspection",
                "graph",
                "infra",
            ] as StationTier[]
        ).map((t) => ({ namespace: ns[t], role: "reader", rules: METRICS_READ })),
        "graph-refresh-job": [
            {
                namespace: ns.infra,
                role: "templates",
                rules: [
                    { apiGroups: [""], resources: ["serviceaccounts", "secrets"], verbs: READ },
                    TEMPLATES,
                ],
            },
            {
                namespace: ns.middletier,
                role: "config",
                rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ALL }],
            },
            ...argo(ns.middletier),
        ],
        "mi-scheduler": [
            {
                namespace: ns.infra,
                role: "templates",
                rules: [
                    { apiGroups: [""], resources: ["configmaps", "secrets"], verbs: READ },
                    {
                        apiGroups: ["", "template.openshift.io"],
                        resources: ["processedtemplates", "templates"],
                        verbs: ALL,
                    },
                ],
            },
            { namespace: ns.middletier, clusterRole: "argo-admin" },
        ],
    };
}
