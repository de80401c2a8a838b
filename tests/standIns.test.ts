// The e2e suite's Azure stand-ins against Microsoft's contracts: the fake ARM refuses what Azure refuses (each case
// with the field it names), its answers deserialize in Microsoft's own SDK clients, Event Grid's filters, handshake
// and deliveries behave as documented, and the stand-in azure-native plugin sends what azure-native sends.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ApiManagementClient } from "@azure/arm-apimanagement";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { EventGridManagementClient } from "@azure/arm-eventgrid";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { makeCa, makeLeaf } from "../e2e/env/certs";
import { contractNamed, loadContracts, lenientMappers, serializerLike, validateWire } from "../e2e/env/contracts";
import { FakeArm, startFakeArm } from "../e2e/env/fakeArm";
import { advancedFilterMatches, EventGridEvent, filterMatches, gatewayTokenEvent, eventDataMappers } from "../e2e/env/eventGrid";
import { receivedRequests, startWebhookReceiver, WebhookReceiver } from "../e2e/env/webhookReceiver";
import { armPath, checkInputs, covers, overlay } from "../e2e/env/azure-native/state";
import { NATIVE_TYPES, nativeFacts } from "../e2e/env/azure-native/types";
import { secretValue } from "../components/token/provider";

const SUB = "00000000-0000-4000-8000-0000000000e2";
const TENANT = "00000000-0000-4000-8000-0000000000aa";
const BEARER = "e2e-test-bearer";
const RG = "rg-apim";
const SVC = "apim-test";
const SERVICE = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${SVC}`;
const EG = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.EventGrid`;

let dir: string;
let ca: string;
let arm: FakeArm;
let hook: WebhookReceiver;
const credential = { getToken: async () => ({ token: BEARER, expiresOnTimestamp: Date.now() + 3_600_000 }) };

before(async function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-ins-"));
    const authority = makeCa(dir, "stand-ins test CA");
    const leaf = makeLeaf(dir, authority, "arm", "/CN=fake-arm");
    const receiver = makeLeaf(dir, authority, "hook", "/CN=webhook");
    ca = fs.readFileSync(authority.cert, "utf8");
    hook = await startWebhookReceiver({ cert: receiver.cert, key: receiver.key, logPath: path.join(dir, "hook.jsonl") });
    arm = await startFakeArm({
        cert: leaf.cert,
        key: leaf.key,
        logPath: path.join(dir, "arm.jsonl"),
        acceptedBearers: () => [BEARER],
        instances: [{ resourceGroup: RG, name: SVC, sku: "Developer" }],
        subscriptionId: SUB,
        tenantId: TENANT,
        webhookCa: ca,
    });
});

after(async () => {
    await arm?.close();
    await hook?.close();
    fs.rmSync(dir, { recursive: true, force: true });
});

/** One request to the fake ARM, as a client would send it. */
async function call(method: string, p: string, apiVersion: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
    const https = await import("https");
    const url = new URL(`${arm.url}${p}${apiVersion !== undefined ? `?api-version=${apiVersion}` : ""}`);
    return new Promise<{ status: number; json: { error?: { code: string; message: string; target?: string } } & Record<string, unknown> }>(
        (resolve, reject) => {
            const req = https.request(
                url,
                { method, ca, headers: { authorization: `Bearer ${BEARER}`, "content-type": "application/json", ...headers } },
                (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (c: string) => (text += c));
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
                },
            );
            req.on("error", reject);
            req.end(body === undefined ? undefined : JSON.stringify(body));
        },
    );
}

