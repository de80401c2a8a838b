// Benchmark: program evaluation under Pulumi's mock runtime for 1, 10 and 100 SelfHostedGateways, against a floor
// program that imports the same SDK modules and registers the same number of raw resources; peak memory; and the
// diff-stability check (two evaluations inside one rotation window change 0 inputs).
//   npm run bench            (prints a table; nothing here is asserted by the tests)
import * as os from "os";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "../components";
import { atClock, byUrnish, diffPaths, registered, reset, settle, useMocks } from "../tests/harness";
import { CLOCK, SAME_WINDOW_CLOCK } from "../tests/expected";

const SIZES = [1, 10, 100];
const RUNS = 5;

function args(i: number): SelfHostedGatewayArgs {
    return {
        apim: { resourceGroupName: "rg-apim", serviceName: "contoso-apim", gatewayName: `gw-${i}`, location: { name: `site-${i}` } },
        namespace: { name: `gw-${i}`, podSecurityLevel: "restricted" },
        replicas: 3,
        configBackup: { storageClassName: "azurefile-csi" },
    };
}

/** The component program: n gateways. Returns the outputs to wait for. */
function componentProgram(n: number): pulumi.Output<unknown>[] {
    const outs: pulumi.Output<unknown>[] = [];
    for (let i = 0; i < n; i++) {
        const gw = new SelfHostedGateway(`gw-${i}`, args(i));
        outs.push(gw.deploymentName, gw.serviceName, gw.discoveryServiceName, gw.gateway.id);
    }
    return outs;
}

const trivialProvider: pulumi.dynamic.ResourceProvider = {
    async create() {
        return { id: "x", outs: {} };
    },
};

class FloorToken extends pulumi.dynamic.Resource {
    constructor(name: string, opts: pulumi.CustomResourceOptions) {
        super(trivialProvider, name, { value: undefined }, opts);
    }
}

/** The token's own provider instance, as the component registers one. */
class FloorTokenProvider extends pulumi.ProviderResource {
    constructor(name: string, opts: pulumi.ResourceOptions) {
        super("apim-gateway", name, {}, opts);
    }
}

class Floor extends pulumi.ComponentResource {
    constructor(name: string) {
        super("bench:index:Floor", name, {});
    }
}

/** The floor: the same SDK modules and the same number of resources per gateway, without the component's logic. */
function floorProgram(n: number): pulumi.Output<unknown>[] {
    const outs: pulumi.Output<unknown>[] = [];
    for (let i = 0; i < n; i++) {
        const parent = new Floor(`f-${i}`);
        const o = { parent };
        const meta = { name: `f-${i}`, namespace: `f-${i}` };
        outs.push(new k8s.core.v1.Namespace(`f-${i}-namespace`, { metadata: { name: `f-${i}` } }, o).id);
        outs.push(new k8s.core.v1.ConfigMap(`f-${i}-env`, { metadata: meta, data: { a: "b" } }, o).id);
        outs.push(new k8s.core.v1.PersistentVolumeClaim(`f-${i}-pvc`, { metadata: meta, spec: { accessModes: ["ReadWriteMany"] } }, o).id);
        outs.push(new k8s.core.v1.Service(`f-${i}-svc`, { metadata: meta, spec: { ports: [{ port: 80 }] } }, o).id);
        outs.push(new k8s.core.v1.Service(`f-${i}-disc`, { metadata: meta, spec: { clusterIP: "None" } }, o).id);
        outs.push(new k8s.core.v1.Secret(`f-${i}-secret`, { metadata: meta, stringData: { value: "x" } }, o).id);
        outs.push(new k8s.apps.v1.Deployment(`f-${i}-dep`, { metadata: meta, spec: { selector: {}, template: {} } }, o).id);
        outs.push(new k8s.policy.v1.PodDisruptionBudget(`f-${i}-pdb`, { metadata: meta, spec: { maxUnavailable: 1 } }, o).id);
        const g = new apimanagement.Gateway(
            `f-${i}-gw`,
            { resourceGroupName: "rg", serviceName: "svc", gatewayId: `f-${i}`, locationData: { name: "x" } },
            o,
        );
        outs.push(g.id);
        outs.push(new FloorTokenProvider(`f-${i}-token-provider`, o).urn);
        outs.push(new FloorToken(`f-${i}-token`, o).id);
    }
    return outs;
}

async function evaluate(
    program: (n: number) => pulumi.Output<unknown>[],
    n: number,
    clock = CLOCK,
): Promise<{ ms: number; resources: number }> {
    await useMocks({});
    reset();
    const start = process.hrtime.bigint();
    const outs = atClock(clock, () => program(n));
    await settle(outs);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, resources: registered.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

async function main(): Promise<void> {
    // Warm-up: module loading and the first closure serialization are not part of the figures.
    await evaluate(componentProgram, 1);
    await evaluate(floorProgram, 1);

    console.log(
        `apim-gateway benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, median of ${RUNS} runs`,
    );
    console.log("");
    console.log("| gateways | resources | component (ms) | floor (ms) | ratio | heap used after (MB) |");
    console.log("|---:|---:|---:|---:|---:|---:|");
    for (const n of SIZES) {
        const comp: number[] = [];
        const floor: number[] = [];
        let resources = 0;
        let floorResources = 0;
        for (let r = 0; r < RUNS; r++) {
            const c = await evaluate(componentProgram, n);
            const f = await evaluate(floorProgram, n);
            comp.push(c.ms);
            floor.push(f.ms);
            resources = c.resources;
            floorResources = f.resources;
        }
        if (resources !== floorResources) throw new Error(`floor registered ${floorResources} resources, component ${resources}`);
        const c = median(comp);
        const f = median(floor);
        console.log(
            `| ${n} | ${resources} | ${c.toFixed(0)} | ${f.toFixed(0)} | ${(c / f).toFixed(2)} | ${mb(process.memoryUsage().heapUsed)} |`,
        );
    }

    // Diff stability: two evaluations of 100 gateways inside one rotation window.
    await useMocks({});
    reset();
    await settle(atClock(CLOCK, () => componentProgram(100)));
    const first = byUrnish(registered);
    reset();
    await settle(atClock(SAME_WINDOW_CLOCK, () => componentProgram(100)));
    const changed = diffPaths(first, byUrnish(registered));
    console.log("");
    console.log(
        `diff stability: 100 gateways evaluated at ${CLOCK} and ${SAME_WINDOW_CLOCK} (same window): ${changed.length} changed inputs`,
    );
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    if (changed.length !== 0) {
        console.log(changed.slice(0, 10).join("\n"));
        process.exitCode = 1;
    }
}

main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
});
