// Benchmark on the real engine (npm run bench:engine), in the e2e environment (real Pulumi CLI, Kubernetes provider
// and apiserver; Azure stand-ins). Median of N runs (default 5, BENCH_RUNS to change), measured side by side in one
// run, each against a floor that registers the same resources, with the same inputs, as raw resources on the same
// engine and cluster (every stack deployed first, so every preview is a no-op):
//   - `pulumi preview` of the prod stack as the CLI's Node.js runner runs it: ts-node with the runner's settings, so
//     type-checking included (e2e/harness/cliTsNode.ts); the floor program (floor.ts) loaded the same way;
//   - the same preview as an inline program, transpile-only (how the e2e suite runs programs), and its floor;
//   - `pulumi preview` of a Pulumi YAML project on the real command line (the YAML language host), which uses the
//     component through the package's plugin, against a YAML project of the same raw resources;
//   - `pulumi up` of the prod stack from empty to Available (each followed by a destroy, not timed);
//   - the rotation `up` (each in the next rotation window).
// It prints its figures and asserts nothing.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { REPO, startEnvironment } from "../e2e/env/environment";
import { exportStack, GNU_TIME, inline, pulumiCli, pulumiCliAsync } from "../e2e/harness/pulumi";
import { PROJECT, repoStack } from "../e2e/harness/stacks";
import { floorResources, yamlComponentProject, yamlFloorProject } from "./floors";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** BENCH_PREVIEWS_ONLY=1: the previews only (one untimed up first, no rotations). */
const PREVIEWS_ONLY = process.env.BENCH_PREVIEWS_ONLY === "1";
const WEEK = 7 * 24 * 3600;

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (a: number[], b: number[]) => `${(median(a) / median(b)).toFixed(2)}x`;

function ok(r: Awaited<ReturnType<typeof inline>>, what: string): number {
    return okRun(r, what).ms;
}

function okRun(r: Awaited<ReturnType<typeof inline>>, what: string): Sample {
    if (!r.result.ok) throw new Error(`${what} failed: ${r.result.error}\n${r.output.slice(-4000)}`);
    return { ms: r.ms, cpuMs: r.cpuMs };
}

/** One timed run: wall time, and CPU time of the whole process tree (program, CLI, plugins) when GNU time is there. */
interface Sample {
    ms: number;
    cpuMs?: number;
}

const walls = (xs: Sample[]) => xs.map((x) => x.ms);
const cpus = (xs: Sample[]) => xs.map((x) => x.cpuMs ?? NaN);

