// Pure builders for the Kubernetes objects: defaults applied, no resources registered.
// The component passes their results to @pulumi/kubernetes; tests call them directly too.
import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import type * as In from "@pulumi/kubernetes/types/input";
import { gatewaySettings, proxyEnv } from "./settings";
import { extensionsOf, Extensions, extraContainers, extraEnvVars, extraMounts, extraVolumes } from "./extensions";
import { azureAdCertificateOf, AzureAdCertificate, certificateMount, certificateVolume } from "./certificate";
import type { AzureEnvironment } from "./token/cloud";
import {
    AntiAffinity,
    AuthType,
    BackupAccessMode,
    DEFAULT_IMAGE_REPOSITORY,
    DEFAULT_IMAGE_TAG,
    DEFAULTS,
    DnsConfigArgs,
    DnsPolicy,
    Environment,
    ExternalTrafficPolicy,
    HostAliasArgs,
    IntOrPercent,
    KeyType,
    NetworkPolicyPeerArgs,
    NodeArchitecture,
    PullPolicy,
    Quantity,
    SelfHostedGatewayArgs,
    ServiceType,
    TolerationArgs,
    WhenUnsatisfiable,
} from "./args";

export const PORTS = {
    http: 8080,
    https: 8081,
    /** The gateway's defaults (`policy.rate-limit.sync.port`, `neighborhood.heartbeat.port`); instanceDiscovery moves them. */
    rateLimit: 4290,
    heartbeat: 4291,
} as const;
/** The node label a node's CPU architecture is in (a well-known Kubernetes label). */
export const ARCH_LABEL = "kubernetes.io/arch";
export const STATUS_PATH = "/status-0123456789abcdef";
export const BACKUP_MOUNT_PATH = "/apim/config";
export const GATEWAY_UID = 1001;
export const TOKEN_SECRET_KEY = "value";
/** Pod-template annotations that change exactly when the token changes. */
export const TOKEN_EXPIRY_ANNOTATION = "apim-gateway/token-expiry";
export const TOKEN_KEY_ANNOTATION = "apim-gateway/token-key";
/** Workload identity: the pod label the webhook looks for, and the ServiceAccount annotation. */
export const WORKLOAD_IDENTITY_USE_LABEL = "azure.workload.identity/use";
export const WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";
/** Key of the client secret in the Secret the component creates for azureAdApp. */
export const CLIENT_SECRET_KEY = "client-secret";
/** Pod Security Admission level enforced on a namespace the component creates. */
export const POD_SECURITY_LABEL = "pod-security.kubernetes.io/enforce";

/**
 * The Pod Security Admission labels of a namespace the component creates: the level is enforced, and the same level
 * is also warned about (kubectl shows the warning) and audited (the audit log records it), so a pod that would break
 * it is visible before enforcement rejects it.
 */
export function namespaceLabels(level: "restricted" | "baseline" | "privileged" | undefined): Record<string, string> {
    if (level === undefined) return {};
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/audit": level,
    };
}

