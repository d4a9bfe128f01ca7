import { KindedNotice, notice } from "./notices";
import { z } from "zod";
import type { ExposureAudience } from "../shared/portPurpose";
import { isPlaceholder } from "../shared/placeholder";
import { cidrProblem, worldAdmittedBy } from "./checks";
import { checked } from "./fields";
import { ConfigProblem, fullKey } from "./problems";
import { worldWords } from "./sourceRanges";
import { StackTier, isProductionTier } from "./system";

/**
 * Who may reach a system's public Routes to admin or metrics ports: the source ranges (CIDR) of the readers, such as
 * the Prometheus that scrapes them. The router admits no one else (`haproxy.router.openshift.io/ip_whitelist`).
 */
export const routeAudienceSchema = z.strictObject({
    allowFrom: z
        .array(
            z
                .string()
                .superRefine(checked((v: string) => (isPlaceholder(v) ? undefined : cidrProblem(v))))
                .meta({ example: "<the CIDR of the Prometheus that scrapes them>" }),
        )
        .min(1, "needs at least one range; to expose nothing, ask for the Routes to be removed instead"),
});
export type RouteAudienceConfig = z.infer<typeof routeAudienceSchema>;

/** The audience the Routes of `key` get: the ranges the stack names, none where it names none (stage only). */
export function allowListAudience(key: string, value: RouteAudienceConfig | undefined): ExposureAudience {
    return { allowFrom: value?.allowFrom ?? [], key: fullKey(`${key}.allowFrom`) };
}

/**
 * The one rule of a stack's answer to "who may reach these admin or metrics Routes": production names its readers'
 * ranges (never the whole internet, never a placeholder on a real run); a stack that names none is told, in a notice,
 * that they are public. The fix asks for the range: the program cannot know who scrapes a Route.
 */
export function routeAudienceProblems(
    key: string,
    value: RouteAudienceConfig | undefined,
    routes: readonly string[],
    tier: StackTier | undefined,
): ConfigProblem[] {
    if (routes.length === 0) return [];
    const allowFrom = `${key}.allowFrom`;
    const purpose = `${routes.join(", ")} serve admin or metrics ports on public Routes; set it to the source ranges (CIDR) of their readers (ask the operators of the Prometheus that scrapes them)`;
    if (value === undefined) {
        return isProductionTier(tier)
            ? [{ key: fullKey(allowFrom), message: `is not set: ${purpose}, open to anyone without it` }]
            : [];
    }
    if (value.allowFrom.some(isPlaceholder))
        return [{ key: fullKey(allowFrom), message: `is a placeholder: ${purpose}`, placeholder: true }];
    const families = worldAdmittedBy(value.allowFrom);
    if (families.length > 0)
        return [
            {
                key: fullKey(allowFrom),
                message: `admits ${worldWords(families)}: ${purpose}, and the whole internet is no audience`,
            },
        ];
    return [];
}

/** The notice of a stack that names no audience: which Routes anyone may reach, and the key that restricts them. */
export function routeAudienceNotice(
    key: string,
    value: RouteAudienceConfig | undefined,
    routes: readonly string[],
): KindedNotice[] {
    if (routes.length === 0 || value !== undefined) return [];
    return [
        notice(
            "PUBLIC ROUTES",
            `${routes.join(", ")}: public Routes to admin or metrics ports, reachable by anyone until ${fullKey(`${key}.allowFrom`)} names who may reach them (production refuses them without it)`,
        ),
    ];
}
