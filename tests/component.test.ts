// The SelfHostedGateway component used directly, as another project would import it.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "../components";
import { minimal } from "./edge";
import {
    buildComponent,
    capturingLogs,
    constructionError,
    FAKE_TOKEN_MARKER,
    logs,
    one,
    ofType,
    promiseOf,
    Registered,
    reset,
} from "./harness";
import { CLOCK, SECRET_SIG } from "./expected";
import { DEFAULT_IMAGE_TAG } from "../components/args";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

/** An explicit azure-native provider, as another project would pass one. */
class AzureNativeProvider extends pulumi.ProviderResource {
    constructor(name: string) {
        super("azure-native", name, {});
    }
}

type PodSpec = {
    dnsPolicy: string;
    dnsConfig?: unknown;
    volumes?: unknown;
    containers: { image: string; resources: unknown; volumeMounts?: unknown; envFrom: { configMapRef: { name: string } }[] }[];
};
type DeploymentInputs = {
    spec: { replicas: number; strategy: unknown; template: { metadata: { annotations: Record<string, string> }; spec: PodSpec } };
};
const deploymentOf = (rs: Registered[]) => one(rs, DEPLOYMENT).inputs as unknown as DeploymentInputs;
const podOf = (rs: Registered[]) => deploymentOf(rs).spec.template.spec;

async function build(args: SelfHostedGatewayArgs, name = "edge", config: Record<string, unknown> = {}) {
    return buildComponent(
        () => {
            const gw = new SelfHostedGateway(name, args);
            return { gw, a: gw.deploymentName, b: gw.serviceName, c: gw.discoveryServiceName, d: gw.namespaceName, e: gw.gateway.id };
        },
        CLOCK,
        config,
    );
}

