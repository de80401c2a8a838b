// A Pulumi YAML project outside this repository, on the real `pulumi` command line: no Automation API. The CLI
// starts Pulumi YAML's language host (built from Go modules with the rest of the toolchain), which asks the
// package's provider plugin to construct the SelfHostedGateway component; the plugin also serves the token. This is
// the path users take with `pulumi up`, and what a pull request's `pulumi preview --diff` shows.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { REPO } from "../env/environment";
import { configMapData, deployment, isAvailable, secretValue, tokenSecretRef } from "../harness/objects";
import { clockShift, CliResult, exportStack, pulumiCli, pulumiCliAsync } from "../harness/pulumi";
import { wall } from "../harness/report";
import { E2E_APIM } from "../harness/stacks";
import { e2e } from "./setup";

const HOUR = 3600;
/** The gateway in Azure, and the namespace; the Kubernetes objects take the component's name, `edge`. */
const GW = "yaml-edge";
const NAME = "edge";

/** The component's properties in the YAML program; `edit` changes them. */
function gatewayProperties(edit?: (p: Record<string, unknown>) => void): Record<string, unknown> {
    const p: Record<string, unknown> = {
        environment: "dev",
        apim: { ...E2E_APIM, gatewayName: GW, location: { name: "e2e-cluster" } },
        namespace: { name: GW },
        replicas: 2,
        rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        image: { tag: "2.11.1" },
        configBackup: { storageClassName: "azurefile-csi", accessMode: "ReadWriteMany" },
        token: { armEndpoint: e2e().vars.APIM_E2E_ARM_ENDPOINT, lifetimeDays: 30, rotateEveryDays: 7 },
    };
    edit?.(p);
    return p;
}

/** Writes Pulumi.yaml: the plugin named by path (a clone of this repository, built), one component, its outputs. */
function writeProject(dir: string, name: string, properties: Record<string, unknown>): void {
    const project = {
        name,
        runtime: "yaml",
        plugins: { providers: [{ name: "apim-gateway", path: path.join(REPO, "bin") }] },
        resources: { edge: { type: "apim-gateway:index:SelfHostedGateway", properties } },
        outputs: {
            tokenExpiry: "${edge.tokenExpiry}",
            tokenRotatesAfter: "${edge.tokenRotatesAfter}",
            secretName: "${edge.secretName}",
            deploymentName: "${edge.deploymentName}",
        },
    };
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(project));
}

