import { z } from "zod";
import { hostName, httpsUrl, imageRef, k8sName } from "../config/fields";
import { ConfigProblem, fullKey, setCommand } from "../config/problems";
import { duplicates } from "../shared/naming";

/** One tunnel: ultrahook.com/<subdomain> forwarded to a destination inside the cluster or outside. */
export const ultrahookInstanceSchema = z
    .object({
        subdomain: k8sName("cyborg-regidores"),
        /** Secret (in the ultrahook namespace) holding this tunnel's `api.key`; its value is config secret `thoth-<name>-api-key`. */
        apiKeySecret: k8sName("ultrahook-aicoe"),
        /** Where requests go: a URL. */
        destination: httpsUrl("https://managesf.thoth-station.ninja"),
    })
    .strict();

export const ultrahooksSchema = z
    .object({
        enabled: z.boolean().default(true).meta({ example: "true" }),
        namespace: k8sName("aicoe"),
        /** Create the namespace (false when it already exists and belongs to someone else). */
        createNamespace: z.boolean().default(true).meta({ example: "true" }),
        image: imageRef("quay.io/aicoe/ultrahook:v0.1.0"),
        instances: z.array(ultrahookInstanceSchema).min(1, "needs at least one tunnel"),
    })
    .strict();
export type UltrahooksConfig = z.infer<typeof ultrahooksSchema>;

export const thothSchema = z
    .object({
        enabled: z.boolean().meta({ example: "true" }),
        cluster: k8sName("psi"),
        /** Base domain of routes the station's public endpoints get. */
        domain: hostName("apps.ocp4.prod.psi.redhat.com").optional(),
        ultrahooks: ultrahooksSchema.optional(),
    })
    .strict();
export type ThothConfig = z.infer<typeof thothSchema>;

/** Secret config key of an ultrahook API-key Secret. */
export function ultrahookApiKeySecret(secretName: string): string {
    return `thoth-${secretName}-api-key`;
}

/** Checks that a schema cannot express: duplicate tunnels. */
export function ultrahookProblems(config: UltrahooksConfig | undefined): ConfigProblem[] {
    if (!config) return [];
    return duplicates(config.instances.map((i) => i.subdomain)).map((sub) => {
        const index = config.instances.map((i) => i.subdomain).lastIndexOf(sub);
        const key = `thoth.ultrahooks.instances[${index}].subdomain`;
        return {
            key: fullKey(key),
            message: `subdomain "${sub}" is configured twice; each ultrahook subdomain can be tunnelled once`,
            fix: setCommand(key, `${sub}-2`, { path: true }),
        };
    });
}
