// The resource provider behind this package's plugin (bin/pulumi-resource-apim-gateway). It serves
//   - the SelfHostedGateway component to Python, Go, C#, Java and YAML programs (construct), and
//   - the GatewayToken custom resource to every program, TypeScript included (check/diff/create/...), and
//   - the KubernetesTarget custom resource of the stack program (where its Kubernetes objects go; the render guard).
// Serving the token from the plugin, rather than as a dynamic resource, means no closure serialization, no
// @pulumi/pulumi needed in the consumer's folder, and errors that reach the user as written.
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import type { SelfHostedGatewayArgs } from "../args";
import type { Outputs } from "../gateway/types";
import { SelfHostedGateway } from "../selfHostedGateway";
import { kubernetesTargetMethods } from "../kubernetesTarget/provider";
import { gatewayTokenMethods } from "../token/provider";
import { GATEWAY_TOKEN_TYPE, KUBERNETES_TARGET_TYPE, SELF_HOSTED_GATEWAY_TYPE } from "../typeTokens";
import { packageSchema } from "./schema";

/**
 * The state `construct` returns: the component's outputs (gateway/types.ts) as the schema names them, the gateway
 * as its ARM id. An output added to the component, and missing here or in the schema's `properties`, fails `tsc`.
 */
export type ConstructState = { gatewayId: pulumi.Output<string> } & Omit<Outputs, "gateway">;

/** The component's outputs as the schema names them (`properties`). */
export function componentOutputs(gw: SelfHostedGateway): ConstructState {
    return {
        gatewayId: gw.gateway.id,
        namespaceName: gw.namespaceName,
        configurationEndpoint: gw.configurationEndpoint,
        tokenExpiry: gw.tokenExpiry,
        tokenRotatesAfter: gw.tokenRotatesAfter,
        tokenKeyType: gw.tokenKeyType,
        deploymentName: gw.deploymentName,
        serviceName: gw.serviceName,
        discoveryServiceName: gw.discoveryServiceName,
        configMapName: gw.configMapName,
        secretName: gw.secretName,
        loadBalancerAddress: gw.loadBalancerAddress,
        authType: gw.authType,
        serviceAccountName: gw.serviceAccountName,
        workloadIdentityClientId: gw.workloadIdentityClientId,
    };
}

/** The resource type in a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function urnType(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.split("$").pop() ?? "";
}

export class SelfHostedGatewayProvider implements provider.Provider {
    private readonly token: ReturnType<typeof gatewayTokenMethods>;
    private readonly target = kubernetesTargetMethods();

    constructor(
        public readonly version: string,
        token = gatewayTokenMethods(),
    ) {
        this.token = token;
    }

    async getSchema(): Promise<string> {
        return JSON.stringify(packageSchema(this.version));
    }

    /** Which custom resource a URN names; anything else is refused. */
    private served(urn: string): "token" | "target" {
        const type = urnType(urn);
        if (type === GATEWAY_TOKEN_TYPE) return "token";
        if (type === KUBERNETES_TARGET_TYPE) return "target";
        throw new Error(
            `unknown resource type ${JSON.stringify(type)}; this provider serves ${GATEWAY_TOKEN_TYPE} and ${KUBERNETES_TARGET_TYPE}`,
        );
    }

    async check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
        return this.served(urn) === "token" ? this.token.check(olds, news, urn) : this.target.check(olds, news, urn);
    }

    async diff(_id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
        return this.served(urn) === "token" ? this.token.diff(olds, news) : this.target.diff(olds, news);
    }

    async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
        return this.served(urn) === "token" ? this.token.create(inputs) : this.target.create(urn, inputs);
    }

    async update(_id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> {
        return this.served(urn) === "token" ? this.token.update(olds, news) : this.target.update(news);
    }

    async read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
        return this.served(urn) === "token" ? this.token.read(id, props) : this.target.read(id, props);
    }

    async delete(_id: string, urn: string): Promise<void> {
        return this.served(urn) === "token" ? this.token.delete() : this.target.delete();
    }

    async construct(
        name: string,
        type: string,
        inputs: pulumi.Inputs,
        options: pulumi.ComponentResourceOptions,
    ): Promise<provider.ConstructResult> {
        if (type !== SELF_HOSTED_GATEWAY_TYPE) {
            throw new Error(`unknown resource type ${JSON.stringify(type)}; this package provides ${SELF_HOSTED_GATEWAY_TYPE}`);
        }
        // The component validates its arguments itself and names every bad key.
        const gw = new SelfHostedGateway(name, inputs as SelfHostedGatewayArgs, options);
        return { urn: gw.urn, state: componentOutputs(gw) };
    }
}
