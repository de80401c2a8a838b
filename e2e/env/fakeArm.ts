// TEST DOUBLE: a fake Azure Resource Manager on loopback, for the real-engine e2e suite.
//
// It stands in for management.azure.com, which this machine cannot reach. It implements what the product
// and the stand-in azure-native plugin call:
//   PUT/GET/DELETE any ARM resource under /subscriptions/... (kept in memory; the APIM names may be anything)
//   POST .../Microsoft.ApiManagement/service/{svc}/gateways/{gw}/generateToken   (tokens in the real format)
//   POST .../gateways/{gw}/listKeys, .../gateways/{gw}/regenerateKey
// It serves HTTPS with a CA made at start-up, checks the bearer token the fake `az` hands out, and appends one
// JSON line per request to a log (method, path, query, body; never the Authorization header).
//
// Failure injection, on a separate plain-HTTP loopback control endpoint:
//   POST /  {"operation": "generateToken", "times": 1, "status": 403}
// with optional `retryAfter` (seconds), `headers`, `body` (raw text), `hang: true`, `echoAuthorization: true`,
// or `delayMs`: carry out the call (a token is issued) but hold the answer back that long.
// `times` counts the calls that misbehave; later calls succeed. A new request for an operation replaces the
// previous one; `times: 0` clears it. GET / returns the pending injections, the tokens issued and the resources.
// POST /clock {"offsetSeconds": N} shifts the clock it judges token expiries by, to match a program run under
// libfaketime.
// POST /permissions {"actions": [...], "notActions": [...]}: the answer of GET <scope>/providers/Microsoft.Authorization/permissions.
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";

export interface Injection {
    operation: string;
    times: number;
    status?: number;
    retryAfter?: number;
    headers?: Record<string, string>;
    body?: string;
    hang?: boolean;
    echoAuthorization?: boolean;
    /** Carry the call out normally, but answer only after this many milliseconds. */
    delayMs?: number;
}

export interface IssuedToken {
    gatewayResourceId: string;
    keyType: "primary" | "secondary";
    expiry: string;
    value: string;
    at: string;
}

export interface FakeArmOptions {
    cert: string;
    key: string;
    logPath: string;
    /** The bearer tokens the fake `az` hands out; any other bearer gets a 401. */
    acceptedBearers: () => string[];
    /** The clock the server judges expiries by (tests shift the program's clock, not this one). */
    now?: () => number;
}

export interface FakeArm {
    url: string;
    controlUrl: string;
    issued: IssuedToken[];
    /** Shifts the clock the server judges token expiries by (the suite shifts the program's clock alike). */
    setClockOffset(seconds: number): void;
    close(): Promise<void>;
}

const KNOWN_OPERATIONS = ["generateToken", "listKeys", "regenerateKey"];
const MAX_TOKEN_DAYS = 30;

/** The operation name a request maps to: generateToken/listKeys/regenerateKey, or `<verb>:<resource type>`. */
export function operationOf(method: string, path: string): string {
    const segments = path.split("/").filter(Boolean);
    const last = segments[segments.length - 1] ?? "";
    if (method === "POST" && KNOWN_OPERATIONS.includes(last)) return last;
    // /subscriptions/s/resourceGroups/rg/providers/Ns/type1/name1/type2/name2 -> type2
    const providers = segments.indexOf("providers");
    const typeSegment = providers >= 0 && segments.length - providers >= 4 ? segments[segments.length - 2] : "resource";
    const verb = method === "PUT" ? "createOrUpdate" : method === "DELETE" ? "delete" : method === "GET" ? "get" : method.toLowerCase();
    return `${verb}:${typeSegment}`;
}

const ARM_ERRORS: Record<number, string> = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    409: "Conflict",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
};

function armError(status: number, message: string, code = ARM_ERRORS[status] ?? "Error"): string {
    return JSON.stringify({ error: { code, message } });
}

/** `yyyyMMddHHmm` of an ISO instant, as the token's middle field. */
export function tokenStamp(expiry: string): string {
    return expiry.replace(/[-:TZ]/g, "").slice(0, 12);
}

const PERMISSIONS_PATH = /\/providers\/Microsoft\.Authorization\/permissions$/i;

const GATEWAY_PATH =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+\/gateways\/([^/]+)$/i;