export interface ProbeTiming {
    initialDelaySeconds?: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
    successThreshold: number;
}

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
    authType: AuthType;
    pullPolicy: PullPolicy;
    pullSecrets?: string[];
    terminationGracePeriodSeconds: number;
    ha: {
        enabled: boolean;
        maxUnavailable: IntOrPercent;
        whenUnsatisfiable: WhenUnsatisfiable;
        topologyKeys: string[];
        antiAffinity: AntiAffinity;
    };
    autoscaling?: {
        minReplicas: number;
        maxReplicas: number;
        targetCpuUtilizationPercentage: number;
        targetMemoryUtilizationPercentage: number;
        /** KEDA owns the autoscaler (a ScaledObject) instead of the component's HorizontalPodAutoscaler. */
        keda?: { pollingInterval?: number; requestsPerSecond?: { serverAddress: string; query: string; threshold: number } };
    };
    probes: { readiness: ProbeTiming; liveness: ProbeTiming; startup: ProbeTiming };
    podSecurity: { runAsUser: number; runAsGroup: number; fsGroup: number; fsGroupChangePolicy?: "OnRootMismatch" | "Always" };
    nodeSelector?: Record<string, string>;
    tolerations?: TolerationArgs[];
    affinity?: In.core.v1.Affinity;
    priorityClassName?: string;
    hostAliases?: HostAliasArgs[];
    commonLabels: Record<string, string>;
    commonAnnotations: Record<string, string>;
    podAnnotations: Record<string, string>;
    /** The pod's ServiceAccount: created by the component or existing; undefined means the namespace default. */
    serviceAccount?: { create: boolean; name: string; annotations: Record<string, string> };
    networkPolicy?: { ingressFrom?: NetworkPolicyPeerArgs[] };
    proxyEnv: { name: string; value: string }[];
    allocateLoadBalancerNodePorts?: boolean;
    ca: { certificates: string[]; directory: string };
    /** localsyslog: where the node's /dev/log socket is mounted in the pod (the endpoint setting). */
    localSyslogPath?: string;
    /** The cluster's DNS domain (for the fully qualified instance-discovery name). */
    clusterDomain: string;
    /** The UDP ports the instances find each other on (the gateway's defaults unless instanceDiscovery moves them). */
    ports: { rateLimit: number; heartbeat: number };
    architecture?: NodeArchitecture;
    /** The Entra app's client certificate, when auth.azureAdApp.certificate is set. */
    azureAdCertificate?: AzureAdCertificate;
    /** Extra env, volumes, mounts, init containers and sidecars. */
    extensions: Extensions;
}

/** The node's syslog socket, mounted into the pod for the localsyslog log sink (as the Helm chart does). */
export const HOST_SYSLOG_SOCKET = "/dev/log";
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

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
        externalTrafficPolicy:
            svcType === "ClusterIP" ? undefined : (args.service?.externalTrafficPolicy ?? DEFAULTS.externalTrafficPolicy),
        httpPort: args.service?.httpPort ?? DEFAULTS.httpPort,
        httpsPort: args.service?.httpsPort ?? DEFAULTS.httpsPort,
        backup: {
            enabled: args.configBackup?.enabled ?? true,
            accessMode: args.configBackup?.accessMode ?? DEFAULTS.backupAccessMode,
            size: args.configBackup?.size ?? DEFAULTS.backupSize,
        },
        dnsPolicy: args.dnsPolicy ?? DEFAULTS.dnsPolicy,
        dnsConfig: args.dnsConfig,
        ...resolveExtras(args),
    };
}

function timing(
    given:
        | {
              initialDelaySeconds?: number;
              periodSeconds?: number;
              timeoutSeconds?: number;
              failureThreshold?: number;
              successThreshold?: number;
          }
        | undefined,
    d: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number },
): ProbeTiming {
    return {
        ...(given?.initialDelaySeconds !== undefined ? { initialDelaySeconds: given.initialDelaySeconds } : {}),
        periodSeconds: given?.periodSeconds ?? d.periodSeconds,
        timeoutSeconds: given?.timeoutSeconds ?? d.timeoutSeconds,
        failureThreshold: given?.failureThreshold ?? d.failureThreshold,
        successThreshold: given?.successThreshold ?? 1,
    };
}

/** The replica floor: `replicas`, or the autoscaler's minimum when autoscaling is on. */
export function replicaFloor(args: SelfHostedGatewayArgs): number {
    const replicas = args.replicas ?? DEFAULTS.replicas;
    const as = args.autoscaling;
    return as !== undefined && as.enabled !== false ? (as.minReplicas ?? replicas) : replicas;
}

