// Pure builders for the Kubernetes objects: defaults applied, no resources registered.
// The component passes their results to @pulumi/kubernetes; tests call them directly too.
import type * as pulumi from "@pulumi/pulumi";
import type * as In from "@pulumi/kubernetes/types/input";
import {
    BackupAccessMode,
    DEFAULT_IMAGE_REPOSITORY,
    DEFAULT_IMAGE_TAG,
    DEFAULTS,
    DnsConfigArgs,
    DnsPolicy,
    Environment,
    ExternalTrafficPolicy,
    IntOrPercent,
    KeyType,
    Quantity,
    SelfHostedGatewayArgs,
    ServiceType,
} from "./args";


export const PORTS = {
    http: 8080,
    https: 8081,
    rateLimit: 4290,
    heartbeat: 4291,
} as const;
export const STATUS_PATH = "/status-0123456789abcdef";
export const BACKUP_MOUNT_PATH = "/apim/config";
export const GATEWAY_UID = 1001;
export const TOKEN_SECRET_KEY = "value";
/** Pod-template annotations that change exactly when the token changes. */
export const TOKEN_EXPIRY_ANNOTATION = "apim-gateway/token-expiry";
export const TOKEN_KEY_ANNOTATION = "apim-gateway/token-key";

/** Everything the builders need, with defaults applied. */
export interface Settings {
    environment: Environment;
    keyType: KeyType;
    alternateKeys: boolean;
    lifetimeDays: number;
    rotateEveryDays: number;
    createNamespace: boolean;
    replicas: number;
    maxUnavailable: IntOrPercent;
    maxSurge: IntOrPercent;
    image: string;
    resources: { requests?: Record<string, string>; limits?: Record<string, string> };
    serviceType: ServiceType;
    externalTrafficPolicy?: ExternalTrafficPolicy;
    httpPort: number;
    httpsPort: number;
    backup: { enabled: boolean; accessMode: BackupAccessMode; size: string };
    dnsPolicy: DnsPolicy;
    dnsConfig?: DnsConfigArgs;
}

export function imageReference(image: SelfHostedGatewayArgs["image"]): string {
    const repo = image?.repository ?? DEFAULT_IMAGE_REPOSITORY;
    const tag = image?.tag ?? DEFAULT_IMAGE_TAG;
    return image?.digest ? `${repo}:${tag}@${image.digest}` : `${repo}:${tag}`;
}

/** Kubernetes wants quantities as strings; config may give numbers (cpu: 2). */
function quantitiesAsStrings(r: { requests?: Record<string, Quantity>; limits?: Record<string, Quantity> }) {
    const conv = (m?: Record<string, Quantity>) =>
        m === undefined ? undefined : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
    return {
        ...(r.requests ? { requests: conv(r.requests) } : {}),
        ...(r.limits ? { limits: conv(r.limits) } : {}),
    };
}

export function resolveSettings(args: SelfHostedGatewayArgs): Settings {
    const svcType = args.service?.type ?? DEFAULTS.serviceType;
    return {
        environment: args.environment ?? DEFAULTS.environment,
        keyType: args.token?.keyType ?? DEFAULTS.keyType,
        alternateKeys: args.token?.alternateKeys ?? DEFAULTS.alternateKeys,
        lifetimeDays: args.token?.lifetimeDays ?? DEFAULTS.lifetimeDays,
        rotateEveryDays: args.token?.rotateEveryDays ?? DEFAULTS.rotateEveryDays,
        createNamespace: args.namespace.create ?? true,
        replicas: args.replicas ?? DEFAULTS.replicas,
        maxUnavailable: args.rollingUpdate?.maxUnavailable ?? DEFAULTS.maxUnavailable,
        maxSurge: args.rollingUpdate?.maxSurge ?? DEFAULTS.maxSurge,
        image: imageReference(args.image),
        resources: quantitiesAsStrings(args.resources ?? { requests: DEFAULTS.requests }),
        serviceType: svcType,
        externalTrafficPolicy: svcType === "ClusterIP" ? undefined : args.service?.externalTrafficPolicy ?? DEFAULTS.externalTrafficPolicy,
        httpPort: args.service?.httpPort ?? DEFAULTS.httpPort,
        httpsPort: args.service?.httpsPort ?? DEFAULTS.httpsPort,
        backup: {
            enabled: args.configBackup?.enabled ?? true,
            accessMode: args.configBackup?.accessMode ?? DEFAULTS.backupAccessMode,
            size: args.configBackup?.size ?? DEFAULTS.backupSize,
        },
        dnsPolicy: args.dnsPolicy ?? DEFAULTS.dnsPolicy,
        dnsConfig: args.dnsConfig,
    };
}

/** Kubernetes object names, all derived from the component name. */
export function objectNames(name: string) {
    return {
        deployment: name,
        secret: `${name}-token`,
        liveTraffic: `${name}-live-traffic`,
        discovery: `${name}-instance-discovery`,
        backupClaim: `${name}-config-backup`,
    };
}

export function selectorLabels(name: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": "azure-api-management-gateway",
        "app.kubernetes.io/instance": name,
    };
}

