// Helpers for the e2e suite: run the real `pulumi` CLI, or an inline TypeScript program through the Automation
// API (inline.ts), inside the e2e environment; optionally with the program's clock shifted by libfaketime.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { E2eEnvironment, REPO } from "../env/environment";
import type { InlineRequest, InlineResult } from "./inline";

export const FAKETIME_LIB = [
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
].find((f) => fs.existsSync(f));

/** Variables that shift the clock of every Node.js process started under them (Go binaries ignore LD_PRELOAD). */
export function clockShift(seconds: number): Record<string, string> {
    if (!FAKETIME_LIB) throw new Error("libfaketime is not installed (Debian package faketime); .ci/run installs it");
    return {
        LD_PRELOAD: FAKETIME_LIB,
        FAKETIME: `${seconds >= 0 ? "+" : ""}${Math.round(seconds)}`,
        FAKETIME_DONT_FAKE_MONOTONIC: "1",
        FAKETIME_NO_CACHE: "1",
        TZ: "UTC",
    };
}

export interface Run<T> {
    result: T;
    /** Wall time in ms. */
    ms: number;
    output: string;
    /** CPU time (user + system) of the process and the descendants it waited for, in ms, when asked (`cpu`). */
    cpuMs?: number;
}

/** GNU time, which reports a command's CPU time (with its waited-for descendants'): for the benchmarks. */
export const GNU_TIME = ["/usr/bin/time"].find((f) => fs.existsSync(f));

/** `command args` wrapped so that its CPU time lands in `file` (GNU time), or as it is without GNU time. */
function withCpuTime(command: string, args: string[], file: string | undefined): [string, string[]] {
    return file && GNU_TIME ? [GNU_TIME, ["-o", file, "-f", "%U %S", command, ...args]] : [command, args];
}

