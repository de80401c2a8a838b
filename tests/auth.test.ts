// Authentication modes of the component: token (default, covered by component.test.ts), an existing
// Secret, a Microsoft Entra app, and workload identity with or without the Azure identity chain.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SelfHostedGateway, SelfHostedGatewayArgs, validateArgs } from "../components";
import { roleAssignmentName, roleDefinitionGuid } from "../components/azureIds";
import { CLOCK, NEXT_WINDOW_CLOCK, PORTAL_SETTINGS, SECRET_SIG } from "./expected";
import {
    answerTokensDated,
    buildComponent,
    constructionError,
    FAKE_CLIENT_SECRET,
    FAKE_SUBSCRIPTION,
    fakeIdentity,
    mockAutoName,
    one,
    ofType,
    promiseOf,
    Registered,
} from "./harness";

const TOKEN = "apim-gateway:index:GatewayToken";
const SECRET = "kubernetes:core/v1:Secret";
const SA = "kubernetes:core/v1:ServiceAccount";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const LABELS = {
    "app.kubernetes.io/component": "gateway",
    "app.kubernetes.io/instance": "edge",
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/name": "azure-api-management-gateway",
};
const RG_ID = `/subscriptions/${FAKE_SUBSCRIPTION}/resourceGroups/rg-apim`;
const SERVICE_ID = `${RG_ID}/providers/Microsoft.ApiManagement/service/contoso-apim`;

function args(auth: SelfHostedGatewayArgs["auth"], extra: Partial<SelfHostedGatewayArgs> = {}): SelfHostedGatewayArgs {
    return {
        apim: { resourceGroupName: "rg-apim", serviceName: "contoso-apim", gatewayName: "edge", location: { name: "aks-weu" } },
        namespace: { name: "gw", podSecurityLevel: "restricted" },
        auth,
        ...extra,
    };
}

async function build(a: SelfHostedGatewayArgs, config: Record<string, unknown> = {}, clock = CLOCK) {
    return buildComponent(
        () => {
            const gw = new SelfHostedGateway("edge", a);
            return {
                gw,
                authType: gw.authType,
                deployment: gw.deploymentName,
                secretName: gw.secretName,
                sa: gw.serviceAccountName,
                clientId: gw.workloadIdentityClientId,
                expiry: gw.tokenExpiry,
                rotates: gw.tokenRotatesAfter,
                keyType: gw.tokenKeyType,
            };
        },
        clock,
        config,
    );
}

type Pod = {
    serviceAccountName?: string;
    containers: { env?: unknown; envFrom: { configMapRef: { name: string } }[] }[];
};
type DeploymentInputs = { spec: { template: { metadata: { labels: Record<string, string>; annotations?: unknown }; spec: Pod } } };
const deploymentOf = (rs: Registered[]) => one(rs, "kubernetes:apps/v1:Deployment").inputs as unknown as DeploymentInputs;
const settingsOf = (rs: Registered[]) => one(rs, "kubernetes:core/v1:ConfigMap", "edge-env").inputs.data;

/** The component's outputs, resolved. */
async function outputsOf(gw: SelfHostedGateway) {
    return {
        authType: await promiseOf(gw.authType),
        secretName: await promiseOf(gw.secretName),
        serviceAccountName: await promiseOf(gw.serviceAccountName),
        workloadIdentityClientId: await promiseOf(gw.workloadIdentityClientId),
        tokenExpiry: await promiseOf(gw.tokenExpiry),
        tokenRotatesAfter: await promiseOf(gw.tokenRotatesAfter),
        tokenKeyType: await promiseOf(gw.tokenKeyType),
    };
}

describe("auth: the token's expiry", () => {
    afterEach(() => answerTokensDated(undefined));

    it("is the date the issued token carries when Azure answers another than the requested one", async () => {
        answerTokensDated("2026-12-31T08:15:00Z");
        const { built, resources } = await build(args(undefined));
        assert.equal(await promiseOf(built.gw.tokenExpiry), "2026-12-31T08:15:00Z");
        assert.notEqual(one(resources, TOKEN).inputs.expiry, "2026-12-31T08:15:00Z", "the requested expiry is another one");
    });
});

