// npm run doctor [-- --stack <name>] [--cwd <project dir>]
// The preflight before `pulumi up`: runs every check at once (checks.ts decides, probes.ts reads), prints one line
// per check with the fix for each problem, and exits 1 when a check failed (0 when all is well or only warned).
// It reads and asks, never changes anything: no login, no stack init, nothing written to Azure or the cluster.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import type { SelfHostedGatewayArgs } from "../../components/args";
import { resolveSettings } from "../../components/specs";
import { chooseIdentity, ConfigLookup, describeIdentity, IdentityChoice } from "../../components/token/credential";
import {
    answerOf,
    armEndpointOf,
    azureNativeLookup,
    backendCheck,
    canIQuestions,
    CheckName,
    CheckResult,
    CHECKS,
    chosenStack,
    cliCheck,
    cloudOf,
    CommandResult,
    configCheck,
    imageCheck,
    configurationHost,
    dnsCheck,
    exitCode,
    firstError,
    formatResult,
    gatewayScopes,
    kubeKinds,
    kubePermissionsCheck,
    permissionsCheck,
    permissionsUrl,
    serviceUrl,
    tierCheck,
    pinnedPulumiVersion,
    placeholderKeys,
    placeholdersCheck,
    readableArgs,
    redact,
    requiredActions,
    secureAzureNativeKeys,
    skip,
    StackConfig,
    StackEntry,
    stackCheck,
    StorageClass,
    storageClassCheck,
    summary,
} from "./checks";
import { canI, pool, readPermissions, readService, resolve, run, signIn } from "./probes";

const REPO = path.resolve(__dirname, "..", "..");

/** Environment variables whose values are secrets: never printed, even inside a tool's error message. */
const SECRET_VARIABLES = [
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_ACCESS_TOKEN",
    "ARM_CLIENT_SECRET",
    "ARM_CLIENT_CERTIFICATE_PASSWORD",
    "ARM_OIDC_TOKEN",
    "ARM_OIDC_REQUEST_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
];

const USAGE = "usage: npm run doctor [-- --stack <name>] [--cwd <project directory>]";

export interface Options {
    cwd: string;
    stack?: string;
}

export function parseArgs(argv: string[]): Options | { error: string } | "help" {
    const opts: Options = { cwd: process.cwd() };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
        const value = () => inline ?? argv[++i];
        if (flag === "-h" || flag === "--help") return "help";
        if (flag === "--stack" || flag === "-s") opts.stack = value();
        else if (flag === "--cwd" || flag === "-C") opts.cwd = path.resolve(value() ?? "");
        else return { error: `unknown argument ${JSON.stringify(argv[i])}` };
        if ((flag === "--stack" || flag === "-s") && !opts.stack) return { error: "--stack needs a stack name" };
    }
    return opts;
}

/** The Pulumi.yaml of the project at or above `dir`. */
function findProject(dir: string): { dir: string; name?: string; stackConfigDir?: string } | undefined {
    for (let d = dir; ; d = path.dirname(d)) {
        for (const file of ["Pulumi.yaml", "Pulumi.yml"]) {
            const p = path.join(d, file);
            if (fs.existsSync(p)) {
                const project = (parse(fs.readFileSync(p, "utf8")) ?? {}) as { name?: unknown; stackConfigDir?: unknown };
                return {
                    dir: d,
                    name: typeof project.name === "string" ? project.name : undefined,
                    stackConfigDir: typeof project.stackConfigDir === "string" ? project.stackConfigDir : undefined,
                };
            }
        }
        if (path.dirname(d) === d) return undefined;
    }
}

