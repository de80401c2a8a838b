// What this repository's stack program (index.ts) takes from the package, imported there from the compiled package
// (dist/components/stackProgram). Pulumi's Node.js runner type-checks index.ts on every `pulumi preview` and `up`
// (ts-node), against these declarations only; the components themselves are type-checked by `npm run typecheck` and
// CI. The SelfHostedGateway class's own declarations reach the Azure SDK's types (about 420,000 lines that ts-node
// would parse on each run), so the stack program sees it through `StackGateway`: the outputs it uses, declared with
// @pulumi/pulumi's types alone. The build checks that the class matches that declaration.
import type * as pulumi from "@pulumi/pulumi";
import type { AuthType, KeyType, SelfHostedGatewayArgs } from "./args";
import { SelfHostedGateway as Component } from "./selfHostedGateway";

/** A SelfHostedGateway as the stack program uses it. */
export interface StackGateway {
    readonly gateway: { readonly id: pulumi.Output<string> };
    readonly authType: pulumi.Output<AuthType>;
    readonly namespaceName: pulumi.Output<string>;
    readonly configurationEndpoint: pulumi.Output<string>;
    readonly tokenExpiry: pulumi.Output<string | undefined>;
    readonly tokenRotatesAfter: pulumi.Output<string | undefined>;
    readonly tokenKeyType: pulumi.Output<KeyType | undefined>;
    readonly deploymentName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly discoveryServiceName: pulumi.Output<string>;
    readonly workloadIdentityClientId: pulumi.Output<string | undefined>;
    readonly loadBalancerAddress: pulumi.Output<string | undefined>;
}

/** The SelfHostedGateway component (components/selfHostedGateway.ts). */
export const SelfHostedGateway: new (name: string, args: SelfHostedGatewayArgs, opts?: pulumi.ComponentResourceOptions) => StackGateway =
    Component;

export { describeFindings, profileFindings } from "./profile";
export { CLUSTER_TARGET, yamlTarget } from "./kubernetesTarget/provider";
export { KubernetesTarget } from "./kubernetesTarget/resource";
export { tokenPlan } from "./rotation";
export { resolveSettings } from "./specs";
export { CLIENT_SECRET_CONFIG_KEY, ClientSecretConfig, WEBHOOK_URL_CONFIG_KEY, withClientSecret, withWebhookUrl } from "./stackConfig";
export { ROTATION_NOTICE_CONFIG_KEY } from "./token/resource";
export { formatProblems } from "./validation/format";
export { nameProblems } from "./validation/names";
export { renderDirProblems } from "./validation/stack";
export { validateArgs } from "./validation/validate";