/** The CPU time GNU time wrote, in ms. */
function cpuTimeOf(file: string | undefined): number | undefined {
    if (!file || !fs.existsSync(file)) return undefined;
    const [user, sys] = fs.readFileSync(file, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    return Number.isFinite(user) && Number.isFinite(sys) ? Math.round((user + sys) * 1000) : undefined;
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs the `pulumi` CLI (synchronously) in `cwd` inside the environment. It blocks this process, and with it the
 * stand-ins that run in it (the fake ARM, the volume provisioner, the load balancer): only for commands that need
 * none of them (stack init, export, output, plugin install, get-schema). For up, preview and destroy use
 * pulumiCliAsync.
 */
export function pulumiCli(env: E2eEnvironment, args: string[], cwd: string, extra: Record<string, string> = {}): CliResult {
    const r = spawnSync("pulumi", [...args, "--non-interactive"], {
        cwd,
        env: { ...process.env, ...env.vars, ...extra },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the `pulumi` CLI without blocking this process (whose event loop serves the fake ARM and the cluster's
 * stand-ins, which a command that deploys needs); in a process group of its own.
 */
export function pulumiCliAsync(
    env: E2eEnvironment,
    args: string[],
    cwd: string,
    extra: Record<string, string> = {},
    cpuFile?: string,
): Promise<CliResult & { ms: number; cpuMs?: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(...withCpuTime("pulumi", [...args, "--non-interactive"], cpuFile), {
            cwd,
            env: { ...process.env, ...env.vars, ...extra },
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        child.on("error", (e) => resolve({ code: 127, stdout, stderr: stderr + e.message, ms: Date.now() - started }));
        child.on("close", (c, sig) =>
            resolve({ code: c ?? (sig ? 128 : 1), stdout, stderr, ms: Date.now() - started, cpuMs: cpuTimeOf(cpuFile) }),
        );
    });
}

export interface InlineOptions extends Omit<InlineRequest, "resultFile" | "program"> {
    program?: string;
    /** Seconds to shift the program's clock by (libfaketime). */
    clockSeconds?: number;
    /** Called with the child process once it runs (to watch or kill it). */
    onStart?: (pid: number) => void;
    /** Extra environment. */
    vars?: Record<string, string>;
    /** Echo the engine's output to stderr. */
    echo?: boolean;
    /** Measure the CPU time of the run (GNU time), into Run.cpuMs. */
    cpu?: boolean;
}

/** The environment without ts-node's own variables. */
function withoutTsNode(vars: NodeJS.ProcessEnv): Record<string, string> {
    return Object.fromEntries(
        Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith("TS_NODE_")),
    );
}

/** `node -e` code that compiles the harness (this folder only) transpile-only, then runs inline.ts. */
function harnessBootstrap(): string {
    const options = { transpileOnly: true, scope: true, scopeDir: __dirname, project: path.join(REPO, "tsconfig.json") };
    return [
        `require(${JSON.stringify(path.join(REPO, "node_modules", "ts-node"))}).register(${JSON.stringify(options)});`,
        `require(${JSON.stringify(path.join(__dirname, "inline.ts"))});`,
    ].join("\n");
}

/** Runs one operation of an inline program (default: this repository's index.ts) in a child process. */
export async function inline(env: E2eEnvironment, o: InlineOptions): Promise<Run<InlineResult>> {
    const dir = fs.mkdtempSync(path.join(env.dir, "run-"));
    const request: InlineRequest = {
        op: o.op,
        stack: o.stack,
        project: o.project,
        workDir: o.workDir,
        program: o.program ?? path.join(REPO, "index.ts"),
        resultFile: path.join(dir, "result.json"),
        expectNoChanges: o.expectNoChanges,
        target: o.target,
        targetDependents: o.targetDependents,
        clearPendingCreates: o.clearPendingCreates,
        cliProjectDir: o.cliProjectDir,
    };
    const requestFile = path.join(dir, "request.json");
    fs.writeFileSync(requestFile, JSON.stringify(request));
    const cpuFile = o.cpu ? path.join(dir, "cpu-time") : undefined;
    const started = Date.now();
    let output = "";
    const code = await new Promise<number>((resolve) => {
        const shifted = o.clockSeconds !== undefined ? clockShift(o.clockSeconds) : {};
        // Each in a process group of its own: a scenario can kill the runner, the CLI and its plugins at once.
        const child = o.cliProjectDir
            ? // As under the CLI: no TS_NODE_* settings reach the program's ts-node (they would override the runner's);
              // the harness's own files get a transpile-only ts-node scoped to this folder.
              spawn(...withCpuTime(process.execPath, ["-e", harnessBootstrap(), requestFile], cpuFile), {
                  cwd: o.workDir,
                  env: { ...withoutTsNode({ ...process.env, ...env.vars }), ...shifted, ...(o.vars ?? {}) },
                  stdio: ["ignore", "pipe", "pipe"],
                  detached: true,
              })
            : spawn(
                  ...withCpuTime(
                      process.execPath,
                      ["-r", path.join(REPO, "node_modules", "ts-node", "register"), path.join(__dirname, "inline.ts"), requestFile],
                      cpuFile,
                  ),
                  {
                      cwd: o.workDir,
                      env: {
                          ...process.env,
                          ...env.vars,
                          TS_NODE_TRANSPILE_ONLY: "1",
                          TS_NODE_PROJECT: path.join(REPO, "tsconfig.json"),
                          ...shifted,
                          ...(o.vars ?? {}),
                      },
                      stdio: ["ignore", "pipe", "pipe"],
                      detached: true,
                  },
              );
        if (child.pid !== undefined) o.onStart?.(child.pid);
        const take = (b: Buffer) => {
            output += b.toString();
            if (o.echo || process.env.APIM_E2E_ECHO === "1") process.stderr.write(b);
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("exit", (c, sig) => resolve(c ?? (sig ? 128 : 1)));
    });
    const ms = Date.now() - started;
    let result: InlineResult;
    if (fs.existsSync(request.resultFile)) {
        result = JSON.parse(fs.readFileSync(request.resultFile, "utf8")) as InlineResult;
    } else {
        result = { ok: false, error: `the runner exited with ${code} and wrote no result`, steps: [], diagnostics: [] };
    }
    return { result, ms, output, cpuMs: cpuTimeOf(cpuFile) };
}

/** The stack's state as `pulumi stack export` prints it (text, to search for plaintext secrets). */
export function exportStack(env: E2eEnvironment, workDir: string, stack: string): string {
    const r = pulumiCli(env, ["stack", "export", "--stack", stack], workDir);
    if (r.code !== 0) throw new Error(`pulumi stack export failed: ${r.stderr}`);
    return r.stdout;
}

/**
 * The engine's own error, as the `pulumi` command line prints it. The Automation API wraps the CLI's failure as
 * "code: N\n stdout: ...\n stderr: Command failed with exit code 1: pulumi up ...\n<the CLI's stderr>\n err?: ...";
 * what is left without the wrapping and the command line is the engine's reason (the stack's lock, for one).
 */
export function engineError(error: string | undefined): string {
    if (!error) return "(no reason given)";
    const stderr = /\n stderr: ([\s\S]*?)(?:\n err\?: [\s\S]*)?$/.exec(error)?.[1] ?? error;
    return stderr.replace(/^Command failed with exit code -?\d+: [^\n]*\n/, "").trim() || error.trim();
}
