// Every Azure resource the component creates, on the real engine through the stand-in azure-native plugin and the fake
// ARM, with ARM's real paths, api-versions and bodies: this repository's prod stack with workload identity provisioned
// (a user-assigned identity, its federated credential, Microsoft's two custom roles and their assignments), API
// assignments, a hostname configuration and a certificate authority. It deploys, previews with no changes, refreshes
// (the stand-in reads ARM) with no drift, and destroys, leaving nothing in the fake ARM.
import { strict as assert } from "assert";
import * as fs from "fs";
import { exportStack, inline } from "../harness/pulumi";
import { changes, wall } from "../harness/report";
import { E2E_APIM, PROJECT, repoStack } from "../harness/stacks";
import { e2e } from "./setup";

const SUB = "00000000-0000-4000-8000-0000000000e2";
const RG = `/subscriptions/${SUB}/resourceGroups/${E2E_APIM.resourceGroupName}`;
const SERVICE = `${RG}/providers/Microsoft.ApiManagement/service/${E2E_APIM.serviceName}`;
const GATEWAY = `${SERVICE}/gateways/apim-gw-wi`;
const APIM_PRINCIPAL = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";

interface Logged {
    method: string;
    path: string;
    query: Record<string, string>;
    body?: Record<string, unknown>;
    status: number;
    contract?: string;
}

