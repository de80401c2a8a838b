// Pure helpers for the Azure side of workload identity: ARM ids, the two custom roles Microsoft
// documents for the self-hosted gateway, and deterministic (name-based) GUIDs for role resources.
import * as crypto from "crypto";

/** Namespace of this project's name-based GUIDs (RFC 4122 version 5). Never change it: names would change. */
export const NAME_NAMESPACE = "6f1c8a52-3d0e-4b7a-9c1e-8a4d2b6e5f10";

/** RFC 4122 version-5 UUID: SHA-1 of namespace bytes + name, deterministic for a given input. */
export function uuidV5(name: string, namespace: string = NAME_NAMESPACE): string {
    const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
    if (ns.length !== 16) throw new Error(`uuidV5: namespace ${namespace} is not a UUID`);
    const hash = crypto.createHash("sha1").update(ns).update(Buffer.from(name, "utf8")).digest();
    const b = Buffer.from(hash.subarray(0, 16));
    b[6] = (b[6] & 0x0f) | 0x50; // version 5
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    const h = b.toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const GATEWAY_ID =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ApiManagement\/service\/([^/]+)\/gateways\/([^/]+)$/i;

/** The parts of a gateway's ARM id. */
export interface GatewayIdParts {
    subscriptionId: string;
    resourceGroupName: string;
    serviceName: string;
    gatewayName: string;
}

/**
 * The parts of a gateway's ARM id, or undefined when `id` is not one: the project's one parser of gateway ids
 * (the component's role names and scopes here, the token's ARM call in token/arm.ts).
 */
export function gatewayIdParts(id: string): GatewayIdParts | undefined {
    const m = GATEWAY_ID.exec(id);
    return m ? { subscriptionId: m[1], resourceGroupName: m[2], serviceName: m[3], gatewayName: m[4] } : undefined;
}

/** The parts of a gateway's ARM id; throws when it is not one. */
export function parseGatewayId(id: string): GatewayIdParts {
    const parts = gatewayIdParts(id);
    if (!parts) throw new Error(`not an API Management gateway resource id: ${id}`);
    return parts;
}

/** The APIM instance's id, from one of its gateways' ids. */
export function serviceIdOf(gatewayId: string): string {
    parseGatewayId(gatewayId);
    return gatewayId.replace(/\/gateways\/[^/]+$/i, "");
}

/** The APIM instance's resource group id, from one of its gateways' ids. */
export function resourceGroupIdOf(gatewayId: string): string {
    const p = parseGatewayId(gatewayId);
    return `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where the gateway configuration reader role is assigned, as Microsoft documents it: the API Management instance
 * (default) or its resource group ("Scope: The API Management instance (or resource group or subscription in which the
 * app is deployed)", learn.microsoft.com/azure/api-management/self-hosted-gateway-enable-workload-identity).
 */
export function readerRoleScope(gatewayId: string, roleScope: "service" | "resourceGroup" | undefined): string {
    return roleScope === "resourceGroup" ? resourceGroupIdOf(gatewayId) : serviceIdOf(gatewayId);
}

/** A role definition's full id: a GUID is completed in the gateway's subscription; a full id is kept. */
export function roleDefinitionFullId(idOrGuid: string, subscriptionId: string): string {
    return GUID.test(idOrGuid)
        ? `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${idOrGuid}`
        : idOrGuid;
}

/** A role assignment's name: stable for one (scope, principal, role), so re-runs never duplicate it. */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionId: string): string {
    return uuidV5(`role-assignment|${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionId.toLowerCase()}`);
}

/** A custom role definition's id (GUID): stable for one (scope, role name). */
export function roleDefinitionGuid(scope: string, roleName: string): string {
    return uuidV5(`role-definition|${scope.toLowerCase()}|${roleName}`);
}

/** The subject a Kubernetes ServiceAccount presents in its projected token. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** Audience of Azure AD workload identity federation tokens. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

/**
 * Microsoft's documented custom role for the identity the gateway signs in with ("API Management
 * Gateway Configuration Reader Role", learn.microsoft.com: self-hosted-gateway-enable-workload-identity,
 * include api-management-gateway-role-assignments). It is a custom role: there is no built-in one.
 * Role names are unique per tenant, so ours carries the APIM instance and gateway.
 */
export const GATEWAY_CONFIG_READER_ROLE = {
    name: "API Management Gateway Configuration Reader Role",
    description: "Can read self-hosted gateway configuration from Configuration API",
    dataActions: ["Microsoft.ApiManagement/service/gateways/getConfiguration/action"],
    actions: [] as string[],
};

/** Microsoft's documented custom role for the APIM instance's own managed identity (once per instance). */
export const CONFIG_API_VALIDATOR_ROLE = {
    name: "API Management Configuration API Access Validator Service Role",
    description: "Can access RBAC permissions on the API Management resource to authorize requests in Configuration API.",
    dataActions: [] as string[],
    actions: ["Microsoft.Authorization/*/read"],
};

/** The tenant-unique name we give a custom role: Microsoft's name plus where it applies. */
export function customRoleName(base: string, resourceGroupName: string, serviceName: string, gatewayName?: string): string {
    return `${base} (${resourceGroupName}/${serviceName}${gatewayName ? `/${gatewayName}` : ""})`;
}