async function main(): Promise<void> {
    const env = await startEnvironment();
    try {
        const stack = "prod";
        const dir = repoStack(env, stack);
        const run = (op: "up" | "preview" | "destroy", o: { clockSeconds?: number; cli?: boolean } = {}) =>
            inline(env, {
                op,
                stack,
                project: PROJECT,
                workDir: dir,
                clockSeconds: o.clockSeconds,
                cliProjectDir: o.cli ? REPO : undefined,
                cpu: op === "preview",
            });

        // pulumi up from empty to Available (the provider waits for the Deployment and the load balancer).
        const ups: number[] = [];
        for (let i = 0; i < (PREVIEWS_ONLY ? 1 : RUNS); i++) {
            ups.push(ok(await run("up"), "up"));
            if (i < RUNS - 1 && !PREVIEWS_ONLY) ok(await run("destroy"), "destroy");
        }

        // The TypeScript floor: the same resources as raw resources, deployed in a stack of their own.
        const floorDir = fs.mkdtempSync(path.join(env.dir, "floor-"));
        const recorded = path.join(floorDir, "resources.json");
        fs.writeFileSync(recorded, JSON.stringify(floorResources(exportStack(env, dir, stack), "apim-gateway", "apim-gw-prod")));
        fs.writeFileSync(
            path.join(floorDir, "Pulumi.yaml"),
            fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8").replace(/^name: .*$/m, "name: apim-gateway-floor"),
        );
        const floor = (op: "up" | "preview", cli = false) =>
            inline(env, {
                op,
                stack: "floor",
                project: "apim-gateway-floor",
                workDir: floorDir,
                program: path.join(__dirname, "floor.ts"),
                vars: { BENCH_FLOOR_RESOURCES: recorded },
                cliProjectDir: cli ? REPO : undefined,
                cpu: op === "preview",
            });
        ok(await floor("up"), "floor up");

        // Pulumi YAML: the prod stack's gateway settings as the component's properties (its own gateway and namespace),
        // then a YAML project of the same raw resources. Both on the real command line.
        const yaml = async (args: string[], cwd: string): Promise<Sample> => {
            const r = await pulumiCliAsync(env, [...args, "--stack", "bench"], cwd, {}, path.join(cwd, "cpu-time"));
            if (r.code !== 0) {
                // What changed, in detail, for a preview that expected none.
                const diff =
                    args[0] === "preview" ? (await pulumiCliAsync(env, ["preview", "--diff", "--stack", "bench"], cwd)).stdout : "";
                throw new Error(`pulumi ${args.join(" ")} in ${cwd} failed:\n${r.stdout}\n${r.stderr}\n${diff}`);
            }
            return { ms: r.ms, cpuMs: r.cpuMs };
        };
        const settings = (parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> })
            .config[`${PROJECT}:gateway`] as { apim: Record<string, unknown>; namespace: Record<string, unknown> };
        settings.apim.gatewayName = "apim-gw-yaml";
        settings.namespace.name = "apim-gateway-yaml";
        const yamlDir = fs.mkdtempSync(path.join(env.dir, "yaml-"));
        fs.writeFileSync(
            path.join(yamlDir, "Pulumi.yaml"),
            stringify(yamlComponentProject("apim-gateway-yaml", path.join(REPO, "bin"), settings)),
        );
        pulumiCli(env, ["stack", "init", "bench"], yamlDir);
        await yaml(["up", "--yes", "--skip-preview"], yamlDir);
        const yamlFloorDir = fs.mkdtempSync(path.join(env.dir, "yaml-floor-"));
        const yamlRecorded = floorResources(exportStack(env, yamlDir, "bench"), "apim-gateway-yaml", "apim-gw-yaml");
        const yamlFloorResources = yamlRecorded.filter((r) => r.type !== "apim-gateway:index:GatewayToken");
        const leftOut = yamlRecorded.length - yamlFloorResources.length;
        fs.writeFileSync(
            path.join(yamlFloorDir, "Pulumi.yaml"),
            stringify(yamlFloorProject("apim-gateway-yaml-floor", yamlFloorResources)),
        );
        pulumiCli(env, ["stack", "init", "bench"], yamlFloorDir);
        await yaml(["up", "--yes", "--skip-preview"], yamlFloorDir);

        // The previews, side by side: each round runs every variant once.
        const m = {
            cli: [] as Sample[],
            cliFloor: [] as Sample[],
            inline: [] as Sample[],
            inlineFloor: [] as Sample[],
            yaml: [] as Sample[],
            yamlFloor: [] as Sample[],
        };
        for (let i = 0; i < RUNS; i++) {
            m.cli.push(okRun(await run("preview", { cli: true }), "CLI-path preview"));
            m.cliFloor.push(okRun(await floor("preview", true), "CLI-path floor preview"));
            m.inline.push(okRun(await run("preview"), "inline preview"));
            m.inlineFloor.push(okRun(await floor("preview"), "inline floor preview"));
            m.yaml.push(await yaml(["preview", "--expect-no-changes"], yamlDir));
            m.yamlFloor.push(await yaml(["preview", "--expect-no-changes"], yamlFloorDir));
        }

        // The rotation up, each in the next window.
        const rotations: number[] = [];
        if (!PREVIEWS_ONLY) {
            const outputs = (await run("up")).result.outputs ?? {};
            const first = Math.floor((Date.parse(String(outputs.tokenRotatesAfter?.value)) - Date.now()) / 1000) + 3600;
            for (let i = 0; i < RUNS; i++) {
                const clock = first + i * WEEK;
                env.arm.setClockOffset(clock);
                rotations.push(ok(await run("up", { clockSeconds: clock }), "rotation up"));
            }
        }

        // Each figure: the median wall time, and the median CPU time of the run's processes (steadier on a busy machine).
        const both = (xs: Sample[]) => `${secs(median(walls(xs)))}   cpu ${secs(median(cpus(xs)))}`;
        const ratios = (a: Sample[], b: Sample[]) => `${ratio(walls(a), walls(b))}        cpu ${ratio(cpus(a), cpus(b))}`;
        const rows = [
            ["pulumi preview, prod, CLI path (runner's ts-node, type-checked)", both(m.cli)],
            ["  floor, same way", both(m.cliFloor)],
            ["  ratio component / floor", ratios(m.cli, m.cliFloor)],
            ["pulumi preview, prod, inline (transpile-only)", both(m.inline)],
            ["  floor, same way", both(m.inlineFloor)],
            ["  ratio component / floor", ratios(m.inline, m.inlineFloor)],
            ["pulumi preview, YAML project (real command line)", both(m.yaml)],
            [`  floor, YAML, same raw resources but the token (${leftOut} left out)`, both(m.yamlFloor)],
            ["  ratio component / floor", ratios(m.yaml, m.yamlFloor)],
            ...(PREVIEWS_ONLY
                ? []
                : [
                      ["pulumi up from empty to Available, prod", secs(median(ups))],
                      ["rotation up (next window), prod", secs(median(rotations))],
                  ]),
        ];
        const raw = (label: string, xs: Sample[]) =>
            `   ${label} ${xs.map((x) => `${secs(x.ms)} (cpu ${x.cpuMs === undefined ? "?" : secs(x.cpuMs)})`).join(", ")}`;
        const rawWall = (label: string, xs: number[]) => `   ${label} ${xs.map(secs).join(", ")}`;
        process.stdout.write(
            [
                `Real-engine benchmark: median of ${RUNS} runs; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ` +
                    `Node ${process.versions.node}, load average ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`,
                ...(GNU_TIME ? [] : ["  (no /usr/bin/time: CPU times not measured)"]),
                ...rows.map(([k, v]) => `  ${k.padEnd(70)} ${v}`),
                "  raw runs:",
                raw("CLI path:", m.cli),
                raw("CLI-path floor:", m.cliFloor),
                raw("inline:", m.inline),
                raw("inline floor:", m.inlineFloor),
                raw("YAML:", m.yaml),
                raw("YAML floor:", m.yamlFloor),
                rawWall("up:", ups),
                rawWall("rotation:", rotations),
                "",
            ].join("\n"),
        );
    } finally {
        await env.stop();
    }
}

main().catch((e) => {
    process.stderr.write(`bench:engine: ${(e as Error).message}\n`);
    process.exit(1);
});
