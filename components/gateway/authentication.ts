// Authentication: the rotating token (with its expiry alerts) and its Secret, the Entra app's Secret, or the
// workload identity chain (identity.ts) and its ServiceAccount. Returns the environment variables the pods read
// from Secrets and the ServiceAccount name.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type * as apimanagement from "@pulumi/azure-native/apimanagement";
import {
    CLIENT_SECRET_KEY,
    SecretEnv,
    TOKEN_SECRET_KEY,
    WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
    WORKLOAD_IDENTITY_USE_LABEL,
} from "../specs";
import { expiryAlerts } from "../token/alerts";
import { GatewayToken } from "../token/resource";
import type { SelfHostedGateway } from "../selfHostedGateway";
import { provisionIdentity } from "./identity";
import type { Authentication, Plan } from "./types";
import { explicitProviderWarning } from "./warnings";

export function createAuthentication(
    self: SelfHostedGateway,
    p: Plan,
    gateway: apimanagement.Gateway,
    namespace: pulumi.Output<string>,
): Authentication {
    const { name, args, s, child, names } = p;
    const meta = { namespace, labels: p.labels, ...p.annotations };
    const resources: Authentication["resources"] = {};
    if (p.token !== undefined && self.getProvider("azure-native:apimanagement:Gateway") !== undefined) {
        // The token provider cannot borrow an explicit provider's credentials; say so before a 403 does.
        pulumi.log.warn(explicitProviderWarning(p.prefix), self);
    }
    if (p.token !== undefined) {
        resources.token = new GatewayToken(
            `${name}-token`,
            {
                gatewayResourceId: gateway.id,
                keyType: p.token.keyType,
                expiry: p.token.expiry,
                armEndpoint: p.token.armEndpoint,
                rotatesAfter: p.token.rotatesAfter,
            },
            child,
        );
        if (args.token?.expiryAlerts !== undefined) {
            const alerts = expiryAlerts(name, args.apim, args.token.expiryAlerts, gateway.id, child);
            resources.expiryAlertTopic = alerts.systemTopic;
            resources.expiryAlertSubscriptions = alerts.subscriptions;
        }
    }

    // Workload identity: the identity chain in Azure (optional), and the ServiceAccount.
    const wi = args.auth?.workloadIdentity;
    const saName = s.serviceAccount ? s.serviceAccount.name || names.serviceAccount : undefined;
    let clientId: pulumi.Output<string> | undefined;
    if (s.authType === "workloadIdentity" && wi?.provision !== undefined && saName !== undefined) {
        const chain = provisionIdentity(self, name, args, wi.provision, gateway, namespace, saName);
        Object.assign(resources, chain);
        clientId = chain.identity.clientId;
    } else if (s.authType === "workloadIdentity" && wi?.clientId !== undefined) {
        clientId = pulumi.output(wi.clientId);
    }
    if (s.serviceAccount?.create && saName !== undefined) {
        const wiMeta = s.authType === "workloadIdentity";
        resources.serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            {
                metadata: {
                    name: saName,
                    namespace,
                    labels: { ...p.labels, ...(wiMeta ? { [WORKLOAD_IDENTITY_USE_LABEL]: "true" } : {}) },
                    annotations: {
                        ...s.commonAnnotations,
                        ...s.serviceAccount.annotations,
                        ...(wiMeta && clientId ? { [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: clientId } : {}),
                    },
                },
                automountServiceAccountToken: false,
            },
            child,
        );
    }
    const serviceAccountName = resources.serviceAccount ? resources.serviceAccount.metadata.name : pulumi.output(saName);

    // The credential the pods read: a Secret we create, or the user's.
    const secretEnv: SecretEnv[] = [];
    const auth = args.auth ?? {};
    if (s.authType === "token" && resources.token !== undefined) {
        resources.secret = new k8s.core.v1.Secret(
            `${name}-token-secret`,
            {
                // Auto-named: a new token gives a new Secret next to the old one (the provider replaces
                // Secrets on a data change, and a fixed name would force delete-then-create, leaving a
                // moment with no Secret); the Deployment then moves to it in a rolling update.
                metadata: meta,
                type: "Opaque",
                stringData: { [TOKEN_SECRET_KEY]: pulumi.secret(pulumi.interpolate`GatewayKey ${resources.token.value}`) },
            },
            child,
        );
        secretEnv.push({ name: "config.service.auth", secretName: resources.secret.metadata.name, key: TOKEN_SECRET_KEY });
    } else if (s.authType === "existingSecret" && auth.existingSecret !== undefined) {
        secretEnv.push({
            name: "config.service.auth",
            secretName: p.checked("auth.existingSecret.name", auth.existingSecret.name, "dnsSubdomain"),
            key: auth.existingSecret.key ?? TOKEN_SECRET_KEY,
        });
    } else if (s.authType === "azureAdApp" && auth.azureAdApp !== undefined) {
        const aad = auth.azureAdApp;
        if (aad.clientSecret !== undefined) {
            // Auto-named: a new client secret gives a new Secret name, which rolls the pods.
            resources.secret = new k8s.core.v1.Secret(
                `${name}-azure-ad-secret`,
                { metadata: meta, type: "Opaque", stringData: { [CLIENT_SECRET_KEY]: pulumi.secret(aad.clientSecret) } },
                child,
            );
            secretEnv.push({
                name: "config.service.auth.azureAd.clientSecret",
                secretName: resources.secret.metadata.name,
                key: CLIENT_SECRET_KEY,
            });
        } else if (aad.existingSecret !== undefined) {
            secretEnv.push({
                name: "config.service.auth.azureAd.clientSecret",
                secretName: p.checked("auth.azureAdApp.existingSecret.name", aad.existingSecret.name, "dnsSubdomain"),
                key: aad.existingSecret.key ?? TOKEN_SECRET_KEY,
            });
        }
    }
    return { resources, secretEnv, clientId, saName, serviceAccountName };
}
