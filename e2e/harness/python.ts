// The Python side of the e2e suite: a virtual environment with the Pulumi Python SDK from PyPI (the version
// e2e/python/requirements.txt pins), cached outside the repository; a Python SDK for this package generated from
// the schema its plugin serves; and the Python inline runner (e2e/python/inline.py).
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { E2eEnvironment, REPO } from "../env/environment";
import type { InlineRequest, InlineResult } from "./inline";
import { clockShift, pulumiCli, Run } from "./pulumi";

const REQUIREMENTS = path.join(REPO, "e2e", "python", "requirements.txt");
/** The Python SDK version requirements.txt pins (PyPI's releases trail npm's; any 3.x works with the CLI built here). */
export const PYTHON_SDK_VERSION = /^pulumi==(\S+)$/m.exec(fs.readFileSync(REQUIREMENTS, "utf8"))![1];

/** A virtualenv with the Pulumi Python SDK of e2e/python/requirements.txt, made once per version. */
export function pythonVenv(): string {
    const root = process.env.APIM_E2E_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "apim-gateway");
    const venv = path.join(root, "python", `pulumi-${PYTHON_SDK_VERSION}`);
    const python = path.join(venv, "bin", "python");
    if (!fs.existsSync(path.join(venv, ".complete"))) {
        // Made next to its final place and renamed into it, so that two runs at once never see half a venv (the
        // venv is used only through bin/python, which the rename keeps working).
        const building = `${venv}.building-${process.pid}`;
        fs.rmSync(building, { recursive: true, force: true });
        execFileSync("python3", ["-m", "venv", building]);
        execFileSync(
            path.join(building, "bin", "python"),
            ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS],
            {
                stdio: "inherit",
            },
        );
        fs.writeFileSync(path.join(building, ".complete"), "");
        if (fs.existsSync(path.join(venv, ".complete"))) {
            fs.rmSync(building, { recursive: true, force: true }); // another run finished first: use its venv
        } else {
            fs.rmSync(venv, { recursive: true, force: true }); // what an interrupted run left
            fs.renameSync(building, venv);
        }
    }
    return python;
}

/**
 * A Python SDK for this package: the schema the plugin serves (`pulumi package get-schema`, real CLI), then
 * Pulumi's Python code generator (pulumi-gen-python, built from the pkg/v3 module). Returns the folder to put on
 * PYTHONPATH.
 */
export function generatePythonSdk(env: E2eEnvironment, plugin: string, into: string): string {
    const schema = pulumiCli(env, ["package", "get-schema", plugin], into);
    if (schema.code !== 0) throw new Error(`pulumi package get-schema failed: ${schema.stderr}`);
    fs.writeFileSync(path.join(into, "schema.json"), schema.stdout);
    const sdk = path.join(into, "sdk");
    execFileSync(path.join(env.toolchain, "pulumi-gen-python"), [path.join(into, "schema.json"), sdk]);
    return sdk;
}

/** Installs the generated SDK (and the packages it requires) into the venv, as `pulumi package add` would. */
export function installPythonSdk(python: string, sdk: string): void {
    execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--force-reinstall", "--no-deps", sdk]);
    execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", sdk]);
}

/** Runs one operation of a Python program inline (e2e/python/inline.py) in the venv. */
export async function inlinePython(
    env: E2eEnvironment,
    python: string,
    o: Omit<InlineRequest, "resultFile"> & { clockSeconds?: number },
): Promise<Run<InlineResult>> {
    const dir = fs.mkdtempSync(path.join(env.dir, "py-run-"));
    const request = { ...o, resultFile: path.join(dir, "result.json") };
    fs.writeFileSync(path.join(dir, "request.json"), JSON.stringify(request));
    const started = Date.now();
    let output = "";
    const code = await new Promise<number>((resolve) => {
        const child = spawn(python, [path.join(REPO, "e2e", "python", "inline.py"), path.join(dir, "request.json")], {
            cwd: o.workDir,
            env: {
                ...process.env,
                ...env.vars,
                PYTHONUNBUFFERED: "1",
                ...(o.clockSeconds !== undefined ? clockShift(o.clockSeconds) : {}),
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const take = (b: Buffer) => {
            output += b.toString();
            if (process.env.APIM_E2E_ECHO === "1") process.stderr.write(b);
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("exit", (c) => resolve(c ?? 1));
    });
    const result: InlineResult = fs.existsSync(request.resultFile)
        ? (JSON.parse(fs.readFileSync(request.resultFile, "utf8")) as InlineResult)
        : {
              ok: false,
              error: `the Python runner exited with ${code} and wrote no result: ${output.slice(-2000)}`,
              steps: [],
              diagnostics: [],
          };
    return { result, ms: Date.now() - started, output };
}
