// Public argument types of the SelfHostedGateway component, and their defaults.
// Other projects import these names: keep them stable.
import type * as pulumi from "@pulumi/pulumi";
import type * as In from "@pulumi/kubernetes/types/input";

/** The location shown for a gateway in the portal (free text, not an Azure region). */
export interface GatewayLocationArgs {
    name: pulumi.Input<string>;
    city?: pulumi.Input<string>;
    district?: pulumi.Input<string>;
    countryOrRegion?: pulumi.Input<string>;
}

/** Where the gateway lives in Azure: an existing API Management instance. */
export interface ApimArgs {
    /** Resource group of the existing API Management instance. */
    resourceGroupName: pulumi.Input<string>;
    /** Name of the existing API Management instance. */
    serviceName: pulumi.Input<string>;
    /** Gateway id to create in that instance (the name shown under Gateways in the portal). */
    gatewayName: pulumi.Input<string>;
    /** The location shown for this gateway in the portal (free text, not an Azure region). */
    location: GatewayLocationArgs;
    description?: pulumi.Input<string>;
    /**
     * Host name of the configuration endpoint the gateway pulls its configuration from. Default
     * `<serviceName>.configuration.<domain>` in the azure-native cloud: azure-api.net (public), azure-api.us
     * (usgovernment), azure-api.cn (china); set it for a custom domain.
     */
    configurationEndpoint?: pulumi.Input<string>;
    /**
     * `config.service.integration.timeout`: how long the gateway waits on the configuration API, in whole seconds
     * (1 to 3600). Gateway default 100 (`00:01:40`).
     */
    configurationTimeoutSeconds?: number;
}

export type KeyType = "primary" | "secondary";

export interface TokenArgs {
    /** Which gateway key signs the token. Default `primary`. */
    keyType?: KeyType;
    /** Token lifetime in whole days, 1..30 (Azure's maximum). Default 30. */
    lifetimeDays?: number;
    /** Issue a new token every N whole days; must be less than `lifetimeDays`. Default 7. */
    rotateEveryDays?: number;
    /**
     * Alternate the primary and secondary key between successive rotation windows (default false),
     * so that regenerating the key not in use (see the `tokenKeyType` output) never kills the
     * running token.
     */
    alternateKeys?: boolean;
    /**
     * Azure Resource Manager endpoint used to call generateToken. Default: follows the
     * azure-native provider's `environment` (public, usgovernment, china).
     */
    armEndpoint?: string;
    /**
     * Route API Management's own `GatewayTokenNearExpiry` and `GatewayTokenExpired` events for this gateway, and no
     * other, to a webhook, Azure Functions and/or Service Bus queues (an Event Grid system topic + one subscription per
     * receiver). Off by default.
     */
    expiryAlerts?: TokenExpiryAlertsArgs;
}

export interface TokenExpiryAlertsArgs {
    /**
     * HTTPS endpoint that receives the events (Event Grid schema). It must answer Event Grid's validation handshake
     * (docs/token-rotation.md, "Alerting"). Kept secret: such URLs often carry a key.
     */
    webhookUrl?: pulumi.Input<string>;
    /** Azure Functions (resource ids .../Microsoft.Web/sites/<app>/functions/<function>) that receive the events. */
    azureFunctionIds?: pulumi.Input<string>[];
    /** Service Bus queues (resource ids .../Microsoft.ServiceBus/namespaces/<ns>/queues/<queue>) that receive the events. */
    serviceBusQueueIds?: pulumi.Input<string>[];
    /** The API Management instance's Event Grid system topic: Azure allows one per instance. */
    systemTopic: {
        /** The topic's name. */
        name: string;
        /** Create it (default true). Set false when it exists already (for example, another stack of the instance created it). */
        create?: boolean;
        /** The API Management instance's region; required when the component creates the topic. */
        location?: string;
        /** The topic's resource group. Default: the instance's (`apim.resourceGroupName`). */
        resourceGroupName?: string;
    };
}

