// The real-engine e2e environment: the toolchain built from Go modules on PATH, a local Kubernetes cluster,
// a fresh state backend (a file backend, or with APIM_E2E_BACKEND=azblob an azblob:// one on Azurite), and the Azure
// stand-ins (fake ARM, fake `az`, stand-in azure-native plugin).
// `npm run e2e:shell -- <command>` runs a command inside it; the e2e suite starts one per run.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Azurite, startAzurite } from "./azurite";
import { makeCa, makeLeaf } from "./certs";
import { Cluster, startCluster } from "./cluster";
import { crdDir, installCrds } from "./crds";
import { FakeArm, startFakeArm } from "./fakeArm";
import { startWebhookReceiver, WebhookReceiver } from "./webhookReceiver";

export const REPO = path.resolve(__dirname, "..", "..");
export const STAND_IN_BIN = path.join(REPO, "e2e", "env", "bin");

export interface E2eEnvironment {
    dir: string;
    /** The toolchain's bin directory (pulumi, kubectl, the kubernetes provider, ...). */
    toolchain: string;
    /** The variables a command inside the environment gets (on top of the caller's). */
    vars: Record<string, string>;
    /** Undefined when started with `cluster: false`. */
    cluster?: Cluster;
    arm: FakeArm;
    /** The webhook receiver stand-in (Event Grid deliveries land there). */
    webhook: WebhookReceiver;
    /** Where the state is: "file", or "azblob" (then `azurite` is the emulator serving it). */
    backend: E2eBackend;
    azurite?: Azurite;
    /** The signed-in test identity the fake `az` reports. */
    user: { name: string; objectId: string; tenantId: string; subscriptionId: string };
    stop(): Promise<void>;
}

/** The toolchain's bin directory, building what is missing (a warm cache answers at once). */
export function toolchainBin(): string {
    if (process.env.APIM_E2E_TOOLCHAIN_BIN) return process.env.APIM_E2E_TOOLCHAIN_BIN;
    const script = path.join(REPO, "e2e", "toolchain", "build.sh");
    try {
        return execFileSync("bash", [script, "--check"], { encoding: "utf8" }).trim();
    } catch {
        process.stderr.write("[e2e] building the toolchain from Go modules (cold: 30-60 min on 2 cores; cached afterwards)\n");
        return execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    }
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An access token shaped like Entra's (a JWT with the usual claims); ARM here is the fake, so it is not signed. */
function fakeAccessToken(user: E2eEnvironment["user"]): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
        aud: "https://management.azure.com",
        iss: `https://sts.windows.net/${user.tenantId}/`,
        iat: now,
        exp: now + 86_400,
        tid: user.tenantId,
        oid: user.objectId,
        upn: user.name,
        name: "E2E Operator (fake)",
    };
    return `${b64url({ typ: "JWT", alg: "RS256" })}.${b64url(claims)}.${crypto.randomBytes(32).toString("base64url")}`;
}

/** The API Management instance the environment starts with (a Developer-tier instance in the fake ARM). */
export const E2E_INSTANCE = { resourceGroup: "rg-apim-e2e", service: "apim-e2e" };

export type E2eBackend = "file" | "azblob";

/** The state backend APIM_E2E_BACKEND asks for (default "file"); anything else is refused, naming the values. */
export function backendFromEnv(value: string | undefined = process.env.APIM_E2E_BACKEND): E2eBackend {
    if (value === undefined || value === "" || value === "file") return "file";
    if (value === "azblob") return "azblob";
    throw new Error(`APIM_E2E_BACKEND: got ${JSON.stringify(value)}; expected "file" (the default) or "azblob" (Azurite)`);
}

export interface EnvironmentOptions {
    /** Where its files go (default: a new folder in the system's temp folder). */
    dir?: string;
    /** Without a cluster, when false. */
    cluster?: boolean;
    /** The toolchain's bin directory, when the caller has it already. */
    toolchain?: string;
    /** Aborting it while the environment starts stops what was started, and the start rejects. */
    signal?: AbortSignal;
    /** Where the state is (default: APIM_E2E_BACKEND, else a file backend). */
    backend?: E2eBackend;
}

