// The generateToken client against a local HTTPS server (loopback only, a CA made for the test run) that
// speaks the ARM contract, and a loopback CONNECT proxy.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { execFile } from "child_process";
import { promisify } from "util";
import {
    ArmCallOptions,
    ArmError,
    armErrorCode,
    backoffMs,
    generateGatewayToken,
    generateTokenUrl,
    parseGatewayId,
    retryAfterMs,
    retryDelayMs,
    scrub,
    tokenExpiryOf,
    tokenProblem,
} from "../components/token/arm";
import { createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { makeCa, makeLeaf } from "../e2e/env/certs";

const GATEWAY_ID =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso/gateways/edge";
const TOKEN = "edge&202612190000&c2lnbmF0dXJlc2lnbmF0dXJl+/==";
const BEARER = "eyJ0eXAiOiJKV1QifQ.eyJ1cG4iOiJ4QHkuZXhhbXBsZSJ9.c2lnbmF0dXJl";
const execFileAsync = promisify(execFile);
const WHERE =
    "gateway 'edge' of API Management service 'contoso' in resource group 'rg-apim' (subscription 11111111-2222-3333-4444-555555555555)";

interface Seen {
    method?: string;
    url?: string;
    authorization?: string;
    contentType?: string;
    accept?: string;
    userAgent?: string;
    body?: unknown;
}

type Reply = (res: http.ServerResponse, n: number, req: http.IncomingMessage) => void;

let tls: { ca: string; cert: string; key: string };
before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-test-"));
    const ca = makeCa(dir, "arm test CA");
    const leaf = makeLeaf(dir, ca, "server", "/CN=localhost");
    tls = { ca: fs.readFileSync(ca.cert, "utf8"), cert: fs.readFileSync(leaf.cert, "utf8"), key: fs.readFileSync(leaf.key, "utf8") };
    fs.rmSync(dir, { recursive: true, force: true });
});

/** A loopback HTTPS server that answers each request with the next reply (the last one repeats). */
async function server(replies: Reply[]): Promise<{ base: string; seen: Seen[]; close: () => Promise<void> }> {
    const seen: Seen[] = [];
    const srv = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
            seen.push({
                method: req.method,
                url: req.url,
                authorization: req.headers.authorization,
                contentType: req.headers["content-type"],
                accept: req.headers.accept,
                userAgent: req.headers["user-agent"],
                body: raw ? JSON.parse(raw) : undefined,
            });
            const n = seen.length;
            replies[Math.min(n, replies.length) - 1](res, n, req);
        });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const { port } = srv.address() as AddressInfo;
    return {
        base: `https://127.0.0.1:${port}`,
        seen,
        close: () =>
            new Promise<void>((r) => {
                srv.closeAllConnections();
                srv.close(() => r());
            }),
    };
}

const json =
    (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
    (res) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
    };

function options(sleeps: number[] = []): ArmCallOptions {
    return {
        getAccessToken: async () => BEARER,
        identity: "service principal 0000-sp (client secret, tenant t1)",
        baseDelayMs: 1000,
        minDelayMs: 1000,
        maxDelayMs: 60_000,
        sleep: async (ms: number) => {
            sleeps.push(ms);
        },
        random: () => 0.5,
        tls: { ca: tls.ca },
        now: () => Date.parse("2026-12-01T00:00:00Z"),
    };
}

const request = (base: string) => ({
    armEndpoint: base,
    gatewayResourceId: GATEWAY_ID,
    keyType: "primary" as const,
    expiry: "2026-12-19T00:00:00Z",
});

async function failure(p: Promise<unknown>): Promise<ArmError> {
    try {
        await p;
    } catch (e) {
        assert.ok(e instanceof ArmError, `expected ArmError, got ${e}`);
        return e;
    }
    assert.fail("expected the call to fail");
}

