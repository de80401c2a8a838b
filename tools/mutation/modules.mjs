// The pure modules under mutation testing, each with the test files that exercise it.
// `mutate` takes Stryker's patterns (a `:from-to` line range limits a file to some of its functions).
export const MODULES = {
    rotation: { mutate: ["components/rotation.ts"], spec: ["tests/rotation.test.ts"] },
    settings: { mutate: ["components/settings.ts"], spec: ["tests/settings.test.ts"] },
    rules: { mutate: ["components/rules.ts"], spec: ["tests/rules.test.ts"] },
    azureIds: { mutate: ["components/azureIds.ts"], spec: ["tests/settings.test.ts", "tests/auth.test.ts"] },
    validation: {
        mutate: ["components/validation/**/*.ts"],
        spec: [
            "tests/validation.test.ts",
            "tests/names.test.ts",
            "tests/refusals.test.ts",
            "tests/options.test.ts",
            "tests/renderYaml.test.ts",
        ],
    },
    arm: { mutate: ["components/token/arm.ts"], spec: ["tests/arm.test.ts"] },
    tokenProvider: { mutate: ["components/token/provider.ts:54-106"], spec: ["tests/tokenProvider.test.ts"] },
};
