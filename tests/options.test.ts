// Every option beyond authentication, asserted exactly on the registered resources: high
// availability, autoscaling, probes, pod security, scheduling and image, labels, ServiceAccount,
// NetworkPolicy, proxy/TLS/telemetry settings, CA trust, and the Azure-side assignments.
import { strict as assert } from "assert";
import { SelfHostedGatewayArgs, validateArgs } from "../components";
import { build, minimal } from "./edge";
import { PORTAL_SETTINGS, TEST_CA_PEM } from "./expected";
import { capturingLogs, FAKE_SUBSCRIPTION, logs, mockAutoName, one, ofType, Registered } from "./harness";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SELECTOR = { "app.kubernetes.io/instance": "edge", "app.kubernetes.io/name": "azure-api-management-gateway" };
const LABELS = { ...SELECTOR, "app.kubernetes.io/component": "gateway", "app.kubernetes.io/managed-by": "pulumi" };
const SERVICE_ID = `/subscriptions/${FAKE_SUBSCRIPTION}/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim`;
/** The token env var, naming the auto-named token Secret the component registered. */
function tokenEnv(resources: Registered[]) {
    const name = mockAutoName("edge-token-secret", one(resources, "kubernetes:core/v1:Secret", "edge-token-secret").inputs.stringData);
    assert.match(name, /^edge-token-secret-[0-9a-f]{8}$/);
    return { name: "config.service.auth", valueFrom: { secretKeyRef: { name, key: "value" } } };
}

type Container = Record<string, unknown> & { env?: unknown; volumeMounts?: unknown };
type PodSpec = Record<string, unknown> & { containers: Container[]; volumes?: unknown };
type DeploymentSpec = Record<string, unknown> & {
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
};
const specOf = (rs: Registered[]) => one(rs, DEPLOYMENT).inputs.spec as DeploymentSpec;
const podOf = (rs: Registered[]) => specOf(rs).template.spec;
const settingsOf = (rs: Registered[]) => one(rs, "kubernetes:core/v1:ConfigMap", "edge-env").inputs.data;
const validationProblems = (args: SelfHostedGatewayArgs) => {
    const v = validateArgs(args);
    return v.ok ? [] : v.problems;
};
const spread = (key: string, when = "ScheduleAnyway") => ({
    maxSkew: 1,
    topologyKey: key,
    whenUnsatisfiable: when,
    labelSelector: { matchLabels: SELECTOR },
});

describe("options: high availability", () => {
    it("is on by default with 2+ replicas: a PodDisruptionBudget (25%) and zone/node spread", async () => {
        const { resources } = await build(minimal());
        assert.deepEqual(one(resources, PDB).inputs, {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            // Auto-named: a replacement creates the new budget before deleting the old one.
            metadata: { namespace: "gw", labels: LABELS },
            spec: { maxUnavailable: "25%", selector: { matchLabels: SELECTOR } },
        });
        assert.deepEqual(podOf(resources).topologySpreadConstraints, [
            spread("topology.kubernetes.io/zone"),
            spread("kubernetes.io/hostname"),
        ]);
        assert.equal(podOf(resources).affinity, undefined);
    });

    it("is off with one replica, or when disabled", async () => {
        for (const args of [minimal({ environment: "dev", replicas: 1 }), minimal({ replicas: 3, highAvailability: { enabled: false } })]) {
            const { resources } = await build(args);
            assert.equal(ofType(resources, PDB).length, 0);
            assert.equal(podOf(resources).topologySpreadConstraints, undefined);
        }
    });

    it("adds preferred or required anti-affinity, merged with the user's affinity", async () => {
        const nodeAffinity = {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: "agentpool", operator: "In", values: ["gw"] }] }],
            },
        };
        const preferred = await build(
            minimal({
                affinity: { nodeAffinity },
                highAvailability: {
                    antiAffinity: "preferred",
                    topologySpread: { whenUnsatisfiable: "DoNotSchedule", topologyKeys: ["topology.kubernetes.io/zone"] },
                },
            }),
        );
        assert.deepEqual(podOf(preferred.resources).affinity, {
            nodeAffinity,
            podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: SELECTOR }, topologyKey: "kubernetes.io/hostname" } },
                ],
            },
        });
        assert.deepEqual(podOf(preferred.resources).topologySpreadConstraints, [spread("topology.kubernetes.io/zone", "DoNotSchedule")]);
        const required = await build(minimal({ highAvailability: { antiAffinity: "required", maxUnavailable: 1 } }));
        assert.deepEqual(podOf(required.resources).affinity, {
            podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                    { labelSelector: { matchLabels: SELECTOR }, topologyKey: "kubernetes.io/hostname" },
                ],
            },
        });
        assert.deepEqual((one(required.resources, PDB).inputs.spec as { maxUnavailable: unknown }).maxUnavailable, 1);
    });
});

