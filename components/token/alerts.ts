// Token expiry alerts: API Management's own Event Grid events `GatewayTokenNearExpiry` and `GatewayTokenExpired`,
// routed from the instance's system topic to the user's receivers: a webhook, Azure Functions, Service Bus queues
// (Event Grid handlers that take API Management's events; Azure Monitor alerts take Key Vault's only). They fire even
// when nothing here runs: the last line of defence if rotation stops.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import type { TokenExpiryAlertsArgs } from "../args";
import { serviceIdOf } from "../azureIds";

export const TOKEN_EVENT_TYPES = ["Microsoft.ApiManagement.GatewayTokenNearExpiry", "Microsoft.ApiManagement.GatewayTokenExpired"];
export const APIM_TOPIC_TYPE = "Microsoft.ApiManagement.Service";
/**
 * Where the events name their gateway, on the wire: `data.gatewayInfo.gatewayId` (Event Grid's API Management event
 * schema; @azure/eventgrid's mappers serialize the model's `gateway` as `gatewayInfo`). Event Grid filters the wire.
 */
export const GATEWAY_ID_KEY = "data.gatewayInfo.gatewayId";

/**
 * The subscription filter: the two token events of this gateway and no other. `StringIn` matches a value exactly
 * (without case), so gateway `gw` never matches `gw-prod`. Microsoft documents `gatewayId` as the gateway's fully
 * qualified resource id and shows the gateway's name in its example event: both are listed.
 */
export function tokenEventFilter(gatewayName: pulumi.Input<string>, gatewayResourceId: pulumi.Input<string>) {
    return {
        includedEventTypes: TOKEN_EVENT_TYPES,
        advancedFilters: [{ operatorType: "StringIn" as const, key: GATEWAY_ID_KEY, values: [gatewayName, gatewayResourceId] }],
    };
}

/** Event subscription names: 3 to 64 characters (Event Grid REST reference, api-version 2025-02-15). */
export const MAX_SUBSCRIPTION_NAME = 64;

/**
 * An event subscription's name for this gateway: `<gateway>-<suffix>`, letters, digits and '-' only. A gateway name
 * that is longer or has other characters is shortened and made unique with a hash of it.
 */
export function subscriptionName(gatewayName: string, suffix: string): string {
    const plain = `${gatewayName}-${suffix}`;
    if (plain.length <= MAX_SUBSCRIPTION_NAME && /^[A-Za-z0-9-]+$/.test(plain)) return plain;
    const hash = crypto.createHash("sha256").update(gatewayName).digest("hex").slice(0, 8);
    const room = MAX_SUBSCRIPTION_NAME - suffix.length - hash.length - 2;
    const base = gatewayName
        .replace(/[^A-Za-z0-9-]+/g, "-")
        .slice(0, room)
        .replace(/-+$/, "");
    return `${base}-${hash}-${suffix}`;
}

export interface ExpiryAlerts {
    systemTopic?: eventgrid.SystemTopic;
    subscriptions: eventgrid.SystemTopicEventSubscription[];
}

type Destination = NonNullable<eventgrid.SystemTopicEventSubscriptionArgs["destination"]>;

/** The receivers of the alerts, as event subscription destinations (azure-native's input shape). */
export function destinations(a: TokenExpiryAlertsArgs) {
    /** `resource`: the Pulumi resource name's suffix; `suffix`: the event subscription name's. */
    const out: { resource: string; suffix: string; destination: Destination; secret: boolean }[] = [];
    if (a.webhookUrl !== undefined) {
        out.push({
            resource: "token-expiry-webhook",
            suffix: "token-expiry",
            destination: { endpointType: "WebHook" as const, endpointUrl: pulumi.secret(a.webhookUrl), minimumTlsVersionAllowed: "1.2" },
            secret: true,
        });
    }
    (a.azureFunctionIds ?? []).forEach((resourceId, i) =>
        out.push({
            resource: `token-expiry-fn${i}`,
            suffix: `token-expiry-fn${i}`,
            destination: { endpointType: "AzureFunction" as const, resourceId },
            secret: false,
        }),
    );
    (a.serviceBusQueueIds ?? []).forEach((resourceId, i) =>
        out.push({
            resource: `token-expiry-sbq${i}`,
            suffix: `token-expiry-sbq${i}`,
            destination: { endpointType: "ServiceBusQueue" as const, resourceId },
            secret: false,
        }),
    );
    return out;
}

export function expiryAlerts(
    name: string,
    apim: { resourceGroupName: pulumi.Input<string>; gatewayName: pulumi.Input<string> },
    a: TokenExpiryAlertsArgs,
    gatewayId: pulumi.Output<string>,
    opts: pulumi.CustomResourceOptions,
): ExpiryAlerts {
    const resourceGroupName = a.systemTopic.resourceGroupName ?? apim.resourceGroupName;
    const systemTopic =
        a.systemTopic.create === false
            ? undefined
            : new eventgrid.SystemTopic(
                  `${name}-events`,
                  {
                      resourceGroupName,
                      systemTopicName: a.systemTopic.name,
                      location: a.systemTopic.location,
                      source: gatewayId.apply(serviceIdOf),
                      topicType: APIM_TOPIC_TYPE,
                  },
                  opts,
              );
    const subscriptionOpts = systemTopic ? pulumi.mergeOptions(opts, { dependsOn: systemTopic }) : opts;
    const subscriptions = destinations(a).map(
        (d) =>
            new eventgrid.SystemTopicEventSubscription(
                `${name}-${d.resource}`,
                {
                    resourceGroupName,
                    systemTopicName: a.systemTopic.name,
                    eventSubscriptionName: pulumi.output(apim.gatewayName).apply((g) => subscriptionName(g, d.suffix)),
                    filter: tokenEventFilter(apim.gatewayName, gatewayId),
                    eventDeliverySchema: "EventGridSchema",
                    destination: d.destination,
                },
                // A webhook URL often carries a key: secret in state whatever the provider returns for it.
                d.secret ? pulumi.mergeOptions(subscriptionOpts, { additionalSecretOutputs: ["destination"] }) : subscriptionOpts,
            ),
    );
    return { systemTopic, subscriptions };
}
