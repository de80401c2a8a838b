// The real stack program (index.ts) evaluated under Pulumi's mock runtime with the dev and prod
// stack files, at fixed clocks.
import { strict as assert } from "assert";
import {
    byUrnish,
    diffPaths,
    FAKE_CLIENT_SECRET,
    FAKE_TOKEN_MARKER,
    fakeToken,
    invokes,
    mockAutoName,
    one,
    Registered,
    programError,
    runProgram,
    stackConfig,
} from "./harness";
import * as X from "./expected";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const TOKEN = "apim-gateway:index:GatewayToken";
const SECRET = "kubernetes:core/v1:Secret";

/** `type::name` of every resource whose inputs contain the marker's bytes. */
function holdersOf(resources: Registered[], marker: string): string[] {
    return resources.filter((r) => JSON.stringify(inputsOf(r)).includes(marker)).map((r) => `${r.type}::${r.name}`);
}

/** Inputs without the serialized dynamic provider (19 KB of code). */
function inputsOf(r: Registered): Record<string, unknown> {
    const { __provider, ...rest } = r.inputs;
    void __provider;
    return rest;
}

describe("stack program: prod", () => {
    let run: Awaited<ReturnType<typeof runProgram>>;
    before(async () => {
        run = await runProgram(stackConfig("prod"), X.CLOCK, "prod");
    });

    it("registers exactly the expected resources, in order", () => {
        assert.deepEqual(
            run.resources.map((r) => `${r.type}::${r.name}`),
            [
                "apim-gateway:index:SelfHostedGateway::apim-gw-prod",
                "pulumi:providers:apim-gateway::apim-gw-prod-kubernetes-target-provider",
                "pulumi:providers:apim-gateway::apim-gw-prod-token-provider",
                "apim-gateway:index:KubernetesTarget::apim-gw-prod-kubernetes-target",
                "kubernetes:core/v1:Namespace::apim-gw-prod-namespace",
                "kubernetes:core/v1:ConfigMap::apim-gw-prod-env",
                "kubernetes:core/v1:PersistentVolumeClaim::apim-gw-prod-config-backup",
                "kubernetes:core/v1:Service::apim-gw-prod-instance-discovery",
                "kubernetes:core/v1:Service::apim-gw-prod-live-traffic",
                "kubernetes:policy/v1:PodDisruptionBudget::apim-gw-prod-pdb",
                "azure-native:apimanagement:Gateway::apim-gw-prod-gateway",
                `${TOKEN}::apim-gw-prod-token`,
                `${SECRET}::apim-gw-prod-token-secret`,
                `${DEPLOYMENT}::apim-gw-prod-deployment`,
            ],
        );
        assert.deepEqual(invokes, []);
    });

    it("declares the gateway in the existing APIM instance", () => {
        assert.deepEqual(inputsOf(one(run.resources, "azure-native:apimanagement:Gateway")), X.PROD_GATEWAY);
    });

    it("asks for a token whose expiry is the window start plus the lifetime", () => {
        assert.deepEqual(inputsOf(one(run.resources, TOKEN)), X.PROD_TOKEN_INPUTS);
    });

    it("declares the namespace, ConfigMap, PVC and both Services exactly", () => {
        assert.deepEqual(one(run.resources, "kubernetes:core/v1:Namespace").inputs, X.PROD_NAMESPACE);
        assert.deepEqual(one(run.resources, "kubernetes:core/v1:ConfigMap").inputs, X.PROD_CONFIGMAP);
        assert.deepEqual(one(run.resources, "kubernetes:core/v1:PersistentVolumeClaim").inputs, X.PROD_PVC);
        assert.deepEqual(one(run.resources, "kubernetes:core/v1:Service", "apim-gw-prod-live-traffic").inputs, X.PROD_LIVE_TRAFFIC);
        assert.deepEqual(one(run.resources, "kubernetes:core/v1:Service", "apim-gw-prod-instance-discovery").inputs, X.PROD_DISCOVERY);
    });

    it("declares the Deployment exactly: 3 replicas, explicit rolling update, 2 CPU / 2Gi, pinned tag, backup, zone/node spread", () => {
        assert.deepEqual(one(run.resources, DEPLOYMENT).inputs, X.PROD_DEPLOYMENT);
    });

    it("declares the PodDisruptionBudget exactly: one pod at a time", () => {
        assert.deepEqual(one(run.resources, "kubernetes:policy/v1:PodDisruptionBudget").inputs, X.PROD_PDB);
    });

    it("writes `GatewayKey <token>` into an Opaque Secret, marked secret", () => {
        const secret = one(run.resources, SECRET).inputs;
        // Auto-named (no metadata.name): the Deployment refers to the generated name.
        assert.equal(X.PROD_TOKEN_SECRET_NAME, mockAutoName("apim-gw-prod-token-secret", secret.stringData));
        assert.deepEqual(secret, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { labels: X.PROD_LABELS, namespace: "apim-gateway" },
            stringData: {
                [X.SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
                value: { value: `GatewayKey ${fakeToken("apim-gw-prod", X.CLOCK_EXPIRY)}` },
            },
            type: "Opaque",
        });
    });

    it("exports the outputs, none of them secret or holding the token", () => {
        assert.deepEqual(run.outputs, {
            gatewayId: X.PROD_GATEWAY_ID,
            authType: "token",
            namespaceName: "apim-gateway",
            configurationEndpoint: "contoso-apim.configuration.azure-api.net",
            tokenExpiry: X.CLOCK_EXPIRY,
            tokenRotatesAfter: "2026-11-30T00:00:00Z",
            tokenKeyType: "primary",
            deploymentName: "apim-gw-prod",
            serviceName: "apim-gw-prod-live-traffic",
            discoveryServiceName: "apim-gw-prod-instance-discovery",
            workloadIdentityClientId: undefined,
            loadBalancerAddress: undefined,
            kubernetesTarget: "cluster",
        });
        assert.deepEqual(run.secretOutputs, []);
    });

    it("puts the token's bytes only inside the Secret", () => {
        assert.deepEqual(holdersOf(run.resources, FAKE_TOKEN_MARKER), [`${SECRET}::apim-gw-prod-token-secret`]);
        assert.equal(JSON.stringify(run.outputs).includes(FAKE_TOKEN_MARKER), false);
    });

    it("stops, showing neither the value nor a resource, when a client secret is configured in token mode", async () => {
        const message = await programError(
            { ...stackConfig("prod"), "apim-gateway:azureAdClientSecret": FAKE_CLIENT_SECRET },
            X.CLOCK,
            "prod",
        );
        assert.equal(message.includes(FAKE_CLIENT_SECRET), false, "the error must not echo the secret");
        assert.match(message, /azureAdClientSecret: is set but gateway\.auth\.type is "token", not "azureAdApp"/);
    });

    it("gives identical inputs everywhere for two evaluations inside one rotation window", async () => {
        const again = await runProgram(stackConfig("prod"), X.SAME_WINDOW_CLOCK, "prod");
        assert.deepEqual(diffPaths(byUrnish(run.resources), byUrnish(again.resources)), []);
        assert.deepEqual(again.outputs, run.outputs);
    });

    it("in the next window changes only the token's expiry, the Secret and the pod annotation", async () => {
        const next = await runProgram(stackConfig("prod"), X.NEXT_WINDOW_CLOCK, "prod");
        assert.deepEqual(diffPaths(byUrnish(run.resources), byUrnish(next.resources)), [
            `${TOKEN}::apim-gw-prod-token.expiry`,
            `${TOKEN}::apim-gw-prod-token.rotationNotice.rotatesAfter`,
            `${DEPLOYMENT}::apim-gw-prod-deployment.spec.template.metadata.annotations.apim-gateway/token-expiry`,
            // The token Secret is auto-named, so a new token is a new Secret the pods move to.
            `${DEPLOYMENT}::apim-gw-prod-deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name`,
            `${SECRET}::apim-gw-prod-token-secret.stringData.value.value`,
        ]);
        assert.equal(inputsOf(one(next.resources, TOKEN)).expiry, "2026-12-29T23:45:00Z");
        const strategy = (one(next.resources, DEPLOYMENT).inputs.spec as { strategy: unknown }).strategy;
        assert.deepEqual(strategy, { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" });
        assert.deepEqual(diffPaths(run.outputs, next.outputs), ["tokenExpiry", "tokenRotatesAfter"]);
        assert.equal(next.outputs.tokenRotatesAfter, "2026-12-07T00:00:00Z");
    });
});

describe("stack program: token lifecycle messages", () => {
    // The lines themselves come from the token's provider, which sees the stored token in its check
    // (tests/tokenProvider.test.ts, "rotation notice"); the program only tells it what kind of run this is.
    const prod = () => stackConfig("prod");
    const noticeOf = (run: Awaited<ReturnType<typeof runProgram>>) => inputsOf(one(run.resources, TOKEN)).rotationNotice;

    it("tells the token whether the run is a preview and when the next token is due, and logs nothing itself", async () => {
        const preview = await runProgram(prod(), X.NEXT_WINDOW_CLOCK, "prod", { preview: true });
        assert.deepEqual(noticeOf(preview), { preview: true, rotatesAfter: "2026-12-07T00:00:00Z" });
        assert.deepEqual(preview.logs, []);
        const update = await runProgram(prod(), X.NEXT_WINDOW_CLOCK, "prod");
        assert.deepEqual(noticeOf(update), { preview: false, rotatesAfter: "2026-12-07T00:00:00Z" });
        assert.deepEqual(update.logs, []);
    });

    it("reads no state of its own: no reference to its own stack", async () => {
        const run = await runProgram(prod(), X.NEXT_WINDOW_CLOCK, "prod", { preview: true });
        assert.deepEqual(
            run.resources.filter((r) => r.type === "pulumi:pulumi:StackReference"),
            [],
        );
    });

    it("can be switched off", async () => {
        const off = await runProgram({ ...prod(), "apim-gateway:rotationNotice": false }, X.NEXT_WINDOW_CLOCK, "prod", { preview: true });
        assert.equal(noticeOf(off), undefined);
        assert.deepEqual(off.logs, []);
    });
});

describe("stack program: key alternation", () => {
    it("alternates the key between windows; a rotation changes only the token, Secret and pod annotations", async () => {
        const cfg = stackConfig("prod") as Record<string, { token: Record<string, unknown> }>;
        cfg["apim-gateway:gateway"].token.alternateKeys = true;
        const a = await runProgram(cfg, X.CLOCK, "prod");
        const b = await runProgram(cfg, X.NEXT_WINDOW_CLOCK, "prod");
        // 2026-11-23 starts window 2968 (even): the configured key; the next window (odd) uses the other key.
        assert.equal(a.outputs.tokenKeyType, "primary");
        assert.equal(b.outputs.tokenKeyType, "secondary");
        assert.deepEqual(diffPaths(byUrnish(a.resources), byUrnish(b.resources)), [
            `${TOKEN}::apim-gw-prod-token.expiry`,
            `${TOKEN}::apim-gw-prod-token.keyType`,
            `${TOKEN}::apim-gw-prod-token.rotationNotice.rotatesAfter`,
            `${DEPLOYMENT}::apim-gw-prod-deployment.spec.template.metadata.annotations.apim-gateway/token-expiry`,
            `${DEPLOYMENT}::apim-gw-prod-deployment.spec.template.metadata.annotations.apim-gateway/token-key`,
            `${DEPLOYMENT}::apim-gw-prod-deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name`,
            `${SECRET}::apim-gw-prod-token-secret.stringData.value.value`,
        ]);
        const strategy = (one(b.resources, DEPLOYMENT).inputs.spec as { strategy: unknown }).strategy;
        assert.deepEqual(strategy, { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" });
    });
});

describe("stack program: dev", () => {
    let dev: Awaited<ReturnType<typeof runProgram>>;
    let prod: Awaited<ReturnType<typeof runProgram>>;
    before(async () => {
        dev = await runProgram(stackConfig("dev"), X.CLOCK, "dev");
        prod = await runProgram(stackConfig("prod"), X.CLOCK, "prod");
    });

    it("is small and cheap: 1 replica, small requests, rolling tag, no limits; it still rolls without losing its pod", () => {
        const spec = one(dev.resources, DEPLOYMENT).inputs.spec as {
            replicas: number;
            template: { spec: { containers: { image: string; resources: unknown }[] } };
        };
        assert.equal(spec.replicas, 1);
        assert.equal(spec.template.spec.containers[0].image, "mcr.microsoft.com/azure-api-management/gateway:v2");
        assert.deepEqual(spec.template.spec.containers[0].resources, { requests: { cpu: "250m", memory: "512Mi" } });
        assert.deepEqual(one(dev.resources, "kubernetes:core/v1:PersistentVolumeClaim").inputs.spec, {
            accessModes: ["ReadWriteMany"],
            storageClassName: "azurefile-csi",
            resources: { requests: { storage: "50Mi" } },
        });
        const strategy = (one(dev.resources, DEPLOYMENT).inputs.spec as { strategy: unknown }).strategy;
        assert.deepEqual(strategy, { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" });
    });

    it("differs from prod only where the stack files differ", () => {
        const rename = (s: string) =>
            s
                .replace(/apim-gw-prod/g, "apim-gw-dev")
                .replace(/prod-cluster|production cluster/g, (m) => (m === "prod-cluster" ? "dev-cluster" : "dev cluster"));
        const prodAsDev = JSON.parse(
            rename(JSON.stringify(byUrnish(prod.resources)))
                .replace(/"namespace":"apim-gateway"/g, '"namespace":"apim-gateway-dev"')
                .replace(/"name":"apim-gateway"/g, '"name":"apim-gateway-dev"'),
        );
        const changed = diffPaths(prodAsDev, byUrnish(dev.resources)).filter((p) => !p.includes("__provider"));
        assert.deepEqual(changed, [
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.replicas`,
            // The token Secret's and the ConfigMap's data differ (dev token, dev discovery Service), so their generated names do.
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name`,
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.template.spec.containers[0].envFrom[0].configMapRef.name`,
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.template.spec.containers[0].image`,
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.template.spec.containers[0].resources.limits`,
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.template.spec.containers[0].resources.requests.cpu`,
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.template.spec.containers[0].resources.requests.memory`,
            // One replica in dev: no high availability (no spread, no disruption budget).
            `${DEPLOYMENT}::apim-gw-dev-deployment.spec.template.spec.topologySpreadConstraints`,
            `${SECRET}::apim-gw-dev-token-secret.stringData.value.value`,
            "kubernetes:policy/v1:PodDisruptionBudget::apim-gw-dev-pdb",
        ]);
    });
});

describe("stack program: bad config", () => {
    const failure = (gateway: unknown) => programError(gateway === undefined ? {} : { "apim-gateway:gateway": gateway }, X.CLOCK, "bad");
    const base = () => JSON.parse(JSON.stringify((stackConfig("prod") as Record<string, unknown>)["apim-gateway:gateway"]));

    it("names the missing key and where to set it", async () => {
        assert.equal(
            await failure(undefined),
            "Stack config 'apim-gateway:gateway' of stack 'bad' is invalid (1 problem):\n" +
                "  - gateway: required; set it in Pulumi.bad.yaml (copy Pulumi.dev.yaml as a start)\n" +
                "Fix it in Pulumi.bad.yaml (see docs/configuration.md).",
        );
    });

    it("reports every problem of one config together, each with its full key path, and registers nothing", async () => {
        const g = base();
        g.replicas = "3";
        g.rollingUpdate.maxSurge = "2 Gi";
        g.resources.requests.memory = "2 Gi";
        g.token.lifetimeDays = 45;
        g.service.tpye = "LoadBalancer";
        const msg = await failure(g);
        assert.equal(
            msg,
            "Stack config 'apim-gateway:gateway' of stack 'bad' is invalid (5 problems):\n" +
                "  - gateway.token.lifetimeDays: got 45 (number); must be at most 30\n" +
                '  - gateway.replicas: got "3"; expected a whole number\n' +
                '  - gateway.rollingUpdate.maxSurge: got "2 Gi"; expected a whole number ≥ 0 or a percentage such as "25%"\n' +
                '  - gateway.resources.requests.memory: got "2 Gi"; expected a Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi" (no spaces)\n' +
                "  - gateway.service.tpye: unknown key; allowed keys here: type, externalTrafficPolicy, annotations, loadBalancerIP, httpPort, httpsPort, allocateLoadBalancerNodePorts, honorForwardedProto\n" +
                "Fix it in Pulumi.bad.yaml (see docs/configuration.md).",
        );
        assert.equal(msg.includes("    at "), false, "no stack trace");
    });

    it("names the rotationNotice key when it is not a boolean", async () => {
        assert.equal(
            await programError({ ...stackConfig("prod"), "apim-gateway:rotationNotice": "sometimes" }, X.CLOCK, "bad"),
            "Stack config 'apim-gateway:rotationNotice' of stack 'bad' is invalid (1 problem):\n" +
                '  - rotationNotice: got "sometimes"; expected true or false\n' +
                "Fix it in Pulumi.bad.yaml (see docs/configuration.md).",
        );
    });

    it("rejects a gateway name that cannot name Kubernetes objects", async () => {
        const g = base();
        g.apim.gatewayName = "Prod_Gateway";
        assert.match(
            await failure(g),
            /gateway\.apim\.gatewayName: got "Prod_Gateway"; it prefixes Kubernetes object names, so it must be a DNS-1123 label of at most 44 characters/,
        );
    });

    it("rejects a rotation interval not shorter than the lifetime", async () => {
        const g = base();
        g.token = { lifetimeDays: 7, rotateEveryDays: 7 };
        assert.match(
            await failure(g),
            /gateway\.token\.rotateEveryDays: got 7; it must be less than gateway\.token\.lifetimeDays \(7\), or a token expires before the next one is issued/,
        );
    });
});

describe("stack program: Entra app (azureAdApp) with the client secret in its own secret key", () => {
    const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const APP = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    const gateway = (azureAdApp: Record<string, unknown> = { tenantId: TENANT, clientId: APP }) => {
        const g = JSON.parse(JSON.stringify((stackConfig("prod") as Record<string, unknown>)["apim-gateway:gateway"]));
        delete g.token;
        g.auth = { type: "azureAdApp", azureAdApp };
        return g;
    };
    const failure = (config: Record<string, unknown>) => programError(config, X.CLOCK, "prod");

    it("keeps the client secret only in the Kubernetes Secret, marked secret: not in outputs, other inputs or logs", async () => {
        const run = await runProgram(
            { "apim-gateway:gateway": gateway(), "apim-gateway:azureAdClientSecret": FAKE_CLIENT_SECRET },
            X.CLOCK,
            "prod",
            { preview: true },
        );
        assert.deepEqual(holdersOf(run.resources, FAKE_CLIENT_SECRET), [`${SECRET}::apim-gw-prod-azure-ad-secret`]);
        const stringData = one(run.resources, SECRET).inputs.stringData as Record<string, unknown>;
        assert.deepEqual(stringData, {
            [X.SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
            value: { "client-secret": FAKE_CLIENT_SECRET },
        });
        assert.deepEqual(holdersOf(run.resources, FAKE_TOKEN_MARKER), [], "no gateway token in this mode");
        assert.equal(
            run.resources.some((r) => r.type === TOKEN || r.type === "pulumi:pulumi:StackReference"),
            false,
        );
        assert.equal(JSON.stringify(run.outputs).includes(FAKE_CLIENT_SECRET), false);
        assert.equal(run.logs.join("\n").includes(FAKE_CLIENT_SECRET), false);
        assert.deepEqual(run.secretOutputs, []);
        assert.deepEqual(run.outputs, {
            gatewayId: X.PROD_GATEWAY_ID,
            authType: "azureAdApp",
            namespaceName: "apim-gateway",
            configurationEndpoint: "contoso-apim.configuration.azure-api.net",
            tokenExpiry: undefined,
            tokenRotatesAfter: undefined,
            tokenKeyType: undefined,
            deploymentName: "apim-gw-prod",
            serviceName: "apim-gw-prod-live-traffic",
            discoveryServiceName: "apim-gw-prod-instance-discovery",
            workloadIdentityClientId: undefined,
            loadBalancerAddress: undefined,
            kubernetesTarget: "cluster",
        });
    });

    it("refuses a client secret inside the plain `gateway` object, without echoing it", async () => {
        const msg = await failure({
            "apim-gateway:gateway": gateway({ tenantId: TENANT, clientId: APP, clientSecret: FAKE_CLIENT_SECRET }),
        });
        assert.equal(
            msg,
            "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (1 problem):\n" +
                "  - gateway.auth.azureAdApp.clientSecret: must not be in the plain 'gateway' object (stack config keeps it in clear text); " +
                "remove it and run: pulumi config set --secret apim-gateway:azureAdClientSecret <client-secret> --stack prod\n" +
                "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
        );
    });

    it("asks for the secret key when it is missing", async () => {
        const msg = await failure({ "apim-gateway:gateway": gateway() });
        assert.match(
            msg,
            /azureAdClientSecret: required when gateway\.auth\.type is "azureAdApp" \(unless gateway\.auth\.azureAdApp\.existingSecret names a Kubernetes Secret, or gateway\.auth\.azureAdApp\.certificate signs the app in\); run: pulumi config set --secret apim-gateway:azureAdClientSecret <client-secret> --stack prod/,
        );
    });

    it("refuses a blank secret key without quoting it, and still reports the other problems of the run", async () => {
        const msg = await failure({ "apim-gateway:gateway": gateway(), "apim-gateway:azureAdClientSecret": "  " });
        assert.equal(
            msg,
            "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (1 problem):\n" +
                "  - azureAdClientSecret: is empty; set the Entra app's client secret with: pulumi config set --secret apim-gateway:azureAdClientSecret <client-secret> --stack prod\n" +
                "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
        );
        const g = gateway();
        g.replicas = 0;
        assert.match(
            await failure({ "apim-gateway:gateway": g, "apim-gateway:azureAdClientSecret": "" }),
            /\(2 problems\):\n  - azureAdClientSecret: is empty;[^\n]*\n  - gateway\.replicas: got 0 \(number\); must be at least 1\n/,
        );
    });
});

describe("stack program: the expiry alerts' webhook URL in its own secret key", () => {
    const HOOK = "https://hooks.example/apim/token-expiry?code=SECRETCODE123456";
    const SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription";
    const gateway = (expiryAlerts: Record<string, unknown> = {}) => {
        const g = JSON.parse(JSON.stringify((stackConfig("prod") as Record<string, unknown>)["apim-gateway:gateway"]));
        g.token.expiryAlerts = { systemTopic: { name: "contoso-apim-events", location: "westeurope" }, ...expiryAlerts };
        return g;
    };
    const failure = (config: Record<string, unknown>) => programError(config, X.CLOCK, "prod");
    const set = "pulumi config set --secret apim-gateway:expiryAlertWebhookUrl <https-url> --stack prod";

    it("routes the events to the URL of the secret key, which only the subscription holds, as a secret", async () => {
        const run = await runProgram({ "apim-gateway:gateway": gateway(), "apim-gateway:expiryAlertWebhookUrl": HOOK }, X.CLOCK, "prod", {
            preview: true,
        });
        assert.deepEqual(holdersOf(run.resources, "SECRETCODE123456"), [`${SUBSCRIPTION}::apim-gw-prod-token-expiry-webhook`]);
        const destination = one(run.resources, SUBSCRIPTION).inputs.destination;
        assert.deepEqual(destination, {
            [X.SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
            value: { endpointType: "WebHook", endpointUrl: HOOK, minimumTlsVersionAllowed: "1.2" },
        });
        assert.equal(JSON.stringify(run.outputs).includes("hooks.example"), false);
        assert.equal(run.logs.join("\n").includes("hooks.example"), false);
    });

    it("refuses the URL in the plain `gateway` object with one line that shows none of it", async () => {
        for (const webhookUrl of [HOOK, "http://hooks.example/x?code=SECRETCODE123456", 42]) {
            assert.equal(
                await failure({ "apim-gateway:gateway": gateway({ webhookUrl }) }),
                "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (1 problem):\n" +
                    "  - gateway.token.expiryAlerts.webhookUrl: must not be in the plain 'gateway' object (stack config keeps it in clear text, " +
                    `and a webhook URL carries its key); remove it and run: ${set}\n` +
                    "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
                String(webhookUrl),
            );
        }
    });

    it("refuses a secret key that is not an https URL, or empty, or set without expiryAlerts, without showing it", async () => {
        for (const value of [
            "http://hooks.example/x?code=SECRETCODE123456",
            "https://user:SECRETCODE123456@hooks.example/x",
            "hooks.example",
        ]) {
            assert.equal(
                await failure({ "apim-gateway:gateway": gateway(), "apim-gateway:expiryAlertWebhookUrl": value }),
                "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (1 problem):\n" +
                    "  - expiryAlertWebhookUrl: must be an https:// URL without user:password@ (its value is not shown: it is a secret); " +
                    `set it again with: ${set}\n` +
                    "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
            );
        }
        assert.match(
            await failure({ "apim-gateway:gateway": gateway(), "apim-gateway:expiryAlertWebhookUrl": " " }),
            new RegExp(`\\(1 problem\\):\\n  - expiryAlertWebhookUrl: is empty; set the webhook URL with: ${set.replace(/[<>]/g, ".")}\\n`),
        );
        const noAlerts = (stackConfig("prod") as Record<string, unknown>)["apim-gateway:gateway"];
        assert.equal(
            await failure({ "apim-gateway:gateway": noAlerts, "apim-gateway:expiryAlertWebhookUrl": HOOK }),
            "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (1 problem):\n" +
                "  - expiryAlertWebhookUrl: is set but gateway.token.expiryAlerts is not; add gateway.token.expiryAlerts with its systemTopic " +
                "(docs/token-rotation.md), or remove it (pulumi config rm apim-gateway:expiryAlertWebhookUrl --stack prod)\n" +
                "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
        );
    });
});
