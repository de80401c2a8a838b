// Pure settings and Azure-id helpers: exact maps, no Pulumi.
import { strict as assert } from "assert";
import {
    customRoleName,
    parseGatewayId,
    resourceGroupIdOf,
    roleAssignmentName,
    roleDefinitionFullId,
    roleDefinitionGuid,
    serviceAccountSubject,
    serviceIdOf,
    uuidV5,
} from "../components/azureIds";
import {
    COMPONENT_SETTINGS,
    CONFIG_MAP_MAX_BYTES,
    GATEWAY_SETTINGS,
    gatewaySettings,
    observabilitySettings,
    proxyEnv,
    settingOwner,
    type SettingsInput,
    settingsBytes,
    tokenAudienceFor,
    TYPED_SETTINGS,
} from "../components/settings";
import { configMapData } from "../components/specs";
import { argsSchema } from "../components/validation";
import { allowedKeys } from "../components/validation/messages";

const PORTAL = {
    "config.service.endpoint": "contoso.configuration.azure-api.net",
    "neighborhood.host": "edge-instance-discovery",
    "runtime.deployment.artifact.source": "Pulumi",
    "runtime.deployment.mechanism": "YAML",
    "runtime.deployment.orchestrator.type": "Kubernetes",
};
const base = { endpoint: "contoso.configuration.azure-api.net", discoveryServiceName: "edge-instance-discovery" };

