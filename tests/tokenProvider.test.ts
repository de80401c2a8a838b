// The GatewayToken provider: its pure diff/check, its methods over a fake issuer, the identity it picks, and
// the form the engine runs: this package's plugin process, called over gRPC as the engine calls it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import * as pulumi from "@pulumi/pulumi";
import type { TokenCredential } from "@azure/identity";
import {
    ACCESS_TOKEN_TIMEOUT_MS,
    armTokenGetter,
    authorityFor,
    chooseIdentity,
    cloudFor,
    describeIdentity,
    IdentityChoice,
    isGitHubActionsOidcUrl,
    OIDC_REQUEST_TIMEOUT_MS,
    oidcAssertion,
    requestOidcToken,
    tokenSubject,
} from "../components/token/credential";
import { GATEWAY_TOKEN_TYPE } from "../components/typeTokens";
import { RotationNotice, tokenPlan } from "../components/rotation";
import {
    checkTokenInputs,
    diffTokenInputs,
    GatewayTokenInputs,
    gatewayTokenMethods,
    secretValue,
    stackOfUrn,
    tokenId,
    UNKNOWN,
    unwrapSecrets,
} from "../components/token/provider";
import { makeCa, makeLeaf } from "../e2e/env/certs";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as structProto from "google-protobuf/google/protobuf/struct_pb";
import { structToJavaScript } from "../components/plugin/decode";
import { ROOT } from "./harness";
import { GrpcFailure, startFakeEngine, startPlugin } from "./servedPlugin";

const GW = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/gateways/gw";
const inputs: GatewayTokenInputs = {
    gatewayResourceId: GW,
    keyType: "primary",
    expiry: "2026-12-19T00:00:00Z",
    armEndpoint: "https://management.azure.com",
    apiVersion: "2024-05-01",
};
const URN = `urn:pulumi:dev::apim-gateway::apim-gateway:index:SelfHostedGateway$${GATEWAY_TOKEN_TYPE}::gw-token`;