/** No credential in an error's message or stack. */
function assertNoCredential(e: Error, ...secrets: string[]): void {
    for (const s of [BEARER, ...secrets]) {
        assert.equal(e.message.includes(s), false, `message carries ${s}`);
        assert.equal((e.stack ?? "").includes(s), false, `stack carries ${s}`);
    }
}

describe("ARM generateToken client over HTTPS", () => {
    it("posts the documented request and returns the token", async () => {
        const s = await server([json(200, { value: TOKEN })]);
        try {
            assert.equal(await generateGatewayToken(request(s.base), options()), TOKEN);
            // The user agent names this client first, so Azure's activity log tells its calls apart.
            assert.match(s.seen[0].userAgent ?? "", /^apim-gateway \S/);
            assert.deepEqual(s.seen, [
                {
                    method: "POST",
                    url: `${GATEWAY_ID}/generateToken?api-version=2024-05-01`,
                    authorization: `Bearer ${BEARER}`,
                    contentType: "application/json",
                    accept: "application/json",
                    userAgent: s.seen[0].userAgent,
                    body: { keyType: "primary", expiry: "2026-12-19T00:00:00Z" },
                },
            ]);
        } finally {
            await s.close();
        }
    });

    for (const status of [401, 403]) {
        it(`on ${status} names the missing RBAC actions and the identity, without retrying`, async () => {
            const s = await server([json(status, { error: { code: "AuthorizationFailed", message: "no" } })]);
            try {
                const e = await failure(generateGatewayToken(request(s.base), options()));
                assert.equal(
                    e.message,
                    `Azure denied generateToken (HTTP ${status} AuthorizationFailed) to service principal 0000-sp (client secret, tenant t1) ` +
                        "for gateway 'edge' of API Management service 'contoso' in resource group 'rg-apim' (subscription 11111111-2222-3333-4444-555555555555). " +
                        "Grant that identity the actions Microsoft.ApiManagement/service/gateways/generateToken/action and " +
                        "Microsoft.ApiManagement/service/gateways/read on the gateway (docs/authentication.md, 'Least-privilege role'), or sign in as one that has them.",
                );
                assert.equal(e.status, status);
                assert.equal(s.seen.length, 1);
            } finally {
                await s.close();
            }
        });
    }

    it("on 404 names the gateway, service and resource group it looked for", async () => {
        const s = await server([json(404, { error: { code: "ResourceNotFound" } })]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), options()));
            assert.equal(
                e.message,
                "generateToken found no gateway 'edge' of API Management service 'contoso' in resource group 'rg-apim' " +
                    "(subscription 11111111-2222-3333-4444-555555555555) (HTTP 404 ResourceNotFound). Check apim.resourceGroupName, " +
                    "apim.serviceName and apim.gatewayName, and that the subscription is the one the azure-native provider uses.",
            );
            assert.equal(s.seen.length, 1);
        } finally {
            await s.close();
        }
    });

    it("retries 429 honouring Retry-After (seconds), then succeeds", async () => {
        const sleeps: number[] = [];
        const s = await server([json(429, {}, { "retry-after": "7" }), json(200, { value: TOKEN })]);
        try {
            assert.equal(await generateGatewayToken(request(s.base), options(sleeps)), TOKEN);
            assert.deepEqual(sleeps, [7000]);
            assert.equal(s.seen.length, 2);
        } finally {
            await s.close();
        }
    });

    it("retries 5xx with exponential backoff, bounded, and says how often it tried", async () => {
        const sleeps: number[] = [];
        const s = await server([json(503, { error: { code: "ServiceUnavailable" } })]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), { ...options(sleeps), maxAttempts: 4 }));
            assert.equal(
                e.message,
                "generateToken for gateway 'edge' of API Management service 'contoso' in resource group 'rg-apim' " +
                    "(subscription 11111111-2222-3333-4444-555555555555) failed: HTTP 503 ServiceUnavailable (gave up after 4 attempts)",
            );
            // random() = 0.5: each delay is 3/4 of its doubling step, and never below the 1000 ms floor.
            assert.deepEqual(sleeps, [1000, 1500, 3000]);
            assert.equal(s.seen.length, 4);
        } finally {
            await s.close();
        }
    });

    it("caps a huge Retry-After at maxDelayMs", async () => {
        const sleeps: number[] = [];
        const s = await server([json(429, {}, { "retry-after": "3600" }), json(200, { value: TOKEN })]);
        try {
            await generateGatewayToken(request(s.base), { ...options(sleeps), maxDelayMs: 20_000 });
            assert.deepEqual(sleeps, [20_000]);
        } finally {
            await s.close();
        }
    });

    it("rejects a malformed body without echoing it", async () => {
        const notJson: Reply = (res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end("<html>secret-ish</html>");
        };
        for (const [reply, why] of [
            [notJson, "answered 200 with a body that is not JSON"],
            [json(200, { token: TOKEN }), 'answered 200 without a string "value"'],
            [json(200, { value: 42 }), 'answered 200 without a string "value"'],
        ] as const) {
            const s = await server([reply]);
            try {
                const e = await failure(generateGatewayToken(request(s.base), options()));
                assert.equal(
                    e.message,
                    "generateToken for gateway 'edge' of API Management service 'contoso' in resource group 'rg-apim' " +
                        `(subscription 11111111-2222-3333-4444-555555555555) ${why}`,
                );
                assert.equal(e.message.includes("secret-ish"), false);
                assert.equal(s.seen.length, 1);
            } finally {
                await s.close();
            }
        }
    });

    it("times out a hung server, retries, and gives up with a clear message", async () => {
        const sleeps: number[] = [];
        const hang: Reply = () => undefined;
        const s = await server([hang]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), { ...options(sleeps), timeoutMs: 200, maxAttempts: 2 }));
            assert.equal(
                e.message,
                "generateToken for gateway 'edge' of API Management service 'contoso' in resource group 'rg-apim' " +
                    "(subscription 11111111-2222-3333-4444-555555555555) timed out after 200 ms (gave up after 2 attempts)",
            );
            assert.equal(s.seen.length, 2);
            assert.deepEqual(sleeps, [1000]);
        } finally {
            await s.close();
        }
    });

    it("speaks https only: plain http is refused even to loopback, and so are credentials in the endpoint", async () => {
        for (const endpoint of ["http://management.azure.com", "http://127.0.0.1:8443"]) {
            const e = await failure(generateGatewayToken({ ...request(endpoint) }, options()));
            assert.equal(e.message, `armEndpoint must use https:// (got ${endpoint}); a bearer token is never sent in clear text`);
        }
        for (const endpoint of [
            "https://user:pw@management.azure.com",
            "https://user@management.azure.com",
            "https://:pw@management.azure.com",
        ]) {
            assert.throws(
                () => generateTokenUrl(request(endpoint)),
                /^ArmError: armEndpoint must not carry credentials \(user:password@\); the call signs in with an Azure identity$/,
                endpoint,
            );
        }
        assert.throws(
            () => generateTokenUrl(request("management.azure.com")),
            (e: Error) =>
                e instanceof ArmError &&
                e.message === 'armEndpoint "management.azure.com" is not a URL; expected e.g. https://management.azure.com',
        );
        // A path on the endpoint (e.g. a reverse proxy's prefix) is kept, less its trailing slashes.
        assert.equal(
            generateTokenUrl(request("https://arm.contoso.example/azure//")).toString(),
            `https://arm.contoso.example/azure${GATEWAY_ID}/generateToken?api-version=2024-05-01`,
        );
        assert.equal(
            generateTokenUrl(request("https://management.usgovcloudapi.net/")).toString(),
            `https://management.usgovcloudapi.net${GATEWAY_ID}/generateToken?api-version=2024-05-01`,
        );
    });

    it("refuses a redirect instead of following it to another host, and never trusts that host's token", async () => {
        const other = await server([json(200, { value: TOKEN })]);
        const s = await server([
            json(307, { value: TOKEN }, { location: `${other.base}${GATEWAY_ID}/generateToken?api-version=2024-05-01` }),
        ]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), options()));
            assert.equal(
                e.message,
                `generateToken for ${WHERE} answered a redirect (HTTP 307); redirects are refused, since following one would send ` +
                    "the request, and trust its answer, somewhere else. Check token.armEndpoint.",
            );
            assert.equal(s.seen.length, 1);
            assert.equal(other.seen.length, 0);
        } finally {
            await s.close();
            await other.close();
        }
    });

    it("keeps an echoed Authorization header out of the message and the stack", async () => {
        const echo: Reply = (res, _n, req) => {
            res.writeHead(403, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: { code: `${req.headers.authorization}\ninjected line`, message: "x" } }));
        };
        const s = await server([echo]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), options()));
            assert.equal(e.message.startsWith(`Azure denied generateToken (HTTP 403) to service principal 0000-sp`), true, e.message);
            assert.equal(e.message.includes("\n"), false);
            assertNoCredential(e);
        } finally {
            await s.close();
        }
    });

    it("scrubs a network error, and retries it", async () => {
        const sleeps: number[] = [];
        const srv = net.createServer((sock) => sock.destroy());
        await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
        const { port } = srv.address() as AddressInfo;
        try {
            const e = await failure(generateGatewayToken(request(`https://127.0.0.1:${port}`), { ...options(sleeps), maxAttempts: 2 }));
            assert.match(
                e.message,
                new RegExp(
                    `^generateToken for ${WHERE.replace(/[()]/g, "\\$&")} failed: could not reach 127\\.0\\.0\\.1:${port} \\([^)]+\\); ` +
                        "check the network path to Azure \\(HTTPS_PROXY, NO_PROXY\\) and token\\.armEndpoint \\(gave up after 2 attempts\\)$",
                ),
            );
            assert.deepEqual(sleeps, [1000]);
            assertNoCredential(e);
        } finally {
            srv.close();
        }
    });

    it("accepts only a token for this gateway that has not expired, whatever expiry was requested", async () => {
        for (const [value, why] of [
            ["not-a-token", "with a value that is not a gateway token (<gateway>&<yyyyMMddHHmm>&<signature>)"],
            ["edge&202612190000&short", "with a value that is not a gateway token (<gateway>&<yyyyMMddHHmm>&<signature>)"],
            ["other&202612190000&c2lnbmF0dXJlc2lnbmF0dXJl", 'with a token for another gateway ("other")'],
            ["edge&202611300000&c2lnbmF0dXJlc2lnbmF0dXJl", "with a token that expired at 2026-11-30T00:00:00Z, before it could be used"],
            ["edge&202602300000&c2lnbmF0dXJlc2lnbmF0dXJl", "with a token whose date 202602300000 (yyyyMMddHHmm) does not exist"],
        ] as const) {
            const s = await server([json(200, { value })]);
            try {
                const e = await failure(generateGatewayToken(request(s.base), options()));
                assert.equal(e.message, `generateToken for ${WHERE} answered 200 ${why}`);
                assert.equal(e.status, 200);
                assert.equal(e.retryable, false);
            } finally {
                await s.close();
            }
        }
        // Microsoft's own example answers a token whose date differs from the request: accepted as it is.
        const later = "edge&202701010000&c2lnbmF0dXJlc2lnbmF0dXJl";
        const s = await server([json(200, { value: later })]);
        try {
            assert.equal(await generateGatewayToken(request(s.base), options()), later);
        } finally {
            await s.close();
        }
    });

    it("puts a floor under Retry-After values that would retry at once", async () => {
        for (const header of ["0", "1.5", "-5", "Mon, 23 Nov 2020 10:00:30 GMT"]) {
            const sleeps: number[] = [];
            const s = await server([json(429, {}, { "retry-after": header }), json(200, { value: TOKEN })]);
            try {
                assert.equal(await generateGatewayToken(request(s.base), options(sleeps)), TOKEN);
                assert.deepEqual(sleeps, [header === "1.5" ? 1500 : header === "-5" ? 1000 : 1000], header);
            } finally {
                await s.close();
            }
        }
    });

    it("retries a failure to get the access token, and says who could not sign in", async () => {
        const sleeps: number[] = [];
        let calls = 0;
        const s = await server([json(200, { value: TOKEN })]);
        try {
            const flaky: ArmCallOptions = {
                ...options(sleeps),
                getAccessToken: async () => {
                    calls++;
                    if (calls === 1) throw new Error("AADSTS50058: network blip");
                    return BEARER;
                },
            };
            assert.equal(await generateGatewayToken(request(s.base), flaky), TOKEN);
            assert.equal(calls, 2);
            assert.deepEqual(sleeps, [1000]);
            const broken: ArmCallOptions = {
                ...options([]),
                maxAttempts: 2,
                getAccessToken: async () => Promise.reject(new Error("Please run 'az login'")),
            };
            const e = await failure(generateGatewayToken(request(s.base), broken));
            assert.equal(
                e.message,
                "could not get an Azure access token as service principal 0000-sp (client secret, tenant t1): Please run 'az login' (gave up after 2 attempts)",
            );
        } finally {
            await s.close();
        }
    });

    it("on 400 says the expiry must be in the future and at most 30 days ahead, without retrying", async () => {
        const s = await server([json(400, { error: { code: "ValidationError" } })]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), options()));
            assert.equal(
                e.message,
                `generateToken for ${WHERE} was refused as invalid (HTTP 400 ValidationError) for key primary and expiry 2026-12-19T00:00:00Z; ` +
                    "the expiry must be in the future and at most 30 days ahead (check this machine's clock)",
            );
            assert.deepEqual([e.status, e.retryable, s.seen.length], [400, false, 1]);
        } finally {
            await s.close();
        }
    });

    it("retries 408 and every 5xx from 500 on; fails at once on other answers (204, 300, 409)", async () => {
        for (const [status, attempts] of [
            [408, 2],
            [500, 2],
            [599, 2],
            [204, 1],
            [409, 1],
        ] as const) {
            const sleeps: number[] = [];
            const s = await server([json(status, {})]);
            try {
                const e = await failure(generateGatewayToken(request(s.base), { ...options(sleeps), maxAttempts: 2 }));
                const gaveUp = attempts === 2 ? " (gave up after 2 attempts)" : "";
                assert.equal(e.message, `generateToken for ${WHERE} failed: HTTP ${status}${gaveUp}`, String(status));
                assert.deepEqual([e.status, e.retryable, s.seen.length, sleeps.length], [status, attempts === 2, attempts, attempts - 1]);
            } finally {
                await s.close();
            }
        }
        const s = await server([json(300, {}, { location: "https://elsewhere.example/" })]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), options()));
            assert.match(e.message, /answered a redirect \(HTTP 300\); redirects are refused/);
            assert.equal(s.seen.length, 1);
        } finally {
            await s.close();
        }
    });

    it("with maxAttempts 1, makes one call and reports its failure as it is", async () => {
        const sleeps: number[] = [];
        const s = await server([json(503, { error: { code: "ServiceUnavailable" } })]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), { ...options(sleeps), maxAttempts: 1 }));
            assert.equal(e.message, `generateToken for ${WHERE} failed: HTTP 503 ServiceUnavailable`);
            assert.deepEqual([e.status, e.retryable, s.seen.length, sleeps], [503, true, 1, []]);
        } finally {
            await s.close();
        }
    });

    it("marks the error it gives up with as retryable, so a later run may try again", async () => {
        const s = await server([json(502, {})]);
        try {
            const e = await failure(generateGatewayToken(request(s.base), { ...options(), maxAttempts: 2 }));
            assert.deepEqual([e.message.endsWith("(gave up after 2 attempts)"), e.status, e.retryable], [true, 502, true]);
        } finally {
            await s.close();
        }
    });

    it("waits between attempts when no sleep function is given", async () => {
        const s = await server([json(429, {}), json(200, { value: TOKEN })]);
        try {
            const real: ArmCallOptions = { ...options(), sleep: undefined };
            const started = Date.now();
            assert.equal(await generateGatewayToken(request(s.base), { ...real, minDelayMs: 150, maxDelayMs: 150 }), TOKEN);
            assert.ok(Date.now() - started >= 150, `retried after ${Date.now() - started} ms`);
        } finally {
            await s.close();
        }
    });

    it("tells a timeout from another connection error, and survives a rejection that is not an Error", async () => {
        const unreachable = (reason: string) =>
            `failed: could not reach management.azure.com (${reason}); check the network path to Azure (HTTPS_PROXY, NO_PROXY) and token.armEndpoint`;
        const failing = (thrown: unknown, afterMs = 0): HttpClient => ({
            sendRequest: async () => {
                await new Promise((r) => setTimeout(r, afterMs));
                throw thrown;
            },
        });
        const cases: [unknown, number, string][] = [
            [Object.assign(new Error("The operation was aborted."), { name: "AbortError" }), 0, "timed out after 100 ms"],
            [Object.assign(new Error("request timed out"), { name: "TimeoutError" }), 0, "timed out after 100 ms"],
            // A connection dropped only after the timeout has passed is reported as the timeout.
            [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), 150, "timed out after 100 ms"],
            [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), 0, unreachable("ECONNRESET")],
            [new Error("socket hang up"), 0, unreachable("socket hang up")],
            [undefined, 0, unreachable("undefined")],
        ];
        for (const [thrown, afterMs, why] of cases) {
            const sleeps: number[] = [];
            const e = await failure(
                generateGatewayToken(request("https://management.azure.com"), {
                    ...options(sleeps),
                    timeoutMs: 100,
                    maxAttempts: 2,
                    httpClient: failing(thrown, afterMs),
                }),
            );
            assert.equal(e.message, `generateToken for ${WHERE} ${why} (gave up after 2 attempts)`);
            assert.deepEqual([e.retryable, sleeps], [true, [1000]]);
        }
    });

    it("reads a 200 without a body as a body that is not JSON", async () => {
        const empty: HttpClient = {
            sendRequest: async (req) => ({ request: req, status: 200, headers: createHttpHeaders() }),
        };
        const e = await failure(generateGatewayToken(request("https://management.azure.com"), { ...options(), httpClient: empty }));
        assert.equal(e.message, `generateToken for ${WHERE} answered 200 with a body that is not JSON`);
    });

    it("says who could not sign in even when the access-token step rejects with something that is not an Error", async () => {
        for (const [thrown, shown] of [
            [null, "null"],
            ["expired refresh token", "expired refresh token"],
        ] as const) {
            const e = await failure(
                generateGatewayToken(request("https://management.azure.com"), {
                    ...options(),
                    maxAttempts: 1,
                    getAccessToken: () => Promise.reject(thrown),
                }),
            );
            assert.equal(
                e.message,
                `could not get an Azure access token as service principal 0000-sp (client secret, tenant t1): ${shown}`,
            );
        }
    });

    it("goes through HTTPS_PROXY unless NO_PROXY names the host", async () => {
        const connects: string[] = [];
        const proxy = http.createServer();
        proxy.on("connect", (req: http.IncomingMessage, client: net.Socket) => {
            connects.push(req.url ?? "");
            const [host, port] = (req.url ?? "").split(":");
            const upstream = net.connect(Number(port), host, () => {
                client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
                upstream.pipe(client);
                client.pipe(upstream);
            });
            upstream.on("error", () => client.destroy());
        });
        await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
        const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
        const s = await server([json(200, { value: TOKEN })]);
        const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "arm-proxy-")), "ca.crt");
        fs.writeFileSync(caFile, tls.ca);
        try {
            // A separate process: proxy settings and extra CAs are read from the environment, as in the plugin.
            const run = (vars: Record<string, string>) =>
                execFileAsync(process.execPath, ["-r", "ts-node/register", "-e", callSnippet(s.base)], {
                    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1", NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: proxyUrl, ...vars },
                });
            assert.equal((await run({ NO_PROXY: "" })).stdout.trim(), TOKEN);
            assert.deepEqual(connects, [new URL(s.base).host]);
            assert.equal((await run({ NO_PROXY: "127.0.0.1" })).stdout.trim(), TOKEN);
            assert.deepEqual(connects, [new URL(s.base).host], "NO_PROXY host went through the proxy");
            assert.equal(s.seen.length, 2);
        } finally {
            await s.close();
            proxy.close();
            fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
        }
    });
});

