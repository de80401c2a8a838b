// Literal expected objects for the prod stack at the reference clock 2026-11-23T10:00:00Z
// (7-day windows counted from Monday 1970-01-05: the window is [2026-11-23, 2026-11-30), and its token expires
// 30 days after the window start less the 15-minute clock-skew margin, 2026-12-22T23:45:00Z).
import { DEFAULT_IMAGE_TAG } from "../components/args";
export const CLOCK = "2026-11-23T10:00:00Z";
/** The last second of CLOCK's window. */
export const SAME_WINDOW_CLOCK = "2026-11-29T23:59:59Z";
/** Inside the following window [2026-11-30, 2026-12-07): expiry 2026-12-29T23:45:00Z. */
export const NEXT_WINDOW_CLOCK = "2026-12-01T08:00:00Z";
/** The expiry of the token issued in CLOCK's window. */
export const CLOCK_EXPIRY = "2026-12-22T23:45:00Z";
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The mock's auto-name of the prod token Secret at CLOCK (resource name + hash of its data). */
export const PROD_TOKEN_SECRET_NAME = "apim-gw-prod-token-secret-2ba6b79a";

/** The prod backup claim: its name carries a hash of (ReadWriteMany, azurefile-csi). */
export const PROD_CLAIM_NAME = "apim-gw-prod-config-backup-4efb0764";

export const PROD_LABELS = {
    "app.kubernetes.io/component": "gateway",
    "app.kubernetes.io/instance": "apim-gw-prod",
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/name": "azure-api-management-gateway",
};
export const PROD_SELECTOR = {
    "app.kubernetes.io/instance": "apim-gw-prod",
    "app.kubernetes.io/name": "azure-api-management-gateway",
};
export const PROD_GATEWAY_ID =
    "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-apim" +
    "/providers/Microsoft.ApiManagement/service/contoso-apim/gateways/apim-gw-prod";

const probe = (periodSeconds: number, failureThreshold: number) => ({
    failureThreshold,
    httpGet: { path: "/status-0123456789abcdef", port: "http", scheme: "HTTP" },
    periodSeconds,
    successThreshold: 1,
    timeoutSeconds: 3,
});

export const PROD_DEPLOYMENT = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { labels: PROD_LABELS, name: "apim-gw-prod", namespace: "apim-gateway" },
    spec: {
        minReadySeconds: 0,
        replicas: 3,
        // No old ReplicaSets: they would refer to deleted auto-named ConfigMaps and Secrets (roll back with pulumi up).
        revisionHistoryLimit: 0,
        selector: { matchLabels: PROD_SELECTOR },
        strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" },
        template: {
            metadata: {
                annotations: { "apim-gateway/token-expiry": CLOCK_EXPIRY, "apim-gateway/token-key": "primary" },
                labels: PROD_LABELS,
            },
            spec: {
                containers: [
                    {
                        env: [{ name: "config.service.auth", valueFrom: { secretKeyRef: { key: "value", name: PROD_TOKEN_SECRET_NAME } } }],
                        envFrom: [{ configMapRef: { name: "apim-gw-prod-env-8e850e54" } }],
                        image: `mcr.microsoft.com/azure-api-management/gateway:${DEFAULT_IMAGE_TAG}`,
                        imagePullPolicy: "IfNotPresent",
                        livenessProbe: probe(10, 6),
                        name: "gateway",
                        ports: [
                            { containerPort: 8080, name: "http", protocol: "TCP" },
                            { containerPort: 8081, name: "https", protocol: "TCP" },
                            { containerPort: 4290, name: "rate-limit-dc", protocol: "UDP" },
                            { containerPort: 4291, name: "dc-heartbeat", protocol: "UDP" },
                        ],
                        readinessProbe: probe(5, 3),
                        resources: { limits: { memory: "2Gi" }, requests: { cpu: "2", memory: "2Gi" } },
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            capabilities: { drop: ["ALL"] },
                            readOnlyRootFilesystem: false,
                        },
                        startupProbe: probe(5, 60),
                        volumeMounts: [{ mountPath: "/apim/config", name: "config-backup" }],
                    },
                ],
                // The gateway never calls the Kubernetes API (token mode): no ServiceAccount token in the pod.
                automountServiceAccountToken: false,
                dnsPolicy: "ClusterFirst",
                securityContext: {
                    fsGroup: 1001,
                    runAsGroup: 1001,
                    runAsNonRoot: true,
                    runAsUser: 1001,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                terminationGracePeriodSeconds: 60,
                // highAvailability: spread over zones, then nodes, without ever blocking scheduling.
                topologySpreadConstraints: [
                    {
                        labelSelector: { matchLabels: PROD_SELECTOR },
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: "ScheduleAnyway",
                    },
                    {
                        labelSelector: { matchLabels: PROD_SELECTOR },
                        maxSkew: 1,
                        topologyKey: "kubernetes.io/hostname",
                        whenUnsatisfiable: "ScheduleAnyway",
                    },
                ],
                volumes: [{ name: "config-backup", persistentVolumeClaim: { claimName: PROD_CLAIM_NAME } }],
            },
        },
    },
};

