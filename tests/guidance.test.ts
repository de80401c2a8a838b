// The options of Microsoft's current guidance, asserted exactly on the registered resources and the validator's
// lines: the node architecture, the Entra client certificate, memory and KEDA autoscaling, the typed settings and
// the discovery ports, and the extension points with what each Pod Security level refuses of them.
import { strict as assert } from "assert";
import { SelfHostedGatewayArgs, validateArgs } from "../components";
import { scaledObjectAsAutoscaler, findingsFor, SCALED_OBJECT_TYPE } from "../policy/policies";
import { packageSchema } from "../components/plugin/schema";
import { settingsFindings } from "../components/rules";
import { withClientSecret } from "../components/stackConfig";
import { backupClaimName } from "../components/specs";
import { build, minimal } from "./edge";
import { CLOCK, PORTAL_SETTINGS } from "./expected";
import { one, ofType, Registered } from "./harness";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const SPC = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass";
const SELECTOR = { "app.kubernetes.io/instance": "edge", "app.kubernetes.io/name": "azure-api-management-gateway" };
const LABELS = { ...SELECTOR, "app.kubernetes.io/component": "gateway", "app.kubernetes.io/managed-by": "pulumi" };
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const IDENTITY = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b";

type Container = Record<string, unknown> & { name: string; env?: unknown; volumeMounts?: unknown; ports?: unknown };
type PodSpec = Record<string, unknown> & {
    containers: Container[];
    initContainers?: Container[];
    volumes?: unknown;
    nodeSelector?: unknown;
};
const podOf = (rs: Registered[]) => (one(rs, DEPLOYMENT).inputs.spec as { template: { spec: PodSpec } }).template.spec;
const settingsOf = (rs: Registered[]) => one(rs, "kubernetes:core/v1:ConfigMap", "edge-env").inputs.data as Record<string, string>;
const problems = (args: SelfHostedGatewayArgs, prefix = "gateway") => {
    const v = validateArgs(args, prefix);
    return v.ok ? [] : v.problems;
};
const aad = (certificate: NonNullable<NonNullable<SelfHostedGatewayArgs["auth"]>["azureAdApp"]>["certificate"], extra = {}) =>
    minimal({ auth: { type: "azureAdApp", azureAdApp: { tenantId: TENANT, clientId: APP, certificate, ...extra } } });

describe("guidance: the node architecture", () => {
    it("selects nodes by kubernetes.io/arch, next to the user's node selector", async () => {
        const { resources } = await build(minimal({ architecture: "arm64", nodeSelector: { pool: "gateway" } }));
        assert.deepEqual(podOf(resources).nodeSelector, { pool: "gateway", "kubernetes.io/arch": "arm64" });
        const none = await build(minimal());
        assert.equal(podOf(none.resources).nodeSelector, undefined);
    });

    it("refuses arm64 with a release older than the first multi-architecture one, and a second arch selector", () => {
        assert.deepEqual(problems(minimal({ architecture: "arm64", image: { tag: "2.12.3" } })), [
            'gateway.architecture: "arm64" needs a multi-architecture image, which the gateway has from 2.13.0 on (gateway.image.tag is "2.12.3"); set gateway.image.tag to 2.13.0 or later, or use "amd64"',
        ]);
        assert.deepEqual(problems(minimal({ architecture: "amd64", image: { tag: "2.12.3" } })), []);
        assert.deepEqual(problems(minimal({ environment: "dev", architecture: "arm64", image: { tag: "v2" } })), []);
        assert.deepEqual(problems(minimal({ architecture: "amd64", nodeSelector: { "kubernetes.io/arch": "amd64" } })), [
            'gateway.nodeSelector["kubernetes.io/arch"]: is set by gateway.architecture; set only one',
        ]);
        assert.deepEqual(problems({ ...minimal(), architecture: "riscv64" } as unknown as SelfHostedGatewayArgs), [
            'gateway.architecture: got "riscv64"; expected one of "amd64", "arm64"',
        ]);
    });
});

