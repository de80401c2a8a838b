// The gateway's settings (its ConfigMap data and a few environment variables), as pure functions.
// Keys are Microsoft's "self-hosted gateway container configuration settings" reference.
import type {
    AuthType,
    BackendProtocolsArgs,
    InstanceDiscoveryArgs,
    ObservabilityArgs,
    ProxyArgs,
    SelfHostedGatewayArgs,
    TlsArgs,
} from "./args";

/** The backend protocol settings' common prefix (Microsoft's name, from the managed gateway's protocol settings). */
export const BACKEND_PROTOCOL_PREFIX = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.";

/** Setting keys (ConfigMap) and environment variables that typed options own, with the option that owns each. */
export const TYPED_SETTINGS: Readonly<Record<string, string>> = {
    "config.service.endpoint": "apim.configurationEndpoint",
    "config.service.auth": "auth.type",
    "config.service.auth.azureAd.tenantId": "auth.azureAdApp.tenantId",
    "config.service.auth.azureAd.clientId": "auth.azureAdApp.clientId",
    "config.service.auth.azureAd.clientSecret": "auth.azureAdApp.clientSecret",
    "config.service.auth.azureAd.authority": "auth.azureAdApp.authority",
    "config.service.auth.tokenAudience": "auth.tokenAudience",
    "config.service.endpoint.disableCertificateValidation": "configurationTrust.disableCertificateValidation",
    "certificates.local.ca.enabled": "configurationTrust.caCertificates / certificateAuthorities",
    "gateway.name": "apim.gatewayName",
    "telemetry.logs.std": "observability.logs.std.format",
    "telemetry.logs.std.level": "observability.logs.std.level",
    "telemetry.logs.std.color": "observability.logs.std.color",
    "telemetry.logs.local": "observability.logs.local.type",
    "telemetry.logs.local.localsyslog.endpoint": "observability.logs.local.endpoint",
    "telemetry.logs.local.localsyslog.facility": "observability.logs.local.facility",
    "telemetry.logs.local.rfc5424.endpoint": "observability.logs.local.endpoint",
    "telemetry.logs.local.rfc5424.facility": "observability.logs.local.facility",
    "telemetry.logs.local.journal.endpoint": "observability.logs.local.endpoint",
    "telemetry.logs.local.json.endpoint": "observability.logs.local.endpoint",
    "telemetry.metrics.cloud": "observability.metrics.azureMonitor",
    "telemetry.metrics.local": "observability.metrics.statsd",
    "telemetry.metrics.local.statsd.endpoint": "observability.metrics.statsd.endpoint",
    "telemetry.metrics.local.statsd.sampling": "observability.metrics.statsd.sampling",
    "telemetry.metrics.local.statsd.tag-format": "observability.metrics.statsd.tagFormat",
    "observability.opentelemetry.enabled": "observability.openTelemetry",
    "observability.opentelemetry.collector.uri": "observability.openTelemetry.collectorUri",
    "observability.opentelemetry.system-metrics.enabled": "observability.openTelemetry.systemMetrics",
    "observability.opentelemetry.histogram.buckets": "observability.openTelemetry.histogramBuckets",
    "net.server.tls.ciphers.allowed-suites": "tls.serverCipherSuites",
    "net.client.tls.ciphers.allowed-suites": "tls.clientCipherSuites",
    // Microsoft's settings reference, "Self-hosted gateway container configuration settings"
    // (https://learn.microsoft.com/azure/api-management/self-hosted-gateway-settings-reference).
    "config.service.auth.azureAd.certificatePath": "auth.azureAdApp.certificate",
    "config.service.integration.timeout": "apim.configurationTimeoutSeconds",
    "net.server.http.forwarded.proto.enabled": "service.honorForwardedProto",
    "security.certificate-revocation.validation.enabled": "tls.certificateRevocationValidation",
    [`${BACKEND_PROTOCOL_PREFIX}Tls13`]: "tls.backendProtocols.tls13",
    [`${BACKEND_PROTOCOL_PREFIX}Tls12`]: "tls.backendProtocols.tls12",
    [`${BACKEND_PROTOCOL_PREFIX}Tls11`]: "tls.backendProtocols.tls11",
    [`${BACKEND_PROTOCOL_PREFIX}Tls10`]: "tls.backendProtocols.tls10",
    [`${BACKEND_PROTOCOL_PREFIX}Ssl30`]: "tls.backendProtocols.ssl30",
    "logs.applicationinsights.endpoint": "observability.applicationInsights.endpoint",
    "policy.rate-limit.sync.port": "instanceDiscovery.rateLimitPort",
    "neighborhood.heartbeat.port": "instanceDiscovery.heartbeatPort",
    HTTP_PROXY: "proxy.http",
    HTTPS_PROXY: "proxy.https",
    NO_PROXY: "proxy.bypass",
};

