// Workload identity in Azure: a user-assigned identity, its federated credential for the cluster's OIDC issuer
// and the gateway's ServiceAccount, and the role that lets it read the gateway's configuration (Microsoft
// documents it as a custom role; created unless given). The names and GUIDs come from ../azureIds.ts.
import * as pulumi from "@pulumi/pulumi";
import type * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { SelfHostedGatewayArgs, WorkloadIdentityProvisionArgs } from "../args";
import {
    CONFIG_API_VALIDATOR_ROLE,
    customRoleName,
    GATEWAY_CONFIG_READER_ROLE,
    parseGatewayId,
    readerRoleScope,
    resourceGroupIdOf,
    roleAssignmentName,
    roleDefinitionFullId,
    roleDefinitionGuid,
    serviceAccountSubject,
    WORKLOAD_IDENTITY_AUDIENCE,
} from "../azureIds";
import type { SelfHostedGateway } from "../selfHostedGateway";

export function provisionIdentity(
    self: SelfHostedGateway,
    name: string,
    args: SelfHostedGatewayArgs,
    p: WorkloadIdentityProvisionArgs,
    gateway: apimanagement.Gateway,
    namespace: pulumi.Output<string>,
    serviceAccount: string,
) {
    const child = { parent: self };
    const resourceGroupName = p.resourceGroupName ?? args.apim.resourceGroupName;
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceGroupName, location: p.location, ...(p.identityName !== undefined ? { resourceName: p.identityName } : {}) },
        child,
    );
    const federatedCredential = new managedidentity.FederatedIdentityCredential(
        `${name}-federated-credential`,
        {
            resourceGroupName,
            resourceName: identity.name,
            issuer: p.oidcIssuerUrl,
            subject: namespace.apply((ns) => serviceAccountSubject(ns, serviceAccount)),
            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        },
        child,
    );
    const gatewayId = gateway.id;
    const subscriptionId = gatewayId.apply((id) => parseGatewayId(id).subscriptionId);
    const rgScope = gatewayId.apply(resourceGroupIdOf);

    /** A custom role at the APIM resource group with a stable GUID, and its full id (depends on the definition). */
    const customRole = (resourceName: string, role: typeof GATEWAY_CONFIG_READER_ROLE, withGateway: boolean) => {
        const roleName = gatewayId.apply((id) => {
            const g = parseGatewayId(id);
            return customRoleName(role.name, g.resourceGroupName, g.serviceName, withGateway ? g.gatewayName : undefined);
        });
        const guid = pulumi.all([rgScope, roleName]).apply(([scope, rn]) => roleDefinitionGuid(scope, rn));
        const definition = new authorization.RoleDefinition(
            resourceName,
            {
                scope: rgScope,
                roleDefinitionId: guid,
                roleName,
                description: role.description,
                roleType: "CustomRole",
                permissions: [{ actions: role.actions, notActions: [], dataActions: role.dataActions, notDataActions: [] }],
                assignableScopes: [rgScope],
            },
            child,
        );
        const fullId = pulumi.all([definition.id, guid, subscriptionId]).apply(([, g, sub]) => roleDefinitionFullId(g, sub));
        return { definition, fullId };
    };
    /** A role assignment whose name is a GUID derived from (scope, principal, role): never duplicated by a re-run. */
    const assign = (resourceName: string, scope: pulumi.Input<string>, principalId: pulumi.Input<string>, roleId: pulumi.Input<string>) =>
        new authorization.RoleAssignment(
            resourceName,
            {
                scope,
                principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: roleId,
                roleAssignmentName: pulumi.all([scope, principalId, roleId]).apply(([sc, pr, ro]) => roleAssignmentName(sc, pr, ro)),
            },
            child,
        );

    let roleDefinition: authorization.RoleDefinition | undefined;
    let roleId: pulumi.Output<string>;
    if (p.roleDefinitionId !== undefined) {
        const given = p.roleDefinitionId;
        roleId = pulumi.all([given, subscriptionId]).apply(([r, sub]) => roleDefinitionFullId(r, sub));
    } else {
        const reader = customRole(`${name}-config-reader-role`, GATEWAY_CONFIG_READER_ROLE, true);
        roleDefinition = reader.definition;
        roleId = reader.fullId;
    }
    const scope = gatewayId.apply((id) => readerRoleScope(id, p.roleScope));
    const roleAssignment = assign(`${name}-config-reader`, scope, identity.principalId, roleId);

    let validatorRoleDefinition: authorization.RoleDefinition | undefined;
    let validatorRoleAssignment: authorization.RoleAssignment | undefined;
    if (p.apimPrincipalId !== undefined) {
        const validator = customRole(`${name}-validator-role`, CONFIG_API_VALIDATOR_ROLE, false);
        validatorRoleDefinition = validator.definition;
        validatorRoleAssignment = assign(`${name}-validator`, rgScope, p.apimPrincipalId, validator.fullId);
    }
    return { identity, federatedCredential, roleDefinition, roleAssignment, validatorRoleDefinition, validatorRoleAssignment };
}
