// Token expiry alerts: API Management's own Event Grid events `GatewayTokenNearExpiry` and `GatewayTokenExpired`,
// routed from the instance's system topic to the user's receivers (a webhook, Azure Monitor action groups). They
// fire even when nothing here runs: the last line of defence if rotation stops.
import * as pulumi from "@pulumi/pulumi";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import type { TokenExpiryAlertsArgs } from "../args";
import { serviceIdOf } from "../azureIds";

export const TOKEN_EVENT_TYPES = ["Microsoft.ApiManagement.GatewayTokenNearExpiry", "Microsoft.ApiManagement.GatewayTokenExpired"];
export const APIM_TOPIC_TYPE = "Microsoft.ApiManagement.Service";

export interface ExpiryAlerts {
    systemTopic?: eventgrid.SystemTopic;
    subscriptions: eventgrid.SystemTopicEventSubscription[];
}

/** The subscription filter: the two token events of this gateway (matched on the event's gateway id). */
export function tokenEventFilter(gatewayName: pulumi.Input<string>) {
    return {
        includedEventTypes: TOKEN_EVENT_TYPES,
        advancedFilters: [{ operatorType: "StringContains" as const, key: "data.gateway.gatewayId", values: [gatewayName] }],
    };
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
    const common = {
        resourceGroupName,
        systemTopicName: a.systemTopic.name,
        filter: tokenEventFilter(apim.gatewayName),
        eventDeliverySchema: "EventGridSchema",
    };
    const subscriptions: eventgrid.SystemTopicEventSubscription[] = [];
    if (a.webhookUrl !== undefined) {
        subscriptions.push(
            new eventgrid.SystemTopicEventSubscription(
                `${name}-token-expiry-webhook`,
                {
                    ...common,
                    eventSubscriptionName: pulumi.interpolate`${apim.gatewayName}-token-expiry`,
                    destination: { endpointType: "WebHook", endpointUrl: pulumi.secret(a.webhookUrl), minimumTlsVersionAllowed: "1.2" },
                },
                // Secret in state whatever the provider returns for it.
                pulumi.mergeOptions(subscriptionOpts, { additionalSecretOutputs: ["destination"] }),
            ),
        );
    }
    if (a.actionGroupIds !== undefined) {
        subscriptions.push(
            new eventgrid.SystemTopicEventSubscription(
                `${name}-token-expiry-alert`,
                {
                    ...common,
                    eventSubscriptionName: pulumi.interpolate`${apim.gatewayName}-token-expiry-alert`,
                    destination: {
                        endpointType: "MonitorAlert",
                        actionGroups: a.actionGroupIds,
                        severity: a.severity ?? "Sev1",
                        description: pulumi.interpolate`API Management gateway ${apim.gatewayName}: its access token is about to expire or has expired`,
                    },
                },
                subscriptionOpts,
            ),
        );
    }
    return { systemTopic, subscriptions };
}