export interface NamespaceArgs {
    /** Namespace name (DNS-1123 label). */
    name: pulumi.Input<string>;
    /** Create the namespace (default true). Set false to deploy into an existing one. */
    create?: boolean;
    /**
     * Pod Security Admission level enforced on the created namespace (label
     * `pod-security.kubernetes.io/enforce`). Default: none, which prod refuses for a created namespace (it would
     * admit any pod). The gateway's pods meet `restricted`; a service-mesh sidecar injector may not.
     */
    podSecurityLevel?: "restricted" | "baseline" | "privileged";
}

/** An int (pods) or a percentage string such as "25%". */
export type IntOrPercent = number | string;

export interface RollingUpdateArgs {
    /** Default 0: capacity never dips during a rollout. */
    maxUnavailable?: IntOrPercent;
    /** Default "25%". */
    maxSurge?: IntOrPercent;
}

export type PullPolicy = "IfNotPresent" | "Always" | "Never";

export interface ImageArgs {
    /** Default `mcr.microsoft.com/azure-api-management/gateway`. */
    repository?: string;
    /** Default the pinned version in DEFAULT_IMAGE_TAG. */
    tag?: string;
    /** Optional content digest (`sha256:…`) to pin the exact image bytes. */
    digest?: string;
    /** Default IfNotPresent. */
    pullPolicy?: PullPolicy;
    /** Names of Secrets (in the gateway's namespace) used to pull from a private registry. */
    pullSecrets?: string[];
}

export type Quantity = string | number;

export interface ResourceRequirementsArgs {
    requests?: Record<string, Quantity>;
    limits?: Record<string, Quantity>;
}

export type ServiceType = "LoadBalancer" | "NodePort" | "ClusterIP";
export type ExternalTrafficPolicy = "Local" | "Cluster";

export interface ServiceArgs {
    /** Default LoadBalancer. */
    type?: ServiceType;
    /** Default Local (keeps the caller IP, avoids a second hop). LoadBalancer/NodePort only. */
    externalTrafficPolicy?: ExternalTrafficPolicy;
    /** Annotations, e.g. `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`. */
    annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** A static IP for the load balancer (deprecated upstream, still honoured by AKS). */
    loadBalancerIP?: pulumi.Input<string>;
    /** Default 80. */
    httpPort?: number;
    /** Default 443. */
    httpsPort?: number;
    /** LoadBalancer only: `false` stops Kubernetes allocating node ports (Kubernetes default true). */
    allocateLoadBalancerNodePorts?: boolean;
    /**
     * `net.server.http.forwarded.proto.enabled`: resolve the called API's scheme from the `X-Forwarded-Proto` header
     * (http/https) that a TLS-terminating proxy in front sets. Gateway default false.
     */
    honorForwardedProto?: boolean;
}

export type BackupAccessMode = "ReadWriteMany" | "ReadWriteOnce" | "ReadWriteOncePod";

export interface ConfigBackupArgs {
    /** Default true: the gateway keeps its last configuration on a volume at /apim/config. */
    enabled?: boolean;
    /** Storage class of the claim; on AKS use one that supports ReadWriteMany, e.g. `azurefile-csi`. */
    storageClassName?: pulumi.Input<string>;
    /** Default ReadWriteMany: every replica mounts the same volume. */
    accessMode?: BackupAccessMode;
    /** Default 50Mi. */
    size?: string;
    /** Mount this existing claim instead of creating one. */
    existingClaimName?: pulumi.Input<string>;
}

export type DnsPolicy = "ClusterFirst" | "ClusterFirstWithHostNet" | "Default" | "None";

/** One resolver option of the pod's DNS config, e.g. `{ name: "ndots", value: "2" }`. */
export interface DnsOptionArgs {
    name: string;
    value?: string;
}

export interface DnsConfigArgs {
    nameservers?: string[];
    searches?: string[];
    options?: DnsOptionArgs[];
}

