// The ARM `generateToken` call (azure-native has no wrapper for it).
//
//   POST {arm}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{svc}
//        /gateways/{gatewayId}/generateToken?api-version=2024-05-01
//   body {"keyType": "primary"|"secondary", "expiry": "yyyy-MM-ddTHH:mm:ssZ"}  ->  {"value": "<token>"}
//
// This module runs inside the dynamic provider's process, so it is self-contained: it uses only
// Node's global fetch and timers. Error messages never include a response body (it could hold a
// token) nor the bearer token.

export const GENERATE_TOKEN_API_VERSION = "2024-05-01";
export const GENERATE_TOKEN_ACTION = "Microsoft.ApiManagement/service/gateways/generateToken/action";
export const GATEWAY_READ_ACTION = "Microsoft.ApiManagement/service/gateways/read";

export interface GatewayRef {
    subscriptionId: string;
    resourceGroupName: string;
    serviceName: string;
    gatewayId: string;
}

const GATEWAY_ID =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ApiManagement\/service\/([^/]+)\/gateways\/([^/]+)$/i;

/** Splits an ARM gateway resource id; throws a clear error when it is not one. */
export function parseGatewayId(resourceId: string): GatewayRef {
    const m = GATEWAY_ID.exec(resourceId);
    if (!m) {
        throw new Error(
            `not an API Management gateway resource id: ${JSON.stringify(resourceId)}; expected ` +
                "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<svc>/gateways/<id>",
        );
    }
    return { subscriptionId: m[1], resourceGroupName: m[2], serviceName: m[3], gatewayId: m[4] };
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
    /** Returns a bearer token for the ARM audience. */
    getAccessToken: () => Promise<string>;
    /** Who is calling, for error messages (never a secret). */
    identity: string;
    /** Attempts in all, including the first. Default 5. */
    maxAttempts?: number;
    /** First backoff delay; doubles each retry, with jitter. Default 1000 ms. */
    baseDelayMs?: number;
    /** Cap for one delay, including a server's Retry-After. Default 60 s. */
    maxDelayMs?: number;
    /** Per-attempt timeout. Default 30 s. */
    timeoutMs?: number;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
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

/** The generateToken URL for a gateway; only https, or http to a loopback host (tests). */
export function generateTokenUrl(req: GenerateTokenRequest): URL {
    parseGatewayId(req.gatewayResourceId);
    const base = new URL(req.armEndpoint);
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}${req.gatewayResourceId}/generateToken`);
    url.searchParams.set("api-version", req.apiVersion ?? GENERATE_TOKEN_API_VERSION);
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
        throw new Error(`armEndpoint must use https:// (got ${url.protocol}//${url.host}); a bearer token is never sent in clear text`);
    }
    return url;
}

/** Milliseconds to wait from a Retry-After header (seconds or an HTTP date), if present. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
    if (!header) return undefined;
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
    const at = Date.parse(trimmed);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter above half the step: attempt 1 -> ~base, 2 -> ~2*base, ... */
export function backoffMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + (random() * step) / 2);
}

function describe(ref: GatewayRef): string {
    return `gateway '${ref.gatewayId}' of API Management service '${ref.serviceName}' in resource group '${ref.resourceGroupName}' (subscription ${ref.subscriptionId})`;
}

/** Reads ARM's error code from a JSON error body without echoing the body. */
async function armErrorCode(res: Response): Promise<string> {
    try {
        const body = (await res.json()) as { error?: { code?: unknown } };
        return typeof body?.error?.code === "string" ? ` ${body.error.code}` : "";
    } catch {
        return "";
    }
}

async function attempt(url: URL, req: GenerateTokenRequest, ref: GatewayRef, opts: ArmCallOptions, timeoutMs: number) {
    const bearer = await opts.getAccessToken();
    let res: Response;
    try {
        res = await fetch(url, {
            method: "POST",
            headers: {
                authorization: `Bearer ${bearer}`,
                "content-type": "application/json",
                accept: "application/json",
            },
            body: JSON.stringify({ keyType: req.keyType, expiry: req.expiry }),
            signal: AbortSignal.timeout(timeoutMs),
        });
    } catch (e) {
        const name = (e as Error)?.name;
        const why =
            name === "TimeoutError" || name === "AbortError" ? `timed out after ${timeoutMs} ms` : `failed: ${(e as Error)?.message ?? e}`;
        return { error: new ArmError(`generateToken for ${describe(ref)} ${why}`, undefined, true) };
    }
    if (res.status === 200) {
        let body: unknown;
        try {
            body = await res.json();
        } catch {
            return { error: new ArmError(`generateToken for ${describe(ref)} answered 200 with a body that is not JSON`, 200) };
        }
        const value = (body as { value?: unknown } | null)?.value;
        if (typeof value !== "string" || value.length === 0) {
            return { error: new ArmError(`generateToken for ${describe(ref)} answered 200 without a string "value"`, 200) };
        }
        return { value };
    }
    const code = await armErrorCode(res);
    if (res.status === 401 || res.status === 403) {
        return {
            error: new ArmError(
                `Azure denied generateToken (HTTP ${res.status}${code}) to ${opts.identity} for ${describe(ref)}. ` +
                    `Grant that identity the actions ${GENERATE_TOKEN_ACTION} and ${GATEWAY_READ_ACTION} on the gateway ` +
                    "(see README, 'Least-privilege role'), or sign in as one that has them.",
                res.status,
            ),
        };
    }
    if (res.status === 404) {
        return {
            error: new ArmError(
                `generateToken found no ${describe(ref)} (HTTP 404${code}). Check apim.resourceGroupName, apim.serviceName and ` +
                    "apim.gatewayName, and that the subscription is the one the azure-native provider uses.",
                404,
            ),
        };
    }
    const retryable = res.status === 429 || res.status === 408 || res.status >= 500;
    return {
        error: new ArmError(`generateToken for ${describe(ref)} failed: HTTP ${res.status}${code}`, res.status, retryable),
        retryAfter: retryAfterMs(res.headers.get("retry-after")),
    };
}

/**
 * Calls generateToken and returns the token (without the `GatewayKey ` prefix).
 * Retries 408/429/5xx, timeouts and network errors with bounded exponential backoff,
 * honouring Retry-After; fails at once on 4xx with a message that says what to fix.
 */
export async function generateGatewayToken(req: GenerateTokenRequest, opts: ArmCallOptions): Promise<string> {
    const url = generateTokenUrl(req);
    const ref = parseGatewayId(req.gatewayResourceId);
    const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    const base = opts.baseDelayMs ?? 1000;
    const maxDelay = opts.maxDelayMs ?? 60_000;
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = opts.random ?? Math.random;
    let last: ArmError | undefined;
    for (let n = 1; n <= maxAttempts; n++) {
        const r = await attempt(url, req, ref, opts, opts.timeoutMs ?? 30_000);
        if ("value" in r && r.value !== undefined) return r.value;
        last = r.error;
        if (!last?.retryable || n === maxAttempts) break;
        const wait = Math.min(maxDelay, (r as { retryAfter?: number }).retryAfter ?? backoffMs(n, base, maxDelay, random));
        await sleep(wait);
    }
    if (last?.retryable && maxAttempts > 1) {
        throw new ArmError(`${last.message} (gave up after ${maxAttempts} attempts)`, last.status, true);
    }
    throw last ?? new ArmError(`generateToken for ${describe(ref)} failed`);
}
