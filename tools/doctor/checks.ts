// The preflight's checks as pure functions: each takes what a probe found (a command's output, a file's content,
// an API's answer) and returns one result line with its fix. The rules about the stack config are the project's
// own (validateArgs, placeholderFindings, chooseIdentity); nothing here re-states them.
import { DEFAULT_IMAGE_TAG } from "../../components/args";
import type { BackupAccessMode, SelfHostedGatewayArgs } from "../../components/args";
import { supportedMinors, supportOf } from "../../components/imageVersions";
import { placeholderFindings } from "../../components/rules";
import { defaultConfigurationEndpoint, resolveSettings, Settings } from "../../components/specs";
import {
    CLIENT_SECRET_CONFIG_KEY,
    ClientSecretConfig,
    WEBHOOK_STAND_IN,
    WEBHOOK_URL_CONFIG_KEY,
    withClientSecret,
    withWebhookUrl,
} from "../../components/stackConfig";
import { GATEWAY_READ_ACTION, GENERATE_TOKEN_ACTION, scrub } from "../../components/token/arm";
import { AzureEnvironment, CLOUDS, cloudFor, ConfigLookup } from "../../components/token/credential";
import { renderDirProblems, STACK_PREFIX, validateArgs } from "../../components/validation";

export type Status = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
    check: string;
    status: Status;
    message: string;
    /** What to do about it (on warn and fail). */
    fix?: string;
    /** One line each, printed under the result (e.g. every problem the validator found). */
    details?: string[];
}

/** The checks, in the order they are printed. */
export const CHECKS = [
    "pulumi CLI",
    "backend",
    "stack",
    "placeholders",
    "config",
    "image",
    "azure sign-in",
    "azure permissions",
    "apim tier",
    "kube context",
    "kube permissions",
    "storage class",
    "dns",
] as const;
export type CheckName = (typeof CHECKS)[number];

const ok = (check: CheckName, message: string): CheckResult => ({ check, status: "ok", message });
const warn = (check: CheckName, message: string, fix: string): CheckResult => ({ check, status: "warn", message, fix });
const fail = (check: CheckName, message: string, fix: string, details?: string[]): CheckResult => ({
    check,
    status: "fail",
    message,
    fix,
    ...(details && details.length > 0 ? { details } : {}),
});
/** A check that could not run because another one failed. */
export const skip = (check: CheckName, why: string): CheckResult => ({ check, status: "skip", message: `not checked: ${why}` });

/** Output of a command run by a probe; `missing` when the program is not on PATH. */
export type CommandResult = { missing: true } | { missing?: false; code: number; stdout: string; stderr: string };

/** The first line of a command's error output, without secrets or control characters. */
export function firstError(r: CommandResult, secrets: readonly string[] = []): string {
    if (r.missing) return "not found on PATH";
    const text = (r.stderr.trim() || r.stdout.trim() || `exit code ${r.code}`).split("\n")[0];
    return scrub(text.replace(/^error:\s*/i, "").replace(/^Error from server \([^)]*\):\s*/, ""), secrets);
}

// --- Pulumi CLI -------------------------------------------------------------------------------------------------

/** The @pulumi/pulumi version package-lock.json pins. */
export function pinnedPulumiVersion(lock: unknown): string | undefined {
    const v = (lock as { packages?: Record<string, { version?: unknown }> } | null)?.packages?.["node_modules/@pulumi/pulumi"]?.version;
    return typeof v === "string" ? v : undefined;
}