/** The resources a `pulumi preview --diff` text changes: `<op> <type>` from its resource lines. */
function diffChanges(text: string): string[] {
    const ops: Record<string, string> = { "+-": "replace", "~": "update", "+": "create", "-": "delete", "-+": "replace" };
    const found = new Set<string>();
    for (const line of text.split("\n")) {
        const m = /^\s*(\+-|-\+|~|\+|-)\s*([\w-]+:[\w/.-]+:[\w]+):\s+\(/.exec(line);
        if (m) found.add(`${ops[m[1]]} ${m[2]}`);
    }
    return [...found].sort();
}

const outputsOf = (r: CliResult) => JSON.parse(r.stdout) as Record<string, string>;

describe("a Pulumi YAML project on the real pulumi command line (no Automation API)", function () {
    let dir: string;
    /** Seconds the program's clock (and the fake ARM's) is shifted by, once the rotation moved in time. */
    let clock = 0;
    const cli = async (args: string[], extra: Record<string, string> = {}) => {
        const t0 = Date.now();
        const r = await pulumiCliAsync(e2e(), [...args, "--stack", "dev"], dir, extra);
        wall(`yaml: pulumi ${args.slice(0, 2).join(" ")}`, Date.now() - t0);
        return r;
    };

    before(() => {
        e2e().arm.setClockOffset(0);
        dir = fs.mkdtempSync(path.join(e2e().dir, "yaml-consumer-"));
        writeProject(dir, "yaml-consumer", gatewayProperties());
        const init = pulumiCli(e2e(), ["stack", "init", "dev"], dir);
        assert.equal(init.code, 0, init.stderr);
    });
    after(() => e2e().arm.setClockOffset(0));

    it("up creates the gateway, the token and the Kubernetes objects; a preview --diff right after expects no changes", async () => {
        const env = e2e();
        const kube = env.cluster!.kube;
        const up = await cli(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const d = await deployment(kube, GW, NAME);
        assert.equal(isAvailable(d), true);
        const issued = env.arm.issued.filter((t) => t.gatewayResourceId.endsWith(`/gateways/${GW}`));
        assert.equal(issued.length, 1);
        const out = outputsOf(await cli(["stack", "output", "--json", "--show-secrets"]));
        assert.equal(tokenSecretRef(d)!.name, out.secretName);
        assert.equal(await secretValue(kube, GW, out.secretName, "value"), `GatewayKey ${issued[0].value}`);
        assert.equal(exportStack(env, dir, "dev").includes(issued[0].value), false, "no plaintext token in the state");
        assert.equal(up.stdout.includes(issued[0].value), false);

        const preview = await cli(["preview", "--diff", "--expect-no-changes"]);
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
    });

    it("a rotation in the next window: the preview --diff names only the token, its Secret and the rolled Deployment, the token shown as [secret]; up rolls the pods onto the new token", async () => {
        const env = e2e();
        const kube = env.cluster!.kube;
        const before = outputsOf(await cli(["stack", "output", "--json"]));
        clock = Math.floor((Date.parse(before.tokenRotatesAfter) - Date.now()) / 1000) + HOUR;
        env.arm.setClockOffset(clock);
        const shifted = clockShift(clock);

        const preview = await cli(["preview", "--diff"], shifted);
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        fs.writeFileSync(path.join(env.dir, "yaml-rotation-preview.txt"), preview.stdout);
        assert.deepEqual(
            diffChanges(preview.stdout),
            ["replace apim-gateway:index:GatewayToken", "replace kubernetes:core/v1:Secret", "update kubernetes:apps/v1:Deployment"],
            preview.stdout,
        );
        assert.equal(preview.stdout.includes("[secret]"), true, "the token appears as [secret]");
        const old = env.arm.issued.filter((t) => t.gatewayResourceId.endsWith(`/gateways/${GW}`));
        assert.equal(old.length, 1, "a preview issues no token");
        assert.equal(preview.stdout.includes(old[0].value), false);

        const up = await cli(["up", "--yes", "--skip-preview"], shifted);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const issued = env.arm.issued.filter((t) => t.gatewayResourceId.endsWith(`/gateways/${GW}`));
        assert.equal(issued.length, 2);
        const after = outputsOf(await cli(["stack", "output", "--json"], shifted));
        assert.notEqual(after.tokenExpiry, before.tokenExpiry);
        const d = await deployment(kube, GW, NAME);
        assert.equal(isAvailable(d), true);
        assert.equal(tokenSecretRef(d)!.name, after.secretName);
        assert.equal(await secretValue(kube, GW, after.secretName, "value"), `GatewayKey ${issued[1].value}`);
        assert.equal(await kube.find(`/api/v1/namespaces/${GW}/secrets/${before.secretName}`), undefined);
        assert.equal(exportStack(env, dir, "dev").includes(issued[1].value), false);
    });

    it("a settings change rolls the pods: the settings ConfigMap is replaced and the Deployment moves to it", async () => {
        const env = e2e();
        const kube = env.cluster!.kube;
        const d0 = await deployment(kube, GW, NAME);
        writeProject(
            dir,
            "yaml-consumer",
            gatewayProperties((p) => (p.observability = { logs: { std: { format: "json", level: "warn" } } })),
        );
        const preview = await cli(["preview", "--diff"], clockShift(clock));
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        assert.deepEqual(
            diffChanges(preview.stdout),
            ["replace kubernetes:core/v1:ConfigMap", "update kubernetes:apps/v1:Deployment"],
            preview.stdout,
        );
        const up = await cli(["up", "--yes", "--skip-preview"], clockShift(clock));
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const d = await deployment(kube, GW, NAME);
        assert.equal(isAvailable(d), true);
        assert.notEqual(d.metadata.generation, d0.metadata.generation);
        const settings = await configMapData(kube, GW, d);
        assert.equal(settings["telemetry.logs.std"], "json");
        assert.equal(settings["telemetry.logs.std.level"], "warn");
    });

    it("destroy removes everything it created, in the cluster and in Azure", async () => {
        const env = e2e();
        const destroy = await cli(["destroy", "--yes", "--skip-preview"], clockShift(clock));
        assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
        assert.equal(await env.cluster!.kube.find(`/apis/apps/v1/namespaces/${GW}/deployments/${GW}`), undefined);
        const log = fs.readFileSync(env.vars.APIM_E2E_ARM_LOG, "utf8");
        assert.equal(log.includes(`"method":"DELETE","path":"/subscriptions/`) && log.includes(`/gateways/${GW}"`), true);
    });

    // Pulumi YAML checks property names and types against the schema the plugin serves before the component runs,
    // and names the key and the line; the component checks every other rule and names the key.
    for (const [label, edit, expected] of [
        [
            "an unknown key",
            (p: Record<string, unknown>) => (p.replica = 3),
            ["Error: Property replica does not exist on 'apim-gateway:index:SelfHostedGateway'", "on Pulumi.yaml line 33:"],
        ],
        [
            'replicas: "three"',
            (p: Record<string, unknown>) => (p.replicas = "three"),
            ["on Pulumi.yaml line 20:", "replicas: Cannot assign type 'string' to type 'integer'"],
        ],
        [
            "a prod stack with one replica",
            (p: Record<string, unknown>) => {
                p.environment = "prod";
                p.namespace = { name: GW, podSecurityLevel: "restricted" };
                p.replicas = 1;
            },
            [
                "error: apim-gateway:index:SelfHostedGateway resource 'edge' has a problem: SelfHostedGateway \"edge\": invalid arguments (2 problems):",
                "- args.replicas: got 1; production needs at least 2 (3 recommended)",
            ],
        ],
    ] as const) {
        it(`bad input through YAML (${label}): the preview fails naming the key, and an up creates nothing`, async () => {
            const bad = fs.mkdtempSync(path.join(e2e().dir, "yaml-bad-"));
            const properties = gatewayProperties(edit);
            (properties.apim as Record<string, unknown>).gatewayName = "yaml-bad";
            writeProject(bad, `yaml-bad-${label.replace(/\W+/g, "-").replace(/^-|-$/g, "")}`, properties);
            const init = pulumiCli(e2e(), ["stack", "init", "dev"], bad);
            assert.equal(init.code, 0, init.stderr);
            const preview = await pulumiCliAsync(e2e(), ["preview", "--stack", "dev"], bad);
            assert.notEqual(preview.code, 0);
            const text = (preview.stdout + preview.stderr).replace(/\x1b\[[0-9;]*m/g, "");
            for (const line of expected) assert.equal(text.includes(line), true, `expected ${JSON.stringify(line)} in:\n${text}`);
            const up = await pulumiCliAsync(e2e(), ["up", "--yes", "--skip-preview", "--stack", "dev"], bad);
            assert.notEqual(up.code, 0);
            const state = JSON.parse(pulumiCli(e2e(), ["stack", "export", "--stack", "dev"], bad).stdout) as {
                deployment: { resources?: { type: string; custom?: boolean }[] };
            };
            assert.deepEqual(
                (state.deployment.resources ?? []).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.type),
                [],
                "no custom resource in the state",
            );
            assert.equal(
                fs.readFileSync(e2e().vars.APIM_E2E_ARM_LOG, "utf8").includes("/gateways/yaml-bad"),
                false,
                "nothing reached Azure",
            );
        });
    }

    it("pulumi package add from a YAML project: the package recorded in Pulumi.yaml, the plugin installed with one command, then up and destroy", async () => {
        const env = e2e();
        const dir = fs.mkdtempSync(path.join(env.dir, "yaml-package-add-"));
        // The package installed beside the project (its plugin runs the project's copy), as the TypeScript docs say.
        const packDir = fs.mkdtempSync(path.join(env.dir, "yaml-pack-"));
        const npm = (args: string[], cwd: string) =>
            execFileSync("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], {
                cwd,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            });
        const tarball = npm(["pack", "--pack-destination", packDir, "--silent"], REPO).trim().split("\n").pop()!;
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "yaml-package-add", version: "1.0.0", private: true }));
        npm(["install", "--ignore-scripts", path.join(packDir, tarball)], dir);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: yaml-package-add\nruntime: yaml\n");
        const launcher = "node_modules/apim-gateway/bin/pulumi-resource-apim-gateway";
        const home = { PULUMI_HOME: fs.mkdtempSync(path.join(env.dir, "pulumi-home-yaml-")) };

        const added = await pulumiCliAsync(env, ["package", "add", `./${launcher}`], dir, home);
        assert.equal(added.code, 0, added.stdout + added.stderr);
        const recorded = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
        assert.equal(recorded.includes("packages:\n  apim-gateway: apim-gateway@0.1.0\n"), true, recorded);
        const install = pulumiCli(env, ["plugin", "install", "resource", "apim-gateway", "0.1.0", "--file", launcher], dir, home);
        assert.equal(install.code, 0, install.stderr);

        const properties = gatewayProperties((p) => {
            (p.apim as Record<string, unknown>).gatewayName = "yaml-added";
            p.namespace = { name: "yaml-added" };
        });
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            recorded +
                stringify({
                    resources: { edge: { type: "apim-gateway:index:SelfHostedGateway", properties } },
                    outputs: { tokenExpiry: "${edge.tokenExpiry}" },
                }),
        );
        assert.equal(pulumiCli(env, ["stack", "init", "dev"], dir, home).code, 0);
        const up = await pulumiCliAsync(env, ["up", "--yes", "--skip-preview", "--stack", "dev"], dir, home);
        wall("yaml package add: pulumi up", up.ms);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(isAvailable(await deployment(env.cluster!.kube, "yaml-added", NAME)), true);
        const destroy = await pulumiCliAsync(env, ["destroy", "--yes", "--skip-preview", "--stack", "dev"], dir, home);
        assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
    });
});
