import { z } from "zod";
import { PROJECT } from "../../components/config/problems";
import { clustersSchema, openstackSchema } from "../../components/config/program";
import { stackTier } from "../../components/config/system";
import { SYSTEMS } from "../../components/systems";

// The JSON Schema of a stack file (Pulumi.<stack>.yaml), made from the zod schemas that check its sections: each stack
// file names it for the YAML language server, so an editor flags a wrong type or an unknown key as it is typed. It
// checks what a schema can say (types, keys, enums, patterns); the cross-field and cross-stack checks stay the
// program's (`npm run plan` prints them).

/** The published schema, written by `npm run docs`; the stack files name it by this path. */
export const STACK_SCHEMA_FILE = "schema/stack.schema.json";

export type JsonSchema = { [keyword: string]: unknown };

/** What `pulumi config set --secret` writes: the value encrypted, in the stack file as `{secure: ...}`. */
const SECURE: JsonSchema = {
    description:
        "A secret, encrypted: set it with `pulumi config set --secret <key>` (docs/reference/secrets.md).",
    type: "object",
    properties: { secure: { type: "string" } },
    required: ["secure"],
    additionalProperties: false,
};

/** An example as the value it stands for: the schemas write `"false"` or `'["a"]'`, as `pulumi config set` takes it. */
function typedExample(example: unknown, type: unknown): unknown {
    if (typeof example !== "string" || type === "string" || type === undefined) return example;
    try {
        return JSON.parse(example);
    } catch {
        return example;
    }
}

/**
 * A zod schema as JSON Schema of what an operator writes (a key with a default may be left out), in draft-07, which
 * the YAML language server and ajv read. A field's example becomes the standard `examples`; `ask` (how an operator
 * finds a value, for the program's own messages) stays out.
 */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
    return z.toJSONSchema(schema, {
        io: "input",
        target: "draft-7",
        // A transform's output or a custom check says nothing of the input: any value, as the program's parse decides.
        unrepresentable: "any",
        override: ({ jsonSchema }) => {
            const j = jsonSchema as JsonSchema;
            if (j.example !== undefined) j.examples = [typedExample(j.example, j.type)];
            delete j.example;
            delete j.ask;
        },
    }) as JsonSchema;
}

/** The sections of a stack file, in the order the docs list them: the program's, then each system's. */
export function stackSections(): { section: string; schema: z.ZodType; required: boolean; title?: string }[] {
    return [
        { section: "tier", schema: stackTier, required: true },
        { section: "clusters", schema: clustersSchema, required: false },
        { section: "openstack", schema: openstackSchema, required: false },
        ...SYSTEMS.map((s) => ({
            section: s.section,
            schema: s.schema as z.ZodType,
            required: true,
            title: s.title,
        })),
    ];
}

/** A system's section: switched off by `enabled: false` alone (its other keys are checked once it is on again). */
function systemSection(title: string, definition: string): JsonSchema {
    return {
        description: `${title}: \`enabled: false\` switches it off, and then nothing else in the section is read.`,
        if: { type: "object", properties: { enabled: { const: false } }, required: ["enabled"] },
        else: { $ref: `#/definitions/${definition}` },
    };
}

/**
 * The schema of a whole stack file. The sections are converted together, so that a recursive schema's definitions
 * are the file's; a system's section is a definition of its own, which two systems of one schema (Packit and Stream)
 * share.
 */
export function stackFileSchema(): JsonSchema {
    const sections = stackSections();
    const shape = Object.fromEntries(
        sections.map((s) => [`${PROJECT}:${s.section}`, s.required ? s.schema : s.schema.optional()]),
    );
    const {
        $schema,
        definitions = {},
        ...config
    } = inputJsonSchema(z.strictObject(shape)) as JsonSchema & {
        properties: Record<string, JsonSchema>;
        definitions?: Record<string, JsonSchema>;
    };
    const defined = new Map<z.ZodType, string>();
    for (const { section, schema, title } of sections) {
        if (title === undefined) continue;
        const key = `${PROJECT}:${section}`;
        if (!defined.has(schema)) definitions[section] = config.properties[key];
        defined.set(schema, defined.get(schema) ?? section);
        config.properties[key] = systemSection(title, defined.get(schema)!);
    }
    const secretPrefixes = [
        ...sections.filter((s) => s.title).map((s) => s.section),
        "kubeconfig",
        "openstack",
    ];
    config.patternProperties = {
        // The secrets the systems, the clusters' kubeconfigs and OpenStack read (docs/reference/secrets.md).
        [`^${PROJECT}:(${secretPrefixes.join("|")})-[a-z0-9-]+$`]: SECURE,
        // The providers' own keys: the program does not read them.
        "^(kubernetes|openstack|command|pulumi):": {},
    };
    return {
        $schema,
        title: "Pulumi stack file of the runbooks program",
        description:
            "Generated by `npm run docs` from the configuration schemas; the keys are explained in docs/reference/configuration-keys.md.",
        type: "object",
        properties: {
            config,
            secretsprovider: { type: "string" },
            encryptedkey: { type: "string" },
            encryptionsalt: { type: "string" },
            environment: {},
        },
        required: ["config"],
        additionalProperties: false,
        definitions,
    };
}

/** The schema file's text, as `npm run docs` writes it. */
export function stackSchemaText(schema: JsonSchema = stackFileSchema()): string {
    return `${JSON.stringify(schema, null, 2)}\n`;
}
