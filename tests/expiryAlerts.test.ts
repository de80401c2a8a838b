// Token expiry alerts: API Management's token events of this gateway routed to a webhook, Azure Functions and Service
// Bus queues, filtered on the events' wire field.
import { strict as assert } from "assert";
import { SelfHostedGateway, SelfHostedGatewayArgs, validateArgs } from "../components";
import { CLOCK } from "./expected";
import { buildComponent, FAKE_SUBSCRIPTION, ofType, one } from "./harness";
import { MAX_SUBSCRIPTION_NAME, subscriptionName } from "../components/token/alerts";

const TOPIC = "azure-native:eventgrid:SystemTopic";
const SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const FUNCTION = "/subscriptions/s/resourceGroups/rg-ops/providers/Microsoft.Web/sites/ops-app/functions/page-on-call";
const QUEUE = "/subscriptions/s/resourceGroups/rg-ops/providers/Microsoft.ServiceBus/namespaces/ops-bus/queues/apim-alerts";
const WEBHOOK = "https://alerts.contoso.example/hooks/apim?code=k3y";
const GATEWAY_ID = `/subscriptions/${FAKE_SUBSCRIPTION}/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim/gateways/edge`;
const FILTER = {
    includedEventTypes: ["Microsoft.ApiManagement.GatewayTokenNearExpiry", "Microsoft.ApiManagement.GatewayTokenExpired"],
    // The events' wire field (gatewayInfo, not the JavaScript model's `gateway`), matched exactly: the name or the id.
    advancedFilters: [{ operatorType: "StringIn", key: "data.gatewayInfo.gatewayId", values: ["edge", GATEWAY_ID] }],
    // azure-native's default.
    isSubjectCaseSensitive: false,
};

function args(
    expiryAlerts: NonNullable<SelfHostedGatewayArgs["token"]>["expiryAlerts"],
    extra: Partial<SelfHostedGatewayArgs> = {},
): SelfHostedGatewayArgs {
    return {
        environment: "dev",
        apim: { resourceGroupName: "rg-apim", serviceName: "contoso-apim", gatewayName: "edge", location: { name: "aks-weu" } },
        namespace: { name: "gw", podSecurityLevel: "restricted" },
        token: { expiryAlerts },
        ...extra,
    };
}

async function build(a: SelfHostedGatewayArgs) {
    return buildComponent(() => {
        const gw = new SelfHostedGateway("edge", a);
        return { gw, d: gw.deploymentName };
    }, CLOCK);
}

