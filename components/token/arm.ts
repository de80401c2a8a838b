// The ARM `generateToken` call (azure-native has no wrapper for it), sent through the Azure SDK's HTTP
// pipeline (@azure/core-rest-pipeline: HTTPS_PROXY/NO_PROXY, TLS, request ids, header redaction in its logs).
//
//   POST {arm}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{svc}
//        /gateways/{gatewayId}/generateToken?api-version=2024-05-01
//   body {"keyType": "primary"|"secondary", "expiry": "yyyy-MM-ddTHH:mm:ssZ"}
//   ->   {"value": "<gatewayId>&<yyyyMMddHHmm>&<base64 signature>"}
//
// The pipeline's own retries and redirects are off: this module retries (with a floor under Retry-After, a
// cap, and the access-token step included) and refuses every redirect. Only https is spoken. No message or
// stack this module produces carries a credential or a response body: error codes from the server are
// accepted only in ARM's own shape, and every message passes through `scrub`.
import {
    createDefaultHttpClient,
    createHttpHeaders,
    createPipelineFromOptions,
    createPipelineRequest,
    type HttpClient,
    type TlsSettings,
} from "@azure/core-rest-pipeline";
import { GatewayIdParts, gatewayIdParts } from "../azureIds";

export const GENERATE_TOKEN_API_VERSION = "2024-05-01";
export const GENERATE_TOKEN_ACTION = "Microsoft.ApiManagement/service/gateways/generateToken/action";
export const GATEWAY_READ_ACTION = "Microsoft.ApiManagement/service/gateways/read";
/** Attempts of one generateToken call, and the timeout of each: a hung endpoint fails the call in about 90 s. */
export const DEFAULT_ATTEMPTS = 4;
export const DEFAULT_TIMEOUT_MS = 20_000;
/** ARM refuses an expiry further ahead than this. */
export const MAX_TOKEN_DAYS = 30;

/**
 * Splits an ARM gateway resource id with azureIds.ts's parser; throws a clear error when it is not one, which
 * names the expected shape and, since the id comes from the provider's inputs, passes through `scrub`.
 */
export function parseGatewayId(resourceId: string): GatewayIdParts {
    const ref = gatewayIdParts(resourceId);
    if (!ref) {
        throw new Error(
            // Stryker disable next-line ArrayDeclaration: no secret is known here: a list holding a made-up one changes only text that contains it
            `not an API Management gateway resource id: ${JSON.stringify(scrub(resourceId, []))}; expected ` +
                "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<svc>/gateways/<id>",
        );
    }
    return ref;
}

export interface GenerateTokenRequest {
    /** e.g. https://management.azure.com */
    armEndpoint: string;
    /** ARM id of the gateway. */
    gatewayResourceId: string;
    keyType: "primary" | "secondary";
    /** yyyy-MM-ddTHH:mm:ssZ, at most 30 days ahead. */
    expiry: string;
    apiVersion?: string;
}

export interface ArmCallOptions {
    /** Returns a bearer token for the ARM audience. Its failures are retried like the call's. */
    getAccessToken: () => Promise<string>;
    /** Who is calling, for error messages (never a secret). */
    identity: string;
    /** Attempts in all, including the first. Default 4. */
    maxAttempts?: number;
    /** First backoff delay; doubles each retry, with jitter. Default 1000 ms. */
    baseDelayMs?: number;
    /** Floor of every delay, including a server's Retry-After (0, negative or past values included). Default 1000 ms. */
    minDelayMs?: number;
    /** Cap of one delay, including a server's Retry-After. Default 60 s. */
    maxDelayMs?: number;
    /** Per-attempt timeout. Default 20 s (so a hung endpoint fails the call in about 90 s: 4 x 20 s plus backoff). */
    timeoutMs?: number;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
    /** Extra trust for the endpoint's TLS certificate (tests; otherwise NODE_EXTRA_CA_CERTS). */
    tls?: TlsSettings;
    /** The HTTP client under the pipeline (tests). */
    httpClient?: HttpClient;
    /** The clock a token's own expiry is judged by (tests). Default: Date.now. */
    now?: () => number;
}