export async function startEnvironment(opts: EnvironmentOptions = {}): Promise<E2eEnvironment> {
    const backend = opts.backend ?? backendFromEnv();
    const toolchain = opts.toolchain ?? toolchainBin();
    const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "apim-e2e-"));
    const crds = opts.cluster === false ? undefined : crdDir(REPO);
    const cluster = opts.cluster === false ? undefined : await startCluster(path.join(dir, "cluster"), toolchain, opts.signal);
    let arm: FakeArm | undefined;
    let webhook: WebhookReceiver | undefined;
    let azurite: Azurite | undefined;
    try {
        if (backend === "azblob") azurite = await startAzurite(path.join(dir, "azurite"));
        // KEDA's and the Secrets Store CSI driver's CRDs, so the apiserver validates the component's custom objects.
        if (cluster && crds) await installCrds(cluster.kube, crds);
        const user = {
            name: "e2e-operator@example.test",
            objectId: "7b0c0e2e-0000-4000-8000-00000000e2e0",
            tenantId: "00000000-0000-4000-8000-0000000000aa",
            subscriptionId: "00000000-0000-4000-8000-0000000000e2",
        };
        const azDir = path.join(dir, "az");
        fs.mkdirSync(azDir, { recursive: true });
        const accessToken = fakeAccessToken(user);
        const azTokenFile = path.join(azDir, "login.json");
        fs.writeFileSync(
            azTokenFile,
            JSON.stringify({ accessToken, user: user.name, tenantId: user.tenantId, subscriptionId: user.subscriptionId }),
            { mode: 0o600 },
        );

        const pki = path.join(dir, "arm-pki");
        const armCa = makeCa(pki, "apim-gateway e2e fake ARM CA");
        const leaf = makeLeaf(pki, armCa, "arm", "/CN=fake-arm");
        // Go programs (the Pulumi CLI, the kubernetes provider) read SSL_CERT_FILE instead of the system bundle.
        const bundle = path.join(pki, "bundle.crt");
        const system = "/etc/ssl/certs/ca-certificates.crt";
        fs.writeFileSync(bundle, (fs.existsSync(system) ? fs.readFileSync(system, "utf8") : "") + fs.readFileSync(armCa.cert, "utf8"));

        const logPath = path.join(dir, "arm-requests.jsonl");
        fs.writeFileSync(logPath, "");
        const hook = makeLeaf(pki, armCa, "webhook", "/CN=webhook-receiver");
        webhook = await startWebhookReceiver({ cert: hook.cert, key: hook.key, logPath: path.join(dir, "webhook-requests.jsonl") });
        arm = await startFakeArm({
            cert: leaf.cert,
            key: leaf.key,
            logPath,
            acceptedBearers: () => [accessToken],
            instances: [{ resourceGroup: E2E_INSTANCE.resourceGroup, name: E2E_INSTANCE.service, sku: "Developer" }],
            subscriptionId: user.subscriptionId,
            tenantId: user.tenantId,
            webhookCa: fs.readFileSync(armCa.cert, "utf8"),
        });

        const state = path.join(dir, "state");
        const pulumiHome = path.join(dir, "pulumi-home");
        fs.mkdirSync(state, { recursive: true });
        fs.mkdirSync(pulumiHome, { recursive: true });
        const vars: Record<string, string> = {
            PATH: [toolchain, STAND_IN_BIN, process.env.PATH ?? ""].join(path.delimiter),
            ...(cluster ? { KUBECONFIG: cluster.kubeconfig } : {}),
            PULUMI_BACKEND_URL: `file://${state}`,
            ...(azurite ? azurite.vars : {}),
            APIM_E2E_BACKEND: backend,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase-not-a-secret",
            PULUMI_HOME: pulumiHome,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NODE_EXTRA_CA_CERTS: armCa.cert,
            SSL_CERT_FILE: bundle,
            APIM_E2E_DIR: dir,
            APIM_E2E_ARM_ENDPOINT: arm.url,
            APIM_E2E_ARM_LOG: logPath,
            APIM_E2E_ARM_CONTROL: arm.controlUrl,
            APIM_E2E_RESOURCE_GROUP: E2E_INSTANCE.resourceGroup,
            APIM_E2E_SERVICE: E2E_INSTANCE.service,
            APIM_E2E_WEBHOOK_URL: webhook.url,
            APIM_E2E_WEBHOOK_LOG: webhook.logPath,
            APIM_E2E_AZ_TOKEN_FILE: azTokenFile,
            APIM_E2E_TOOLCHAIN: toolchain,
            // Keep the machine's real Azure CLI profile out of it.
            AZURE_CONFIG_DIR: azDir,
        };
        const started = arm;
        const receiver = webhook;
        return {
            dir,
            toolchain,
            vars,
            cluster,
            arm: started,
            webhook: receiver,
            backend,
            azurite,
            user,
            async stop() {
                await started.close();
                await receiver.close();
                await azurite?.stop();
                await cluster?.stop();
                if (process.env.APIM_E2E_KEEP === "1") {
                    process.stderr.write(`[e2e] kept ${dir} (logs: cluster/*.log, arm-requests.jsonl)\n`);
                } else {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            },
        };
    } catch (e) {
        await arm?.close();
        await webhook?.close();
        await azurite?.stop();
        await cluster?.stop();
        throw e;
    }
}