export function parseVersion(text: string): { major: number; minor: number; patch: number } | undefined {
    const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
    return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

const INSTALL_CLI = "install it from https://www.pulumi.com/docs/install/ (e.g. curl -fsSL https://get.pulumi.com | sh -s -- --version";

/** `pulumi version` against the pinned SDK: another major is an error, an older minor a warning. */
export function cliCheck(r: CommandResult, pinned: string): CheckResult {
    if (r.missing) return fail("pulumi CLI", "pulumi is not on PATH", `${INSTALL_CLI} ${pinned}), then open a new shell`);
    const installed = r.code === 0 ? parseVersion(r.stdout) : undefined;
    const want = parseVersion(pinned);
    if (!installed || !want)
        return fail("pulumi CLI", `pulumi version failed: ${firstError(r)}`, `reinstall the Pulumi CLI: ${INSTALL_CLI} ${pinned})`);
    const shown = `v${installed.major}.${installed.minor}.${installed.patch}`;
    if (installed.major !== want.major) {
        return fail(
            "pulumi CLI",
            `${shown}, but the project pins @pulumi/pulumi ${pinned} (major ${want.major})`,
            `${INSTALL_CLI} ${pinned})`,
        );
    }
    if (installed.minor < want.minor) {
        return warn("pulumi CLI", `${shown} is older than the pinned @pulumi/pulumi ${pinned}`, `upgrade: ${INSTALL_CLI} ${pinned})`);
    }
    return ok("pulumi CLI", `${shown} (the project pins @pulumi/pulumi ${pinned})`);
}

/** `pulumi whoami --json`: who is logged in to which backend. */
export function backendCheck(r: CommandResult, backendUrlVar: string | undefined): CheckResult {
    if (r.missing) return skip("backend", "needs the pulumi CLI");
    if (r.code === 0) {
        try {
            const who = JSON.parse(r.stdout) as { user?: unknown; url?: unknown };
            if (typeof who.user === "string" && typeof who.url === "string") return ok("backend", `${who.user} at ${scrub(who.url, [])}`);
        } catch {
            /* reported below */
        }
    }
    const where = backendUrlVar ? `PULUMI_BACKEND_URL=${scrub(backendUrlVar, [])}` : "no PULUMI_BACKEND_URL and no stored login";
    return fail(
        "backend",
        `not logged in (${where}): ${firstError(r)}`,
        "pulumi login (Pulumi Cloud), or pulumi login file://~/.pulumi-state / azblob://<container> for a self-managed backend, or set PULUMI_BACKEND_URL",
    );
}

export interface StackEntry {
    name: string;
    current?: boolean;
}

/** The stack doctor checks: the one given with --stack, else the selected one (undefined when neither). */
export function chosenStack(given: string | undefined, stacks: StackEntry[] | undefined): string | undefined {
    return given ?? stacks?.find((s) => s.current)?.name;
}

/** A backend's stack name matches `name` (a cloud backend may qualify it as org/name or org/project/name). */
export function sameStack(listed: string, name: string): boolean {
    if (listed === name) return true;
    const last = (s: string) => s.split("/").pop();
    return !name.includes("/") && last(listed) === name;
}

/** The stack: given or selected, and present in the backend (`pulumi stack ls --json`). */
export function stackCheck(given: string | undefined, r: CommandResult): CheckResult {
    if (r.missing) {
        return given ? skip("stack", `needs the pulumi CLI to find stack ${given} in the backend`) : skip("stack", "needs the pulumi CLI");
    }
    let stacks: StackEntry[] | undefined;
    if (r.code === 0) {
        try {
            stacks = (JSON.parse(r.stdout) as StackEntry[]).filter((s) => typeof s?.name === "string");
        } catch {
            stacks = undefined;
        }
    }
    if (stacks === undefined) {
        return fail("stack", `pulumi stack ls failed: ${firstError(r)}`, "fix the backend login (see backend), then run doctor again");
    }
    const name = chosenStack(given, stacks);
    if (name === undefined) {
        const names = stacks.map((s) => s.name);
        return fail(
            "stack",
            names.length > 0 ? `no stack selected (stacks: ${names.join(", ")})` : "no stack selected, and the project has none yet",
            "pulumi stack select --create dev (or prod), or pass --stack <name> to doctor",
        );
    }
    if (!stacks.some((s) => sameStack(s.name, name))) {
        return fail("stack", `stack ${name} does not exist in the backend yet`, `pulumi stack init ${name}`);
    }
    return ok("stack", `${name} (${given ? "given with --stack" : "selected"})`);
}

// --- The stack file ---------------------------------------------------------------------------------------------

/** A Pulumi.<stack>.yaml `config` map; secure values are `{ secure: "..." }`. */
export type StackConfig = Record<string, unknown>;

export const isSecure = (v: unknown): boolean =>
    typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { secure?: unknown }).secure === "string";