export async function startFakeArm(opts: FakeArmOptions): Promise<FakeArm> {
    let offsetMs = 0;
    const now = () => (opts.now ?? Date.now)() + offsetMs;
    const resources = new Map<string, { id: string; body: Record<string, unknown> }>();
    const keys = new Map<string, { primary: string; secondary: string }>();
    const injections = new Map<string, Injection>();
    const issued: IssuedToken[] = [];
    let permissions: { actions: string[]; notActions: string[] } = { actions: ["*"], notActions: [] };
    const log = fs.openSync(opts.logPath, "a");
    const hanging = new Set<http.ServerResponse>();

    const gatewayKeys = (gatewayResourceId: string) => {
        const k = gatewayResourceId.toLowerCase();
        if (!keys.has(k)) {
            keys.set(k, { primary: crypto.randomBytes(64).toString("base64"), secondary: crypto.randomBytes(64).toString("base64") });
        }
        return keys.get(k)!;
    };

    const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
        const url = new URL(req.url ?? "/", "https://127.0.0.1");
        const path = url.pathname.replace(/\/+$/, "");
        const operation = operationOf(req.method ?? "GET", path);
        let body: unknown = raw;
        try {
            body = raw ? JSON.parse(raw) : undefined;
        } catch {
            /* logged as text */
        }
        const entry: Record<string, unknown> = {
            time: new Date().toISOString(),
            method: req.method,
            path,
            query: Object.fromEntries(url.searchParams),
            body,
            operation,
        };
        const send = (status: number, text: string, headers: Record<string, string> = {}) => {
            entry.status = status;
            fs.writeSync(log, JSON.stringify(entry) + "\n");
            const answer = () => {
                res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
                res.end(text);
            };
            if (delayMs > 0) {
                hanging.add(res);
                setTimeout(() => {
                    hanging.delete(res);
                    if (!res.destroyed) answer();
                }, delayMs);
            } else {
                answer();
            }
        };

        const auth = req.headers.authorization ?? "";
        const injection = injections.get(operation);
        let delayMs = 0;
        if (injection && injection.times > 0 && injection.delayMs !== undefined) {
            injection.times -= 1;
            if (injection.times === 0) injections.delete(operation);
            entry.injected = true;
            entry.delayedMs = injection.delayMs;
            delayMs = injection.delayMs;
        } else if (injection && injection.times > 0) {
            injection.times -= 1;
            if (injection.times === 0) injections.delete(operation);
            entry.injected = true;
            if (injection.hang) {
                entry.status = "hang";
                fs.writeSync(log, JSON.stringify(entry) + "\n");
                hanging.add(res);
                res.on("close", () => hanging.delete(res));
                return;
            }
            const status = injection.status ?? 500;
            const headers: Record<string, string> = { ...(injection.headers ?? {}) };
            if (injection.retryAfter !== undefined) headers["retry-after"] = String(injection.retryAfter);
            const text = injection.echoAuthorization
                ? armError(status, "echoing the request's Authorization header as the error code", auth)
                : (injection.body ?? armError(status, `injected failure of ${operation}`));
            return send(status, text, headers);
        }

        const bearer = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : "";
        if (!opts.acceptedBearers().includes(bearer)) {
            return send(401, armError(401, "The access token is missing or was not issued by the fake az."));
        }

        if (req.method === "GET" && PERMISSIONS_PATH.test(path)) {
            return send(200, JSON.stringify({ value: [{ actions: permissions.actions, notActions: permissions.notActions }] }));
        }

        const gateway = GATEWAY_PATH.exec(path.replace(/\/(generateToken|listKeys|regenerateKey)$/, ""));
        if (operation === "generateToken" || operation === "listKeys" || operation === "regenerateKey") {
            const gatewayResourceId = path.replace(/\/(generateToken|listKeys|regenerateKey)$/, "");
            if (!gateway || !resources.has(gatewayResourceId.toLowerCase())) {
                return send(404, armError(404, `The gateway '${gatewayResourceId}' was not found.`));
            }
            const k = gatewayKeys(gatewayResourceId);
            if (operation === "listKeys") return send(200, JSON.stringify(k));
            const b = (body ?? {}) as { keyType?: unknown; expiry?: unknown };
            if (b.keyType !== "primary" && b.keyType !== "secondary") {
                return send(400, armError(400, "keyType must be primary or secondary", "ValidationError"));
            }
            if (operation === "regenerateKey") {
                k[b.keyType] = crypto.randomBytes(64).toString("base64");
                return send(204, "");
            }
            const expiry = typeof b.expiry === "string" ? b.expiry : "";
            const at = Date.parse(expiry);
            if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(expiry) || Number.isNaN(at)) {
                return send(400, armError(400, "expiry must be an ISO-8601 UTC date-time", "ValidationError"));
            }
            if (at <= now()) return send(400, armError(400, "expiry must be in the future", "ValidationError"));
            if (at > now() + MAX_TOKEN_DAYS * 86_400_000) {
                return send(400, armError(400, `expiry must be at most ${MAX_TOKEN_DAYS} days ahead`, "ValidationError"));
            }
            const gatewayName = gateway[1];
            const stamp = tokenStamp(expiry);
            const signature = crypto
                .createHmac("sha512", Buffer.from(k[b.keyType], "base64"))
                .update(`${gatewayName}\n${stamp}`)
                .digest("base64");
            const value = `${gatewayName}&${stamp}&${signature}`;
            issued.push({ gatewayResourceId, keyType: b.keyType, expiry, value, at: new Date().toISOString() });
            return send(200, JSON.stringify({ value }));
        }

        const id = path;
        const stored = resources.get(id.toLowerCase());
        switch (req.method) {
            case "PUT": {
                const props = ((body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}) as Record<string, unknown>;
                const name = id.split("/").pop()!;
                const segments = id.split("/");
                const providers = segments.indexOf("providers");
                const type = segments
                    .slice(providers + 1)
                    .filter((_, i) => i === 0 || i % 2 === 1)
                    .join("/");
                const resource = { id, name, type, properties: { ...props, provisioningState: "Succeeded" } };
                resources.set(id.toLowerCase(), { id, body: resource });
                return send(stored ? 200 : 201, JSON.stringify(resource));
            }
            case "GET":
                return stored ? send(200, JSON.stringify(stored.body)) : send(404, armError(404, `The resource '${id}' was not found.`));
            case "DELETE":
                resources.delete(id.toLowerCase());
                keys.delete(id.toLowerCase());
                return send(stored ? 200 : 204, "");
            default:
                return send(405, armError(400, `method ${req.method} is not supported here`, "MethodNotAllowed"));
        }
    };

    const server = https.createServer({ cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) }, (req, res) => {
        let raw = "";
        req.setEncoding("utf8");
        req.on("data", (c: string) => (raw += c));
        req.on("end", () => handle(req, res, raw));
    });

    const control = http.createServer((req, res) => {
        let raw = "";
        req.setEncoding("utf8");
        req.on("data", (c: string) => (raw += c));
        req.on("end", () => {
            const reply = (status: number, value: unknown) => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(value, null, 2) + "\n");
            };
            if (req.method === "GET") {
                return reply(200, {
                    injections: [...injections.values()],
                    issued,
                    resources: [...resources.values()].map((r) => r.id),
                });
            }
            if (req.method !== "POST") return reply(405, { error: "use GET or POST" });
            if (req.url?.startsWith("/clock")) {
                const seconds = Number((JSON.parse(raw || "{}") as { offsetSeconds?: unknown }).offsetSeconds);
                if (!Number.isFinite(seconds)) return reply(400, { error: "offsetSeconds: a number of seconds" });
                offsetMs = seconds * 1000;
                return reply(200, { offsetSeconds: seconds });
            }
            if (req.url?.startsWith("/permissions")) {
                let p: { actions?: unknown; notActions?: unknown } = {};
                try {
                    p = (JSON.parse(raw || "{}") ?? {}) as typeof p;
                } catch {
                    /* refused below */
                }
                const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
                if (!strings(p.actions) || (p.notActions !== undefined && !strings(p.notActions))) {
                    return reply(400, { error: 'actions (and optional notActions): lists of strings, e.g. {"actions": ["*"]}' });
                }
                permissions = { actions: p.actions as string[], notActions: (p.notActions as string[] | undefined) ?? [] };
                return reply(200, permissions);
            }
            let parsed: Injection;
            try {
                parsed = JSON.parse(raw) as Injection;
            } catch {
                return reply(400, { error: 'the body must be JSON, e.g. {"operation": "generateToken", "times": 1, "status": 403}' });
            }
            const problems = injectionProblems(parsed);
            if (problems.length > 0) return reply(400, { error: problems.join("; ") });
            if (parsed.times === 0) injections.delete(parsed.operation);
            else injections.set(parsed.operation, { ...parsed });
            return reply(200, { injections: [...injections.values()] });
        });
    });

    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const controlPort = (control.address() as AddressInfo).port;
    return {
        url: `https://127.0.0.1:${port}`,
        controlUrl: `http://127.0.0.1:${controlPort}/`,
        issued,
        setClockOffset(seconds: number) {
            offsetMs = seconds * 1000;
        },
        async close() {
            for (const res of hanging) res.destroy();
            server.closeAllConnections();
            control.closeAllConnections();
            await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => control.close(r))]);
            fs.closeSync(log);
        },
    };
}

