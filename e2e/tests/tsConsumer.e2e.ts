// A TypeScript project outside this repository uses the component the way a user does: it installs the package
// from an `npm pack` tarball (and once more from a git URL to a clone of this repository) into its own
// node_modules, type-checks its program under strict settings, and runs `pulumi up` and `pulumi destroy` in token
// mode on the real engine, with the package's provider plugin started from its own node_modules.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../env/environment";
import { deployment, isAvailable, secretValue, tokenSecretRef } from "../harness/objects";
import { exportStack, inline } from "../harness/pulumi";
import { wall } from "../harness/report";
import { E2E_APIM } from "../harness/stacks";
import { startPlugin } from "../../tests/servedPlugin";
import { e2e } from "./setup";

const PULUMI_VERSION = (
    JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
    }
).packages["node_modules/@pulumi/pulumi"].version;

/** A consumer's program: one gateway in token mode, its namespace named after the install kind. */
function program(kind: string): string {
    return `import * as pulumi from "@pulumi/pulumi";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "apim-gateway";

const args: SelfHostedGatewayArgs = {
    environment: "dev",
    apim: {
        resourceGroupName: "${E2E_APIM.resourceGroupName}",
        serviceName: "${E2E_APIM.serviceName}",
        gatewayName: "consumer-${kind}",
        location: { name: "e2e-cluster" },
    },
    namespace: { name: "consumer-${kind}" },
    replicas: 2,
    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    image: { tag: "2.11.1" },
    configBackup: { storageClassName: "azurefile-csi", accessMode: "ReadWriteMany" },
    token: { armEndpoint: process.env.APIM_E2E_ARM_ENDPOINT as string, lifetimeDays: 30, rotateEveryDays: 7 },
};

const gateway = new SelfHostedGateway("consumer-${kind}", args);
export const namespace = gateway.namespaceName;
export const tokenExpiry = gateway.tokenExpiry;
export const secretName = gateway.secretName;
`;
}

/** Writes the consumer project: package.json, a strict tsconfig, Pulumi.yaml naming the plugin in node_modules. */
function consumerProject(kind: string, dependency: string): string {
    const dir = fs.mkdtempSync(path.join(e2e().dir, `consumer-${kind}-`));
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify(
            {
                name: `consumer-${kind}`,
                version: "1.0.0",
                private: true,
                main: "index.ts",
                dependencies: { "@pulumi/pulumi": PULUMI_VERSION, "apim-gateway": dependency },
                devDependencies: { typescript: "~5.9.3", "@types/node": "^20.19.43" },
            },
            null,
            2,
        ),
    );
    fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify(
            {
                compilerOptions: {
                    strict: true,
                    noUncheckedIndexedAccess: true,
                    exactOptionalPropertyTypes: true,
                    target: "es2022",
                    module: "node16",
                    moduleResolution: "node16",
                    types: ["node"],
                    skipLibCheck: false,
                    noEmit: true,
                },
                files: ["index.ts"],
            },
            null,
            2,
        ),
    );
    // The tsconfig of Pulumi's TypeScript template: CommonJS, node resolution, no esModuleInterop, no skipLibCheck.
    fs.writeFileSync(
        path.join(dir, "tsconfig.pulumi-template.json"),
        JSON.stringify(
            {
                compilerOptions: {
                    strict: true,
                    outDir: "bin",
                    target: "es2020",
                    module: "commonjs",
                    moduleResolution: "node",
                    sourceMap: true,
                    experimentalDecorators: true,
                    pretty: true,
                    noFallthroughCasesInSwitch: true,
                    noImplicitReturns: true,
                    forceConsistentCasingInFileNames: true,
                    noEmit: true,
                },
                files: ["index.ts"],
            },
            null,
            2,
        ),
    );
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        [
            `name: consumer-${kind}`,
            "runtime: nodejs",
            "plugins:",
            "  providers:",
            "    - name: apim-gateway",
            "      path: ./node_modules/apim-gateway/bin",
            "",
        ].join("\n"),
    );
    fs.writeFileSync(path.join(dir, "index.ts"), program(kind));
    return dir;
}

function npm(args: string[], cwd: string): string {
    return execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
}