/** How a config key is named in messages: the project's own keys without the project prefix (as the program names them). */
export function configKeyName(key: string, project: string): string {
    return key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key;
}

/** Every key path in the stack config that still holds the REPLACE-ME placeholder. */
export function placeholderKeys(config: StackConfig, project: string): string[] {
    return Object.entries(config).flatMap(([key, value]) =>
        isSecure(value) ? [] : placeholderFindings(value, configKeyName(key, project)).map((f) => f.key),
    );
}

export function placeholdersCheck(file: string, keys: string[]): CheckResult {
    if (keys.length === 0) return ok("placeholders", `none left in ${file}`);
    return fail(
        "placeholders",
        `${file} still has REPLACE-ME at ${keys.join(", ")}`,
        `replace each with your own value (your API Management instance's names) in ${file}`,
    );
}

/** The key a validator line is about (`gateway.replicas: got …` → `gateway.replicas`). */
const keyOfLine = (line: string) => line.slice(0, Math.max(0, line.indexOf(": ")));

export interface ConfigVerdict {
    result: CheckResult;
    /** The validated arguments (undefined when the config is invalid). */
    args?: SelfHostedGatewayArgs;
}

/**
 * The stack config through the stack program's own validation: the client secret's placement, the `gateway` object
 * (validateArgs, with the production rules in prod) and renderYamlTo. Problems about placeholder keys are left to
 * the placeholders check.
 */
export function configCheck(config: StackConfig, project: string, stack: string, placeholders: string[], now: Date): ConfigVerdict {
    const raw = config[`${project}:${STACK_PREFIX}`];
    const file = `Pulumi.${stack}.yaml`;
    if (raw === undefined) {
        return {
            result: fail(
                "config",
                `${file} has no ${project}:${STACK_PREFIX} key`,
                `copy Pulumi.dev.yaml to ${file} and edit it (or pulumi config set --path ...)`,
            ),
        };
    }
    const secretValue = config[`${project}:${CLIENT_SECRET_CONFIG_KEY}`];
    // The secret's value is never needed here: whether it is set is what the placement rules ask.
    const secret: ClientSecretConfig =
        secretValue === undefined
            ? undefined
            : isSecure(secretValue) || (typeof secretValue === "string" && secretValue.trim() !== "")
              ? ("(set)" as unknown as ClientSecretConfig)
              : "blank";
    const placed = withClientSecret(raw, secret, project, stack);
    // The webhook URL: its value is checked only where the stack file holds it in plain text, which is a problem itself.
    const webhookValue = config[`${project}:${WEBHOOK_URL_CONFIG_KEY}`];
    const webhookPlain = webhookValue !== undefined && !isSecure(webhookValue);
    const hooked = withWebhookUrl(
        placed.raw,
        webhookValue === undefined ? undefined : { value: webhookPlain ? String(webhookValue) : undefined, secret: WEBHOOK_STAND_IN },
        project,
        stack,
    );
    const plainWebhook = webhookPlain
        ? [
              `${WEBHOOK_URL_CONFIG_KEY}: is in plain text in ${file}; set it again as a secret: ` +
                  `pulumi config set --secret ${project}:${WEBHOOK_URL_CONFIG_KEY} <https-url> --stack ${stack}`,
          ]
        : [];
    const validation = validateArgs(hooked.raw, STACK_PREFIX, now);
    const renderYamlTo = config[`${project}:renderYamlTo`];
    const problems = [
        ...placed.problems,
        ...hooked.problems,
        ...plainWebhook,
        ...(validation.ok ? [] : validation.problems),
        ...renderDirProblems(
            renderYamlTo === undefined ? undefined : typeof renderYamlTo === "string" ? renderYamlTo : JSON.stringify(renderYamlTo),
        ),
    ];
    const own = problems.filter((p) => !placeholders.includes(keyOfLine(p)));
    // The prod summary line ("… so these rules are errors") alone says nothing once its rules are shown elsewhere.
    const rest = own.every((p) => keyOfLine(p) === `${STACK_PREFIX}.environment` && / so these rules are errors/.test(p)) ? [] : own;
    if (rest.length > 0) {
        return {
            result: fail(
                "config",
                `${file}: ${rest.length} problem${rest.length === 1 ? "" : "s"} (the stack program refuses it)`,
                `fix ${rest.length === 1 ? "it" : "them"} in ${file} (docs: configuration reference)`,
                rest,
            ),
        };
    }
    const args = validation.ok ? validation.args : undefined;
    const relaxed = validation.ok ? validation.warnings.map(keyOfLine).filter((k) => !placeholders.includes(k)) : [];
    const note =
        problems.length > 0
            ? " apart from the placeholders"
            : relaxed.length > 0
              ? ` (dev: ${relaxed.length} production rule${relaxed.length === 1 ? "" : "s"} relaxed: ${relaxed.join(", ")})`
              : "";
    return { result: ok("config", `${STACK_PREFIX} is valid${note}`), args };
}