export async function doctor(
    opts: Options,
    env: NodeJS.ProcessEnv = process.env,
): Promise<{ results: CheckResult[]; secrets: string[]; header: string }> {
    const childEnv = { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const secrets = SECRET_VARIABLES.map((v) => env[v]).filter((v): v is string => typeof v === "string" && v.length > 0);
    const results = new Map<CheckName, CheckResult>();
    const set = (r: CheckResult) => results.set(r.check as CheckName, r);
    const project = findProject(opts.cwd);
    const cwd = project?.dir ?? opts.cwd;
    const pulumi = (args: string[]) => run("pulumi", [...args, "--non-interactive"], { cwd, env: childEnv, timeoutMs: 60_000 });

    // Independent probes first, all at once.
    const lock = JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as unknown;
    const pinned = pinnedPulumiVersion(lock) ?? "3.0.0";
    const version = run("pulumi", ["version"], { cwd, env: childEnv, timeoutMs: 30_000 });
    const whoami = pulumi(["whoami", "--json"]);
    const stackLs: Promise<CommandResult> = project
        ? pulumi(["stack", "ls", "--json"])
        : Promise.resolve({ code: 1, stdout: "", stderr: `no Pulumi.yaml in ${opts.cwd} or above` });

    // The stack (only a selected one waits for the CLI's list) and its file.
    const stackResult = stackLs.then((listed) =>
        project
            ? stackCheck(opts.stack, listed)
            : {
                  check: "stack",
                  status: "fail" as const,
                  message: `no Pulumi.yaml in ${opts.cwd} or above`,
                  fix: "run doctor in the project directory (npm run doctor), or pass --cwd <project directory>",
              },
    );
    let stack = opts.stack;
    if (stack === undefined) {
        const listed = await stackLs;
        stack = chosenStack(undefined, !listed.missing && listed.code === 0 ? safeJson<StackEntry[]>(listed.stdout) : undefined);
    }
    const projectName = project?.name ?? "apim-gateway";
    const file = stack !== undefined ? `Pulumi.${stack.split("/").pop()}.yaml` : undefined;
    const filePath = file && project ? path.join(project.dir, project.stackConfigDir ?? "", file) : undefined;
    let config: StackConfig | undefined;
    if (filePath === undefined) {
        set(skip("placeholders", "no stack (see stack)"));
        set(skip("config", "no stack (see stack)"));
        set(skip("image", "no stack (see stack)"));
    } else if (!fs.existsSync(filePath)) {
        set({
            check: "placeholders",
            status: "fail",
            message: `${file} does not exist`,
            fix: `copy Pulumi.dev.yaml to ${file} and replace its REPLACE-ME values`,
        });
        set(skip("config", `no ${file}`));
        set(skip("image", `no ${file}`));
    } else {
        try {
            const doc = (parse(fs.readFileSync(filePath, "utf8")) ?? {}) as { config?: unknown };
            config = (doc.config ?? {}) as StackConfig;
        } catch (e) {
            set({
                check: "placeholders",
                status: "fail",
                message: `${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
                fix: `fix the YAML of ${file}`,
            });
            set(skip("config", `${file} is not valid YAML`));
            set(skip("image", `${file} is not valid YAML`));
        }
    }
    const placeholders = config ? placeholderKeys(config, projectName) : [];
    let args: SelfHostedGatewayArgs | undefined;
    if (config && file && stack) {
        set(placeholdersCheck(file, placeholders));
        const verdict = configCheck(config, projectName, stack.split("/").pop()!, placeholders, new Date());
        set(verdict.result);
        args = verdict.args ?? readableArgs(config, projectName);
        set(args !== undefined ? imageCheck(args) : skip("image", "the config cannot be read (see config)"));
    }
    const lookupConfig: StackConfig = config ?? {};
    /** Why the checks that need the stack's arguments cannot run, when they cannot. */
    const noArgs =
        stack === undefined
            ? "no stack (see stack)"
            : config === undefined
              ? `no readable ${file} (see placeholders)`
              : "the config cannot be read (see config)";
    const renderYamlTo = lookupConfig[`${projectName}:renderYamlTo`];

    const ctx: StackContext = { config: lookupConfig, args, placeholders, stack, noArgs, env };

    // Everything that needs the stack, at once.
    const kubectl = kubectlRunner(lookupConfig, cwd, childEnv);
    await Promise.all([
        version.then((r) => set(cliCheck(r, pinned))),
        whoami.then((r) => set(backendCheck(r, env.PULUMI_BACKEND_URL))),
        stackResult.then(set),
        azure(ctx, pulumi, secrets).then((rs) => {
            rs.forEach(set);
            // The tier is read with the same sign-in and names: when those are missing, so is the tier check.
            const permissions = rs.find((r) => r.check === "azure permissions");
            if (!rs.some((r) => r.check === "apim tier")) {
                set(
                    skip(
                        "apim tier",
                        permissions?.status === "skip" ? permissions.message.replace(/^not checked: /, "") : "see azure permissions",
                    ),
                );
            }
        }),
        renderYamlTo !== undefined
            ? Promise.resolve(notApplied(set, String(renderYamlTo)))
            : kubeContext(kubectl.run, lookupConfig, env).then(async (context) => {
                  set(context);
                  if (context.status !== "ok") {
                      set(skip("kube permissions", "no usable kube context (see kube context)"));
                      set(skip("storage class", "no usable kube context (see kube context)"));
                      return;
                  }
                  if (args === undefined) {
                      set(skip("kube permissions", noArgs));
                      set(skip("storage class", noArgs));
                      return;
                  }
                  await Promise.all([kubePermissions(kubectl.run, args).then(set), storageClass(kubectl.run, args).then(set)]);
              }),
        configurationDns(ctx).then(set),
    ]).finally(() => kubectl.cleanup());
    const header = `doctor: project ${projectName}, stack ${stack ?? "(none)"}, in ${cwd}`;
    return { results: CHECKS.map((c) => results.get(c) ?? skip(c, "not run")), secrets, header };
}

function safeJson<T>(text: string): T | undefined {
    try {
        return JSON.parse(text) as T;
    } catch {
        return undefined;
    }
}

function notApplied(set: (r: CheckResult) => void, dir: string): void {
    const message = `not needed: renderYamlTo (${dir}) writes the Kubernetes objects as YAML; nothing is applied to a cluster`;
    for (const check of ["kube context", "kube permissions", "storage class"] as const) set({ check, status: "ok", message });
}

// --- Azure -----------------------------------------------------------------------------------------------------

const SIGN_IN_FIX: Record<IdentityChoice["kind"], string> = {
    default:
        "az login (then az account set --subscription <id>), or sign in as a service principal: azure-native:clientId, tenantId " +
        "and clientSecret (--secret) in the stack config, or ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET",
    clientSecret: "check the service principal's tenant, client id and secret (azure-native:* stack config or ARM_* variables)",
    clientCertificate:
        "check the service principal's tenant, client id and certificate file (azure-native:* stack config or ARM_* variables)",
    oidc: "check the federated credential of the app (tenant, client id) and the OIDC token source (ARM_OIDC_TOKEN or the CI's OIDC request)",
    managedIdentity: "run where the managed identity is attached, or turn off useMsi / ARM_USE_MSI",
};

/** What the checks after the stack file know. */
interface StackContext {
    /** The stack file's config ({} without one). */
    config: StackConfig;
    /** The gateway's arguments: validated, or as far as they can be read. */
    args?: SelfHostedGatewayArgs;
    placeholders: string[];
    stack?: string;
    /** Why `args` is undefined. */
    noArgs: string;
    env: NodeJS.ProcessEnv;
}

async function azure(
    { config, args, placeholders, stack, noArgs, env }: StackContext,
    pulumi: (args: string[]) => Promise<CommandResult>,
    secrets: string[],
): Promise<CheckResult[]> {
    // Secure azure-native keys (a client secret, ...) are decrypted by the CLI, in memory only.
    const decrypted: Record<string, string> = {};
    for (const key of secureAzureNativeKeys(config)) {
        if (stack === undefined) break;
        const r = await pulumi(["config", "get", `azure-native:${key}`, "--stack", stack]);
        if (!r.missing && r.code === 0) {
            decrypted[key] = r.stdout.replace(/\r?\n$/, "");
            secrets.push(decrypted[key]);
        } else {
            return [
                {
                    check: "azure sign-in",
                    status: "fail",
                    message: `could not decrypt azure-native:${key}: ${firstError(r, secrets)}`,
                    fix: "fix the stack (see stack and backend) and its passphrase (PULUMI_CONFIG_PASSPHRASE) or secrets provider",
                },
                skip("azure permissions", "no Azure sign-in (see azure sign-in)"),
            ];
        }
    }
    const lookup: ConfigLookup = azureNativeLookup(config, decrypted);
    const choice = chooseIdentity(lookup, env);
    const identity = describeIdentity(choice);
    let arm: string;
    let origin: string;
    try {
        arm = armEndpointOf(args, cloudOf(lookup, env));
        origin = new URL(arm).origin;
    } catch (e) {
        return [
            {
                check: "azure sign-in",
                status: "fail",
                message: (e as Error).message,
                fix: "set azure-native:environment (or ARM_ENVIRONMENT) to public, usgovernment or china",
            },
            skip("azure permissions", "no Azure sign-in (see azure sign-in)"),
        ];
    }
    const signedIn = await signIn(choice, arm, secrets);
    if (!signedIn.ok) {
        return [
            {
                check: "azure sign-in",
                status: "fail",
                message: `${identity} could not sign in for ${origin}: ${signedIn.error}`,
                fix: SIGN_IN_FIX[choice.kind],
            },
            skip("azure permissions", "no Azure sign-in (see azure sign-in)"),
        ];
    }
    secrets.push(signedIn.token);
    const who = signedIn.subject ? `${identity}: ${signedIn.subject}` : identity;
    const signInResult: CheckResult = { check: "azure sign-in", status: "ok", message: `${who}, for ${origin}` };
    if (args === undefined) return [signInResult, skip("azure permissions", noArgs)];
    const names = ["resourceGroupName", "serviceName", "gatewayName"] as const;
    const unset = names.filter((k) => typeof args.apim[k] !== "string" || args.apim[k] === "").map((k) => `gateway.apim.${k}`);
    if (unset.length > 0) return [signInResult, skip("azure permissions", `${unset.join(", ")} not set (see config)`)];
    const left = names.map((k) => `gateway.apim.${k}`).filter((k) => placeholders.includes(k));
    if (left.length > 0) return [signInResult, skip("azure permissions", `${left.join(", ")} still REPLACE-ME (see placeholders)`)];

    let subscription = lookup("subscriptionId") ?? env.ARM_SUBSCRIPTION_ID;
    if (subscription === undefined && choice.kind === "default") {
        const shown = await run("az", ["account", "show", "--output", "json"], { cwd: process.cwd(), env, timeoutMs: 30_000 });
        const id = !shown.missing && shown.code === 0 ? safeJson<{ id?: unknown }>(shown.stdout)?.id : undefined;
        subscription = typeof id === "string" ? id : undefined;
    }
    if (subscription === undefined) {
        return [
            signInResult,
            {
                check: "azure permissions",
                status: "fail",
                message: "no subscription: azure-native:subscriptionId and ARM_SUBSCRIPTION_ID are unset",
                fix: "pulumi config set azure-native:subscriptionId <id> (or set ARM_SUBSCRIPTION_ID)",
            },
        ];
    }
    const scopes = gatewayScopes(subscription, args);
    const where = `service ${String(args.apim.serviceName)}, resource group ${String(args.apim.resourceGroupName)}, subscription ${subscription}`;
    // The gateway's own scope sees roles granted on it too; before the first `pulumi up` it may not exist yet.
    let answer = await readPermissions(permissionsUrl(arm, scopes.gateway), signedIn.token);
    if (!answer.ok && (answer.status === 404 || answer.status === 400)) {
        answer = await readPermissions(permissionsUrl(arm, scopes.service), signedIn.token);
    }
    if (!answer.ok) {
        const fix =
            answer.status === 404
                ? "check apim.resourceGroupName, apim.serviceName and the subscription (azure-native:subscriptionId, ARM_SUBSCRIPTION_ID or az account set)"
                : answer.status === 401 || answer.status === 403
                  ? "grant the identity a role on the API Management service (docs: authentication, least-privilege role), or sign in as one that has one"
                  : "check the network path to ARM (proxy: HTTPS_PROXY) and token.armEndpoint";
        return [
            signInResult,
            { check: "azure permissions", status: "fail", message: `could not read ${who}'s permissions (${where}): ${answer.error}`, fix },
            tierCheck(where, await readService(serviceUrl(arm, scopes.service), signedIn.token)),
        ];
    }
    const tier = tierCheck(where, await readService(serviceUrl(arm, scopes.service), signedIn.token));
    return [signInResult, permissionsCheck(who, where, String(args.apim.gatewayName), answer.permissions, requiredActions(args)), tier];
}

// --- Kubernetes --------------------------------------------------------------------------------------------------

/** kubectl with the stack's kubernetes:kubeconfig / kubernetes:context, as the Kubernetes provider would use them. */
function kubectlRunner(config: StackConfig, cwd: string, env: NodeJS.ProcessEnv) {
    const flags: string[] = [];
    let temp: string | undefined;
    const kubeconfig = config["kubernetes:kubeconfig"];
    if (typeof kubeconfig === "string" && kubeconfig !== "") {
        const file = path.resolve(cwd, kubeconfig.replace(/^~(?=\/)/, os.homedir()));
        if (!kubeconfig.includes("\n") && fs.existsSync(file)) {
            flags.push("--kubeconfig", file);
        } else {
            // The kubeconfig's contents, in a private temporary file for kubectl.
            temp = fs.mkdtempSync(path.join(os.tmpdir(), "apim-doctor-"));
            fs.writeFileSync(path.join(temp, "kubeconfig"), kubeconfig, { mode: 0o600 });
            flags.push("--kubeconfig", path.join(temp, "kubeconfig"));
        }
    }
    if (typeof config["kubernetes:context"] === "string") flags.push("--context", config["kubernetes:context"]);
    return {
        run: (args: string[]) => run("kubectl", [...flags, ...args], { cwd, env, timeoutMs: 30_000 }),
        cleanup: () => {
            if (temp) fs.rmSync(temp, { recursive: true, force: true });
        },
    };
}

type Kubectl = (args: string[]) => Promise<CommandResult>;

async function kubeContext(kubectl: Kubectl, config: StackConfig, env: NodeJS.ProcessEnv): Promise<CheckResult> {
    const view = await kubectl(["config", "view", "--minify", "-o", "json"]);
    if (view.missing) {
        return {
            check: "kube context",
            status: "fail",
            message: "kubectl is not on PATH",
            fix: "install kubectl (az aks install-cli, or your package manager)",
        };
    }
    const from =
        typeof config["kubernetes:kubeconfig"] === "string"
            ? "kubernetes:kubeconfig of the stack"
            : env.KUBECONFIG
              ? `KUBECONFIG=${env.KUBECONFIG}`
              : "~/.kube/config";
    const parsed =
        view.code === 0 ? safeJson<{ "current-context"?: string; clusters?: { cluster?: { server?: string } }[] }>(view.stdout) : undefined;
    const context = parsed?.["current-context"];
    if (!context) {
        return {
            check: "kube context",
            status: "fail",
            message: `no current kube context (${from}): ${firstError(view)}`,
            fix: "set KUBECONFIG to your cluster's kubeconfig, or kubectl config use-context <name> (AKS: az aks get-credentials -g <group> -n <cluster>)",
        };
    }
    const server = parsed?.clusters?.[0]?.cluster?.server ?? "(no server)";
    const version = await kubectl(["version", "-o", "json", "--request-timeout=15s"]);
    const gitVersion = !version.missing
        ? safeJson<{ serverVersion?: { gitVersion?: string } }>(version.stdout)?.serverVersion?.gitVersion
        : undefined;
    if (!gitVersion) {
        return {
            check: "kube context",
            status: "fail",
            message: `${context} (${server}) does not answer: ${firstError(version)}`,
            fix: "check that the cluster is up and reachable from here (VPN, firewall, authorized IP ranges) and the context's credentials",
        };
    }
    return { check: "kube context", status: "ok", message: `${context} at ${server} (Kubernetes ${gitVersion}, from ${from})` };
}

async function kubePermissions(kubectl: Kubectl, args: SelfHostedGatewayArgs): Promise<CheckResult> {
    const namespace = String(args.namespace.name);
    const questions = canIQuestions(kubeKinds(args), namespace);
    const answers = await pool(questions, 4, async (q) => ({ ...q, answer: answerOf(await canI(kubectl, q)) }));
    return kubePermissionsCheck(namespace, answers);
}

async function storageClass(kubectl: Kubectl, args: SelfHostedGatewayArgs): Promise<CheckResult> {
    const s = resolveSettings(args);
    if (!s.backup.enabled) return { check: "storage class", status: "ok", message: "not needed: configBackup.enabled is false" };
    if (args.configBackup?.existingClaimName !== undefined) {
        return {
            check: "storage class",
            status: "ok",
            message: `not needed: configBackup.existingClaimName ${String(args.configBackup.existingClaimName)}`,
        };
    }
    const requested = args.configBackup?.storageClassName === undefined ? undefined : String(args.configBackup.storageClassName);
    const r = await kubectl(["get", "storageclasses.storage.k8s.io", "-o", "json", "--request-timeout=15s"]);
    const list = !r.missing && r.code === 0 ? safeJson<{ items?: StorageClass[] }>(r.stdout) : undefined;
    if (!list?.items) {
        return {
            check: "storage class",
            status: "warn",
            message: `could not list storage classes: ${firstError(r)}`,
            fix: `ask a cluster admin whether ${requested !== undefined ? `storage class ${requested}` : "a default storage class"} exists (kubectl get storageclass)`,
        };
    }
    return storageClassCheck(list.items, requested, s.backup.accessMode);
}

// --- DNS ----------------------------------------------------------------------------------------------------------

async function configurationDns({ args, placeholders, config, noArgs, env }: StackContext): Promise<CheckResult> {
    if (args === undefined) return skip("dns", noArgs);
    // The endpoint is the service's unless it is set.
    const key = args.apim.configurationEndpoint !== undefined ? "gateway.apim.configurationEndpoint" : "gateway.apim.serviceName";
    const value = args.apim.configurationEndpoint ?? args.apim.serviceName;
    if (typeof value !== "string" || value === "") return skip("dns", `${key} not set (see config)`);
    if (placeholders.includes(key)) return skip("dns", `${key} still REPLACE-ME (see placeholders)`);
    let host: string;
    try {
        host = configurationHost(
            args,
            args.apim.configurationEndpoint !== undefined ? "public" : cloudOf(azureNativeLookup(config, {}), env),
        );
    } catch (e) {
        return {
            check: "dns",
            status: "fail",
            message: (e as Error).message,
            fix: "set azure-native:environment (or ARM_ENVIRONMENT) to public, usgovernment or china, or set apim.configurationEndpoint",
        };
    }
    return dnsCheck(host, await resolve(host));
}

// --- Command line ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed === "help") {
        process.stdout.write(`${USAGE}\nChecks what the first pulumi up needs, and prints the fix for each problem.\n`);
        return 0;
    }
    if ("error" in parsed) {
        process.stderr.write(`doctor: ${parsed.error}\n${USAGE}\n`);
        return 2;
    }
    const started = Date.now();
    const { results, secrets, header } = await doctor(parsed);
    const lines = [header, ...results.flatMap(formatResult), summary(results, (Date.now() - started) / 1000)];
    process.stdout.write(lines.map((l) => redact(l, secrets)).join("\n") + "\n");
    return exitCode(results);
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`doctor: ${(e as Error)?.stack ?? String(e)}\n`);
            process.exit(1);
        },
    );
}
