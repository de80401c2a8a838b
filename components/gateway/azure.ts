// Azure side: the gateway resource, and beyond the chart its API assignments, hostname configurations and CAs.
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { serviceIdOf } from "../azureIds";
import type { SelfHostedGateway } from "../selfHostedGateway";
import type { AzureSide, Plan } from "./types";

// `self` is the parent of every child (through `p.child`); taken like every stage's, for one calling convention.
export function createAzureSide(_self: SelfHostedGateway, p: Plan): AzureSide {
    const { name, args, child } = p;
    const gateway = new apimanagement.Gateway(
        `${name}-gateway`,
        {
            resourceGroupName: args.apim.resourceGroupName,
            serviceName: args.apim.serviceName,
            gatewayId: args.apim.gatewayName,
            locationData: args.apim.location,
            description: args.apim.description,
        },
        child,
    );
    const inService = { resourceGroupName: args.apim.resourceGroupName, serviceName: args.apim.serviceName, gatewayId: gateway.name };
    const apiAssignments = (args.apis ?? []).map(
        (a) => new apimanagement.GatewayApiEntityTag(`${name}-api-${a.apiId}`, { ...inService, apiId: a.apiId }, child),
    );
    const hostnameConfigurations = (args.hostnames ?? []).map(
        (h) =>
            new apimanagement.GatewayHostnameConfiguration(
                `${name}-hostname-${h.id}`,
                {
                    ...inService,
                    hcId: h.id,
                    hostname: h.hostname,
                    ...(h.certificateId !== undefined
                        ? { certificateId: gateway.id.apply((id) => `${serviceIdOf(id)}/certificates/${h.certificateId}`) }
                        : {}),
                    negotiateClientCertificate: h.negotiateClientCertificate,
                    http2Enabled: h.http2Enabled,
                    tls10Enabled: h.tls10Enabled,
                    tls11Enabled: h.tls11Enabled,
                },
                child,
            ),
    );
    const certificateAuthorities = (args.certificateAuthorities ?? []).map(
        (c) =>
            new apimanagement.GatewayCertificateAuthority(
                `${name}-ca-${c.certificateId}`,
                { ...inService, certificateId: c.certificateId, isTrusted: c.isTrusted ?? true },
                child,
            ),
    );
    return { gateway, apiAssignments, hostnameConfigurations, certificateAuthorities };
}