/** A script that calls the client once and prints the token. */
function callSnippet(base: string): string {
    return [
        `const { generateGatewayToken } = require(${JSON.stringify(path.join(__dirname, "../components/token/arm"))});`,
        `generateGatewayToken(${JSON.stringify(request(base))}, { getAccessToken: async () => ${JSON.stringify(BEARER)}, identity: "x", maxAttempts: 1 })`,
        "  .then((t) => console.log(t), (e) => { console.error(e.message); process.exit(1); });",
    ].join("\n");
}

describe("ARM client helpers", () => {
    it("parses a gateway id, and names the expected shape when it is not one", () => {
        assert.deepEqual(parseGatewayId(GATEWAY_ID), {
            subscriptionId: "11111111-2222-3333-4444-555555555555",
            resourceGroupName: "rg-apim",
            serviceName: "contoso",
            gatewayName: "edge",
        });
        assert.throws(
            () => parseGatewayId("/subscriptions/x/resourceGroups/y"),
            /expected \/subscriptions\/<sub>\/resourceGroups\/<rg>\/providers\/Microsoft.ApiManagement\/service\/<svc>\/gateways\/<id>/,
        );
    });

    it("reads Retry-After as seconds or an HTTP date, and never as a negative wait", () => {
        const now = Date.parse("2026-11-23T10:00:00Z");
        assert.equal(retryAfterMs("12", now), 12_000);
        assert.equal(retryAfterMs("1.5", now), 1500);
        assert.equal(retryAfterMs("1.25", now), 1250);
        assert.equal(retryAfterMs(" 12 ", now), 12_000);
        assert.equal(retryAfterMs("-5", now), undefined);
        assert.equal(retryAfterMs("x12", now), undefined);
        assert.equal(retryAfterMs("12x", now), undefined);
        assert.equal(retryAfterMs("Mon, 23 Nov 2026 10:00:30 GMT", now), 30_000);
        // RFC 9110 asks recipients to accept the obsolete RFC 850 date format too (it has dashes).
        assert.equal(retryAfterMs("Monday, 23-Nov-26 10:00:30 GMT", now), 30_000);
        assert.equal(retryAfterMs("Mon, 23 Nov 2026 09:00:00 GMT", now), 0);
        assert.equal(retryAfterMs("soon", now), undefined);
        assert.equal(retryAfterMs(null, now), undefined);
    });

    it("backs off exponentially within [step/2, step], capped", () => {
        assert.deepEqual(
            [1, 2, 3, 4].map((n) => backoffMs(n, 1000, 60_000, () => 0)),
            [500, 1000, 2000, 4000],
        );
        assert.deepEqual(
            [1, 2, 3, 4].map((n) => backoffMs(n, 1000, 60_000, () => 1)),
            [1000, 2000, 4000, 8000],
        );
        assert.equal(
            backoffMs(20, 1000, 60_000, () => 1),
            60_000,
        );
    });
});