export function commonLabels(name: string): Record<string, string> {
    return {
        ...selectorLabels(name),
        "app.kubernetes.io/component": "gateway",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

export function defaultConfigurationEndpoint(serviceName: string): string {
    return `${serviceName}.configuration.azure-api.net`;
}

/** The gateway's settings (ConfigMap data), as in the portal's YAML. */
export function configMapData(endpoint: string, discoveryServiceName: string): Record<string, string> {
    return {
        "config.service.endpoint": endpoint,
        "neighborhood.host": discoveryServiceName,
        "runtime.deployment.artifact.source": "Pulumi",
        "runtime.deployment.mechanism": "YAML",
        "runtime.deployment.orchestrator.type": "Kubernetes",
    };
}

export interface PodInputs {
    configMapName: pulumi.Input<string>;
    secretName: pulumi.Input<string>;
    backupClaimName?: pulumi.Input<string>;
    tokenExpiry: string;
    keyType: KeyType;
}

export function deploymentSpec(name: string, s: Settings, p: PodInputs): In.apps.v1.DeploymentSpec {
    const labels = commonLabels(name);
    const probe = (periodSeconds: number, failureThreshold: number): In.core.v1.Probe => ({
        httpGet: { path: STATUS_PATH, port: "http", scheme: "HTTP" },
        periodSeconds,
        failureThreshold,
        successThreshold: 1,
        timeoutSeconds: 3,
    });
    return {
        replicas: s.replicas,
        selector: { matchLabels: selectorLabels(name) },
        strategy: {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: s.maxUnavailable, maxSurge: s.maxSurge },
        },
        minReadySeconds: 0,
        revisionHistoryLimit: 10,
        template: {
            metadata: {
                labels,
                annotations: {
                    [TOKEN_EXPIRY_ANNOTATION]: p.tokenExpiry,
                    [TOKEN_KEY_ANNOTATION]: p.keyType,
                },
            },
            spec: {
                terminationGracePeriodSeconds: 60,
                dnsPolicy: s.dnsPolicy,
                ...(s.dnsConfig ? { dnsConfig: s.dnsConfig } : {}),
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: GATEWAY_UID,
                    runAsGroup: GATEWAY_UID,
                    fsGroup: GATEWAY_UID,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [
                    {
                        name: "gateway",
                        image: s.image,
                        imagePullPolicy: "IfNotPresent",
                        ports: [
                            { name: "http", containerPort: PORTS.http, protocol: "TCP" },
                            { name: "https", containerPort: PORTS.https, protocol: "TCP" },
                            { name: "rate-limit-dc", containerPort: PORTS.rateLimit, protocol: "UDP" },
                            { name: "dc-heartbeat", containerPort: PORTS.heartbeat, protocol: "UDP" },
                        ],
                        readinessProbe: probe(5, 3),
                        livenessProbe: probe(10, 6),
                        // Up to 5 minutes to download the first configuration before liveness applies.
                        startupProbe: probe(5, 60),
                        env: [
                            {
                                name: "config.service.auth",
                                valueFrom: { secretKeyRef: { name: p.secretName, key: TOKEN_SECRET_KEY } },
                            },
                        ],
                        envFrom: [{ configMapRef: { name: p.configMapName } }],
                        resources: s.resources,
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            capabilities: { drop: ["ALL"] },
                        },
                        ...(p.backupClaimName
                            ? { volumeMounts: [{ name: "config-backup", mountPath: BACKUP_MOUNT_PATH }] }
                            : {}),
                    },
                ],
                ...(p.backupClaimName
                    ? { volumes: [{ name: "config-backup", persistentVolumeClaim: { claimName: p.backupClaimName } }] }
                    : {}),
            },
        },
    };
}

export function liveTrafficServiceSpec(
    name: string,
    s: Settings,
    loadBalancerIP?: pulumi.Input<string>,
): In.core.v1.ServiceSpec {
    return {
        type: s.serviceType,
        ...(s.externalTrafficPolicy ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
        ...(loadBalancerIP !== undefined ? { loadBalancerIP } : {}),
        selector: selectorLabels(name),
        ports: [
            { name: "http", port: s.httpPort, targetPort: "http", protocol: "TCP" },
            { name: "https", port: s.httpsPort, targetPort: "https", protocol: "TCP" },
        ],
    };
}

export function discoveryServiceSpec(name: string): In.core.v1.ServiceSpec {
    return {
        clusterIP: "None",
        selector: selectorLabels(name),
        ports: [
            { name: "rate-limit-discovery", port: PORTS.rateLimit, targetPort: "rate-limit-dc", protocol: "UDP" },
            { name: "discovery-heartbeat", port: PORTS.heartbeat, targetPort: "dc-heartbeat", protocol: "UDP" },
        ],
    };
}

export function backupClaimSpec(s: Settings, storageClassName?: pulumi.Input<string>): In.core.v1.PersistentVolumeClaimSpec {
    return {
        accessModes: [s.backup.accessMode],
        resources: { requests: { storage: s.backup.size } },
        ...(storageClassName !== undefined ? { storageClassName } : {}),
    };
}
