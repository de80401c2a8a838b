// The e2e harness's CLI runner registers ts-node as Pulumi's Node.js runner does (e2e/harness/cliTsNode.ts). Here
// the runner itself (`@pulumi/pulumi/cmd/run/run.js`) is run up to its ts-node registration, with a stand-in ts-node
// that prints the options it is given, and those options must equal the harness's, for this repository's project.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliTsNode } from "../e2e/harness/cliTsNode";
import { ROOT } from "./harness";

/**
 * What the runner passes to ts-node's register for `index.ts` in ROOT, under `env`: Pulumi's runner
 * (`@pulumi/pulumi/cmd/run`) started as the language host starts it, with a stand-in ts-node preloaded that prints
 * its options and exits (the runner registers ts-node before it connects to the engine).
 */
function runnerOptions(env: Record<string, string>): ReturnType<typeof cliTsNode> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-tsnode-stub-"));
    try {
        const runDir = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run");
        const stub = path.join(dir, "stub.js");
        fs.writeFileSync(
            stub,
            `const tsNode = require.resolve("ts-node", { paths: [${JSON.stringify(runDir)}] });
require.cache[tsNode] = { id: tsNode, filename: tsNode, loaded: true, exports: {
    VERSION: "stand-in",
    register(options) { process.stdout.write(JSON.stringify({ tsNode, options })); process.exit(0); },
} };
`,
        );
        const base = Object.fromEntries(
            Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith("TS_NODE_") && !k.startsWith("PULUMI_NODEJS_")),
        ) as Record<string, string>;
        const r = spawnSync(process.execPath, ["-r", stub, runDir, "--monitor=127.0.0.1:1", `--pwd=${ROOT}`, "index.ts"], {
            cwd: dir,
            env: { ...base, PULUMI_NODEJS_TYPESCRIPT: "true", ...env },
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        const captured = JSON.parse(r.stdout) as ReturnType<typeof cliTsNode>;
        // The runner names the tsconfig relative to the project directory it changed into.
        return { tsNode: captured.tsNode, options: { ...captured.options, project: path.resolve(ROOT, captured.options.project) } };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** As the runner's options arrive through JSON (an undefined option is absent). */
const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe("the e2e harness's CLI runner: ts-node as Pulumi's Node.js runner registers it", function () {
    this.timeout(60_000);

    it("this repository's project: type-checking on, the repository's tsconfig, the runner's defaults under its compiler options", () => {
        const ours = cliTsNode(ROOT, {});
        assert.deepEqual(runnerOptions({}), asJson(ours));
        // Which settings those are, in words: ts-node's default (type-check), and tsconfig.json's module settings.
        assert.equal(ours.options.transpileOnly, undefined);
        assert.equal(ours.options.project, path.join(ROOT, "tsconfig.json"));
        assert.equal(ours.options.skipProject, false);
        assert.deepEqual(
            [ours.options.compilerOptions.module, ours.options.compilerOptions.moduleResolution, ours.options.compilerOptions.strict],
            ["commonjs", "node", true],
        );
    });

    it("PULUMI_NODEJS_TRANSPILE_ONLY=true turns type-checking off in both", () => {
        const env = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
        const ours = cliTsNode(ROOT, env);
        assert.deepEqual(runnerOptions(env), asJson(ours));
        assert.equal(ours.options.transpileOnly, true);
    });

    it("a tsconfig (PULUMI_NODEJS_TSCONFIG_PATH) with noCheck turns type-checking off in both", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-tsnode-"));
        try {
            const tsconfig = path.join(dir, "tsconfig.nocheck.json");
            fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { noCheck: true, module: "commonjs", target: "es2022" } }));
            const env = { PULUMI_NODEJS_TSCONFIG_PATH: tsconfig };
            const ours = cliTsNode(ROOT, env);
            assert.deepEqual(runnerOptions(env), asJson(ours));
            assert.equal(ours.options.transpileOnly, true);
            assert.deepEqual(ours.options.compilerOptions, {
                target: "es2022",
                module: "commonjs",
                moduleResolution: "nodenext",
                sourceMap: "true",
                noCheck: true,
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
