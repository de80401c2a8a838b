// Runs one Pulumi operation on a TypeScript program through the Automation API over the real `pulumi` CLI,
// as an *inline* program: this process serves the program to the engine itself, so no Node.js language host
// is needed (the proxy does not serve its Go module; see docs/testing.md). Everything else is the real engine:
// the CLI's deployment engine, its file backend, and the provider plugins it starts.
//
//   node -r ts-node/register e2e/harness/inline.ts <request.json>
//
// With `cliProjectDir`, the program is loaded the way Pulumi's Node.js runner loads it under the real CLI: ts-node
// registered with the runner's options (type-checking included, cliTsNode.ts) for that project. The harness's own
// files are then compiled by a transpile-only ts-node scoped to this folder (see pulumi.ts).
//
// The request names the program module, the work directory (Pulumi.yaml and Pulumi.<stack>.yaml), the stack
// and the operation; the result (summary, outputs, the engine's event stream) is written to request.resultFile.
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { registerAsCli } from "./cliTsNode";

export interface InlineRequest {
    op: "up" | "preview" | "destroy" | "refresh";
    stack: string;
    project: string;
    workDir: string;
    /** The program: a module whose exports become the stack outputs. */
    program: string;
    resultFile: string;
    expectNoChanges?: boolean;
    /** Resource URNs to limit the operation to (--target), with their dependents. */
    target?: string[];
    targetDependents?: boolean;
    /** refresh: drop the records of creates a crash interrupted (--clear-pending-creates). */
    clearPendingCreates?: boolean;
    /** Load the program as Pulumi's runner would for the project in this folder (its tsconfig.json, type-checked). */
    cliProjectDir?: string;
}

export interface InlineResult {
    ok: boolean;
    error?: string;
    summary?: { result?: string; resourceChanges?: Record<string, number> };
    changeSummary?: Record<string, number>;
    outputs?: Record<string, { value: unknown; secret: boolean }>;
    /** The steps the engine reported, in order: [op, type, urn]. */
    steps: { op: OpType; type: string; urn: string }[];
    diagnostics: { severity: string; message: string; urn?: string }[];
}

async function main(): Promise<void> {
    // The request file is the last argument (`node -r ... inline.ts <file>`, or `node -e <bootstrap> <file>`).
    const req = JSON.parse(fs.readFileSync(process.argv[process.argv.length - 1], "utf8")) as InlineRequest;
    if (req.cliProjectDir) registerAsCli(req.cliProjectDir);
    const result: InlineResult = { ok: false, steps: [], diagnostics: [] };
    const onEvent = (e: EngineEvent) => {
        const pre = e.resourcePreEvent?.metadata;
        if (pre) result.steps.push({ op: pre.op, type: pre.type, urn: pre.urn });
        const d = e.diagnosticEvent;
        if (d && (d.severity as string) !== "debug") result.diagnostics.push({ severity: d.severity, message: d.message, urn: d.urn });
    };
    const onOutput = (s: string) => process.stdout.write(s);
    // The program's own copy of the SDK serves it (a consumer project outside this repository has its own).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const automation = require(
        require.resolve("@pulumi/pulumi/automation", { paths: [path.dirname(req.program)] }),
    ) as typeof import("@pulumi/pulumi/automation");
    const { LocalWorkspace } = automation;
    try {
        const stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: req.stack,
                projectName: req.project,
                program: async () => {
                    const m = (await import(req.program)) as Record<string, unknown>;
                    return Object.fromEntries(Object.entries(m).filter(([k]) => k !== "default" && k !== "__esModule"));
                },
            },
            { workDir: req.workDir },
        );
        const common = { onOutput, onEvent, ...(req.target ? { target: req.target, targetDependents: req.targetDependents } : {}) };
        switch (req.op) {
            case "up": {
                const r = await stack.up({ ...common, ...(req.expectNoChanges ? { expectNoChanges: true } : {}) });
                result.summary = { result: r.summary.result, resourceChanges: r.summary.resourceChanges as Record<string, number> };
                result.outputs = r.outputs;
                break;
            }
            case "preview": {
                const r = await stack.preview({ ...common, diff: true, ...(req.expectNoChanges ? { expectNoChanges: true } : {}) });
                result.changeSummary = r.changeSummary as Record<string, number>;
                break;
            }
            case "refresh": {
                const r = await stack.refresh({ onOutput, onEvent, ...(req.clearPendingCreates ? { clearPendingCreates: true } : {}) });
                result.summary = { result: r.summary.result, resourceChanges: r.summary.resourceChanges as Record<string, number> };
                break;
            }
            case "destroy": {
                const r = await stack.destroy({ onOutput, onEvent });
                result.summary = { result: r.summary.result, resourceChanges: r.summary.resourceChanges as Record<string, number> };
                break;
            }
        }
        result.ok = true;
    } catch (e) {
        result.error = String((e as Error)?.message ?? e);
    }
    fs.writeFileSync(req.resultFile, JSON.stringify(result, null, 2));
    process.exitCode = result.ok ? 0 : 1;
}

void main();
