// ESLint (flat config): typescript-eslint's recommended rules with type information, and Pulumi's rules that
// catch an Output interpolated in a plain template literal (use pulumi.interpolate).
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default defineConfig(
    { ignores: ["node_modules/", "dist/", "bin/", "examples/*/node_modules/", ".stryker-tmp/", "reports/"] },
    tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-explicit-any": "error",
        },
    },
);