describe("options: autoscaling", () => {
    it("adds a CPU HorizontalPodAutoscaler from the replica floor, and leaves the replica count to it", async () => {
        const { resources } = await build(minimal({ replicas: 3, autoscaling: { maxReplicas: 10 } }));
        assert.deepEqual(one(resources, HPA).inputs, {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: { name: "edge", namespace: "gw", labels: LABELS },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "edge" },
                minReplicas: 3,
                maxReplicas: 10,
                metrics: [
                    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                    // The deployment guide scales on CPU and memory; 80% of the memory request by default.
                    { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
                ],
            },
        });
        assert.equal("replicas" in specOf(resources), false, "the autoscaler owns spec.replicas");
        assert.equal(ofType(resources, PDB).length, 1, "high availability follows the autoscaler's floor");
    });

    it("takes an explicit minimum and target, and is absent when disabled", async () => {
        const on = await build(
            minimal({
                autoscaling: { minReplicas: 4, maxReplicas: 8, targetCpuUtilizationPercentage: 55, targetMemoryUtilizationPercentage: 65 },
            }),
        );
        const spec = one(on.resources, HPA).inputs.spec as Record<string, unknown>;
        assert.equal(spec.minReplicas, 4);
        assert.equal(spec.maxReplicas, 8);
        assert.deepEqual(spec.metrics, [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 55 } } },
            { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 65 } } },
        ]);
        const off = await build(minimal({ autoscaling: { enabled: false, maxReplicas: 8 } }));
        assert.equal(ofType(off.resources, HPA).length, 0);
        assert.equal(specOf(off.resources).replicas, 2);
    });
});

describe("options: probes, pod security, scheduling and image", () => {
    it("keeps the default probe timings and takes overrides", async () => {
        const probe = (t: Record<string, number>) => ({
            httpGet: { path: "/status-0123456789abcdef", port: "http", scheme: "HTTP" },
            ...t,
        });
        const { resources } = await build(
            minimal({
                probes: {
                    readiness: { periodSeconds: 2, successThreshold: 2 },
                    liveness: { initialDelaySeconds: 15, timeoutSeconds: 5 },
                    startup: { failureThreshold: 120 },
                },
            }),
        );
        const c = podOf(resources).containers[0];
        assert.deepEqual(c.readinessProbe, probe({ periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 2 }));
        assert.deepEqual(
            c.livenessProbe,
            probe({ initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6, successThreshold: 1 }),
        );
        assert.deepEqual(c.startupProbe, probe({ periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 120, successThreshold: 1 }));
    });

    it("keeps the restricted pod security and takes group ids and the fsGroup change policy", async () => {
        const { resources } = await build(
            minimal({ podSecurity: { runAsGroup: 2000, fsGroup: 2000, fsGroupChangePolicy: "OnRootMismatch" } }),
        );
        assert.deepEqual(podOf(resources).securityContext, {
            runAsNonRoot: true,
            runAsUser: 1001,
            runAsGroup: 2000,
            fsGroup: 2000,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
        });
        // Not read-only: the image writes its CA bundle under /etc/ssl/certs at start (docs/configuration.md).
        assert.deepEqual(podOf(resources).containers[0].securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: false,
        });
    });

    it("places the pods: node selector, tolerations, affinity, priority class, host aliases, pull secrets and policy, grace period", async () => {
        const { resources } = await build(
            minimal({
                environment: "dev",
                replicas: 1,
                image: { pullPolicy: "Always", pullSecrets: ["acr-pull", "mirror-pull"] },
                nodeSelector: { "kubernetes.io/os": "linux", agentpool: "gateway" },
                tolerations: [
                    { key: "dedicated", operator: "Equal", value: "gateway", effect: "NoSchedule" },
                    { operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
                ],
                affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
                priorityClassName: "gateway-critical",
                hostAliases: [{ ip: "10.0.0.4", hostnames: ["contoso-apim.configuration.azure-api.net"] }],
                terminationGracePeriodSeconds: 120,
            }),
        );
        const pod = podOf(resources);
        assert.deepEqual(pod.imagePullSecrets, [{ name: "acr-pull" }, { name: "mirror-pull" }]);
        assert.equal(pod.containers[0].imagePullPolicy, "Always");
        assert.deepEqual(pod.nodeSelector, { "kubernetes.io/os": "linux", agentpool: "gateway" });
        assert.deepEqual(pod.tolerations, [
            { key: "dedicated", operator: "Equal", value: "gateway", effect: "NoSchedule" },
            { operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
        ]);
        assert.deepEqual(pod.affinity, { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } });
        assert.equal(pod.priorityClassName, "gateway-critical");
        assert.deepEqual(pod.hostAliases, [{ ip: "10.0.0.4", hostnames: ["contoso-apim.configuration.azure-api.net"] }]);
        assert.equal(pod.terminationGracePeriodSeconds, 120);
    });
});

