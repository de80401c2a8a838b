// Outputs: what the component reports (never a secret); the plugin's `construct` returns them (../plugin/provider.ts).
import * as pulumi from "@pulumi/pulumi";
import type { Authentication, AzureSide, KubernetesObjects, NamespaceStage, Outputs, Plan } from "./types";

export function outputsOf(p: Plan, azure: AzureSide, ns: NamespaceStage, a: Authentication, k: KubernetesObjects): Outputs {
    return {
        gateway: azure.gateway,
        authType: pulumi.output(p.s.authType),
        namespaceName: ns.namespaceName,
        configurationEndpoint: k.configurationEndpoint,
        // The token's own expiry once Azure issued it (it may differ from the requested one); a preview shows the
        // requested one, as the new token's is not known before it is issued.
        tokenExpiry:
            a.resources.token !== undefined && !pulumi.runtime.isDryRun() ? a.resources.token.expiresAt : pulumi.output(p.token?.expiry),
        tokenRotatesAfter: pulumi.output(p.token?.rotatesAfter),
        tokenKeyType: pulumi.output(p.token?.keyType),
        deploymentName: k.deployment.metadata.name,
        serviceName: k.service.metadata.name,
        discoveryServiceName: k.discoveryService.metadata.name,
        configMapName: k.configMap.metadata.name,
        secretName: a.secretEnv.length > 0 ? pulumi.output(a.secretEnv[0].secretName) : pulumi.output(undefined),
        serviceAccountName: a.serviceAccountName,
        workloadIdentityClientId: pulumi.output(a.clientId),
        loadBalancerAddress: k.service.status.apply((st) => {
            const ingress = st?.loadBalancer?.ingress?.[0];
            return ingress?.ip || ingress?.hostname || undefined;
        }),
    };
}