async function control(p: string, body: unknown) {
    const res = await fetch(`${arm.controlUrl}${p}`, { method: "POST", body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const gatewayBody = { properties: { locationData: { name: "site-1" }, description: "edge" } };

describe("stand-ins: the fake ARM refuses what Azure refuses", () => {
    before(async () => {
        const up = await call("PUT", `${SERVICE}/gateways/gw`, "2024-05-01", gatewayBody);
        assert.equal(up.status, 201);
        const topic = await call("PUT", `${EG}/systemTopics/apim-events`, "2025-02-15", {
            location: "westeurope",
            properties: { source: SERVICE, topicType: "Microsoft.ApiManagement.Service" },
        });
        assert.equal(topic.status, 201);
    });

    it("a gateway named `managed` (REST reference: gatewayId must not have value 'managed')", async () => {
        const r = await call("PUT", `${SERVICE}/gateways/managed`, "2024-05-01", gatewayBody);
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.code, "InvalidParameter");
        assert.equal(r.json.error?.target, "gatewayId");
        assert.equal(r.json.error?.message, "gatewayId: must not have value 'managed' (REST reference, API Management Gateway, gatewayId)");
    });

    it("a gateway name longer than 80 characters (gatewayId MaxLength 80 in the SDK's parameters)", async () => {
        const r = await call("PUT", `${SERVICE}/gateways/${"g".repeat(81)}`, "2024-05-01", gatewayBody);
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.target, "gatewayId");
        assert.equal(
            r.json.error?.message,
            "gatewayId: 81 characters; at most 80 are allowed (gatewayId in @azure/arm-apimanagement 10.0.0)",
        );
    });

    it("a location name over 256 characters and a missing required location name (ResourceLocationDataContract)", async () => {
        const long = await call("PUT", `${SERVICE}/gateways/gw2`, "2024-05-01", {
            properties: { locationData: { name: "x".repeat(257) } },
        });
        assert.equal(long.status, 400);
        assert.equal(long.json.error?.code, "InvalidRequestContent");
        assert.equal(long.json.error?.target, "properties.locationData.name");
        assert.equal(
            long.json.error?.message,
            "properties.locationData.name: 257 characters; at most 256 are allowed (@azure/arm-apimanagement 10.0.0)",
        );
        const missing = await call("PUT", `${SERVICE}/gateways/gw2`, "2024-05-01", { properties: { locationData: { city: "Oslo" } } });
        assert.equal(missing.status, 400);
        assert.equal(
            missing.json.error?.message,
            "properties.locationData.name: required (ResourceLocationDataContract in @azure/arm-apimanagement 10.0.0)",
        );
    });

    it("a gateway under a service that does not exist: ARM's 404", async () => {
        const r = await call(
            "PUT",
            `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/nope/gateways/gw`,
            "2024-05-01",
            gatewayBody,
        );
        assert.equal(r.status, 404);
        assert.equal(r.json.error?.code, "ResourceNotFound");
        assert.equal(
            r.json.error?.message,
            "The Resource 'Microsoft.ApiManagement/service/nope' under resource group 'rg-apim' was not found.",
        );
    });

    it("a gateway on a tier without self-hosted gateways (Developer and Premium only)", async () => {
        assert.equal((await control("service", { resourceGroup: RG, name: "apim-basic", sku: "Basic" })).status, 200);
        const r = await call(
            "PUT",
            `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/apim-basic/gateways/gw`,
            "2024-05-01",
            gatewayBody,
        );
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.code, "MethodNotAllowedInPricingTier");
        assert.equal(
            r.json.error?.message,
            "Self-hosted gateways are not available in the Basic tier of API Management service 'apim-basic'; they are available in the Developer and Premium tiers.",
        );
        const tier = await control("service", { resourceGroup: RG, name: "apim-basic", sku: "Gold" });
        assert.equal(tier.status, 400);
        assert.equal(tier.json.error, "sku: one of Developer, Standard, Premium, Basic, Consumption, Isolated, BasicV2, StandardV2");
    });

    it("an api-version the resource type does not serve, and none at all", async () => {
        const r = await call("PUT", `${SERVICE}/gateways/gw3`, "2099-01-01", gatewayBody);
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.code, "NoRegisteredProviderFound");
        assert.equal(r.json.error?.target, "api-version");
        assert.equal(
            r.json.error?.message,
            "No registered resource provider found for API version '2099-01-01' and type 'Microsoft.ApiManagement/service/gateways'. The supported api-versions are '2024-05-01'.",
        );
        const none = await call("GET", `${SERVICE}/gateways/gw`, undefined);
        assert.equal(none.status, 400);
        assert.equal(none.json.error?.code, "MissingApiVersionParameter");
    });

    it("a delete without the If-Match header the contract requires", async () => {
        const r = await call("DELETE", `${SERVICE}/gateways/gw`, "2024-05-01");
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.message, "If-Match: required header (@azure/arm-apimanagement 10.0.0)");
    });

    it("a generateToken with an unknown key type, an expiry over 30 days, or for a gateway that does not exist", async () => {
        const bad = await call("POST", `${SERVICE}/gateways/gw/generateToken`, "2024-05-01", {
            keyType: "tertiary",
            expiry: new Date(Date.now() + 86_400_000).toISOString(),
        });
        assert.equal(bad.status, 400);
        assert.equal(bad.json.error?.message, 'keyType: "tertiary" is not one of "primary", "secondary" (@azure/arm-apimanagement 10.0.0)');
        const far = await call("POST", `${SERVICE}/gateways/gw/generateToken`, "2024-05-01", {
            keyType: "primary",
            expiry: new Date(Date.now() + 31 * 86_400_000).toISOString(),
        });
        assert.equal(far.status, 400);
        assert.equal(far.json.error?.target, "expiry");
        const none = await call("POST", `${SERVICE}/gateways/nope/generateToken`, "2024-05-01", {
            keyType: "primary",
            expiry: new Date(Date.now() + 86_400_000).toISOString(),
        });
        assert.equal(none.status, 404);
    });

    it("an advanced filter key that is not a key of the Event Grid schema", async () => {
        const r = await call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/bad-key`, "2025-02-15", {
            properties: {
                destination: { endpointType: "WebHook", properties: { endpointUrl: hook.url } },
                filter: { advancedFilters: [{ operatorType: "StringIn", key: "gateway.gatewayId", values: ["gw"] }] },
            },
        });
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.target, "properties.filter.advancedFilters[0].key");
        assert.equal(
            r.json.error?.message,
            'properties.filter.advancedFilters[0].key: "gateway.gatewayId" is not a key of the Event Grid schema: use ID, Topic, Subject, EventType, DataVersion or event data (like data.key1) (Event Grid event filtering, Key)',
        );
    });

    it("an unknown advanced filter operator (the SDK's AdvancedFilter kinds)", async () => {
        const r = await call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/bad-op`, "2025-02-15", {
            properties: {
                destination: { endpointType: "WebHook", properties: { endpointUrl: hook.url } },
                filter: { advancedFilters: [{ operatorType: "StringLike", key: "data.x", values: ["gw"] }] },
            },
        });
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.target, "properties.filter.advancedFilters[0].operatorType");
    });

    it("a MonitorAlert destination on an API Management topic (Key Vault sources only)", async () => {
        const r = await call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/alert`, "2025-02-15", {
            properties: { destination: { endpointType: "MonitorAlert", properties: { severity: "Sev1", actionGroups: ["/x"] } } },
        });
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.target, "properties.destination.endpointType");
        assert.equal(
            r.json.error?.message,
            "properties.destination.endpointType: MonitorAlert is supported for Azure Key Vault sources only, not for topic type Microsoft.ApiManagement.Service (Event Grid event handlers: Azure Monitor alerts, from Azure Key Vault source only)",
        );
        // At the SDK's own api-version (2022-06-15) MonitorAlert is no destination kind at all.
        const old = await call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/alert`, "2022-06-15", {
            properties: { destination: { endpointType: "MonitorAlert", properties: { severity: "Sev1" } } },
        });
        assert.equal(old.status, 400);
        assert.match(
            old.json.error?.message ?? "",
            /^properties\.destination\.endpointType: "MonitorAlert" is not one of WebHook, EventHub, StorageQueue, HybridConnection, ServiceBusQueue, ServiceBusTopic, AzureFunction /,
        );
    });

    it("a webhook that is not https, or does not answer the validation handshake", async () => {
        const plain = await call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/plain`, "2025-02-15", {
            properties: { destination: { endpointType: "WebHook", properties: { endpointUrl: "http://127.0.0.1:9/hook" } } },
        });
        assert.equal(plain.status, 400);
        assert.equal(plain.json.error?.target, "properties.destination.properties.endpointUrl");
        const deaf = await call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/deaf`, "2025-02-15", {
            properties: { destination: { endpointType: "WebHook", properties: { endpointUrl: "https://127.0.0.1:9/hook?code=s3cret" } } },
        });
        assert.equal(deaf.status, 400);
        assert.equal(deaf.json.error?.message, "Webhook validation handshake failed for https://127.0.0.1:9/hook: ECONNREFUSED.");
    });

    it("an event subscription name over 64 characters (2025-02-15), a second system topic for one source", async () => {
        const long = await call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/${"s".repeat(65)}`, "2025-02-15", {
            properties: { destination: { endpointType: "WebHook", properties: { endpointUrl: hook.url } } },
        });
        assert.equal(long.status, 400);
        assert.equal(long.json.error?.target, "eventSubscriptionName");
        const second = await call("PUT", `${EG}/systemTopics/apim-events-2`, "2025-02-15", {
            location: "westeurope",
            properties: { source: SERVICE, topicType: "Microsoft.ApiManagement.Service" },
        });
        assert.equal(second.status, 400);
        assert.equal(second.json.error?.target, "properties.source");
    });

    it("a role assignment of a role definition that does not exist", async () => {
        const r = await call(
            "PUT",
            `${SERVICE}/providers/Microsoft.Authorization/roleAssignments/2f1f1e53-6f1d-4a4b-9c1e-000000000001`,
            "2022-04-01",
            {
                properties: {
                    roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/2f1f1e53-6f1d-4a4b-9c1e-00000000dead`,
                    principalId: "2f1f1e53-6f1d-4a4b-9c1e-000000000002",
                },
            },
        );
        assert.equal(r.status, 400);
        assert.equal(r.json.error?.code, "RoleDefinitionDoesNotExist");
    });
});