describe("gateway settings (ConfigMap data)", () => {
    it("reproduces the portal's keys, in the portal's order, for both token modes", () => {
        for (const type of ["token", "existingSecret"] as const) {
            const d = gatewaySettings({ ...base, auth: { type } });
            assert.deepEqual(d, PORTAL);
            assert.deepEqual(Object.keys(d), Object.keys(PORTAL), "key order feeds the auto-named ConfigMap");
        }
        assert.deepEqual(configMapData(base.endpoint, base.discoveryServiceName), PORTAL);
    });

    it("maps azureAdApp to the documented keys", () => {
        assert.deepEqual(
            gatewaySettings({
                ...base,
                auth: {
                    type: "azureAdApp",
                    gatewayName: "edge",
                    tenantId: "t-id",
                    clientId: "c-id",
                    authority: "https://login.chinacloudapi.cn",
                    tokenAudience: "https://azure-api.cn/configuration",
                },
            }),
            {
                ...PORTAL,
                "config.service.auth": "azureAdApp",
                "config.service.auth.azureAd.tenantId": "t-id",
                "config.service.auth.azureAd.clientId": "c-id",
                "config.service.auth.azureAd.authority": "https://login.chinacloudapi.cn",
                "config.service.auth.tokenAudience": "https://azure-api.cn/configuration",
                "gateway.name": "edge",
            },
        );
    });

    it("maps workloadIdentity to config.service.auth and gateway.name only", () => {
        assert.deepEqual(gatewaySettings({ ...base, auth: { type: "workloadIdentity", gatewayName: "edge" } }), {
            ...PORTAL,
            "config.service.auth": "workloadIdentity",
            "gateway.name": "edge",
        });
        assert.deepEqual(
            gatewaySettings({
                ...base,
                auth: { type: "workloadIdentity", gatewayName: "edge", tokenAudience: "https://azure-api.us/configuration" },
            }),
            {
                ...PORTAL,
                "config.service.auth": "workloadIdentity",
                "config.service.auth.tokenAudience": "https://azure-api.us/configuration",
                "gateway.name": "edge",
            },
        );
    });

    it("joins several client cipher suites with commas", () => {
        assert.deepEqual(
            gatewaySettings({
                ...base,
                auth: { type: "token" },
                tls: { clientCipherSuites: ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"] },
            }),
            { ...PORTAL, "net.client.tls.ciphers.allowed-suites": "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256" },
        );
    });

    it("counts a settings map's size as Kubernetes does, in UTF-8 bytes of keys and values, against 1 MiB", () => {
        assert.equal(CONFIG_MAP_MAX_BYTES, 1_048_576);
        assert.equal(settingsBytes({}), 0);
        assert.equal(settingsBytes({ "a.b": "xyz", é: "€" }), 3 + 3 + 2 + 3);
    });

    it("adds trust, TLS and additional settings only when set", () => {
        assert.deepEqual(
            gatewaySettings({
                ...base,
                auth: { type: "token" },
                localCa: true,
                disableCertificateValidation: true,
                tls: {
                    serverCipherSuites: ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"],
                    clientCipherSuites: ["TLS_AES_128_GCM_SHA256"],
                },
                additionalSettings: {
                    "k8s.ingress.enabled": false,
                    "net.client.http.backend": "DotNetty",
                    "neighborhood.heartbeat.port": 4391,
                },
            }),
            {
                ...PORTAL,
                "config.service.endpoint.disableCertificateValidation": "true",
                "certificates.local.ca.enabled": "true",
                "net.server.tls.ciphers.allowed-suites": "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256",
                "net.client.tls.ciphers.allowed-suites": "TLS_AES_128_GCM_SHA256",
                "k8s.ingress.enabled": "false",
                "net.client.http.backend": "DotNetty",
                "neighborhood.heartbeat.port": "4391",
            },
        );
    });

    it("maps every telemetry option to the documented setting", () => {
        assert.deepEqual(
            observabilitySettings({
                logs: {
                    std: { format: "json", level: "warn", color: false },
                    local: { type: "localsyslog", endpoint: "/dev/log", facility: 7 },
                },
                metrics: { azureMonitor: false, statsd: { endpoint: "10.0.41.179:8125", sampling: 0.5, tagFormat: "dogStatsD" } },
                openTelemetry: { collectorUri: "http://otel-collector:4317", systemMetrics: true, histogramBuckets: [5, 10, 25.5] },
            }),
            {
                "telemetry.logs.std": "json",
                "telemetry.logs.std.level": "warn",
                "telemetry.logs.std.color": "false",
                "telemetry.logs.local": "localsyslog",
                "telemetry.logs.local.localsyslog.endpoint": "/dev/log",
                "telemetry.logs.local.localsyslog.facility": "7",
                "telemetry.metrics.cloud": "false",
                "telemetry.metrics.local": "statsd",
                "telemetry.metrics.local.statsd.endpoint": "10.0.41.179:8125",
                "telemetry.metrics.local.statsd.sampling": "0.5",
                "telemetry.metrics.local.statsd.tag-format": "dogStatsD",
                "observability.opentelemetry.enabled": "true",
                "observability.opentelemetry.collector.uri": "http://otel-collector:4317",
                "observability.opentelemetry.system-metrics.enabled": "true",
                "observability.opentelemetry.histogram.buckets": "5,10,25.5",
            },
        );
        assert.deepEqual(observabilitySettings({ logs: { local: { type: "json" } } }), { "telemetry.logs.local": "json" });
        // Optional parts left out stay out of the map.
        assert.deepEqual(
            observabilitySettings({
                metrics: { statsd: { endpoint: "10.0.41.179:8125" } },
                openTelemetry: { collectorUri: "http://otel:4317" },
            }),
            {
                "telemetry.metrics.local": "statsd",
                "telemetry.metrics.local.statsd.endpoint": "10.0.41.179:8125",
                "observability.opentelemetry.enabled": "true",
                "observability.opentelemetry.collector.uri": "http://otel:4317",
            },
        );
        assert.deepEqual(observabilitySettings(undefined), {});
    });

    it("sets the conventional proxy variables", () => {
        assert.deepEqual(
            proxyEnv({ http: "http://p:3128", https: "http://p:3129", bypass: ["localhost", ".svc.cluster.local", "10.0.0.0/8"] }),
            [
                { name: "HTTP_PROXY", value: "http://p:3128" },
                { name: "HTTPS_PROXY", value: "http://p:3129" },
                { name: "NO_PROXY", value: "localhost,.svc.cluster.local,10.0.0.0/8" },
            ],
        );
        assert.deepEqual(proxyEnv(undefined), []);
    });

    it("knows who owns a setting, case-insensitively (.NET configuration keys are)", () => {
        assert.deepEqual(settingOwner("telemetry.logs.std.level"), { kind: "option", path: "observability.logs.std.level" });
        assert.deepEqual(settingOwner("Telemetry.Logs.Std.Level"), { kind: "option", path: "observability.logs.std.level" });
        assert.deepEqual(settingOwner("https_proxy"), { kind: "option", path: "proxy.https" });
        assert.deepEqual(settingOwner("neighborhood.host"), { kind: "component", what: "the instance-discovery Service" });
        assert.deepEqual(settingOwner("config.service.auth.azureAd.certificatePath"), {
            kind: "option",
            path: "auth.azureAdApp.certificate",
        });
        assert.deepEqual(settingOwner("config.service.auth.azureAd.somethingNew"), { kind: "auth" });
        assert.equal(settingOwner("net.client.http.backend"), undefined);
    });

    it("owns exactly the keys the options write, each by an option that exists", () => {
        // Every option set once (each local log sink in its own run, since only one can be set at a time).
        const every: SettingsInput = {
            endpoint: "contoso.configuration.azure-api.net",
            discoveryServiceName: "edge-instance-discovery",
            auth: {
                type: "azureAdApp",
                gatewayName: "edge",
                tenantId: "t",
                clientId: "c",
                authority: "https://login.example",
                tokenAudience: "https://azure-api.us/configuration",
            },
            localCa: true,
            disableCertificateValidation: true,
            observability: {
                logs: { std: { format: "json", level: "warn", color: false } },
                metrics: { azureMonitor: true, statsd: { endpoint: "127.0.0.1:8125", sampling: 0.5, tagFormat: "dogStatsD" } },
                openTelemetry: { collectorUri: "http://otel:4317", systemMetrics: true, histogramBuckets: [1, 2] },
            },
            tls: { serverCipherSuites: ["a"], clientCipherSuites: ["b"] },
            typed: {
                azureAdCertificatePath: "/apim/azure-ad/client-certificate",
                configurationTimeoutSeconds: 100,
                honorForwardedProto: true,
                certificateRevocationValidation: true,
                backendProtocols: { tls13: true, tls12: true, tls11: false, tls10: false, ssl30: false },
                applicationInsightsEndpoint: "https://dc.applicationinsights.us/v2/track",
                instanceDiscovery: { rateLimitPort: 5290, heartbeatPort: 5291 },
            },
        };
        const sinks: NonNullable<NonNullable<SettingsInput["observability"]>["logs"]>["local"][] = [
            { type: "localsyslog", endpoint: "/dev/log", facility: 7 },
            { type: "rfc5424", endpoint: "127.0.0.1:514", facility: 7 },
            { type: "journal", endpoint: "/run/systemd/journal/socket" },
            { type: "json", endpoint: "127.0.0.1:8080" },
        ];
        const written = new Set<string>();
        for (const local of sinks) {
            const input = { ...every, observability: { ...every.observability, logs: { ...every.observability?.logs, local } } };
            for (const key of Object.keys(gatewaySettings(input))) written.add(key);
        }
        const env = proxyEnv({ http: "http://proxy:3128", https: "http://proxy:3128", bypass: ["10.0.0.0/8"] });
        for (const { name } of env) written.add(name);
        // The client secret is an environment variable from a Secret, set by the component, never a ConfigMap key.
        written.add("config.service.auth.azureAd.clientSecret");
        // auth.type owns config.service.auth: in the token modes it comes from the Secret, in the Entra modes from here.
        const owned = [...written].filter((k) => settingOwner(k)?.kind === "option").sort();
        assert.deepEqual(owned, Object.keys(TYPED_SETTINGS).sort());
        // The two ports are not written: the component keeps them at the defaults its pods and Services use.
        assert.deepEqual(
            [...written].filter((k) => settingOwner(k)?.kind === "component").sort(),
            Object.keys(COMPONENT_SETTINGS)
                .filter((k) => !k.endsWith(".port"))
                .sort(),
        );
        // Every ConfigMap key the component writes is a setting of Microsoft's reference, spelled as it spells it.
        const envNames = new Set(env.map((e) => e.name));
        assert.deepEqual(
            [...written].filter((k) => !envNames.has(k) && !GATEWAY_SETTINGS.includes(k)),
            [],
        );
        // Each owner is a key path (or two, joined by " / ") that the arguments' schema knows.
        for (const [key, owner] of Object.entries(TYPED_SETTINGS)) {
            for (const path of owner.split(" / ")) {
                const parts = path.split(".");
                assert.ok(allowedKeys(argsSchema, parts.slice(0, -1)).includes(parts[parts.length - 1]), `${key}: ${path}`);
            }
        }
        assert.deepEqual(settingOwner("HTTPS_PROXY"), { kind: "option", path: "proxy.https" });
        assert.deepEqual(settingOwner("telemetry.logs.local.rfc5424.facility"), {
            kind: "option",
            path: "observability.logs.local.facility",
        });
        assert.deepEqual(settingOwner("certificates.local.ca.enabled"), {
            kind: "option",
            path: "configurationTrust.caCertificates / certificateAuthorities",
        });
        assert.deepEqual(
            [
                "neighborhood.host",
                "runtime.deployment.artifact.source",
                "runtime.deployment.mechanism",
                "runtime.deployment.orchestrator.type",
            ].map(settingOwner),
            [
                { kind: "component", what: "the instance-discovery Service" },
                { kind: "component", what: "deployment metadata" },
                { kind: "component", what: "deployment metadata" },
                { kind: "component", what: "deployment metadata" },
            ],
        );
    });

    it("uses each sovereign cloud's configuration API audience, and the gateway's default in public", () => {
        assert.equal(tokenAudienceFor("public"), undefined);
        assert.equal(tokenAudienceFor("china"), "https://azure-api.cn/configuration");
        assert.equal(tokenAudienceFor("usgovernment"), "https://azure-api.us/configuration");
    });
});

describe("Azure ids and name-based GUIDs", () => {
    const GW = "/subscriptions/sub-1/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso/gateways/edge";

    it("computes RFC 4122 version-5 UUIDs (the RFC's DNS example, and our namespace)", () => {
        assert.equal(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
        // Cross-checked with Python's uuid.uuid5(UUID("6f1c8a52-3d0e-4b7a-9c1e-8a4d2b6e5f10"), "role-assignment|/a|b|c").
        assert.equal(roleAssignmentName("/a", "b", "c"), "fb82c67b-4f4d-56b5-8174-b47f6238ac87");
        // Cross-checked with uuid.uuid5(…, "role-definition|/subscriptions/s/resourcegroups/r|<role name>"): the scope is
        // compared case-insensitively, the role name is not.
        const role = "API Management Gateway Configuration Reader Role";
        assert.equal(roleDefinitionGuid("/subscriptions/s/resourceGroups/r", role), "a4195b9e-c45e-51af-940e-0b5058050eea");
        assert.equal(roleDefinitionGuid("/subscriptions/s/resourceGroups/r", role.toLowerCase()), "2f305cde-57ae-5aa9-880e-a5611d3fa360");
    });

    it("refuses a namespace that is not a UUID", () => {
        for (const ns of ["not-a-uuid", "6f1c8a52-3d0e-4b7a-9c1e-8a4d2b6e5f", "6f1c8a52-3d0e-4b7a-9c1e-8a4d2b6e5f1000"]) {
            assert.throws(
                () => uuidV5("x", ns),
                (e: Error) => e.message === `uuidV5: namespace ${ns} is not a UUID`,
            );
        }
    });

    it("gives a role assignment the same name for the same (scope, principal, role) and a new one when any changes", () => {
        const n = roleAssignmentName(GW, "p-1", "/providers/Microsoft.Authorization/roleDefinitions/r-1");
        assert.equal(
            roleAssignmentName(GW.toUpperCase(), "P-1", "/PROVIDERS/Microsoft.Authorization/roleDefinitions/R-1"),
            n,
            "ARM ids are case-insensitive",
        );
        assert.notEqual(roleAssignmentName(GW, "p-2", "/providers/Microsoft.Authorization/roleDefinitions/r-1"), n);
        assert.notEqual(roleAssignmentName(`${GW}x`, "p-1", "/providers/Microsoft.Authorization/roleDefinitions/r-1"), n);
        assert.notEqual(roleAssignmentName(GW, "p-1", "/providers/Microsoft.Authorization/roleDefinitions/r-2"), n);
        assert.match(n, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(
            roleDefinitionGuid("/subscriptions/s/resourceGroups/r", "role"),
            roleDefinitionGuid("/SUBSCRIPTIONS/s/resourceGroups/r", "role"),
        );
    });

    it("parses a gateway id into its instance, resource group and subscription", () => {
        assert.deepEqual(parseGatewayId(GW), {
            subscriptionId: "sub-1",
            resourceGroupName: "rg-apim",
            serviceName: "contoso",
            gatewayName: "edge",
        });
        assert.equal(serviceIdOf(GW), "/subscriptions/sub-1/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso");
        assert.equal(resourceGroupIdOf(GW), "/subscriptions/sub-1/resourceGroups/rg-apim");
        assert.throws(() => parseGatewayId("/subscriptions/s/resourceGroups/r"), /not an API Management gateway resource id/);
        for (const id of [`x${GW}`, `${GW}/apis/a`]) {
            assert.throws(
                () => parseGatewayId(id),
                (e: Error) => e.message === `not an API Management gateway resource id: ${id}`,
            );
        }
        // A resource group named "gateways" is not taken for the gateway segment.
        const odd = "/subscriptions/sub-1/resourceGroups/gateways/providers/Microsoft.ApiManagement/service/contoso/gateways/edge";
        assert.equal(serviceIdOf(odd), "/subscriptions/sub-1/resourceGroups/gateways/providers/Microsoft.ApiManagement/service/contoso");
    });

    it("completes a role GUID in the subscription and keeps a full role id", () => {
        const guid = "8b9dca3f-3b7d-4f5c-9a0e-1d2c3b4a5f60";
        assert.equal(roleDefinitionFullId(guid, "sub-1"), `/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/${guid}`);
        assert.equal(
            roleDefinitionFullId(`/providers/Microsoft.Authorization/roleDefinitions/${guid}`, "sub-1"),
            `/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        );
        // Only a bare GUID is completed.
        assert.equal(roleDefinitionFullId(`${guid}/x`, "sub-1"), `${guid}/x`);
        assert.equal(roleDefinitionFullId(`x${guid}`, "sub-1"), `x${guid}`);
    });

    it("names the ServiceAccount subject and tenant-unique custom roles", () => {
        assert.equal(serviceAccountSubject("apim-gateway", "edge"), "system:serviceaccount:apim-gateway:edge");
        assert.equal(customRoleName("Reader", "rg", "svc", "gw"), "Reader (rg/svc/gw)");
        assert.equal(customRoleName("Validator", "rg", "svc"), "Validator (rg/svc)");
    });
});