describe("guidance: the Entra app's client certificate", () => {
    it("from a Secret: mounted read-only as one file, named by certificatePath; no client secret anywhere", async () => {
        const { resources } = await build(aad({ existingSecret: { name: "entra-cert", key: "tls.pfx" } }));
        const pod = podOf(resources);
        assert.deepEqual(pod.volumes, [
            {
                name: "config-backup",
                persistentVolumeClaim: { claimName: backupClaimName("edge-config-backup", "ReadWriteMany", undefined) },
            },
            {
                name: "azure-ad-certificate",
                secret: { secretName: "entra-cert", items: [{ key: "tls.pfx", path: "client-certificate" }], defaultMode: 0o440 },
            },
        ]);
        assert.deepEqual(pod.containers[0].volumeMounts, [
            { name: "config-backup", mountPath: "/apim/config" },
            { name: "azure-ad-certificate", mountPath: "/apim/azure-ad", readOnly: true },
        ]);
        assert.equal(pod.containers[0].env, undefined);
        assert.deepEqual(settingsOf(resources), {
            ...PORTAL_SETTINGS,
            "config.service.auth": "azureAdApp",
            "config.service.auth.azureAd.tenantId": TENANT,
            "config.service.auth.azureAd.clientId": APP,
            "gateway.name": "edge",
            "config.service.auth.azureAd.certificatePath": "/apim/azure-ad/client-certificate",
        });
        assert.equal(ofType(resources, "kubernetes:core/v1:Secret").length, 0);
    });

    it("from Key Vault: a SecretProviderClass of the Azure provider, and the CSI driver's read-only volume", async () => {
        const { resources } = await build(
            aad({ keyVault: { vaultName: "kv-apim", certificateName: "gateway-client", identityClientId: IDENTITY } }),
        );
        const spc = one(resources, SPC);
        assert.deepEqual(spc.inputs, {
            apiVersion: "secrets-store.csi.x-k8s.io/v1",
            kind: "SecretProviderClass",
            metadata: { namespace: "gw", labels: LABELS },
            spec: {
                provider: "azure",
                parameters: {
                    usePodIdentity: "false",
                    useVMManagedIdentity: "true",
                    userAssignedIdentityID: IDENTITY,
                    keyvaultName: "kv-apim",
                    tenantId: TENANT,
                    objects:
                        "array:\n  - |\n    objectName: gateway-client\n    objectType: secret\n    objectAlias: client-certificate\n" +
                        "    objectFormat: pfx\n    objectEncoding: base64\n",
                },
            },
        });
        const name = (spc as unknown as { inputs: { metadata: { name?: string } } }).inputs.metadata.name;
        assert.equal(name, undefined, "auto-named: a change gives a new class and rolls the pods");
        const volume = (podOf(resources).volumes as { name: string; csi?: Record<string, unknown> }[]).find((v) => v.csi);
        assert.deepEqual(volume?.csi?.driver, "secrets-store.csi.k8s.io");
        assert.equal(volume?.csi?.readOnly, true);
        assert.match(
            String((volume?.csi?.volumeAttributes as Record<string, string>).secretProviderClass),
            /^edge-azure-ad-certificate-[0-9a-f]{8}$/,
        );
        assert.equal(settingsOf(resources)["config.service.auth.azureAd.certificatePath"], "/apim/azure-ad/client-certificate");
        const pem = await build(
            aad({
                keyVault: {
                    vaultName: "kv-apim",
                    certificateName: "gateway-client",
                    identityClientId: IDENTITY,
                    tenantId: APP,
                    format: "pem",
                },
            }),
        );
        const params = (one(pem.resources, SPC).inputs.spec as { parameters: Record<string, string> }).parameters;
        assert.equal(params.tenantId, APP);
        assert.equal(
            params.objects,
            "array:\n  - |\n    objectName: gateway-client\n    objectType: secret\n    objectAlias: client-certificate\n    objectFormat: pem\n",
        );
    });

    it("refuses both sources, none, and a certificate next to a client secret", () => {
        const kv = { vaultName: "kv-apim", certificateName: "c", identityClientId: IDENTITY };
        assert.deepEqual(problems(aad({ existingSecret: { name: "s" }, keyVault: kv })), [
            "gateway.auth.azureAdApp.certificate: set exactly one of existingSecret (a Secret in the namespace) and keyVault (Azure Key Vault through the Secrets Store CSI driver)",
        ]);
        assert.deepEqual(problems(aad({})), [
            "gateway.auth.azureAdApp.certificate: set exactly one of existingSecret (a Secret in the namespace) and keyVault (Azure Key Vault through the Secrets Store CSI driver)",
        ]);
        assert.deepEqual(problems(aad({ existingSecret: { name: "s" } }, { existingSecret: { name: "secret" } })), [
            "gateway.auth.azureAdApp.certificate: the app signs in with a certificate or a client secret, not both; remove existingSecret",
        ]);
        assert.deepEqual(problems(aad({ keyVault: { ...kv, vaultName: "kv" } })), [
            "gateway.auth.azureAdApp.certificate.keyVault.vaultName: got \"kv\"; must be a key vault name: 3 to 24 letters, digits and '-', starting with a letter",
        ]);
        assert.deepEqual(problems({ ...minimal(), additionalSettings: { "config.service.auth.azureAd.certificatePath": "/x" } }), [
            'gateway.additionalSettings["config.service.auth.azureAd.certificatePath"]: shadows the typed option gateway.auth.azureAdApp.certificate; set that instead',
        ]);
    });

    it("in the stack program, asks for no client secret key, and refuses one beside the certificate", () => {
        const raw = {
            auth: { type: "azureAdApp", azureAdApp: { tenantId: TENANT, clientId: APP, certificate: { existingSecret: { name: "c" } } } },
        };
        assert.deepEqual(withClientSecret(raw, undefined, "apim-gateway", "prod"), { raw, problems: [] });
        assert.deepEqual(withClientSecret(raw, "blank", "apim-gateway", "prod").problems, [
            "azureAdClientSecret: is empty; set the Entra app's client secret with: pulumi config set --secret apim-gateway:azureAdClientSecret <client-secret> --stack prod",
            "azureAdClientSecret: is set but gateway.auth.azureAdApp.certificate signs the app in; remove one (pulumi config rm apim-gateway:azureAdClientSecret --stack prod, or remove the certificate)",
        ]);
    });
});

