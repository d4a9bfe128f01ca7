import type { z } from "zod";
import { schemaAt } from "../../components/config/issues";
import { PROJECT, segments } from "../../components/config/problems";
import { PROGRAM_SECTIONS, clustersSchema, openstackSchema } from "../../components/config/program";
import { knownSections } from "../../components/config/passes/strayKeys";
import { stackTier } from "../../components/config/system";
import { SystemDefinition } from "../../components/config/systemDefinition";
import { SYSTEMS } from "../../components/systems";
import { committedConfigs } from "../../tools/docs/secrets";

/** The schema of each section the program itself reads: typed by PROGRAM_SECTIONS, so a new one needs its schema. */
const PROGRAM_SCHEMAS: Record<(typeof PROGRAM_SECTIONS)[number], z.ZodType> = {
    tier: stackTier,
    clusters: clustersSchema,
    openstack: openstackSchema,
};

/** What the program reads: its sections (as the stray-keys pass knows them) with their schemas, and its secrets. */
export interface ReadKeys {
    systems: readonly SystemDefinition[];
    /** Secret keys a committed stack's configuration declares (SecretSpecs, kubeconfigs and OpenStack's included). */
    secrets: ReadonlySet<string>;
}

/** The keys the committed stacks read, from the same passes that reject a stray key in a stack file. */
export function committedReadKeys(root: string): ReadKeys {
    const secrets = new Set(
        committedConfigs(root).flatMap(([, config]) => config.secretSpecs.map((s) => s.key)),
    );
    return { systems: SYSTEMS, secrets };
}

/**
 * Why the program does not read `key` (with or without the `runbooks:` project), or undefined when it does: a
 * secret a committed stack declares, a section, or a path inside a section's schema (`packit.instances.prod.host`).
 */
export function unreadKeyReason(key: string, read: ReadKeys): string | undefined {
    const bare = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
    const [section, ...path] = segments(bare);
    if (path.length === 0 && read.secrets.has(bare)) return undefined;
    const sections = knownSections(read.systems);
    if (typeof section !== "string" || !sections.includes(section))
        return `not a section (${sections.join(", ")}) or a secret a committed stack declares`;
    const schema =
        PROGRAM_SCHEMAS[section as keyof typeof PROGRAM_SCHEMAS] ??
        read.systems.find((s) => s.section === section)!.schema;
    if (schemaAt(schema, path)) return undefined;
    // Below a free-form value (`seshetaConfig: record of unknown`) every key is the operator's to choose.
    for (let i = path.length - 1; i >= 0; i--) {
        const above = schemaAt(schema, path.slice(0, i));
        if (above) return isFreeForm(above) ? undefined : `section ${section} has no field ${path.join(".")}`;
    }
    return `section ${section} has no field ${path.join(".")}`;
}

/** Whether a schema takes any value (zod's unknown or any, under optional/default wrappers). */
function isFreeForm(schema: z.ZodType): boolean {
    let def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
    while (def.innerType) def = (def.innerType as unknown as { _zod: { def: typeof def } })._zod.def;
    return def.type === "unknown" || def.type === "any";
}