export const PROD_CONFIGMAP = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { labels: PROD_LABELS, namespace: "apim-gateway" },
    data: {
        "config.service.endpoint": "contoso-apim.configuration.azure-api.net",
        "neighborhood.host": "apim-gw-prod-instance-discovery",
        "runtime.deployment.artifact.source": "Pulumi",
        "runtime.deployment.mechanism": "YAML",
        "runtime.deployment.orchestrator.type": "Kubernetes",
    },
};

export const PROD_LIVE_TRAFFIC = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { labels: PROD_LABELS, name: "apim-gw-prod-live-traffic", namespace: "apim-gateway" },
    spec: {
        externalTrafficPolicy: "Local",
        ports: [
            { name: "http", port: 80, protocol: "TCP", targetPort: "http" },
            { name: "https", port: 443, protocol: "TCP", targetPort: "https" },
        ],
        selector: PROD_SELECTOR,
        type: "LoadBalancer",
    },
};

export const PROD_DISCOVERY = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { labels: PROD_LABELS, name: "apim-gw-prod-instance-discovery", namespace: "apim-gateway" },
    spec: {
        clusterIP: "None",
        ports: [
            { name: "rate-limit-discovery", port: 4290, protocol: "UDP", targetPort: "rate-limit-dc" },
            { name: "discovery-heartbeat", port: 4291, protocol: "UDP", targetPort: "dc-heartbeat" },
        ],
        selector: PROD_SELECTOR,
    },
};

export const PROD_PVC = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { labels: PROD_LABELS, name: PROD_CLAIM_NAME, namespace: "apim-gateway" },
    spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "50Mi" } }, storageClassName: "azurefile-csi" },
};

export const PROD_NAMESPACE = {
    apiVersion: "v1",
    kind: "Namespace",
    // namespace.podSecurityLevel: restricted.
    // Enforced, and the same level warned about and audited.
    metadata: {
        labels: {
            ...PROD_LABELS,
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
        },
        name: "apim-gateway",
    },
};

export const PROD_PDB = {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    // Auto-named: a replacement creates the new budget before deleting the old one.
    metadata: { labels: PROD_LABELS, namespace: "apim-gateway" },
    spec: { maxUnavailable: 1, selector: { matchLabels: PROD_SELECTOR } },
};

export const PROD_GATEWAY = {
    description: "Self-hosted gateway, production cluster",
    gatewayId: "apim-gw-prod",
    locationData: { name: "prod-cluster" },
    resourceGroupName: "rg-apim",
    serviceName: "contoso-apim",
};

export const PROD_TOKEN_INPUTS = {
    apiVersion: "2024-05-01",
    armEndpoint: "https://management.azure.com",
    expiry: CLOCK_EXPIRY,
    gatewayResourceId: PROD_GATEWAY_ID,
    keyType: "primary",
    // For the token provider's notice: an update (not a preview), and when the next token is due.
    rotationNotice: { preview: false, rotatesAfter: "2026-11-30T00:00:00Z" },
};

/** A PEM-shaped fake CA certificate (the gateway never parses it in tests). */
export const TEST_CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUFAKEFAKEFAKE\nAAAA==\n-----END CERTIFICATE-----\n";

/** The portal's settings for the "edge" gateway of the "contoso-apim" instance (component tests). */
export const PORTAL_SETTINGS = {
    "config.service.endpoint": "contoso-apim.configuration.azure-api.net",
    "neighborhood.host": "edge-instance-discovery",
    "runtime.deployment.artifact.source": "Pulumi",
    "runtime.deployment.mechanism": "YAML",
    "runtime.deployment.orchestrator.type": "Kubernetes",
};