/** The most a ConfigMap holds: its keys and values together, in bytes (Kubernetes' 1 MiB). */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** The size of a settings map as Kubernetes counts it against CONFIG_MAP_MAX_BYTES: every key and value, in bytes. */
export function settingsBytes(d: Record<string, string>): number {
    return Object.entries(d).reduce((n, [k, v]) => n + Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8"), 0);
}

/** Settings the component itself sets (never user-overridable), with what they are for. */
export const COMPONENT_SETTINGS: Readonly<Record<string, string>> = {
    "neighborhood.host": "the instance-discovery Service",
    // The container ports and the instance-discovery Service use the defaults; another port would break the sync.
    "neighborhood.heartbeat.port": "the heartbeat port 4291 of the pods and the instance-discovery Service",
    "policy.rate-limit.sync.port": "the rate-limit port 4290 of the pods and the instance-discovery Service",
    "runtime.deployment.artifact.source": "deployment metadata",
    "runtime.deployment.mechanism": "deployment metadata",
    "runtime.deployment.orchestrator.type": "deployment metadata",
};

/**
 * Every setting of the self-hosted gateway, spelled as Microsoft's settings reference spells it: "Reference:
 * Self-hosted gateway container configuration settings" (learn.microsoft.com/azure/api-management/
 * self-hosted-gateway-settings-reference, its revision of 2026-08-24, gateway v2), plus the three deployment-metadata
 * keys of the portal's YAML. The pods receive the settings ConfigMap as environment variables (envFrom), so any other
 * key would set any variable of the container's runtime (SSL_CERT_FILE, all_proxy, DOTNET_STARTUP_HOOKS, ...).
 */
export const GATEWAY_SETTINGS: readonly string[] = [
    // Configuration API integration
    "gateway.name",
    "config.service.endpoint",
    "config.service.auth",
    "config.service.auth.azureAd.tenantId",
    "config.service.auth.azureAd.clientId",
    "config.service.auth.azureAd.clientSecret",
    "config.service.auth.azureAd.certificatePath",
    "config.service.auth.azureAd.authority",
    "config.service.auth.tokenAudience",
    "config.service.endpoint.disableCertificateValidation",
    "config.service.integration.timeout",
    // Cross-instance discovery and synchronization
    "neighborhood.host",
    "neighborhood.heartbeat.port",
    "policy.rate-limit.sync.port",
    // HTTP
    "net.server.http.forwarded.proto.enabled",
    // Kubernetes integration (Ingress, preview)
    "k8s.ingress.enabled",
    "k8s.ingress.namespace",
    "k8s.ingress.dns.suffix",
    "k8s.ingress.config.path",
    // Metrics
    "telemetry.metrics.local",
    "telemetry.metrics.local.statsd.endpoint",
    "telemetry.metrics.local.statsd.sampling",
    "telemetry.metrics.local.statsd.tag-format",
    "telemetry.metrics.cloud",
    "observability.opentelemetry.enabled",
    "observability.opentelemetry.collector.uri",
    "observability.opentelemetry.system-metrics.enabled",
    "observability.opentelemetry.histogram.buckets",
    // Logs
    "telemetry.logs.std",
    "telemetry.logs.std.level",
    "telemetry.logs.std.color",
    "telemetry.logs.local",
    "telemetry.logs.local.localsyslog.endpoint",
    "telemetry.logs.local.localsyslog.facility",
    "telemetry.logs.local.rfc5424.endpoint",
    "telemetry.logs.local.rfc5424.facility",
    "telemetry.logs.local.journal.endpoint",
    "telemetry.logs.local.json.endpoint",
    // Security: certificates and ciphers
    "certificates.local.ca.enabled",
    "net.server.tls.ciphers.allowed-suites",
    "net.client.tls.ciphers.allowed-suites",
    "security.certificate-revocation.validation.enabled",
    // Security: TLS to the backend
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls13",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls12",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30",
    // Sovereign clouds
    "logs.applicationinsights.endpoint",
    // The portal's YAML (deployment metadata)
    "runtime.deployment.artifact.source",
    "runtime.deployment.mechanism",
    "runtime.deployment.orchestrator.type",
];

/** Settings of the reference that the component does not offer, with why. */
export const SETTINGS_NOT_OFFERED: readonly { prefix: string; why: string }[] = [
    {
        prefix: "k8s.ingress.",
        why: "the Ingress integration (preview) reads the Kubernetes API from the pods, and the pods get no ServiceAccount token",
    },
];

/**
 * How a key is compared with the reference's names: the gateway reads its settings through .NET configuration, whose
 * keys are case-insensitive, and whose environment variable names may write a separator as `__`.
 */
export const settingKeyForm = (key: string): string => key.replace(/__/g, ".").toLowerCase();

/** The reference's spelling of a key that names one of its settings in another spelling (case, `__`), if any. */
export function referenceSpelling(key: string): string | undefined {
    const k = settingKeyForm(key);
    return GATEWAY_SETTINGS.find((s) => s.toLowerCase() === k);
}

export type SettingOwner = { kind: "option"; path: string } | { kind: "component"; what: string } | { kind: "auth" };

/**
 * Who owns a setting key, if anyone: a typed option, the component, or the auth modes. Keys compare as the gateway
 * reads them (settingKeyForm: case-insensitive, `__` for `.`).
 */
export function settingOwner(key: string): SettingOwner | undefined {
    const k = settingKeyForm(key);
    const typed = Object.keys(TYPED_SETTINGS).find((t) => t.toLowerCase() === k);
    if (typed !== undefined) return { kind: "option", path: TYPED_SETTINGS[typed] };
    const own = Object.keys(COMPONENT_SETTINGS).find((t) => t.toLowerCase() === k);
    if (own !== undefined) return { kind: "component", what: COMPONENT_SETTINGS[own] };
    // Any other Entra setting would bypass auth.* (the certificate's path is typed: auth.azureAdApp.certificate).
    if (k.startsWith("config.service.auth.")) return { kind: "auth" };
    return undefined;
}

/** Resolved authentication, plain values only (Outputs already resolved). */
export type AuthSettings =
    | { type: Extract<AuthType, "token" | "existingSecret"> }
    | { type: "azureAdApp"; gatewayName: string; tenantId: string; clientId: string; authority?: string; tokenAudience?: string }
    | { type: "workloadIdentity"; gatewayName: string; tokenAudience?: string };

export interface SettingsInput {
    endpoint: string;
    discoveryServiceName: string;
    auth: AuthSettings;
    /** Mounted CA certificates or gateway certificate authorities are in use. */
    localCa?: boolean;
    disableCertificateValidation?: boolean;
    observability?: ObservabilityArgs;
    tls?: TlsArgs;
    additionalSettings?: Record<string, string | number | boolean>;
    /** The typed settings of Microsoft's current reference (typedSettings below). */
    typed?: TypedSettingsInput;
}

/** The typed settings: each is written only when its option is set, so the gateway's own default otherwise holds. */
export interface TypedSettingsInput {
    /** The mounted client certificate's path in the pod (auth.azureAdApp.certificate). */
    azureAdCertificatePath?: string;
    configurationTimeoutSeconds?: number;
    honorForwardedProto?: boolean;
    certificateRevocationValidation?: boolean;
    backendProtocols?: BackendProtocolsArgs;
    /** The option, or the sovereign cloud's endpoint (applicationInsightsEndpointFor). */
    applicationInsightsEndpoint?: string;
    instanceDiscovery?: InstanceDiscoveryArgs;
}

/**
 * The typed settings of these arguments. `applicationInsightsDefault`: the cloud's endpoint when the option is not
 * set (applicationInsightsEndpointFor); `certificatePath`: where a client certificate is mounted, when there is one.
 */
export function typedSettingsOf(
    args: SelfHostedGatewayArgs,
    applicationInsightsDefault: string | undefined,
    certificatePath: string | undefined,
): TypedSettingsInput {
    const endpoint = args.observability?.applicationInsights?.endpoint ?? applicationInsightsDefault;
    return {
        ...(certificatePath !== undefined ? { azureAdCertificatePath: certificatePath } : {}),
        ...(args.apim.configurationTimeoutSeconds !== undefined
            ? { configurationTimeoutSeconds: args.apim.configurationTimeoutSeconds }
            : {}),
        ...(args.service?.honorForwardedProto !== undefined ? { honorForwardedProto: args.service.honorForwardedProto } : {}),
        ...(args.tls?.certificateRevocationValidation !== undefined
            ? { certificateRevocationValidation: args.tls.certificateRevocationValidation }
            : {}),
        ...(args.tls?.backendProtocols !== undefined ? { backendProtocols: args.tls.backendProtocols } : {}),
        ...(endpoint !== undefined ? { applicationInsightsEndpoint: endpoint } : {}),
        ...(args.instanceDiscovery !== undefined ? { instanceDiscovery: args.instanceDiscovery } : {}),
    };
}

/** Seconds as a .NET TimeSpan, `hh:mm:ss` (the reference's default for the integration timeout is `00:01:40`). */
export function timeSpan(seconds: number): string {
    const two = (n: number) => String(n).padStart(2, "0");
    return `${two(Math.floor(seconds / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
}

const PROTOCOL_KEYS = { tls13: "Tls13", tls12: "Tls12", tls11: "Tls11", tls10: "Tls10", ssl30: "Ssl30" } as const;

/** The typed settings' ConfigMap keys and values. */
export function typedSettings(t: TypedSettingsInput | undefined): Record<string, string> {
    const d: Record<string, string> = {};
    if (t === undefined) return d;
    if (t.azureAdCertificatePath !== undefined) d["config.service.auth.azureAd.certificatePath"] = t.azureAdCertificatePath;
    if (t.configurationTimeoutSeconds !== undefined) d["config.service.integration.timeout"] = timeSpan(t.configurationTimeoutSeconds);
    if (t.honorForwardedProto !== undefined) d["net.server.http.forwarded.proto.enabled"] = String(t.honorForwardedProto);
    if (t.certificateRevocationValidation !== undefined) {
        d["security.certificate-revocation.validation.enabled"] = String(t.certificateRevocationValidation);
    }
    for (const [option, suffix] of Object.entries(PROTOCOL_KEYS)) {
        const v = t.backendProtocols?.[option as keyof BackendProtocolsArgs];
        if (v !== undefined) d[`${BACKEND_PROTOCOL_PREFIX}${suffix}`] = String(v);
    }
    if (t.applicationInsightsEndpoint !== undefined) d["logs.applicationinsights.endpoint"] = t.applicationInsightsEndpoint;
    if (t.instanceDiscovery?.rateLimitPort !== undefined) d["policy.rate-limit.sync.port"] = String(t.instanceDiscovery.rateLimitPort);
    if (t.instanceDiscovery?.heartbeatPort !== undefined) d["neighborhood.heartbeat.port"] = String(t.instanceDiscovery.heartbeatPort);
    return d;
}

/**
 * The Application Insights ingestion endpoint of a sovereign cloud; undefined for public (the gateway's default,
 * `https://dc.services.visualstudio.com/v2/track`). Source: the settings reference's "Sovereign clouds" table.
 */
export function applicationInsightsEndpointFor(cloud: "public" | "usgovernment" | "china"): string | undefined {
    return cloud === "china"
        ? "https://dc.applicationinsights.azure.cn/v2/track"
        : cloud === "usgovernment"
          ? "https://dc.applicationinsights.us/v2/track"
          : undefined;
}

/**
 * The ConfigMap data. The first five keys are the portal's, in the portal's order; every other
 * key appears only when its option is set, so a default configuration reproduces the portal.
 */
export function gatewaySettings(i: SettingsInput): Record<string, string> {
    const d: Record<string, string> = {
        "config.service.endpoint": i.endpoint,
        "neighborhood.host": i.discoveryServiceName,
        "runtime.deployment.artifact.source": "Pulumi",
        "runtime.deployment.mechanism": "YAML",
        "runtime.deployment.orchestrator.type": "Kubernetes",
    };
    const a = i.auth;
    if (a.type === "azureAdApp") {
        d["config.service.auth"] = "azureAdApp";
        d["config.service.auth.azureAd.tenantId"] = a.tenantId;
        d["config.service.auth.azureAd.clientId"] = a.clientId;
        if (a.authority !== undefined) d["config.service.auth.azureAd.authority"] = a.authority;
        if (a.tokenAudience !== undefined) d["config.service.auth.tokenAudience"] = a.tokenAudience;
        d["gateway.name"] = a.gatewayName;
    } else if (a.type === "workloadIdentity") {
        d["config.service.auth"] = "workloadIdentity";
        if (a.tokenAudience !== undefined) d["config.service.auth.tokenAudience"] = a.tokenAudience;
        d["gateway.name"] = a.gatewayName;
    }
    // token / existingSecret: config.service.auth is an env var from the Secret (see authEnv).
    if (i.disableCertificateValidation) d["config.service.endpoint.disableCertificateValidation"] = "true";
    if (i.localCa) d["certificates.local.ca.enabled"] = "true";
    Object.assign(d, observabilitySettings(i.observability));
    if (i.tls?.serverCipherSuites) d["net.server.tls.ciphers.allowed-suites"] = i.tls.serverCipherSuites.join(",");
    if (i.tls?.clientCipherSuites) d["net.client.tls.ciphers.allowed-suites"] = i.tls.clientCipherSuites.join(",");
    Object.assign(d, typedSettings(i.typed));
    for (const [k, v] of Object.entries(i.additionalSettings ?? {})) {
        d[k] = String(v);
    }
    return d;
}

/** The telemetry settings, as documented (only the keys whose options are set). */
export function observabilitySettings(o: ObservabilityArgs | undefined): Record<string, string> {
    const d: Record<string, string> = {};
    if (o === undefined) return d;
    const std = o.logs?.std;
    if (std?.format !== undefined) d["telemetry.logs.std"] = std.format;
    if (std?.level !== undefined) d["telemetry.logs.std.level"] = std.level;
    if (std?.color !== undefined) d["telemetry.logs.std.color"] = String(std.color);
    const local = o.logs?.local;
    if (local !== undefined) {
        d["telemetry.logs.local"] = local.type;
        if (local.endpoint !== undefined) d[`telemetry.logs.local.${local.type}.endpoint`] = local.endpoint;
        if (local.facility !== undefined) d[`telemetry.logs.local.${local.type}.facility`] = String(local.facility);
    }
    if (o.metrics?.azureMonitor !== undefined) d["telemetry.metrics.cloud"] = String(o.metrics.azureMonitor);
    const statsd = o.metrics?.statsd;
    if (statsd !== undefined) {
        d["telemetry.metrics.local"] = "statsd";
        d["telemetry.metrics.local.statsd.endpoint"] = statsd.endpoint;
        if (statsd.sampling !== undefined) d["telemetry.metrics.local.statsd.sampling"] = String(statsd.sampling);
        if (statsd.tagFormat !== undefined) d["telemetry.metrics.local.statsd.tag-format"] = statsd.tagFormat;
    }
    const otel = o.openTelemetry;
    if (otel !== undefined) {
        d["observability.opentelemetry.enabled"] = "true";
        d["observability.opentelemetry.collector.uri"] = otel.collectorUri;
        if (otel.systemMetrics !== undefined) d["observability.opentelemetry.system-metrics.enabled"] = String(otel.systemMetrics);
        if (otel.histogramBuckets !== undefined) d["observability.opentelemetry.histogram.buckets"] = otel.histogramBuckets.join(",");
    }
    return d;
}

/** HTTP(S) proxy environment variables (the gateway honours the conventional names). */
export function proxyEnv(p: ProxyArgs | undefined): { name: string; value: string }[] {
    const env: { name: string; value: string }[] = [];
    if (p?.http !== undefined) env.push({ name: "HTTP_PROXY", value: p.http });
    if (p?.https !== undefined) env.push({ name: "HTTPS_PROXY", value: p.https });
    if (p?.bypass !== undefined) env.push({ name: "NO_PROXY", value: p.bypass.join(",") });
    return env;
}

/** Token audience of the configuration API per cloud; undefined for public (the gateway's default). */
export function tokenAudienceFor(cloud: "public" | "usgovernment" | "china"): string | undefined {
    return cloud === "china"
        ? "https://azure-api.cn/configuration"
        : cloud === "usgovernment"
          ? "https://azure-api.us/configuration"
          : undefined;
}