describe("auth: the pod's ServiceAccount token", () => {
    it("is not mounted in any mode: workload identity's webhook projects a token of its own (azure-identity-token)", async () => {
        const automount = async (auth: SelfHostedGatewayArgs["auth"]) =>
            (deploymentOf((await build(args(auth))).resources).spec.template.spec as { automountServiceAccountToken?: boolean })
                .automountServiceAccountToken;
        assert.equal(await automount(undefined), false);
        assert.equal(await automount({ type: "existingSecret", existingSecret: { name: "gw-token" } }), false);
        assert.equal(
            await automount({ type: "azureAdApp", azureAdApp: { tenantId: TENANT, clientId: APP, existingSecret: { name: "aad" } } }),
            false,
        );
        assert.equal(await automount({ type: "workloadIdentity", workloadIdentity: { clientId: APP } }), false);
    });
});

describe("auth: an existing Secret", () => {
    it("reads the token from the named Secret and key; issues no token and creates no Secret", async () => {
        const { built, resources } = await build(
            args({ type: "existingSecret", existingSecret: { name: "my-gateway-token", key: "gateway-key" } }),
        );
        assert.equal(ofType(resources, TOKEN).length, 0);
        assert.equal(ofType(resources, SECRET).length, 0);
        const dep = deploymentOf(resources);
        assert.deepEqual(dep.spec.template.spec.containers[0].env, [
            { name: "config.service.auth", valueFrom: { secretKeyRef: { name: "my-gateway-token", key: "gateway-key" } } },
        ]);
        assert.equal(dep.spec.template.metadata.annotations, undefined, "no rotation annotations");
        assert.deepEqual(settingsOf(resources), PORTAL_SETTINGS);
        assert.deepEqual(await outputsOf(built.gw), {
            authType: "existingSecret",
            secretName: "my-gateway-token",
            serviceAccountName: undefined,
            workloadIdentityClientId: undefined,
            tokenExpiry: undefined,
            tokenRotatesAfter: undefined,
            tokenKeyType: undefined,
        });
    });

    it("defaults the key to `value` (the portal's)", async () => {
        const { resources } = await build(args({ type: "existingSecret", existingSecret: { name: "gw-token" } }));
        assert.deepEqual(deploymentOf(resources).spec.template.spec.containers[0].env, [
            { name: "config.service.auth", valueFrom: { secretKeyRef: { name: "gw-token", key: "value" } } },
        ]);
    });
});

