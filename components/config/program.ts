import { z } from "zod";
import { platform } from "../shared/platform";
import { checked, cidrBlock, k8sName } from "./fields";
import { stackTier } from "./system";
import { canonicalApiServer } from "./clusterIdentity";
import { clusterScopedProblem, hostPatternProblem } from "./ownership";
import { CA_FINGERPRINT_ASK, KUBE_SYSTEM_UID_ASK } from "./clusterPinCommands";
import { runningReleasesSchema } from "./releaseGate";

/** An API server names one cluster: `host`, `host:port` or an https:// URL (clusterIdentity.ts). */
function apiServerProblem(value: string): string | undefined {
    return canonicalApiServer(value) === undefined
        ? "must name the cluster's API server as host:port or https://host:port (a plain http:// server is refused)"
        : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (example: string, ask: string) =>
    z
        .string()
        .superRefine(
            checked((v) =>
                UUID.test(v) ? undefined : "must be a uid as Kubernetes prints it (8-4-4-4-12 hex digits)",
            ),
        )
        .meta({ example, ask });

/**
 * `clusters.<name>.identity`: which cluster this entry is, as the cluster itself says, pinned in the committed stack
 * file. Before anything is written, the engine reads the live cluster's identity through the stack's credential and
 * stops on any difference (components/shared/clusterProbe.ts); offline, two entries with one pin are one cluster.
 */
export const clusterPinSchema = z.strictObject({
    uid: uuid("3f6c2a7e-1d2b-4c5e-9f80-7a1b2c3d4e5f", KUBE_SYSTEM_UID_ASK).meta({
        description:
            "The uid of the cluster's kube-system namespace: made once, when the cluster is installed.",
    }),
    clusterID: uuid(
        "9b8e7d6c-5a4b-4c3d-8e2f-1a0b9c8d7e6f",
        "oc get clusterversion version -o jsonpath='{.spec.clusterID}'",
    )
        .optional()
        .meta({ description: "OpenShift only: the ClusterVersion `version`'s spec.clusterID." }),
    ca: z
        .string()
        .superRefine(
            checked((v) =>
                /^[0-9a-f]{64}$/i.test(v.replace(/:/g, ""))
                    ? undefined
                    : "must be a SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by ':'",
            ),
        )
        .optional()
        .meta({
            description:
                "SHA-256 fingerprint of the CA certificate the cluster's kubeconfig trusts (hex, colons allowed).",
            example: "5e:0f:...",
            ask: CA_FINGERPRINT_ASK,
        }),
});

/** The system (its config section, e.g. `thoth`) a grant is for. */
const grantee = z.string().min(1).meta({ example: "thoth" });
const hostPattern = z
    .string()
    .superRefine(checked(hostPatternProblem))
    .meta({ example: "*-aicoe.apps.example.com" });
const clusterScopedEntry = z
    .string()
    .superRefine(checked(clusterScopedProblem))
    .meta({ example: "CustomResourceDefinition/prowjobs.prow.k8s.io" });

/** `runbooks:clusters`: every Kubernetes cluster the stack deploys to. Each one's kubeconfig is the secret `kubeconfig-<name>`. */
export const clustersSchema = z.record(
    k8sName("example-cluster"),
    z.strictObject({
        platform,
        context: z.string().min(1).optional().meta({
            description: "kubeconfig context; the file's current context when unset.",
            example: "default/api-cluster:6443/admin",
        }),
        readOnlyContexts: z.array(z.string().min(1)).optional().meta({
            description:
                "Further contexts the kubeconfig may hold on the same cluster entry as the context in use, each with a user of its own that only reads (a view for people and tools): every other context is refused, and `pulumi preview`/`up` stop while one of these may write in any namespace of the cluster's stacks (SelfSubjectRulesReview).",
            example: '["viewer@psi"]',
        }),
        description: z.string().optional().meta({
            description: "What the cluster is, for people reading the stack file.",
            example: "Red Hat PSI OpenShift 4",
        }),
        adoptExisting: z.boolean().default(false).meta({
            description:
                "First deploy onto a cluster where the objects already exist: the provider updates an existing object instead of failing with AlreadyExists (`upsertExistingObjects`), its fields forced over the managers that hold them today (`enablePatchForce`), as `npm run adopt`'s dry run applies them. Switch it off after that deploy.",
            example: "false",
        }),
        running: runningReleasesSchema.optional().meta({
            description:
                "The release each image runs today, per system and image (`{ dials: { backend: v1.12.0 } }`), as the operator read it: while `adoptExisting` is on, `pulumi up` refuses an image without one and a pin older than it (components/config/releaseGate.ts).",
        }),
        skipIngressAwait: z.boolean().default(false).meta({
            description:
                "The cluster's ingress controller publishes no `.status.loadBalancer` (kwok, some controllers): Ingresses get `pulumi.com/skipAwait` so a deploy does not wait 10 minutes for a status that never comes.",
            example: "false",
        }),
        ingressNamespace: k8sName("ingress-nginx").optional().meta({
            description:
                "Kubernetes clusters: the namespace the ingress controller's pods run in, the one namespace the NetworkPolicies admit to exposed Services (OpenShift's routers are found by their policy group).",
            ask: "the namespace of this cluster's ingress controller pods (kubectl get pods -A -l app.kubernetes.io/component=controller)",
        }),
        clusterNetworks: z.array(cidrBlock("10.128.0.0/14")).optional().meta({
            description:
                "The cluster's pod and Service networks (OpenShift: `oc get network.config cluster -o jsonpath='{.spec.clusterNetwork[*].cidr} {.spec.serviceNetwork[*]}'`): closed to the pods of namespaces that run untrusted code, beside the private and link-local ranges that are always closed. Unset: those.",
        }),
        apiServer: z.string().min(1).superRefine(checked(apiServerProblem)).optional().meta({
            description:
                "The cluster's API server (`host:port`): two stacks whose entries name the same API server are on one cluster even under different names, so their grants are compared.",
            example: "api.ocp4.prod.psi.redhat.com:6443",
        }),
        credentialCommand: z.string().min(1).optional().meta({
            description:
                "The one credential-plugin command this cluster's kubeconfig may run (its `users[].user.exec.command`, an auth-provider's `cmd-path`, or `auth-provider:<name>` for one without), written only after a review of what it runs: any other plugin is refused before a provider is made (docs/reference/configuration.md, \"Kubeconfig policy\").",
            example: "kubelogin",
            ask: "the credential plugin's command, after review (its path as the kubeconfig's exec.command writes it)",
        }),
        credentialEnv: z.record(z.string().min(1), z.string()).optional().meta({
            description:
                "The environment the reviewed credential command runs with: every variable the kubeconfig's `exec.env` sets, with its value. Anything else in that environment is refused like an unreviewed command.",
        }),
        proxyUrl: z.string().min(1).optional().meta({
            description:
                "The `proxy-url` this cluster's kubeconfig may name, written only after a review of that proxy: it receives every request, the credential included. Unset, a proxy is refused on a production stack and shown as a notice on any other; any other value than this one is refused.",
            ask: "the proxy-url the cluster's kubeconfig names, after review of that proxy",
        }),
        tlsServerName: z.string().min(1).optional().meta({
            description:
                "The `tls-server-name` this cluster's kubeconfig may name, written only after review: the API server is then trusted with a certificate made out to this name instead of its own. Unset, it is refused on a production stack and shown as a notice on any other.",
            ask: "the tls-server-name the cluster's kubeconfig names, after review",
        }),
        identity: clusterPinSchema.optional(),
        namespaces: z.record(k8sName("aicoe-prod-bots"), grantee).default({}).meta({
            description:
                "What this stack may write on the cluster, and for which system (Argo CD's AppProject `destinations`, per system). A namespace no entry grants is refused before anything is created.",
        }),
        hosts: z.record(hostPattern, grantee).default({}).meta({
            description:
                "Hosts this stack serves (Routes, Ingresses), per system: an exact host or one `*` standing for any run of letters, digits and '-' inside one DNS label (`*-aicoe-prod-bots.apps.example.com`).",
        }),
        clusterScoped: z.record(clusterScopedEntry, grantee).default({}).meta({
            description:
                "Cluster-scoped objects this stack may own, per system: `Kind` (any name) or `Kind/name` (Argo CD's `clusterResourceWhitelist`). None by default: CRDs and ClusterRoles of a shared cluster usually belong to its platform team. Namespaces are granted by `namespaces`.",
        }),
    }),
);
export type ClustersConfig = z.infer<typeof clustersSchema>;

/** `runbooks:openstack`: the OpenStack cloud of the OpenStack-side systems. */
export const openstackSchema = z
    .strictObject({
        authUrl: z
            .url({ error: "must be the Keystone URL, e.g. https://keystone.example.org:5000/v3" })
            .meta({
                example: "https://keystone.example.org:5000/v3",
            }),
        region: z.string().min(1).meta({ example: "Calgary" }),
        projectName: z.string().min(1).meta({ example: "callysto" }),
        projectDomainName: z.string().min(1).default("Default").meta({ example: "Default" }),
        userDomainName: z.string().min(1).default("Default").meta({ example: "Default" }),
        userName: z.string().min(1).optional().meta({
            description:
                "Password authentication: the user; its password is the secret `openstack-password`.",
            example: "callysto-deploy",
        }),
        applicationCredentialId: z.string().min(1).optional().meta({
            description:
                "Application-credential authentication: the id; its secret is `openstack-application-credential-secret`.",
            example: "0123456789abcdef0123456789abcdef",
        }),
    })
    .refine((o) => (o.userName === undefined) !== (o.applicationCredentialId === undefined), {
        message:
            "set exactly one of userName (password auth) or applicationCredentialId (application credential)",
        path: ["userName"],
    });
export type OpenstackConfig = z.infer<typeof openstackSchema>;

export { stackTier };

/** Sections that belong to the program rather than to one system. */
export const PROGRAM_SECTIONS = ["tier", "clusters", "openstack"] as const;