function resolveExtras(args: SelfHostedGatewayArgs) {
    const authType = args.auth?.type ?? DEFAULTS.authType;
    const ha = args.highAvailability ?? {};
    const sa = args.serviceAccount;
    const createSa = sa?.create ?? authType === "workloadIdentity";
    const as = args.autoscaling;
    const replicas = args.replicas ?? DEFAULTS.replicas;
    return {
        authType,
        pullPolicy: args.image?.pullPolicy ?? DEFAULTS.pullPolicy,
        pullSecrets: args.image?.pullSecrets,
        terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? DEFAULTS.terminationGracePeriodSeconds,
        ha: {
            enabled: ha.enabled ?? replicaFloor(args) >= 2,
            maxUnavailable: ha.maxUnavailable ?? DEFAULTS.pdbMaxUnavailable,
            whenUnsatisfiable: ha.topologySpread?.whenUnsatisfiable ?? DEFAULTS.whenUnsatisfiable,
            topologyKeys: ha.topologySpread?.topologyKeys ?? DEFAULTS.topologyKeys,
            antiAffinity: ha.antiAffinity ?? DEFAULTS.antiAffinity,
        },
        autoscaling:
            as !== undefined && as.enabled !== false
                ? {
                      minReplicas: as.minReplicas ?? replicas,
                      maxReplicas: as.maxReplicas,
                      targetCpuUtilizationPercentage: as.targetCpuUtilizationPercentage ?? DEFAULTS.targetCpuUtilizationPercentage,
                      targetMemoryUtilizationPercentage: as.targetMemoryUtilizationPercentage ?? DEFAULTS.targetMemoryUtilizationPercentage,
                      ...(as.keda !== undefined ? { keda: as.keda } : {}),
                  }
                : undefined,
        probes: {
            readiness: timing(args.probes?.readiness, DEFAULTS.readiness),
            liveness: timing(args.probes?.liveness, DEFAULTS.liveness),
            startup: timing(args.probes?.startup, DEFAULTS.startup),
        },
        podSecurity: {
            runAsUser: args.podSecurity?.runAsUser ?? GATEWAY_UID,
            runAsGroup: args.podSecurity?.runAsGroup ?? GATEWAY_UID,
            fsGroup: args.podSecurity?.fsGroup ?? GATEWAY_UID,
            fsGroupChangePolicy: args.podSecurity?.fsGroupChangePolicy,
        },
        nodeSelector: args.nodeSelector,
        tolerations: args.tolerations,
        affinity: args.affinity,
        priorityClassName: args.priorityClassName,
        hostAliases: args.hostAliases,
        commonLabels: args.commonLabels ?? {},
        commonAnnotations: args.commonAnnotations ?? {},
        podAnnotations: args.podAnnotations ?? {},
        serviceAccount:
            createSa || sa?.name !== undefined ? { create: createSa, name: sa?.name ?? "", annotations: sa?.annotations ?? {} } : undefined,
        networkPolicy: args.networkPolicy?.enabled ? { ingressFrom: args.networkPolicy.ingressFrom } : undefined,
        proxyEnv: proxyEnv(args.proxy),
        allocateLoadBalancerNodePorts: args.service?.allocateLoadBalancerNodePorts,
        ca: {
            certificates: args.configurationTrust?.caCertificates ?? [],
            directory: args.configurationTrust?.caDirectory ?? DEFAULTS.caDirectory,
        },
        localSyslogPath: args.observability?.logs?.local?.type === "localsyslog" ? args.observability.logs.local.endpoint : undefined,
        clusterDomain: args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
        ports: {
            rateLimit: args.instanceDiscovery?.rateLimitPort ?? PORTS.rateLimit,
            heartbeat: args.instanceDiscovery?.heartbeatPort ?? PORTS.heartbeat,
        },
        architecture: args.architecture,
        azureAdCertificate: azureAdCertificateOf(args),
        extensions: extensionsOf(args),
    };
}