describe("options: labels, annotations, ServiceAccount, NetworkPolicy, namespace", () => {
    it("puts common labels and annotations on every Kubernetes object and the pods; pod annotations on the pods only", async () => {
        const { resources } = await build(
            minimal({
                commonLabels: { team: "platform" },
                commonAnnotations: { "contoso.com/owner": "platform" },
                podAnnotations: { "prometheus.io/scrape": "false" },
                service: { annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" } },
                networkPolicy: { enabled: true },
                serviceAccount: { create: true },
            }),
        );
        const k8s = resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.deepEqual(k8s.map((r) => r.type.split(":")[2]).sort(), [
            "ConfigMap",
            "Deployment",
            "Namespace",
            "NetworkPolicy",
            "PersistentVolumeClaim",
            "PodDisruptionBudget",
            "Secret",
            "Service",
            "Service",
            "ServiceAccount",
        ]);
        const podSecurity = {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
        };
        for (const r of k8s) {
            const meta = r.inputs.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
            const own = r.type === "kubernetes:core/v1:Namespace" ? podSecurity : {};
            assert.deepEqual(meta.labels, { ...LABELS, team: "platform", ...own }, r.name);
            const extra = r.name === "edge-live-traffic" ? { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" } : {};
            assert.deepEqual(meta.annotations, { "contoso.com/owner": "platform", ...extra }, r.name);
        }
        const template = specOf(resources).template;
        assert.deepEqual(template.metadata.labels, { ...LABELS, team: "platform" });
        assert.deepEqual(template.metadata.annotations, {
            "prometheus.io/scrape": "false",
            "apim-gateway/token-expiry": "2026-12-22T23:45:00Z",
            "apim-gateway/token-key": "primary",
        });
        assert.deepEqual(
            (specOf(resources).selector as { matchLabels: unknown }).matchLabels,
            SELECTOR,
            "selectors never take common labels",
        );
    });

    it("creates a ServiceAccount without an API token when asked, or uses an existing one by name", async () => {
        const created = await build(
            minimal({ serviceAccount: { create: true, name: "apim-gw", annotations: { "contoso.com/purpose": "gateway" } } }),
        );
        assert.deepEqual(one(created.resources, "kubernetes:core/v1:ServiceAccount").inputs, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            automountServiceAccountToken: false,
            metadata: { name: "apim-gw", namespace: "gw", labels: LABELS, annotations: { "contoso.com/purpose": "gateway" } },
        });
        assert.equal(podOf(created.resources).serviceAccountName, "apim-gw");
        const existing = await build(minimal({ serviceAccount: { name: "shared-sa" } }));
        assert.equal(ofType(existing.resources, "kubernetes:core/v1:ServiceAccount").length, 0);
        assert.equal(podOf(existing.resources).serviceAccountName, "shared-sa");
        const none = await build(minimal());
        assert.equal("serviceAccountName" in podOf(none.resources), false, "default: the namespace's default account, as before");
    });

    it("adds a NetworkPolicy: HTTP(S) from the allowed peers, UDP sync between gateway pods only", async () => {
        const open = await build(minimal({ networkPolicy: { enabled: true } }));
        const udp = {
            from: [{ podSelector: { matchLabels: SELECTOR } }],
            ports: [
                { protocol: "UDP", port: 4290 },
                { protocol: "UDP", port: 4291 },
            ],
        };
        const http = [
            { protocol: "TCP", port: "http" },
            { protocol: "TCP", port: "https" },
        ];
        assert.deepEqual(one(open.resources, NETPOL).inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "edge", namespace: "gw", labels: LABELS },
            spec: { podSelector: { matchLabels: SELECTOR }, policyTypes: ["Ingress"], ingress: [{ ports: http }, udp] },
        });
        const from = [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress" } } },
            { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } },
        ];
        const limited = await build(minimal({ networkPolicy: { enabled: true, ingressFrom: from } }));
        assert.deepEqual((one(limited.resources, NETPOL).inputs.spec as { ingress: unknown }).ingress, [{ from, ports: http }, udp]);
        assert.equal(ofType((await build(minimal())).resources, NETPOL).length, 0, "off by default");
    });

    it("labels a created namespace with the Pod Security Admission level: enforced, warned about and audited", async () => {
        const { resources } = await build(minimal({ namespace: { name: "gw", podSecurityLevel: "restricted" } }));
        assert.deepEqual(one(resources, "kubernetes:core/v1:Namespace").inputs.metadata, {
            name: "gw",
            labels: {
                ...LABELS,
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        });
    });

    it("turns off node-port allocation on a LoadBalancer service", async () => {
        const { resources } = await build(minimal({ service: { allocateLoadBalancerNodePorts: false } }));
        assert.equal(
            (one(resources, "kubernetes:core/v1:Service", "edge-live-traffic").inputs.spec as Record<string, unknown>)
                .allocateLoadBalancerNodePorts,
            false,
        );
    });
});