describe("auth: Microsoft Entra app (azureAdApp)", () => {
    const aad = (extra: object = {}) =>
        args({
            type: "azureAdApp",
            azureAdApp: { tenantId: TENANT, clientId: APP, clientSecret: pulumi.secret(FAKE_CLIENT_SECRET), ...extra },
        });

    it("puts the client secret only into a Secret (marked secret), and the ids into the settings", async () => {
        const { built, resources } = await build(aad());
        assert.equal(ofType(resources, TOKEN).length, 0, "no GatewayToken");
        const secret = one(resources, SECRET);
        assert.equal(secret.name, "edge-azure-ad-secret");
        assert.deepEqual(secret.inputs, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { labels: LABELS, namespace: "gw" },
            stringData: { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: { "client-secret": FAKE_CLIENT_SECRET } },
            type: "Opaque",
        });
        const secretName = mockAutoName("edge-azure-ad-secret", secret.inputs.stringData);
        assert.match(secretName, /^edge-azure-ad-secret-[0-9a-f]{8}$/);
        assert.deepEqual(deploymentOf(resources).spec.template.spec.containers[0].env, [
            { name: "config.service.auth.azureAd.clientSecret", valueFrom: { secretKeyRef: { name: secretName, key: "client-secret" } } },
        ]);
        assert.deepEqual(settingsOf(resources), {
            ...PORTAL_SETTINGS,
            "config.service.auth": "azureAdApp",
            "config.service.auth.azureAd.tenantId": TENANT,
            "config.service.auth.azureAd.clientId": APP,
            "gateway.name": "edge",
        });
        const holders = resources.filter((r) => JSON.stringify(r.inputs).includes(FAKE_CLIENT_SECRET)).map((r) => `${r.type}::${r.name}`);
        assert.deepEqual(holders, [`${SECRET}::edge-azure-ad-secret`]);
        const outs = await outputsOf(built.gw);
        assert.equal(JSON.stringify(outs).includes(FAKE_CLIENT_SECRET), false);
        assert.deepEqual(outs, {
            authType: "azureAdApp",
            secretName,
            serviceAccountName: undefined,
            workloadIdentityClientId: undefined,
            tokenExpiry: undefined,
            tokenRotatesAfter: undefined,
            tokenKeyType: undefined,
        });
    });

    it("marks a plain-string client secret secret too", async () => {
        const { resources } = await build(
            args({ type: "azureAdApp", azureAdApp: { tenantId: TENANT, clientId: APP, clientSecret: FAKE_CLIENT_SECRET } }),
        );
        const stringData = one(resources, SECRET).inputs.stringData as Record<string, unknown>;
        assert.equal(stringData[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270");
    });

    it("follows a sovereign cloud (authority and token audience), or takes them explicitly", async () => {
        const china = await build(aad(), { "azure-native:environment": "china" });
        assert.deepEqual(settingsOf(china.resources), {
            ...PORTAL_SETTINGS,
            "config.service.auth": "azureAdApp",
            "config.service.auth.azureAd.tenantId": TENANT,
            "config.service.auth.azureAd.clientId": APP,
            "config.service.auth.azureAd.authority": "https://login.chinacloudapi.cn",
            "config.service.auth.tokenAudience": "https://azure-api.cn/configuration",
            "gateway.name": "edge",
            // The settings reference's sovereign-cloud table: Application Insights in Azure China.
            "logs.applicationinsights.endpoint": "https://dc.applicationinsights.azure.cn/v2/track",
            // The configuration endpoint's default domain follows the cloud too.
            "config.service.endpoint": "contoso-apim.configuration.azure-api.cn",
        });
        const explicit = await build(
            args({
                type: "azureAdApp",
                azureAdApp: {
                    tenantId: TENANT,
                    clientId: APP,
                    clientSecret: pulumi.secret(FAKE_CLIENT_SECRET),
                    authority: "https://login.example.sovereign",
                },
                tokenAudience: "https://azure-api.example/configuration",
            }),
        );
        const d = settingsOf(explicit.resources) as Record<string, string>;
        assert.equal(d["config.service.auth.azureAd.authority"], "https://login.example.sovereign");
        assert.equal(d["config.service.auth.tokenAudience"], "https://azure-api.example/configuration");
    });

    it("can read the client secret from an existing Secret instead", async () => {
        const { resources } = await build(
            args({
                type: "azureAdApp",
                azureAdApp: { tenantId: TENANT, clientId: APP, existingSecret: { name: "entra-app", key: "secret" } },
            }),
        );
        assert.equal(ofType(resources, SECRET).length, 0);
        assert.deepEqual(deploymentOf(resources).spec.template.spec.containers[0].env, [
            { name: "config.service.auth.azureAd.clientSecret", valueFrom: { secretKeyRef: { name: "entra-app", key: "secret" } } },
        ]);
    });
});

describe("auth: workload identity", () => {
    it("with an existing identity: a ServiceAccount with the client-id annotation, the pod label, no Secret", async () => {
        const { built, resources } = await build(args({ type: "workloadIdentity", workloadIdentity: { clientId: APP } }));
        assert.equal(ofType(resources, SECRET).length, 0);
        assert.equal(ofType(resources, TOKEN).length, 0);
        assert.deepEqual(one(resources, SA).inputs, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            automountServiceAccountToken: false,
            metadata: {
                name: "edge",
                namespace: "gw",
                labels: { ...LABELS, "azure.workload.identity/use": "true" },
                annotations: { "azure.workload.identity/client-id": APP },
            },
        });
        const dep = deploymentOf(resources);
        assert.deepEqual(dep.spec.template.metadata.labels, { ...LABELS, "azure.workload.identity/use": "true" });
        assert.equal(dep.spec.template.spec.serviceAccountName, "edge");
        assert.equal(dep.spec.template.spec.containers[0].env, undefined, "no credential in the pod");
        assert.deepEqual(settingsOf(resources), { ...PORTAL_SETTINGS, "config.service.auth": "workloadIdentity", "gateway.name": "edge" });
        assert.deepEqual(await outputsOf(built.gw), {
            authType: "workloadIdentity",
            secretName: undefined,
            serviceAccountName: "edge",
            workloadIdentityClientId: APP,
            tokenExpiry: undefined,
            tokenRotatesAfter: undefined,
            tokenKeyType: undefined,
        });
    });

    it("with an existing ServiceAccount (create: false): references it and creates none", async () => {
        const { resources } = await build(
            args(
                { type: "workloadIdentity", workloadIdentity: { clientId: APP } },
                { serviceAccount: { create: false, name: "gateway-wi" } },
            ),
        );
        assert.equal(ofType(resources, SA).length, 0);
        assert.equal(deploymentOf(resources).spec.template.spec.serviceAccountName, "gateway-wi");
    });

    describe("provisioning the identity chain in Azure", () => {
        const provision = { oidcIssuerUrl: "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/", location: "westeurope" };
        const identity = fakeIdentity("edge-identity");
        const roleName = "API Management Gateway Configuration Reader Role (rg-apim/contoso-apim/edge)";
        const roleGuid = roleDefinitionGuid(RG_ID, roleName);
        const roleId = `/subscriptions/${FAKE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;

        it("creates the identity, its federated credential, Microsoft's reader role and a stably named assignment on the instance", async () => {
            const { built, resources } = await build(args({ type: "workloadIdentity", workloadIdentity: { provision } }));
            assert.deepEqual(one(resources, "azure-native:managedidentity:UserAssignedIdentity").inputs, {
                location: "westeurope",
                resourceGroupName: "rg-apim",
            });
            assert.deepEqual(one(resources, "azure-native:managedidentity:FederatedIdentityCredential").inputs, {
                audiences: ["api://AzureADTokenExchange"],
                issuer: provision.oidcIssuerUrl,
                resourceGroupName: "rg-apim",
                resourceName: "edge-identity-abc123",
                subject: "system:serviceaccount:gw:edge",
            });
            assert.deepEqual(one(resources, "azure-native:authorization:RoleDefinition").inputs, {
                assignableScopes: [RG_ID],
                description: "Can read self-hosted gateway configuration from Configuration API",
                permissions: [
                    {
                        actions: [],
                        dataActions: ["Microsoft.ApiManagement/service/gateways/getConfiguration/action"],
                        notActions: [],
                        notDataActions: [],
                    },
                ],
                roleDefinitionId: roleGuid,
                roleName,
                roleType: "CustomRole",
                scope: RG_ID,
            });
            // Where Microsoft's walkthrough assigns the reader role: the API Management instance.
            assert.deepEqual(one(resources, "azure-native:authorization:RoleAssignment").inputs, {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleAssignmentName: roleAssignmentName(SERVICE_ID, identity.principalId, roleId),
                roleDefinitionId: roleId,
                scope: SERVICE_ID,
            });
            const sa = one(resources, SA).inputs as { metadata: { annotations: Record<string, string> } };
            assert.deepEqual(sa.metadata.annotations, { "azure.workload.identity/client-id": identity.clientId });
            assert.equal(await promiseOf(built.gw.workloadIdentityClientId), identity.clientId);
            assert.deepEqual(
                resources
                    .filter((r) => r.type.startsWith("azure-native:"))
                    .map((r) => r.name)
                    .sort(),
                ["edge-config-reader", "edge-config-reader-role", "edge-federated-credential", "edge-gateway", "edge-identity"],
            );
        });

        it("gives the role assignment the same name on every run (no duplicate assignments)", async () => {
            const a = await build(args({ type: "workloadIdentity", workloadIdentity: { provision } }));
            const b = await build(args({ type: "workloadIdentity", workloadIdentity: { provision } }), {}, NEXT_WINDOW_CLOCK);
            const name = (rs: Registered[]) => one(rs, "azure-native:authorization:RoleAssignment").inputs.roleAssignmentName;
            assert.equal(name(a.resources), name(b.resources));
            assert.equal(name(a.resources), roleAssignmentName(SERVICE_ID, identity.principalId, roleId));
        });

        it("uses a given role (GUID completed in the subscription) at the resource group scope, and a named identity elsewhere", async () => {
            const given = "0b3a6b3c-1f5e-4d3b-9a8e-7c6d5e4f3a2b";
            const { resources } = await build(
                args({
                    type: "workloadIdentity",
                    workloadIdentity: {
                        provision: {
                            ...provision,
                            roleDefinitionId: given,
                            roleScope: "resourceGroup",
                            resourceGroupName: "rg-identities",
                            identityName: "id-apim-gw",
                        },
                    },
                }),
            );
            assert.equal(ofType(resources, "azure-native:authorization:RoleDefinition").length, 0);
            assert.deepEqual(one(resources, "azure-native:managedidentity:UserAssignedIdentity").inputs, {
                location: "westeurope",
                resourceGroupName: "rg-identities",
                resourceName: "id-apim-gw",
            });
            const fullId = `/subscriptions/${FAKE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${given}`;
            assert.deepEqual(one(resources, "azure-native:authorization:RoleAssignment").inputs, {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleAssignmentName: roleAssignmentName(RG_ID, identity.principalId, fullId),
                roleDefinitionId: fullId,
                scope: RG_ID,
            });
            assert.equal(
                (one(resources, "azure-native:managedidentity:FederatedIdentityCredential").inputs as { resourceName: string })
                    .resourceName,
                "id-apim-gw",
            );
        });

        it("refuses the gateway scope, which no Microsoft source documents for the reader role", () => {
            const r = validateArgs(
                args({ type: "workloadIdentity", workloadIdentity: { provision: { ...provision, roleScope: "gateway" } } } as never),
                "args",
            );
            assert.deepEqual(r.ok ? [] : r.problems, [
                'args.auth.workloadIdentity.provision.roleScope: got "gateway"; expected one of "service", "resourceGroup"',
            ]);
        });

        it("with the APIM instance's principal, also creates and assigns Microsoft's validator role on the resource group", async () => {
            const apimPrincipalId = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
            const { resources } = await build(
                args({ type: "workloadIdentity", workloadIdentity: { provision: { ...provision, apimPrincipalId } } }),
            );
            const validatorName = "API Management Configuration API Access Validator Service Role (rg-apim/contoso-apim)";
            const validatorGuid = roleDefinitionGuid(RG_ID, validatorName);
            const validatorId = `/subscriptions/${FAKE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${validatorGuid}`;
            assert.deepEqual(one(resources, "azure-native:authorization:RoleDefinition", "edge-validator-role").inputs, {
                assignableScopes: [RG_ID],
                description: "Can access RBAC permissions on the API Management resource to authorize requests in Configuration API.",
                permissions: [{ actions: ["Microsoft.Authorization/*/read"], dataActions: [], notActions: [], notDataActions: [] }],
                roleDefinitionId: validatorGuid,
                roleName: validatorName,
                roleType: "CustomRole",
                scope: RG_ID,
            });
            assert.deepEqual(one(resources, "azure-native:authorization:RoleAssignment", "edge-validator").inputs, {
                principalId: apimPrincipalId,
                principalType: "ServicePrincipal",
                roleAssignmentName: roleAssignmentName(RG_ID, apimPrincipalId, validatorId),
                roleDefinitionId: validatorId,
                scope: RG_ID,
            });
        });
    });
});

describe("sovereign clouds: defaults follow azure-native:environment", () => {
    it("the configuration endpoint's domain and the ARM endpoint follow the cloud in token mode; an explicit endpoint wins", async () => {
        const endpointAndArm = async (config: Record<string, unknown>, extra: Partial<SelfHostedGatewayArgs> = {}) => {
            const { resources } = await build(args(undefined, extra), config);
            return [(settingsOf(resources) as Record<string, string>)["config.service.endpoint"], one(resources, TOKEN).inputs.armEndpoint];
        };
        assert.deepEqual(await endpointAndArm({}), ["contoso-apim.configuration.azure-api.net", "https://management.azure.com"]);
        assert.deepEqual(await endpointAndArm({ "azure-native:environment": "usgovernment" }), [
            "contoso-apim.configuration.azure-api.us",
            "https://management.usgovcloudapi.net",
        ]);
        assert.deepEqual(await endpointAndArm({ "azure-native:environment": "china" }), [
            "contoso-apim.configuration.azure-api.cn",
            "https://management.chinacloudapi.cn",
        ]);
        const custom = { apim: { ...args(undefined).apim, configurationEndpoint: "apim.configuration.contoso.us" } };
        assert.deepEqual(await endpointAndArm({ "azure-native:environment": "usgovernment" }, custom), [
            "apim.configuration.contoso.us",
            "https://management.usgovcloudapi.net",
        ]);
    });

    it("the configurationEndpoint output reports the cloud's default", async () => {
        const { built } = await build(args(undefined), { "azure-native:environment": "AzureUSGovernment" });
        assert.equal(await promiseOf(built.gw.configurationEndpoint), "contoso-apim.configuration.azure-api.us");
    });
});

describe("auth: an Azure cloud the component does not know", () => {
    const germany = { "azure-native:environment": "germany" };
    const ids = { tenantId: "11111111-1111-4111-8111-111111111111", clientId: "22222222-2222-4222-8222-222222222222" };

    it("names the keys to set (every default that depends on the cloud), before any child exists", async () => {
        const { error, resources } = await constructionError(
            () => new SelfHostedGateway("edge", args({ type: "azureAdApp", azureAdApp: { ...ids, clientSecret: pulumi.secret("x") } })),
            germany,
        );
        assert.equal(
            error?.message,
            'SelfHostedGateway "edge": azure-native environment "germany" is not one of public, usgovernment, china; ' +
                "set args.apim.configurationEndpoint, args.auth.tokenAudience, args.auth.azureAdApp.authority, " +
                "args.observability.applicationInsights.endpoint explicitly for other clouds",
        );
        assert.deepEqual(
            resources.map((r) => r.type),
            ["apim-gateway:index:SelfHostedGateway"],
        );
    });

    it("does not need the cloud when every override is given", async () => {
        const entra = args({
            type: "azureAdApp",
            tokenAudience: "https://azure-api.example/",
            azureAdApp: { ...ids, clientSecret: pulumi.secret("x"), authority: "https://login.example/" },
        });
        const { resources } = await build(
            {
                ...entra,
                apim: { ...entra.apim, configurationEndpoint: "apim.configuration.example" },
                observability: { applicationInsights: { endpoint: "https://dc.applicationinsights.example/v2/track" } },
            },
            germany,
        );
        assert.equal(resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment").length, 1);
    });

    it("in token mode, names the ARM endpoint and the configuration endpoint", async () => {
        const { error } = await constructionError(() => new SelfHostedGateway("edge", args(undefined)), germany);
        assert.equal(
            error?.message,
            'SelfHostedGateway "edge": azure-native environment "germany" is not one of public, usgovernment, china; ' +
                "set args.token.armEndpoint, args.apim.configurationEndpoint, args.observability.applicationInsights.endpoint explicitly for other clouds",
        );
    });
});