describe("guidance: autoscaling on CPU and memory, or through KEDA", () => {
    const rps = { serverAddress: "http://prometheus.monitoring.svc:9090", query: "sum(rate(apim_requests_total[1m]))", threshold: 200 };

    it("KEDA: a ScaledObject on the Deployment with cpu, memory and prometheus triggers, and no HorizontalPodAutoscaler", async () => {
        const { resources } = await build(
            minimal({ autoscaling: { minReplicas: 3, maxReplicas: 9, keda: { pollingInterval: 15, requestsPerSecond: rps } } }),
        );
        assert.equal(ofType(resources, HPA).length, 0);
        assert.deepEqual(one(resources, SCALED_OBJECT).inputs, {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { name: "edge", namespace: "gw", labels: LABELS },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "edge" },
                minReplicaCount: 3,
                maxReplicaCount: 9,
                pollingInterval: 15,
                triggers: [
                    { type: "cpu", metricType: "Utilization", metadata: { value: "70" } },
                    { type: "memory", metricType: "Utilization", metadata: { value: "80" } },
                    { type: "prometheus", metadata: { serverAddress: rps.serverAddress, query: rps.query, threshold: "200" } },
                ],
            },
        });
        assert.equal("replicas" in (one(resources, DEPLOYMENT).inputs.spec as object), false, "KEDA's autoscaler owns spec.replicas");
        const plain = await build(minimal({ autoscaling: { maxReplicas: 4, keda: {} } }));
        assert.deepEqual((one(plain.resources, SCALED_OBJECT).inputs.spec as { triggers: unknown[] }).triggers.length, 2);
    });

    it("needs a memory request when resources are given, and keeps the KEDA trigger's values valid", () => {
        assert.deepEqual(problems(minimal({ autoscaling: { maxReplicas: 4 }, resources: { requests: { cpu: "1" } } })), [
            "gateway.resources.requests.memory: required with autoscaling: memory utilisation is measured against the memory request",
            'gateway.resources.requests: memory not set; start production at cpu "2", memory "2Gi"',
            'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        ]);
        assert.deepEqual(problems(minimal({ autoscaling: { maxReplicas: 4, keda: { requestsPerSecond: { ...rps, threshold: 0 } } } })), [
            "gateway.autoscaling.keda.requestsPerSecond.threshold: got 0 (number); must be greater than 0",
        ]);
        assert.deepEqual(problems(minimal({ autoscaling: { maxReplicas: 4, targetMemoryUtilizationPercentage: 101 } })), [
            "gateway.autoscaling.targetMemoryUtilizationPercentage: got 101 (number); must be at most 100",
        ]);
    });

    it("the policy pack reads a ScaledObject's floor as the autoscaler KEDA makes of it", () => {
        assert.deepEqual(scaledObjectAsAutoscaler({ spec: { scaleTargetRef: { name: "edge" }, minReplicaCount: 3 } }), {
            spec: { scaleTargetRef: { kind: "Deployment", name: "edge" }, minReplicas: 3 },
        });
        assert.deepEqual(scaledObjectAsAutoscaler({ spec: { scaleTargetRef: { name: "edge" } } }).spec?.minReplicas, 0);
        assert.equal(SCALED_OBJECT_TYPE, SCALED_OBJECT);
        const deployment = {
            metadata: { name: "edge", namespace: "gw" },
            spec: {
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: {
                    metadata: { labels: SELECTOR },
                    spec: {
                        containers: [
                            {
                                image: "mcr.microsoft.com/azure-api-management/gateway:2.13.2",
                                resources: { requests: { cpu: "2", memory: "2Gi" } },
                                volumeMounts: [{ mountPath: "/apim/config" }],
                            },
                        ],
                    },
                },
            },
        };
        const floor = (min: number) =>
            findingsFor(DEPLOYMENT, deployment, new Date(CLOCK), [
                scaledObjectAsAutoscaler({ spec: { scaleTargetRef: { name: "edge" }, minReplicaCount: min } }),
            ]).map((f) => f.message);
        assert.deepEqual(floor(3), []);
        assert.deepEqual(floor(1), ["autoscaling.minReplicas: got 1; production needs at least 2 (3 recommended)"]);
    });
});