export class ArmError extends Error {
    constructor(
        message: string,
        readonly status?: number,
        readonly retryable = false,
    ) {
        super(message);
        this.name = "ArmError";
    }
}

const MAX_MESSAGE = 300;

/**
 * Makes text safe for an error message: removes each secret (and anything shaped like a bearer token or a
 * JWT), folds control characters and newlines into spaces, and bounds the length.
 */
export function scrub(text: string, secrets: readonly string[]): string {
    let out = String(text);
    for (const s of secrets) {
        if (s.length >= 8) out = out.split(s).join("[redacted]");
    }
    out = out
        .replace(/bearer\s+\S+/gi, "Bearer [redacted]")
        .replace(/eyJ[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*){1,2}/g, "[redacted]")
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ");
    return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

/** ARM's error code from an error body, only when it has ARM's shape (a short identifier); never the body. */
export function armErrorCode(bodyText: string | undefined): string | undefined {
    try {
        const code = (JSON.parse(bodyText ?? "") as { error?: { code?: unknown } } | null)?.error?.code;
        return typeof code === "string" && /^[A-Za-z][A-Za-z0-9._-]{0,63}$/.test(code) ? code : undefined;
    } catch {
        return undefined;
    }
}

/** The generateToken URL for a gateway; https only, since it carries a bearer token. */
export function generateTokenUrl(req: GenerateTokenRequest): URL {
    parseGatewayId(req.gatewayResourceId);
    let base: URL;
    try {
        base = new URL(req.armEndpoint);
    } catch {
        throw new ArmError(
            // Stryker disable next-line ArrayDeclaration: no secret is known here: a list holding a made-up one changes only text that contains it
            `armEndpoint ${JSON.stringify(scrub(req.armEndpoint, []))} is not a URL; expected e.g. https://management.azure.com`,
        );
    }
    if (base.protocol !== "https:") {
        throw new ArmError(
            `armEndpoint must use https:// (got ${base.protocol}//${base.host}); a bearer token is never sent in clear text`,
        );
    }
    if (base.username || base.password) {
        throw new ArmError("armEndpoint must not carry credentials (user:password@); the call signs in with an Azure identity");
    }
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}${req.gatewayResourceId}/generateToken`);
    url.searchParams.set("api-version", req.apiVersion ?? GENERATE_TOKEN_API_VERSION);
    return url;
}

/** Milliseconds a Retry-After header asks for (seconds, possibly decimal, or an HTTP date); undefined if unusable. */
export function retryAfterMs(header: string | undefined | null, now: number = Date.now()): number | undefined {
    if (!header) return undefined;
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
    if (/^-/.test(trimmed)) return undefined;
    const at = Date.parse(trimmed);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter above half the step: attempt 1 -> ~base, 2 -> ~2*base, ... */
export function backoffMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + (random() * step) / 2);
}

/** The wait before the next attempt: the server's Retry-After or our backoff, never below the floor nor above the cap. */
export function retryDelayMs(retryAfter: number | undefined, backoff: number, minDelayMs: number, maxDelayMs: number): number {
    return Math.min(maxDelayMs, Math.max(minDelayMs, retryAfter ?? backoff));
}

const TOKEN = /^([^&\s]{1,256})&(\d{12})&([A-Za-z0-9+/]{16,}={0,2})$/;

/**
 * The expiry a gateway token carries (its `yyyyMMddHHmm` field, UTC) as yyyy-MM-ddTHH:mm:ssZ, or undefined when the
 * value is not a token or its date does not exist. Microsoft's generateToken example answers a token whose date
 * differs from the requested expiry (ApiManagementGatewayGenerateToken.json in Azure/azure-rest-api-specs): the
 * token's own date is the one that counts.
 */
export function tokenExpiryOf(value: string): string | undefined {
    const m = TOKEN.exec(value);
    if (!m) return undefined;
    const [y, mo, d, h, mi] = [m[2].slice(0, 4), m[2].slice(4, 6), m[2].slice(6, 8), m[2].slice(8, 10), m[2].slice(10, 12)].map(Number);
    const at = new Date(Date.UTC(y, mo - 1, d, h, mi));
    if (
        at.getUTCFullYear() !== y ||
        at.getUTCMonth() !== mo - 1 ||
        at.getUTCDate() !== d ||
        at.getUTCHours() !== h ||
        at.getUTCMinutes() !== mi
    ) {
        return undefined;
    }
    return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Checks a token as generateToken documents it (a string `value`) and as the gateway reads it
 * (`<gateway>&<yyyyMMddHHmm>&<signature>`): for this gateway, with a date that exists and has not passed. The date
 * may differ from the requested expiry. Returns a problem in words, or undefined.
 */
export function tokenProblem(value: unknown, gatewayId: string, now: Date = new Date(Date.now())): string | undefined {
    if (typeof value !== "string" || value.length === 0) return 'without a string "value"';
    const m = TOKEN.exec(value);
    if (!m) return "with a value that is not a gateway token (<gateway>&<yyyyMMddHHmm>&<signature>)";
    // Stryker disable next-line ArrayDeclaration: no secret is known here: a list holding a made-up one changes only text that contains it
    if (m[1].toLowerCase() !== gatewayId.toLowerCase()) return `with a token for another gateway (${JSON.stringify(scrub(m[1], []))})`;
    const expiry = tokenExpiryOf(value);
    if (expiry === undefined) return `with a token whose date ${m[2]} (yyyyMMddHHmm) does not exist`;
    if (Date.parse(expiry) <= now.getTime()) return `with a token that expired at ${expiry}, before it could be used`;
    return undefined;
}

function describe(ref: GatewayIdParts): string {
    return `gateway '${ref.gatewayName}' of API Management service '${ref.serviceName}' in resource group '${ref.resourceGroupName}' (subscription ${ref.subscriptionId})`;
}

type Attempt = { value: string } | { error: ArmError; retryAfter?: number };

async function attempt(
    send: (bearer: string) => Promise<{ status: number; bodyAsText?: string | null; headers: { get(n: string): string | undefined } }>,
    req: GenerateTokenRequest,
    ref: GatewayIdParts,
    opts: ArmCallOptions,
    timeoutMs: number,
): Promise<Attempt> {
    let bearer: string;
    try {
        bearer = await opts.getAccessToken();
    } catch (e) {
        // Stryker disable next-line ArrayDeclaration: no secret is known here: a list holding a made-up one changes only text that contains it
        const why = scrub((e as Error)?.message ?? String(e), []);
        return { error: new ArmError(`could not get an Azure access token as ${opts.identity}: ${why}`, undefined, true) };
    }
    const secrets = [bearer];
    let res: Awaited<ReturnType<typeof send>>;
    const started = Date.now();
    try {
        res = await send(bearer);
    } catch (e) {
        const err = e as { name?: string; code?: string; message?: string };
        const timedOut = err?.name === "AbortError" || err?.name === "TimeoutError" || Date.now() - started >= timeoutMs;
        const reason = scrub(err?.code ?? err?.message ?? String(e), secrets);
        const host = new URL(req.armEndpoint).host;
        const why = timedOut
            ? `timed out after ${timeoutMs} ms`
            : `failed: could not reach ${host} (${reason}); check the network path to Azure (HTTPS_PROXY, NO_PROXY) and token.armEndpoint`;
        return { error: new ArmError(`generateToken for ${describe(ref)} ${why}`, undefined, true) };
    }
    const code = armErrorCode(res.bodyAsText ?? undefined);
    const codeText = code ? ` ${code}` : "";
    if (res.status === 200) {
        let body: unknown;
        try {
            // Stryker disable next-line StringLiteral: the fallback only has to fail JSON.parse, as any non-JSON text does
            body = JSON.parse(res.bodyAsText ?? "");
        } catch {
            return { error: new ArmError(`generateToken for ${describe(ref)} answered 200 with a body that is not JSON`, 200) };
        }
        const value = (body as { value?: unknown } | null)?.value;
        const problem = tokenProblem(value, ref.gatewayName, new Date((opts.now ?? Date.now)()));
        if (problem) return { error: new ArmError(`generateToken for ${describe(ref)} answered 200 ${problem}`, 200) };
        return { value: value as string };
    }
    if (res.status >= 300 && res.status < 400) {
        return {
            error: new ArmError(
                `generateToken for ${describe(ref)} answered a redirect (HTTP ${res.status}); redirects are refused, ` +
                    "since following one would send the request, and trust its answer, somewhere else. Check token.armEndpoint.",
                res.status,
            ),
        };
    }
    if (res.status === 401 || res.status === 403) {
        return {
            error: new ArmError(
                `Azure denied generateToken (HTTP ${res.status}${codeText}) to ${opts.identity} for ${describe(ref)}. ` +
                    `Grant that identity the actions ${GENERATE_TOKEN_ACTION} and ${GATEWAY_READ_ACTION} on the gateway ` +
                    "(docs/authentication.md, 'Least-privilege role'), or sign in as one that has them.",
                res.status,
            ),
        };
    }
    if (res.status === 404) {
        return {
            error: new ArmError(
                `generateToken found no ${describe(ref)} (HTTP 404${codeText}). Check apim.resourceGroupName, apim.serviceName and ` +
                    "apim.gatewayName, and that the subscription is the one the azure-native provider uses.",
                404,
            ),
        };
    }
    if (res.status === 400) {
        return {
            error: new ArmError(
                `generateToken for ${describe(ref)} was refused as invalid (HTTP 400${codeText}) for key ${req.keyType} and expiry ${req.expiry}; ` +
                    `the expiry must be in the future and at most ${MAX_TOKEN_DAYS} days ahead (check this machine's clock)`,
                400,
            ),
        };
    }
    const retryable = res.status === 429 || res.status === 408 || res.status >= 500;
    return {
        error: new ArmError(`generateToken for ${describe(ref)} failed: HTTP ${res.status}${codeText}`, res.status, retryable),
        retryAfter: retryAfterMs(res.headers.get("retry-after")),
    };
}

