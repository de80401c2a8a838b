// `npm run doctor` against the real-engine environment: the Pulumi CLI 3.276.0 with a file backend of its own, the
// local cluster (RBAC on, the three StorageClasses), the fake ARM's permissions API and the fake `az`. One ready
// stack gives every check its good case; each scenario below breaks one thing (or several at once) and reads the
// line doctor prints for it, its fix and the exit code.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { promises as dnsPromises } from "dns";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { DEFAULT_IMAGE_TAG } from "../../components/args";
import { validateArgs } from "../../components/validation";
import { REPO, STAND_IN_BIN } from "../env/environment";
import { pulumiCli } from "../harness/pulumi";
import { E2E_APIM, repoStack } from "../harness/stacks";
import { e2e } from "./setup";

interface DoctorRun {
    code: number;
    /** stdout, line by line. */
    lines: string[];
    ms: number;
}

const CHECK_LINE = /^(ok|warn|FAIL|skip)\s+(.+?)\s{2,}/;

/** The status line doctor printed for a check. */
function line(run: DoctorRun, check: string): string {
    const found = run.lines.filter((l) => CHECK_LINE.exec(l)?.[2] === check);
    assert.equal(found.length, 1, `one line for ${check} in:\n${run.lines.join("\n")}`);
    return found[0];
}

/** The indented lines under a check's status line. */
function details(run: DoctorRun, check: string): string[] {
    const at = run.lines.indexOf(line(run, check));
    const out: string[] = [];
    for (const l of run.lines.slice(at + 1)) {
        if (!l.startsWith(" ")) break;
        out.push(l.trim());
    }
    return out;
}

/** The check column as doctor pads it (the longest check name is "azure permissions"). */
const pad = (status: string, check: string) => `${status.padEnd(4)}  ${check.padEnd("azure permissions".length)}  `;

const FIX_KUBE_RBAC =
    "ask a cluster admin for a Role (and, for namespaces, a ClusterRole) granting these verbs, or use a context that has them";
const GATEWAYS = "Microsoft.ApiManagement/service/gateways";

