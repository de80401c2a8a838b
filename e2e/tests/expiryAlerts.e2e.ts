// Token expiry alerts on the real engine, through the stand-ins: two gateways of one API Management instance, `gw` and
// `gw-prod`, each with alerts to the webhook receiver stand-in (and `gw` also to an Azure Function and a Service Bus
// queue). Event Grid (the fake ARM) validates each webhook subscription with the handshake before delivering; a
// near-expiry and an expired event published for `gw` reach the receiver exactly once each, through `gw`'s
// subscription only; the webhook URL (its own secret stack key) stays out of the stack file and of state in plaintext;
// destroy removes every Event Grid resource.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Delivery } from "../env/fakeArm";
import { receivedRequests } from "../env/webhookReceiver";
import { exportStack, inline, pulumiCli } from "../harness/pulumi";
import { wall } from "../harness/report";
import { E2E_APIM, PROJECT, repoStack } from "../harness/stacks";
import { e2e } from "./setup";

const SUB = "00000000-0000-4000-8000-0000000000e2";
const FUNCTION = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.Web/sites/ops-app/functions/page-on-call`;
const QUEUE = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.ServiceBus/namespaces/ops-bus/queues/apim-alerts`;
const TOPIC = "apim-e2e-events";
const SERVICE_ID = `/subscriptions/${SUB}/resourceGroups/${E2E_APIM.resourceGroupName}/providers/Microsoft.ApiManagement/service/${E2E_APIM.serviceName}`;

