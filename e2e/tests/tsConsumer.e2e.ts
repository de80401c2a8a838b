// TypeScript projects outside this repository use the component the way users do, at both ends of the SDK range the
// package supports (package.json peerDependencies): e2e/consumers/lowest and e2e/consumers/newest pin their SDKs in
// their own lockfiles. Each installs the package beside its SDKs and must end with one copy of each SDK it shares
// with the package; then up, a no-change preview, a rotation in the next window and destroy in token mode, on the
// real engine. Neither edits its Pulumi.yaml to find the package's provider plugin:
//   - lowest: an unpublished package (an `npm pack` tarball). The first `up` stops before creating anything, with one
//     line naming the command that installs the plugin; the scenario runs that very command, then deploys.
//   - newest: a released package (`npm run release:pack` against a release site served from loopback). The engine
//     downloads the plugin from the release site by itself.
// A third project installs the package from a git URL and names the plugin in Pulumi.yaml, the documented
// alternative for a checkout.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { REPO } from "../env/environment";
import { deployment, isAvailable, secretValue, tokenSecretRef } from "../harness/objects";
import { exportStack, inline, InlineOptions, pulumiCli } from "../harness/pulumi";
import { wall } from "../harness/report";
import { E2E_APIM } from "../harness/stacks";
import { startPlugin } from "../../tests/servedPlugin";
import { e2e } from "./setup";

const HOUR = 3600;
const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
const SHARED_SDKS = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/azure-native"];

