import { z } from "zod";
import { k8sName, platform } from "./fields";
import { stackTier } from "./system";

/** `runbooks:clusters`: every Kubernetes cluster the stack deploys to. Each one's kubeconfig is the secret `kubeconfig-<name>`. */
export const clustersSchema = z.record(
    k8sName("example-cluster"),
    z
        .object({
            platform,
            /** kubeconfig context; the file's current context when unset. */
            context: z.string().min(1).optional().meta({ example: "default/api-cluster:6443/admin" }),
            /** What the cluster is, for people reading the stack file. */
            description: z.string().optional().meta({ example: "Red Hat PSI OpenShift 4" }),
            /**
             * First deploy onto a cluster where the objects already exist: the provider updates an existing object
             * instead of failing with AlreadyExists (`upsertExistingObjects`). Switch it off after that deploy.
             */
            adoptExisting: z.boolean().default(false).meta({ example: "false" }),
            /**
             * The cluster's ingress controller publishes no `.status.loadBalancer` (kwok, some controllers): Ingresses
             * get `pulumi.com/skipAwait` so a deploy does not wait 10 minutes for a status that never comes.
             */
            skipIngressAwait: z.boolean().default(false).meta({ example: "false" }),
        })
        .strict(),
);
export type ClustersConfig = z.infer<typeof clustersSchema>;

/** `runbooks:openstack`: the OpenStack cloud of the OpenStack-side systems. */
export const openstackSchema = z
    .object({
        authUrl: z
            .url({ error: "must be the Keystone URL, e.g. https://keystone.example.org:5000/v3" })
            .meta({
                example: "https://keystone.example.org:5000/v3",
            }),
        region: z.string().min(1).meta({ example: "Calgary" }),
        projectName: z.string().min(1).meta({ example: "callysto" }),
        projectDomainName: z.string().min(1).default("Default").meta({ example: "Default" }),
        userDomainName: z.string().min(1).default("Default").meta({ example: "Default" }),
        /** Password authentication: the user; its password is the secret `openstack-password`. */
        userName: z.string().min(1).optional().meta({ example: "callysto-deploy" }),
        /** Application-credential authentication: the id; its secret is `openstack-application-credential-secret`. */
        applicationCredentialId: z
            .string()
            .min(1)
            .optional()
            .meta({ example: "0123456789abcdef0123456789abcdef" }),
    })
    .strict()
    .refine((o) => (o.userName === undefined) !== (o.applicationCredentialId === undefined), {
        message:
            "set exactly one of userName (password auth) or applicationCredentialId (application credential)",
        path: ["userName"],
    });
export type OpenstackConfig = z.infer<typeof openstackSchema>;

export { stackTier };

/** Sections that belong to the program rather than to one system. */
export const PROGRAM_SECTIONS = ["tier", "clusters", "openstack"] as const;