describe("stand-ins: the fake ARM's answers deserialize in Microsoft's SDK clients", () => {
    const opts = () => ({ endpoint: arm.url, tlsOptions: { ca }, retryOptions: { maxRetries: 0 } });

    it("API Management: the instance with its SKU, a gateway, its hostname configuration and certificate authority", async () => {
        const apim = new ApiManagementClient(credential, SUB, opts());
        const svc = await apim.apiManagementService.get(RG, SVC);
        assert.equal(svc.sku.name, "Developer");
        assert.equal(svc.publisherEmail, "apim-e2e@example.test");
        const gw = await apim.gateway.createOrUpdate(RG, SVC, "sdk-gw", {
            locationData: { name: "site-2", city: "Oslo" },
            description: "via the SDK",
        });
        assert.deepEqual(gw.locationData, { name: "site-2", city: "Oslo" });
        assert.equal(gw.id, `${SERVICE}/gateways/sdk-gw`);
        assert.equal(gw.type, "Microsoft.ApiManagement/service/gateways");
        const hc = await apim.gatewayHostnameConfiguration.createOrUpdate(RG, SVC, "sdk-gw", "hc1", {
            hostname: "api.contoso.example",
            http2Enabled: true,
        });
        assert.equal(hc.hostname, "api.contoso.example");
        assert.equal(hc.http2Enabled, true);
        const caEntity = await apim.gatewayCertificateAuthority.createOrUpdate(RG, SVC, "sdk-gw", "root-ca", { isTrusted: true });
        assert.equal(caEntity.isTrusted, true);
        await apim.gatewayApi.createOrUpdate(RG, SVC, "sdk-gw", "echo-api");
        const tag = await apim.gatewayApi.getEntityTag(RG, SVC, "sdk-gw", "echo-api");
        assert.equal(typeof tag, "object");
        const token = await apim.gateway
            .generateToken(RG, SVC, "sdk-gw", { keyType: "primary", expiry: new Date("2099-01-01T00:00:00Z") })
            .catch((e: Error) => e);
        assert.ok(token instanceof Error, "an expiry beyond 30 days is refused");
        const soon = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 86_400_000);
        const value = (await apim.gateway.generateToken(RG, SVC, "sdk-gw", { keyType: "secondary", expiry: soon })).value ?? "";
        assert.match(
            value,
            new RegExp(
                `^sdk-gw&${soon
                    .toISOString()
                    .replace(/[-:TZ]/g, "")
                    .slice(0, 12)}&[A-Za-z0-9+/]+=*$`,
            ),
        );
        await apim.gateway.delete(RG, SVC, "sdk-gw", "*");
        const gone = await apim.gateway.get(RG, SVC, "sdk-gw").catch((e: { statusCode?: number }) => e.statusCode);
        assert.equal(gone, 404);
    });

    it("Event Grid: a system topic and a webhook subscription, after the receiver answered the handshake", async () => {
        const eg = new EventGridManagementClient(credential, SUB, opts());
        const topic = await eg.systemTopics.beginCreateOrUpdateAndWait(RG, "sdk-topic-holder", {
            location: "westeurope",
            source: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/apim-basic`,
            topicType: "Microsoft.ApiManagement.Service",
        });
        assert.equal(topic.provisioningState, "Succeeded");
        const before = receivedRequests(hook.logPath).length;
        const es = await eg.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(RG, "sdk-topic-holder", "sdk-sub", {
            destination: { endpointType: "WebHook", endpointUrl: `${hook.url}?code=k3y` },
            filter: { includedEventTypes: ["Microsoft.ApiManagement.GatewayTokenExpired"] },
        });
        // endpointUrl is write-only: the answer has its base URL; the batch settings are the SDK mapper's defaults.
        assert.deepEqual(es.destination, {
            endpointType: "WebHook",
            endpointBaseUrl: hook.url,
            maxEventsPerBatch: 1,
            preferredBatchSizeInKilobytes: 64,
        });
        assert.equal(es.eventDeliverySchema, "EventGridSchema");
        assert.equal(es.topic, `${EG}/systemTopics/sdk-topic-holder`);
        const handshake = receivedRequests(hook.logPath).slice(before);
        assert.deepEqual(
            handshake.map((h) => [h.aegEventType, h.aegSubscriptionName, h.eventType]),
            [["SubscriptionValidation", "SDK-SUB", "Microsoft.EventGrid.SubscriptionValidationEvent"]],
        );
        await eg.systemTopics.beginDeleteAndWait(RG, "sdk-topic-holder");
        const gone = await eg.systemTopicEventSubscriptions
            .get(RG, "sdk-topic-holder", "sdk-sub")
            .catch((e: { statusCode?: number }) => e.statusCode);
        assert.equal(gone, 404, "deleting the topic deletes its subscriptions");
    });

    it("authorization and identities: a custom role, an identity and its federated credential, an assignment", async () => {
        const msi = new ManagedServiceIdentityClient(credential, SUB, opts());
        const id = await msi.userAssignedIdentities.createOrUpdate(RG, "gw-identity", { location: "westeurope" });
        assert.equal(id.tenantId, TENANT);
        assert.match(id.principalId ?? "", /^[0-9a-f-]{36}$/);
        const fic = await msi.federatedIdentityCredentials.createOrUpdate(RG, "gw-identity", "gw-fic", {
            issuer: "https://oidc.example/issuer",
            subject: "system:serviceaccount:ns:sa",
            audiences: ["api://AzureADTokenExchange"],
        });
        assert.deepEqual(fic.audiences, ["api://AzureADTokenExchange"]);
        const missing = await msi.federatedIdentityCredentials
            .createOrUpdate(RG, "no-identity", "gw-fic", { issuer: "https://x", subject: "s", audiences: ["a"] })
            .catch((e: { statusCode?: number }) => e.statusCode);
        assert.equal(missing, 404, "a credential of an identity that does not exist");
        const auth = new AuthorizationManagementClient(credential, SUB, opts());
        const scope = `/subscriptions/${SUB}/resourceGroups/${RG}`;
        const roleId = "8f7e6d5c-4b3a-4291-8f7e-6d5c4b3a2918";
        const role = await auth.roleDefinitions.createOrUpdate(scope, roleId, {
            roleName: "Gateway config reader (test)",
            roleType: "CustomRole",
            permissions: [
                {
                    actions: [],
                    notActions: [],
                    dataActions: ["Microsoft.ApiManagement/service/gateways/getConfiguration/action"],
                    notDataActions: [],
                },
            ],
            assignableScopes: [scope],
        });
        assert.equal(role.roleType, "CustomRole");
        // A role definition is the tenant's: its id is the subscription-level one, whatever scope it was written at.
        assert.equal(role.id, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`);
        const assignment = await auth.roleAssignments.create(SERVICE, "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a", {
            roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`,
            principalId: id.principalId ?? "",
            principalType: "ServicePrincipal",
        });
        assert.equal(assignment.scope, SERVICE);
        const outside = await auth.roleAssignments
            .create(`/subscriptions/${SUB}/resourceGroups/rg-other`, "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5b", {
                roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`,
                principalId: id.principalId ?? "",
            })
            .catch((e: { statusCode?: number }) => e.statusCode);
        assert.equal(outside, 404, "a scope whose resource group does not exist");
    });
});

