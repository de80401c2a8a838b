// Which Azure identity calls generateToken: the same one the azure-native provider uses.
//
// azure-native reads its identity from stack config (`azure-native:clientId`, ...) or the ARM_*
// environment variables, and falls back to the Azure CLI login. `chooseIdentity` (pure) applies the
// same order; `createCredential` turns the choice into an @azure/identity credential. They run in the
// package's provider plugin, which receives the azure-native stack config as the token's inputs.
import type { TokenCredential } from "@azure/identity";
import { scrub } from "./arm";

// The clouds (ARM and login hosts) live in cloud.ts, which needs no Azure SDK types; re-exported here.
export { AzureEnvironment, CLOUDS, authorityFor, cloudFor } from "./cloud";

export type IdentityChoice =
    | { kind: "clientSecret"; tenantId: string; clientId: string; clientSecret: string }
    | { kind: "clientCertificate"; tenantId: string; clientId: string; certificatePath: string; certificatePassword?: string }
    | { kind: "oidc"; tenantId: string; clientId: string; oidcToken?: string; requestUrl?: string; requestToken?: string }
    | { kind: "managedIdentity"; clientId?: string }
    | { kind: "default" };

/** A lookup of azure-native stack config (`clientId`, …) — may be empty. */
export type ConfigLookup = (key: string) => string | undefined;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

/** The identity azure-native would use, from its config first and then ARM_* variables. */
export function chooseIdentity(config: ConfigLookup, env: NodeJS.ProcessEnv): IdentityChoice {
    const get = (key: string, envName: string) => config(key) ?? env[envName] ?? undefined;
    const clientId = get("clientId", "ARM_CLIENT_ID");
    const tenantId = get("tenantId", "ARM_TENANT_ID");
    const clientSecret = get("clientSecret", "ARM_CLIENT_SECRET");
    if (truthy(get("useOidc", "ARM_USE_OIDC")) && clientId && tenantId) {
        return {
            kind: "oidc",
            tenantId,
            clientId,
            oidcToken: get("oidcToken", "ARM_OIDC_TOKEN"),
            requestUrl: get("oidcRequestUrl", "ARM_OIDC_REQUEST_URL") ?? env.ACTIONS_ID_TOKEN_REQUEST_URL,
            requestToken: get("oidcRequestToken", "ARM_OIDC_REQUEST_TOKEN") ?? env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
        };
    }
    if (truthy(get("useMsi", "ARM_USE_MSI"))) {
        return { kind: "managedIdentity", clientId };
    }
    if (clientId && tenantId && clientSecret) {
        return { kind: "clientSecret", tenantId, clientId, clientSecret };
    }
    const certificatePath = get("clientCertificatePath", "ARM_CLIENT_CERTIFICATE_PATH");
    if (clientId && tenantId && certificatePath) {
        const certificatePassword = get("clientCertificatePassword", "ARM_CLIENT_CERTIFICATE_PASSWORD");
        return { kind: "clientCertificate", tenantId, clientId, certificatePath, ...(certificatePassword ? { certificatePassword } : {}) };
    }
    return { kind: "default" };
}

/** Names the identity for error messages, without secrets. */
export function describeIdentity(choice: IdentityChoice): string {
    switch (choice.kind) {
        case "clientSecret":
            return `service principal ${choice.clientId} (client secret, tenant ${choice.tenantId})`;
        case "clientCertificate":
            return `service principal ${choice.clientId} (client certificate ${choice.certificatePath}, tenant ${choice.tenantId})`;
        case "oidc":
            return `service principal ${choice.clientId} (OIDC federation, tenant ${choice.tenantId})`;
        case "managedIdentity":
            return choice.clientId ? `managed identity ${choice.clientId}` : "the system-assigned managed identity";
        case "default":
            return "the Azure CLI login";
    }
}

/**
 * Who an ARM access token belongs to, from its claims (user principal name, app id, object id): for error
 * messages only. The token is not verified here (ARM does that); nothing secret is returned.
 */