// --- gateway image -----------------------------------------------------------------------------------------------

/**
 * Whether Microsoft still supports the gateway release the stack pins: the last three minor releases of the newest
 * one (`newest`, the component's default, which Renovate keeps current). An older release is a warning, not a
 * failure: it still runs, but fixes land only in the newest minor.
 */
export function imageCheck(args: Pick<SelfHostedGatewayArgs, "image">, newest: string = DEFAULT_IMAGE_TAG): CheckResult {
    const given = args.image?.tag;
    const tag = typeof given === "string" ? given : newest;
    const minors = supportedMinors(newest);
    const range = `${minors.slice(0, -1).join(", ")} and ${minors[minors.length - 1]}`;
    const support = supportOf(tag, newest);
    if (support === "unsupported") {
        return warn(
            "image",
            `gateway ${tag} is older than the releases Microsoft supports (${range}: the last three minor releases)`,
            `set image.tag to ${newest} (or another supported release) and roll it out`,
        );
    }
    if (support === "unknown") return ok("image", `gateway ${tag} is a rolling tag (it follows the newest release, ${newest} here)`);
    return ok("image", `gateway ${tag} is supported (Microsoft supports ${range})`);
}

/**
 * The arguments as far as they can be read when the validator refused them (the Kubernetes and DNS checks still
 * run on a stack that has, say, placeholders in prod); undefined when they are not an object with the basics.
 */
export function readableArgs(config: StackConfig, project: string): SelfHostedGatewayArgs | undefined {
    const raw = config[`${project}:${STACK_PREFIX}`] as Partial<SelfHostedGatewayArgs> | undefined;
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isObj(raw) || !isObj(raw.apim) || !isObj(raw.namespace) || typeof raw.namespace.name !== "string") return undefined;
    try {
        resolveSettings(raw as SelfHostedGatewayArgs);
        return raw as SelfHostedGatewayArgs;
    } catch {
        return undefined;
    }
}

// --- Azure --------------------------------------------------------------------------------------------------------

/** azure-native's stack config as chooseIdentity reads it: plain values from the file, secure ones as decrypted. */
export function azureNativeLookup(config: StackConfig, decrypted: Record<string, string>): ConfigLookup {
    return (key) => {
        const v = config[`azure-native:${key}`];
        if (isSecure(v)) return decrypted[key];
        return v === undefined || v === null ? undefined : String(v);
    };
}

/** The secure azure-native keys the stack file has (to decrypt with `pulumi config get`). */
export function secureAzureNativeKeys(config: StackConfig): string[] {
    return Object.keys(config)
        .filter((k) => k.startsWith("azure-native:") && isSecure(config[k]))
        .map((k) => k.slice("azure-native:".length));
}

/** The Azure cloud of azure-native:environment or ARM_ENVIRONMENT (throws on an unknown one, naming the keys to set). */
export function cloudOf(lookup: ConfigLookup, env: NodeJS.ProcessEnv): AzureEnvironment {
    return cloudFor(lookup("environment") ?? env.ARM_ENVIRONMENT);
}

