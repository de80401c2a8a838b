// Token expiry alerts: API Management's token events routed to a webhook and Azure Monitor action groups.
import { strict as assert } from "assert";
import { SelfHostedGateway, SelfHostedGatewayArgs, validateArgs } from "../components";
import { CLOCK } from "./expected";
import { buildComponent, FAKE_SUBSCRIPTION, ofType, one } from "./harness";

const TOPIC = "azure-native:eventgrid:SystemTopic";
const SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const ACTION_GROUP = "/subscriptions/s/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/on-call";
const WEBHOOK = "https://alerts.contoso.example/hooks/apim?code=k3y";
const FILTER = {
    includedEventTypes: ["Microsoft.ApiManagement.GatewayTokenNearExpiry", "Microsoft.ApiManagement.GatewayTokenExpired"],
    advancedFilters: [{ operatorType: "StringContains", key: "data.gateway.gatewayId", values: ["edge"] }],
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
                actionGroupIds: [ACTION_GROUP],
                severity: "Sev2",
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
        assert.deepEqual(one(resources, SUBSCRIPTION, "edge-token-expiry-alert").inputs, {
            resourceGroupName: "rg-apim",
            systemTopicName: "contoso-apim-events",
            eventSubscriptionName: "edge-token-expiry-alert",
            filter: FILTER,
            eventDeliverySchema: "EventGridSchema",
            destination: {
                endpointType: "MonitorAlert",
                actionGroups: [ACTION_GROUP],
                severity: "Sev2",
                description: "API Management gateway edge: its access token is about to expire or has expired",
            },
        });
    });

    it("uses an existing topic in its own resource group, and Sev1 by default", async () => {
        const { resources } = await build(
            args({ actionGroupIds: [ACTION_GROUP], systemTopic: { name: "shared-events", create: false, resourceGroupName: "rg-events" } }),
        );
        assert.equal(ofType(resources, TOPIC).length, 0);
        assert.deepEqual(
            ofType(resources, SUBSCRIPTION).map((r) => r.name),
            ["edge-token-expiry-alert"],
        );
        const inputs = one(resources, SUBSCRIPTION).inputs as {
            resourceGroupName: string;
            systemTopicName: string;
            destination: { severity: string };
        };
        assert.deepEqual(
            [inputs.resourceGroupName, inputs.systemTopicName, inputs.destination.severity],
            ["rg-events", "shared-events", "Sev1"],
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
            "args.token.expiryAlerts: names no receiver; set webhookUrl (an https:// endpoint) and/or actionGroupIds (Azure Monitor action groups)",
            "args.token.expiryAlerts.systemTopic.location: required when the component creates the topic; set the API Management instance's region " +
                "(e.g. westeurope), or set args.token.expiryAlerts.systemTopic.create: false for an existing topic",
        ]);
        assert.deepEqual(problems(args({ webhookUrl: WEBHOOK, severity: "Sev0", systemTopic: { name: "t", create: false } })), [
            "args.token.expiryAlerts.severity: only applies to actionGroupIds; remove it or add action groups",
        ]);
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
                actionGroupIds: ["/subscriptions/s/nope"],
                systemTopic: { name: "t", create: false },
            }),
        );
        assert.equal(bad.length, 2, bad.join("\n"));
        assert.match(bad.join("\n"), /args\.token\.expiryAlerts\.webhookUrl: .*https/);
        assert.match(bad.join("\n"), /args\.token\.expiryAlerts\.actionGroupIds\[0\]: .*must be an action group id/);
    });
});
