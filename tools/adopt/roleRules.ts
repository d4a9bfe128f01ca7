import { z } from "zod";
import { loadFacts } from "../../components/shared/facts";

const text = z.string().min(1);
const words = z.array(text).min(1);

const roleRule = z.discriminatedUnion("kind", [
    z.strictObject({
        kind: z.literal("binary"),
        role: text,
        binaries: words,
        scopeFlags: words.optional(),
        twice: text,
        source: text,
    }),
    z.strictObject({
        kind: z.literal("celery"),
        launchers: z
            .array(
                z.strictObject({
                    command: text,
                    subcommand: text.optional(),
                    images: words.optional(),
                    commandEnv: z.strictObject({ name: text, worker: text }).optional(),
                    queueFlags: words.optional(),
                    queueEnv: text.optional(),
                    source: text,
                }),
            )
            .min(1),
        twice: text,
    }),
    z.strictObject({ kind: z.literal("service"), twice: text }),
    z.strictObject({
        kind: z.literal("clientEnv"),
        env: text,
        url: z.boolean().optional(),
        role: text,
        keepLive: z.strictObject({ systems: words, key: text, source: text }).optional(),
        twice: text,
    }),
    z.strictObject({ kind: z.literal("schedule"), twice: text }),
]);

const roleRulesFile = z.strictObject({ rules: z.array(roleRule).min(1) });

export type RoleRule = z.infer<typeof roleRule>;
export type BinaryRule = Extract<RoleRule, { kind: "binary" }>;
export type CeleryRule = Extract<RoleRule, { kind: "celery" }>;
export type ClientEnvRule = Extract<RoleRule, { kind: "clientEnv" }>;

/** The roles the report recognises, and how (facts/adopt/roles.yaml). */
export function roleRules(): readonly RoleRule[] {
    return loadFacts("facts/adopt/roles.yaml", roleRulesFile, "a list of role rules").rules;
}