/** Kubernetes object names, all derived from the component name. */
export function objectNames(name: string) {
    return {
        deployment: name,
        liveTraffic: `${name}-live-traffic`,
        discovery: `${name}-instance-discovery`,
        /** Prefix of the backup claim's name; the claim's settings complete it (see backupClaimName). */
        backupClaim: `${name}-config-backup`,
        serviceAccount: name,
        autoscaler: name,
        scaledObject: name,
        networkPolicy: name,
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

/** The configuration endpoint's domain in each Azure cloud. */
export const CONFIGURATION_DOMAINS: Record<AzureEnvironment, string> = {
    public: "azure-api.net",
    usgovernment: "azure-api.us",
    china: "azure-api.cn",
};

export function defaultConfigurationEndpoint(serviceName: string, cloud: AzureEnvironment = "public"): string {
    return `${serviceName}.configuration.${CONFIGURATION_DOMAINS[cloud]}`;
}

/**
 * The host name the gateway's instances find each other by (`neighborhood.host`). With dnsPolicy ClusterFirst (or
 * ClusterFirstWithHostNet) the Service's short name resolves through the pod's search domains, as in the portal's
 * YAML; with Default or None there are no cluster search domains, so the name is fully qualified.
 */
export function instanceDiscoveryHost(
    discoveryServiceName: string,
    namespace: string,
    s: Pick<Settings, "dnsPolicy" | "clusterDomain">,
): string {
    return s.dnsPolicy === "Default" || s.dnsPolicy === "None"
        ? `${discoveryServiceName}.${namespace}.svc.${s.clusterDomain}`
        : discoveryServiceName;
}

/** The gateway's settings (ConfigMap data) for the token modes, as in the portal's YAML (see settings.ts). */
export function configMapData(endpoint: string, discoveryServiceName: string): Record<string, string> {
    return gatewaySettings({ endpoint, discoveryServiceName, auth: { type: "token" } });
}

/** One environment variable from a Secret key. */
export interface SecretEnv {
    name: string;
    secretName: pulumi.Input<string>;
    key: string;
}

export interface PodInputs {
    configMapName: pulumi.Input<string>;
    /** Environment variables from Secrets: the token (`config.service.auth`) or the Entra client secret. */
    secretEnv: SecretEnv[];
    backupClaimName?: pulumi.Input<string>;
    /** Token mode only: the annotations that roll the pods on rotation. */
    token?: { expiry: string; keyType: KeyType };
    /** The SecretProviderClass the component created for a Key Vault client certificate. */
    secretProviderClassName?: pulumi.Input<string>;
    /** ConfigMap holding the configuration endpoint's CA certificates (`ca-<i>.crt`). */
    caConfigMapName?: pulumi.Input<string>;
    serviceAccountName?: pulumi.Input<string>;
}

/** Labels on the pods: ours, the common ones, and the workload identity switch. */
export function podLabels(name: string, s: Settings): Record<string, string> {
    return {
        ...s.commonLabels,
        ...commonLabels(name),
        ...(s.authType === "workloadIdentity" ? { [WORKLOAD_IDENTITY_USE_LABEL]: "true" } : {}),
    };
}

/** Labels on every object: the common ones, then ours (validation keeps ours from being overridden). */
export function objectLabels(name: string, s: Settings): Record<string, string> {
    return { ...s.commonLabels, ...commonLabels(name) };
}

export function probeSpec(t: ProbeTiming): In.core.v1.Probe {
    return { httpGet: { path: STATUS_PATH, port: "http", scheme: "HTTP" }, ...t };
}

/** Topology spread (one constraint per key) and the optional anti-affinity, merged with the user's affinity. */
export function scheduling(name: string, s: Settings): Pick<In.core.v1.PodSpec, "topologySpreadConstraints" | "affinity"> {
    const selector = { matchLabels: selectorLabels(name) };
    const out: Pick<In.core.v1.PodSpec, "topologySpreadConstraints" | "affinity"> = {};
    if (s.ha.enabled) {
        out.topologySpreadConstraints = s.ha.topologyKeys.map((topologyKey) => ({
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable: s.ha.whenUnsatisfiable,
            labelSelector: selector,
        }));
    }
    const anti =
        s.ha.enabled && s.ha.antiAffinity === "preferred"
            ? {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                      { weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: "kubernetes.io/hostname" } },
                  ],
              }
            : s.ha.enabled && s.ha.antiAffinity === "required"
              ? { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selector, topologyKey: "kubernetes.io/hostname" }] }
              : undefined;
    if (s.affinity !== undefined || anti !== undefined) {
        out.affinity = { ...(s.affinity ?? {}), ...(anti ? { podAntiAffinity: anti } : {}) };
    }
    return out;
}

/** Mount points of the configuration endpoint's CA certificates: one file each in the CA directory. */
export function caMounts(s: Settings): In.core.v1.VolumeMount[] {
    return s.ca.certificates.map((_, i) => ({
        name: "configuration-ca",
        mountPath: `${s.ca.directory}/apim-configuration-ca-${i}.pem`,
        subPath: `ca-${i}.crt`,
        readOnly: true,
    }));
}

