// Type-aware linting: the Pulumi rules need the type checker to spot Outputs inside template literals.
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

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
        // Issue 53: a plain Error tells the reader neither whose mistake it is nor where it belongs. A stack file's
        // value is refused by the config passes (ConfigError, with its key and fix) before the program builds
        // anything; what remains is either about a resource at hand or a bug of the program.
        files: ["components/**/*.ts"],
        rules: {
            "no-restricted-syntax": [
                "error",
                ...["NewExpression", "CallExpression"].map((call) => ({
                    selector: `ThrowStatement > ${call}[callee.name='Error']`,
                    message:
                        "No plain Error in components/: throw pulumi.ResourceError with the resource at hand, or " +
                        "DefinitionError (components/shared/errors.ts) for a mistake of the program; a stack file's " +
                        "bad value is refused in components/config/ (ConfigError) instead",
                })),
            ],
        },
    },
);
