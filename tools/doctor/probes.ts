// What the preflight reads from the machine: commands (pulumi, kubectl, az), the Azure sign-in and ARM's
// permissions API, and DNS. Each probe returns data for a pure check in checks.ts; none changes anything.
import { createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest } from "@azure/core-rest-pipeline";
import { execFile } from "child_process";
import { promises as dns } from "dns";
import { armErrorCode, scrub } from "../../components/token/arm";
import { armTokenGetter, authorityFor, createCredential, IdentityChoice, tokenSubject } from "../../components/token/credential";
import type { CanI, CommandResult, Permission, ServiceAnswer } from "./checks";

/** Runs a program (no shell) and collects its output; `missing` when it is not on PATH. */
export function run(
    program: string,
    args: string[],
    opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
    return new Promise((resolve) => {
        execFile(
            program,
            args,
            { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
            (error, stdout, stderr) => {
                const e = error as (NodeJS.ErrnoException & { killed?: boolean }) | null;
                if (e?.code === "ENOENT") return resolve({ missing: true });
                const code = e === null ? 0 : typeof e.code === "number" ? e.code : 1;
                const timedOut = e?.killed ? `\n(timed out after ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s)` : "";
                resolve({ code, stdout, stderr: timedOut ? `${program} timed out${timedOut}` : stderr });
            },
        );
    });
}

/** Runs `fn` over the items with at most `limit` at a time, keeping their order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}

/** Rejects after `ms` with `message` unless the promise settles first. */
export function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type SignIn = { ok: true; token: string; subject?: string } | { ok: false; error: string };

/** An ARM access token for the identity (the token path's own credential); the token never leaves this process. */
export async function signIn(choice: IdentityChoice, armEndpoint: string, secrets: readonly string[]): Promise<SignIn> {
    try {
        const credential = createCredential(choice, authorityFor(armEndpoint));
        const token = await within(armTokenGetter(credential, armEndpoint)(), 60_000, "no answer within 60 s");
        return { ok: true, token, subject: tokenSubject(token) };
    } catch (e) {
        return { ok: false, error: scrub((e as Error)?.message ?? String(e), secrets) };
    }
}

/** The doctor's read-only ARM client: no retries, no redirects. */
function doctorPipeline() {
    return createPipelineFromOptions({
        retryOptions: { maxRetries: 0 },
        redirectOptions: { maxRetries: 0 },
        userAgentOptions: { userAgentPrefix: "apim-gateway-doctor" },
    });
}

/** One read-only GET with the bearer token: the body of a 200, or a failure whose message never holds the token. */
async function armGet(
    pipeline: ReturnType<typeof createPipelineFromOptions>,
    client: ReturnType<typeof createDefaultHttpClient>,
    url: string,
    token: string,
): Promise<{ ok: true; body: string } | { ok: false; status?: number; error: string }> {
    let res;
    try {
        res = await pipeline.sendRequest(
            client,
            createPipelineRequest({
                url,
                method: "GET",
                headers: createHttpHeaders({ authorization: `Bearer ${token}`, accept: "application/json" }),
                timeout: 30_000,
            }),
        );
    } catch (e) {
        const err = e as { code?: string; message?: string };
        return { ok: false, error: scrub(err?.code ?? err?.message ?? String(e), [token]) };
    }
    if (res.status !== 200) {
        const code = armErrorCode(res.bodyAsText ?? undefined);
        return { ok: false, status: res.status, error: `HTTP ${res.status}${code ? ` ${code}` : ""}` };
    }
    return { ok: true, body: res.bodyAsText ?? "" };
}

export type PermissionsAnswer = { ok: true; permissions: Permission[] } | { ok: false; status?: number; error: string };

/**
 * GET <scope>/providers/Microsoft.Authorization/permissions (read-only), following nextLink on the same host. The
 * bearer token goes to the ARM endpoint only; no redirect is followed.
 */
export async function readPermissions(url: string, token: string): Promise<PermissionsAnswer> {
    const pipeline = doctorPipeline();
    const client = createDefaultHttpClient();
    const origin = new URL(url).origin;
    const permissions: Permission[] = [];
    let next: string | undefined = url;
    for (let page = 0; next !== undefined && page < 20; page++) {
        if (new URL(next).origin !== origin) return { ok: false, error: "ARM answered a nextLink on another host; not followed" };
        const got = await armGet(pipeline, client, next, token);
        if (!got.ok) return got;
        let body: { value?: unknown; nextLink?: unknown };
        try {
            body = JSON.parse(got.body) as { value?: unknown; nextLink?: unknown };
        } catch {
            return { ok: false, status: 200, error: "the answer is not JSON" };
        }
        const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
        for (const p of Array.isArray(body.value) ? body.value : []) {
            const entry = p as { actions?: unknown; notActions?: unknown };
            permissions.push({ actions: strings(entry.actions), notActions: strings(entry.notActions) });
        }
        next = typeof body.nextLink === "string" && body.nextLink !== "" ? body.nextLink : undefined;
    }
    return { ok: true, permissions };
}

/** GET the API Management instance (read-only) and return its SKU's name; no redirect is followed. */
export async function readService(url: string, token: string): Promise<ServiceAnswer> {
    const got = await armGet(doctorPipeline(), createDefaultHttpClient(), url, token);
    if (!got.ok) return got;
    try {
        const sku = (JSON.parse(got.body) as { sku?: { name?: unknown } }).sku?.name;
        return { ok: true, sku: typeof sku === "string" ? sku : undefined };
    } catch {
        return { ok: false, status: 200, error: "the answer is not JSON" };
    }
}

/** The addresses a host name resolves to (the system resolver, as the gateway's node would use). */
export async function resolve(host: string): Promise<{ addresses: string[] } | { error: string }> {
    try {
        const found = await within(dns.lookup(host, { all: true }), 10_000, "no answer within 10 s");
        return { addresses: [...new Set(found.map((a) => a.address))] };
    } catch (e) {
        const err = e as NodeJS.ErrnoException;
        return { error: err.code ?? err.message };
    }
}

/** `kubectl auth can-i` for one question. */
export function canI(kubectl: (args: string[]) => Promise<CommandResult>, q: CanI): Promise<CommandResult> {
    return kubectl(["auth", "can-i", q.verb, q.resource, ...(q.namespace !== undefined ? ["-n", q.namespace] : [])]);
}