/** The ConfigMap data for the CA certificates (public material, not a Secret). */
export function caConfigMapData(certificates: string[]): Record<string, string> {
    return Object.fromEntries(certificates.map((pem, i) => [`ca-${i}.crt`, pem.trim() + "\n"]));
}

export function deploymentSpec(name: string, s: Settings, p: PodInputs): In.apps.v1.DeploymentSpec {
    const annotations = {
        ...s.podAnnotations,
        ...(p.token ? { [TOKEN_EXPIRY_ANNOTATION]: p.token.expiry, [TOKEN_KEY_ANNOTATION]: p.token.keyType } : {}),
    };
    const env: In.core.v1.EnvVar[] = [
        ...p.secretEnv.map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secretName, key: e.key } } })),
        ...s.proxyEnv,
        ...extraEnvVars(s.extensions),
    ];
    const mounts: In.core.v1.VolumeMount[] = [
        ...(p.backupClaimName ? [{ name: "config-backup", mountPath: BACKUP_MOUNT_PATH }] : []),
        ...(p.caConfigMapName ? caMounts(s) : []),
        ...(s.localSyslogPath ? [{ name: "local-syslog", mountPath: s.localSyslogPath }] : []),
        ...(s.azureAdCertificate ? [certificateMount()] : []),
        ...extraMounts(s.extensions),
    ];
    const volumes: In.core.v1.Volume[] = [
        ...(p.backupClaimName ? [{ name: "config-backup", persistentVolumeClaim: { claimName: p.backupClaimName } }] : []),
        ...(p.caConfigMapName ? [{ name: "configuration-ca", configMap: { name: p.caConfigMapName } }] : []),
        // localsyslog writes to the node's syslog socket, as the Helm chart mounts it.
        ...(s.localSyslogPath ? [{ name: "local-syslog", hostPath: { path: HOST_SYSLOG_SOCKET, type: "Socket" } }] : []),
        ...(s.azureAdCertificate ? [certificateVolume(s.azureAdCertificate, p.secretProviderClassName)] : []),
        ...extraVolumes(s.extensions),
    ];
    const nodeSelector = s.architecture !== undefined ? { ...(s.nodeSelector ?? {}), [ARCH_LABEL]: s.architecture } : s.nodeSelector;
    const { initContainers, sidecars } = extraContainers(s.extensions);
    return {
        // With an autoscaler, the HorizontalPodAutoscaler owns the replica count.
        ...(s.autoscaling ? {} : { replicas: s.replicas }),
        selector: { matchLabels: selectorLabels(name) },
        strategy: {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: s.maxUnavailable, maxSurge: s.maxSurge },
        },
        minReadySeconds: 0,
        // No old ReplicaSets are kept: each refers to the settings ConfigMap and credential Secret of its time, which
        // are auto-named and deleted once a `pulumi up` has moved the pods to their successors, so
        // `kubectl rollout undo` would start pods on objects that no longer exist. Roll back with `pulumi up` of an
        // earlier commit instead: it recreates those objects and rolls the pods onto them.
        revisionHistoryLimit: 0,
        template: {
            metadata: {
                labels: podLabels(name, s),
                ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
            },
            spec: {
                terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
                // The gateway never calls the Kubernetes API: no ServiceAccount token in its pods, in every mode (an
                // existing ServiceAccount would mount one otherwise). Workload identity needs none of it: its webhook
                // adds a projected volume of its own, `azure-identity-token`, with the token the gateway exchanges for
                // an Entra token, whatever automountServiceAccountToken says (Azure/azure-workload-identity,
                // pkg/webhook: addProjectedServiceAccountTokenVolume; its docs: "Mutating Admission Webhook").
                automountServiceAccountToken: false,
                dnsPolicy: s.dnsPolicy,
                ...(s.dnsConfig ? { dnsConfig: s.dnsConfig } : {}),
                ...(p.serviceAccountName !== undefined ? { serviceAccountName: p.serviceAccountName } : {}),
                ...(s.pullSecrets ? { imagePullSecrets: s.pullSecrets.map((n) => ({ name: n })) } : {}),
                ...(nodeSelector ? { nodeSelector } : {}),
                ...(s.tolerations ? { tolerations: s.tolerations } : {}),
                ...(s.priorityClassName ? { priorityClassName: s.priorityClassName } : {}),
                ...(s.hostAliases ? { hostAliases: s.hostAliases } : {}),
                ...scheduling(name, s),
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: s.podSecurity.runAsUser,
                    runAsGroup: s.podSecurity.runAsGroup,
                    fsGroup: s.podSecurity.fsGroup,
                    ...(s.podSecurity.fsGroupChangePolicy ? { fsGroupChangePolicy: s.podSecurity.fsGroupChangePolicy } : {}),
                    seccompProfile: { type: "RuntimeDefault" },
                },
                ...(initContainers.length > 0 ? { initContainers } : {}),
                containers: [
                    {
                        name: "gateway",
                        image: s.image,
                        imagePullPolicy: s.pullPolicy,
                        ports: [
                            { name: "http", containerPort: PORTS.http, protocol: "TCP" },
                            { name: "https", containerPort: PORTS.https, protocol: "TCP" },
                            { name: "rate-limit-dc", containerPort: s.ports.rateLimit, protocol: "UDP" },
                            { name: "dc-heartbeat", containerPort: s.ports.heartbeat, protocol: "UDP" },
                        ],
                        readinessProbe: probeSpec(s.probes.readiness),
                        livenessProbe: probeSpec(s.probes.liveness),
                        // Up to 5 minutes (by default) to download the first configuration before liveness applies.
                        startupProbe: probeSpec(s.probes.startup),
                        ...(env.length > 0 ? { env } : {}),
                        envFrom: [{ configMapRef: { name: p.configMapName } }],
                        resources: s.resources,
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            capabilities: { drop: ["ALL"] },
                            // Not read-only: the gateway v2 image writes its CA bundle under /etc/ssl/certs when it
                            // starts, and fails with a read-only root ("Failed to open temporary file
                            // /etc/ssl/certs/bundleXXXXXX for ca bundle", Azure/api-management-self-hosted-gateway
                            // issue 82); the official chart's securityContext example leaves it out. docs/configuration.md.
                            readOnlyRootFilesystem: false,
                        },
                        ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
                    },
                    ...sidecars,
                ],
                ...(volumes.length > 0 ? { volumes } : {}),
            },
        },
    };
}