/** The operations the fake ARM knows, as `operationOf` names them. */
const OPERATION = /^(generateToken|listKeys|regenerateKey|(createOrUpdate|get|delete):[A-Za-z]+)$/;

/** What is wrong with a control request, in words (empty when it is fine). */
export function injectionProblems(i: Partial<Injection>): string[] {
    const problems: string[] = [];
    if (typeof i.operation !== "string" || !OPERATION.test(i.operation)) {
        problems.push(
            "operation: required: generateToken, listKeys, regenerateKey, or <createOrUpdate|get|delete>:<resource type> " +
                'such as "createOrUpdate:gateways" (the request log names each call\'s operation)',
        );
    }
    if (!Number.isInteger(i.times) || (i.times as number) < 0) problems.push("times: required, a whole number >= 0");
    if (i.status !== undefined && (!Number.isInteger(i.status) || i.status < 100 || i.status > 599))
        problems.push("status: an HTTP status 100-599");
    if (i.retryAfter !== undefined && typeof i.retryAfter !== "number") problems.push("retryAfter: seconds, a number");
    if (i.headers !== undefined && (typeof i.headers !== "object" || i.headers === null)) problems.push("headers: an object of strings");
    if (i.body !== undefined && typeof i.body !== "string") problems.push("body: the raw response text, a string");
    if (i.delayMs !== undefined && (!Number.isInteger(i.delayMs) || i.delayMs < 0)) problems.push("delayMs: whole milliseconds >= 0");
    return problems;
}