/**
 * Calls generateToken and returns the token (without the `GatewayKey ` prefix), after checking that it is
 * a token for this gateway that has not expired (tokenProblem). Retries 408/429/5xx, timeouts, network errors and failures to
 * get an access token with bounded exponential backoff, honouring Retry-After above a floor; fails at once
 * on other answers with a message that says what to fix.
 */
export async function generateGatewayToken(req: GenerateTokenRequest, opts: ArmCallOptions): Promise<string> {
    const url = generateTokenUrl(req);
    const ref = parseGatewayId(req.gatewayResourceId);
    const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_ATTEMPTS);
    const base = opts.baseDelayMs ?? 1000;
    const minDelay = opts.minDelayMs ?? 1000;
    const maxDelay = opts.maxDelayMs ?? 60_000;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = opts.random ?? Math.random;
    const pipeline = createPipelineFromOptions({
        retryOptions: { maxRetries: 0 },
        // Stryker disable next-line ObjectLiteral: the SDK's redirect policy follows no redirect of a POST, so {} acts the same; 0 keeps it so
        redirectOptions: { maxRetries: 0 },
        userAgentOptions: { userAgentPrefix: "apim-gateway" },
        ...(opts.tls ? { tlsOptions: opts.tls } : {}),
    });
    const client = opts.httpClient ?? createDefaultHttpClient();
    const send = (bearer: string) =>
        pipeline.sendRequest(
            client,
            createPipelineRequest({
                url: url.toString(),
                method: "POST",
                headers: createHttpHeaders({
                    authorization: `Bearer ${bearer}`,
                    "content-type": "application/json",
                    accept: "application/json",
                }),
                body: JSON.stringify({ keyType: req.keyType, expiry: req.expiry }),
                timeout: timeoutMs,
            }),
        );
    let last: ArmError | undefined;
    for (let n = 1; n <= maxAttempts; n++) {
        const r = await attempt(send, req, ref, opts, timeoutMs);
        if ("value" in r) return r.value;
        last = r.error;
        if (!last.retryable || n === maxAttempts) break;
        await sleep(retryDelayMs(r.retryAfter, backoffMs(n, base, maxDelay, random), minDelay, maxDelay));
    }
    if (last?.retryable && maxAttempts > 1) {
        throw new ArmError(`${last.message} (gave up after ${maxAttempts} attempts)`, last.status, true);
    }
    // Stryker disable next-line StringLiteral: unreachable, since at least one attempt always runs and sets `last`
    throw last ?? new ArmError(`generateToken for ${describe(ref)} failed`);
}