describe("guidance: typed settings of the settings reference", () => {
    it("writes each setting only when its option is set, with the reference's names and formats", async () => {
        const { resources } = await build(
            minimal({
                apim: { ...minimal().apim, configurationTimeoutSeconds: 185 },
                service: { honorForwardedProto: true },
                tls: { certificateRevocationValidation: true, backendProtocols: { tls13: true, tls12: false, tls11: false } },
                observability: { applicationInsights: { endpoint: "https://dc.applicationinsights.us/v2/track" } },
                instanceDiscovery: { rateLimitPort: 5290, heartbeatPort: 5291 },
            }),
        );
        assert.deepEqual(settingsOf(resources), {
            ...PORTAL_SETTINGS,
            "config.service.integration.timeout": "00:03:05",
            "net.server.http.forwarded.proto.enabled": "true",
            "security.certificate-revocation.validation.enabled": "true",
            "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls13": "true",
            "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls12": "false",
            "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11": "false",
            "logs.applicationinsights.endpoint": "https://dc.applicationinsights.us/v2/track",
            "policy.rate-limit.sync.port": "5290",
            "neighborhood.heartbeat.port": "5291",
        });
        const defaults = await build(minimal());
        assert.deepEqual(settingsOf(defaults.resources), PORTAL_SETTINGS);
    });

    it("moves the container ports, the discovery Service and the NetworkPolicy with the discovery ports", async () => {
        const { resources } = await build(
            minimal({ instanceDiscovery: { rateLimitPort: 5290, heartbeatPort: 5291 }, networkPolicy: { enabled: true } }),
        );
        assert.deepEqual(podOf(resources).containers[0].ports, [
            { name: "http", containerPort: 8080, protocol: "TCP" },
            { name: "https", containerPort: 8081, protocol: "TCP" },
            { name: "rate-limit-dc", containerPort: 5290, protocol: "UDP" },
            { name: "dc-heartbeat", containerPort: 5291, protocol: "UDP" },
        ]);
        assert.deepEqual(
            (one(resources, "kubernetes:core/v1:Service", "edge-instance-discovery").inputs.spec as { ports: unknown }).ports,
            [
                { name: "rate-limit-discovery", port: 5290, targetPort: "rate-limit-dc", protocol: "UDP" },
                { name: "discovery-heartbeat", port: 5291, targetPort: "dc-heartbeat", protocol: "UDP" },
            ],
        );
        const ingress = (one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as { ingress: { ports: unknown }[] })
            .ingress;
        assert.deepEqual(ingress[1].ports, [
            { protocol: "UDP", port: 5290 },
            { protocol: "UDP", port: 5291 },
        ]);
    });

    it("refuses the port settings and the other typed keys in additionalSettings, naming the option", () => {
        assert.deepEqual(
            problems(
                minimal({
                    additionalSettings: {
                        "policy.rate-limit.sync.port": 5290,
                        "Neighborhood.Heartbeat.Port": 5291,
                        "logs.applicationinsights.endpoint": "https://x",
                        "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10": false,
                    },
                }),
            ),
            [
                'gateway.additionalSettings["policy.rate-limit.sync.port"]: shadows the typed option gateway.instanceDiscovery.rateLimitPort; set that instead',
                'gateway.additionalSettings["Neighborhood.Heartbeat.Port"]: shadows the typed option gateway.instanceDiscovery.heartbeatPort; set that instead',
                'gateway.additionalSettings["logs.applicationinsights.endpoint"]: shadows the typed option gateway.observability.applicationInsights.endpoint; set that instead',
                'gateway.additionalSettings["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10"]: shadows the typed option gateway.tls.backendProtocols.tls10; set that instead',
            ],
        );
    });

    it("refuses ports that collide, TLS 1.2 and 1.3 both off, and (in prod) the old backend protocols", () => {
        assert.deepEqual(problems(minimal({ instanceDiscovery: { rateLimitPort: 8080, heartbeatPort: 8080 } })), [
            "gateway.instanceDiscovery.heartbeatPort: must differ from the rate-limit port (both 8080)",
            "gateway.instanceDiscovery.rateLimitPort: 8080 is the gateway's HTTP port; use another",
            "gateway.instanceDiscovery.heartbeatPort: 8080 is the gateway's HTTP port; use another",
        ]);
        assert.deepEqual(problems(minimal({ instanceDiscovery: { heartbeatPort: 4290 } })), [
            "gateway.instanceDiscovery.heartbeatPort: must differ from the rate-limit port (both 4290)",
        ]);
        assert.deepEqual(problems(minimal({ tls: { backendProtocols: { tls12: false, tls13: false } } })), [
            "gateway.tls.backendProtocols: TLS 1.2 and 1.3 are both off, so the gateway could reach no TLS backend; keep at least one on",
        ]);
        assert.deepEqual(problems(minimal({ tls: { backendProtocols: { tls11: true, ssl30: true } } })), [
            "gateway.tls.backendProtocols.tls11: is true; production speaks TLS 1.2 or later to backends, not TLS 1.1 (remove it, or set it to false)",
            "gateway.tls.backendProtocols.ssl30: is true; production speaks TLS 1.2 or later to backends, not SSL 3.0 (remove it, or set it to false)",
            'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        ]);
        const dev = validateArgs(minimal({ environment: "dev", tls: { backendProtocols: { tls10: true } } }), "gateway");
        assert.deepEqual(dev.ok ? dev.warnings : dev.problems, [
            "gateway.tls.backendProtocols.tls10: is true; production speaks TLS 1.2 or later to backends, not TLS 1.0 (remove it, or set it to false)",
        ]);
        // The policy pack reads the same rule off a ConfigMap, whatever the key's case (and flags a spelling that is not
        // the settings reference's).
        assert.deepEqual(
            settingsFindings({ "microsoft.windowsazure.apimanagement.gateway.security.backend.protocols.tls11": "True" }).map((f) => f.key),
            [
                "tls.backendProtocols.tls11",
                'additionalSettings["microsoft.windowsazure.apimanagement.gateway.security.backend.protocols.tls11"]',
            ],
        );
        assert.deepEqual(problems(minimal({ apim: { ...minimal().apim, configurationTimeoutSeconds: 0 } })), [
            "gateway.apim.configurationTimeoutSeconds: got 0 (number); must be at least 1",
        ]);
    });
});

describe("guidance: extension points", () => {
    const everything: Partial<SelfHostedGatewayArgs> = {
        extraEnv: [
            { name: "SSL_CERT_DIR", value: "/etc/ssl/certs:/etc/trust-bundle" },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "MEMORY_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: 1 } } },
        ],
        extraVolumes: [
            { name: "trust-bundle", configMap: { name: "corp-trust-bundle" } },
            { name: "logs", emptyDir: { sizeLimit: "256Mi" } },
        ],
        extraVolumeMounts: [{ name: "trust-bundle", mountPath: "/etc/trust-bundle", readOnly: true }],
        initContainers: [{ name: "warm-up", image: "busybox:1.36", command: ["true"] }],
        sidecars: [
            {
                name: "log-shipper",
                image: "fluent/fluent-bit:3.2",
                resources: { requests: { cpu: "50m", memory: 64 } },
                volumeMounts: [{ name: "logs", mountPath: "/var/log/apim", readOnly: true }],
                securityContext: { runAsUser: 2000, capabilities: { add: ["NET_BIND_SERVICE"] } },
            },
        ],
    };

    it("puts each into the pod, the extra containers with the restricted level's defaults", async () => {
        const { resources } = await build(minimal(everything));
        const pod = podOf(resources);
        const env = pod.containers[0].env as { name: string }[];
        // After the component's own (the token from its Secret).
        assert.deepEqual(
            env.map((e) => e.name),
            ["config.service.auth", "SSL_CERT_DIR", "POD_NAME", "MEMORY_LIMIT"],
        );
        assert.deepEqual(env.slice(1), [
            { name: "SSL_CERT_DIR", value: "/etc/ssl/certs:/etc/trust-bundle" },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "MEMORY_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1" } } },
        ]);
        assert.deepEqual(
            (pod.volumes as { name: string }[]).map((v) => v.name),
            ["config-backup", "trust-bundle", "logs"],
        );
        assert.deepEqual((pod.volumes as unknown[]).slice(1), everything.extraVolumes);
        assert.deepEqual(pod.containers[0].volumeMounts, [
            { name: "config-backup", mountPath: "/apim/config" },
            { name: "trust-bundle", mountPath: "/etc/trust-bundle", readOnly: true },
        ]);
        assert.deepEqual(pod.initContainers, [
            {
                name: "warm-up",
                image: "busybox:1.36",
                command: ["true"],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
        ]);
        assert.deepEqual(pod.containers.slice(1), [
            {
                name: "log-shipper",
                image: "fluent/fluent-bit:3.2",
                resources: { requests: { cpu: "50m", memory: "64" } },
                volumeMounts: [{ name: "logs", mountPath: "/var/log/apim", readOnly: true }],
                securityContext: {
                    allowPrivilegeEscalation: false,
                    runAsUser: 2000,
                    capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
                },
            },
        ]);
        assert.deepEqual(problems(minimal({ ...everything, namespace: { name: "gw", podSecurityLevel: "restricted" } })), []);
    });

    it("refuses names and paths that collide with each other or with the component's, one line each", () => {
        assert.deepEqual(
            problems(
                minimal({
                    additionalSettings: { "net.client.http.backend": "DotNetty" },
                    extraEnv: [
                        { name: "config.service.endpoint", value: "x" },
                        { name: "HTTP_PROXY", value: "http://p:3128" },
                        { name: "config.service.auth", value: "x" },
                        { name: "NET.CLIENT.HTTP.BACKEND", value: "DotNetty" },
                        { name: "A", value: "1", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                        { name: "B", valueFrom: { fieldRef: { fieldPath: "x" }, configMapKeyRef: { name: "c", key: "k" } } },
                        { name: "A", value: "2" },
                    ],
                    extraVolumes: [
                        { name: "config-backup", emptyDir: {} },
                        { name: "two", emptyDir: {}, secret: { secretName: "s" } },
                        { name: "two", configMap: { name: "c" } },
                    ],
                    extraVolumeMounts: [
                        { name: "missing", mountPath: "/x" },
                        { name: "two", mountPath: "/apim/config/sub" },
                        { name: "two", mountPath: "/x" },
                    ],
                    sidecars: [{ name: "gateway", image: "x" }],
                    initContainers: [{ name: "init", image: "x", volumeMounts: [{ name: "nope", mountPath: "/y" }] }],
                }),
            ),
            [
                // Not a setting of the reference: refused on its own, and still named where an env var would hide it.
                `gateway.additionalSettings["net.client.http.backend"]: is not a setting of the self-hosted gateway; additionalSettings takes only the settings of Microsoft's settings reference, spelled as it spells them (docs/configuration.md), never other environment variables of the container`,
                'gateway.extraEnv[0].name: "config.service.endpoint" is the gateway setting of gateway.apim.configurationEndpoint; set that instead',
                'gateway.extraEnv[1].name: "HTTP_PROXY" is the gateway setting of gateway.proxy.http; set that instead',
                'gateway.extraEnv[2].name: "config.service.auth" is the gateway setting of gateway.auth.type; set that instead',
                'gateway.extraEnv[3].name: "NET.CLIENT.HTTP.BACKEND" is also in gateway.additionalSettings (an environment variable would hide it); set it in one place',
                "gateway.extraEnv[4]: set exactly one of value and valueFrom",
                "gateway.extraEnv[5].valueFrom: set exactly one of secretKeyRef, configMapKeyRef, fieldRef and resourceFieldRef",
                'gateway.extraEnv[6].name: got "A" twice; each variable must be unique',
                'gateway.extraVolumes[0].name: "config-backup" is a volume of the component; use another name',
                "gateway.extraVolumes[1]: set exactly one of configMap, secret, emptyDir, persistentVolumeClaim, csi, hostPath",
                'gateway.extraVolumes[2].name: got "two" twice; each volume must be unique',
                'gateway.extraVolumeMounts[0].name: "missing" is not in gateway.extraVolumes; name one of config-backup, two, two',
                'gateway.extraVolumeMounts[1].mountPath: "/apim/config/sub" is inside /apim/config, which the component mounts; use another path',
                'gateway.extraVolumeMounts[2].mountPath: got "/x" twice; each mount path must be unique',
                'gateway.initContainers[0].volumeMounts[0].name: "nope" is not in gateway.extraVolumes; name one of config-backup, two, two',
                'gateway.sidecars[0].name: "gateway" is the gateway\'s own container; use another name',
            ],
        );
    });

    it("refuses what the namespace's Pod Security level forbids, naming the fix", () => {
        const risky: Partial<SelfHostedGatewayArgs> = {
            extraVolumes: [{ name: "node-logs", hostPath: { path: "/var/log" } }],
            sidecars: [
                {
                    name: "shipper",
                    image: "x",
                    ports: [{ containerPort: 24224, hostPort: 24224 }],
                    securityContext: {
                        privileged: true,
                        allowPrivilegeEscalation: true,
                        runAsUser: 0,
                        runAsNonRoot: false,
                        capabilities: { add: ["SYS_ADMIN", "CHOWN"], drop: ["NET_RAW"] },
                        seccompProfile: { type: "Unconfined" },
                    },
                },
            ],
        };
        const level = (podSecurityLevel: "restricted" | "baseline" | "privileged") =>
            problems(minimal({ ...risky, environment: "dev", namespace: { name: "gw", podSecurityLevel } }));
        const baseline = [
            'gateway.extraVolumes[0].hostPath: a node directory; the "baseline" Pod Security level (gateway.namespace.podSecurityLevel) forbids it. Use a configMap, secret, emptyDir, csi or persistentVolumeClaim volume',
            'gateway.sidecars[0].securityContext.privileged: is true; the "baseline" Pod Security level (gateway.namespace.podSecurityLevel) forbids it. Remove it',
            'gateway.sidecars[0].ports[0].hostPort: opens a node port; the "baseline" Pod Security level (gateway.namespace.podSecurityLevel) forbids it. Remove it (use a Service)',
            'gateway.sidecars[0].securityContext.capabilities.add: SYS_ADMIN; the "baseline" Pod Security level (gateway.namespace.podSecurityLevel) forbids it. Add only the baseline capabilities',
            'gateway.sidecars[0].securityContext.seccompProfile.type: is Unconfined; the "baseline" Pod Security level (gateway.namespace.podSecurityLevel) forbids it. Use RuntimeDefault',
        ];
        assert.deepEqual(level("baseline"), baseline);
        const why = 'the "restricted" Pod Security level (gateway.namespace.podSecurityLevel) forbids it';
        assert.deepEqual(level("restricted"), [
            ...baseline.slice(0, 3).map((l) => l.replace('"baseline"', '"restricted"')),
            `gateway.sidecars[0].securityContext.capabilities.add: SYS_ADMIN, CHOWN; ${why}. Add only NET_BIND_SERVICE`,
            baseline[4].replace('"baseline"', '"restricted"'),
            `gateway.sidecars[0].securityContext.allowPrivilegeEscalation: is true; ${why}. Remove it`,
            `gateway.sidecars[0].securityContext.runAsNonRoot: is false; ${why}. Remove it`,
            `gateway.sidecars[0].securityContext.runAsUser: is 0 (root); ${why}. Use a non-zero user id`,
            `gateway.sidecars[0].securityContext.capabilities.drop: must include ALL; ${why} otherwise. Add ALL`,
        ]);
        assert.deepEqual(level("privileged"), []);
    });
});

describe("guidance: the options in the plugin's schema (Python and the other languages)", () => {
    it("derives a named type for each, from the same zod schema that validates them", () => {
        const schema = packageSchema("0.0.0");
        const t = (name: string) => schema.types[`apim-gateway:index:${name}`];
        assert.deepEqual(t("AutoscalingKeda"), {
            type: "object",
            properties: {
                pollingInterval: { type: "integer", plain: true },
                requestsPerSecond: { $ref: "#/types/apim-gateway:index:AutoscalingKedaRequestsPerSecond", plain: true },
            },
        });
        assert.deepEqual(t("Architecture"), {
            type: "string",
            enum: [
                { value: "amd64", name: "Amd64" },
                { value: "arm64", name: "Arm64" },
            ],
        });
        assert.deepEqual(Object.keys((t("AuthAzureAdAppCertificate") as { properties: object }).properties), [
            "existingSecret",
            "keyVault",
        ]);
        assert.deepEqual(Object.keys((t("InstanceDiscovery") as { properties: object }).properties), ["rateLimitPort", "heartbeatPort"]);
        const inputs = schema.resources["apim-gateway:index:SelfHostedGateway"].inputProperties;
        assert.deepEqual(
            ["architecture", "instanceDiscovery", "extraEnv", "extraVolumes", "extraVolumeMounts", "initContainers", "sidecars"].map(
                (k) => inputs[k]?.$ref ?? inputs[k]?.items?.$ref,
            ),
            [
                "#/types/apim-gateway:index:Architecture",
                "#/types/apim-gateway:index:InstanceDiscovery",
                "#/types/apim-gateway:index:ExtraEnv",
                "#/types/apim-gateway:index:ExtraVolume",
                "#/types/apim-gateway:index:ExtraVolumeMount",
                "#/types/apim-gateway:index:InitContainer",
                "#/types/apim-gateway:index:Sidecar",
            ],
        );
    });
});