describe("stand-ins: Event Grid's filters, as documented", () => {
    const event = (over: Partial<EventGridEvent> = {}): EventGridEvent => ({
        id: "1",
        topic: SERVICE,
        subject: "/gateways/gw/gw-node-1",
        data: {
            gatewayInfo: { gatewayId: `${SERVICE}/gateways/gw`, instanceId: "gw-node-1" },
            tokenInfo: { expiresAtUtc: "2030-01-01T00:00:00Z" },
        },
        eventType: "Microsoft.ApiManagement.GatewayTokenNearExpiry",
        dataVersion: "1",
        metadataVersion: "1",
        eventTime: "2030-01-01T00:00:00Z",
        ...over,
    });

    it("API Management's token events in the wire schema of @azure/eventgrid's mappers", async () => {
        const contracts = await loadContracts();
        const serializer = serializerLike(contracts[0].serializer, eventDataMappers());
        const e = gatewayTokenEvent(serializer, {
            kind: "expired",
            serviceId: SERVICE,
            gatewayName: "gw",
            gatewayId: "gw",
            instanceId: "node-7",
            at: "2030-02-03T04:05:00Z",
            now: new Date("2030-02-03T04:06:00Z"),
        });
        assert.deepEqual(
            { ...e, id: "x" },
            {
                id: "x",
                topic: SERVICE,
                subject: "/gateways/gw/node-7",
                data: { gatewayInfo: { gatewayId: "gw", instanceId: "node-7" }, tokenInfo: { expiredAtUtc: "2030-02-03T04:05:00Z" } },
                eventType: "Microsoft.ApiManagement.GatewayTokenExpired",
                dataVersion: "1",
                metadataVersion: "1",
                eventTime: "2030-02-03T04:06:00.000Z",
            },
        );
    });

    it("the JavaScript model's key `data.gateway.gatewayId` matches no event: the wire carries gatewayInfo", () => {
        assert.equal(
            advancedFilterMatches({ operatorType: "StringContains", key: "data.gateway.gatewayId", values: ["gw"] }, event(), false),
            false,
        );
        assert.equal(
            advancedFilterMatches({ operatorType: "StringContains", key: "data.gatewayInfo.gatewayId", values: ["gw"] }, event(), false),
            true,
        );
    });

    it("StringContains on the bare name matches another gateway's events; StringIn on the name or the id does not", () => {
        const prod = event({ data: { gatewayInfo: { gatewayId: `${SERVICE}/gateways/gw-prod`, instanceId: "n" } } });
        assert.equal(
            advancedFilterMatches({ operatorType: "StringContains", key: "data.gatewayInfo.gatewayId", values: ["gw"] }, prod, false),
            true,
        );
        const exact = { operatorType: "StringIn", key: "data.gatewayInfo.gatewayId", values: ["gw", `${SERVICE}/gateways/gw`] };
        assert.equal(advancedFilterMatches(exact, prod, false), false);
        assert.equal(advancedFilterMatches(exact, event(), false), true);
        assert.equal(
            advancedFilterMatches(exact, event({ data: { gatewayInfo: { gatewayId: "GW" } } }), false),
            true,
            "string comparisons are case-insensitive",
        );
    });

    it("a missing key: not matched, except for the NotIn operators and IsNullOrUndefined", () => {
        const f = (operatorType: string) => advancedFilterMatches({ operatorType, key: "data.nothing", values: ["x"] }, event(), false);
        assert.deepEqual(
            ["StringIn", "StringContains", "StringNotContains", "StringNotIn", "NumberNotIn", "IsNullOrUndefined", "IsNotNull"].map(f),
            [false, false, false, true, true, true, false],
        );
    });

    it("event types, subject filters (case-insensitive unless isSubjectCaseSensitive), and every filter must pass", () => {
        assert.equal(filterMatches({ includedEventTypes: ["Microsoft.ApiManagement.GatewayTokenExpired"] }, event()), false);
        assert.equal(filterMatches({ includedEventTypes: ["All"] }, event()), true);
        assert.equal(filterMatches({ subjectBeginsWith: "/GATEWAYS/gw/" }, event()), true);
        assert.equal(filterMatches({ subjectBeginsWith: "/GATEWAYS/gw/", isSubjectCaseSensitive: true }, event()), false);
        assert.equal(filterMatches({ subjectEndsWith: "node-2" }, event()), false);
        assert.equal(
            filterMatches(
                {
                    advancedFilters: [
                        { operatorType: "StringIn", key: "eventType", values: ["Microsoft.ApiManagement.GatewayTokenNearExpiry"] },
                        { operatorType: "StringBeginsWith", key: "subject", values: ["/gateways/other/"] },
                    ],
                },
                event(),
            ),
            false,
        );
    });

    it("publishes from the instance's topic to the subscriptions whose filter matches, each once", async () => {
        await call("PUT", `${SERVICE}/gateways/gw-prod`, "2024-05-01", gatewayBody);
        const sub = (name: string, gw: string) =>
            call("PUT", `${EG}/systemTopics/apim-events/eventSubscriptions/${name}`, "2025-02-15", {
                properties: {
                    destination: { endpointType: "WebHook", properties: { endpointUrl: `${hook.url}/${name}` } },
                    filter: {
                        includedEventTypes: [
                            "Microsoft.ApiManagement.GatewayTokenNearExpiry",
                            "Microsoft.ApiManagement.GatewayTokenExpired",
                        ],
                        advancedFilters: [
                            { operatorType: "StringIn", key: "data.gatewayInfo.gatewayId", values: [gw, `${SERVICE}/gateways/${gw}`] },
                        ],
                    },
                },
            });
        assert.equal((await sub("gw-alerts", "gw")).status, 201);
        assert.equal((await sub("gw-prod-alerts", "gw-prod")).status, 201);
        const before = receivedRequests(hook.logPath).length;
        const r = await control("events", { eventType: "Microsoft.ApiManagement.GatewayTokenExpired", gateway: "gw", service: SVC });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const deliveries = r.json.deliveries as { subscription: string; status: number }[];
        assert.deepEqual(
            deliveries.map((d) => [d.subscription.split("/").pop(), d.status]),
            [["gw-alerts", 200]],
        );
        const got = receivedRequests(hook.logPath).slice(before);
        assert.deepEqual(
            got.map((g) => [g.path, g.aegEventType, g.aegSubscriptionName, g.eventType, g.subject, g.events]),
            [
                [
                    "/hooks/token-expiry/gw-alerts",
                    "Notification",
                    "GW-ALERTS",
                    "Microsoft.ApiManagement.GatewayTokenExpired",
                    "/gateways/gw/gw-node-1",
                    1,
                ],
            ],
        );
        const byName = await control("events", {
            eventType: "Microsoft.ApiManagement.GatewayTokenNearExpiry",
            gateway: "gw-prod",
            service: SVC,
            gatewayIdForm: "name",
        });
        assert.deepEqual(
            (byName.json.deliveries as { subscription: string }[]).map((d) => d.subscription.split("/").pop()),
            ["gw-prod-alerts"],
        );
        const unknown = await control("events", { eventType: "Microsoft.ApiManagement.GatewayTokenExpired", gateway: "nope" });
        assert.equal(unknown.status, 400);
    });
});

