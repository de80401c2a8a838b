// TEST DOUBLE: the azure-native resource types the stand-in plugin implements, and how each maps to an ARM
// path and body. Only what the component registers; outputs follow azure-native's names (id, name, ...).
const SUB = "00000000-0000-4000-8000-0000000000e2";

export interface ArmType {
    apiVersion: string;
    /** The ARM path of the resource from its inputs. */
    path: (i: Record<string, unknown>) => string;
    /** The names of the resource's own inputs (the ones whose change is a diff). */
    inputKeys: string[];
    /** Inputs that name the resource: a change replaces it. */
    replaceOn: string[];
    /** The `properties` of the PUT body. */
    properties: (i: Record<string, unknown>) => Record<string, unknown>;
}

const pick = (i: Record<string, unknown>, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => i[k] !== undefined).map((k) => [k, i[k]]));
const apim = (i: Record<string, unknown>) =>
    `/subscriptions/${SUB}/resourceGroups/${i.resourceGroupName}/providers/Microsoft.ApiManagement/service/${i.serviceName}`;

export const ARM_TYPES: Record<string, ArmType> = {
    "azure-native:apimanagement:Gateway": {
        apiVersion: "2024-05-01",
        path: (i) => `${apim(i)}/gateways/${i.gatewayId}`,
        inputKeys: ["resourceGroupName", "serviceName", "gatewayId", "locationData", "description"],
        replaceOn: ["resourceGroupName", "serviceName", "gatewayId"],
        properties: (i) => pick(i, ["locationData", "description"]),
    },
    "azure-native:apimanagement:GatewayApiEntityTag": {
        apiVersion: "2024-05-01",
        path: (i) => `${apim(i)}/gateways/${i.gatewayId}/apis/${i.apiId}`,
        inputKeys: ["resourceGroupName", "serviceName", "gatewayId", "apiId"],
        replaceOn: ["resourceGroupName", "serviceName", "gatewayId", "apiId"],
        properties: () => ({}),
    },
    "azure-native:eventgrid:SystemTopic": {
        apiVersion: "2025-02-15",
        path: (i) =>
            `/subscriptions/${SUB}/resourceGroups/${i.resourceGroupName}/providers/Microsoft.EventGrid/systemTopics/${i.systemTopicName}`,
        inputKeys: ["resourceGroupName", "systemTopicName", "source", "topicType", "location"],
        replaceOn: ["resourceGroupName", "systemTopicName", "source", "topicType"],
        properties: (i) => pick(i, ["source", "topicType"]),
    },
    "azure-native:eventgrid:SystemTopicEventSubscription": {
        apiVersion: "2025-02-15",
        path: (i) =>
            `/subscriptions/${SUB}/resourceGroups/${i.resourceGroupName}/providers/Microsoft.EventGrid/systemTopics/${i.systemTopicName}/eventSubscriptions/${i.eventSubscriptionName}`,
        inputKeys: ["resourceGroupName", "systemTopicName", "eventSubscriptionName", "destination", "filter", "eventDeliverySchema"],
        replaceOn: ["resourceGroupName", "systemTopicName", "eventSubscriptionName"],
        properties: (i) => pick(i, ["destination", "filter", "eventDeliverySchema"]),
    },
};

export const replaceKeys = (t: ArmType) => t.replaceOn;
/** The resource's own inputs. */
export const ownInputs = (t: ArmType, i: Record<string, unknown>) => pick(i, t.inputKeys);
export const armPath = (t: ArmType, i: Record<string, unknown>) => t.path(i);
export const armBody = (t: ArmType, i: Record<string, unknown>) => ({ properties: t.properties(i) });

/** azure-native's outputs: the inputs, the ARM id and name, and the properties the server returned. */
export function armOutputs(t: ArmType, i: Record<string, unknown>, res: Record<string, unknown> | undefined): Record<string, unknown> {
    const id = t.path(i);
    return {
        ...ownInputs(t, i),
        ...((res?.properties as Record<string, unknown>) ?? {}),
        id,
        name: id.split("/").pop(),
        azureApiVersion: t.apiVersion,
    };
}

/**
 * The package schema the stand-in serves (GetSchema), for programs that name these types themselves, such as a
 * Pulumi YAML program: the resource tokens and input names of @pulumi/azure-native 3.28.0 (e.g.
 * `apimanagement/gateway.d.ts`, `GatewayArgs`), each input of any type, and the outputs `id`, `name` and
 * `azureApiVersion` the stand-in returns. Only the types above.
 */
export function standInSchema(version: string): Record<string, unknown> {
    const any = { $ref: "pulumi.json#/Any" };
    const resources = Object.fromEntries(
        Object.entries(ARM_TYPES).map(([token, t]) => [
            token,
            {
                inputProperties: Object.fromEntries(t.inputKeys.map((k) => [k, any])),
                requiredInputs: t.replaceOn,
                properties: Object.fromEntries([...t.inputKeys, "name", "azureApiVersion"].map((k) => [k, any])),
            },
        ]),
    );
    return { name: "azure-native", version, resources };
}