/** The ARM endpoint the token path calls: the stack's token.armEndpoint, else the cloud's. */
export function armEndpointOf(args: Pick<SelfHostedGatewayArgs, "token"> | undefined, cloud: AzureEnvironment): string {
    return args?.token?.armEndpoint ?? CLOUDS[cloud].arm;
}

export const PERMISSIONS_API_VERSION = "2022-04-01";
export const GATEWAY_WRITE_ACTION = "Microsoft.ApiManagement/service/gateways/write";

/** The ARM actions `pulumi up` needs on the gateway for these arguments. */
export function requiredActions(args: SelfHostedGatewayArgs): string[] {
    const s = resolveSettings(args);
    return [
        GATEWAY_WRITE_ACTION,
        GATEWAY_READ_ACTION,
        ...(s.authType === "token" ? [GENERATE_TOKEN_ACTION] : []),
        ...((args.apis?.length ?? 0) > 0 ? ["Microsoft.ApiManagement/service/gateways/apis/write"] : []),
        ...((args.hostnames?.length ?? 0) > 0 ? ["Microsoft.ApiManagement/service/gateways/hostnameConfigurations/write"] : []),
        ...((args.certificateAuthorities?.length ?? 0) > 0
            ? ["Microsoft.ApiManagement/service/gateways/certificateAuthorities/write"]
            : []),
    ];
}

/** ARM ids of the API Management service and of the gateway doctor asks permissions on. */
export function gatewayScopes(subscriptionId: string, args: SelfHostedGatewayArgs): { service: string; gateway: string } {
    const service =
        `/subscriptions/${subscriptionId}/resourceGroups/${String(args.apim.resourceGroupName)}` +
        `/providers/Microsoft.ApiManagement/service/${String(args.apim.serviceName)}`;
    return { service, gateway: `${service}/gateways/${String(args.apim.gatewayName)}` };
}

/** The permissions URL of a scope under an ARM endpoint (a path in the endpoint is kept, as for generateToken). */
export function permissionsUrl(armEndpoint: string, scope: string): string {
    const base = new URL(armEndpoint);
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}${scope}/providers/Microsoft.Authorization/permissions`);
    url.searchParams.set("api-version", PERMISSIONS_API_VERSION);
    return url.toString();
}

/** Whether an action pattern of a role (with `*` wildcards, case-insensitive) covers an action. */
export function actionMatches(pattern: string, action: string): boolean {
    const re = new RegExp(
        `^${pattern
            .split("*")
            .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
            .join(".*")}$`,
        "i",
    );
    return re.test(action);
}

export interface Permission {
    actions?: string[];
    notActions?: string[];
}

/** Azure's rule: an action is allowed when one permission entry has it in `actions` and not in its own `notActions`. */
export function allowed(permissions: Permission[], action: string): boolean {
    return permissions.some(
        (p) => (p.actions ?? []).some((a) => actionMatches(a, action)) && !(p.notActions ?? []).some((n) => actionMatches(n, action)),
    );
}

export function permissionsCheck(
    who: string,
    where: string,
    gatewayName: string,
    permissions: Permission[],
    required: string[],
): CheckResult {
    const missing = required.filter((a) => !allowed(permissions, a));
    const generate = required.includes(GENERATE_TOKEN_ACTION) ? " and call generateToken on it" : "";
    if (missing.length === 0) return ok("azure permissions", `${who} may create gateway ${gatewayName}${generate} (${where})`);
    return fail(
        "azure permissions",
        `${who} lacks ${missing.join(", ")} (${where})`,
        `grant that identity a role with ${missing.length === 1 ? "this action" : "these actions"} on the API Management service ` +
            "or the gateway (docs: authentication, least-privilege role), or sign in as one that has them",
    );
}

/**
 * The API Management tiers that offer self-hosted gateways: "This feature is available in the Premium and Developer
 * tiers of API Management" (learn.microsoft.com/azure/api-management/self-hosted-gateway-overview).
 */
export const SELF_HOSTED_GATEWAY_TIERS = ["Developer", "Premium"] as const;
/** The api-version doctor reads the instance with (ApiManagementService_Get, as @azure/arm-apimanagement 10.0.0). */
export const SERVICE_API_VERSION = "2024-05-01";

/** The URL of the API Management instance (GET: its SKU) under an ARM endpoint. */
export function serviceUrl(armEndpoint: string, serviceId: string): string {
    const base = new URL(armEndpoint);
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}${serviceId}`);
    url.searchParams.set("api-version", SERVICE_API_VERSION);
    return url.toString();
}