export type Environment = "dev" | "prod";

/** How the gateway authenticates to the configuration API of API Management. */
export type AuthType = "token" | "existingSecret" | "azureAdApp" | "workloadIdentity";

/** A key of an existing Kubernetes Secret in the gateway's namespace. */
export interface SecretKeyRefArgs {
    name: pulumi.Input<string>;
    /** Default `value` (the portal's key name; the Helm chart uses `gateway-key`). */
    key?: string;
}

/**
 * The Entra app's client certificate, mounted read-only into the pods; `config.service.auth.azureAd.certificatePath`
 * names the file. Exactly one source.
 */
export interface AzureAdCertificateArgs {
    /** A Secret in the gateway's namespace whose key holds the certificate with its private key. */
    existingSecret?: SecretKeyRefArgs;
    /**
     * A certificate in Azure Key Vault, mounted through the Secrets Store CSI driver: the component creates the
     * `SecretProviderClass` (provider `azure`). The driver and its Azure provider must be installed (on AKS, the
     * `azure-keyvault-secrets-provider` add-on).
     */
    keyVault?: {
        /** The vault's name. */
        vaultName: string;
        /** The Key Vault certificate's name; fetched as its secret, which carries the private key. */
        certificateName: string;
        /** Client id of the user-assigned identity that may read the vault (on AKS, the add-on's identity). */
        identityClientId: pulumi.Input<string>;
        /** The vault's tenant. Default: `auth.azureAdApp.tenantId`. */
        tenantId?: pulumi.Input<string>;
        /** `pfx` (default) or `pem`: the file the driver writes. */
        format?: "pfx" | "pem";
    };
}

export interface AzureAdAppArgs {
    /** Microsoft Entra tenant (directory) id. */
    tenantId: pulumi.Input<string>;
    /** Application (client) id of the app registration. */
    clientId: pulumi.Input<string>;
    /**
     * The app's client secret. Pass a Pulumi secret (the stack program reads it from the separate
     * secret key `apim-gateway:azureAdClientSecret`); it goes only into a Kubernetes Secret.
     * Exactly one of clientSecret and existingSecret.
     */
    clientSecret?: pulumi.Input<string>;
    /** Take the client secret from this existing Kubernetes Secret instead. */
    existingSecret?: SecretKeyRefArgs;
    /** Sign in with a client certificate instead of a secret (not with clientSecret or existingSecret). */
    certificate?: AzureAdCertificateArgs;
    /** Authority URL. Default: the gateway's default, `https://login.microsoftonline.com` (other clouds: theirs). */
    authority?: string;
}

/** Creates everything workload identity needs in Azure, so nothing is left to click. */
export interface WorkloadIdentityProvisionArgs {
    /** The cluster's OIDC issuer URL (`az aks show --query oidcIssuerProfile.issuerUrl`). */
    oidcIssuerUrl: pulumi.Input<string>;
    /** Azure region of the user-assigned identity, e.g. `westeurope`. */
    location: pulumi.Input<string>;
    /** Resource group of the identity. Default: the API Management instance's. */
    resourceGroupName?: pulumi.Input<string>;
    /** Name of the identity. Default: auto-named from the component name. */
    identityName?: pulumi.Input<string>;
    /**
     * Role that grants `Microsoft.ApiManagement/service/gateways/getConfiguration/action`: a full
     * role definition id or its GUID. Default: the component creates Microsoft's documented custom
     * role "API Management Gateway Configuration Reader Role" (scoped to the APIM resource group).
     */
    roleDefinitionId?: pulumi.Input<string>;
    /**
     * Where the role is assigned, as Microsoft documents it: the API Management instance (default) or its resource
     * group (learn.microsoft.com/azure/api-management/self-hosted-gateway-enable-workload-identity).
     */
    roleScope?: "service" | "resourceGroup";
    /**
     * Principal id of the API Management instance's system-assigned managed identity. When set, the
     * component also creates and assigns Microsoft's documented "API Management Configuration API
     * Access Validator Service Role" to it (once per APIM instance: set it in one stack only).
     */
    apimPrincipalId?: pulumi.Input<string>;
}

