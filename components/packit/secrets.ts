import { z } from "zod";
import { SecretSpec } from "../config/system";
import { loadFacts } from "../shared/facts";
import { COMPONENTS, PackitConfig, ServiceName } from "./config";
import { SERVICES_NAMED_IN_SECRETS, ServiceNamedInSecrets } from "./servicesNamedInSecrets";
import { mainNamespace } from "./layout";

/** The Secrets of the source (facts/secrets/packit.yaml): a pod reads only these (components/packit/env.ts PackitReads). */
export const PACKIT_SECRET_NAMES = [
    "packit-ssh",
    "packit-secrets",
    "packit-config",
    "packit-sentry",
    "aws",
    "centos-secrets",
    "github-app-private-key",
    "flower-secret",
    "redis-commander-secret",
] as const;
export type PackitSecretName = (typeof PACKIT_SECRET_NAMES)[number];

const sourceSecret = z.strictObject({
    name: z.enum(PACKIT_SECRET_NAMES),
    usedBy: z.array(z.enum(COMPONENTS)).readonly(),
    keys: z
        .array(
            z.strictObject({
                key: z.string().min(1),
                description: z.string().min(1),
                example: z.string().min(1),
                today: z.string().min(1),
                fromFile: z.boolean().optional(),
                base64: z.boolean().optional(),
                names: z
                    .array(z.enum(Object.keys(SERVICES_NAMED_IN_SECRETS) as ServiceNamedInSecrets[]))
                    .readonly()
                    .optional(),
            }),
        )
        .readonly(),
});
export type SourceSecret = z.infer<typeof sourceSecret>;
export type SourceSecretKey = SourceSecret["keys"][number];

export const SOURCE_SECRETS: readonly SourceSecret[] = loadFacts(
    "facts/secrets/packit.yaml",
    z.strictObject({ secrets: z.array(sourceSecret).readonly() }),
    "Packit's secrets table",
).secrets;

/** Config key of one Secret key: `<section>-<secret>-<key>`, e.g. `packit-packit-config-packit-service-yaml`. */
export function secretConfigKey(section: string, secretName: string, key: string): string {
    return `${section}-${secretName}-${key.replace(/[._]/g, "-").toLowerCase()}`;
}

export function neededSecrets(config: PackitConfig): SourceSecret[] {
    return SOURCE_SECRETS.filter((s) => s.usedBy.some((c) => config.components[c]));
}

/** Config key of the running database's password, when it is adopted rather than generated. */
export function postgresPasswordKey(section: string): string {
    return secretConfigKey(section, "postgres-secret", "database-password");
}

/** The secret config keys of a section, documented with where each value lives today. */
export function packitSecretSpecs(section: string, config: PackitConfig): SecretSpec[] {
    const dir = `packit/deployment secrets repository, secrets/${section}/${config.deployment}/`;
    const adopted: SecretSpec[] =
        config.components.postgres && config.postgres.existingPassword
            ? [
                  {
                      key: postgresPasswordKey(section),
                      description: `password of the running ${section} database (Secret postgres-secret, key database-password), so the adopted data keeps its user`,
                      today: `the cluster: oc -n ${mainNamespace(section as ServiceName, config)} get secret postgres-secret -o jsonpath='{.data.database-password}' | base64 -d`,
                      example: "database-password.txt",
                      fromFile: true,
                  },
              ]
            : [];
    return adopted.concat(
        neededSecrets(config).flatMap((s) =>
            s.keys.map((k) => ({
                key: secretConfigKey(section, s.name, k.key),
                description: `Secret ${s.name}, key ${k.key}: ${k.description}`,
                today: `${dir}${k.today}`,
                example: k.example,
                ...(k.fromFile ? { fromFile: true } : {}),
            })),
        ),
    );
}