describe("options: network, telemetry and additional settings", () => {
    it("sets the proxy variables next to the token, and maps TLS and telemetry", async () => {
        const { resources } = await build(
            minimal({
                proxy: { http: "http://proxy.corp:3128", https: "http://proxy.corp:3128", bypass: ["localhost", ".svc.cluster.local"] },
                tls: {
                    serverCipherSuites: ["TLS_AES_256_GCM_SHA384"],
                    clientCipherSuites: ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"],
                },
                observability: {
                    logs: { std: { format: "json", level: "warn" }, local: { type: "json", endpoint: "127.0.0.1:8888" } },
                    metrics: { azureMonitor: false, statsd: { endpoint: "udp://statsd.monitoring:8125" } },
                    openTelemetry: { collectorUri: "http://otel-collector.monitoring:4317" },
                },
            }),
        );
        assert.deepEqual(podOf(resources).containers[0].env, [
            tokenEnv(resources),
            { name: "HTTP_PROXY", value: "http://proxy.corp:3128" },
            { name: "HTTPS_PROXY", value: "http://proxy.corp:3128" },
            { name: "NO_PROXY", value: "localhost,.svc.cluster.local" },
        ]);
        assert.deepEqual(settingsOf(resources), {
            ...PORTAL_SETTINGS,
            "telemetry.logs.std": "json",
            "telemetry.logs.std.level": "warn",
            "telemetry.logs.local": "json",
            "telemetry.logs.local.json.endpoint": "127.0.0.1:8888",
            "telemetry.metrics.cloud": "false",
            "telemetry.metrics.local": "statsd",
            "telemetry.metrics.local.statsd.endpoint": "udp://statsd.monitoring:8125",
            "observability.opentelemetry.enabled": "true",
            "observability.opentelemetry.collector.uri": "http://otel-collector.monitoring:4317",
            "net.server.tls.ciphers.allowed-suites": "TLS_AES_256_GCM_SHA384",
            "net.client.tls.ciphers.allowed-suites": "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384",
        });
    });
});