describe("stand-ins: the azure-native plugin sends what azure-native sends", () => {
    it("every input of every type is a path parameter or a property of the SDK contract's body (no input is dropped)", async () => {
        const contracts = await loadContracts();
        for (const t of NATIVE_TYPES) {
            const facts = nativeFacts(t.token);
            const c = contractNamed(contracts, `${t.group}.${t.create}`, facts.apiVersion);
            const props = Object.keys(
                c.body
                    ? (c.serializer.modelMappers[c.body.mapper.type.className ?? ""]?.type.modelProperties ??
                          c.body.mapper.type.modelProperties ??
                          {})
                    : {},
            );
            const stray = facts.inputs.filter((k) => !c.pathParams.some((p) => p.name === k) && !props.includes(k));
            assert.deepEqual(stray, [], `${t.token}: inputs neither in the path nor in the body`);
        }
    });

    it("the api-versions are azure-native 3.28.0's own", () => {
        assert.deepEqual(Object.fromEntries(NATIVE_TYPES.map((t) => [t.token.split(":")[2], nativeFacts(t.token).apiVersion])), {
            Gateway: "2024-05-01",
            GatewayApiEntityTag: "2024-05-01",
            GatewayHostnameConfiguration: "2024-05-01",
            GatewayCertificateAuthority: "2024-05-01",
            RoleDefinition: "2022-05-01-preview",
            RoleAssignment: "2022-04-01",
            UserAssignedIdentity: "2023-01-31",
            FederatedIdentityCredential: "2023-01-31",
            SystemTopic: "2025-02-15",
            SystemTopicEventSubscription: "2025-02-15",
        });
    });

    it("a webhook subscription's body on the wire: flattened names under properties, as the SDK serializes them", async () => {
        const contracts = await loadContracts();
        const c = contractNamed(contracts, "eventgrid systemTopicEventSubscriptions.createOrUpdate", "2025-02-15");
        const lenient = serializerLike(c.serializer, lenientMappers(c.serializer.modelMappers));
        const wire = lenient.serialize(
            c.body!.mapper,
            {
                destination: { endpointType: "WebHook", endpointUrl: "https://h.example/x", minimumTlsVersionAllowed: "1.2" },
                filter: { includedEventTypes: ["A"], advancedFilters: [{ operatorType: "StringIn", key: "data.k", values: ["v"] }] },
                eventDeliverySchema: "EventGridSchema",
            },
            "body",
        );
        assert.deepEqual(wire, {
            properties: {
                destination: {
                    endpointType: "WebHook",
                    properties: { endpointUrl: "https://h.example/x", minimumTlsVersionAllowed: "1.2" },
                },
                filter: { includedEventTypes: ["A"], advancedFilters: [{ operatorType: "StringIn", key: "data.k", values: ["v"] }] },
                eventDeliverySchema: "EventGridSchema",
            },
        });
        const checked = validateWire(c.serializer, c.body!.mapper, wire, "", c.sdk);
        assert.deepEqual(checked.problems, []);
        assert.deepEqual(checked.ignored, []);
        const p = armPath(c, { resourceGroupName: "rg", systemTopicName: "t", eventSubscriptionName: "s" }, SUB);
        assert.equal(p, `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.EventGrid/systemTopics/t/eventSubscriptions/s`);
        const role = contractNamed(contracts, "authorization roleAssignments.create");
        assert.equal(
            armPath(role, { scope: SERVICE, roleAssignmentName: "n" }, SUB),
            `${SERVICE}/providers/Microsoft.Authorization/roleAssignments/n`,
        );
    });

    it("check: azure-native's message for each missing required input; the name auto-named once", async () => {
        const contracts = await loadContracts();
        const fic = contractNamed(contracts, "msi federatedIdentityCredentials.createOrUpdate");
        const facts = nativeFacts("azure-native:managedidentity:FederatedIdentityCredential");
        const urn = "urn:pulumi:s::p::azure-native:managedidentity:FederatedIdentityCredential::gw-fic";
        assert.deepEqual(checkInputs(facts.required, fic, urn, undefined, { resourceGroupName: "rg", resourceName: "id" }).failures, [
            { property: "audiences", reason: "Missing required property 'audiences'" },
            { property: "issuer", reason: "Missing required property 'issuer'" },
            { property: "subject", reason: "Missing required property 'subject'" },
        ]);
        const full = { resourceGroupName: "rg", resourceName: "id", audiences: ["a"], issuer: "https://i", subject: "s" };
        const first = checkInputs(facts.required, fic, urn, undefined, full).inputs.federatedIdentityCredentialResourceName as string;
        assert.match(first, /^gw-fic[0-9a-f]{8}$/);
        assert.equal(
            checkInputs(facts.required, fic, urn, { federatedIdentityCredentialResourceName: first }, full).inputs
                .federatedIdentityCredentialResourceName,
            first,
        );
    });

    it("state: ARM's answer laid over the inputs keeps write-only inputs and secrets; diff compares what the inputs set", () => {
        const secret = secretValue({ endpointType: "WebHook", endpointUrl: "https://h/x?code=1" });
        const laid = overlay(
            { destination: secret, name: "n" },
            { destination: { endpointType: "WebHook", endpointBaseUrl: "https://h/x" } },
        ) as Record<string, unknown>;
        assert.deepEqual(
            laid.destination,
            secretValue({ endpointType: "WebHook", endpointUrl: "https://h/x?code=1", endpointBaseUrl: "https://h/x" }),
        );
        assert.equal(covers({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2], d: 3 }, e: 4 }), true);
        assert.equal(covers({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [2, 1] } }), false);
    });
});