export function tokenSubject(accessToken: string): string | undefined {
    const payload = accessToken.split(".")[1];
    if (!payload) return undefined;
    let claims: Record<string, unknown>;
    try {
        claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
        return undefined;
    }
    const str = (k: string) =>
        typeof claims[k] === "string" && /^[\w.@:/-]{1,128}$/.test(claims[k] as string) ? (claims[k] as string) : undefined;
    const user = str("upn") ?? str("unique_name") ?? str("preferred_username");
    const app = str("appid") ?? str("azp");
    const oid = str("oid");
    if (user) return `user ${user}${oid ? ` (object id ${oid})` : ""}`;
    if (app) return `application ${app}${oid ? ` (object id ${oid})` : ""}`;
    return oid ? `object id ${oid}` : undefined;
}

/** Builds the @azure/identity credential for a choice. */
export function createCredential(choice: IdentityChoice, authorityHost: string): TokenCredential {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const identity: typeof import("@azure/identity") = require("@azure/identity");
    switch (choice.kind) {
        case "clientSecret":
            return new identity.ClientSecretCredential(choice.tenantId, choice.clientId, choice.clientSecret, { authorityHost });
        case "clientCertificate":
            return new identity.ClientCertificateCredential(
                choice.tenantId,
                choice.clientId,
                {
                    certificatePath: choice.certificatePath,
                    ...(choice.certificatePassword ? { certificatePassword: choice.certificatePassword } : {}),
                },
                { authorityHost },
            );
        case "oidc": {
            const getAssertion = async (): Promise<string> => {
                if (choice.oidcToken) return choice.oidcToken;
                if (!choice.requestUrl || !choice.requestToken) {
                    throw new Error(
                        "OIDC is on (useOidc / ARM_USE_OIDC) but neither ARM_OIDC_TOKEN nor a GitHub Actions OIDC request URL/token is set",
                    );
                }
                return requestOidcToken(choice.requestUrl, choice.requestToken);
            };
            return new identity.ClientAssertionCredential(choice.tenantId, choice.clientId, getAssertion, { authorityHost });
        }
        case "managedIdentity":
            return choice.clientId
                ? new identity.ManagedIdentityCredential({ clientId: choice.clientId })
                : new identity.ManagedIdentityCredential();
        case "default":
            // azure-native's default is the Azure CLI login; so is ours (no IMDS probing, no surprises).
            return new identity.AzureCliCredential();
    }
}

/**
 * Fetches a GitHub Actions OIDC token for Entra federation: https only, no redirects, and no credential in
 * any message.
 */
export async function requestOidcToken(requestUrl: string, requestToken: string): Promise<string> {
    let url: URL;
    try {
        url = new URL(requestUrl);
    } catch {
        throw new Error("the OIDC request URL (ARM_OIDC_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_URL) is not a URL");
    }
    if (url.protocol !== "https:") {
        throw new Error(
            `the OIDC request URL must use https:// (got ${url.protocol}//${url.host}); its bearer token is never sent in clear text`,
        );
    }
    url.searchParams.set("audience", "api://AzureADTokenExchange");
    let res: Response;
    try {
        res = await fetch(url, { headers: { authorization: `Bearer ${requestToken}` }, redirect: "error" });
    } catch (e) {
        throw new Error(`OIDC token request to ${url.host} failed: ${scrub((e as Error)?.message ?? String(e), [requestToken])}`);
    }
    if (!res.ok) throw new Error(`OIDC token request to ${url.host} failed: HTTP ${res.status}`);
    let body: { value?: unknown };
    try {
        body = (await res.json()) as { value?: unknown };
    } catch {
        throw new Error(`OIDC token response from ${url.host} is not JSON`);
    }
    if (typeof body?.value !== "string" || body.value === "") throw new Error(`OIDC token response from ${url.host} had no value`);
    return body.value;
}

/** A function that returns an ARM bearer token for this credential; `onToken` sees each token (to name its subject). */
export function armTokenGetter(credential: TokenCredential, armEndpoint: string, onToken?: (token: string) => void): () => Promise<string> {
    const scope = `${new URL(armEndpoint).origin}/.default`;
    return async () => {
        const t = await credential.getToken(scope);
        if (!t?.token) throw new Error(`no Azure access token for ${scope}`);
        onToken?.(t.token);
        return t.token;
    };
}
