// The generateToken client against a local HTTP server (loopback only) that speaks the ARM contract.
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { ArmError, backoffMs, generateGatewayToken, generateTokenUrl, parseGatewayId, retryAfterMs } from "../components/token/arm";

const GATEWAY_ID =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso/gateways/edge";
const TOKEN = "edge&202612190000&c2lnbmF0dXJl+/==";

interface Seen {
    method?: string;
    url?: string;
    authorization?: string;
    contentType?: string;
    body?: unknown;
}

type Reply = (res: http.ServerResponse, n: number) => void;

/** A loopback server that answers each request with the next reply (the last one repeats). */
async function server(replies: Reply[]): Promise<{ base: string; seen: Seen[]; close: () => Promise<void> }> {
    const seen: Seen[] = [];
    const srv = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
            seen.push({
                method: req.method,
                url: req.url,
                authorization: req.headers.authorization,
                contentType: req.headers["content-type"],
                body: raw ? JSON.parse(raw) : undefined,
            });
            const n = seen.length;
            replies[Math.min(n, replies.length) - 1](res, n);
        });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const { port } = srv.address() as AddressInfo;
    return {
        base: `http://127.0.0.1:${port}`,
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

function options(sleeps: number[] = []) {
    return {
        getAccessToken: async () => "bearer-abc",
        identity: "service principal 0000-sp (client secret, tenant t1)",
        baseDelayMs: 1000,
        maxDelayMs: 60_000,
        sleep: async (ms: number) => {
            sleeps.push(ms);
        },
        random: () => 0.5,
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

describe("ARM generateToken client over HTTP", () => {
    it("posts the documented request and returns the token", async () => {
        const s = await server([json(200, { value: TOKEN })]);
        try {
            assert.equal(await generateGatewayToken(request(s.base), options()), TOKEN);
            assert.deepEqual(s.seen, [
                {
                    method: "POST",
                    url: `${GATEWAY_ID}/generateToken?api-version=2024-05-01`,
                    authorization: "Bearer bearer-abc",
                    contentType: "application/json",
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
                        "Microsoft.ApiManagement/service/gateways/read on the gateway (see README, 'Least-privilege role'), or sign in as one that has them.",
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
            // random() = 0.5: each delay is 3/4 of its doubling step.
            assert.deepEqual(sleeps, [750, 1500, 3000]);
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
            assert.deepEqual(sleeps, [750]);
        } finally {
            await s.close();
        }
    });

    it("never sends the bearer token over plain http to a non-loopback host", () => {
        assert.throws(
            () => generateTokenUrl({ ...request("http://management.azure.com"), armEndpoint: "http://management.azure.com" }),
            /armEndpoint must use https:\/\/ \(got http:\/\/management\.azure\.com\); a bearer token is never sent in clear text/,
        );
        assert.equal(
            generateTokenUrl(request("https://management.usgovcloudapi.net/")).toString(),
            `https://management.usgovcloudapi.net${GATEWAY_ID}/generateToken?api-version=2024-05-01`,
        );
    });
});

describe("ARM client helpers", () => {
    it("parses a gateway id, and names the expected shape when it is not one", () => {
        assert.deepEqual(parseGatewayId(GATEWAY_ID), {
            subscriptionId: "11111111-2222-3333-4444-555555555555",
            resourceGroupName: "rg-apim",
            serviceName: "contoso",
            gatewayId: "edge",
        });
        assert.throws(
            () => parseGatewayId("/subscriptions/x/resourceGroups/y"),
            /expected \/subscriptions\/<sub>\/resourceGroups\/<rg>\/providers\/Microsoft.ApiManagement\/service\/<svc>\/gateways\/<id>/,
        );
    });

    it("reads Retry-After as seconds or an HTTP date", () => {
        const now = Date.parse("2026-11-23T10:00:00Z");
        assert.equal(retryAfterMs("12", now), 12_000);
        assert.equal(retryAfterMs("Mon, 23 Nov 2026 10:00:30 GMT", now), 30_000);
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