describe("token expiry alerts", () => {
    it("creates the instance's system topic and one subscription per receiver, filtered to this gateway's token events", async () => {
        const { resources } = await build(
            args({
                webhookUrl: WEBHOOK,
                azureFunctionIds: [FUNCTION],
                serviceBusQueueIds: [QUEUE],
                systemTopic: { name: "contoso-apim-events", location: "westeurope" },
            }),
        );
        assert.deepEqual(one(resources, TOPIC).inputs, {
            resourceGroupName: "rg-apim",
            systemTopicName: "contoso-apim-events",
            location: "westeurope",
            source: `/subscriptions/${FAKE_SUBSCRIPTION}/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim`,
            topicType: "Microsoft.ApiManagement.Service",
        });
        assert.deepEqual(
            ofType(resources, SUBSCRIPTION).map((r) => r.name),
            ["edge-token-expiry-webhook", "edge-token-expiry-fn0", "edge-token-expiry-sbq0"],
        );
        const webhook = one(resources, SUBSCRIPTION, "edge-token-expiry-webhook").inputs as Record<string, unknown> & {
            destination: Record<string, unknown>;
        };
        // The webhook URL is a secret (it often carries a key), which makes the destination that holds it secret.
        assert.equal(webhook.destination[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270");
        assert.deepEqual(
            { ...webhook, destination: webhook.destination.value },
            {
                resourceGroupName: "rg-apim",
                systemTopicName: "contoso-apim-events",
                eventSubscriptionName: "edge-token-expiry",
                filter: FILTER,
                eventDeliverySchema: "EventGridSchema",
                destination: { endpointType: "WebHook", endpointUrl: WEBHOOK, minimumTlsVersionAllowed: "1.2" },
            },
        );
        assert.deepEqual(one(resources, SUBSCRIPTION, "edge-token-expiry-fn0").inputs, {
            resourceGroupName: "rg-apim",
            systemTopicName: "contoso-apim-events",
            eventSubscriptionName: "edge-token-expiry-fn0",
            filter: FILTER,
            eventDeliverySchema: "EventGridSchema",
            destination: { endpointType: "AzureFunction", resourceId: FUNCTION },
        });
        assert.deepEqual(one(resources, SUBSCRIPTION, "edge-token-expiry-sbq0").inputs, {
            resourceGroupName: "rg-apim",
            systemTopicName: "contoso-apim-events",
            eventSubscriptionName: "edge-token-expiry-sbq0",
            filter: FILTER,
            eventDeliverySchema: "EventGridSchema",
            destination: { endpointType: "ServiceBusQueue", resourceId: QUEUE },
        });
    });

    it("uses an existing topic in its own resource group", async () => {
        const { resources } = await build(
            args({
                serviceBusQueueIds: [QUEUE, `${QUEUE}-2`],
                systemTopic: { name: "shared-events", create: false, resourceGroupName: "rg-events" },
            }),
        );
        assert.equal(ofType(resources, TOPIC).length, 0);
        assert.deepEqual(
            ofType(resources, SUBSCRIPTION).map((r) => {
                const i = r.inputs as { resourceGroupName: string; systemTopicName: string; eventSubscriptionName: string };
                return [r.name, i.resourceGroupName, i.systemTopicName, i.eventSubscriptionName];
            }),
            [
                ["edge-token-expiry-sbq0", "rg-events", "shared-events", "edge-token-expiry-sbq0"],
                ["edge-token-expiry-sbq1", "rg-events", "shared-events", "edge-token-expiry-sbq1"],
            ],
        );
    });

    it("names each subscription within Event Grid's 64 characters, letters, digits and '-' only", () => {
        assert.equal(subscriptionName("edge", "token-expiry"), "edge-token-expiry");
        const long = subscriptionName("g".repeat(80), "token-expiry-sbq0");
        assert.equal(long.length, MAX_SUBSCRIPTION_NAME);
        assert.match(long, /^g{37}-[0-9a-f]{8}-token-expiry-sbq0$/);
        assert.match(subscriptionName("edge.west_1", "token-expiry"), /^edge-west-1-[0-9a-f]{8}-token-expiry$/);
        assert.notEqual(
            subscriptionName("edge.west", "token-expiry"),
            subscriptionName("edge_west", "token-expiry"),
            "distinct gateways, distinct names",
        );
    });

    it("registers nothing of the kind without the option", async () => {
        const { resources } = await build(args(undefined));
        assert.deepEqual([ofType(resources, TOPIC).length, ofType(resources, SUBSCRIPTION).length], [0, 0]);
    });

    it("refuses a setup that could never alert, with one message per key", () => {
        const problems = (a: SelfHostedGatewayArgs) => {
            const r = validateArgs(a, "args");
            return r.ok ? [] : r.problems;
        };
        assert.deepEqual(problems(args({ systemTopic: { name: "t" } })), [
            "args.token.expiryAlerts: names no receiver; set webhookUrl (an https:// endpoint that answers Event Grid's validation handshake), " +
                "azureFunctionIds and/or serviceBusQueueIds",
            "args.token.expiryAlerts.systemTopic.location: required when the component creates the topic; set the API Management instance's region " +
                "(e.g. westeurope), or set args.token.expiryAlerts.systemTopic.create: false for an existing topic",
        ]);
        const retired =
            "Event Grid delivers to Azure Monitor alerts from Azure Key Vault sources only, not API Management's token events " +
            "(learn.microsoft.com/azure/event-grid/event-handlers); remove it and use webhookUrl, azureFunctionIds or serviceBusQueueIds";
        assert.deepEqual(
            problems(
                args({
                    webhookUrl: WEBHOOK,
                    actionGroupIds: ["/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/actionGroups/on-call"],
                    severity: "Sev0",
                    systemTopic: { name: "t", create: false },
                } as never),
            ),
            [`args.token.expiryAlerts.actionGroupIds: ${retired}`, `args.token.expiryAlerts.severity: ${retired}`],
        );
        assert.deepEqual(
            problems(
                args(
                    { webhookUrl: WEBHOOK, systemTopic: { name: "t", create: false } },
                    { auth: { type: "existingSecret", existingSecret: { name: "s" } } },
                ),
            ),
            [
                'args.token: only applies when args.auth.type is "token" (it is "existingSecret"): nothing is issued or rotated in this mode; remove it',
            ],
        );
        const bad = problems(
            args({
                webhookUrl: "http://alerts.example/x",
                azureFunctionIds: ["/subscriptions/s/nope"],
                serviceBusQueueIds: [FUNCTION],
                systemTopic: { name: "t", create: false },
            }),
        );
        assert.equal(bad.length, 3, bad.join("\n"));
        assert.match(bad[0], /^args\.token\.expiryAlerts\.webhookUrl: .*https/);
        assert.match(bad[1], /^args\.token\.expiryAlerts\.azureFunctionIds\[0\]: .*must be an Azure Function's resource id/);
        assert.match(bad[2], /^args\.token\.expiryAlerts\.serviceBusQueueIds\[0\]: .*must be a Service Bus queue's resource id/);
    });
});
