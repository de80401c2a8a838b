// The package as another TypeScript project sees it: `npm run build` emits JavaScript and declarations, package.json
// `exports`/`types` point at them, and examples/consumer (its own Pulumi project) imports "apim-gateway" by name.
// The example resolves the package the way `npm ci` links a `file:` dependency: a symlink in its node_modules.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLOCK } from "./expected";
import { one, ROOT, runProgram } from "./harness";

const EXAMPLE = path.join(ROOT, "examples", "consumer");
const TSC = require.resolve("typescript/bin/tsc");

/**
 * Builds dist/ and links the package into the example, as `npm ci` in examples/consumer would. Returns what it
 * created (nothing when the example is installed already), for `after` to remove: the tests leave the tree as they
 * found it.
 */
function buildAndLink(): string[] {
    execFileSync(process.execPath, [TSC, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "pipe" });
    const modules = path.join(EXAMPLE, "node_modules");
    const link = path.join(modules, "apim-gateway");
    const created: string[] = [];
    if (!fs.existsSync(link)) {
        if (!fs.existsSync(modules)) {
            fs.mkdirSync(modules);
            created.unshift(modules);
        }
        fs.symlinkSync(path.relative(modules, ROOT), link, "dir");
        created.unshift(link);
    }
    return created;
}

describe("package entry point and the examples/consumer project", () => {
    let created: string[] = [];
    before(function () {
        this.timeout(120000);
        created = buildAndLink();
    });

    after(() => {
        // The link first, then the folder made for it (only if nothing else was put there meanwhile).
        for (const p of created) {
            if (fs.lstatSync(p).isSymbolicLink()) fs.unlinkSync(p);
            else if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
        }
    });

    it("resolves the package name through package.json exports to the built library", () => {
        assert.equal(require.resolve("apim-gateway", { paths: [EXAMPLE] }), path.join(ROOT, "dist", "components", "index.js"));
        assert.ok(fs.existsSync(path.join(ROOT, "dist", "components", "index.d.ts")), "type declarations are emitted");
    });

    it("exports the public API and does not run the stack program when imported", () => {
        // A fresh Node process with no Pulumi engine: running the stack program here would throw.
        // Imported by name from the consumer project, as users do (package.json exports, not `main`, which is the
        // multi-language plugin entry).
        const keys = execFileSync(process.execPath, ["-e", `console.log(Object.keys(require("apim-gateway")).sort().join(","))`], {
            encoding: "utf8",
            cwd: EXAMPLE,
        }).trim();
        assert.equal(
            keys,
            [
                "DEFAULTS",
                "DEFAULT_IMAGE_REPOSITORY",
                "DEFAULT_IMAGE_TAG",
                "GATEWAY_READ_ACTION",
                "GENERATE_TOKEN_ACTION",
                "GatewayToken",
                "MAX_TOKEN_LIFETIME_DAYS",
                "MIN_AUTOSCALING_REPLICAS",
                "SELF_HOSTED_GATEWAY_TYPE",
                "SelfHostedGateway",
                "armExpiry",
                "formatProblems",
                "rotationProblems",
                "tokenWindow",
                "validateArgs",
            ].join(","),
        );
    });

    it("type-checks the consumer against the emitted declarations (moduleResolution node16, via exports)", () => {
        let diagnostics = "";
        try {
            execFileSync(process.execPath, [TSC, "-p", path.join(EXAMPLE, "tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
        } catch (e) {
            diagnostics = String((e as { stdout?: string }).stdout) || (e as Error).message;
        }
        assert.equal(diagnostics, "");
    });

    it("runs under mocks: the component from the package, its children and the consumer's outputs", async () => {
        const run = await runProgram({}, CLOCK, "dev", { program: path.join(EXAMPLE, "index.ts"), project: "gateway-consumer" });
        assert.deepEqual(
            run.resources.map((r) => `${r.type}::${r.name}`),
            [
                "apim-gateway:index:SelfHostedGateway::edge-dev",
                "pulumi:providers:apim-gateway::edge-dev-token-provider",
                "kubernetes:core/v1:Namespace::edge-dev-namespace",
                "kubernetes:core/v1:ConfigMap::edge-dev-env",
                "kubernetes:core/v1:PersistentVolumeClaim::edge-dev-config-backup",
                "kubernetes:core/v1:Service::edge-dev-instance-discovery",
                "kubernetes:policy/v1:PodDisruptionBudget::edge-dev-pdb",
                "kubernetes:core/v1:Service::edge-dev-live-traffic",
                "azure-native:apimanagement:Gateway::edge-dev-gateway",
                "apim-gateway:index:GatewayToken::edge-dev-token",
                "kubernetes:core/v1:Secret::edge-dev-token-secret",
                "kubernetes:apps/v1:Deployment::edge-dev-deployment",
            ],
        );
        assert.deepEqual(one(run.resources, "azure-native:apimanagement:Gateway").inputs, {
            gatewayId: "edge-dev",
            locationData: { name: "aks-westeurope", city: "Amsterdam", countryOrRegion: "NL" },
            resourceGroupName: "rg-apim",
            serviceName: "contoso-apim",
        });
        const svc = one(run.resources, "kubernetes:core/v1:Service", "edge-dev-live-traffic").inputs as {
            metadata: { annotations: unknown };
        };
        assert.deepEqual(svc.metadata.annotations, { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" });
        assert.deepEqual(run.outputs, {
            gatewayId:
                "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim/gateways/edge-dev",
            namespace: "apim-edge-dev",
            tokenExpiry: "2026-12-22T23:45:00Z",
            address: undefined,
        });
        // The component class came from dist/, not from the sources the stack program uses.
        const loaded = Object.keys(require.cache).filter((f) => f.startsWith(path.join(ROOT, "dist")));
        assert.ok(loaded.includes(path.join(ROOT, "dist", "components", "selfHostedGateway.js")), "the example loaded the built package");
    });
});
