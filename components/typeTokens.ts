// The package's name and its type tokens: the one table every module (the component, the token resource, the
// plugin's schema and provider) reads them from.

/** The Pulumi package name: the plugin is `pulumi-resource-apim-gateway`, each token starts with it. */
export const PACKAGE_NAME = "apim-gateway";
/** The SelfHostedGateway component's type token. */
export const SELF_HOSTED_GATEWAY_TYPE = `${PACKAGE_NAME}:index:SelfHostedGateway`;
/** The GatewayToken custom resource's type token. */
export const GATEWAY_TOKEN_TYPE = `${PACKAGE_NAME}:index:GatewayToken`;
/** The KubernetesTarget custom resource's type token (where a stack's Kubernetes objects go; the render guard). */
export const KUBERNETES_TARGET_TYPE = `${PACKAGE_NAME}:index:KubernetesTarget`;
