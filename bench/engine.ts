// Benchmark on the real engine (npm run bench:engine), in the e2e environment (real Pulumi CLI, Kubernetes provider
// and apiserver; Azure stand-ins). Median of N runs (default 5, BENCH_RUNS to change), measured side by side in one
// run:
//   - `pulumi preview` of the prod stack against a floor program that registers the same resources, with the same
//     inputs, as raw resources on the same engine and cluster (both stacks deployed, so both previews are no-ops);
//     printed as a ratio;
//   - `pulumi up` of the prod stack from empty to Available (each followed by a destroy, not timed);
//   - the rotation `up` (each in the next rotation window).
// It prints its figures and asserts nothing.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEnvironment } from "../e2e/env/environment";
import { inline } from "../e2e/harness/pulumi";
import { PROJECT, repoStack } from "../e2e/harness/stacks";
import { exportStack } from "../e2e/harness/pulumi";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WEEK = 7 * 24 * 3600;

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function ok(r: Awaited<ReturnType<typeof inline>>, what: string): number {
    if (!r.result.ok) throw new Error(`${what} failed: ${r.result.error}`);
    return r.ms;
}

interface StateResource {
    type: string;
    urn: string;
    custom?: boolean;
    inputs?: Record<string, unknown>;
}

/** The resources the component registered (children of the component), renamed into a floor namespace and gateway. */
function floorResources(state: string, ns: string, gw: string): { type: string; name: string; inputs: Record<string, unknown> }[] {
    const resources = (JSON.parse(state) as { deployment: { resources: StateResource[] } }).deployment.resources;
    return resources
        .filter((r) => r.custom && r.urn.includes("apim-gateway:index:SelfHostedGateway$") && !r.type.startsWith("pulumi:providers:"))
        .map((r) => {
            const inputs = JSON.parse(JSON.stringify(r.inputs ?? {})) as Record<string, unknown> & {
                metadata?: Record<string, unknown>;
                gatewayId?: string;
                gatewayResourceId?: string;
            };
            if (r.type === "kubernetes:core/v1:Namespace" && inputs.metadata) inputs.metadata.name = `${ns}-floor`;
            else if (inputs.metadata?.namespace !== undefined) inputs.metadata.namespace = `${ns}-floor`;
            if (r.type === "azure-native:apimanagement:Gateway") inputs.gatewayId = `${gw}-floor`;
            // The token Secret's data is encrypted in state: the floor's Secret holds a value of the same shape.
            if (r.type === "kubernetes:core/v1:Secret") {
                delete (inputs as Record<string, unknown>).data;
                (inputs as Record<string, unknown>).stringData = { value: "GatewayKey floor" };
            }
            const annotations = inputs.metadata?.annotations as Record<string, string> | undefined;
            if (annotations) delete annotations["pulumi.com/autonamed"];
            if (inputs.gatewayResourceId)
                inputs.gatewayResourceId = inputs.gatewayResourceId.replace(/\/gateways\/[^/]+$/, `/gateways/${gw}-floor`);
            return { type: r.type, name: `${r.urn.split("::").pop()}-floor`, inputs };
        });
}

async function main(): Promise<void> {
    const env = await startEnvironment();
    try {
        const stack = "prod";
        const dir = repoStack(env, stack);
        const run = (op: "up" | "preview" | "destroy", clockSeconds?: number) =>
            inline(env, { op, stack, project: PROJECT, workDir: dir, clockSeconds });

        // pulumi up from empty to Available (the provider waits for the Deployment and the load balancer).
        const ups: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            ups.push(ok(await run("up"), "up"));
            if (i < RUNS - 1) ok(await run("destroy"), "destroy");
        }

        // The floor: the same resources as raw resources, deployed in a stack of their own.
        const floorDir = fs.mkdtempSync(path.join(env.dir, "floor-"));
        const recorded = path.join(floorDir, "resources.json");
        fs.writeFileSync(recorded, JSON.stringify(floorResources(exportStack(env, dir, stack), "apim-gateway", "apim-gw-prod")));
        fs.writeFileSync(
            path.join(floorDir, "Pulumi.yaml"),
            fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8").replace(/^name: .*$/m, "name: apim-gateway-floor"),
        );
        const floor = (op: "up" | "preview") =>
            inline(env, {
                op,
                stack: "floor",
                project: "apim-gateway-floor",
                workDir: floorDir,
                program: path.join(__dirname, "floor.ts"),
                vars: { BENCH_FLOOR_RESOURCES: recorded },
            });
        ok(await floor("up"), "floor up");

        const previews: number[] = [];
        const floorPreviews: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            previews.push(ok(await run("preview"), "preview"));
            floorPreviews.push(ok(await floor("preview"), "floor preview"));
        }

        // The rotation up, each in the next window.
        const outputs = (await run("up")).result.outputs ?? {};
        const first = Math.floor((Date.parse(String(outputs.tokenRotatesAfter?.value)) - Date.now()) / 1000) + 3600;
        const rotations: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            const clock = first + i * WEEK;
            env.arm.setClockOffset(clock);
            rotations.push(ok(await run("up", clock), "rotation up"));
        }

        const rows = [
            ["pulumi preview, prod stack (component)", secs(median(previews))],
            ["pulumi preview, floor (same resources, raw)", secs(median(floorPreviews))],
            ["  ratio component / floor", `${(median(previews) / median(floorPreviews)).toFixed(2)}x`],
            ["pulumi up from empty to Available, prod", secs(median(ups))],
            ["rotation up (next window), prod", secs(median(rotations))],
        ];
        process.stdout.write(
            [
                `Real-engine benchmark: median of ${RUNS} runs; ${os.cpus().length} cores, Node ${process.versions.node}, ${new Date().toISOString()}`,
                ...rows.map(([k, v]) => `  ${k.padEnd(48)} ${v}`),
                `  (raw runs: preview ${previews.map(secs).join(", ")}; floor ${floorPreviews.map(secs).join(", ")};`,
                `   up ${ups.map(secs).join(", ")}; rotation ${rotations.map(secs).join(", ")})`,
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