describe("options: instance discovery, local syslog and forwarded logs", () => {
    it("uses the short discovery name with ClusterFirst, the fully qualified one with Default or None", async () => {
        const host = async (extra: Partial<SelfHostedGatewayArgs>) =>
            (settingsOf((await build(minimal(extra))).resources) as Record<string, string>)["neighborhood.host"];
        assert.equal(await host({}), "edge-instance-discovery");
        assert.equal(await host({ dnsPolicy: "ClusterFirstWithHostNet" }), "edge-instance-discovery");
        assert.equal(await host({ dnsPolicy: "Default" }), "edge-instance-discovery.gw.svc.cluster.local");
        assert.equal(
            await host({ dnsPolicy: "None", dnsConfig: { nameservers: ["10.0.0.10"] }, clusterDomain: "corp.internal" }),
            "edge-instance-discovery.gw.svc.corp.internal",
        );
    });

    it("warns that with dnsPolicy Default the node's resolver must resolve that name", async () => {
        await capturingLogs(() => build(minimal({ dnsPolicy: "Default" })));
        assert.deepEqual(logs, [
            "warning: [runtime] args.dnsPolicy is Default: the pods resolve names through the node's resolver, so the instance-discovery name " +
                "(edge-instance-discovery.<namespace>.svc.cluster.local) must resolve there, or the gateway's instances do not find each " +
                "other (rate limits and heartbeats stay per pod); keep ClusterFirst unless you need Default",
        ]);
    });

    it("mounts the node's /dev/log socket where localsyslog writes, as the Helm chart does", async () => {
        const { resources } = await build(
            minimal({
                namespace: { name: "gw", create: false },
                observability: { logs: { local: { type: "localsyslog", endpoint: "/dev/log", facility: 7 } } },
            }),
        );
        assert.deepEqual(podOf(resources).volumes, [
            { name: "config-backup", persistentVolumeClaim: { claimName: "edge-config-backup-6af1e5f2" } },
            { name: "local-syslog", hostPath: { path: "/dev/log", type: "Socket" } },
        ]);
        assert.deepEqual(podOf(resources).containers[0].volumeMounts, [
            { name: "config-backup", mountPath: "/apim/config" },
            { name: "local-syslog", mountPath: "/dev/log" },
        ]);
        assert.deepEqual(settingsOf(resources), {
            ...PORTAL_SETTINGS,
            "telemetry.logs.local": "localsyslog",
            "telemetry.logs.local.localsyslog.endpoint": "/dev/log",
            "telemetry.logs.local.localsyslog.facility": "7",
        });
    });

    it("sets telemetry.logs.local: forward through the typed option (additionalSettings still refuses the key)", async () => {
        const { resources } = await build(minimal({ observability: { logs: { local: { type: "forward" } } } }));
        assert.deepEqual(settingsOf(resources), { ...PORTAL_SETTINGS, "telemetry.logs.local": "forward" });
        assert.deepEqual(validationProblems(minimal({ additionalSettings: { "telemetry.logs.local": "forward" } })), [
            'args.additionalSettings["telemetry.logs.local"]: shadows the typed option args.observability.logs.local.type; set that instead',
        ]);
        assert.deepEqual(validationProblems(minimal({ observability: { logs: { local: { type: "forward", endpoint: "x:1" } } } })), [
            'args.observability.logs.local.endpoint: does not apply when type is "forward"; remove it',
        ]);
    });

    it("refuses localsyslog under the restricted or baseline Pod Security level (hostPath), and a socket path that is not absolute", () => {
        const syslog = { logs: { local: { type: "localsyslog" as const, endpoint: "/dev/log" } } };
        assert.deepEqual(
            validationProblems(minimal({ namespace: { name: "gw", podSecurityLevel: "restricted" }, observability: syslog })),
            [
                'args.observability.logs.local.type: "localsyslog" mounts the node\'s /dev/log socket (a hostPath volume), which the "restricted" ' +
                    'Pod Security level (args.namespace.podSecurityLevel) forbids; send logs to a collector with "rfc5424" or "json" instead, or relax the level',
            ],
        );
        assert.deepEqual(validationProblems(minimal({ namespace: { name: "gw", podSecurityLevel: "baseline" }, observability: syslog })), [
            'args.observability.logs.local.type: "localsyslog" mounts the node\'s /dev/log socket (a hostPath volume), which the "baseline" ' +
                'Pod Security level (args.namespace.podSecurityLevel) forbids; send logs to a collector with "rfc5424" or "json" instead, or relax the level',
        ]);
        assert.deepEqual(
            validationProblems(
                minimal({
                    namespace: { name: "gw", create: false },
                    observability: { logs: { local: { type: "localsyslog", endpoint: "udp://syslog:514" } } },
                }),
            ),
            [
                'args.observability.logs.local.endpoint: got "udp://syslog:514"; with type "localsyslog" it is the syslog socket\'s path in the pod, ' +
                    "such as /dev/log (the node's /dev/log is mounted there)",
            ],
        );
    });

    it("takes clusterDomain only where the fully qualified name is used", () => {
        assert.deepEqual(validationProblems(minimal({ clusterDomain: "corp.internal" })), [
            'args.clusterDomain: only applies when args.dnsPolicy is "Default" or "None" (otherwise instance discovery uses the ' +
                "Service's short name, resolved through the pod's search domains); remove it",
        ]);
        assert.deepEqual(validationProblems(minimal({ dnsPolicy: "Default", clusterDomain: "Corp_Internal" })), [
            "args.clusterDomain: got \"Corp_Internal\"; must be a Kubernetes name: lower-case letters, digits, '-' and '.'",
        ]);
    });
});