export type ServiceAnswer = { ok: true; sku?: string } | { ok: false; status?: number; error: string };

/** Whether the instance is on a tier that offers self-hosted gateways. */
export function tierCheck(where: string, answer: ServiceAnswer): CheckResult {
    const tiers = SELF_HOSTED_GATEWAY_TIERS.join(" or ");
    if (!answer.ok) {
        return fail(
            "apim tier",
            `could not read the API Management instance (${where}): ${answer.error}`,
            answer.status === 404
                ? "check apim.resourceGroupName, apim.serviceName and the subscription (azure-native:subscriptionId, ARM_SUBSCRIPTION_ID or az account set)"
                : "grant the identity read access to the API Management instance (Microsoft.ApiManagement/service/read), or check the network path to ARM",
        );
    }
    if (answer.sku !== undefined && (SELF_HOSTED_GATEWAY_TIERS as readonly string[]).includes(answer.sku)) {
        return ok("apim tier", `${answer.sku}, a tier that offers self-hosted gateways (${where})`);
    }
    return fail(
        "apim tier",
        `the instance is on the ${answer.sku ?? "(unknown)"} tier; self-hosted gateways need the ${tiers} tier (${where})`,
        `use an API Management instance on the ${tiers} tier (Developer is for non-production), or change this one's tier ` +
            "(Azure portal: the instance's Pricing tier)",
    );
}

// --- Kubernetes ---------------------------------------------------------------------------------------------------

export interface KubeKind {
    /** As `kubectl auth can-i` names it (resource.group). */
    resource: string;
    namespaced: boolean;
}

/** The kinds the component creates for these arguments (SelfHostedGateway's Kubernetes stages). */
export function kubeKinds(args: SelfHostedGatewayArgs, s: Settings = resolveSettings(args)): KubeKind[] {
    const ns = (resource: string): KubeKind => ({ resource, namespaced: true });
    const aad = args.auth?.azureAdApp;
    const secret =
        s.authType === "token" || (s.authType === "azureAdApp" && aad?.existingSecret === undefined && aad?.certificate === undefined);
    return [
        ...(s.createNamespace ? [{ resource: "namespaces", namespaced: false }] : []),
        ...(secret ? [ns("secrets")] : []),
        ns("configmaps"),
        ...(s.backup.enabled && args.configBackup?.existingClaimName === undefined ? [ns("persistentvolumeclaims")] : []),
        ...(s.serviceAccount?.create ? [ns("serviceaccounts")] : []),
        ns("deployments.apps"),
        ns("services"),
        ...(s.ha.enabled ? [ns("poddisruptionbudgets.policy")] : []),
        ...(s.autoscaling && s.autoscaling.keda === undefined ? [ns("horizontalpodautoscalers.autoscaling")] : []),
        ...(s.autoscaling?.keda !== undefined ? [ns("scaledobjects.keda.sh")] : []),
        ...(s.azureAdCertificate?.source === "keyVault" ? [ns("secretproviderclasses.secrets-store.csi.x-k8s.io")] : []),
        ...(s.networkPolicy ? [ns("networkpolicies.networking.k8s.io")] : []),
    ];
}

/** The verbs the Kubernetes provider uses on them (patch: it applies with server-side apply). */
export const KUBE_VERBS = ["create", "get", "update", "patch", "delete"] as const;

export interface CanI {
    verb: string;
    resource: string;
    /** undefined for cluster-scoped kinds. */
    namespace?: string;
}

export function canIQuestions(kinds: KubeKind[], namespace: string): CanI[] {
    return kinds.flatMap((k) => KUBE_VERBS.map((verb) => ({ verb, resource: k.resource, ...(k.namespaced ? { namespace } : {}) })));
}

