import { AccessGrant, PolicyRule } from "../shared/serviceAccount";
import { CORE_TIERS } from "./stationSecrets";
import { StationTier } from "./tiers";

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

/**
 * Accounts the station's Workflows run as (not its services): send-webhooks in every core namespace (deletes the
 * per-request callback Secrets) and Amun's two inspection accounts, each with exactly its reference Role(s)
 * (thoth-station.md §6, Appendix D). Inspection Workflows build images, hence the build and image-stream rights.
 */
export function workflowAccounts(
    ns: Record<StationTier, string>,
): { name: string; namespace: string; grants: AccessGrant[] }[] {
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
    {
        apiGroups: ["", "image.openshift.io"],
        resources: ["imagestreamimages", "imagestreammappings", "imagestreams", "imagestreamtags"],
        verbs: READ,
    },
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
