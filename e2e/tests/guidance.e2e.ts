// Every option of Microsoft's current guidance on at once, rendered by the real engine and provider
// (renderYamlTo), and the objects accepted by the real apiserver (kubectl apply --dry-run=server) with KEDA's and
// the Secrets Store CSI driver's CRDs installed: the ScaledObject and the SecretProviderClass are validated against
// their published schemas, and the pods against the namespace's restricted Pod Security level.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { inline } from "../harness/pulumi";
import { wall } from "../harness/report";
import { PROJECT, repoStack } from "../harness/stacks";
import { e2e } from "./setup";

type Obj = { apiVersion: string; kind: string; metadata: { name?: string }; spec?: Record<string, unknown> };

describe("the current guidance's options, on the real engine and apiserver", function () {
    it("a render with every new option on: the apiserver accepts every object, the restricted level warns of none", async () => {
        const env = e2e();
        const [gw, ns, stack] = ["apim-gw-guidance", "apim-gateway-guidance", "guidance"];
        const out = fs.mkdtempSync(path.join(env.dir, "guidance-rendered-"));
        const dir = repoStack(
            env,
            "prod",
            (g) => {
                g.apim.gatewayName = gw;
                g.apim.configurationTimeoutSeconds = 180;
                (g.namespace as Record<string, unknown>).name = ns;
                delete g.token;
                g.auth = {
                    type: "azureAdApp",
                    azureAdApp: {
                        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
                        clientId: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                        certificate: {
                            keyVault: {
                                vaultName: "kv-apim-gateway",
                                certificateName: "gateway-client",
                                identityClientId: "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b",
                            },
                        },
                    },
                };
                g.architecture = "arm64";
                g.autoscaling = {
                    minReplicas: 3,
                    maxReplicas: 10,
                    targetCpuUtilizationPercentage: 65,
                    targetMemoryUtilizationPercentage: 75,
                    keda: {
                        pollingInterval: 15,
                        requestsPerSecond: {
                            serverAddress: "http://prometheus-server.monitoring.svc:9090",
                            query: 'sum(rate(apim_requests_total{job="apim-gateway"}[1m]))',
                            threshold: 200,
                        },
                    },
                };
                g.service = { ...(g.service as Record<string, unknown>), honorForwardedProto: true };
                g.tls = { certificateRevocationValidation: true, backendProtocols: { tls13: true, tls12: true, tls11: false } };
                g.observability = { applicationInsights: { endpoint: "https://dc.applicationinsights.azure.cn/v2/track" } };
                g.instanceDiscovery = { rateLimitPort: 5290, heartbeatPort: 5291 };
                g.networkPolicy = { enabled: true };
                g.extraEnv = [
                    { name: "SSL_CERT_DIR", value: "/etc/ssl/certs:/etc/trust-bundle" },
                    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    { name: "SHIPPER_TOKEN", valueFrom: { secretKeyRef: { name: "log-shipper", key: "token", optional: true } } },
                ];
                g.extraVolumes = [
                    { name: "trust-bundle", configMap: { name: "corp-trust-bundle", optional: true } },
                    { name: "shipped-logs", emptyDir: { sizeLimit: "256Mi" } },
                ];
                g.extraVolumeMounts = [
                    { name: "trust-bundle", mountPath: "/etc/trust-bundle", readOnly: true },
                    { name: "shipped-logs", mountPath: "/var/log/apim" },
                ];
                g.initContainers = [
                    {
                        name: "wait-for-proxy",
                        image: "busybox:1.36",
                        command: ["sh", "-c", "true"],
                        resources: { requests: { cpu: "10m" } },
                    },
                ];
                g.sidecars = [
                    {
                        name: "log-shipper",
                        image: "fluent/fluent-bit:3.2",
                        volumeMounts: [{ name: "shipped-logs", mountPath: "/var/log/apim", readOnly: true }],
                        resources: { requests: { cpu: "50m", memory: "64Mi" } },
                    },
                ];
            },
            { [`${PROJECT}:renderYamlTo`]: out },
            stack,
        );
        const up = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir });
        wall("guidance: render", up.ms);
        assert.equal(up.result.ok, true, up.result.error);

        const files = fs
            .readdirSync(out, { recursive: true })
            .map(String)
            .filter((f) => f.endsWith(".yaml"))
            .map((f) => path.join(out, f))
            .sort();
        const objects = files.flatMap((f) => parseAllDocuments(fs.readFileSync(f, "utf8")).map((d) => d.toJS() as Obj));
        const kinds = objects.map((o) => o.kind).sort();
        assert.deepEqual(
            kinds.filter((k) => ["ScaledObject", "SecretProviderClass", "HorizontalPodAutoscaler"].includes(k)),
            ["ScaledObject", "SecretProviderClass"],
            "KEDA owns the autoscaler: no HorizontalPodAutoscaler of the component's own",
        );
        const discovery = objects.find((o) => o.kind === "Service" && o.metadata.name === `${gw}-instance-discovery`)!;
        assert.deepEqual(
            (discovery.spec!.ports as { port: number }[]).map((p) => p.port),
            [5290, 5291],
        );
        const policy = objects.find((o) => o.kind === "NetworkPolicy")!;
        assert.deepEqual((policy.spec!.ingress as { ports: { port: unknown }[] }[])[1].ports, [
            { protocol: "UDP", port: 5290 },
            { protocol: "UDP", port: 5291 },
        ]);

        // Namespaced objects need their namespace to exist for a server-side dry run: create it for real first.
        const kubectl = (args: string[]) =>
            spawnSync("kubectl", args, { env: { ...process.env, ...env.vars }, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
        const nsFile = files.find((f) => /namespace/i.test(path.basename(f)))!;
        const created = kubectl(["apply", "-f", nsFile]);
        assert.equal(created.status, 0, created.stderr);
        const t0 = Date.now();
        const applied = kubectl(["apply", "--dry-run=server", "-R", "-f", out]);
        wall("guidance: kubectl apply --dry-run=server", Date.now() - t0);
        assert.equal(applied.status, 0, applied.stderr);
        const lines = applied.stdout.trim().split("\n");
        assert.equal(lines.length, objects.length, applied.stdout);
        assert.equal(
            lines.every((l) => / (created|configured|unchanged) \(server dry run\)$/.test(l)),
            true,
            applied.stdout,
        );
        assert.match(applied.stdout, /^scaledobject\.keda\.sh\/apim-gw-guidance created \(server dry run\)$/m);
        assert.match(applied.stdout, /^secretproviderclass\.secrets-store\.csi\.x-k8s\.io\/\S+ created \(server dry run\)$/m);
        assert.doesNotMatch(applied.stderr, /PodSecurity/, applied.stderr);

        kubectl(["delete", "namespace", ns, "--wait=false"]);
        const destroy = await inline(env, { op: "destroy", stack, project: PROJECT, workDir: dir });
        assert.equal(destroy.result.ok, true, destroy.result.error);
    });
});
