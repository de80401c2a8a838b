// How Pulumi's Node.js runner loads a TypeScript program when the real CLI runs it (`pulumi preview` / `up` through
// the Node.js language host): `@pulumi/pulumi/cmd/run/run.js` registers ts-node with the options below, so ts-node
// type-checks every TypeScript file the program requires, unless PULUMI_NODEJS_TRANSPILE_ONLY or the tsconfig's
// `noCheck` says otherwise. The language host cannot be built here (docs/testing.md), so the e2e harness runs
// programs inline; with `runner: "cli"` it first registers ts-node exactly this way, and the program pays what it
// pays under the CLI. tests/cliTsNode.test.ts checks these options against what run.js itself passes to ts-node.
import * as fs from "fs";
import * as path from "path";

/** The options run.js passes to ts-node's `register` (its CommonJS branch). */
export interface CliTsNodeOptions {
    compiler: string;
    transpileOnly: boolean | undefined;
    project: string;
    skipProject: boolean;
    compilerOptions: Record<string, unknown>;
}

interface PulumiTsUtils {
    loadTypeScriptCompilerOptions(tsConfigPath: string): Record<string, unknown>;
    typeScriptRequireStrings(): { typescriptRequire: string; tsnodeRequire: string };
}

/** The folder of the `@pulumi/pulumi` that serves a program in `projectDir`. */
function sdkDir(projectDir: string): string {
    return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir] }));
}

/**
 * The ts-node module and the options run.js would register for a program whose project (Pulumi.yaml, package.json
 * and tsconfig.json) is in `projectDir`: the runner changes into that directory and reads `tsconfig.json` there
 * (or PULUMI_NODEJS_TSCONFIG_PATH). Uses the SDK's own helpers (`@pulumi/pulumi/tsutils`) for the parts run.js takes
 * from them, so the compiler options come from the tsconfig exactly as the runner reads them.
 */
export function cliTsNode(projectDir: string, env: NodeJS.ProcessEnv = process.env): { tsNode: string; options: CliTsNodeOptions } {
    const sdk = sdkDir(projectDir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsutils = require(path.join(sdk, "tsutils")) as PulumiTsUtils;
    const tsConfigPath = path.resolve(projectDir, env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json");
    const skipProject = !fs.existsSync(tsConfigPath);
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
    const transpileOnlyEnv = env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : (compilerOptions.noCheck as boolean | undefined);
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const runDir = path.join(sdk, "cmd", "run");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require(require.resolve(typescriptRequire, { paths: [runDir] })) as { version: string };
    const [major, minor] = ts.version.split(".").map(Number);
    const useNodeNext = major > 4 || (major === 4 && minor >= 7);
    return {
        tsNode: require.resolve(tsnodeRequire, { paths: [runDir] }),
        options: {
            compiler: typescriptRequire,
            transpileOnly,
            project: tsConfigPath,
            skipProject,
            compilerOptions: {
                target: "ES2020",
                module: useNodeNext ? "nodenext" : "commonjs",
                moduleResolution: useNodeNext ? "nodenext" : "node",
                sourceMap: "true",
                ...compilerOptions,
            },
        },
    };
}

/** Registers ts-node as Pulumi's runner would for a program in `projectDir` (CommonJS projects only). */
export function registerAsCli(projectDir: string): CliTsNodeOptions {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(projectDir, "package.json")) as { type?: string };
    if (pkg.type === "module") throw new Error(`${projectDir}: an ES module project; the runner's ESM branch is not reproduced here`);
    const { tsNode, options } = cliTsNode(projectDir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(tsNode) as { register(o: CliTsNodeOptions): unknown }).register(options);
    return options;
}
