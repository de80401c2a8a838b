// The GatewayToken dynamic provider: its pure diff/check, the identity it picks, and its serialized
// form loaded in a fresh Node process (as Pulumi's dynamic-provider host does).
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { authorityFor, chooseIdentity, cloudFor, describeIdentity } from "../components/token/credential";
import * as pulumi from "@pulumi/pulumi";
import { checkTokenInputs, diffTokenInputs, GatewayTokenInputs, tokenId, UNKNOWN } from "../components/token/resource";
import { CLOCK } from "./expected";
import { one, ROOT, runProgram, stackConfig } from "./harness";

const GW = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/gateways/gw";
const inputs: GatewayTokenInputs = {
    gatewayResourceId: GW,
    keyType: "primary",
    expiry: "2026-12-19T00:00:00Z",
    armEndpoint: "https://management.azure.com",
    apiVersion: "2024-05-01",
};

describe("GatewayToken provider", () => {
    it("reports no change for identical inputs, and a replacement for each identity input", () => {
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
        // The api-version alone does not mint a new token.
        assert.deepEqual(diffTokenInputs(inputs, { ...inputs, apiVersion: "2025-01-01" }).changes, false);
    });

    it("checks its inputs", () => {
        assert.deepEqual(checkTokenInputs(inputs), []);
        assert.deepEqual(
            checkTokenInputs({ ...inputs, gatewayResourceId: "/nope", keyType: "tertiary" as "primary", expiry: "2026-12-19" }),
            [
                {
                    property: "gatewayResourceId",
                    reason: 'not an API Management gateway resource id: "/nope"; expected /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<svc>/gateways/<id>',
                },
                { property: "keyType", reason: 'got "tertiary"; expected "primary" or "secondary"' },
                { property: "expiry", reason: 'got "2026-12-19"; expected yyyy-MM-ddTHH:mm:ssZ' },
            ],
        );
    });

    it("lets values that are unknown during a preview pass the check", () => {
        assert.deepEqual(checkTokenInputs({ ...inputs, gatewayResourceId: UNKNOWN, keyType: UNKNOWN as "primary", expiry: UNKNOWN }), []);
        assert.equal(UNKNOWN, pulumi.runtime.unknownValue);
    });

    it("has a stable id without secrets", () => {
        assert.equal(tokenId(inputs), `${GW}/tokens/primary/2026-12-19T00:00:00Z`);
    });

    it("works from its serialized form in a fresh process: configure, check, diff", async () => {
        const run = await runProgram(stackConfig("prod"), CLOCK, "prod");
        const code = String(one(run.resources, "pulumi-nodejs:dynamic/apim-gateway:GatewayToken").inputs.__provider);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gw-provider-"));
        const file = path.join(dir, "provider.js");
        fs.writeFileSync(file, code);
        const script = `
            const provider = require(${JSON.stringify(file)}).handler();
            (async () => {
                await provider.configure({ config: { get: (k) => ({ "azure-native:clientId": "cid", "azure-native:tenantId": "tid" })[k], require: () => { throw new Error("x"); } } });
                const news = ${JSON.stringify(inputs)};
                const check = await provider.check({}, { ...news, keyType: "tertiary" });
                const same = await provider.diff("id", news, news);
                const rotated = await provider.diff("id", news, { ...news, expiry: "2026-12-26T00:00:00Z" });
                console.log(JSON.stringify({ check, same, rotated, cfg: provider.azureConfig.clientId, methods: Object.keys(provider).sort() }));
            })().catch((e) => { console.error(e); process.exit(1); });`;
        // Run from the project root so `require("@azure/identity")` resolves as in a real project.
        const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        fs.rmSync(dir, { recursive: true });
        assert.deepEqual(JSON.parse(out), {
            check: {
                inputs: { ...inputs, keyType: "tertiary" },
                failures: [{ property: "keyType", reason: 'got "tertiary"; expected "primary" or "secondary"' }],
            },
            same: { changes: false, replaces: [], deleteBeforeReplace: false },
            rotated: { changes: true, replaces: ["expiry"], deleteBeforeReplace: false },
            cfg: "cid",
            methods: ["azureConfig", "check", "configure", "create", "delete", "diff"],
        });
        assert.equal(code.length < 40_000, true, `the serialized provider stays small (${code.length} bytes)`);
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
            },
        );
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

    it("describes identities without their secrets", () => {
        const d = describeIdentity({ kind: "clientSecret", tenantId: "t", clientId: "c", clientSecret: "SUPERSECRET" });
        assert.equal(d, "service principal c (client secret, tenant t)");
        assert.equal(describeIdentity({ kind: "default" }), "the Azure CLI / environment login (DefaultAzureCredential)");
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
