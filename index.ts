// The stack program: one SelfHostedGateway per stack, configured by the stack's `gateway` key.
//   pulumi up --stack dev
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes/provider";
import {
    CLIENT_SECRET_CONFIG_KEY,
    ClientSecretConfig,
    describeFindings,
    formatProblems,
    nameProblems,
    profileFindings,
    renderDirProblems,
    resolveSettings,
    rotationNotice,
    selfReferenceName,
    SelfHostedGateway,
    tokenPlan,
    validateArgs,
    withClientSecret,
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
let notices = true;
try {
    raw = config.getObject<unknown>("gateway");
} catch {
    fail([`gateway: is not valid JSON/YAML; it must be an object`]);
}
try {
    notices = config.getBoolean("rotationNotice") ?? true;
} catch {
    fail([`rotationNotice: got ${JSON.stringify(config.get("rotationNotice"))}; expected true or false`], "rotationNotice");
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
const result = validateArgs(secretPlacement.raw, "gateway");
if (secretPlacement.problems.length > 0 || !result.ok) {
    fail([...secretPlacement.problems, ...(result.ok ? [] : result.problems)]);
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
// This stack's own last outputs, read through a reference to itself (for the token notice and the render guard).
const tokenNotices = notices && (args.auth?.type ?? "token") === "token";
const self =
    tokenNotices || renderYamlTo !== undefined
        ? new pulumi.StackReference(`${name}-previous`, { name: selfReferenceName(pulumi.getOrganization(), pulumi.getProject(), stack) })
        : undefined;

/**
 * Where the Kubernetes side goes: "cluster" or "yaml:<dir>". Switching a stack that has applied to a cluster over to
 * rendering would make Pulumi replace, i.e. delete, the live objects, so that is refused (the preview fails, before
 * `pulumi up` changes anything); render from a stack of its own instead.
 */
export const kubernetesTarget =
    renderYamlTo === undefined || self === undefined
        ? pulumi.output("cluster")
        : pulumi.all([self.getOutputDetails("kubernetesTarget"), self.getOutputDetails("deploymentName")]).apply(([target, deployed]) => {
              const previous = typeof target.value === "string" ? target.value : deployed.value !== undefined ? "cluster" : undefined;
              if (previous === "cluster") {
                  throw new pulumi.RunError(
                      `renderYamlTo: stack '${stack}' has deployed the gateway to a cluster; rendering from it would delete the live ` +
                          `Kubernetes objects (their provider would change). Render from a stack of its own: pulumi stack init ${stack}-gitops, ` +
                          `copy this stack's config there, and set apim-gateway:renderYamlTo on that stack only.`,
                  );
              }
              return `yaml:${renderYamlTo}`;
          });

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

// One plain line when a rotation is due, a warning when the stored token is (nearly) expired.
if (tokenNotices && self !== undefined) {
    const stored = pulumi.output(self.getOutputDetails("tokenExpiry")).apply((d) => (typeof d.value === "string" ? d.value : undefined));
    pulumi.all([stored, gw.tokenExpiry, gw.tokenKeyType, gw.tokenRotatesAfter]).apply(([prev, expiry, keyType, rotatesAfter]) => {
        if (expiry === undefined || keyType === undefined || rotatesAfter === undefined) return;
        const next = { expiry, keyType, rotatesAfter };
        const notice = rotationNotice({ stored: prev, next, now: new Date(Date.now()), stack, dryRun: pulumi.runtime.isDryRun() });
        if (notice) {
            void (notice.level === "warn" ? pulumi.log.warn(notice.message) : pulumi.log.info(notice.message));
        }
    });
}

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
