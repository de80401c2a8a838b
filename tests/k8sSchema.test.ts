// Every Kubernetes object the program registers validates against the Kubernetes OpenAPI schema
// (kubernetes-models bundles the upstream JSON schemas and validates with ajv).
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "../components";
import { CLOCK, TEST_CA_PEM } from "./expected";
import { buildComponent, importEsm, Registered, runProgram, stackConfig, unwrapSecrets } from "./harness";

interface Model {
    validate(): void;
}
type ModelClass = new (data: unknown) => Model;

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [undefined, apiVersion];
    const mod = await importEsm<Record<string, ModelClass>>(`kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`);
    return mod[kind];
}

async function validateAll(resources: Registered[]): Promise<string[]> {
    const checked: string[] = [];
    for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) {
        const obj = unwrapSecrets(r.inputs) as { apiVersion: string; kind: string };
        const Model = await modelFor(obj.apiVersion, obj.kind);
        try {
            new Model(obj).validate();
        } catch (e) {
            assert.fail(`${r.type} ${r.name} does not validate: ${(e as Error).message}`);
        }
        checked.push(`${obj.kind}/${r.name}`);
    }
    return checked.sort();
}

describe("Kubernetes OpenAPI schema", () => {
    it("the schema check catches a wrong type (it can fail)", async () => {
        const Deployment = await modelFor("apps/v1", "Deployment");
        assert.throws(
            () =>
                new Deployment({
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    spec: { replicas: "3", selector: {}, template: {} },
                }).validate(),
            /replicas must be integer/,
        );
    });

    for (const stack of ["dev", "prod"]) {
        it(`validates every object of the ${stack} stack`, async () => {
            const run = await runProgram(stackConfig(stack), CLOCK, stack);
            const gw = `apim-gw-${stack}`;
            assert.deepEqual(await validateAll(run.resources), [
                `ConfigMap/${gw}-env`,
                `Deployment/${gw}-deployment`,
                `Namespace/${gw}-namespace`,
                `PersistentVolumeClaim/${gw}-config-backup`,
                // High availability is on in prod (3 replicas), off in dev (1 replica).
                ...(stack === "prod" ? [`PodDisruptionBudget/${gw}-pdb`] : []),
                `Secret/${gw}-token-secret`,
                `Service/${gw}-instance-discovery`,
                `Service/${gw}-live-traffic`,
            ]);
        });
    }

    it("validates the objects built with every option set (token mode)", async () => {
        const { resources } = await buildComponent(() => ({ gw: new SelfHostedGateway("gw", everyOption()).deploymentName }), CLOCK);
        assert.deepEqual(
            await validateAll(resources),
            [...EVERY_OPTION_OBJECTS, "Secret/gw-token-secret", "ServiceAccount/gw-service-account"].sort(),
        );
    });

    it("validates the objects of the other auth modes: azureAdApp (secret, certificate), workload identity (provisioned), existing Secret", async () => {
        const base = everyOption();
        const modes: { args: SelfHostedGatewayArgs; kinds: string[] }[] = [
            {
                args: {
                    ...base,
                    auth: { type: "azureAdApp", azureAdApp: { tenantId: GUID_A, clientId: GUID_B, clientSecret: pulumi.secret("s3cr3t") } },
                },
                kinds: ["Secret/gw-azure-ad-secret", "ServiceAccount/gw-service-account"],
            },
            {
                args: {
                    ...base,
                    serviceAccount: undefined,
                    auth: {
                        type: "workloadIdentity",
                        workloadIdentity: { provision: { oidcIssuerUrl: "https://oidc.example/issuer/", location: "westeurope" } },
                    },
                },
                kinds: ["ServiceAccount/gw-service-account"],
            },
            {
                args: {
                    ...base,
                    auth: {
                        type: "azureAdApp",
                        azureAdApp: { tenantId: GUID_A, clientId: GUID_B, certificate: { existingSecret: { name: "app-cert" } } },
                    },
                },
                kinds: ["ServiceAccount/gw-service-account"],
            },
            {
                args: { ...base, auth: { type: "existingSecret", existingSecret: { name: "my-token" } } },
                kinds: ["ServiceAccount/gw-service-account"],
            },
        ];
        for (const m of modes) {
            const { token, ...rest } = m.args;
            void token;
            const { resources } = await buildComponent(() => ({ gw: new SelfHostedGateway("gw", rest).deploymentName }), CLOCK);
            assert.deepEqual(await validateAll(resources), [...EVERY_OPTION_OBJECTS, ...m.kinds].sort());
        }
    });
});

/** The objects `everyOption()` gives in every auth mode (each mode adds its own Secret/ServiceAccount). */
const EVERY_OPTION_OBJECTS = [
    "ConfigMap/gw-configuration-ca",
    "ConfigMap/gw-env",
    "Deployment/gw-deployment",
    "HorizontalPodAutoscaler/gw-hpa",
    "NetworkPolicy/gw-network-policy",
    "PodDisruptionBudget/gw-pdb",
    "Service/gw-instance-discovery",
    "Service/gw-live-traffic",
];

const GUID_A = "11111111-1111-4111-8111-111111111111";
const GUID_B = "22222222-2222-4222-8222-222222222222";