describe("ARM client safety helpers", () => {
    it("keeps a delay between the floor and the cap", () => {
        assert.equal(retryDelayMs(0, 750, 1000, 60_000), 1000);
        assert.equal(retryDelayMs(undefined, 750, 1000, 60_000), 1000);
        assert.equal(retryDelayMs(undefined, 3000, 1000, 60_000), 3000);
        assert.equal(retryDelayMs(90_000, 750, 1000, 60_000), 60_000);
        assert.equal(retryDelayMs(7000, 750, 1000, 60_000), 7000);
    });

    it("reads ARM's error code only in ARM's shape", () => {
        assert.equal(armErrorCode('{"error":{"code":"AuthorizationFailed"}}'), "AuthorizationFailed");
        assert.equal(armErrorCode('{"error":{"code":"Bearer eyJabc.def"}}'), undefined);
        assert.equal(armErrorCode(`{"error":{"code":"${"A".repeat(65)}"}}`), undefined);
        assert.equal(armErrorCode('{"error":{"code":"Bad\\nCode"}}'), undefined);
        assert.equal(armErrorCode("<html>"), undefined);
        assert.equal(armErrorCode(undefined), undefined);
    });

    it("scrubs secrets, bearer tokens, JWTs and control characters, and bounds the length", () => {
        assert.equal(scrub("a s3cr3t-value-here b", ["s3cr3t-value-here"]), "a [redacted] b");
        assert.equal(scrub("header Bearer abc.def.ghi end", []), "header Bearer [redacted] end");
        assert.equal(scrub(`jwt ${BEARER} end`, []), "jwt [redacted] end");
        assert.equal(scrub("line1\nline2\r\u2028x", []), "line1 line2 x");
        assert.equal(scrub("x".repeat(400), []), `${"x".repeat(300)}…`);
        assert.equal(scrub("short", ["abc"]), "short");
        // Secrets of 8 characters or more are removed; shorter ones are too likely to match ordinary text.
        assert.equal(scrub("key 12345678 end", ["12345678"]), "key [redacted] end");
        assert.equal(scrub("see abcdefg here", ["abcdefg"]), "see abcdefg here");
        assert.equal(scrub("header Bearer   abc.def end", []), "header Bearer [redacted] end");
        assert.equal(scrub("x".repeat(300), []), "x".repeat(300));
    });

    it("checks a token's shape, gateway and own expiry, and reads that expiry", () => {
        const now = new Date("2026-12-01T00:00:00Z");
        assert.equal(tokenProblem(TOKEN, "edge", now), undefined);
        assert.equal(tokenProblem(TOKEN, "EDGE", now), undefined);
        assert.equal(
            tokenProblem(TOKEN, "edge", new Date("2026-12-19T00:00:00Z")),
            "with a token that expired at 2026-12-19T00:00:00Z, before it could be used",
        );
        assert.equal(tokenProblem(undefined, "edge", now), 'without a string "value"');
        assert.equal(tokenProblem("", "edge", now), 'without a string "value"');
        assert.equal(
            tokenProblem(`x ${TOKEN}`, "edge", now),
            "with a value that is not a gateway token (<gateway>&<yyyyMMddHHmm>&<signature>)",
        );
        assert.equal(
            tokenProblem(`${TOKEN} x`, "edge", now),
            "with a value that is not a gateway token (<gateway>&<yyyyMMddHHmm>&<signature>)",
        );
        assert.equal(tokenExpiryOf(TOKEN), "2026-12-19T00:00:00Z");
        assert.equal(
            tokenExpiryOf("gw1&201904210044&9A1GR1f5WIhFvFmzQG+xxxxxxxxxxx/kBeu87DWad3tkasUXuvPL+MgzlwUHyg=="),
            "2019-04-21T00:44:00Z",
        );
        assert.equal(tokenExpiryOf("edge&202613010000&c2lnbmF0dXJlc2lnbmF0dXJl"), undefined);
        assert.equal(tokenExpiryOf("not a token"), undefined);
    });

    it("refuses ids with text around the gateway id", () => {
        assert.throws(() => parseGatewayId(`x${GATEWAY_ID}`), /not an API Management gateway resource id/);
        assert.throws(() => parseGatewayId(`${GATEWAY_ID}/x`), /not an API Management gateway resource id/);
    });
});