export function disruptionBudgetSpec(name: string, s: Settings): In.policy.v1.PodDisruptionBudgetSpec {
    return { maxUnavailable: s.ha.maxUnavailable, selector: { matchLabels: selectorLabels(name) } };
}

export function autoscalerSpec(deploymentName: pulumi.Input<string>, s: Settings): In.autoscaling.v2.HorizontalPodAutoscalerSpec {
    const a = s.autoscaling;
    if (a === undefined) throw new Error("autoscalerSpec: autoscaling is off");
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [
            {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilizationPercentage } },
            },
            // The deployment guide scales on CPU and memory.
            {
                type: "Resource",
                resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.targetMemoryUtilizationPercentage } },
            },
        ],
    };
}

/** The KEDA API version of ScaledObject (the CRD of github.com/kedacore/keda/v2, config/crd/bases). */
export const SCALED_OBJECT_API_VERSION = "keda.sh/v1alpha1";

/**
 * A KEDA ScaledObject for the Deployment: KEDA creates and owns the HorizontalPodAutoscaler (KEDA's admission webhook
 * refuses a ScaledObject on a workload another autoscaler scales, so the component creates no HPA of its own then).
 * Triggers (KEDA's scalers): `cpu` and `memory` on utilisation, as the HPA would, and `prometheus` for requests per
 * second when asked. Never below the replica floor (KEDA's cpu/memory triggers refuse minReplicaCount 0).
 */