/** A consumer's program: one gateway in token mode, its namespace named after the project. */
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
export const tokenRotatesAfter = gateway.tokenRotatesAfter;
export const secretName = gateway.secretName;
`;
}

const STRICT_TSCONFIG = {
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
};
// The tsconfig of Pulumi's TypeScript template: CommonJS, node resolution, no esModuleInterop, no skipLibCheck.
const TEMPLATE_TSCONFIG = {
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
};

/** Writes a consumer project: its package files, both tsconfigs, Pulumi.yaml (with `pulumiYaml` lines added) and index.ts. */
function consumerProject(kind: string, packageFiles: Record<string, string>, pulumiYaml: string[] = []): string {
    const dir = fs.mkdtempSync(path.join(e2e().dir, `consumer-${kind}-`));
    for (const [file, text] of Object.entries(packageFiles)) fs.writeFileSync(path.join(dir, file), text);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(STRICT_TSCONFIG, null, 2));
    fs.writeFileSync(path.join(dir, "tsconfig.pulumi-template.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), [`name: consumer-${kind}`, "runtime: nodejs", ...pulumiYaml, ""].join("\n"));
    fs.writeFileSync(path.join(dir, "index.ts"), program(kind));
    return dir;
}

/** A fixture of e2e/consumers (package.json and its lockfile). */
function fixture(end: "lowest" | "newest"): Record<string, string> {
    const from = path.join(REPO, "e2e", "consumers", end);
    return Object.fromEntries(["package.json", "package-lock.json"].map((f) => [f, fs.readFileSync(path.join(from, f), "utf8")]));
}

function npm(args: string[], cwd: string): string {
    return execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
}

/** Every installed copy of a package under the project (nested copies included), as folders relative to it. */
function copiesOf(dir: string, name: string): string[] {
    const out = execFileSync("find", [path.join(dir, "node_modules"), "-path", `*/node_modules/${name}/package.json`], {
        encoding: "utf8",
    });
    return out
        .split("\n")
        .filter((l) => l !== "")
        .map((f) => path.relative(dir, path.dirname(f)))
        .sort();
}

const installedVersion = (dir: string, name: string) =>
    (JSON.parse(fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

/** npm ci of the fixture's lockfile, then the package beside it; one copy of each shared SDK, at the locked version. */
function install(dir: string, pkg: string, kind: string): void {
    const locked = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
    };
    const t0 = Date.now();
    npm(["ci", "--ignore-scripts"], dir);
    npm(["install", "--no-save", "--ignore-scripts", pkg], dir);
    wall(`${kind} consumer: npm ci and install of the package`, Date.now() - t0);
    assert.equal(fs.lstatSync(path.join(dir, "node_modules", "apim-gateway")).isSymbolicLink(), false);
    for (const sdk of SHARED_SDKS) {
        assert.deepEqual(copiesOf(dir, sdk), [`node_modules/${sdk}`], `one copy of ${sdk}`);
        assert.equal(installedVersion(dir, sdk), locked.packages[`node_modules/${sdk}`].version, `${sdk} as the lockfile pins it`);
    }
}

/** The package's types hold under a strict consumer tsconfig and under Pulumi's template tsconfig. */
function typeCheck(dir: string, kind: string): void {
    const t0 = Date.now();
    execFileSync(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", dir], { cwd: dir, encoding: "utf8" });
    wall(`${kind} consumer: tsc --noEmit under strict settings`, Date.now() - t0);
    execFileSync(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", path.join(dir, "tsconfig.pulumi-template.json")], {
        cwd: dir,
        encoding: "utf8",
    });
}

/** Requests to the fake ARM for this consumer's gateway (its JSON-lines log). */
function armRequestsFor(gateway: string): { method: string; path: string }[] {
    return fs
        .readFileSync(e2e().vars.APIM_E2E_ARM_LOG, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as { method: string; path: string })
        .filter((r) => r.path.includes(`/gateways/${gateway}`));
}

/**
 * up, a no-change preview, a rotation in the next window (the program's clock and the fake ARM's shifted), and
 * destroy; each checked on the apiserver and the fake ARM.
 */
async function lifecycle(kind: string, dir: string, vars: Record<string, string>): Promise<void> {
    const env = e2e();
    const kube = env.cluster!.kube;
    const gw = `consumer-${kind}`;
    const run = (op: InlineOptions["op"], more: Partial<InlineOptions> = {}) =>
        inline(env, { op, stack: "dev", project: gw, workDir: dir, program: path.join(dir, "index.ts"), vars, ...more });

    const up = await run("up");
    wall(`${kind} consumer: pulumi up`, up.ms);
    assert.equal(up.result.ok, true, up.result.error);
    const outputs = up.result.outputs!;
    let d = await deployment(kube, gw, gw);
    assert.equal(isAvailable(d), true);
    const issued = () => env.arm.issued.filter((t) => t.gatewayResourceId.endsWith(`/gateways/${gw}`));
    assert.equal(issued().length, 1);
    let ref = tokenSecretRef(d)!;
    assert.equal(ref.name, outputs.secretName.value);
    assert.equal(await secretValue(kube, gw, ref.name, "value"), `GatewayKey ${issued()[0].value}`);
    assert.equal(exportStack(env, dir, "dev").includes(issued()[0].value), false, "no plaintext token in the state");

    const preview = await run("preview", { expectNoChanges: true });
    assert.equal(preview.result.ok, true, preview.result.error);
    assert.equal(issued().length, 1, "a preview issues no token");

    // The next rotation window: one more token, the pods on a new Secret, the old Secret gone.
    const clock = Math.floor((Date.parse(String(outputs.tokenRotatesAfter.value)) - Date.now()) / 1000) + HOUR;
    env.arm.setClockOffset(clock);
    try {
        const rotation = await run("up", { clockSeconds: clock });
        wall(`${kind} consumer: rotation up`, rotation.ms);
        assert.equal(rotation.result.ok, true, rotation.result.error);
        assert.equal(issued().length, 2);
        assert.notEqual(rotation.result.outputs!.tokenExpiry.value, outputs.tokenExpiry.value);
        d = await deployment(kube, gw, gw);
        assert.equal(isAvailable(d), true);
        const oldSecret = ref.name;
        ref = tokenSecretRef(d)!;
        assert.notEqual(ref.name, oldSecret);
        assert.equal(await secretValue(kube, gw, ref.name, "value"), `GatewayKey ${issued()[1].value}`);
        assert.equal(await kube.find(`/api/v1/namespaces/${gw}/secrets/${oldSecret}`), undefined);

        const destroy = await run("destroy", { clockSeconds: clock });
        wall(`${kind} consumer: pulumi destroy`, destroy.ms);
        assert.equal(destroy.result.ok, true, destroy.result.error);
    } finally {
        env.arm.setClockOffset(0);
    }
    assert.equal(await kube.find(`/apis/apps/v1/namespaces/${gw}/deployments/${gw}`), undefined);
    assert.deepEqual(
        armRequestsFor(gw)
            .filter((r) => r.method === "DELETE")
            .map((r) => r.path.split("/").slice(-2).join("/")),
        [`gateways/${gw}`],
        "destroy deleted the gateway in Azure",
    );
}

/** A fresh Pulumi home (its plugin cache empty), so that nothing another scenario installed can be found. */
const freshPulumiHome = (kind: string) => fs.mkdtempSync(path.join(e2e().dir, `pulumi-home-${kind}-`));

/** A release site on loopback: serves the files of `dir` and records each request's path. */
async function releaseSite(dir: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        requests.push(req.url ?? "");
        const file = path.join(dir, path.basename(decodeURIComponent((req.url ?? "").split("?")[0])));
        if (req.method === "GET" && fs.existsSync(file) && fs.statSync(file).isFile()) {
            res.writeHead(200, { "content-type": "application/octet-stream", "content-length": fs.statSync(file).size });
            fs.createReadStream(file).pipe(res);
        } else {
            res.writeHead(404).end();
        }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}/releases/v${PACKAGE_VERSION}`,
        requests,
        close: () => new Promise((r) => server.close(() => r())),
    };
}