export interface WorkloadIdentityArgs {
    /** Client id of an existing identity (user-assigned identity or app registration). Not with `provision`. */
    clientId?: pulumi.Input<string>;
    provision?: WorkloadIdentityProvisionArgs;
}

export interface AuthArgs {
    /** Default `token`: the component issues and rotates the gateway token. */
    type?: AuthType;
    /** `existingSecret`: a Secret you manage whose key holds `GatewayKey <token>`. */
    existingSecret?: SecretKeyRefArgs;
    azureAdApp?: AzureAdAppArgs;
    workloadIdentity?: WorkloadIdentityArgs;
    /**
     * Entra modes: audience of the configuration API token. Default: follows the azure-native
     * cloud (public: the gateway's default; china `https://azure-api.cn/configuration`;
     * usgovernment `https://azure-api.us/configuration`).
     */
    tokenAudience?: string;
}

export type WhenUnsatisfiable = "ScheduleAnyway" | "DoNotSchedule";
export type AntiAffinity = "none" | "preferred" | "required";

export interface HighAvailabilityArgs {
    /** Default: on when the replica floor is 2 or more (replicas, or autoscaling.minReplicas). */
    enabled?: boolean;
    /** PodDisruptionBudget maxUnavailable (int or percentage). Default "25%" (the chart's). */
    maxUnavailable?: IntOrPercent;
    /** Topology spread constraints, maxSkew 1 on each key. */
    topologySpread?: {
        /** Default ScheduleAnyway (the chart's): spread when possible, never block scheduling. */
        whenUnsatisfiable?: WhenUnsatisfiable;
        /** Default zone then node: `topology.kubernetes.io/zone`, `kubernetes.io/hostname`. */
        topologyKeys?: string[];
    };
    /** Pod anti-affinity between gateway pods on one node. Default none (topology spread does the work). */
    antiAffinity?: AntiAffinity;
}

export interface ProbeTimingArgs {
    initialDelaySeconds?: number;
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
}

export interface ProbesArgs {
    /** Default every 5 s, 3 failures, 3 s timeout. */
    readiness?: ProbeTimingArgs & { successThreshold?: number };
    /** Default every 10 s, 6 failures, 3 s timeout. */
    liveness?: ProbeTimingArgs;
    /** Default every 5 s, 60 failures (5 minutes to fetch the first configuration), 3 s timeout. */
    startup?: ProbeTimingArgs;
}

export interface PodSecurityArgs {
    /** Default 1001 (the image's user). Root (0) is refused: the restricted profile forbids it. */
    runAsUser?: number;
    /** Default 1001. */
    runAsGroup?: number;
    /** Default 1001: the backup volume must be writable by group 1001. */
    fsGroup?: number;
    /** Kubernetes default Always; OnRootMismatch speeds up mounting large volumes. */
    fsGroupChangePolicy?: "OnRootMismatch" | "Always";
}

export interface TolerationArgs {
    key?: string;
    operator?: "Exists" | "Equal";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    tolerationSeconds?: number;
}

export interface HostAliasArgs {
    ip: string;
    hostnames: string[];
}

export interface ServiceAccountArgs {
    /** Default: true with workloadIdentity, else false (the namespace's `default` account). */
    create?: boolean;
    /** Default: the component name. With create false, an existing account's name. */
    name?: string;
    annotations?: Record<string, string>;
}