describe("GatewayToken provider", () => {
    it("reports no change for identical inputs, a replacement for each identity input, an update for the rest", () => {
        assert.deepEqual(diffTokenInputs(inputs, { ...inputs }), { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.deepEqual(diffTokenInputs(inputs, { ...inputs, expiry: "2026-12-26T00:00:00Z" }), {
            changes: true,
            replaces: ["expiry"],
            deleteBeforeReplace: false,
        });
        assert.deepEqual(diffTokenInputs(inputs, { ...inputs, keyType: "secondary", armEndpoint: "https://management.chinacloudapi.cn" }), {
            changes: true,
            replaces: ["keyType", "armEndpoint"],
            deleteBeforeReplace: false,
        });
        // The api-version or the identity config alone do not mint a new token.
        assert.deepEqual(diffTokenInputs(inputs, { ...inputs, apiVersion: "2025-01-01" }), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
        assert.deepEqual(diffTokenInputs(inputs, { ...inputs, azureNative: { clientId: "c" } }), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it("checks its inputs", () => {
        assert.deepEqual(checkTokenInputs(inputs), []);
        assert.deepEqual(
            checkTokenInputs({
                ...inputs,
                gatewayResourceId: "/nope",
                keyType: "tertiary" as "primary",
                expiry: "2026-12-19",
                armEndpoint: "http://management.azure.com",
            }),
            [
                {
                    property: "gatewayResourceId",
                    reason: 'not an API Management gateway resource id: "/nope"; expected /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<svc>/gateways/<id>',
                },
                { property: "keyType", reason: 'got "tertiary"; expected "primary" or "secondary"' },
                { property: "expiry", reason: 'got "2026-12-19"; expected yyyy-MM-ddTHH:mm:ssZ' },
                { property: "armEndpoint", reason: 'got "http://management.azure.com"; expected an https:// URL' },
            ],
        );
        assert.deepEqual(checkTokenInputs({ keyType: "primary", expiry: inputs.expiry, armEndpoint: inputs.armEndpoint }), [
            { property: "gatewayResourceId", reason: "required: the ARM id of the gateway" },
        ]);
        // Both key types, and an endpoint with a path (a reverse proxy's prefix), pass.
        assert.deepEqual(checkTokenInputs({ ...inputs, keyType: "secondary", armEndpoint: "https://arm.contoso.example/azure/" }), []);
    });

    it("checks the whole expiry and endpoint, not a part of them", () => {
        for (const expiry of ["x2026-12-19T00:00:00Z", "2026-12-19T00:00:00Zx", "2026-12-19T00:00:00.000Z"]) {
            assert.deepEqual(checkTokenInputs({ ...inputs, expiry }), [
                { property: "expiry", reason: `got ${JSON.stringify(expiry)}; expected yyyy-MM-ddTHH:mm:ssZ` },
            ]);
        }
        for (const armEndpoint of ["xhttps://management.azure.com", "https://management.azure.com extra"]) {
            assert.deepEqual(checkTokenInputs({ ...inputs, armEndpoint }), [
                { property: "armEndpoint", reason: `got ${JSON.stringify(armEndpoint)}; expected an https:// URL` },
            ]);
        }
        // A URL's credentials and query are never repeated.
        assert.deepEqual(checkTokenInputs({ ...inputs, armEndpoint: "https://user:SECRETPW@management.azure.com" }), [
            { property: "armEndpoint", reason: 'got "https://***@management.azure.com"; expected an https:// URL' },
        ]);
        assert.deepEqual(checkTokenInputs({ ...inputs, armEndpoint: "http://management.azure.com/?sig=SECRETSIG" }), [
            { property: "armEndpoint", reason: 'got "http://management.azure.com/?…"; expected an https:// URL' },
        ]);
    });

    it("lets values that are unknown during a preview pass the check", () => {
        assert.deepEqual(
            checkTokenInputs({
                ...inputs,
                gatewayResourceId: UNKNOWN,
                keyType: UNKNOWN as "primary",
                expiry: UNKNOWN,
                armEndpoint: UNKNOWN,
            }),
            [],
        );
        assert.equal(UNKNOWN, pulumi.runtime.unknownValue);
    });

    it("has a stable id without secrets", () => {
        assert.equal(tokenId(inputs), `${GW}/tokens/primary/2026-12-19T00:00:00Z`);
    });

    it("reads and writes the engine's secret encoding", () => {
        const wrapped = { a: secretValue("s"), b: [secretValue({ c: secretValue("d") })], e: 1 };
        assert.deepEqual(unwrapSecrets(wrapped), { a: "s", b: [{ c: "d" }], e: 1 });
        assert.deepEqual(unwrapSecrets({ a: null, b: [null, "x", 2, true] }), { a: null, b: [null, "x", 2, true] });
        assert.equal(unwrapSecrets(null), null);
        assert.deepEqual(secretValue("x"), { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" });
    });

    it("creates a token as a secret, keeps the identity config out of state, and never re-issues on update", async () => {
        const seen: GatewayTokenInputs[] = [];
        const methods = gatewayTokenMethods(async (i) => {
            seen.push(i);
            return "gw&202612190000&c2lnbmF0dXJlc2lnbmF0dXJl";
        }, {});
        const withSecret = { ...inputs, azureNative: { clientId: "cid", clientSecret: secretValue("very-secret-value") } };
        const created = await methods.create(withSecret);
        assert.equal(created.id, `${GW}/tokens/primary/2026-12-19T00:00:00Z`);
        assert.deepEqual(created.outs, {
            ...inputs,
            value: secretValue("gw&202612190000&c2lnbmF0dXJlc2lnbmF0dXJl"),
            expiresAt: "2026-12-19T00:00:00Z",
        });
        assert.deepEqual(seen, [{ ...inputs, azureNative: { clientId: "cid", clientSecret: "very-secret-value" } }]);
        const updated = await methods.update(created.outs, { ...withSecret, apiVersion: "2025-01-01" });
        assert.deepEqual(updated.outs, {
            ...inputs,
            apiVersion: "2025-01-01",
            value: secretValue("gw&202612190000&c2lnbmF0dXJlc2lnbmF0dXJl"),
            expiresAt: "2026-12-19T00:00:00Z",
        });
        // Azure may answer a token with another date than the requested one: the token's own date is kept.
        const other = await gatewayTokenMethods(async () => "gw&202612201530&c2lnbmF0dXJlc2lnbmF0dXJl", {}).create(inputs);
        assert.equal((other.outs as { expiresAt: string }).expiresAt, "2026-12-20T15:30:00Z");
        assert.equal(seen.length, 1);
        await assert.rejects(methods.create({ ...inputs, keyType: "tertiary" }), {
            message: 'keyType: got "tertiary"; expected "primary" or "secondary"',
        });
    });
});

describe("GatewayToken rotation notice (the provider's check sees the stored token)", () => {
    const PROD = `urn:pulumi:prod::apim-gateway::apim-gateway:index:SelfHostedGateway$${GATEWAY_TOKEN_TYPE}::apim-gw-prod-token`;
    const settings = { lifetimeDays: 30, rotateEveryDays: 7, keyType: "primary" as const, alternateKeys: false };
    /** The token the prod stack stored in the window of 2026-11-23 (expiring 2026-12-22T23:45:00Z). */
    const stored = { ...inputs, expiry: "2026-12-22T23:45:00Z" };
    /** What one check at `clock` says: the inputs are what the program asks for at that clock. */
    const noticesAt = async (clock: string, preview: boolean, olds: Record<string, unknown> = stored) => {
        const said: { notice: RotationNotice; urn: string }[] = [];
        const methods = gatewayTokenMethods(
            async () => assert.fail("a check never issues a token"),
            {},
            (notice, urn) => void said.push({ notice, urn }),
            () => Date.parse(clock),
        );
        const plan = tokenPlan(new Date(clock), settings);
        const news = {
            ...inputs,
            expiry: plan.expiry,
            keyType: plan.keyType,
            rotationNotice: { preview, rotatesAfter: plan.rotatesAfter },
        };
        const checked = await methods.check(olds, news, PROD);
        // The notice context never reaches state or a diff.
        assert.deepEqual(checked, { inputs: { ...inputs, expiry: plan.expiry, keyType: plan.keyType }, failures: [] });
        for (const s of said) assert.equal(s.urn, PROD);
        return said.map((s) => s.notice);
    };

    it("says nothing on a first deployment or inside the same window", async () => {
        assert.deepEqual(await noticesAt("2026-11-23T10:00:00Z", true, {}), []);
        assert.deepEqual(await noticesAt("2026-11-23T10:00:00Z", true), []);
        assert.deepEqual(await noticesAt("2026-11-23T10:00:00Z", false), []);
    });

    it("says in one plain line that rotation is due", async () => {
        assert.deepEqual(await noticesAt("2026-12-01T08:00:00Z", true), [
            {
                level: "info",
                message:
                    "Token rotation due: the next `pulumi up` issues a new token (primary key) that expires 2026-12-29T23:45:00Z; " +
                    "the current token expires 2026-12-22T23:45:00Z (21 days left).",
            },
        ]);
    });

    it("warns, naming the command, when the stored token is within 3 days of expiry or expired", async () => {
        assert.deepEqual(await noticesAt("2026-12-21T05:45:00Z", true), [
            {
                level: "warn",
                message:
                    "Gateway token is about to expire: the current token expires 2026-12-22T23:45:00Z (42 h left). Run `pulumi up --stack prod` now; " +
                    "an expired token stops configuration sync (traffic keeps flowing).",
            },
        ]);
        assert.deepEqual(await noticesAt("2026-12-23T00:00:00Z", true), [
            {
                level: "warn",
                message:
                    "Gateway token has expired: the current token expires 2026-12-22T23:45:00Z (expired). Run `pulumi up --stack prod` now; " +
                    "an expired token stops configuration sync (traffic keeps flowing).",
            },
        ]);
    });

    it("during `pulumi up` says it is issuing a new token", async () => {
        assert.deepEqual(await noticesAt("2026-12-01T08:00:00Z", false), [
            {
                level: "info",
                message:
                    "Token rotation: issuing a new gateway token (primary key) that expires 2026-12-29T23:45:00Z; " +
                    "the current token expires 2026-12-22T23:45:00Z (21 days left).",
            },
        ]);
    });

    it("says nothing without the program's notice context (rotationNotice off), on bad inputs, or with an unknown expiry", async () => {
        const said: RotationNotice[] = [];
        const methods = gatewayTokenMethods(
            async () => "x",
            {},
            (n) => void said.push(n),
            () => Date.parse("2026-12-01T08:00:00Z"),
        );
        const next = { ...inputs, expiry: "2026-12-29T23:45:00Z" };
        const context = { preview: true, rotatesAfter: "2026-12-07T00:00:00Z" };
        assert.deepEqual(await methods.check(stored, next, PROD), { inputs: next, failures: [] });
        const bad = await methods.check(stored, { ...next, keyType: "tertiary", rotationNotice: context }, PROD);
        assert.deepEqual(bad.failures, [{ property: "keyType", reason: 'got "tertiary"; expected "primary" or "secondary"' }]);
        await methods.check(stored, { ...next, expiry: UNKNOWN, rotationNotice: context }, PROD);
        await methods.check(stored, { ...next, rotationNotice: { preview: "yes", rotatesAfter: 1 } }, PROD);
        assert.deepEqual(said, []);
        // The same check with the context does speak: the silence above is the missing or bad context's.
        await methods.check(stored, { ...next, rotationNotice: context }, PROD);
        assert.equal(said.length, 1);
    });

    it("names the stack from the URN", () => {
        assert.equal(stackOfUrn(PROD), "prod");
        assert.equal(stackOfUrn("urn:pulumi:team-a.dev::p::t::n"), "team-a.dev");
    });

    it("reaches the engine's log from the plugin process, at its level and on the token's URN", async () => {
        const engine = await startFakeEngine();
        const plugin = await startPlugin({ LD_PRELOAD: undefined }, undefined, undefined, [engine.address]);
        try {
            const now = new Date();
            // A stored token that expired an hour ago, and the next one due: the warning of a preview.
            const olds = { ...inputs, expiry: new Date(now.getTime() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z") };
            const plan = tokenPlan(now, settings);
            const news = { ...inputs, expiry: plan.expiry, rotationNotice: { preview: true, rotatesAfter: plan.rotatesAfter } };
            const checked = await plugin.check(PROD, news, olds);
            assert.deepEqual(checked, { inputs: { ...inputs, expiry: plan.expiry }, failures: [] });
            assert.deepEqual(engine.logs, [
                {
                    severity: "WARNING",
                    message:
                        `Gateway token has expired: the current token expires ${olds.expiry} (expired). Run \`pulumi up --stack prod\` now; ` +
                        "an expired token stops configuration sync (traffic keeps flowing).",
                    urn: PROD,
                },
            ]);
        } finally {
            plugin.stop();
            engine.stop();
        }
    });
});

describe("GatewayToken served by the plugin process, as the engine runs it", () => {
    let dir: string;
    let server: https.Server;
    let base: string;
    let reply: { status: number; body: string } = { status: 403, body: '{"error":{"code":"AuthorizationFailed","message":"no"}}' };
    const pluginEnv = () => ({
        PATH: `${path.join(ROOT, "e2e", "env", "bin")}${path.delimiter}${process.env.PATH}`,
        APIM_E2E_AZ_TOKEN_FILE: path.join(dir, "login.json"),
        AZURE_CONFIG_DIR: dir,
        NODE_EXTRA_CA_CERTS: path.join(dir, "ca.crt"),
        ARM_CLIENT_ID: undefined,
        ARM_CLIENT_SECRET: undefined,
        ARM_TENANT_ID: undefined,
        ARM_USE_OIDC: undefined,
        ARM_USE_MSI: undefined,
    });
    const claims = Buffer.from(JSON.stringify({ upn: "ops@example.test", oid: "0000-oid" })).toString("base64url");
    const bearer = `eyJ0eXAiOiJKV1QifQ.${claims}.c2ln`;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "served-token-"));
        const ca = makeCa(dir, "served plugin test CA");
        const leaf = makeLeaf(dir, ca, "arm", "/CN=localhost");
        fs.writeFileSync(
            path.join(dir, "login.json"),
            JSON.stringify({ accessToken: bearer, user: "ops@example.test", tenantId: "t", subscriptionId: "s" }),
        );
        server = https.createServer({ cert: fs.readFileSync(leaf.cert), key: fs.readFileSync(leaf.key) }, (req, res) => {
            req.resume();
            req.on("end", () => {
                res.writeHead(reply.status, { "content-type": "application/json" });
                res.end(reply.body);
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
        base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
        server.closeAllConnections();
        server.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("sends Azure's refusal to the engine as the message that names the signed-in identity and the missing action", async () => {
        reply = { status: 403, body: '{"error":{"code":"AuthorizationFailed","message":"no"}}' };
        const plugin = await startPlugin(pluginEnv());
        try {
            const failure = (await plugin.create(URN, { ...inputs, armEndpoint: base }).then(
                () => assert.fail("expected create to fail"),
                (e: GrpcFailure) => e,
            )) as GrpcFailure;
            assert.equal(
                failure.details,
                "Azure denied generateToken (HTTP 403 AuthorizationFailed) to the Azure CLI login: user ops@example.test (object id 0000-oid) " +
                    "for gateway 'gw' of API Management service 'svc' in resource group 'rg' (subscription s). Grant that identity the actions " +
                    "Microsoft.ApiManagement/service/gateways/generateToken/action and Microsoft.ApiManagement/service/gateways/read on the gateway " +
                    "(docs/authentication.md, 'Least-privilege role'), or sign in as one that has them.",
            );
            assert.equal(failure.details.includes("undefined"), false);
            assert.equal(failure.details.includes(bearer), false);
        } finally {
            plugin.stop();
        }
    });

    it("returns the identity config's secret keys and the token as secrets from check and read, whatever the caller passed", async () => {
        const plugin = await startPlugin(pluginEnv());
        try {
            const azureNative = {
                clientId: "cid",
                tenantId: "tid",
                useOidc: "true",
                clientSecret: "PLAIN-CLIENT-SECRET",
                clientCertificatePassword: "PLAIN-PFX-PASSWORD",
                oidcToken: "PLAIN-OIDC-TOKEN",
                oidcRequestToken: secretValue("WRAPPED-REQUEST-TOKEN"),
            };
            const checked = await plugin.check(URN, { ...inputs, azureNative, value: "PLAIN-GATEWAY-TOKEN" });
            assert.deepEqual(checked.failures, []);
            assert.deepEqual(checked.inputs, {
                ...inputs,
                azureNative: {
                    clientId: "cid",
                    tenantId: "tid",
                    useOidc: "true",
                    clientSecret: secretValue("PLAIN-CLIENT-SECRET"),
                    clientCertificatePassword: secretValue("PLAIN-PFX-PASSWORD"),
                    oidcToken: secretValue("PLAIN-OIDC-TOKEN"),
                    oidcRequestToken: secretValue("WRAPPED-REQUEST-TOKEN"),
                },
                value: secretValue("PLAIN-GATEWAY-TOKEN"),
            });
            // A whole identity config already marked secret stays as it is.
            const whole = await plugin.check(URN, { ...inputs, azureNative: secretValue({ clientSecret: "S" }) });
            assert.deepEqual(whole.inputs, { ...inputs, azureNative: secretValue({ clientSecret: "S" }) });
            const id = `${GW}/tokens/primary/2026-12-19T00:00:00Z`;
            const read = await plugin.read(URN, id, {
                ...inputs,
                value: "PLAIN-GATEWAY-TOKEN",
                azureNative: { clientSecret: "PLAIN-CLIENT-SECRET" },
            });
            assert.deepEqual(read, {
                id,
                properties: {
                    ...inputs,
                    value: secretValue("PLAIN-GATEWAY-TOKEN"),
                    azureNative: { clientSecret: secretValue("PLAIN-CLIENT-SECRET") },
                },
            });
            const again = await plugin.read(URN, id, { ...inputs, value: secretValue("T") });
            assert.deepEqual(again.properties, { ...inputs, value: secretValue("T") }, "never wrapped twice");
        } finally {
            plugin.stop();
        }
    });

    it("refuses a __proto__ field of a request by name, where the SDK's own decoding would drop it", async () => {
        // The request as a Python or Go program's SDK sends it: a field named __proto__ (in azureNative here), written
        // on the wire, since a JavaScript Struct cannot even hold one (the key stands in as XXproto__ until then).
        const request = new providerProto.CheckRequest();
        request.setUrn(URN);
        request.setOlds(structProto.Struct.fromJavaScript({}));
        request.setNews(
            structProto.Struct.fromJavaScript({
                ...inputs,
                azureNative: { XXproto__: { "kubernetes.io/os": "linux" } },
            } as unknown as Record<string, structProto.JavaScriptValue>),
        );
        const wire = Buffer.from(request.serializeBinary());
        const at = wire.indexOf("XXproto__");
        assert.ok(at > 0);
        wire.write("__proto__", at);
        const plugin = await startPlugin(pluginEnv());
        try {
            const failure = (await plugin.checkWire(wire).then(
                () => assert.fail("expected check to fail"),
                (e: GrpcFailure) => e,
            )) as GrpcFailure;
            assert.equal(
                failure.details,
                'args.azureNative["__proto__"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
            );
        } finally {
            plugin.stop();
        }
    });

    it("returns a good token as a secret, and checks inputs with the reasons the engine shows", async () => {
        reply = { status: 200, body: JSON.stringify({ value: "gw&202612190000&c2lnbmF0dXJlc2lnbmF0dXJl" }) };
        const plugin = await startPlugin(pluginEnv());
        try {
            const created = await plugin.create(URN, { ...inputs, armEndpoint: base });
            assert.equal(created.id, `${GW}/tokens/primary/2026-12-19T00:00:00Z`);
            assert.deepEqual(created.properties.value, secretValue("gw&202612190000&c2lnbmF0dXJlc2lnbmF0dXJl"));
            const checked = await plugin.check(URN, { ...inputs, keyType: "tertiary" });
            assert.deepEqual(checked.failures, [{ property: "keyType", reason: 'got "tertiary"; expected "primary" or "secondary"' }]);
            const schema = JSON.parse(await plugin.getSchema()) as { name: string; version: string };
            assert.deepEqual(
                [schema.name, schema.version],
                ["apim-gateway", JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version],
            );
        } finally {
            plugin.stop();
        }
    });
});

describe("identity the token provider uses (same order as azure-native)", () => {
    const none = () => undefined;
    it("prefers azure-native stack config over ARM_* variables", () => {
        const cfg = (k: string) => ({ clientId: "cfg-id", tenantId: "cfg-tenant", clientSecret: "cfg-secret" })[k];
        assert.deepEqual(chooseIdentity(cfg, { ARM_CLIENT_ID: "env-id", ARM_TENANT_ID: "env-t", ARM_CLIENT_SECRET: "env-s" }), {
            kind: "clientSecret",
            tenantId: "cfg-tenant",
            clientId: "cfg-id",
            clientSecret: "cfg-secret",
        });
    });

    it("uses OIDC federation when ARM_USE_OIDC is on (GitHub Actions request URL/token)", () => {
        assert.deepEqual(
            chooseIdentity(none, {
                ARM_USE_OIDC: "true",
                ARM_CLIENT_ID: "id",
                ARM_TENANT_ID: "t",
                ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions/x",
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: "rt",
            }),
            {
                kind: "oidc",
                tenantId: "t",
                clientId: "id",
                oidcToken: undefined,
                requestUrl: "https://token.actions/x",
                requestToken: "rt",
                requestSource: "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            },
        );
    });

    const ACTIONS_URL =
        "https://pipelines.actions.githubusercontent.com/abc/_apis/distributedtask/hubs/Actions/plans/p/jobs/j/idtoken?api-version=2.0";
    const oidcEnv = { ARM_USE_OIDC: "true", ARM_CLIENT_ID: "id", ARM_TENANT_ID: "t" };
    const oidc = (config: Record<string, string>, env: NodeJS.ProcessEnv) =>
        chooseIdentity((k) => config[k], { ...oidcEnv, ...env }) as Extract<IdentityChoice, { kind: "oidc" }>;

    it("takes the OIDC request URL and its token from one place, never a URL from one and the token from another", async () => {
        // An ARM_OIDC_REQUEST_URL set by someone else does not get GitHub Actions' request token.
        const mixed = oidc(
            {},
            {
                ARM_OIDC_REQUEST_URL: "https://evil.example/steal",
                ACTIONS_ID_TOKEN_REQUEST_URL: ACTIONS_URL,
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: "RT",
            },
        );
        assert.deepEqual(
            [mixed.requestUrl, mixed.requestToken, mixed.requestSource],
            ["https://evil.example/steal", undefined, "ARM_OIDC_REQUEST_URL and ARM_OIDC_REQUEST_TOKEN"],
        );
        const calls: string[] = [];
        const recording = (async (u: URL) => {
            calls.push(String(u));
            return new Response(JSON.stringify({ value: "assertion" }));
        }) as unknown as typeof fetch;
        await assert.rejects(oidcAssertion(mixed, { fetch: recording }), {
            message:
                "OIDC: ARM_OIDC_REQUEST_URL and ARM_OIDC_REQUEST_TOKEN must both be set, from the same place; one of them is missing " +
                "(a request URL is never sent the token of another source)",
        });
        const config = oidc(
            { oidcRequestToken: "CFG-RT" },
            { ACTIONS_ID_TOKEN_REQUEST_URL: ACTIONS_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "RT" },
        );
        assert.deepEqual(
            [config.requestUrl, config.requestToken, config.requestSource],
            [undefined, "CFG-RT", "azure-native stack config (oidcRequestUrl, oidcRequestToken)"],
        );
        await assert.rejects(
            oidcAssertion(config, { fetch: recording }),
            /azure-native stack config \(oidcRequestUrl, oidcRequestToken\) must both be set/,
        );
        // GitHub Actions' own pair is used when nothing else is set.
        const own = oidc({}, { ACTIONS_ID_TOKEN_REQUEST_URL: ACTIONS_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "RT" });
        assert.equal(await oidcAssertion(own, { fetch: recording }), "assertion");
        assert.deepEqual(calls, [`${ACTIONS_URL}&audience=api%3A%2F%2FAzureADTokenExchange`]);
    });

    it("sends the OIDC request token only to GitHub Actions' own host, over https, on its default port", async () => {
        let sent = 0;
        const counting = (async () => {
            sent++;
            return new Response("{}");
        }) as unknown as typeof fetch;
        for (const [url, shown] of [
            ["https://evil.example/x", "https://evil.example"],
            ["http://pipelines.actions.githubusercontent.com/x", "http://pipelines.actions.githubusercontent.com"],
            ["https://actions.githubusercontent.com.evil.example/x", "https://actions.githubusercontent.com.evil.example"],
            ["https://pipelines.actions.githubusercontent.com:8443/x", "https://pipelines.actions.githubusercontent.com:8443"],
            ["https://u:p@pipelines.actions.githubusercontent.com/x", "https://pipelines.actions.githubusercontent.com"],
            ["https://127.0.0.1/x", "https://127.0.0.1"],
        ]) {
            await assert.rejects(requestOidcToken(url, "RT", { fetch: counting }), {
                message: `the OIDC request URL must be GitHub Actions' own (https://…actions.githubusercontent.com), got ${shown}; its bearer token is sent nowhere else`,
            });
        }
        assert.equal(sent, 0, "nothing was sent");
        assert.equal(isGitHubActionsOidcUrl(new URL("https://run-actions-1-azure-eastus.actions.githubusercontent.com/x")), true);
        assert.equal(isGitHubActionsOidcUrl(new URL("https://pipelines.actions.githubusercontent.com:443/x")), true);
    });

    it("gives up on an OIDC request after its timeout, and on a sign-in that does not answer", async () => {
        const hanging = ((_u: URL, init: RequestInit) =>
            new Promise((_, reject) =>
                init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
            )) as unknown as typeof fetch;
        const started = Date.now();
        await assert.rejects(requestOidcToken(ACTIONS_URL, "RT", { fetch: hanging, timeoutMs: 50 }), {
            message: "OIDC token request to pipelines.actions.githubusercontent.com timed out after 50 ms",
        });
        assert.ok(Date.now() - started < 2000);
        assert.equal(OIDC_REQUEST_TIMEOUT_MS, 20_000);
        // The access token: the credential is asked to abort, and the wait ends even if it does not.
        let aborted = false;
        const silent: TokenCredential = {
            getToken: (_scope, options) => {
                options?.abortSignal?.addEventListener("abort", () => (aborted = true));
                return new Promise(() => undefined);
            },
        };
        await assert.rejects(armTokenGetter(silent, "https://management.azure.com", undefined, 50)(), {
            message: "no Azure access token for https://management.azure.com/.default within 50 ms: the sign-in did not answer",
        });
        assert.equal(aborted, true);
        assert.equal(ACCESS_TOKEN_TIMEOUT_MS, 30_000);
        const quick: TokenCredential = { getToken: async () => ({ token: "T", expiresOnTimestamp: 0 }) };
        assert.equal(await armTokenGetter(quick, "https://management.azure.com", undefined, 50)(), "T");
    });

    it("uses a client certificate like azure-native (ARM_CLIENT_CERTIFICATE_PATH), and names it without its password", () => {
        const choice = chooseIdentity(none, {
            ARM_CLIENT_ID: "id",
            ARM_TENANT_ID: "t",
            ARM_CLIENT_CERTIFICATE_PATH: "/certs/sp.pfx",
            ARM_CLIENT_CERTIFICATE_PASSWORD: "PFXPASS",
        });
        assert.deepEqual(choice, {
            kind: "clientCertificate",
            tenantId: "t",
            clientId: "id",
            certificatePath: "/certs/sp.pfx",
            certificatePassword: "PFXPASS",
        });
        assert.equal(describeIdentity(choice), "service principal id (client certificate /certs/sp.pfx, tenant t)");
    });

    it("uses a managed identity when ARM_USE_MSI is on, else the CLI/environment login", () => {
        assert.deepEqual(chooseIdentity(none, { ARM_USE_MSI: "1", ARM_CLIENT_ID: "uami" }), { kind: "managedIdentity", clientId: "uami" });
        assert.deepEqual(chooseIdentity(none, {}), { kind: "default" });
        assert.deepEqual(chooseIdentity(none, { ARM_CLIENT_ID: "id-only" }), { kind: "default" });
    });

    it("names the principal of an access token from its claims, and nothing else", () => {
        const jwt = (c: object) => `h.${Buffer.from(JSON.stringify(c)).toString("base64url")}.s`;
        assert.equal(tokenSubject(jwt({ upn: "a@b.example", oid: "o1" })), "user a@b.example (object id o1)");
        assert.equal(tokenSubject(jwt({ appid: "app-1", oid: "o2" })), "application app-1 (object id o2)");
        assert.equal(tokenSubject(jwt({ oid: "o3" })), "object id o3");
        assert.equal(tokenSubject(jwt({ upn: "evil\nline" })), undefined);
        assert.equal(tokenSubject("not-a-jwt"), undefined);
        assert.equal(tokenSubject("a.%%%.b"), undefined);
    });

    it("describes identities without their secrets", () => {
        const d = describeIdentity({ kind: "clientSecret", tenantId: "t", clientId: "c", clientSecret: "SUPERSECRET" });
        assert.equal(d, "service principal c (client secret, tenant t)");
        assert.equal(describeIdentity({ kind: "default" }), "the Azure CLI login");
    });

    it("maps clouds to ARM and login endpoints", () => {
        assert.equal(cloudFor(undefined), "public");
        assert.equal(cloudFor("AzureUSGovernmentCloud"), "usgovernment");
        assert.equal(cloudFor("china"), "china");
        assert.throws(
            () => cloudFor("germany"),
            /azure-native environment "germany" is not one of public, usgovernment, china; set token.armEndpoint explicitly/,
        );
        assert.equal(authorityFor("https://management.usgovcloudapi.net"), "https://login.microsoftonline.us");
        assert.equal(authorityFor("https://management.chinacloudapi.cn/"), "https://login.chinacloudapi.cn");
        assert.equal(authorityFor("https://arm.example.internal"), "https://login.microsoftonline.com");
    });
});

describe("the plugin's request decoding", () => {
    const value = (v: structProto.JavaScriptValue) => structProto.Value.fromJavaScript(v);
    it("decodes a Struct as google-protobuf does, and refuses a __proto__ field with its path", () => {
        const rich = structProto.Struct.fromJavaScript({
            s: "x",
            n: 1.5,
            b: false,
            z: null,
            o: { deep: { list: [1, "two", { three: true }, null, []] } },
            constructor: "kept as data",
        });
        assert.deepEqual(structToJavaScript(rich), rich.toJavaScript());
        const list = new structProto.ListValue();
        const inner = new structProto.Struct();
        inner.getFieldsMap().set("__proto__", value({ polluted: true }));
        const item = new structProto.Value();
        item.setStructValue(inner);
        list.setValuesList([value("ok"), item]);
        const top = new structProto.Struct();
        const listValue = new structProto.Value();
        listValue.setListValue(list);
        top.getFieldsMap().set("tolerations", listValue);
        assert.throws(() => structToJavaScript(top), {
            message:
                'args.tolerations[1]["__proto__"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
        });
        // google-protobuf's own decoding loses it: the object gets another prototype and no such key.
        const lost = top.toJavaScript() as { tolerations: Record<string, unknown>[] };
        assert.deepEqual(Object.keys(lost.tolerations[1]), []);
    });
});