describe("npm run doctor: the preflight on the real engine", function () {
    let backend: string;
    let good: string;
    let ready: DoctorRun;
    let vars: Record<string, string>;
    /** The subject and endpoints the good lines name. */
    let who: string;
    let where: string;

    /** Runs `npm run doctor -- --cwd <dir> ...` with the environment's variables, `extra` on top, `unset` removed. */
    async function doctor(dir: string, args: string[], extra: Record<string, string> = {}, unset: string[] = []): Promise<DoctorRun> {
        const env: NodeJS.ProcessEnv = { ...process.env, ...vars, ...extra };
        for (const k of unset) delete env[k];
        const started = Date.now();
        let stdout = "";
        let stderr = "";
        const code = await new Promise<number>((resolve) => {
            const child = spawn("npm", ["run", "--silent", "doctor", "--", "--cwd", dir, ...args], { cwd: REPO, env });
            child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
            child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
            child.on("exit", (c) => resolve(c ?? 1));
        });
        const ms = Date.now() - started;
        process.stderr.write(`      [e2e] doctor ${args.join(" ")}: ${(ms / 1000).toFixed(1)} s\n`);
        if (process.env.APIM_E2E_ECHO === "1") process.stderr.write(stdout + stderr);
        return { code, lines: stdout.split("\n").filter((l) => l !== ""), ms };
    }

    const setPermissions = async (body: { actions: string[]; notActions?: string[] }) => {
        const res = await fetch(new URL("/permissions", e2e().vars.APIM_E2E_ARM_CONTROL), { method: "POST", body: JSON.stringify(body) });
        assert.equal(res.status, 200, await res.text());
    };
    const ALL_NEEDED = [`${GATEWAYS}/read`, `${GATEWAYS}/write`, `${GATEWAYS}/generateToken/action`];

    before(async () => {
        const env = e2e();
        // A backend of its own: the stacks made here never meet the other suites' stacks of the same names.
        backend = fs.mkdtempSync(path.join(env.dir, "doctor-state-"));
        vars = { ...env.vars, PULUMI_BACKEND_URL: `file://${backend}` };
        good = repoStack(env, "dev", (g) => {
            g.apim.configurationEndpoint = "localhost";
        });
        const init = pulumiCli(env, ["stack", "init", "dev"], good, { PULUMI_BACKEND_URL: vars.PULUMI_BACKEND_URL });
        assert.equal(init.code, 0, init.stderr);
        await setPermissions({ actions: ALL_NEEDED });
        const log = env.vars.APIM_E2E_ARM_LOG;
        const before = fs.readFileSync(log, "utf8").split("\n").filter(Boolean).length;
        ready = await doctor(good, ["--stack", "dev"]);
        // Read-only towards Azure: doctor's ARM requests are the permissions read on the gateway's scope and the instance's read.
        const requests = fs
            .readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .slice(before)
            .map((l) => JSON.parse(l) as { method: string; path: string; query: Record<string, string>; status: number });
        const scope = `/subscriptions/${env.user.subscriptionId}/resourceGroups/${E2E_APIM.resourceGroupName}/providers/Microsoft.ApiManagement/service/${E2E_APIM.serviceName}/gateways/apim-gw-dev`;
        assert.deepEqual(requests, [
            {
                ...requests[0],
                method: "GET",
                path: `${scope}/providers/Microsoft.Authorization/permissions`,
                query: { "api-version": "2022-04-01" },
                status: 200,
            },
            {
                ...requests[1],
                method: "GET",
                path: scope.replace(/\/gateways\/apim-gw-dev$/, ""),
                query: { "api-version": "2024-05-01" },
                status: 200,
            },
        ]);
        who = `the Azure CLI login: user ${env.user.name} (object id ${env.user.objectId})`;
        where = `service ${E2E_APIM.serviceName}, resource group ${E2E_APIM.resourceGroupName}, subscription ${env.user.subscriptionId}`;
    });

    afterEach(async () => {
        await setPermissions({ actions: ["*"] });
    });

    it("a ready dev stack: every check ok, exit 0", async () => {
        const env = e2e();
        const kube = env.cluster!.kube;
        const version = await kube.get<{ gitVersion: string }>("/version");
        const localhost = [...new Set((await dnsPromises.lookup("localhost", { all: true })).map((a) => a.address))].join(", ");
        assert.deepEqual(ready.lines.slice(0, -1), [
            `doctor: project apim-gateway, stack dev, in ${good}`,
            `${pad("ok", "pulumi CLI")}v3.276.0 (the project pins @pulumi/pulumi 3.276.0)`,
            `${pad("ok", "backend")}${os.userInfo().username} at file://${backend}`,
            `${pad("ok", "stack")}dev (given with --stack)`,
            `${pad("ok", "placeholders")}none left in Pulumi.dev.yaml`,
            `${pad("ok", "config")}gateway is valid (dev: 2 production rules relaxed: gateway.replicas, gateway.image.tag)`,
            `${pad("ok", "image")}gateway v2 is a rolling tag (it follows the newest release, ${DEFAULT_IMAGE_TAG} here)`,
            `${pad("ok", "azure sign-in")}${who}, for ${env.vars.APIM_E2E_ARM_ENDPOINT}`,
            `${pad("ok", "azure permissions")}${who} may create gateway apim-gw-dev and call generateToken on it (${where})`,
            `${pad("ok", "apim tier")}Developer, a tier that offers self-hosted gateways (${where})`,
            `${pad("ok", "kube context")}e2e at ${kube.access.server} (Kubernetes ${version.gitVersion}, from KUBECONFIG=${env.vars.KUBECONFIG})`,
            `${pad("ok", "kube permissions")}create, get, update, patch, delete on namespaces, secrets, configmaps, persistentvolumeclaims, deployments.apps, services in namespace apim-gateway-dev`,
            `${pad("ok", "storage class")}azurefile-csi for ReadWriteMany (access mode not checked: provisioner e2e.apim-gateway.test/hostpath)`,
            `${pad("ok", "dns")}localhost resolves (${localhost})`,
        ]);
        assert.match(ready.lines[ready.lines.length - 1], /^13 ok, 0 warn, 0 FAIL \(\d+\.\d s\)$/);
        assert.equal(ready.code, 0);
        // It used the Azure access token and the stack's passphrase, and printed neither.
        const { accessToken } = JSON.parse(fs.readFileSync(env.vars.APIM_E2E_AZ_TOKEN_FILE, "utf8")) as { accessToken: string };
        for (const secret of [accessToken, env.vars.PULUMI_CONFIG_PASSPHRASE]) {
            assert.deepEqual(
                ready.lines.filter((l) => l.includes(secret)),
                [],
            );
        }
    });

    it("a ready prod stack: the named ReadWriteMany class, the disruption budget's kind, the production rules pass", async () => {
        const env = e2e();
        const dir = repoStack(env, "prod", (g) => {
            g.apim.configurationEndpoint = "localhost";
        });
        const init = pulumiCli(env, ["stack", "init", "prod"], dir, { PULUMI_BACKEND_URL: vars.PULUMI_BACKEND_URL });
        assert.equal(init.code, 0, init.stderr);
        await setPermissions({ actions: [`${GATEWAYS}/*`] });
        const run = await doctor(dir, ["--stack", "prod"]);
        assert.equal(line(run, "config"), `${pad("ok", "config")}gateway is valid`);
        assert.equal(
            line(run, "kube permissions"),
            `${pad("ok", "kube permissions")}create, get, update, patch, delete on namespaces, secrets, configmaps, persistentvolumeclaims, deployments.apps, services, poddisruptionbudgets.policy in namespace apim-gateway`,
        );
        assert.equal(
            line(run, "storage class"),
            `${pad("ok", "storage class")}azurefile-csi for ReadWriteMany (access mode not checked: provisioner e2e.apim-gateway.test/hostpath)`,
        );
        assert.equal(
            line(run, "azure permissions"),
            `${pad("ok", "azure permissions")}${who} may create gateway apim-gw-prod and call generateToken on it (${where})`,
        );
        assert.equal(run.code, 0);
    });

    it("pulumi CLI: FAIL with the install command when pulumi is not on PATH; the other checks still run", async () => {
        const env = e2e();
        // PATH without any pulumi, with the toolchain's kubectl.
        const bin = fs.mkdtempSync(path.join(env.dir, "doctor-bin-"));
        fs.symlinkSync(path.join(env.toolchain, "kubectl"), path.join(bin, "kubectl"));
        const rest = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "" && !fs.existsSync(path.join(d, "pulumi")));
        const run = await doctor(good, ["--stack", "dev"], { PATH: [bin, STAND_IN_BIN, ...rest].join(path.delimiter) });
        assert.equal(line(ready, "pulumi CLI"), `${pad("ok", "pulumi CLI")}v3.276.0 (the project pins @pulumi/pulumi 3.276.0)`);
        assert.equal(
            line(run, "pulumi CLI"),
            `${pad("FAIL", "pulumi CLI")}pulumi is not on PATH; fix: install it from https://www.pulumi.com/docs/install/ ` +
                "(e.g. curl -fsSL https://get.pulumi.com | sh -s -- --version 3.276.0), then open a new shell",
        );
        assert.equal(line(run, "backend"), `${pad("skip", "backend")}not checked: needs the pulumi CLI`);
        assert.equal(line(run, "stack"), `${pad("skip", "stack")}not checked: needs the pulumi CLI to find stack dev in the backend`);
        assert.equal(line(run, "placeholders"), line(ready, "placeholders"));
        assert.equal(line(run, "kube permissions"), line(ready, "kube permissions"));
        assert.equal(line(run, "azure permissions"), line(ready, "azure permissions"));
        assert.equal(run.code, 1);
    });

    it("backend: FAIL with pulumi login when there is no backend URL and no stored login", async () => {
        const home = fs.mkdtempSync(path.join(e2e().dir, "doctor-pulumi-home-"));
        const run = await doctor(good, ["--stack", "dev"], { PULUMI_HOME: home }, ["PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN"]);
        assert.equal(line(ready, "backend"), `${pad("ok", "backend")}${os.userInfo().username} at file://${backend}`);
        // What the Pulumi CLI 3.276 itself says without a login, quoted by the doctor: `pulumi whoami`, then `pulumi stack ls`.
        const why = "this command requires logging in; try running `pulumi login` first";
        const whyStacks = "PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions";
        assert.equal(
            line(run, "backend"),
            `${pad("FAIL", "backend")}not logged in (no PULUMI_BACKEND_URL and no stored login): ${why}; fix: pulumi login (Pulumi Cloud), ` +
                "or pulumi login file://~/.pulumi-state / azblob://<container> for a self-managed backend, or set PULUMI_BACKEND_URL",
        );
        assert.equal(
            line(run, "stack"),
            `${pad("FAIL", "stack")}pulumi stack ls failed: ${whyStacks}; fix: fix the backend login (see backend), then run doctor again`,
        );
        assert.equal(run.code, 1);
    });

    it("stack: ok when selected; FAIL with pulumi stack init when it does not exist, and when none is selected", async () => {
        const env = e2e();
        const selected = await doctor(good, []);
        assert.equal(line(selected, "stack"), `${pad("ok", "stack")}dev (selected)`);
        assert.equal(selected.code, 0);

        const empty = `file://${fs.mkdtempSync(path.join(env.dir, "doctor-empty-state-"))}`;
        const fresh = repoStack(env, "dev", (g) => {
            g.apim.configurationEndpoint = "localhost";
        });
        const missing = await doctor(fresh, ["--stack", "dev"], { PULUMI_BACKEND_URL: empty });
        assert.equal(
            line(missing, "stack"),
            `${pad("FAIL", "stack")}stack dev does not exist in the backend yet; fix: pulumi stack init dev`,
        );
        assert.equal(line(missing, "placeholders"), line(ready, "placeholders"));
        assert.equal(missing.code, 1);

        const none = await doctor(fresh, [], { PULUMI_BACKEND_URL: empty });
        assert.equal(
            line(none, "stack"),
            `${pad("FAIL", "stack")}no stack selected, and the project has none yet; fix: pulumi stack select --create dev (or prod), or pass --stack <name> to doctor`,
        );
        assert.equal(line(none, "placeholders"), `${pad("skip", "placeholders")}not checked: no stack (see stack)`);
        assert.equal(line(none, "kube permissions"), `${pad("skip", "kube permissions")}not checked: no stack (see stack)`);
        assert.equal(none.code, 1);
    });

    it("placeholders, config, storage class, dns: every problem of one stack file in one run, each with its fix", async () => {
        const env = e2e();
        const dir = repoStack(
            env,
            "dev",
            (g) => {
                (g.apim as Record<string, unknown>).resourceGroupName = "REPLACE-ME-resource-group";
                g.apim.configurationEndpoint = "apim-e2e.configuration.invalid";
                g.replicas = 0;
                g.configBackup = { ...(g.configBackup as object), storageClassName: "does-not-exist" };
            },
            { "azure-native:location": "REPLACE-ME-region" },
        );
        const run = await doctor(dir, ["--stack", "dev"]);
        assert.equal(
            line(run, "placeholders"),
            `${pad("FAIL", "placeholders")}Pulumi.dev.yaml still has REPLACE-ME at gateway.apim.resourceGroupName, azure-native:location; ` +
                "fix: replace each with your own value (your API Management instance's names) in Pulumi.dev.yaml",
        );
        assert.equal(
            line(run, "config"),
            `${pad("FAIL", "config")}Pulumi.dev.yaml: 1 problem (the stack program refuses it); fix: fix it in Pulumi.dev.yaml (docs: configuration reference)`,
        );
        // The validator's own words, exactly as the stack program would print them.
        const validation = validateArgs(readGateway(dir), "gateway");
        assert.deepEqual(details(run, "config"), validation.ok ? ["(valid)"] : validation.problems);
        assert.deepEqual(details(run, "config"), ["gateway.replicas: got 0 (number); must be at least 1"]);
        assert.equal(
            line(run, "azure permissions"),
            `${pad("skip", "azure permissions")}not checked: gateway.apim.resourceGroupName still REPLACE-ME (see placeholders)`,
        );
        assert.equal(
            line(run, "apim tier"),
            `${pad("skip", "apim tier")}not checked: gateway.apim.resourceGroupName still REPLACE-ME (see placeholders)`,
        );
        assert.equal(
            line(run, "storage class"),
            `${pad("FAIL", "storage class")}configBackup.storageClassName does-not-exist does not exist (the cluster has azurefile-csi, managed-csi, standard); ` +
                "fix: set configBackup.storageClassName to one of the cluster's classes (kubectl get storageclass), or ask an admin to create it",
        );
        assert.equal(
            line(run, "dns"),
            `${pad("FAIL", "dns")}apim-e2e.configuration.invalid does not resolve (ENOTFOUND); fix: check apim.serviceName / configurationEndpoint, or the network's DNS`,
        );
        assert.equal(line(run, "kube permissions"), line(ready, "kube permissions"));
        assert.match(
            run.lines[run.lines.length - 1],
            /^7 ok, 0 warn, 4 FAIL, 2 skipped \(\d+\.\d s\): fix the FAIL lines, then run npm run doctor again$/,
        );
        assert.equal(run.code, 1);
    });

    it("azure sign-in: FAIL with az login when the Azure CLI is signed out", async () => {
        const env = e2e();
        const file = path.join(env.dir, "doctor-az-signed-out.json");
        fs.writeFileSync(file, JSON.stringify({ loggedOut: true }), { mode: 0o600 });
        const run = await doctor(good, ["--stack", "dev"], { APIM_E2E_AZ_TOKEN_FILE: file });
        assert.equal(line(ready, "azure sign-in"), `${pad("ok", "azure sign-in")}${who}, for ${env.vars.APIM_E2E_ARM_ENDPOINT}`);
        assert.equal(
            line(run, "azure sign-in"),
            `${pad("FAIL", "azure sign-in")}the Azure CLI login could not sign in for ${env.vars.APIM_E2E_ARM_ENDPOINT}: ` +
                "Please run 'az login' from a command prompt to authenticate before using this credential.; " +
                "fix: az login (then az account set --subscription <id>), or sign in as a service principal: azure-native:clientId, tenantId " +
                "and clientSecret (--secret) in the stack config, or ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET",
        );
        assert.equal(
            line(run, "azure permissions"),
            `${pad("skip", "azure permissions")}not checked: no Azure sign-in (see azure sign-in)`,
        );
        assert.equal(line(run, "apim tier"), `${pad("skip", "apim tier")}not checked: no Azure sign-in (see azure sign-in)`);
        assert.equal(run.code, 1);
    });

    it("apim tier: FAIL naming the tiers with self-hosted gateways when the instance is on Basic; ok again on Premium", async () => {
        const setTier = async (sku: string) => {
            const res = await fetch(`${e2e().vars.APIM_E2E_ARM_CONTROL}service`, {
                method: "POST",
                body: JSON.stringify({ resourceGroup: E2E_APIM.resourceGroupName, name: E2E_APIM.serviceName, sku }),
            });
            assert.equal(res.status, 200, await res.text());
        };
        try {
            await setTier("Basic");
            const basic = await doctor(good, ["--stack", "dev"]);
            assert.equal(
                line(basic, "apim tier"),
                `${pad("FAIL", "apim tier")}the instance is on the Basic tier; self-hosted gateways need the Developer or Premium tier (${where}); ` +
                    "fix: use an API Management instance on the Developer or Premium tier (Developer is for non-production), or change this one's tier " +
                    "(Azure portal: the instance's Pricing tier)",
            );
            assert.equal(line(basic, "azure permissions"), line(ready, "azure permissions"));
            assert.equal(basic.code, 1);
            await setTier("Premium");
            const premium = await doctor(good, ["--stack", "dev"]);
            assert.equal(
                line(premium, "apim tier"),
                `${pad("ok", "apim tier")}Premium, a tier that offers self-hosted gateways (${where})`,
            );
            assert.equal(premium.code, 0);
        } finally {
            await setTier("Developer");
        }
    });

    it("azure permissions: FAIL naming generateToken when the identity may only read and write the gateway", async () => {
        await setPermissions({ actions: [`${GATEWAYS}/read`, `${GATEWAYS}/write`] });
        const run = await doctor(good, ["--stack", "dev"]);
        assert.equal(
            line(run, "azure permissions"),
            `${pad("FAIL", "azure permissions")}${who} lacks ${GATEWAYS}/generateToken/action (${where}); fix: grant that identity a role with ` +
                "this action on the API Management service or the gateway (docs: authentication, least-privilege role), or sign in as one that has them",
        );
        assert.equal(line(run, "azure sign-in"), line(ready, "azure sign-in"));
        assert.equal(run.code, 1);
    });

    it("kube context: FAIL when the kubeconfig has no current context", async () => {
        const env = e2e();
        const kubeconfig = path.join(env.dir, "doctor-no-such-kubeconfig");
        const run = await doctor(good, ["--stack", "dev"], { KUBECONFIG: kubeconfig });
        assert.match(line(ready, "kube context"), new RegExp(`^${pad("ok", "kube context")}e2e at https://127\\.0\\.0\\.1:\\d+ `));
        assert.equal(
            line(run, "kube context"),
            `${pad("FAIL", "kube context")}no current kube context (KUBECONFIG=${kubeconfig}): current-context must exist in order to minify; ` +
                "fix: set KUBECONFIG to your cluster's kubeconfig, or kubectl config use-context <name> (AKS: az aks get-credentials -g <group> -n <cluster>)",
        );
        assert.equal(
            line(run, "kube permissions"),
            `${pad("skip", "kube permissions")}not checked: no usable kube context (see kube context)`,
        );
        assert.equal(line(run, "storage class"), `${pad("skip", "storage class")}not checked: no usable kube context (see kube context)`);
        assert.equal(run.code, 1);
    });

    describe("kube permissions of a namespace-scoped user (a ServiceAccount's token, a Role)", () => {
        const NS = "doctor-limited";
        let dir: string;
        let kubeconfig: string;
        let token: string;
        const rules = (deploymentVerbs: string[]) => [
            {
                apiGroups: [""],
                resources: ["secrets", "configmaps", "services", "persistentvolumeclaims"],
                verbs: ["create", "get", "update", "patch", "delete"],
            },
            { apiGroups: ["apps"], resources: ["deployments"], verbs: deploymentVerbs },
        ];

        before(async () => {
            const env = e2e();
            const kube = env.cluster!.kube;
            await kube.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
            await kube.create(`/api/v1/namespaces/${NS}/serviceaccounts`, {
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name: "doctor" },
            });
            await kube.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "Role",
                metadata: { name: "gateway-deployer" },
                rules: rules(["get", "update", "patch", "delete"]),
            });
            await kube.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "RoleBinding",
                metadata: { name: "gateway-deployer" },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "gateway-deployer" },
                subjects: [{ kind: "ServiceAccount", name: "doctor", namespace: NS }],
            });
            const request = await kube.create<{ status: { token: string } }>(`/api/v1/namespaces/${NS}/serviceaccounts/doctor/token`, {
                apiVersion: "authentication.k8s.io/v1",
                kind: "TokenRequest",
                spec: { expirationSeconds: 3600 },
            });
            token = request.status.token;
            kubeconfig = path.join(fs.mkdtempSync(path.join(env.dir, "doctor-kube-")), "kubeconfig");
            const { server, caFile } = kube.access;
            fs.writeFileSync(
                kubeconfig,
                JSON.stringify({
                    apiVersion: "v1",
                    kind: "Config",
                    clusters: [{ name: "e2e", cluster: { server, "certificate-authority": caFile } }],
                    users: [{ name: "doctor", user: { token } }],
                    contexts: [{ name: "doctor-limited", context: { cluster: "e2e", user: "doctor", namespace: NS } }],
                    "current-context": "doctor-limited",
                }),
                { mode: 0o600 },
            );
            // The stack deploys into the existing namespace, which this user may not create.
            dir = repoStack(env, "dev", (g) => {
                g.apim.configurationEndpoint = "localhost";
                g.namespace = { name: NS, create: false };
            });
        });

        after(async () => {
            await e2e().cluster!.kube.request("DELETE", `/api/v1/namespaces/${NS}`);
        });

        it("FAIL naming the one verb missing; with it granted, ok, and the storage classes it may not list are a warning (exit 0)", async () => {
            const kube = e2e().cluster!.kube;
            const denied = await doctor(dir, ["--stack", "dev"], { KUBECONFIG: kubeconfig });
            assert.equal(
                line(denied, "kube permissions"),
                `${pad("FAIL", "kube permissions")}this context may not create deployments.apps in namespace ${NS}; fix: ${FIX_KUBE_RBAC}`,
            );
            assert.equal(denied.code, 1);

            await kube.mergePatch(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles/gateway-deployer`, {
                rules: rules(["create", "get", "update", "patch", "delete"]),
            });
            const granted = await doctor(dir, ["--stack", "dev"], { KUBECONFIG: kubeconfig });
            assert.deepEqual(
                [...denied.lines, ...granted.lines].filter((l) => l.includes(token)),
                [],
            );
            assert.equal(
                line(granted, "kube permissions"),
                `${pad("ok", "kube permissions")}create, get, update, patch, delete on secrets, configmaps, persistentvolumeclaims, deployments.apps, services in namespace ${NS}`,
            );
            assert.equal(
                line(granted, "storage class"),
                `${pad("warn", "storage class")}could not list storage classes: storageclasses.storage.k8s.io is forbidden: ` +
                    `User "system:serviceaccount:${NS}:doctor" cannot list resource "storageclasses" in API group "storage.k8s.io" at the cluster scope; ` +
                    "fix: ask a cluster admin whether storage class azurefile-csi exists (kubectl get storageclass)",
            );
            assert.equal(
                granted.lines.filter((l) => !l.startsWith("ok ")).length,
                3,
                `only the header, the warning and the summary are not ok:\n${granted.lines.join("\n")}`,
            );
            assert.equal(granted.code, 0);
        });
    });
});

/** The `gateway` object of a work directory's dev stack file, as written. */
function readGateway(dir: string): Record<string, unknown> & { apim: Record<string, unknown> } {
    const file = parse(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    return file.config["apim-gateway:gateway"] as Record<string, unknown> & { apim: Record<string, unknown> };
}
