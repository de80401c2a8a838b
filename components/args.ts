// Public argument types of the SelfHostedGateway component, and their defaults.
// Other projects import these names: keep them stable.
import type * as pulumi from "@pulumi/pulumi";

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
     * Host name of the configuration endpoint the gateway pulls its configuration from.
     * Default `<serviceName>.configuration.azure-api.net`; set it for a custom domain.
     */
    configurationEndpoint?: pulumi.Input<string>;
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
}

export interface NamespaceArgs {
    /** Namespace name (DNS-1123 label). */
    name: pulumi.Input<string>;
    /** Create the namespace (default true). Set false to deploy into an existing one. */
    create?: boolean;
}

/** An int (pods) or a percentage string such as "25%". */
export type IntOrPercent = number | string;

export interface RollingUpdateArgs {
    /** Default 0: capacity never dips during a rollout. */
    maxUnavailable?: IntOrPercent;
    /** Default "25%". */
    maxSurge?: IntOrPercent;
}

export interface ImageArgs {
    /** Default `mcr.microsoft.com/azure-api-management/gateway`. */
    repository?: string;
    /** Default the pinned version in DEFAULT_IMAGE_TAG. */
    tag?: string;
    /** Optional content digest (`sha256:…`) to pin the exact image bytes. */
    digest?: string;
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

export interface SelfHostedGatewayArgs {
    apim: ApimArgs;
    token?: TokenArgs;
    namespace: NamespaceArgs;
    /** Default 2 (the guide asks for at least 2 in production, 3 recommended). */
    replicas?: number;
    rollingUpdate?: RollingUpdateArgs;
    image?: ImageArgs;
    /** Default requests 2 CPU / 2Gi, the guide's production starting point. */
    resources?: ResourceRequirementsArgs;
    service?: ServiceArgs;
    configBackup?: ConfigBackupArgs;
    /** Default ClusterFirst. `None` requires `dnsConfig.nameservers`. */
    dnsPolicy?: DnsPolicy;
    dnsConfig?: DnsConfigArgs;
}

export const DEFAULT_IMAGE_REPOSITORY = "mcr.microsoft.com/azure-api-management/gateway";
/** Pinned gateway version; bump deliberately. */
export const DEFAULT_IMAGE_TAG = "2.11.1";

export const DEFAULTS = {
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
};

/** The longest token lifetime Azure issues. */
export const MAX_TOKEN_LIFETIME_DAYS = 30;
