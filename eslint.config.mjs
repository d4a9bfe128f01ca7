// Type-aware linting: the Pulumi rules need the type checker to spot Outputs inside template literals.
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import importX, { createNodeResolver } from "eslint-plugin-import-x";

// Issue 53: a plain Error tells the reader neither whose mistake it is nor where it belongs. A stack file's value
// is refused by the config passes (ConfigError, with its key and fix) before the program builds anything; what
// remains is either about a resource at hand or a bug of the program.
const NO_PLAIN_ERROR = ["NewExpression", "CallExpression"].map((call) => ({
    selector: `ThrowStatement > ${call}[callee.name='Error']`,
    message:
        "No plain Error in components/: throw pulumi.ResourceError with the resource at hand, or " +
        "DefinitionError (components/shared/errors.ts) for a mistake of the program; a stack file's " +
        "bad value is refused in components/config/ (ConfigError) instead",
}));

// The layers of the program (issue 53, docs/develop/layout.md), lowest first: the building blocks
// (components/shared) stand on nothing of the program, the stack config and the system contract
// (components/config) on the building blocks only, the system folders on both, and the tools on those two and the
// registry of systems. A lower layer that imports a higher one knows what stands on it: a system's table or a
// config rule in the base means every change to a system reaches into it. Type-only imports and `import()` count.
// A file outside every layer's folder (a system's, the program's, a test's) may import any.
const LAYERS = [
    {
        folder: "components/shared",
        mayImport: [],
        fix: "move the piece both need into components/shared, or hand it in from the system that has it",
    },
    {
        folder: "components/config",
        mayImport: ["components/shared"],
        fix:
            "move the piece both need into components/shared or components/config, or read it from the " +
            "system's definition",
    },
    {
        // The tools read the systems through their one public interface, the registry of definitions, never a
        // system's own files. The tools package's tests (tools/test/) are tests, outside every layer.
        folder: "tools",
        ignores: ["tools/test/**"],
        mayImport: [
            "components/shared",
            "components/config",
            "components/systems.ts",
            "components/program.ts",
            // The workload-shape readers the policy pack reads plans with: pure, so the evidence replay the tests
            // and bump:read share (tools/evidence/replay.ts) reads a pod as the policy does.
            "policy/rules/k8s.ts",
            "policy/rules/podTemplate.ts",
            "policy/rules/types.ts",
        ],
        fix: "what a tool needs of a system is a member of its SystemDefinition, read through components/systems.ts",
    },
];

/** How many folders below a layer's own folder its rules reach; a file deeper may import only beside it and below. */
const LAYER_DEPTH = 6;

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A regular expression for the relative import specifiers, written in a file `depth` folders below
 * `layer.folder`, that name a file outside the folder and outside every place it may import from (import
 * specifiers are matched as written, so the rule is made once per depth). Written with `../` u times, an import
 * stays in the folder while u <= depth; with more it lands in an ancestor, from which it must go down to an allowed
 * place (a folder, or a file with or without its extension) or up further; past the checkout it names no file of
 * the program and is refused too.
 */
function leavesLayer(layer, depth) {
    const up = (n) => `(?:\\.\\./){${n}}`;
    const allowed = [layer.folder, ...layer.mayImport];
    const segments = layer.folder.split("/");
    const ways = [];
    for (let climbed = 1; climbed <= segments.length; climbed++) {
        const ancestor = segments.slice(0, segments.length - climbed).join("/");
        const down = allowed
            .filter((place) => ancestor === "" || place.startsWith(`${ancestor}/`))
            .map((place) => escape(ancestor === "" ? place : place.slice(ancestor.length + 1)))
            .map((rel) => (rel.endsWith("\\.ts") ? `${rel.slice(0, -4)}(?:\\.[jt]s)?$` : `${rel}(?:/|$)`));
        // Going up once more is judged at the next ancestor, except from the checkout's root.
        if (climbed < segments.length) down.push("\\.\\./");
        ways.push(`^${up(depth + climbed)}(?!${down.join("|")})`);
    }
    return ways.join("|");
}

/** The rules of a layer's files: static imports (type-only ones too) and `import()` calls. */
function layerRules(layer, leaves, message) {
    // esquery reads a regular expression up to its first slash: written as \x2F, the expression holds none.
    const inSelector = leaves.replaceAll("/", "\\x2F");
    return {
        "no-restricted-imports": ["error", { patterns: [{ regex: leaves, caseSensitive: true, message }] }],
        "no-restricted-syntax": [
            "error",
            // These options replace the folder's other restricted syntax for its files: kept here.
            ...(layer.folder.startsWith("components/") ? NO_PLAIN_ERROR : []),
            { selector: `ImportExpression > Literal.source[value=/${inSelector}/]`, message },
        ],
    };
}

/** Each layer's rules, once per depth of its files. */
const LAYER_RULES = LAYERS.flatMap((layer) => {
    const may =
        layer.mayImport.length === 0 ? "nothing of the program outside it" : layer.mayImport.join(", ");
    const message = `${layer.folder} may import ${may} (the layers, docs/develop/layout.md): ${layer.fix}`;
    return [
        ...Array.from({ length: LAYER_DEPTH + 1 }, (_, depth) => ({
            files: [`${layer.folder}/${"*/".repeat(depth)}*.ts`],
            ignores: layer.ignores ?? [],
            rules: layerRules(layer, leavesLayer(layer, depth), message),
        })),
        {
            files: [`${layer.folder}/${"*/".repeat(LAYER_DEPTH + 1)}**/*.ts`],
            ignores: layer.ignores ?? [],
            rules: layerRules(
                layer,
                "^\\.\\./",
                `A file more than LAYER_DEPTH folders below ${layer.folder} imports from above its own folder: ` +
                    "raise LAYER_DEPTH in eslint.config.mjs, so that the layer rules read its imports",
            ),
        },
    ];
});

export default tseslint.config(
    { ignores: ["node_modules/**", "out/**", "dist/**", "eslint.config.mjs"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
            ],
            "@typescript-eslint/no-floating-promises": "error",
        },
    },
    {
        files: ["components/**/*.ts"],
        rules: { "no-restricted-syntax": ["error", ...NO_PLAIN_ERROR] },
    },
    ...LAYER_RULES,
    {
        // No import cycles in the production code (issue 53): files that import each other, directly or round a
        // loop, cannot be read, tested or moved one at a time, and a value read during the loop's evaluation is
        // undefined. Relative imports resolve to the .ts sources; packages are not followed (none imports back).
        // import-x follows value imports only: a loop closed by `import type` alone is erased at compile time.
        files: ["index.ts", "components/**/*.ts", "tools/**/*.ts", "policy/**/*.ts"],
        plugins: { "import-x": importX },
        settings: {
            "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })],
            "import-x/extensions": [".ts"],
            "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
            "import-x/ignore": ["node_modules"],
        },
        rules: {
            "import-x/no-cycle": ["error", { ignoreExternal: true }],
            // Issue 86: the program and its operator tools are two packages, and what `pulumi up` runs depends on
            // none of the tools: a tool may change or go without touching a deploy.
            "import-x/no-restricted-paths": [
                "error",
                {
                    zones: [
                        {
                            target: ["./index.ts", "./components"],
                            from: "./tools",
                            message:
                                "the program (index.ts, components/) imports nothing of the tools package: move " +
                                "what both need into components/shared and let the tool import it from there",
                        },
                    ],
                },
            ],
        },
    },
);
