// The stack program loaded as the real CLI loads it: Pulumi's Node.js runner registers ts-node with its own options,
// so index.ts is type-checked on every preview and up (the harness's CLI runner, e2e/harness/cliTsNode.ts; the
// language host itself cannot be built here). index.ts imports the compiled package (dist/), so only index.ts is
// checked; a type error in it still stops the run with TypeScript's message, before anything is registered.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../env/environment";
import { exportStack, inline } from "../harness/pulumi";
import { changes, wall } from "../harness/report";
import { PROJECT, repoStack } from "../harness/stacks";
import { e2e } from "./setup";

/**
 * A copy of index.ts with one more line, in a folder of its own: its imports of the compiled package made absolute,
 * and node_modules linked, so that it resolves everything as index.ts does. Returns the file and the line's number.
 */
function programWith(line: string): { file: string; lineNumber: number } {
    const dir = fs.mkdtempSync(path.join(e2e().dir, "program-"));
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
    const source = fs.readFileSync(path.join(REPO, "index.ts"), "utf8").replace(/from "\.\/dist\//g, `from "${REPO}/dist/`);
    assert.notEqual(source, fs.readFileSync(path.join(REPO, "index.ts"), "utf8"), "index.ts imports the package from ./dist/");
    const lines = source.split("\n");
    const at = lines.findIndex((l) => l.startsWith("const config = "));
    lines.splice(at, 0, line);
    const file = path.join(dir, "index.ts");
    fs.writeFileSync(file, lines.join("\n"));
    return { file, lineNumber: at + 1 };
}

describe("the stack program as the CLI's Node.js runner loads it (type-checked)", function () {
    before(() => e2e().arm.setClockOffset(0));

    it("a preview of the dev stack: index.ts type-checks and the program plans the gateway's resources", async () => {
        const dir = repoStack(e2e(), "dev", undefined, {}, "cli-preview");
        const r = await inline(e2e(), { op: "preview", stack: "cli-preview", project: PROJECT, workDir: dir, cliProjectDir: REPO });
        wall("dev preview on the CLI path (empty stack)", r.ms);
        assert.equal(r.result.ok, true, r.result.error);
        assert.deepEqual(changes(r.result.steps), [
            "create apim-gateway:index:GatewayToken",
            "create apim-gateway:index:KubernetesTarget",
            "create apim-gateway:index:SelfHostedGateway",
            "create azure-native:apimanagement:Gateway",
            "create kubernetes:apps/v1:Deployment",
            "create kubernetes:core/v1:ConfigMap",
            "create kubernetes:core/v1:Namespace",
            "create kubernetes:core/v1:PersistentVolumeClaim",
            "create kubernetes:core/v1:Secret",
            "create kubernetes:core/v1:Service",
            "create pulumi:providers:apim-gateway",
            "create pulumi:providers:azure-native",
            "create pulumi:providers:kubernetes",
            "create pulumi:pulumi:Stack",
        ]);
        // Twelve resources, as the first `pulumi up` of the dev stack reports.
        assert.deepEqual(r.result.changeSummary, { create: 14 });
    });

    it("a type error in index.ts: preview and up fail with TypeScript's message naming the file and line, and nothing is created", async () => {
        const env = e2e();
        const dir = repoStack(env, "dev", undefined, {}, "type-error");
        const { file, lineNumber } = programWith('const replicaCount: number = "three";');
        const armBefore = fs.readFileSync(env.vars.APIM_E2E_ARM_LOG, "utf8").split("\n").length;
        const expected = `index.ts(${lineNumber},7): error TS2322: Type 'string' is not assignable to type 'number'.`;
        for (const op of ["preview", "up"] as const) {
            const r = await inline(env, { op, stack: "type-error", project: PROJECT, workDir: dir, program: file, cliProjectDir: REPO });
            wall(`type error in index.ts: ${op}`, r.ms);
            assert.equal(r.result.ok, false);
            assert.equal(r.result.error?.includes("Unable to compile TypeScript"), true, r.result.error);
            assert.equal(r.result.error?.includes(expected), true, `expected ${expected} in:\n${r.result.error}`);
            assert.deepEqual(
                r.result.steps.filter((s) => s.type !== "pulumi:pulumi:Stack"),
                [],
            );
        }
        const state = JSON.parse(exportStack(env, dir, "type-error")) as { deployment: { resources?: { type: string }[] } };
        assert.deepEqual(
            (state.deployment.resources ?? []).map((r) => r.type).filter((t) => t !== "pulumi:pulumi:Stack"),
            [],
        );
        assert.equal(fs.readFileSync(env.vars.APIM_E2E_ARM_LOG, "utf8").split("\n").length, armBefore, "no call reached Azure");
    });
});
