import { z } from "zod";
import { k8sName } from "../../../components/config/fields";
import { ConfigProblem } from "../../../components/config/problems";
import { SystemDefinition, defineSystem, registered } from "../../../components/config/systemDefinition";

// Two small Kubernetes-side systems and an OpenStack-side one, so each pass is exercised on sections whose every
// field the test decides, without depending on a real system's schema.

export interface AppConfig {
    enabled: boolean;
    cluster?: string;
    namespace: string;
    host?: string;
}

const appSchema = z
    .object({
        enabled: z.boolean(),
        cluster: k8sName("psi").optional(),
        namespace: k8sName("apps"),
        host: z.string().optional().meta({ example: "app.example.org" }),
    })
    .strict();

/** A system whose namespace is `<section>.namespace` and whose one secret is `<section>-token`. */
export function app(section: string, check?: (c: AppConfig) => ConfigProblem[]): SystemDefinition {
    return registered(
        defineSystem<AppConfig, "kubernetes">({
            section,
            title: section.toUpperCase(),
            target: "kubernetes",
            schema: appSchema,
            namespaces: (c) => [{ namespace: c.namespace, key: `${section}.namespace` }],
            hosts: (c) => (c.host ? [{ value: c.host, key: `${section}.host`, settable: true }] : []),
            clusterScoped: () => [],
            secrets: () => [
                { key: `${section}-token`, description: "token", today: "gopass", example: "t0k3n" },
                {
                    key: `${section}-optional`,
                    description: "optional",
                    today: "gopass",
                    example: "x",
                    optional: true,
                },
            ],
            check,
            deploy: () => ({}),
        }),
    );
}

export const cloud = registered(
    defineSystem<{ enabled: boolean }, "openstack">({
        section: "cloud",
        title: "Cloud",
        target: "openstack",
        schema: z.object({ enabled: z.boolean() }).strict(),
        namespaces: () => [],
        hosts: () => [],
        clusterScoped: () => [],
        secrets: () => [],
        deploy: () => ({}),
    }),
);

/** The openstack section as it is once parsed, for {@link cloud}. */
export const OPENSTACK = {
    authUrl: "https://k",
    region: "r",
    projectName: "p",
    projectDomainName: "D",
    userDomainName: "D",
};

/** A cluster entry as `runbooks:clusters` holds it once parsed. */
export function cluster(
    grants: { namespaces?: Record<string, string>; hosts?: Record<string, string> } = {},
) {
    return {
        platform: "openshift" as const,
        adoptExisting: false,
        skipIngressAwait: false,
        namespaces: grants.namespaces ?? {},
        hosts: grants.hosts ?? {},
        clusterScoped: {},
    };
}

export const problemKeys = (problems: readonly ConfigProblem[]) => problems.map((p) => p.key);