export function scaledObjectSpec(deploymentName: pulumi.Input<string>, s: Settings): Record<string, unknown> {
    const a = s.autoscaling;
    if (a?.keda === undefined) throw new Error("scaledObjectSpec: KEDA autoscaling is off");
    const rps = a.keda.requestsPerSecond;
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicaCount: a.minReplicas,
        maxReplicaCount: a.maxReplicas,
        ...(a.keda.pollingInterval !== undefined ? { pollingInterval: a.keda.pollingInterval } : {}),
        triggers: [
            { type: "cpu", metricType: "Utilization", metadata: { value: String(a.targetCpuUtilizationPercentage) } },
            { type: "memory", metricType: "Utilization", metadata: { value: String(a.targetMemoryUtilizationPercentage) } },
            ...(rps !== undefined
                ? [
                      {
                          type: "prometheus",
                          metadata: { serverAddress: rps.serverAddress, query: rps.query, threshold: String(rps.threshold) },
                      },
                  ]
                : []),
        ],
    };
}

/**
 * Ingress only: HTTP/HTTPS from the allowed peers (anyone by default), and the UDP rate-limit and
 * heartbeat ports from the gateway's own pods. Egress stays open: backends can be anywhere.
 */
export function networkPolicySpec(name: string, s: Settings): In.networking.v1.NetworkPolicySpec {
    const own = { podSelector: { matchLabels: selectorLabels(name) } };
    const from = s.networkPolicy?.ingressFrom;
    return {
        podSelector: { matchLabels: selectorLabels(name) },
        policyTypes: ["Ingress"],
        ingress: [
            {
                ...(from !== undefined ? { from } : {}),
                ports: [
                    { protocol: "TCP", port: "http" },
                    { protocol: "TCP", port: "https" },
                ],
            },
            {
                from: [own],
                ports: [
                    { protocol: "UDP", port: s.ports.rateLimit },
                    { protocol: "UDP", port: s.ports.heartbeat },
                ],
            },
        ],
    };
}

export function liveTrafficServiceSpec(name: string, s: Settings, loadBalancerIP?: pulumi.Input<string>): In.core.v1.ServiceSpec {
    return {
        type: s.serviceType,
        ...(s.externalTrafficPolicy ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
        ...(s.allocateLoadBalancerNodePorts !== undefined ? { allocateLoadBalancerNodePorts: s.allocateLoadBalancerNodePorts } : {}),
        ...(loadBalancerIP !== undefined ? { loadBalancerIP } : {}),
        selector: selectorLabels(name),
        ports: [
            { name: "http", port: s.httpPort, targetPort: "http", protocol: "TCP" },
            { name: "https", port: s.httpsPort, targetPort: "https", protocol: "TCP" },
        ],
    };
}

export function discoveryServiceSpec(
    name: string,
    ports: Settings["ports"] = { rateLimit: PORTS.rateLimit, heartbeat: PORTS.heartbeat },
): In.core.v1.ServiceSpec {
    return {
        clusterIP: "None",
        selector: selectorLabels(name),
        ports: [
            { name: "rate-limit-discovery", port: ports.rateLimit, targetPort: "rate-limit-dc", protocol: "UDP" },
            { name: "discovery-heartbeat", port: ports.heartbeat, targetPort: "dc-heartbeat", protocol: "UDP" },
        ],
    };
}

/**
 * The backup claim's name: the prefix and a short hash of the claim's settings that Kubernetes cannot change in
 * place (access mode and storage class; the size can grow in place). The same settings keep the same name; a change
 * gives a new name, so the new claim is created first, the Deployment rolls onto it, and the old claim (held by the
 * old pods until they stop) is deleted last. The new claim starts empty, which is fine: the backup only caches the
 * configuration, which the pods download again. A fixed name would force delete-before-replace, which waits on the
 * claim still mounted by the running pods and hangs.
 */
export function backupClaimName(prefix: string, accessMode: BackupAccessMode, storageClassName: string | undefined): string {
    const hash = crypto
        .createHash("sha256")
        .update(JSON.stringify([accessMode, storageClassName ?? null]))
        .digest("hex")
        .slice(0, 8);
    return `${prefix}-${hash}`;
}

export function backupClaimSpec(s: Settings, storageClassName?: pulumi.Input<string>): In.core.v1.PersistentVolumeClaimSpec {
    return {
        accessModes: [s.backup.accessMode],
        resources: { requests: { storage: s.backup.size } },
        ...(storageClassName !== undefined ? { storageClassName } : {}),
    };
}
