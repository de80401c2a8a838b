// A program that uses the GatewayToken resource directly, as the package's public API allows, and passes the secret
// keys of the identity config as plain strings. The two keys chosen leave the identity as the Azure CLI login (the
// e2e stand-in `az`): a certificate password without a certificate path, an OIDC request token without useOidc.
// e2e/tests/tokenSecrets.e2e.ts checks that neither, nor the token, is in the state in plaintext.
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { armExpiry } from "../../components/rotation";
import { GatewayToken } from "../../components/token/resource";

// Not exported: every export of the program becomes a stack output.
const PLAIN_SECRETS = { clientCertificatePassword: "plain-pfx-password-e2e", oidcRequestToken: "plain-request-token-e2e" };

const gateway = new apimanagement.Gateway("apim-gw-secrets-gateway", {
    resourceGroupName: "rg-apim-e2e",
    serviceName: "apim-e2e",
    gatewayId: "apim-gw-secrets",
    locationData: { name: "e2e-cluster" },
});

const token = new GatewayToken("apim-gw-secrets-token", {
    gatewayResourceId: gateway.id,
    keyType: "primary",
    expiry: armExpiry(new Date(Date.now() + 7 * 24 * 60 * 60 * 1000)),
    armEndpoint: process.env.APIM_E2E_ARM_ENDPOINT as string,
    azureNative: { ...PLAIN_SECRETS },
});

export const expiry = token.expiry;
export const value = token.value;
