// The real-engine e2e environment: the toolchain built from Go modules on PATH, a local Kubernetes cluster,
// a fresh file backend, and the Azure stand-ins (fake ARM, fake `az`, stand-in azure-native plugin).
// `npm run e2e:shell -- <command>` runs a command inside it; the e2e suite starts one per run.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makeCa, makeLeaf } from "./certs";
import { Cluster, startCluster } from "./cluster";
import { FakeArm, startFakeArm } from "./fakeArm";

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

export interface EnvironmentOptions {
    /** Where its files go (default: a new folder in the system's temp folder). */
    dir?: string;
    /** Without a cluster, when false. */
    cluster?: boolean;
    /** The toolchain's bin directory, when the caller has it already. */
    toolchain?: string;
    /** Aborting it while the environment starts stops what was started, and the start rejects. */
    signal?: AbortSignal;
}

export async function startEnvironment(opts: EnvironmentOptions = {}): Promise<E2eEnvironment> {
    const toolchain = opts.toolchain ?? toolchainBin();
    const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "apim-e2e-"));
    const cluster = opts.cluster === false ? undefined : await startCluster(path.join(dir, "cluster"), toolchain, opts.signal);
    let arm: FakeArm | undefined;
    try {
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
        arm = await startFakeArm({ cert: leaf.cert, key: leaf.key, logPath, acceptedBearers: () => [accessToken] });

        const state = path.join(dir, "state");
        const pulumiHome = path.join(dir, "pulumi-home");
        fs.mkdirSync(state, { recursive: true });
        fs.mkdirSync(pulumiHome, { recursive: true });
        const vars: Record<string, string> = {
            PATH: [toolchain, STAND_IN_BIN, process.env.PATH ?? ""].join(path.delimiter),
            ...(cluster ? { KUBECONFIG: cluster.kubeconfig } : {}),
            PULUMI_BACKEND_URL: `file://${state}`,
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
            APIM_E2E_AZ_TOKEN_FILE: azTokenFile,
            APIM_E2E_TOOLCHAIN: toolchain,
            // Keep the machine's real Azure CLI profile out of it.
            AZURE_CONFIG_DIR: azDir,
        };
        const started = arm;
        return {
            dir,
            toolchain,
            vars,
            cluster,
            arm: started,
            user,
            async stop() {
                await started.close();
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
        await cluster?.stop();
        throw e;
    }
}