describe("TypeScript projects outside this repository, at both ends of the supported SDK range, on the real engine", function () {
    before(() => e2e().arm.setClockOffset(0));

    it("lowest supported SDKs: one copy of each; without the plugin, up stops before creating anything with one line naming the fix; after that command, up, a no-change preview, a rotation and destroy", async () => {
        const env = e2e();
        const packDir = fs.mkdtempSync(path.join(env.dir, "pack-"));
        const t0 = Date.now();
        const tarball = npm(["pack", "--pack-destination", packDir, "--silent"], REPO).trim().split("\n").pop()!;
        wall("npm pack", Date.now() - t0);
        const dir = consumerProject("lowest", fixture("lowest"));
        install(dir, path.join(packDir, tarball), "lowest");
        assert.equal(installedVersion(dir, "@pulumi/pulumi"), "3.259.0");
        assert.equal(installedVersion(dir, "@pulumi/kubernetes"), "4.25.0");
        typeCheck(dir, "lowest");

        // The plugin starts from the consumer's node_modules and serves its schema (compiled JavaScript, no type-check).
        const plugin = await startPlugin({}, path.join(dir, "node_modules", "apim-gateway", "bin", "pulumi-resource-apim-gateway"), dir);
        try {
            assert.equal((JSON.parse(await plugin.getSchema()) as { name: string }).name, "apim-gateway");
            process.stderr.write(`      [e2e] lowest consumer: plugin started and served in ${plugin.startMs} ms\n`);
        } finally {
            plugin.stop();
        }

        const vars = { PULUMI_HOME: freshPulumiHome("lowest") };
        const refused = await inline(env, {
            op: "up",
            stack: "dev",
            project: "consumer-lowest",
            workDir: dir,
            program: path.join(dir, "index.ts"),
            vars,
        });
        assert.equal(refused.result.ok, false);
        const fix = `pulumi plugin install resource apim-gateway ${PACKAGE_VERSION} --file node_modules/apim-gateway/bin/pulumi-resource-apim-gateway`;
        fs.writeFileSync(path.join(env.dir, "lowest-refused-up.txt"), refused.output);
        // The engine reports the component's error once as the resource's and once as the program's diagnostic.
        const errors = [...new Set(refused.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim()))];
        assert.deepEqual(errors, [
            `SelfHostedGateway "consumer-lowest": Pulumi cannot find this package's provider plugin (pulumi-resource-apim-gateway ${PACKAGE_VERSION}), ` +
                `which issues the gateway's token; install it once on this machine: ${fix}`,
        ]);
        assert.deepEqual(armRequestsFor("consumer-lowest"), [], "nothing was created in Azure");
        assert.deepEqual(
            refused.result.steps.filter((s) => s.op === "create").map((s) => s.type),
            ["pulumi:pulumi:Stack", "apim-gateway:index:SelfHostedGateway"],
            "no resource but the stack and the component itself",
        );

        // The command the line names, as a user would paste it.
        const installed = pulumiCli(env, fix.split(" ").slice(1), dir, vars);
        assert.equal(installed.code, 0, installed.stderr);
        assert.equal(fs.existsSync(path.join(vars.PULUMI_HOME, "plugins", `resource-apim-gateway-v${PACKAGE_VERSION}`)), true);
        await lifecycle("lowest", dir, vars);
    });

    it("newest SDKs on the registry: one copy of each; the engine installs the plugin from the package's release site (loopback) by itself; up, a no-change preview, a rotation and destroy", async () => {
        const env = e2e();
        const out = fs.mkdtempSync(path.join(env.dir, "release-"));
        const site = await releaseSite(out);
        try {
            const t0 = Date.now();
            const produced = execFileSync("npm", ["run", "--silent", "release:pack", "--", "--server", site.url, "--out", out], {
                cwd: REPO,
                encoding: "utf8",
            })
                .trim()
                .split("\n");
            wall("npm run release:pack", Date.now() - t0);
            assert.deepEqual(
                produced.map((f) => path.basename(f)),
                [
                    `apim-gateway-${PACKAGE_VERSION}.tgz`,
                    ...["linux", "darwin"].flatMap((os) =>
                        ["amd64", "arm64"].map((arch) => `pulumi-resource-apim-gateway-v${PACKAGE_VERSION}-${os}-${arch}.tar.gz`),
                    ),
                ],
            );
            const dir = consumerProject("newest", fixture("newest"));
            install(dir, path.join(out, `apim-gateway-${PACKAGE_VERSION}.tgz`), "newest");
            assert.deepEqual(
                (JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "apim-gateway", "package.json"), "utf8")) as { pulumi: unknown })
                    .pulumi,
                { resource: true, name: "apim-gateway", version: PACKAGE_VERSION, server: site.url },
            );
            typeCheck(dir, "newest");

            const vars = { PULUMI_HOME: freshPulumiHome("newest"), PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" };
            await lifecycle("newest", dir, vars);
            const arch = process.arch === "arm64" ? "arm64" : "amd64";
            assert.deepEqual(site.requests, [
                `/releases/v${PACKAGE_VERSION}/pulumi-resource-apim-gateway-v${PACKAGE_VERSION}-linux-${arch}.tar.gz`,
            ]);
            assert.equal(
                fs.existsSync(
                    path.join(vars.PULUMI_HOME, "plugins", `resource-apim-gateway-v${PACKAGE_VERSION}`, "pulumi-resource-apim-gateway"),
                ),
                true,
            );
        } finally {
            await site.close();
        }
    });

    it("installs the package from a git URL to a clone of this repository (plugin named in Pulumi.yaml) and runs up and destroy in token mode", async () => {
        const env = e2e();
        const clone = fs.mkdtempSync(path.join(env.dir, "clone-"));
        execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${REPO}`, clone]);
        const files = fixture("newest");
        const pkg = JSON.parse(files["package.json"]) as { name: string; dependencies: Record<string, string> };
        pkg.name = "consumer-git";
        pkg.dependencies["apim-gateway"] = `git+file://${clone}`;
        const dir = consumerProject("git", { "package.json": JSON.stringify(pkg, null, 2) }, [
            "plugins:",
            "  providers:",
            "    - name: apim-gateway",
            "      path: ./node_modules/apim-gateway/bin",
        ]);
        const t1 = Date.now();
        npm(["install"], dir);
        wall("git consumer: npm install (clone, prepare, pack)", Date.now() - t1);
        assert.equal(fs.lstatSync(path.join(dir, "node_modules", "apim-gateway")).isSymbolicLink(), false);
        for (const sdk of SHARED_SDKS) assert.deepEqual(copiesOf(dir, sdk), [`node_modules/${sdk}`], `one copy of ${sdk}`);
        const vars = { PULUMI_HOME: freshPulumiHome("git") };
        const run = (op: "up" | "destroy") =>
            inline(env, { op, stack: "dev", project: "consumer-git", workDir: dir, program: path.join(dir, "index.ts"), vars });
        const up = await run("up");
        assert.equal(up.result.ok, true, up.result.error);
        assert.equal(isAvailable(await deployment(env.cluster!.kube, "consumer-git", "consumer-git")), true);
        const destroy = await run("destroy");
        assert.equal(destroy.result.ok, true, destroy.result.error);
    });
});