describe("token expiry alerts through Event Grid as Microsoft documents it, on the real engine", function () {
    const stacks = [
        {
            name: "alerts-gw",
            gateway: "gw",
            namespace: "apim-gw-alerts",
            createTopic: true,
            more: { azureFunctionIds: [FUNCTION], serviceBusQueueIds: [QUEUE] },
        },
        { name: "alerts-gw-prod", gateway: "gw-prod", namespace: "apim-gw-prod-alerts", createTopic: false, more: {} },
    ];
    const dirs: Record<string, string> = {};

    it("deploys both gateways' alerts; Event Grid validated each webhook with the handshake, which the receiver answered", async () => {
        const env = e2e();
        env.arm.setClockOffset(0);
        const webhook = `${env.vars.APIM_E2E_WEBHOOK_URL}?code=e2e-webhook-k3y`;
        const before = receivedRequests(env.vars.APIM_E2E_WEBHOOK_LOG).length;
        for (const s of stacks) {
            dirs[s.name] = repoStack(
                env,
                "dev",
                (g) => {
                    g.apim.gatewayName = s.gateway;
                    (g.namespace as Record<string, unknown>).name = s.namespace;
                    g.token = {
                        ...g.token,
                        expiryAlerts: {
                            ...s.more,
                            // Azure allows one system topic per source: the first stack creates it, the second uses it.
                            systemTopic: s.createTopic ? { name: TOPIC, location: "westeurope" } : { name: TOPIC, create: false },
                        },
                    };
                },
                {},
                s.name,
            );
            // The webhook URL carries its key: the stack program takes it only from its own secret key.
            assert.equal(pulumiCli(env, ["stack", "init", s.name], dirs[s.name]).code, 0);
            const set = pulumiCli(
                env,
                ["config", "set", "--secret", `${PROJECT}:expiryAlertWebhookUrl`, webhook, "--stack", s.name],
                dirs[s.name],
            );
            assert.equal(set.code, 0, set.stderr);
            assert.equal(fs.readFileSync(path.join(dirs[s.name], `Pulumi.${s.name}.yaml`), "utf8").includes("e2e-webhook-k3y"), false);
            const up = await inline(env, { op: "up", stack: s.name, project: PROJECT, workDir: dirs[s.name] });
            wall(`alerts: up ${s.gateway}`, up.ms);
            assert.equal(up.result.ok, true, up.result.error);
            assert.equal(
                exportStack(env, dirs[s.name], s.name).includes("e2e-webhook-k3y"),
                false,
                "the webhook URL is in state in plaintext",
            );
        }
        const handshakes = receivedRequests(env.vars.APIM_E2E_WEBHOOK_LOG).slice(before);
        assert.deepEqual(
            handshakes.map((h) => [h.aegEventType, h.aegSubscriptionName, h.eventType]),
            [
                ["SubscriptionValidation", "GW-TOKEN-EXPIRY", "Microsoft.EventGrid.SubscriptionValidationEvent"],
                ["SubscriptionValidation", "GW-PROD-TOKEN-EXPIRY", "Microsoft.EventGrid.SubscriptionValidationEvent"],
            ],
        );
        const state = (await (await fetch(env.arm.controlUrl)).json()) as { resources: string[] };
        assert.deepEqual(
            state.resources.filter((r) => r.includes("Microsoft.EventGrid")).sort(),
            [
                `/subscriptions/${SUB}/resourceGroups/${E2E_APIM.resourceGroupName}/providers/Microsoft.EventGrid/systemTopics/${TOPIC}`,
                ...["gw-prod-token-expiry", "gw-token-expiry", "gw-token-expiry-fn0", "gw-token-expiry-sbq0"].map(
                    (n) =>
                        `/subscriptions/${SUB}/resourceGroups/${E2E_APIM.resourceGroupName}/providers/Microsoft.EventGrid/systemTopics/${TOPIC}/eventSubscriptions/${n}`,
                ),
            ].sort(),
        );
    });

    it("a near-expiry and an expired event for gw each reach the receiver exactly once, through gw's subscription only", async () => {
        const env = e2e();
        const before = receivedRequests(env.vars.APIM_E2E_WEBHOOK_LOG).length;
        const publish = async (eventType: string, expiresAtUtc: string) => {
            const res = await fetch(`${env.vars.APIM_E2E_ARM_CONTROL}events`, {
                method: "POST",
                body: JSON.stringify({ eventType, gateway: "gw", expiresAtUtc }),
            });
            assert.equal(res.status, 200);
            return ((await res.json()) as { deliveries: Delivery[] }).deliveries;
        };
        const near = await publish("Microsoft.ApiManagement.GatewayTokenNearExpiry", "2030-01-08T00:00:00Z");
        const expired = await publish("Microsoft.ApiManagement.GatewayTokenExpired", "2030-01-15T00:00:00Z");
        const topic = `/subscriptions/${SUB}/resourceGroups/${E2E_APIM.resourceGroupName}/providers/Microsoft.EventGrid/systemTopics/${TOPIC}`;
        for (const [deliveries, eventType] of [
            [near, "Microsoft.ApiManagement.GatewayTokenNearExpiry"],
            [expired, "Microsoft.ApiManagement.GatewayTokenExpired"],
        ] as const) {
            assert.deepEqual(
                deliveries
                    .map((d) => [
                        d.subscription.replace(`${topic}/eventSubscriptions/`, ""),
                        d.endpointType,
                        d.endpoint,
                        d.eventType,
                        d.status,
                    ])
                    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
                [
                    ["gw-token-expiry", "WebHook", env.vars.APIM_E2E_WEBHOOK_URL, eventType, 200],
                    ["gw-token-expiry-fn0", "AzureFunction", FUNCTION, eventType, "recorded"],
                    ["gw-token-expiry-sbq0", "ServiceBusQueue", QUEUE, eventType, "recorded"],
                ],
            );
        }
        const received = receivedRequests(env.vars.APIM_E2E_WEBHOOK_LOG).slice(before);
        assert.deepEqual(
            received.map((r) => ({
                aeg: r.aegEventType,
                subscription: r.aegSubscriptionName,
                eventType: r.eventType,
                subject: r.subject,
                data: r.data,
                events: r.events,
            })),
            [
                {
                    aeg: "Notification",
                    subscription: "GW-TOKEN-EXPIRY",
                    eventType: "Microsoft.ApiManagement.GatewayTokenNearExpiry",
                    subject: "/gateways/gw/gw-node-1",
                    data: {
                        gatewayInfo: { gatewayId: `${SERVICE_ID}/gateways/gw`, instanceId: "gw-node-1" },
                        tokenInfo: { expiresAtUtc: "2030-01-08T00:00:00Z" },
                    },
                    events: 1,
                },
                {
                    aeg: "Notification",
                    subscription: "GW-TOKEN-EXPIRY",
                    eventType: "Microsoft.ApiManagement.GatewayTokenExpired",
                    subject: "/gateways/gw/gw-node-1",
                    data: {
                        gatewayInfo: { gatewayId: `${SERVICE_ID}/gateways/gw`, instanceId: "gw-node-1" },
                        tokenInfo: { expiredAtUtc: "2030-01-15T00:00:00Z" },
                    },
                    events: 1,
                },
            ],
        );
    });

    it("destroy removes both gateways' subscriptions and the topic", async () => {
        const env = e2e();
        for (const s of [...stacks].reverse()) {
            const destroy = await inline(env, { op: "destroy", stack: s.name, project: PROJECT, workDir: dirs[s.name] });
            wall(`alerts: destroy ${s.gateway}`, destroy.ms);
            assert.equal(destroy.result.ok, true, destroy.result.error);
        }
        const state = (await (await fetch(env.arm.controlUrl)).json()) as { resources: string[] };
        assert.deepEqual(
            state.resources.filter((r) => r.includes("Microsoft.EventGrid") || r.includes("/gateways/gw")),
            [],
        );
    });
});