describe("options: configuration endpoint trust", () => {
    it("mounts each private CA into the OpenSSL certificate directory and enables local CAs; a new CA rolls the pods", async () => {
        const { resources } = await build(
            minimal({
                apim: { ...minimal().apim, configurationEndpoint: "apim.configuration.contoso.com" },
                configurationTrust: { caCertificates: [TEST_CA_PEM, TEST_CA_PEM.replace("FAKE", "FAK2")] },
            }),
        );
        const caData = { "ca-0.crt": TEST_CA_PEM, "ca-1.crt": TEST_CA_PEM.replace("FAKE", "FAK2") };
        assert.deepEqual(one(resources, "kubernetes:core/v1:ConfigMap", "edge-configuration-ca").inputs, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { namespace: "gw", labels: LABELS },
            data: caData,
        });
        const caName = mockAutoName("edge-configuration-ca", caData);
        const pod = podOf(resources);
        assert.deepEqual(pod.volumes, [
            { name: "config-backup", persistentVolumeClaim: { claimName: "edge-config-backup-6af1e5f2" } },
            { name: "configuration-ca", configMap: { name: caName } },
        ]);
        assert.deepEqual(pod.containers[0].volumeMounts, [
            { name: "config-backup", mountPath: "/apim/config" },
            { name: "configuration-ca", mountPath: "/etc/ssl/certs/apim-configuration-ca-0.pem", subPath: "ca-0.crt", readOnly: true },
            { name: "configuration-ca", mountPath: "/etc/ssl/certs/apim-configuration-ca-1.pem", subPath: "ca-1.crt", readOnly: true },
        ]);
        assert.deepEqual(settingsOf(resources), {
            ...PORTAL_SETTINGS,
            "config.service.endpoint": "apim.configuration.contoso.com",
            "certificates.local.ca.enabled": "true",
        });
        const other = await build(
            minimal({
                configurationTrust: {
                    caCertificates: [TEST_CA_PEM.replace("FAKE", "FAK3")],
                    caDirectory: "/etc/pki/ca-trust/source/anchors",
                },
            }),
        );
        const otherPod = podOf(other.resources);
        assert.notDeepEqual((otherPod.volumes as unknown[])[1], (pod.volumes as unknown[])[1], "new CA content, new ConfigMap name");
        assert.deepEqual(otherPod.containers[0].volumeMounts, [
            { name: "config-backup", mountPath: "/apim/config" },
            {
                name: "configuration-ca",
                mountPath: "/etc/pki/ca-trust/source/anchors/apim-configuration-ca-0.pem",
                subPath: "ca-0.crt",
                readOnly: true,
            },
        ]);
    });

    it("disables certificate validation only in dev, with a loud warning", async () => {
        const { resources } = await capturingLogs(() =>
            build(minimal({ environment: "dev", configurationTrust: { disableCertificateValidation: true } })),
        );
        assert.deepEqual(settingsOf(resources), { ...PORTAL_SETTINGS, "config.service.endpoint.disableCertificateValidation": "true" });
        assert.deepEqual(logs, [
            "warning: [runtime] SECURITY: args.configurationTrust.disableCertificateValidation is true: the gateway does NOT verify the " +
                "configuration endpoint's TLS certificate, so anyone on the network path can impersonate API Management and feed it " +
                "configuration. Use it only for a test; trust a private CA with args.configurationTrust.caCertificates instead.",
            "warning: [runtime] dev environment, production rule relaxed: args.configurationTrust.disableCertificateValidation: is true; " +
                "production validates the configuration endpoint's certificate (trust a private CA with configurationTrust.caCertificates instead)",
        ]);
    });
});

