// The resource provider that serves SelfHostedGateway to other Pulumi languages: it returns the declared schema
// and constructs the same component class TypeScript programs use.
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import type { SelfHostedGatewayArgs } from "../args";
import { SelfHostedGateway } from "../selfHostedGateway";
import { COMPONENT_TOKEN, packageSchema } from "./schema";

/** The component's outputs as the schema names them (`properties`). */
export function componentOutputs(gw: SelfHostedGateway): Record<string, pulumi.Output<unknown>> {
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

export class SelfHostedGatewayProvider implements provider.Provider {
    constructor(public readonly version: string) {}

    async getSchema(): Promise<string> {
        return JSON.stringify(packageSchema(this.version));
    }

    async construct(
        name: string,
        type: string,
        inputs: pulumi.Inputs,
        options: pulumi.ComponentResourceOptions,
    ): Promise<provider.ConstructResult> {
        if (type !== COMPONENT_TOKEN) {
            throw new Error(`unknown resource type ${JSON.stringify(type)}; this package provides ${COMPONENT_TOKEN}`);
        }
        // The component validates its arguments itself and names every bad key.
        const gw = new SelfHostedGateway(name, inputs as SelfHostedGatewayArgs, options);
        return { urn: gw.urn, state: componentOutputs(gw) };
    }
}
