// What Pulumi's Node.js runner type-checks on every `pulumi preview` and `up` of this repository's stacks: index.ts
// alone, against the compiled package's declarations (dist/components/stackProgram.d.ts), which reach @pulumi/pulumi
// and the Kubernetes input types but not the Azure SDK's (about 420,000 lines) nor @azure/identity's. The components
// themselves are type-checked by `npm run typecheck` (and CI). The program is built here with the runner's compiler
// options (e2e/harness/cliTsNode.ts), as ts-node builds it.
import { strict as assert } from "assert";
import * as path from "path";
import * as ts from "typescript";
import { cliTsNode } from "../e2e/harness/cliTsNode";
import { ROOT } from "./harness";

/** The files of the TypeScript program the runner's ts-node builds for `file`, and its diagnostics for `file`. */
function runnerProgram(file: string): { files: string[]; diagnostics: string[] } {
    const { options } = cliTsNode(ROOT, {});
    const parsed = ts.convertCompilerOptionsFromJson(options.compilerOptions, ROOT);
    assert.deepEqual(parsed.errors, []);
    const program = ts.createProgram([file], parsed.options);
    const diagnostics = ts
        .getPreEmitDiagnostics(program, program.getSourceFile(file))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    return { files: program.getSourceFiles().map((f) => path.relative(ROOT, f.fileName)), diagnostics };
}

describe("the stack program as Pulumi's runner type-checks it", function () {
    this.timeout(120_000);

    it("index.ts is the one TypeScript source; the package comes from dist/ declarations, without the Azure SDK's or @azure/identity's", () => {
        const { files, diagnostics } = runnerProgram(path.join(ROOT, "index.ts"));
        assert.deepEqual(diagnostics, []);
        assert.deepEqual(
            files.filter((f) => !f.endsWith(".d.ts")),
            ["index.ts"],
        );
        const packages = new Set(
            files
                .filter((f) => f.startsWith("node_modules/"))
                .map((f) =>
                    f
                        .split("/")
                        .slice(1, f.split("/")[1].startsWith("@") ? 3 : 2)
                        .join("/"),
                ),
        );
        for (const heavy of ["@pulumi/azure-native", "@azure/identity", "@azure/msal-node", "zod"]) {
            assert.equal(packages.has(heavy), false, `${heavy} declarations are in the runner's program`);
        }
        // Of @pulumi/kubernetes, only the Provider and the input types (the arguments' Kubernetes fields).
        assert.deepEqual(
            files.filter((f) => f.startsWith("node_modules/@pulumi/kubernetes/")).sort(),
            [
                "node_modules/@pulumi/kubernetes/provider.d.ts",
                "node_modules/@pulumi/kubernetes/types/enums/core/index.d.ts",
                "node_modules/@pulumi/kubernetes/types/enums/core/v1/index.d.ts",
                "node_modules/@pulumi/kubernetes/types/enums/index.d.ts",
                "node_modules/@pulumi/kubernetes/types/input.d.ts",
            ].sort(),
        );
        assert.equal(files.includes("dist/components/stackProgram.d.ts"), true);
    });
});