/** Every option that shapes a Kubernetes object, set to a non-default value. */
function everyOption(): SelfHostedGatewayArgs {
    return {
        environment: "dev",
        apim: {
            resourceGroupName: "rg",
            serviceName: "svc",
            gatewayName: "gw",
            location: { name: "x" },
            configurationEndpoint: "cfg.contoso.com",
            configurationTimeoutSeconds: 150,
        },
        namespace: { name: "gw", create: false },
        replicas: 5,
        rollingUpdate: { maxUnavailable: 1, maxSurge: "50%" },
        image: { tag: "2.13.2", digest: `sha256:${"b".repeat(64)}`, pullPolicy: "Always", pullSecrets: ["acr-pull"] },
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
        service: {
            type: "LoadBalancer",
            externalTrafficPolicy: "Cluster",
            annotations: { a: "b" },
            httpPort: 81,
            httpsPort: 444,
            allocateLoadBalancerNodePorts: false,
            honorForwardedProto: true,
        },
        configBackup: { existingClaimName: "backup" },
        dnsPolicy: "None",
        dnsConfig: { nameservers: ["1.1.1.1"], options: [{ name: "ndots", value: "1" }] },
        highAvailability: { maxUnavailable: "20%", topologySpread: { whenUnsatisfiable: "DoNotSchedule" }, antiAffinity: "required" },
        autoscaling: { minReplicas: 5, maxReplicas: 10, targetCpuUtilizationPercentage: 60, targetMemoryUtilizationPercentage: 70 },
        architecture: "arm64",
        probes: {
            readiness: { periodSeconds: 3, successThreshold: 2 },
            liveness: { initialDelaySeconds: 5 },
            startup: { failureThreshold: 30 },
        },
        podSecurity: { fsGroupChangePolicy: "OnRootMismatch" },
        terminationGracePeriodSeconds: 90,
        nodeSelector: { "kubernetes.io/os": "linux" },
        tolerations: [{ key: "dedicated", operator: "Equal", value: "gateway", effect: "NoSchedule" }],
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "agentpool", operator: "In", values: ["gateway"] }] }],
                },
            },
        },
        priorityClassName: "system-cluster-critical",
        hostAliases: [{ ip: "10.0.0.4", hostnames: ["cfg.contoso.com"] }],
        commonLabels: { team: "platform" },
        commonAnnotations: { "contoso.com/owner": "platform" },
        podAnnotations: { "prometheus.io/scrape": "false" },
        serviceAccount: { create: true, annotations: { "contoso.com/purpose": "gateway" } },
        networkPolicy: {
            enabled: true,
            ingressFrom: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress" } } },
                { ipBlock: { cidr: "10.0.0.0/8" } },
            ],
        },
        proxy: { http: "http://proxy.corp:3128", https: "http://proxy.corp:3128", bypass: ["localhost", ".svc.cluster.local"] },
        tls: {
            serverCipherSuites: ["TLS_AES_256_GCM_SHA384"],
            clientCipherSuites: ["TLS_AES_128_GCM_SHA256"],
            certificateRevocationValidation: true,
            backendProtocols: { tls13: true, tls12: true },
        },
        instanceDiscovery: { rateLimitPort: 5290, heartbeatPort: 5291 },
        extraEnv: [
            { name: "SSL_CERT_DIR", value: "/etc/trust-bundle" },
            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
            { name: "CPU_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1m" } } },
            { name: "SHIPPER_TOKEN", valueFrom: { secretKeyRef: { name: "shipper", key: "token", optional: true } } },
        ],
        extraVolumes: [
            { name: "trust-bundle", configMap: { name: "corp-trust", items: [{ key: "bundle.pem", path: "bundle.pem", mode: 0o444 }] } },
            { name: "logs", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
            { name: "extra-secret", secret: { secretName: "extra", defaultMode: 0o400 } },
            { name: "scratch", persistentVolumeClaim: { claimName: "scratch", readOnly: true } },
            { name: "vault", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "x" } } },
        ],
        extraVolumeMounts: [{ name: "trust-bundle", mountPath: "/etc/trust-bundle", readOnly: true }],
        initContainers: [{ name: "warm-up", image: "busybox:1.36", command: ["sh", "-c"], args: ["true"], workingDir: "/tmp" }],
        sidecars: [
            {
                name: "shipper",
                image: "fluent/fluent-bit:3.2",
                imagePullPolicy: "IfNotPresent",
                env: [{ name: "LEVEL", value: "info" }],
                ports: [{ name: "metrics", containerPort: 2020, protocol: "TCP" }],
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                volumeMounts: [{ name: "logs", mountPath: "/var/log/apim" }],
                securityContext: {
                    runAsUser: 2000,
                    runAsGroup: 2000,
                    readOnlyRootFilesystem: true,
                    seccompProfile: { type: "RuntimeDefault" },
                },
            },
        ],
        configurationTrust: { caCertificates: [TEST_CA_PEM] },
        observability: {
            logs: {
                std: { format: "json", level: "warn", color: false },
                local: { type: "rfc5424", endpoint: "127.0.0.1:514", facility: 7 },
            },
            metrics: { azureMonitor: false, statsd: { endpoint: "10.0.41.179:8125", sampling: 0.5, tagFormat: "dogStatsD" } },
            openTelemetry: { collectorUri: "http://otel-collector:4317", systemMetrics: true, histogramBuckets: [5, 10, 25] },
            applicationInsights: { endpoint: "https://dc.applicationinsights.us/v2/track" },
        },
        apis: [{ apiId: "echo-api" }],
        hostnames: [{ id: "api", hostname: "api.contoso.com" }],
        certificateAuthorities: [{ certificateId: "contoso-root" }],
    };
}
