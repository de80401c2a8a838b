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
    | {
          kind: "oidc";
          tenantId: string;
          clientId: string;
          oidcToken?: string;
          requestUrl?: string;
          requestToken?: string;
          /** Where the request URL and token come from: both from the same place, always (OIDC_REQUEST_SOURCES). */
          requestSource?: string;
      }
    | { kind: "managedIdentity"; clientId?: string }
    | { kind: "default" };

/** A lookup of azure-native stack config (`clientId`, …) — may be empty. */
export type ConfigLookup = (key: string) => string | undefined;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

/**
 * Where an OIDC request URL and its bearer token may come from, in azure-native's order: its stack config, the ARM_*
 * variables, then the variables GitHub Actions' runner sets in a job with `id-token: write`. The first place that
 * holds either of the two supplies both: a URL from one place never gets the token of another.
 */
export const OIDC_REQUEST_SOURCES = [
    { name: "azure-native stack config (oidcRequestUrl, oidcRequestToken)", config: ["oidcRequestUrl", "oidcRequestToken"] },
    { name: "ARM_OIDC_REQUEST_URL and ARM_OIDC_REQUEST_TOKEN", env: ["ARM_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_TOKEN"] },
    {
        name: "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        env: ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
    },
] as const;

/** The OIDC request URL and token, both from the first place that holds either (OIDC_REQUEST_SOURCES). */
function oidcRequest(config: ConfigLookup, env: NodeJS.ProcessEnv): { requestUrl?: string; requestToken?: string; requestSource?: string } {
    for (const source of OIDC_REQUEST_SOURCES) {
        const [url, token] = "config" in source ? source.config.map((k) => config(k)) : source.env.map((k) => env[k]);
        if (url !== undefined || token !== undefined) return { requestUrl: url, requestToken: token, requestSource: source.name };
    }
    return {};
}

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
            ...oidcRequest(config, env),
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
        case "oidc":
            return new identity.ClientAssertionCredential(choice.tenantId, choice.clientId, () => oidcAssertion(choice), { authorityHost });
        case "managedIdentity":
            return choice.clientId
                ? new identity.ManagedIdentityCredential({ clientId: choice.clientId })
                : new identity.ManagedIdentityCredential();
        case "default":
            // azure-native's default is the Azure CLI login; so is ours (no IMDS probing, no surprises).
            return new identity.AzureCliCredential();
    }
}

/** The OIDC assertion of an `oidc` choice: its token, or one requested with the URL and token of one source. */
export async function oidcAssertion(
    choice: Extract<IdentityChoice, { kind: "oidc" }>,
    opts: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<string> {
    if (choice.oidcToken) return choice.oidcToken;
    if (choice.requestSource === undefined) {
        throw new Error(
            "OIDC is on (useOidc / ARM_USE_OIDC) but neither ARM_OIDC_TOKEN nor a GitHub Actions OIDC request URL/token is set",
        );
    }
    if (!choice.requestUrl || !choice.requestToken) {
        throw new Error(
            `OIDC: ${choice.requestSource} must both be set, from the same place; one of them is missing ` +
                "(a request URL is never sent the token of another source)",
        );
    }
    return requestOidcToken(choice.requestUrl, choice.requestToken, opts);
}

/** How long the OIDC token request may take, its answer included. */
export const OIDC_REQUEST_TIMEOUT_MS = 20_000;

/**
 * Whether a URL is GitHub Actions' own OIDC request endpoint: the runner sets ACTIONS_ID_TOKEN_REQUEST_URL to an
 * https URL on a host under actions.githubusercontent.com (pipelines.actions.githubusercontent.com,
 * run-actions-*.actions.githubusercontent.com), on the default port, without user:password@.
 */
export function isGitHubActionsOidcUrl(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return (
        url.protocol === "https:" &&
        url.port === "" &&
        url.username === "" &&
        url.password === "" &&
        (host === "actions.githubusercontent.com" || host.endsWith(".actions.githubusercontent.com"))
    );
}

/**
 * Fetches a GitHub Actions OIDC token for Entra federation: only from GitHub Actions' own host (its bearer token goes
 * nowhere else), no redirects, within a timeout, and no credential in any message.
 */
export async function requestOidcToken(
    requestUrl: string,
    requestToken: string,
    opts: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<string> {
    let url: URL;
    try {
        url = new URL(requestUrl);
    } catch {
        throw new Error("the OIDC request URL (ARM_OIDC_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_URL) is not a URL");
    }
    if (!isGitHubActionsOidcUrl(url)) {
        throw new Error(
            `the OIDC request URL must be GitHub Actions' own (https://…actions.githubusercontent.com), got ${url.protocol}//${url.hostname}` +
                `${url.port ? `:${url.port}` : ""}; its bearer token is sent nowhere else`,
        );
    }
    url.searchParams.set("audience", "api://AzureADTokenExchange");
    const timeoutMs = opts.timeoutMs ?? OIDC_REQUEST_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = () => new Error(`OIDC token request to ${url.host} timed out after ${timeoutMs} ms`);
    let res: Response;
    try {
        res = await (opts.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${requestToken}` }, redirect: "error", signal });
    } catch (e) {
        if (signal.aborted) throw timedOut();
        throw new Error(`OIDC token request to ${url.host} failed: ${scrub((e as Error)?.message ?? String(e), [requestToken])}`);
    }
    if (!res.ok) throw new Error(`OIDC token request to ${url.host} failed: HTTP ${res.status}`);
    let body: { value?: unknown };
    try {
        body = (await res.json()) as { value?: unknown };
    } catch {
        if (signal.aborted) throw timedOut();
        throw new Error(`OIDC token response from ${url.host} is not JSON`);
    }
    if (typeof body?.value !== "string" || body.value === "") throw new Error(`OIDC token response from ${url.host} had no value`);
    return body.value;
}

/** How long getting one ARM access token may take (a sign-in that hangs fails that attempt of generateToken). */
export const ACCESS_TOKEN_TIMEOUT_MS = 30_000;

/**
 * A function that returns an ARM bearer token for this credential, within `timeoutMs` (the credential is asked to
 * abort, and the wait ends either way); `onToken` sees each token (to name its subject).
 */
export function armTokenGetter(
    credential: TokenCredential,
    armEndpoint: string,
    onToken?: (token: string) => void,
    timeoutMs: number = ACCESS_TOKEN_TIMEOUT_MS,
): () => Promise<string> {
    const scope = `${new URL(armEndpoint).origin}/.default`;
    return async () => {
        const controller = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
                controller.abort();
                reject(new Error(`no Azure access token for ${scope} within ${timeoutMs} ms: the sign-in did not answer`));
            }, timeoutMs);
        });
        try {
            const t = await Promise.race([credential.getToken(scope, { abortSignal: controller.signal }), timeout]);
            if (!t?.token) throw new Error(`no Azure access token for ${scope}`);
            onToken?.(t.token);
            return t.token;
        } finally {
            clearTimeout(timer);
        }
    };
}