describe("SelfHostedGateway component", () => {
    it("applies the guide's production defaults", async () => {
        const { resources } = await build(minimal());
        const dep = deploymentOf(resources);
        assert.equal(dep.spec.replicas, 2);
        assert.deepEqual(dep.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } });
        const pod = dep.spec.template.spec;
        assert.equal(pod.dnsPolicy, "ClusterFirst");
        assert.equal(pod.containers[0].image, `mcr.microsoft.com/azure-api-management/gateway:${DEFAULT_IMAGE_TAG}`);
        assert.deepEqual(pod.containers[0].resources, { requests: { cpu: "2", memory: "2Gi" } });
        assert.deepEqual(pod.volumes, [{ name: "config-backup", persistentVolumeClaim: { claimName: "edge-config-backup-6af1e5f2" } }]);
        assert.deepEqual(one(resources, PVC).inputs.spec, { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "50Mi" } } });
        assert.deepEqual(
            one(resources, SERVICE, "edge-live-traffic").inputs.spec as { type: string; externalTrafficPolicy: string; ports: unknown },
            {
                type: "LoadBalancer",
                externalTrafficPolicy: "Local",
                selector: { "app.kubernetes.io/name": "azure-api-management-gateway", "app.kubernetes.io/instance": "edge" },
                ports: [
                    { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
                    { name: "https", port: 443, targetPort: "https", protocol: "TCP" },
                ],
            },
        );
        assert.deepEqual(one(resources, "azure-native:apimanagement:Gateway").inputs, {
            gatewayId: "edge",
            locationData: { name: "aks-weu" },
            resourceGroupName: "rg-apim",
            serviceName: "contoso-apim",
        });
        const token = one(resources, "apim-gateway:index:GatewayToken").inputs;
        assert.equal(token.keyType, "primary");
        assert.equal(token.expiry, "2026-12-22T23:45:00Z");
        assert.equal(token.armEndpoint, "https://management.azure.com");
        assert.equal(
            (one(resources, "kubernetes:core/v1:ConfigMap").inputs.data as Record<string, string>)["config.service.endpoint"],
            "contoso-apim.configuration.azure-api.net",
        );
    });

    it("names every child from the component name and parents it to the component", async () => {
        const { built, resources } = await build(minimal(), "edge-weu");
        assert.deepEqual(resources.map((r) => r.name).sort(), [
            "edge-weu",
            "edge-weu-config-backup",
            "edge-weu-deployment",
            "edge-weu-env",
            "edge-weu-gateway",
            "edge-weu-instance-discovery",
            "edge-weu-live-traffic",
            "edge-weu-namespace",
            "edge-weu-pdb",
            "edge-weu-token",
            "edge-weu-token-provider",
            "edge-weu-token-secret",
        ]);
        const urn = await promiseOf(built.gw.deployment.urn);
        assert.equal(
            urn,
            "urn:pulumi:test::apim-gateway::apim-gateway:index:SelfHostedGateway$kubernetes:apps/v1:Deployment::edge-weu-deployment",
        );
    });

    it("marks the token secret, and exposes only non-secret outputs", async () => {
        // The engine applies additionalSecretOutputs (mocks do not), so check the option itself.
        const seen: Record<string, string[] | undefined> = {};
        const { built, resources } = await buildComponent(() => {
            const gw = new SelfHostedGateway("edge", minimal(), {
                transformations: [
                    (a) => {
                        seen[a.name] = (a.opts as pulumi.CustomResourceOptions).additionalSecretOutputs;
                        return undefined;
                    },
                ],
            });
            return { gw, a: gw.deploymentName };
        }, CLOCK);
        assert.deepEqual(seen["edge-token"], ["value"]);
        const secretData = one(resources, "kubernetes:core/v1:Secret").inputs.stringData as Record<string, unknown>;
        assert.equal(secretData[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270");
        for (const out of [built.gw.tokenExpiry, built.gw.tokenRotatesAfter, built.gw.namespaceName, built.gw.configurationEndpoint]) {
            assert.equal(await pulumi.isSecret(out), false);
            assert.equal(String(await promiseOf(out)).includes(FAKE_TOKEN_MARKER), false);
        }
        assert.equal(await promiseOf(built.gw.tokenExpiry), "2026-12-22T23:45:00Z");
        assert.equal(await promiseOf(built.gw.tokenRotatesAfter), "2026-11-30T00:00:00Z");
    });

    it("deploys into an existing namespace without creating one", async () => {
        const args = { ...minimal(), namespace: { name: "shared", create: false } };
        const { built, resources } = await build(args);
        assert.equal(ofType(resources, "kubernetes:core/v1:Namespace").length, 0);
        assert.equal(await promiseOf(built.gw.namespaceName), "shared");
        assert.equal((one(resources, DEPLOYMENT).inputs.metadata as { namespace: string }).namespace, "shared");
    });

    it("mounts an existing claim, or no volume when the backup is off", async () => {
        const existing = await build({ ...minimal(), configBackup: { existingClaimName: "gw-backup" } });
        assert.equal(ofType(existing.resources, PVC).length, 0);
        assert.deepEqual(podOf(existing.resources).volumes, [{ name: "config-backup", persistentVolumeClaim: { claimName: "gw-backup" } }]);
        assert.deepEqual(podOf(existing.resources).containers[0].volumeMounts, [{ name: "config-backup", mountPath: "/apim/config" }]);

        const off = await build({ ...minimal(), environment: "dev", configBackup: { enabled: false } });
        assert.equal(ofType(off.resources, PVC).length, 0);
        assert.equal(podOf(off.resources).volumes, undefined);
        assert.equal(podOf(off.resources).containers[0].volumeMounts, undefined);
    });

    it("takes service, DNS, image and token options", async () => {
        const { resources } = await build({
            ...minimal(),
            environment: "dev",
            replicas: 4,
            rollingUpdate: { maxUnavailable: "10%", maxSurge: 2 },
            image: { repository: "myacr.azurecr.io/apim/gateway", tag: "2.11.1", digest: `sha256:${"a".repeat(64)}` },
            resources: { requests: { cpu: 1, memory: "1Gi" }, limits: { cpu: "1500m", memory: "1Gi" } },
            service: {
                type: "LoadBalancer",
                externalTrafficPolicy: "Cluster",
                annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
                loadBalancerIP: "10.1.2.3",
                httpPort: 8080,
                httpsPort: 8443,
            },
            dnsPolicy: "None",
            dnsConfig: { nameservers: ["10.0.0.10"], searches: ["corp.contoso.com"], options: [{ name: "ndots", value: "2" }] },
            token: { keyType: "secondary", lifetimeDays: 14, rotateEveryDays: 3 },
        });
        const dep = deploymentOf(resources);
        assert.equal(dep.spec.replicas, 4);
        assert.deepEqual(dep.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%", maxSurge: 2 } });
        const pod = dep.spec.template.spec;
        assert.equal(pod.containers[0].image, `myacr.azurecr.io/apim/gateway:2.11.1@sha256:${"a".repeat(64)}`);
        assert.deepEqual(pod.containers[0].resources, { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1500m", memory: "1Gi" } });
        assert.equal(pod.dnsPolicy, "None");
        assert.deepEqual(pod.dnsConfig, {
            nameservers: ["10.0.0.10"],
            searches: ["corp.contoso.com"],
            options: [{ name: "ndots", value: "2" }],
        });
        const svc = one(resources, SERVICE, "edge-live-traffic").inputs as {
            metadata: { annotations: unknown };
            spec: Record<string, unknown>;
        };
        assert.deepEqual(svc.metadata.annotations, { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" });
        assert.equal(svc.spec.externalTrafficPolicy, "Cluster");
        assert.equal(svc.spec.loadBalancerIP, "10.1.2.3");
        assert.deepEqual(svc.spec.ports, [
            { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
            { name: "https", port: 8443, targetPort: "https", protocol: "TCP" },
        ]);
        // 3-day windows from Monday 1970-01-05: 2026-11-23 (day 20776) falls in [2026-11-22, 2026-11-25);
        // expiry = start + 14 days - 15 minutes.
        const token = one(resources, "apim-gateway:index:GatewayToken").inputs;
        assert.equal(token.keyType, "secondary");
        assert.equal(token.expiry, "2026-12-05T23:45:00Z");
        assert.deepEqual(dep.spec.template.metadata.annotations, {
            "apim-gateway/token-expiry": "2026-12-05T23:45:00Z",
            "apim-gateway/token-key": "secondary",
        });
    });

    it("warns when a ReadWriteOnce backup volume could stall a rollout, and not when the rollout replaces the pod", async () => {
        const rwo = (rollingUpdate: SelfHostedGatewayArgs["rollingUpdate"]) => ({
            ...minimal(),
            environment: "dev" as const,
            replicas: 1,
            rollingUpdate,
            configBackup: { accessMode: "ReadWriteOnce" as const },
        });
        reset();
        await capturingLogs(() => build(rwo(undefined)));
        assert.deepEqual(logs, [
            'warning: [runtime] args.configBackup.accessMode is ReadWriteOnce: a rollout (maxSurge "25%") can put a pod on another node, where it ' +
                "cannot mount the volume and the rollout stalls; use ReadWriteMany (e.g. storage class azurefile-csi), or with one replica " +
                "set rollingUpdate maxUnavailable: 1, maxSurge: 0. Changing accessMode or storageClassName gives a new, empty claim " +
                "(the backup only caches the configuration): the pods move to it and the old claim is deleted after them",
            "warning: [runtime] dev environment, production rule relaxed: args.replicas: got 1; production needs at least 2 (3 recommended)",
        ]);
        reset();
        await capturingLogs(() => build(rwo({ maxUnavailable: 1, maxSurge: 0 })));
        assert.deepEqual(logs, [
            "warning: [runtime] dev environment, production rule relaxed: args.replicas: got 1; production needs at least 2 (3 recommended)",
        ]);
    });

    it("names the backup claim after its immutable settings: the same settings keep the name, a change gives a new claim first", async () => {
        const claimOf = async (configBackup: SelfHostedGatewayArgs["configBackup"]) => {
            const { resources } = await build({ ...minimal(), configBackup });
            const pvc = one(resources, PVC).inputs as { metadata: { name: string } };
            assert.deepEqual(podOf(resources).volumes, [
                { name: "config-backup", persistentVolumeClaim: { claimName: pvc.metadata.name } },
            ]);
            return pvc.metadata.name;
        };
        assert.equal(await claimOf(undefined), "edge-config-backup-6af1e5f2");
        assert.equal(await claimOf({ accessMode: "ReadWriteMany" }), "edge-config-backup-6af1e5f2");
        // The size grows in place: same claim.
        assert.equal(await claimOf({ size: "1Gi" }), "edge-config-backup-6af1e5f2");
        assert.equal(await claimOf({ accessMode: "ReadWriteOnce" }), "edge-config-backup-8e107dd4");
        assert.equal(await claimOf({ storageClassName: "azurefile-csi" }), "edge-config-backup-4efb0764");
        assert.equal(await claimOf({ storageClassName: "azurefile-csi-premium" }), "edge-config-backup-2d61f5dd");
        // A storage class known only later (an Output) names the claim once known.
        assert.equal(await claimOf({ storageClassName: pulumi.output("azurefile-csi") }), "edge-config-backup-4efb0764");
    });

    it("keeps no old ReplicaSets (their auto-named ConfigMap and Secret are gone), and auto-names the disruption budget", async () => {
        const { resources } = await build({ ...minimal(), replicas: 2 });
        assert.equal((one(resources, DEPLOYMENT).inputs.spec as { revisionHistoryLimit: number }).revisionHistoryLimit, 0);
        const pdb = one(resources, "kubernetes:policy/v1:PodDisruptionBudget").inputs as { metadata: Record<string, unknown> };
        assert.equal("name" in pdb.metadata, false, "no metadata.name: the provider names it and creates a replacement first");
    });

    it("warns that generateToken cannot use an explicit azure-native provider", async () => {
        reset();
        await capturingLogs(() =>
            buildComponent(() => {
                const azure = new AzureNativeProvider("other-subscription");
                return { d: new SelfHostedGateway("edge", minimal(), { providers: [azure] }).deploymentName };
            }, CLOCK),
        );
        assert.deepEqual(logs, [
            "warning: [runtime] an explicit azure-native provider creates the gateway, but generateToken signs in as the default identity " +
                "(azure-native stack config, then ARM_* variables, then the Azure CLI login) in the cloud of azure-native:environment or " +
                'args.token.armEndpoint; make sure that identity can reach this gateway, or use args.auth.type "existingSecret" or "workloadIdentity"',
        ]);
    });

    it("leaves externalTrafficPolicy off a ClusterIP service", async () => {
        const { resources } = await build({ ...minimal(), service: { type: "ClusterIP" } });
        const spec = one(resources, SERVICE, "edge-live-traffic").inputs.spec as Record<string, unknown>;
        assert.equal(spec.type, "ClusterIP");
        assert.equal("externalTrafficPolicy" in spec, false);
    });

    it("uses a custom configuration endpoint, and a new ConfigMap name rolls the pods", async () => {
        const before = await build(minimal());
        const after = await build({ ...minimal(), apim: { ...minimal().apim, configurationEndpoint: "apim.configuration.contoso.com" } });
        const cm = one(after.resources, "kubernetes:core/v1:ConfigMap").inputs as {
            metadata: Record<string, unknown>;
            data: Record<string, string>;
        };
        assert.equal(cm.data["config.service.endpoint"], "apim.configuration.contoso.com");
        assert.equal("name" in cm.metadata, false, "the ConfigMap is auto-named");
        const refBefore = podOf(before.resources).containers[0].envFrom[0].configMapRef.name;
        const refAfter = podOf(after.resources).containers[0].envFrom[0].configMapRef.name;
        assert.match(refBefore, /^edge-env-[0-9a-f]{8}$/);
        assert.match(refAfter, /^edge-env-[0-9a-f]{8}$/);
        assert.notEqual(refAfter, refBefore);
    });

    it("follows the azure-native provider's cloud, or an explicit ARM endpoint", async () => {
        const gov = await build(minimal(), "edge", { "azure-native:environment": "usgovernment" });
        assert.equal(one(gov.resources, "apim-gateway:index:GatewayToken").inputs.armEndpoint, "https://management.usgovcloudapi.net");
        const china = await build(minimal(), "edge", { "azure-native:environment": "china" });
        assert.equal(one(china.resources, "apim-gateway:index:GatewayToken").inputs.armEndpoint, "https://management.chinacloudapi.cn");
        const explicit = await build({ ...minimal(), token: { armEndpoint: "https://management.example.sovereign" } });
        assert.equal(one(explicit.resources, "apim-gateway:index:GatewayToken").inputs.armEndpoint, "https://management.example.sovereign");
    });

    it("rejects bad arguments with one ResourceError naming every key, schema and cross-field problems in one round", async () => {
        const bad = {
            ...minimal(),
            replicas: 0,
            namespace: { name: "default", podSecurityLevel: "restricted" as const },
            rollingUpdate: { maxUnavailable: 0, maxSurge: 0 },
        };
        const { error, resources } = await constructionError(() => new SelfHostedGateway("Edge", bad));
        assert.ok(error instanceof pulumi.ResourceError, "a ResourceError");
        assert.deepEqual(
            resources.map((r) => r.type),
            ["apim-gateway:index:SelfHostedGateway"],
        );
        assert.equal(
            error.message,
            'SelfHostedGateway "Edge": invalid arguments (4 problems):\n' +
                "  - name: got \"Edge\"; it prefixes Kubernetes object names, so it must be a DNS-1123 label of at most 44 characters (lower-case letters, digits, '-')\n" +
                "  - args.replicas: got 0 (number); must be at least 1\n" +
                '  - args.rollingUpdate: maxUnavailable and maxSurge are both 0; a rollout could never make progress. Set maxSurge to 1 or "25%"\n' +
                '  - args.namespace.name: got "default"; use a dedicated namespace, or set args.namespace.create: false to deploy into "default" on purpose',
        );
    });

    it("reports cross-field problems and the production rules on keys not already reported", async () => {
        const { error } = await constructionError(
            () =>
                new SelfHostedGateway("edge", {
                    ...minimal(),
                    namespace: { name: "default", podSecurityLevel: "restricted" },
                    rollingUpdate: { maxUnavailable: 0, maxSurge: "0%" },
                    dnsPolicy: "None",
                }),
        );
        assert.equal(
            error?.message,
            'SelfHostedGateway "edge": invalid arguments (3 problems):\n' +
                '  - args.rollingUpdate: maxUnavailable and maxSurge are both 0; a rollout could never make progress. Set maxSurge to 1 or "25%"\n' +
                '  - args.namespace.name: got "default"; use a dedicated namespace, or set args.namespace.create: false to deploy into "default" on purpose\n' +
                '  - args.dnsConfig.nameservers: required when args.dnsPolicy is "None"; list 1 to 3 name server IPs',
        );
    });
});