/** `kubectl auth can-i` answers: yes, no, or an error text. */
export type CanIAnswer = CanI & { answer: "yes" | "no" | { error: string } };

export function answerOf(r: CommandResult): CanIAnswer["answer"] {
    if (r.missing) return { error: "kubectl is not on PATH" };
    const out = r.stdout.trim();
    if (r.code === 0 && out.startsWith("yes")) return "yes";
    if (out.startsWith("no")) return "no";
    return { error: firstError(r) };
}

/** Groups `verb resource` pairs: `create deployments.apps, secrets; delete secrets`. */
function byVerb(answers: CanI[]): string {
    const verbs = [...new Set(answers.map((a) => a.verb))];
    return verbs
        .map(
            (v) =>
                `${v} ${answers
                    .filter((a) => a.verb === v)
                    .map((a) => a.resource)
                    .join(", ")}`,
        )
        .join("; ");
}

export function kubePermissionsCheck(namespace: string, answers: CanIAnswer[]): CheckResult {
    const errors = answers.filter((a) => typeof a.answer === "object");
    if (errors.length > 0) {
        const first = errors[0].answer as { error: string };
        return fail(
            "kube permissions",
            `kubectl auth can-i failed (${errors.length} of ${answers.length}): ${first.error}`,
            "check that the cluster is reachable with this context (kubectl get --raw /version)",
        );
    }
    const denied = answers.filter((a) => a.answer === "no");
    const kinds = [...new Set(answers.map((a) => a.resource))];
    if (denied.length === 0) {
        return ok("kube permissions", `${KUBE_VERBS.join(", ")} on ${kinds.join(", ")} in namespace ${namespace}`);
    }
    const cluster = denied.filter((a) => a.namespace === undefined);
    const inNs = denied.filter((a) => a.namespace !== undefined);
    const parts = [
        ...(inNs.length > 0 ? [`${byVerb(inNs)} in namespace ${namespace}`] : []),
        ...(cluster.length > 0 ? [`${byVerb(cluster)} (cluster-wide)`] : []),
    ];
    return fail(
        "kube permissions",
        `this context may not ${parts.join("; ")}`,
        "ask a cluster admin for a Role (and, for namespaces, a ClusterRole) granting these verbs, or use a context that has them" +
            (cluster.some((a) => a.resource === "namespaces")
                ? "; or create the namespace beforehand and set namespace.create: false"
                : ""),
    );
}

export interface StorageClass {
    metadata: { name: string; annotations?: Record<string, string> };
    provisioner?: string;
}

const DEFAULT_CLASS_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];

/** Provisioners whose volumes attach to one node at a time (a ReadWriteMany claim of theirs stays Pending). */
export const SINGLE_NODE_PROVISIONERS = [
    "disk.csi.azure.com",
    "kubernetes.io/azure-disk",
    "ebs.csi.aws.com",
    "kubernetes.io/aws-ebs",
    "pd.csi.storage.gke.io",
    "kubernetes.io/gce-pd",
    "rancher.io/local-path",
];
/** Provisioners of shared file systems (ReadWriteMany). */
export const SHARED_PROVISIONERS = [
    "file.csi.azure.com",
    "kubernetes.io/azure-file",
    "blob.csi.azure.com",
    "efs.csi.aws.com",
    "filestore.csi.storage.gke.io",
];

export function isDefaultClass(c: StorageClass): boolean {
    return DEFAULT_CLASS_ANNOTATIONS.some((a) => c.metadata.annotations?.[a] === "true");
}