describe("options: in Azure, beyond the chart", () => {
    it("assigns APIs, creates hostname configurations and trusted certificate authorities on the gateway", async () => {
        const { resources } = await build(
            minimal({
                apis: [{ apiId: "echo-api" }, { apiId: "orders" }],
                hostnames: [
                    {
                        id: "api",
                        hostname: "api.contoso.com",
                        certificateId: "contoso-tls",
                        negotiateClientCertificate: true,
                        http2Enabled: true,
                        tls10Enabled: false,
                        tls11Enabled: false,
                    },
                    { id: "wild", hostname: "*.internal.contoso.com" },
                ],
                certificateAuthorities: [{ certificateId: "contoso-root" }, { certificateId: "contoso-issuing", isTrusted: false }],
            }),
        );
        const inService = { resourceGroupName: "rg-apim", serviceName: "contoso-apim", gatewayId: "edge" };
        assert.deepEqual(
            ofType(resources, "azure-native:apimanagement:GatewayApiEntityTag").map((r) => [r.name, r.inputs]),
            [
                ["edge-api-echo-api", { ...inService, apiId: "echo-api" }],
                ["edge-api-orders", { ...inService, apiId: "orders" }],
            ],
        );
        // Registration order follows input resolution (the certificate id waits for the gateway's id): compare by name.
        const byName = (a: [string, unknown], b: [string, unknown]) => a[0].localeCompare(b[0]);
        assert.deepEqual(
            ofType(resources, "azure-native:apimanagement:GatewayHostnameConfiguration")
                .map((r): [string, unknown] => [r.name, r.inputs])
                .sort(byName),
            [
                [
                    "edge-hostname-api",
                    {
                        ...inService,
                        hcId: "api",
                        hostname: "api.contoso.com",
                        certificateId: `${SERVICE_ID}/certificates/contoso-tls`,
                        negotiateClientCertificate: true,
                        http2Enabled: true,
                        tls10Enabled: false,
                        tls11Enabled: false,
                    },
                ],
                ["edge-hostname-wild", { ...inService, hcId: "wild", hostname: "*.internal.contoso.com" }],
            ],
        );
        assert.deepEqual(
            ofType(resources, "azure-native:apimanagement:GatewayCertificateAuthority").map((r) => [r.name, r.inputs]),
            [
                ["edge-ca-contoso-root", { ...inService, certificateId: "contoso-root", isTrusted: true }],
                ["edge-ca-contoso-issuing", { ...inService, certificateId: "contoso-issuing", isTrusted: false }],
            ],
        );
        assert.equal((settingsOf(resources) as Record<string, string>)["certificates.local.ca.enabled"], "true");
    });
});
