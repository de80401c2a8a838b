// Whether the engine would find this package's provider plugin, judged the way the engine looks for it, and the one
// line a TypeScript consumer gets when it would not.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "../components";
import { pluginLocationProblem, PluginSearch } from "../components/plugin/location";
import { constructionError, ROOT } from "./harness";

describe("finding the provider plugin", () => {
    let root: string;
    let project: string;
    let home: string;
    let search: PluginSearch;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-location-"));
        project = path.join(root, "project");
        home = path.join(root, "pulumi-home");
        fs.mkdirSync(project);
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
        search = {
            version: "0.1.0",
            downloadUrl: undefined,
            projectDir: project,
            packageDir: path.join(project, "node_modules", "apim-gateway"),
            env: { PATH: "/usr/bin:/bin", PULUMI_HOME: home },
        };
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("names the one command that installs it, with the launcher's path relative to the project", () => {
        assert.equal(
            pluginLocationProblem(search),
            "Pulumi cannot find this package's provider plugin (pulumi-resource-apim-gateway 0.1.0), which issues the gateway's token; " +
                "install it once on this machine: pulumi plugin install resource apim-gateway 0.1.0 --file node_modules/apim-gateway/bin/pulumi-resource-apim-gateway",
        );
    });

    it("gives an absolute path when the package lives outside the project (a linked or hoisted install)", () => {
        const message = pluginLocationProblem({ ...search, packageDir: "/opt/shared/apim-gateway" });
        assert.equal(message?.endsWith("--file /opt/shared/apim-gateway/bin/pulumi-resource-apim-gateway"), true);
    });

    it("is satisfied by a release site: the engine downloads the plugin from it", () => {
        assert.equal(pluginLocationProblem({ ...search, downloadUrl: "https://releases.example.test/apim-gateway" }), undefined);
    });

    it("is satisfied by the project's plugins.providers entry, in block or flow style, and not by another plugin's", () => {
        const yaml = path.join(project, "Pulumi.yaml");
        fs.writeFileSync(
            yaml,
            "name: c\nruntime: nodejs\nplugins:\n  providers:\n    - name: apim-gateway\n      path: ./node_modules/apim-gateway/bin\n",
        );
        assert.equal(pluginLocationProblem(search), undefined);
        fs.writeFileSync(yaml, 'name: c\nruntime: nodejs\nplugins: { providers: [{ name: "apim-gateway", path: ./bin }] }\n');
        assert.equal(pluginLocationProblem(search), undefined);
        fs.writeFileSync(yaml, "name: c\nruntime: nodejs\nplugins:\n  providers:\n    - name: apim-gateway-extra\n      path: ./x\n");
        assert.notEqual(pluginLocationProblem(search), undefined);
        fs.writeFileSync(yaml, "name: apim-gateway\nruntime: nodejs\nplugins:\n  providers:\n    - name: other\n      path: ./x\n");
        assert.notEqual(pluginLocationProblem(search), undefined, "the project's own name is not a plugin entry");
    });

    it("is satisfied by an executable on PATH, unless PULUMI_IGNORE_AMBIENT_PLUGINS; a file that is not executable does not count", () => {
        const bin = path.join(root, "bin");
        fs.mkdirSync(bin);
        const exe = path.join(bin, "pulumi-resource-apim-gateway");
        fs.writeFileSync(exe, "#!/bin/sh\n", { mode: 0o644 });
        const env = { ...search.env, PATH: `/usr/bin${path.delimiter}${bin}` };
        assert.notEqual(pluginLocationProblem({ ...search, env }), undefined);
        fs.chmodSync(exe, 0o755);
        assert.equal(pluginLocationProblem({ ...search, env }), undefined);
        assert.notEqual(pluginLocationProblem({ ...search, env: { ...env, PULUMI_IGNORE_AMBIENT_PLUGINS: "true" } }), undefined);
    });

    it("is satisfied by an installed plugin of the same major version in PULUMI_HOME, not by a partial install or another major", () => {
        const plugins = path.join(home, "plugins");
        fs.mkdirSync(path.join(plugins, "resource-apim-gateway-v0.1.0.partial"), { recursive: true });
        fs.mkdirSync(path.join(plugins, "resource-apim-gateway-v1.0.0"));
        assert.notEqual(pluginLocationProblem(search), undefined);
        fs.mkdirSync(path.join(plugins, "resource-apim-gateway-v0.3.1"));
        assert.equal(pluginLocationProblem(search), undefined);
    });

    it("looks in ~/.pulumi without PULUMI_HOME", () => {
        const fakeHome = path.join(root, "user");
        fs.mkdirSync(path.join(fakeHome, ".pulumi", "plugins", "resource-apim-gateway-v0.1.0"), { recursive: true });
        assert.equal(pluginLocationProblem({ ...search, env: { PATH: "/usr/bin", HOME: fakeHome } }), undefined);
    });
});

describe("the component, when the engine would not find the plugin", () => {
    let dir: string;
    let cwd: string;
    let saved: NodeJS.ProcessEnv;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-location-project-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
        cwd = process.cwd();
        saved = { ...process.env };
        process.chdir(dir);
        process.env.PULUMI_HOME = path.join(dir, "pulumi-home");
        process.env.PATH = "/usr/bin:/bin";
    });
    afterEach(() => {
        process.chdir(cwd);
        process.env = saved;
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const args: SelfHostedGatewayArgs = {
        apim: { resourceGroupName: "rg-apim", serviceName: "contoso-apim", gatewayName: "edge", location: { name: "aks-weu" } },
        namespace: { name: "gw", podSecurityLevel: "restricted" },
        token: { armEndpoint: "https://management.azure.com" },
    };

    it("stops in token mode before registering anything, with the one line naming the install command", async () => {
        const { error, resources } = await constructionError(() => new SelfHostedGateway("edge", args));
        assert.ok(error instanceof pulumi.ResourceError);
        assert.equal(
            error.message,
            'SelfHostedGateway "edge": Pulumi cannot find this package\'s provider plugin (pulumi-resource-apim-gateway 0.1.0), ' +
                "which issues the gateway's token; install it once on this machine: pulumi plugin install resource apim-gateway 0.1.0 " +
                // The package (this repository) is outside the project's folder: an absolute path.
                `--file ${ROOT}/bin/pulumi-resource-apim-gateway`,
        );
        assert.deepEqual(
            resources.map((r) => r.type),
            ["apim-gateway:index:SelfHostedGateway"],
            "only the component itself, no child",
        );
    });

    it("does not stop in the modes that need no token", async () => {
        const { error, resources } = await constructionError(
            () =>
                new SelfHostedGateway("edge", {
                    ...args,
                    token: undefined,
                    auth: { type: "existingSecret", existingSecret: { name: "gw-token" } },
                }),
        );
        assert.equal(error, undefined);
        assert.equal(
            resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"),
            true,
        );
    });
});