/** The backup claim's storage class: the one configBackup.storageClassName names, else the cluster's default. */
export function storageClassCheck(classes: StorageClass[], requested: string | undefined, accessMode: BackupAccessMode): CheckResult {
    const names = classes.map((c) => c.metadata.name).sort();
    const available = names.length > 0 ? `the cluster has ${names.join(", ")}` : "the cluster has none";
    const cls = requested !== undefined ? classes.find((c) => c.metadata.name === requested) : classes.find(isDefaultClass);
    if (cls === undefined) {
        return requested !== undefined
            ? fail(
                  "storage class",
                  `configBackup.storageClassName ${requested} does not exist (${available})`,
                  "set configBackup.storageClassName to one of the cluster's classes (kubectl get storageclass), or ask an admin to create it",
              )
            : fail(
                  "storage class",
                  `configBackup.storageClassName is unset and the cluster has no default storage class (${available})`,
                  "set configBackup.storageClassName to one of the cluster's classes (kubectl get storageclass)",
              );
    }
    const which = requested !== undefined ? cls.metadata.name : `${cls.metadata.name} (the default class)`;
    const provisioner = cls.provisioner ?? "";
    if (accessMode === "ReadWriteMany" && SINGLE_NODE_PROVISIONERS.includes(provisioner)) {
        return fail(
            "storage class",
            `${which} (provisioner ${provisioner}) gives single-node volumes; a ${accessMode} claim stays Pending`,
            "use a class of shared storage (on AKS: azurefile-csi), or configBackup.accessMode ReadWriteOnce with one replica",
        );
    }
    const known = SINGLE_NODE_PROVISIONERS.includes(provisioner) || SHARED_PROVISIONERS.includes(provisioner);
    return ok(
        "storage class",
        `${which} for ${accessMode}` +
            (known ? ` (provisioner ${provisioner})` : ` (access mode not checked: provisioner ${provisioner || "unknown"})`),
    );
}

// --- DNS ---------------------------------------------------------------------------------------------------------

/** The configuration endpoint the gateway connects to: apim.configurationEndpoint, else the service's in the cloud. */
export function configurationHost(args: SelfHostedGatewayArgs, cloud: AzureEnvironment): string {
    return args.apim.configurationEndpoint !== undefined
        ? String(args.apim.configurationEndpoint)
        : defaultConfigurationEndpoint(String(args.apim.serviceName), cloud);
}

export function dnsCheck(host: string, answer: { addresses: string[] } | { error: string }): CheckResult {
    if ("addresses" in answer) return ok("dns", `${host} resolves (${answer.addresses.join(", ")})`);
    return fail(
        "dns",
        `${host} does not resolve (${answer.error})`,
        "check apim.serviceName / configurationEndpoint, or the network's DNS",
    );
}

// --- Output ----------------------------------------------------------------------------------------------------

const LABEL: Record<Status, string> = { ok: "ok", warn: "warn", fail: "FAIL", skip: "skip" };
const WIDTH = Math.max(...CHECKS.map((c) => c.length));

/** A result as printed: the status line (with the fix on warn/FAIL), then its details indented. */
export function formatResult(r: CheckResult): string[] {
    const line = `${LABEL[r.status].padEnd(4)}  ${r.check.padEnd(WIDTH)}  ${r.message}${r.fix && r.status !== "ok" ? `; fix: ${r.fix}` : ""}`;
    return [line, ...(r.details ?? []).map((d) => `${" ".repeat(WIDTH + 8)}${d}`)];
}

/** 1 when any check failed; warnings (and checks skipped because of a failure) alone do not fail. */
export function exitCode(results: CheckResult[]): number {
    return results.some((r) => r.status === "fail") ? 1 : 0;
}

export function summary(results: CheckResult[], seconds: number): string {
    const n = (s: Status) => results.filter((r) => r.status === s).length;
    const parts = [`${n("ok")} ok`, `${n("warn")} warn`, `${n("fail")} FAIL`, ...(n("skip") > 0 ? [`${n("skip")} skipped`] : [])];
    return `${parts.join(", ")} (${seconds.toFixed(1)} s)${n("fail") > 0 ? ": fix the FAIL lines, then run npm run doctor again" : ""}`;
}

/** A line with every known secret (8 characters or more) and anything shaped like a bearer token or a JWT removed. */
export function redact(line: string, secrets: readonly string[]): string {
    let out = line;
    for (const s of secrets) if (s.length >= 8) out = out.split(s).join("[redacted]");
    return out.replace(/bearer\s+\S+/gi, "Bearer [redacted]").replace(/eyJ[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*){1,2}/g, "[redacted]");
}