describe("every Azure resource of the component through the stand-ins, on the real engine", function () {
    const stack = "prod-wi";
    let dir: string;
    let logFrom = 0;
    const logged = () =>
        fs
            .readFileSync(e2e().vars.APIM_E2E_ARM_LOG, "utf8")
            .slice(logFrom)
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Logged);

    before(() => {
        const env = e2e();
        env.arm.setClockOffset(0);
        dir = repoStack(
            env,
            "prod",
            (g) => {
                delete g.token;
                g.apim.gatewayName = "apim-gw-wi";
                (g.namespace as Record<string, unknown>).name = "apim-gateway-wi";
                g.auth = {
                    type: "workloadIdentity",
                    workloadIdentity: {
                        provision: {
                            oidcIssuerUrl: "https://oidc.prod-aks.example/tenant/cluster/",
                            location: "westeurope",
                            apimPrincipalId: APIM_PRINCIPAL,
                        },
                    },
                };
                g.apis = [{ apiId: "echo-api" }, { apiId: "orders-api" }];
                g.hostnames = [{ id: "edge-host", hostname: "api.contoso.example", http2Enabled: true }];
                g.certificateAuthorities = [{ certificateId: "contoso-root-ca", isTrusted: true }];
            },
            {},
            stack,
        );
        logFrom = fs.readFileSync(env.vars.APIM_E2E_ARM_LOG, "utf8").length;
    });

    it("deploys: each resource PUT at ARM's path with azure-native's api-version and the SDK's wire body", async () => {
        const env = e2e();
        const up = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir });
        wall("azure resources: up", up.ms);
        assert.equal(up.result.ok, true, up.result.error);
        const puts = logged().filter((e) => e.method === "PUT");
        const byContract = (c: string) => puts.filter((e) => e.contract === c);
        assert.deepEqual(
            puts.map((e) => [e.contract, e.query["api-version"], e.status]).sort(),
            [
                ["apimanagement gateway.createOrUpdate", "2024-05-01", 201],
                ["apimanagement gatewayApi.createOrUpdate", "2024-05-01", 201],
                ["apimanagement gatewayApi.createOrUpdate", "2024-05-01", 201],
                ["apimanagement gatewayCertificateAuthority.createOrUpdate", "2024-05-01", 201],
                ["apimanagement gatewayHostnameConfiguration.createOrUpdate", "2024-05-01", 201],
                ["authorization roleAssignments.create", "2022-04-01", 201],
                ["authorization roleAssignments.create", "2022-04-01", 201],
                ["authorization roleDefinitions.createOrUpdate", "2022-05-01-preview", 201],
                ["authorization roleDefinitions.createOrUpdate", "2022-05-01-preview", 201],
                ["msi federatedIdentityCredentials.createOrUpdate", "2023-01-31", 201],
                ["msi userAssignedIdentities.createOrUpdate", "2023-01-31", 201],
            ].sort(),
        );
        assert.deepEqual(byContract("apimanagement gateway.createOrUpdate")[0].body, {
            properties: { locationData: { name: "prod-cluster" }, description: "Self-hosted gateway, production cluster" },
        });
        assert.deepEqual(
            byContract("apimanagement gatewayApi.createOrUpdate")
                .map((e) => e.path)
                .sort(),
            [`${GATEWAY}/apis/echo-api`, `${GATEWAY}/apis/orders-api`],
        );
        assert.deepEqual(byContract("apimanagement gatewayHostnameConfiguration.createOrUpdate")[0], {
            ...byContract("apimanagement gatewayHostnameConfiguration.createOrUpdate")[0],
            path: `${GATEWAY}/hostnameConfigurations/edge-host`,
            body: { properties: { hostname: "api.contoso.example", http2Enabled: true } },
        });
        assert.deepEqual(byContract("apimanagement gatewayCertificateAuthority.createOrUpdate")[0].body, {
            properties: { isTrusted: true },
        });
        const identity = byContract("msi userAssignedIdentities.createOrUpdate")[0];
        assert.match(
            identity.path,
            new RegExp(`^${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/apim-gw-wi-identity[0-9a-f]{8}$`),
        );
        assert.deepEqual(identity.body, { location: "westeurope" });
        const fic = byContract("msi federatedIdentityCredentials.createOrUpdate")[0];
        assert.equal(fic.path.startsWith(`${identity.path}/federatedIdentityCredentials/`), true, fic.path);
        assert.deepEqual(fic.body, {
            properties: {
                issuer: "https://oidc.prod-aks.example/tenant/cluster/",
                subject: "system:serviceaccount:apim-gateway-wi:apim-gw-wi",
                audiences: ["api://AzureADTokenExchange"],
            },
        });
        const roles = byContract("authorization roleDefinitions.createOrUpdate");
        assert.deepEqual(
            roles.map((r) => [(r.body?.properties as { roleName: string }).roleName, (r.body?.properties as { type: string }).type]).sort(),
            [
                ["API Management Configuration API Access Validator Service Role (rg-apim-e2e/apim-e2e)", "CustomRole"],
                ["API Management Gateway Configuration Reader Role (rg-apim-e2e/apim-e2e/apim-gw-wi)", "CustomRole"],
            ],
        );
        // The reader role is assigned where Microsoft documents it: on the API Management instance.
        const assignments = byContract("authorization roleAssignments.create");
        assert.deepEqual(
            assignments.map((a) => a.path.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/, "")).sort(),
            [RG, SERVICE].sort(),
        );
        const validator = assignments.find((a) => !a.path.startsWith(SERVICE))!;
        assert.equal((validator.body?.properties as { principalId: string }).principalId, APIM_PRINCIPAL);
        assert.equal(exportStack(env, dir, stack).includes("GatewayKey"), false);
    });

    it("previews with no changes, refreshes from ARM with no drift, and previews with no changes again", async () => {
        const env = e2e();
        const preview = await inline(env, { op: "preview", stack, project: PROJECT, workDir: dir, expectNoChanges: true });
        wall("azure resources: preview", preview.ms);
        assert.equal(preview.result.ok, true, `${preview.result.error}\n${changes(preview.result.steps).join("\n")}`);
        const from = logged().length;
        const refresh = await inline(env, { op: "refresh", stack, project: PROJECT, workDir: dir });
        wall("azure resources: refresh", refresh.ms);
        assert.equal(refresh.result.ok, true, refresh.result.error);
        // Every resource read back the same as it was (a drift would count as an update, a vanished one as a delete).
        assert.deepEqual(Object.keys(refresh.result.summary?.resourceChanges ?? {}), ["same"], changes(refresh.result.steps).join("\n"));
        const reads = logged()
            .slice(from)
            .filter((e) => e.method === "GET" || e.method === "HEAD")
            .map((e) => e.contract)
            .sort();
        assert.deepEqual(
            [...new Set(reads)],
            [
                "apimanagement gateway.get",
                "apimanagement gatewayApi.getEntityTag",
                "apimanagement gatewayCertificateAuthority.get",
                "apimanagement gatewayHostnameConfiguration.get",
                "authorization roleAssignments.get",
                "authorization roleDefinitions.get",
                "msi federatedIdentityCredentials.get",
                "msi userAssignedIdentities.get",
            ],
        );
        const again = await inline(env, { op: "preview", stack, project: PROJECT, workDir: dir, expectNoChanges: true });
        assert.equal(again.result.ok, true, `${again.result.error}\n${changes(again.result.steps).join("\n")}`);
    });

    it("destroys, leaving nothing of it in the fake ARM", async () => {
        const env = e2e();
        const destroy = await inline(env, { op: "destroy", stack, project: PROJECT, workDir: dir });
        wall("azure resources: destroy", destroy.ms);
        assert.equal(destroy.result.ok, true, destroy.result.error);
        const deletes = logged().filter((e) => e.method === "DELETE");
        assert.equal(deletes.length, 11);
        assert.deepEqual(
            deletes.filter((d) => d.status !== 200).map((d) => [d.path, d.status]),
            [],
        );
        const state = (await (await fetch(env.arm.controlUrl)).json()) as { resources: string[] };
        assert.deepEqual(
            state.resources.filter(
                (r) => r.includes("apim-gw-wi") || r.includes("Microsoft.Authorization") || r.includes("Microsoft.ManagedIdentity"),
            ),
            [],
        );
    });
});