async function deployAndDestroy(kind: string, dir: string): Promise<void> {
    const env = e2e();
    const kube = env.cluster!.kube;

    // The package's types hold under a strict consumer tsconfig (noUncheckedIndexedAccess, exactOptionalPropertyTypes).
    const t0 = Date.now();
    execFileSync(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", dir], { cwd: dir, encoding: "utf8" });
    wall(`${kind} consumer: tsc --noEmit under strict settings`, Date.now() - t0);
    // And under the tsconfig of Pulumi's TypeScript template (the package's public types pull in no zod types).
    execFileSync(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", path.join(dir, "tsconfig.pulumi-template.json")], {
        cwd: dir,
        encoding: "utf8",
    });

    // The plugin starts from the consumer's node_modules and serves its schema (compiled JavaScript, no type-check).
    const plugin = await startPlugin({}, path.join(dir, "node_modules", "apim-gateway", "bin", "pulumi-resource-apim-gateway"), dir);
    try {
        const schema = JSON.parse(await plugin.getSchema()) as { name: string };
        assert.equal(schema.name, "apim-gateway");
        process.stderr.write(`      [e2e] ${kind} consumer: plugin started and served in ${plugin.startMs} ms\n`);
    } finally {
        plugin.stop();
    }

    const up = await inline(env, {
        op: "up",
        stack: "dev",
        project: `consumer-${kind}`,
        workDir: dir,
        program: path.join(dir, "index.ts"),
    });
    wall(`${kind} consumer: pulumi up`, up.ms);
    assert.equal(up.result.ok, true, up.result.error);
    const d = await deployment(kube, `consumer-${kind}`, `consumer-${kind}`);
    assert.equal(isAvailable(d), true);
    const issued = env.arm.issued.filter((t) => t.gatewayResourceId.endsWith(`/gateways/consumer-${kind}`));
    assert.equal(issued.length, 1);
    const ref = tokenSecretRef(d)!;
    assert.equal(ref.name, up.result.outputs!.secretName.value);
    assert.equal(await secretValue(kube, `consumer-${kind}`, ref.name, "value"), `GatewayKey ${issued[0].value}`);
    assert.equal(exportStack(env, dir, "dev").includes(issued[0].value), false);

    const destroy = await inline(env, {
        op: "destroy",
        stack: "dev",
        project: `consumer-${kind}`,
        workDir: dir,
        program: path.join(dir, "index.ts"),
    });
    wall(`${kind} consumer: pulumi destroy`, destroy.ms);
    assert.equal(destroy.result.ok, true, destroy.result.error);
    assert.equal(await kube.find(`/apis/apps/v1/namespaces/consumer-${kind}/deployments/consumer-${kind}`), undefined);
}

describe("a TypeScript project outside this repository, on the real engine", function () {
    before(() => e2e().arm.setClockOffset(0));

    it("installs the package from an npm pack tarball and runs up and destroy in token mode", async () => {
        const packDir = fs.mkdtempSync(path.join(e2e().dir, "pack-"));
        const t0 = Date.now();
        const tarball = npm(["pack", "--pack-destination", packDir, "--silent"], REPO).trim().split("\n").pop()!;
        wall("npm pack", Date.now() - t0);
        const dir = consumerProject("tarball", `file:${path.join(packDir, tarball)}`);
        const t1 = Date.now();
        npm(["install"], dir);
        wall("tarball consumer: npm install", Date.now() - t1);
        // Installed, not linked: the package is a copy in the consumer's own node_modules.
        assert.equal(fs.lstatSync(path.join(dir, "node_modules", "apim-gateway")).isSymbolicLink(), false);
        await deployAndDestroy("tarball", dir);
    });

    it("installs the package from a git URL to a clone of this repository and runs up and destroy in token mode", async () => {
        const clone = fs.mkdtempSync(path.join(e2e().dir, "clone-"));
        execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${REPO}`, clone]);
        const dir = consumerProject("git", `git+file://${clone}`);
        const t1 = Date.now();
        npm(["install"], dir);
        wall("git consumer: npm install (clone, prepare, pack)", Date.now() - t1);
        assert.equal(fs.lstatSync(path.join(dir, "node_modules", "apim-gateway")).isSymbolicLink(), false);
        await deployAndDestroy("git", dir);
    });
});