export interface NetworkPolicyPeerArgs {
    namespaceSelector?: { matchLabels: Record<string, string> };
    podSelector?: { matchLabels: Record<string, string> };
    ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyArgs {
    /** Default false. */
    enabled?: boolean;
    /**
     * Who may reach the HTTP/HTTPS ports. Default: anyone (a gateway serves clients); the UDP
     * rate-limit/heartbeat ports are always open to the gateway's own pods only.
     */
    ingressFrom?: NetworkPolicyPeerArgs[];
}

export interface ProxyArgs {
    /** HTTP_PROXY, e.g. `http://proxy.corp:3128` (no credentials in plain config). */
    http?: string;
    /** HTTPS_PROXY. */
    https?: string;
    /** NO_PROXY entries, e.g. `["localhost", ".svc.cluster.local", "10.0.0.0/8"]`. */
    bypass?: string[];
}

export interface TlsArgs {
    /** `net.server.tls.ciphers.allowed-suites`: client-to-gateway cipher suites. */
    serverCipherSuites?: string[];
    /** `net.client.tls.ciphers.allowed-suites`: gateway-to-backend cipher suites. */
    clientCipherSuites?: string[];
    /** `security.certificate-revocation.validation.enabled`: check certificate revocation lists. Gateway default false. */
    certificateRevocationValidation?: boolean;
    /** Which protocols the gateway may speak to backends (Microsoft's defaults: TLS 1.3 and 1.2 on, the rest off). */
    backendProtocols?: BackendProtocolsArgs;
}

/** `Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.<Tls13|Tls12|Tls11|Tls10|Ssl30>`. */
export interface BackendProtocolsArgs {
    /** Gateway default true. */
    tls13?: boolean;
    /** Gateway default true. */
    tls12?: boolean;
    /** Gateway default false; production refuses true. */
    tls11?: boolean;
    /** Gateway default false; production refuses true. */
    tls10?: boolean;
    /** Gateway default false; production refuses true. */
    ssl30?: boolean;
}

/** The UDP ports the gateway's instances find each other on; the discovery Service and the NetworkPolicy follow them. */
export interface InstanceDiscoveryArgs {
    /** `policy.rate-limit.sync.port`: rate-limit synchronisation. Gateway default 4290. */
    rateLimitPort?: number;
    /** `neighborhood.heartbeat.port`: heartbeats. Gateway default 4291. */
    heartbeatPort?: number;
}

export interface ConfigurationTrustArgs {
    /**
     * PEM CA certificates to trust for the configuration endpoint (a custom domain signed by a
     * private CA). Each is mounted as a file into the image's OpenSSL certificate directory, which
     * the gateway (.NET on Linux) reads as its root store, and `certificates.local.ca.enabled` is set.
     */
    caCertificates?: string[];
    /** Directory the CA files are mounted into. Default `/etc/ssl/certs`. */
    caDirectory?: string;
    /**
     * `config.service.endpoint.disableCertificateValidation`. Testing only: anyone on the path can
     * impersonate API Management. Logs a warning on every run.
     */
    disableCertificateValidation?: boolean;
}

export type StdLogFormat = "none" | "text" | "json";
export type LogLevel = "all" | "debug" | "info" | "warn" | "error" | "fatal";
/** `forward` is offered by the Helm chart (the gateway's settings reference does not document it). */
export type LocalLogType = "none" | "auto" | "localsyslog" | "rfc5424" | "journal" | "json" | "forward";
export type StatsdTagFormat = "librato" | "dogStatsD" | "influxDB";

export interface ObservabilityArgs {
    logs?: {
        /** Container (stdout) logs. Gateway defaults: text, info, color on. */
        std?: { format?: StdLogFormat; level?: LogLevel; color?: boolean };
        /**
         * Local log sink. Gateway default `auto`. With `localsyslog`, `endpoint` is the socket's path in the pod (e.g.
         * `/dev/log`): the node's `/dev/log` socket is mounted there (a hostPath volume, which the restricted and
         * baseline Pod Security levels forbid).
         */
        local?: { type: LocalLogType; endpoint?: string; facility?: number };
    };
    metrics?: {
        /** `telemetry.metrics.cloud`: metrics to Azure Monitor. Gateway default true. */
        azureMonitor?: boolean;
        /** Local metrics through StatsD. */
        statsd?: { endpoint: string; sampling?: number; tagFormat?: StatsdTagFormat };
    };
    /** Metrics to an OpenTelemetry collector. */
    openTelemetry?: { collectorUri: string; systemMetrics?: boolean; histogramBuckets?: number[] };
    /**
     * `logs.applicationinsights.endpoint`: where the gateway sends Application Insights telemetry. Default: the
     * azure-native cloud's (public: the gateway's own, `https://dc.services.visualstudio.com/v2/track`; china
     * `https://dc.applicationinsights.azure.cn/v2/track`; usgovernment `https://dc.applicationinsights.us/v2/track`).
     */
    applicationInsights?: { endpoint?: string };
}

export interface AutoscalingArgs {
    /** Default true when the block is present (no block: no autoscaler). */
    enabled?: boolean;
    /** Default `replicas`; never below `replicas` nor below 2. */
    minReplicas?: number;
    maxReplicas: number;
    /** Average CPU utilisation (percent of the CPU request) to aim for. Default 70. */
    targetCpuUtilizationPercentage?: number;
    /** Average memory utilisation (percent of the memory request) to aim for. Default 80. */
    targetMemoryUtilizationPercentage?: number;
    /**
     * Scale with a KEDA `ScaledObject` instead of the component's HorizontalPodAutoscaler: KEDA creates and owns the
     * autoscaler (one workload must never have two), on CPU and memory as above, and on requests per second when
     * `requestsPerSecond` is set. Needs KEDA installed in the cluster.
     */
    keda?: KedaArgs;
}

export interface KedaArgs {
    /** Seconds between KEDA's checks of each trigger. KEDA default 30. */
    pollingInterval?: number;
    /** Requests per second per pod, read from Prometheus (KEDA's `prometheus` scaler). */
    requestsPerSecond?: {
        /** The Prometheus server, e.g. `http://prometheus-server.monitoring.svc:9090`. */
        serverAddress: string;
        /** A PromQL query whose value is the gateway's current request rate. */
        query: string;
        /** The rate each pod should take: KEDA aims for query / threshold pods. */
        threshold: number;
    };
}

export interface ApiAssignmentArgs {
    /** API id in the APIM instance (the last segment of its resource id). */
    apiId: string;
}

export interface HostnameConfigurationArgs {
    /** Identifier of the configuration in the gateway (letters, digits, '-'). */
    id: string;
    /** Host name, e.g. `api.contoso.com` or `*.contoso.com`. */
    hostname: string;
    /** APIM certificate id for TLS on this host name. */
    certificateId?: string;
    negotiateClientCertificate?: boolean;
    http2Enabled?: boolean;
    tls10Enabled?: boolean;
    tls11Enabled?: boolean;
}

export interface CertificateAuthorityArgs {
    /** APIM certificate id of the CA certificate. */
    certificateId: string;
    /** Default true: a trusted root; false for an intermediate. */
    isTrusted?: boolean;
}

export interface SelfHostedGatewayArgs {
    /**
     * `prod` (default): the deployment guide's production rules are errors. `dev`: each broken rule
     * is one warning line instead.
     */
    environment?: Environment;
    apim: ApimArgs;
    token?: TokenArgs;
    /** Default `{ type: "token" }`. */
    auth?: AuthArgs;
    namespace: NamespaceArgs;
    /** Default 2 (the guide asks for at least 2 in production, 3 recommended). */
    replicas?: number;
    rollingUpdate?: RollingUpdateArgs;
    image?: ImageArgs;
    /** Default requests 2 CPU / 2Gi, the guide's production starting point. */
    resources?: ResourceRequirementsArgs;
    service?: ServiceArgs;
    configBackup?: ConfigBackupArgs;
    /**
     * Default ClusterFirst. `None` requires `dnsConfig.nameservers`. With `Default` or `None` the pods have no
     * cluster search domains, so instance discovery uses the fully qualified name of its Service
     * (`<name>-instance-discovery.<namespace>.svc.<clusterDomain>`).
     */
    dnsPolicy?: DnsPolicy;
    dnsConfig?: DnsConfigArgs;
    /** The cluster's DNS domain, for that fully qualified name (dnsPolicy Default or None only). Default `cluster.local`. */
    clusterDomain?: string;
    highAvailability?: HighAvailabilityArgs;
    autoscaling?: AutoscalingArgs;
    probes?: ProbesArgs;
    podSecurity?: PodSecurityArgs;
    /** Default 60 (the portal's): time to finish in-flight requests on shutdown. */
    terminationGracePeriodSeconds?: number;
    nodeSelector?: Record<string, string>;
    tolerations?: TolerationArgs[];
    /** Passed to the pod as is; the Kubernetes API validates its inner structure. */
    affinity?: In.core.v1.Affinity;
    /**
     * CPU architecture of the nodes the pods run on (node selector `kubernetes.io/arch`). Default: none (any node).
     * `arm64` needs a multi-architecture image: release 2.13.0 or later.
     */
    architecture?: NodeArchitecture;
    priorityClassName?: string;
    hostAliases?: HostAliasArgs[];
    /** Added to every Kubernetes object (and the pods). */
    commonLabels?: Record<string, string>;
    /** Added to every Kubernetes object's metadata. */
    commonAnnotations?: Record<string, string>;
    /** Added to the pod template only. */
    podAnnotations?: Record<string, string>;
    serviceAccount?: ServiceAccountArgs;
    networkPolicy?: NetworkPolicyArgs;
    proxy?: ProxyArgs;
    tls?: TlsArgs;
    configurationTrust?: ConfigurationTrustArgs;
    observability?: ObservabilityArgs;
    instanceDiscovery?: InstanceDiscoveryArgs;
    /** More environment variables for the gateway container (a value, or `valueFrom` a Secret, ConfigMap or field). */
    extraEnv?: EnvVarArgs[];
    /** More pod volumes (a CA bundle from trust-manager, a log directory shared with a sidecar, …). */
    extraVolumes?: VolumeArgs[];
    /** Mounts of those volumes into the gateway container. */
    extraVolumeMounts?: VolumeMountArgs[];
    /** Containers run to completion before the gateway starts. */
    initContainers?: ContainerArgs[];
    /** Containers run beside the gateway in each pod (a log shipper, say). */
    sidecars?: ContainerArgs[];
    /**
     * Gateway settings not typed here yet (ConfigMap keys, see Microsoft's settings reference).
     * A key that a typed option owns is refused, naming that option.
     */
    additionalSettings?: Record<string, string | number | boolean>;
    /** APIs to assign to this gateway (GatewayApiEntityTag). */
    apis?: ApiAssignmentArgs[];
    /** Gateway hostname configurations (GatewayHostnameConfiguration). */
    hostnames?: HostnameConfigurationArgs[];
    /** CA certificates the gateway trusts (GatewayCertificateAuthority); sets `certificates.local.ca.enabled`. */
    certificateAuthorities?: CertificateAuthorityArgs[];
}

export type NodeArchitecture = "amd64" | "arm64";

/** An environment variable: a plain value, or one read from a Secret, a ConfigMap or the pod's own fields. */
export interface EnvVarArgs {
    name: string;
    value?: string;
    valueFrom?: {
        secretKeyRef?: { name: string; key: string; optional?: boolean };
        configMapKeyRef?: { name: string; key: string; optional?: boolean };
        fieldRef?: { fieldPath: string };
        resourceFieldRef?: { resource: string; containerName?: string; divisor?: Quantity };
    };
}

export interface KeyToPathArgs {
    key: string;
    path: string;
    mode?: number;
}

/** A pod volume: exactly one source. */
export interface VolumeArgs {
    name: string;
    configMap?: { name: string; items?: KeyToPathArgs[]; defaultMode?: number; optional?: boolean };
    secret?: { secretName: string; items?: KeyToPathArgs[]; defaultMode?: number; optional?: boolean };
    emptyDir?: { medium?: "Memory"; sizeLimit?: string };
    persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
    csi?: { driver: string; readOnly?: boolean; volumeAttributes?: Record<string, string> };
    /** A node directory: the baseline and restricted Pod Security levels forbid it. */
    hostPath?: {
        path: string;
        type?: "DirectoryOrCreate" | "Directory" | "FileOrCreate" | "File" | "Socket" | "CharDevice" | "BlockDevice";
    };
}

export interface VolumeMountArgs {
    name: string;
    mountPath: string;
    subPath?: string;
    readOnly?: boolean;
}

/** A container's security settings; the component's defaults (no privilege escalation, every capability dropped) apply to what is left out. */
export interface ContainerSecurityArgs {
    runAsUser?: number;
    runAsGroup?: number;
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
    seccompProfile?: { type: "RuntimeDefault" | "Localhost" | "Unconfined"; localhostProfile?: string };
}

/** An init container or a sidecar. */
export interface ContainerArgs {
    name: string;
    image: string;
    imagePullPolicy?: PullPolicy;
    command?: string[];
    args?: string[];
    workingDir?: string;
    env?: EnvVarArgs[];
    ports?: { name?: string; containerPort: number; protocol?: "TCP" | "UDP" | "SCTP"; hostPort?: number }[];
    resources?: ResourceRequirementsArgs;
    volumeMounts?: VolumeMountArgs[];
    securityContext?: ContainerSecurityArgs;
}

export const DEFAULT_IMAGE_REPOSITORY = "mcr.microsoft.com/azure-api-management/gateway";
/**
 * Pinned gateway version: the newest release (container release notes,
 * https://github.com/Azure/api-management-self-hosted-gateway/releases/tag/Container-v2.13.2). Renovate proposes
 * bumps (renovate.json); the supported releases are judged against it (imageVersions.ts).
 */
export const DEFAULT_IMAGE_TAG = "2.13.2";

export const DEFAULTS = {
    environment: "prod" as Environment,
    keyType: "primary" as KeyType,
    alternateKeys: false,
    lifetimeDays: 30,
    rotateEveryDays: 7,
    replicas: 2,
    maxUnavailable: 0 as IntOrPercent,
    maxSurge: "25%" as IntOrPercent,
    requests: { cpu: "2", memory: "2Gi" } as Record<string, Quantity>,
    serviceType: "LoadBalancer" as ServiceType,
    externalTrafficPolicy: "Local" as ExternalTrafficPolicy,
    httpPort: 80,
    httpsPort: 443,
    backupAccessMode: "ReadWriteMany" as BackupAccessMode,
    backupSize: "50Mi",
    dnsPolicy: "ClusterFirst" as DnsPolicy,
    authType: "token" as AuthType,
    pullPolicy: "IfNotPresent" as PullPolicy,
    terminationGracePeriodSeconds: 60,
    pdbMaxUnavailable: "25%" as IntOrPercent,
    whenUnsatisfiable: "ScheduleAnyway" as WhenUnsatisfiable,
    topologyKeys: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
    antiAffinity: "none" as AntiAffinity,
    targetCpuUtilizationPercentage: 70,
    targetMemoryUtilizationPercentage: 80,
    caDirectory: "/etc/ssl/certs",
    readiness: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3, successThreshold: 1 },
    liveness: { periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 3 },
    startup: { periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 },
};

/** Autoscaling never goes below this many replicas (one pod is not highly available). */
export const MIN_AUTOSCALING_REPLICAS = 2;

/** The longest token lifetime Azure issues. */
export const MAX_TOKEN_LIFETIME_DAYS = 30;
