// A consumer project: imports the component by its package name, as any other Pulumi TypeScript project would.
// Here the package is this repository ("apim-gateway": "file:../.."); outside it, install an `npm pack` tarball or a
// git URL instead (docs/other-languages.md). Pulumi.yaml names the package's provider plugin, which issues the token.
//   npm ci                 # in the repository root first (it builds dist/), then here
//   pulumi stack init dev && pulumi up --stack dev
import * as pulumi from "@pulumi/pulumi";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "apim-gateway";

const stack = pulumi.getStack();

const args: SelfHostedGatewayArgs = {
    apim: {
        resourceGroupName: "rg-apim",
        serviceName: "contoso-apim",
        gatewayName: `edge-${stack}`,
        location: { name: "aks-westeurope", city: "Amsterdam", countryOrRegion: "NL" },
    },
    namespace: { name: `apim-edge-${stack}`, podSecurityLevel: "restricted" },
    replicas: 3,
    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    configBackup: { storageClassName: "azurefile-csi" },
    service: { annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" } },
};

const gateway = new SelfHostedGateway(`edge-${stack}`, args);

export const gatewayId = gateway.gateway.id;
export const namespace = gateway.namespaceName;
export const tokenExpiry = gateway.tokenExpiry;
export const address = gateway.loadBalancerAddress;
