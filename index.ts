// The stack program: one SelfHostedGateway per stack, configured by the stack's `gateway` key.
//   pulumi up --stack dev
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes/provider";
import {
    CLIENT_SECRET_CONFIG_KEY,
    ClientSecretConfig,
    CLUSTER_TARGET,
    describeFindings,
    formatProblems,
    KubernetesTarget,
    nameProblems,
    profileFindings,
    renderDirProblems,
    resolveSettings,
    ROTATION_NOTICE_CONFIG_KEY,
    SelfHostedGateway,
    tokenPlan,
    validateArgs,
    WEBHOOK_URL_CONFIG_KEY,
    withClientSecret,
    withWebhookUrl,
    yamlTarget,
} from "./dist/components/stackProgram";

const config = new pulumi.Config();
const stack = pulumi.getStack();

function fail(problems: string[], setting = "gateway"): never {
    // RunError: a clean message, no stack trace, before any resource is registered.
    throw new pulumi.RunError(
        formatProblems(`Stack config '${config.name}:${setting}' of stack '${stack}' is invalid`, problems) +
            "\nFix it in Pulumi." +
            stack +
            ".yaml (see docs/configuration.md).",
    );
}

let raw: unknown;
try {
    raw = config.getObject<unknown>("gateway");
} catch {
    fail([`gateway: is not valid JSON/YAML; it must be an object`]);
}
// The token's provider prints the rotation notices (components/token/provider.ts); the token reads this key itself.
try {
    config.getBoolean(ROTATION_NOTICE_CONFIG_KEY);
} catch {
    fail(
        [`${ROTATION_NOTICE_CONFIG_KEY}: got ${JSON.stringify(config.get(ROTATION_NOTICE_CONFIG_KEY))}; expected true or false`],
        ROTATION_NOTICE_CONFIG_KEY,
    );
}
if (raw === undefined) {
    fail([`gateway: required; set it in Pulumi.${stack}.yaml (copy Pulumi.dev.yaml as a start)`]);
}
// The Entra client secret comes only from its own secret key, and is a Pulumi secret from here on.
// (The SDK's own pattern error would quote the value; ours does not.)
let clientSecret: ClientSecretConfig;
try {
    clientSecret = config.getSecret(CLIENT_SECRET_CONFIG_KEY, { pattern: /\S/ });
} catch {
    clientSecret = "blank";
}
const secretPlacement = withClientSecret(raw, clientSecret, config.name, stack);
// The expiry alerts' webhook URL, likewise: read once to be checked (never shown), a Pulumi secret from here on.
const webhookValue = pulumi.runtime.getConfig(`${config.name}:${WEBHOOK_URL_CONFIG_KEY}`);
const webhookPlacement = withWebhookUrl(
    secretPlacement.raw,
    webhookValue === undefined ? undefined : { value: webhookValue, secret: pulumi.secret(webhookValue) },
    config.name,
    stack,
);
const result = validateArgs(webhookPlacement.raw, "gateway");
const placementProblems = [...secretPlacement.problems, ...webhookPlacement.problems];
if (placementProblems.length > 0 || !result.ok) {
    fail([...placementProblems, ...(result.ok ? [] : result.problems)]);
}
const args = result.args;
// The gateway name also names the Kubernetes objects, so it must be a DNS-1123 label there.
const name = args.apim.gatewayName as string;
const nameIssues = nameProblems(name, "gateway.apim.gatewayName");
if (nameIssues.length > 0) {
    fail(nameIssues);
}

// The guide's production rules, checked here too so a prod stack fails with the config's key names.
const settings = resolveSettings(args);
if (settings.environment === "prod") {
    const now = new Date(Date.now());
    const expiry = settings.authType === "token" ? tokenPlan(now, settings).expiry : undefined;
    const findings = profileFindings(name, args, settings, expiry, now);
    if (findings.length > 0) {
        fail([
            ...describeFindings(findings, "gateway"),
            'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        ]);
    }
}

// GitOps: `renderYamlTo` writes the Kubernetes objects as YAML to a directory instead of applying them.
// Every Kubernetes child of the component uses this provider; the Azure side is still applied.
const renderYamlTo = config.get("renderYamlTo");
const renderIssues = renderDirProblems(renderYamlTo);
if (renderIssues.length > 0) {
    fail(renderIssues, "renderYamlTo");
}
/**
 * Where the Kubernetes side goes: "cluster" or "yaml:<dir>", kept in the stack's state by a resource of this package.
 * Switching a stack that has applied to a cluster over to rendering would make Pulumi replace, i.e. delete, the live
 * objects, so that resource's provider refuses it (the preview fails, before `pulumi up` changes anything); render
 * from a stack of its own instead. The refusal comes from the resource's last inputs, which the engine hands to its
 * provider: the stack never reads its own checkpoint while the engine writes it.
 */
const target = new KubernetesTarget(`${name}-kubernetes-target`, {
    target: renderYamlTo === undefined ? CLUSTER_TARGET : yamlTarget(renderYamlTo),
});
export const kubernetesTarget = target.target;

let opts: pulumi.ComponentResourceOptions | undefined;
if (renderYamlTo !== undefined) {
    // The directory waits for the guard above: a refused switch writes no file (the token Secret among them).
    // kubeconfig "" stops the SDK from filling it in from $KUBECONFIG: the provider refuses both together.
    const renderer = new k8s.Provider(`${name}-render-yaml`, {
        renderYamlToDirectory: kubernetesTarget.apply(() => renderYamlTo),
        kubeconfig: "",
    });
    opts = { providers: [renderer] };
    pulumi.log.warn(
        `renderYamlTo: Kubernetes objects are written to ${renderYamlTo}, not applied; the token Secret is written there in plaintext. ` +
            "Keep that directory out of git, or see docs/gitops.md.",
    );
}

const gw = new SelfHostedGateway(name, args, opts);

export const gatewayId = gw.gateway.id;
export const authType = gw.authType;
export const namespaceName = gw.namespaceName;
export const configurationEndpoint = gw.configurationEndpoint;
export const tokenExpiry = gw.tokenExpiry;
export const tokenRotatesAfter = gw.tokenRotatesAfter;
export const tokenKeyType = gw.tokenKeyType;
export const deploymentName = gw.deploymentName;
export const serviceName = gw.serviceName;
export const discoveryServiceName = gw.discoveryServiceName;
export const workloadIdentityClientId = gw.workloadIdentityClientId;
export const loadBalancerAddress = gw.loadBalancerAddress;
