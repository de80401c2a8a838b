// The guide's production rules: the pure checks, the environment profile in the component and the
// stack program, and the CrossGuard policies run on resources built by the real component.
import { strict as assert } from "assert";
import type { StackValidationArgs } from "@pulumi/policy";
import { SelfHostedGateway, SelfHostedGatewayArgs, validateArgs } from "../components";
import { redactUrls } from "../components/redact";
import { DEFAULT_IMAGE_TAG } from "../components/args";
import {
    autoscalerFloor,
    deploymentFindings,
    DeploymentShape,
    hostnameFindings,
    isGatewayDeployment,
    isGatewayTrafficService,
    isPinned,
    namespaceFindings,
    parseImage,
    placeholderFindings,
    rotationSlackFindings,
    RULES,
    serviceFindings,
    settingsFindings,
    tokenFindings,
} from "../components/rules";
import { findingsFor, policies } from "../policy/policies";
import { CLOCK } from "./expected";
import {
    buildComponent,
    capturingLogs,
    constructionError,
    logs,
    programError,
    Registered,
    reset,
    runProgram,
    stackConfig,
    shippedStackConfig,
    unwrapSecrets,
} from "./harness";

function minimal(extra: Partial<SelfHostedGatewayArgs> = {}): SelfHostedGatewayArgs {
    return {
        apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } },
        namespace: { name: "gw", podSecurityLevel: "restricted" },
        ...extra,
    };
}

/** What the CrossGuard engine hands a stack validation. */
function stackArgs(resources: Registered[]): StackValidationArgs {
    const opts = {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    return {
        resources: resources.map((r) => ({
            type: r.type,
            props: unwrapSecrets(r.inputs) as Record<string, unknown>,
            urn: `urn:pulumi:test::apim-gateway::${r.type}::${r.name}`,
            name: r.name,
            opts,
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        })),
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
}

/** Runs every policy on the stack; returns `policy-name: message` lines. */
async function violations(resources: Registered[]): Promise<string[]> {
    const out: string[] = [];
    for (const p of policies) {
        await p.validateStack?.(stackArgs(resources), (message) => out.push(`${p.name}: ${message}`));
    }
    return out;
}

async function built(args: SelfHostedGatewayArgs): Promise<Registered[]> {
    return (await buildComponent(() => ({ d: new SelfHostedGateway("gw", args).deploymentName }), CLOCK)).resources;
}

describe("production rules (pure)", () => {
    it("parses image references and tells pinned tags from rolling ones", () => {
        assert.deepEqual(parseImage("mcr.microsoft.com/azure-api-management/gateway:2.11.1"), {
            repository: "mcr.microsoft.com/azure-api-management/gateway",
            tag: "2.11.1",
        });
        assert.deepEqual(parseImage("myacr:5000/gw@sha256:abc"), { repository: "myacr:5000/gw", digest: "sha256:abc" });
        assert.deepEqual(
            ["2.11.1", "v2.11.1", "2.11.1-preview", "latest", "v2", "v2-preview", "beta", "2"].map((tag) =>
                isPinned({ repository: "r", tag }),
            ),
            [true, true, true, false, false, false, false, false],
        );
        assert.equal(isPinned({ repository: "r" }), false);
        assert.equal(isPinned({ repository: "r", tag: "v2", digest: "sha256:abc" }), true);
    });

    it("finds every rule a portal-style Deployment breaks", () => {
        const portal = {
            metadata: { name: "gw" },
            spec: {
                replicas: 1,
                template: { spec: { containers: [{ name: "gw", image: "mcr.microsoft.com/azure-api-management/gateway:v2" }] } },
            },
        };
        assert.deepEqual(deploymentFindings(portal), [
            {
                rule: "dedicated-namespace",
                key: "namespace.name",
                message: 'namespace.name: got "default"; deploy the gateway into a dedicated namespace',
            },
            { rule: "min-replicas", key: "replicas", message: "replicas: got 1; production needs at least 2 (3 recommended)" },
            {
                rule: "explicit-rolling-update",
                key: "rollingUpdate",
                message: "rollingUpdate: got nothing; set strategy RollingUpdate with explicit maxUnavailable and maxSurge (e.g. 0 and 1)",
            },
            {
                rule: "resource-requests",
                key: "resources.requests",
                message: 'resources.requests: cpu and memory not set; start production at cpu "2", memory "2Gi"',
            },
            {
                rule: "pinned-image",
                key: "image.tag",
                message: `image.tag: got "v2"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
            },
            {
                rule: "config-backup",
                key: "configBackup.enabled",
                message: "configBackup.enabled: no volume mounted at /apim/config; enable the configuration backup",
            },
        ]);
    });

    it("checks the traffic Service and the token expiry", () => {
        assert.deepEqual(serviceFindings({ spec: { type: "LoadBalancer", externalTrafficPolicy: "Local" } }), []);
        assert.deepEqual(serviceFindings({ spec: { type: "ClusterIP" } }), []);
        assert.deepEqual(
            serviceFindings({ spec: { type: "NodePort" } }).map((f) => f.message),
            [
                'service.externalTrafficPolicy: got "Cluster"; use "Local" to keep the caller IP and avoid a second hop ' +
                    "(spread pods evenly across nodes: with Local, traffic is split per node, not per pod)",
            ],
        );
        const now = new Date("2026-11-23T00:00:00Z");
        assert.deepEqual(tokenFindings("2026-12-23T00:00:00Z", now), []);
        assert.deepEqual(
            tokenFindings("2026-12-23T00:00:01Z", now).map((f) => f.rule),
            ["token-lifetime"],
        );
        assert.deepEqual(
            tokenFindings(undefined, now).map((f) => f.rule),
            ["token-lifetime"],
        );
    });
});

describe("environment profile", () => {
    it("prod (the default) refuses a component that breaks the rules, listing every one, before any child exists", async () => {
        const { error, resources } = await constructionError(
            () => new SelfHostedGateway("gw", minimal({ replicas: 1, image: { tag: "latest" }, configBackup: { enabled: false } })),
        );
        assert.equal(
            error?.message,
            'SelfHostedGateway "gw": invalid arguments (4 problems):\n' +
                "  - args.replicas: got 1; production needs at least 2 (3 recommended)\n" +
                `  - args.image.tag: got "latest"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)\n` +
                "  - args.configBackup.enabled: no volume mounted at /apim/config; enable the configuration backup\n" +
                '  - args.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        );
        assert.deepEqual(
            resources.map((r) => r.type),
            ["apim-gateway:index:SelfHostedGateway"],
        );
    });

    it("dev relaxes each broken rule to exactly one warning line", async () => {
        reset();
        await capturingLogs(() => built(minimal({ environment: "dev", replicas: 1, image: { tag: "v2" } })));
        assert.deepEqual(logs, [
            "warning: [runtime] dev environment, production rule relaxed: args.replicas: got 1; production needs at least 2 (3 recommended)",
            `warning: [runtime] dev environment, production rule relaxed: args.image.tag: got "v2"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
        ]);
    });

    it("the dev stack says which rules it relaxes, naming keys gateway.* as its errors do; the prod stack says nothing", async () => {
        const dev = await runProgram(stackConfig("dev"), CLOCK, "dev");
        assert.deepEqual(dev.logs, [
            "warning: [runtime] dev environment, production rule relaxed: gateway.replicas: got 1; production needs at least 2 (3 recommended)",
            `warning: [runtime] dev environment, production rule relaxed: gateway.image.tag: got "v2"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
        ]);
        assert.deepEqual((await runProgram(stackConfig("prod"), CLOCK, "prod")).logs, []);
    });

    it("a prod stack config that breaks the rules fails with the config's key names and nothing registered", async () => {
        const cfg = stackConfig("prod") as Record<string, Record<string, unknown>>;
        const g = cfg["apim-gateway:gateway"];
        g.replicas = 1;
        g.service = { type: "LoadBalancer", externalTrafficPolicy: "Cluster" };
        assert.equal(
            await programError(cfg, CLOCK, "prod"),
            "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (3 problems):\n" +
                "  - gateway.replicas: got 1; production needs at least 2 (3 recommended)\n" +
                '  - gateway.service.externalTrafficPolicy: got "Cluster"; use "Local" to keep the caller IP and avoid a second hop ' +
                "(spread pods evenly across nodes: with Local, traffic is split per node, not per pod)\n" +
                '  - gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack\n' +
                "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
        );
    });
});

describe("one round of errors, one naming", () => {
    const prodCfg = () => {
        const cfg = stackConfig("prod") as Record<string, Record<string, unknown>>;
        cfg["apim-gateway:gateway"].replicas = "three";
        cfg["apim-gateway:gateway"].image = { tag: "latest" };
        return cfg;
    };

    it("the stack program reports a malformed replicas and a latest tag together, keys named gateway.*", async () => {
        assert.equal(
            await programError(prodCfg(), CLOCK, "prod"),
            "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (3 problems):\n" +
                '  - gateway.replicas: got "three"; expected a whole number\n' +
                `  - gateway.image.tag: got "latest"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)\n` +
                '  - gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack\n' +
                "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
        );
    });

    it("the stack program also reports a gateway name that cannot name Kubernetes objects in the same round", async () => {
        const cfg = prodCfg();
        (cfg["apim-gateway:gateway"].apim as Record<string, unknown>).gatewayName = "Edge_GW";
        assert.equal(
            await programError(cfg, CLOCK, "prod"),
            "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (4 problems):\n" +
                '  - gateway.replicas: got "three"; expected a whole number\n' +
                '  - gateway.apim.gatewayName: got "Edge_GW"; it prefixes Kubernetes object names, so it must be a DNS-1123 label of at ' +
                "most 44 characters (lower-case letters, digits, '-')\n" +
                `  - gateway.image.tag: got "latest"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)\n` +
                '  - gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack\n' +
                "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
        );
    });

    it("the component does the same, keys named args.*", async () => {
        const { error } = await constructionError(
            () =>
                new SelfHostedGateway(
                    "gw",
                    minimal({ replicas: "three", image: { tag: "latest" } } as unknown as Partial<SelfHostedGatewayArgs>),
                ),
        );
        assert.equal(
            error?.message,
            'SelfHostedGateway "gw": invalid arguments (3 problems):\n' +
                '  - args.replicas: got "three"; expected a whole number\n' +
                `  - args.image.tag: got "latest"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)\n` +
                '  - args.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        );
    });

    it("a refused value is not reported again by the checks that come after the schema", async () => {
        const { error } = await constructionError(
            () =>
                new SelfHostedGateway(
                    "gw",
                    minimal({
                        resources: { requests: { cpu: "2", memory: "2 Gi" } },
                        namespace: { name: "Default", podSecurityLevel: "restricted" },
                    }),
                ),
        );
        assert.equal(
            error?.message,
            'SelfHostedGateway "gw": invalid arguments (2 problems):\n' +
                "  - args.namespace.name: got \"Default\"; must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit\n" +
                '  - args.resources.requests.memory: got "2 Gi"; expected a Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi" (no spaces)',
        );
    });
});

describe("placeholders and security rules (prod errors, dev warnings)", () => {
    it("refuses the shipped prod stack file while it has REPLACE-ME placeholders, naming each key", async () => {
        assert.equal(
            await programError(shippedStackConfig("prod"), CLOCK, "prod"),
            "Stack config 'apim-gateway:gateway' of stack 'prod' is invalid (3 problems):\n" +
                '  - gateway.apim.resourceGroupName: got "REPLACE-ME-resource-group"; replace the REPLACE-ME placeholder with your own value\n' +
                '  - gateway.apim.serviceName: got "REPLACE-ME-apim-service"; replace the REPLACE-ME placeholder with your own value\n' +
                '  - gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack\n' +
                "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
        );
    });

    it("warns about each placeholder of the shipped dev stack file, naming the key", async () => {
        const run = await runProgram(shippedStackConfig("dev"), CLOCK, "dev");
        assert.deepEqual(run.logs, [
            'warning: [runtime] dev environment, production rule relaxed: gateway.apim.resourceGroupName: got "REPLACE-ME-resource-group"; replace the REPLACE-ME placeholder with your own value',
            'warning: [runtime] dev environment, production rule relaxed: gateway.apim.serviceName: got "REPLACE-ME-apim-service"; replace the REPLACE-ME placeholder with your own value',
            "warning: [runtime] dev environment, production rule relaxed: gateway.replicas: got 1; production needs at least 2 (3 recommended)",
            `warning: [runtime] dev environment, production rule relaxed: gateway.image.tag: got "v2"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
        ]);
    });

    it("finds placeholders anywhere, never showing a secret", () => {
        assert.deepEqual(
            placeholderFindings({ a: ["x", "replace-me"], "b.c": { clientSecret: "REPLACE-ME" }, d: 1 }, "args").map((f) => f.message),
            [
                'args.a[1]: got "replace-me"; replace the REPLACE-ME placeholder with your own value',
                'args["b.c"].clientSecret: got a value (hidden: it is a secret); replace the REPLACE-ME placeholder with your own value',
            ],
        );
    });

    it("prod refuses disabled certificate validation, TLS 1.0 and 1.1, and a privileged namespace", async () => {
        const { error } = await constructionError(
            () =>
                new SelfHostedGateway(
                    "gw",
                    minimal({
                        namespace: { name: "gw", podSecurityLevel: "privileged" },
                        configurationTrust: { disableCertificateValidation: true },
                        hostnames: [
                            { id: "api", hostname: "api.contoso.com", tls10Enabled: true, tls11Enabled: false },
                            { id: "old", hostname: "old.contoso.com", tls11Enabled: true },
                        ],
                    }),
                ),
        );
        assert.equal(
            error?.message,
            'SelfHostedGateway "gw": invalid arguments (5 problems):\n' +
                '  - args.namespace.podSecurityLevel: got "privileged"; production uses "restricted" (the gateway\'s pods meet it) or "baseline"\n' +
                "  - args.configurationTrust.disableCertificateValidation: is true; production validates the configuration endpoint's certificate " +
                "(trust a private CA with configurationTrust.caCertificates instead)\n" +
                "  - args.hostnames[0].tls10Enabled: is true; production accepts TLS 1.2 or later only (remove it, or set it to false)\n" +
                "  - args.hostnames[1].tls11Enabled: is true; production accepts TLS 1.2 or later only (remove it, or set it to false)\n" +
                '  - args.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        );
    });

    it("the pure checks behind them", () => {
        assert.deepEqual(
            settingsFindings({ "Config.Service.Endpoint.DisableCertificateValidation": "True" }).map((f) => f.rule),
            ["certificate-validation", "gateway-settings"],
        );
        assert.deepEqual(settingsFindings({ "config.service.endpoint.disableCertificateValidation": "false" }), []);
        assert.deepEqual(hostnameFindings({ hostname: "a", tls10Enabled: false, tls11Enabled: false }, "hostnames[0]"), []);
        assert.deepEqual(
            namespaceFindings({ metadata: { labels: { "pod-security.kubernetes.io/audit": "privileged" } } }).map((f) => f.key),
            ["namespace.podSecurityLevel"],
        );
        assert.deepEqual(namespaceFindings({ metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } } }), []);
    });
});

describe("production rules (pure): the edges", () => {
    const IMAGE = "mcr.microsoft.com/azure-api-management/gateway:2.11.1";
    /** A Deployment that meets every rule, to break one thing at a time. */
    const good = (
        patch: { spec?: Partial<NonNullable<DeploymentShape["spec"]>>; container?: object; containers?: object[] } = {},
    ): DeploymentShape => ({
        metadata: { name: "gw", namespace: "apim" },
        spec: {
            replicas: 3,
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
                spec: {
                    containers: patch.containers ?? [
                        {
                            name: "gw",
                            image: IMAGE,
                            resources: { requests: { cpu: "2", memory: "2Gi" } },
                            volumeMounts: [{ name: "backup", mountPath: "/apim/config" }],
                            ...patch.container,
                        },
                    ],
                },
            },
            ...patch.spec,
        },
    });
    const rules = (d: DeploymentShape, autoscalerMin?: number) => deploymentFindings(d, autoscalerMin).map((f) => f.message);

    it("names the config key that satisfies each rule", () => {
        assert.deepEqual(Object.fromEntries(Object.entries(RULES).map(([id, r]) => [id, r.key])), {
            "dedicated-namespace": "namespace.name",
            "min-replicas": "replicas",
            "explicit-rolling-update": "rollingUpdate",
            "resource-requests": "resources.requests",
            "pinned-image": "image.tag",
            "config-backup": "configBackup.enabled",
            "token-lifetime": "token.lifetimeDays",
            "token-rotation-slack": "token.rotateEveryDays",
            "external-traffic-local": "service.externalTrafficPolicy",
            "no-placeholders": "(any key)",
            "certificate-validation": "configurationTrust.disableCertificateValidation",
            "modern-tls": "hostnames[].tls10Enabled / tls11Enabled, tls.backendProtocols",
            "pod-security-level": "namespace.podSecurityLevel",
            "gateway-settings": "additionalSettings",
        });
        assert.deepEqual(deploymentFindings(good()), []);
    });

    it("parses an image with a tag and a digest, and one with neither", () => {
        assert.deepEqual(parseImage("myacr:5000/gw:2.11.1@sha256:abc"), {
            repository: "myacr:5000/gw",
            tag: "2.11.1",
            digest: "sha256:abc",
        });
        assert.deepEqual(parseImage("gateway"), { repository: "gateway" });
        assert.deepEqual(parseImage("myacr:5000/gw"), { repository: "myacr:5000/gw" });
    });

    it("takes a release tag only as a whole x.y.z[-suffix]", () => {
        assert.deepEqual(
            ["10.0.1", "2.11.10", "2.11.1.1", "x2.11.1", "2.11.1_x", "2.11.1-", "2.11"].map((tag) => isPinned({ repository: "r", tag })),
            [true, true, true, false, false, false, false],
        );
    });

    it("recognises the gateway's Deployment by our label or by its image in any container", () => {
        const labelled = {
            spec: {
                template: {
                    metadata: { labels: { "app.kubernetes.io/name": "azure-api-management-gateway" } },
                    spec: { containers: [{ image: "nginx" }] },
                },
            },
        };
        assert.equal(isGatewayDeployment(labelled), true);
        assert.equal(isGatewayDeployment({ spec: { template: { spec: { containers: [{ image: "envoy" }, { image: IMAGE }] } } } }), true);
        assert.equal(
            isGatewayDeployment({
                spec: {
                    template: { metadata: { labels: { "app.kubernetes.io/name": "other" } }, spec: { containers: [{ image: "nginx" }] } },
                },
            }),
            false,
        );
        assert.equal(isGatewayDeployment({}), false);
    });

    it("recognises the gateway's traffic Service by our selector or the portal's name, never a headless one", () => {
        const selector = { "app.kubernetes.io/name": "azure-api-management-gateway" };
        assert.equal(isGatewayTrafficService({ spec: { selector } }), true);
        assert.equal(isGatewayTrafficService({ spec: { clusterIP: "None", selector } }), false);
        assert.equal(isGatewayTrafficService({ spec: { clusterIP: "10.0.0.10", selector } }), true);
        assert.equal(isGatewayTrafficService({ metadata: { name: "edge-live-traffic" }, spec: {} }), true);
        assert.equal(isGatewayTrafficService({ metadata: { name: "live-traffic-edge" }, spec: {} }), false);
        assert.equal(
            isGatewayTrafficService({ metadata: { name: "edge" }, spec: { selector: { "app.kubernetes.io/name": "other" } } }),
            false,
        );
        assert.equal(isGatewayTrafficService({ metadata: { name: 42 } }), false);
    });

    it("reads the floor of the autoscaler that targets the Deployment, 1 when it sets none", () => {
        const hpas = [
            { spec: { scaleTargetRef: { kind: "StatefulSet", name: "gw" }, minReplicas: 5 } },
            { spec: { scaleTargetRef: { kind: "Deployment", name: "other" }, minReplicas: 4 } },
            { spec: { scaleTargetRef: { kind: "Deployment", name: "gw" }, minReplicas: 3 } },
        ];
        assert.equal(autoscalerFloor("gw", hpas), 3);
        assert.equal(autoscalerFloor("gw", hpas.slice(0, 2)), undefined);
        assert.equal(autoscalerFloor("gw", [{ spec: { scaleTargetRef: { kind: "Deployment", name: "gw" } } }]), 1);
    });

    it("checks an autoscaler's floor instead of replicas, and replicas when they are set", () => {
        const scaled = good({ spec: { replicas: undefined } });
        assert.deepEqual(rules(scaled, 2), []);
        assert.deepEqual(rules(scaled, 1), ["autoscaling.minReplicas: got 1; production needs at least 2 (3 recommended)"]);
        assert.deepEqual(rules(good({ spec: { replicas: 1 } }), 3), ["replicas: got 1; production needs at least 2 (3 recommended)"]);
        assert.deepEqual(rules(scaled), ["replicas: got 1; production needs at least 2 (3 recommended)"]);
    });

    it("wants a RollingUpdate with both maxUnavailable and maxSurge set", () => {
        const why = (strategy: unknown) =>
            `rollingUpdate: got ${JSON.stringify(strategy)}; set strategy RollingUpdate with explicit maxUnavailable and maxSurge (e.g. 0 and 1)`;
        for (const strategy of [
            { type: "Recreate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0 } },
            { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } },
            { type: "RollingUpdate" },
        ]) {
            assert.deepEqual(rules(good({ spec: { strategy } })), [why(strategy)]);
        }
        assert.deepEqual(rules(good({ spec: { strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } } })), []);
    });

    it("reads requests, image and mounts from the gateway's container, not a sidecar", () => {
        const sidecar = { name: "proxy", image: "envoy:latest" };
        const gateway = good().spec!.template!.spec!.containers![0];
        assert.deepEqual(rules(good({ containers: [sidecar, gateway] })), []);
        // Without a gateway image, the first container is the one checked.
        assert.deepEqual(rules(good({ containers: [{ ...gateway, image: "myacr.example/gw:2.11.1" }, sidecar] })), []);
    });

    it("counts an empty or zero request as not set, and takes a missing tag for latest", () => {
        assert.deepEqual(rules(good({ container: { resources: { requests: { cpu: "", memory: "0" } } } })), [
            'resources.requests: cpu and memory not set; start production at cpu "2", memory "2Gi"',
        ]);
        assert.deepEqual(rules(good({ container: { image: "mcr.microsoft.com/azure-api-management/gateway" } })), [
            `image.tag: got "latest"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
        ]);
    });

    it("wants the backup volume at /apim/config, whatever else is mounted", () => {
        assert.deepEqual(rules(good({ container: { volumeMounts: [{ name: "certs", mountPath: "/certs" }] } })), [
            "configBackup.enabled: no volume mounted at /apim/config; enable the configuration backup",
        ]);
    });

    it("reports each rule with its key and exact message", () => {
        const now = new Date("2026-11-23T00:00:00Z");
        assert.deepEqual(tokenFindings("2027-01-01T00:00:00Z", now), [
            {
                rule: "token-lifetime",
                key: "token.lifetimeDays",
                message:
                    'token.lifetimeDays: expiry "2027-01-01T00:00:00Z" is more than 30 days after 2026-11-23T00:00:00.000Z; Azure allows 30 days at most',
            },
        ]);
        assert.deepEqual(serviceFindings({ spec: { type: "LoadBalancer" } }), [
            {
                rule: "external-traffic-local",
                key: "service.externalTrafficPolicy",
                message:
                    'service.externalTrafficPolicy: got "Cluster"; use "Local" to keep the caller IP and avoid a second hop ' +
                    "(spread pods evenly across nodes: with Local, traffic is split per node, not per pod)",
            },
        ]);
        assert.deepEqual(serviceFindings({ spec: {} }), []);
        assert.deepEqual(settingsFindings({ "config.service.endpoint.disableCertificateValidation": "true" }), [
            {
                rule: "certificate-validation",
                key: "configurationTrust.disableCertificateValidation",
                message:
                    "configurationTrust.disableCertificateValidation: is true; production validates the configuration endpoint's certificate " +
                    "(trust a private CA with configurationTrust.caCertificates instead)",
            },
        ]);
        assert.deepEqual(hostnameFindings({ hostname: "a", tls11Enabled: true }, "hostnames[0]"), [
            {
                rule: "modern-tls",
                key: "hostnames[0].tls11Enabled",
                message: "hostnames[0].tls11Enabled: is true; production accepts TLS 1.2 or later only (remove it, or set it to false)",
            },
        ]);
        assert.deepEqual(rotationSlackFindings({ lifetimeDays: 30, rotateEveryDays: 7 }), []);
        assert.deepEqual(
            rotationSlackFindings({ lifetimeDays: 8, rotateEveryDays: 7 }).map((f) => [f.rule, f.key]),
            [["token-rotation-slack", "token.rotateEveryDays"]],
        );
    });

    it("hides a secret left as a placeholder, and skips values that are not plain objects", () => {
        assert.deepEqual(placeholderFindings({ auth: { azureAdApp: { clientSecret: "REPLACE-ME" } } }), [
            {
                rule: "no-placeholders",
                key: "auth.azureAdApp.clientSecret",
                message:
                    "auth.azureAdApp.clientSecret: got a value (hidden: it is a secret); replace the REPLACE-ME placeholder with your own value",
            },
        ]);
        class Later {
            value = "REPLACE-ME";
        }
        assert.deepEqual(placeholderFindings({ apim: new Later() }), []);
    });
});

describe("CrossGuard policy pack", () => {
    it("has one policy per rule", () => {
        assert.deepEqual(
            policies.map((p) => p.name),
            [
                "apim-gateway-dedicated-namespace",
                "apim-gateway-min-replicas",
                "apim-gateway-explicit-rolling-update",
                "apim-gateway-resource-requests",
                "apim-gateway-pinned-image",
                "apim-gateway-config-backup",
                "apim-gateway-token-lifetime",
                "apim-gateway-token-rotation-slack",
                "apim-gateway-external-traffic-local",
                "apim-gateway-no-placeholders",
                "apim-gateway-certificate-validation",
                "apim-gateway-modern-tls",
                "apim-gateway-pod-security-level",
                "apim-gateway-gateway-settings",
            ],
        );
    });

    it("describes each policy by the rule's title and the reason for it", () => {
        assert.deepEqual(
            policies.map((p) => p.description),
            [
                "Dedicated namespace: the portal deploys into `default`; production uses a namespace of its own.",
                "At least 2 replicas: one pod is a single point of failure; the guide recommends 3.",
                "Explicit rolling update: maxUnavailable and maxSurge must be set explicitly, especially with many replicas.",
                "CPU and memory requests: the portal sets none; start production at 2 CPU / 2Gi, then load test.",
                "Pinned image tag: rolling tags (latest, v2, v2-preview, beta) change under a running deployment.",
                "Configuration backup: a volume at /apim/config lets a restarted pod serve its last configuration while Azure is unreachable.",
                "Token lifetime ≤ 30 days: Azure issues gateway tokens for 30 days at most.",
                "Token outlives a missed rotation run: a token that expires before the next scheduled rotation run after a failed one " +
                    "leaves the gateway without configuration sync.",
                "externalTrafficPolicy: Local: keeps the caller IP and avoids a second hop; note that nodes running more gateway pods " +
                    "then get no more traffic than others, so spread pods evenly across nodes.",
                "No placeholders left: the stack files ship with REPLACE-ME values; one left in reaches Azure or the cluster as a real name.",
                "Configuration endpoint certificate validated: without validation anyone on the network path can impersonate API " +
                    "Management and feed the gateway configuration.",
                "TLS 1.2 or later: TLS 1.0 and 1.1 are deprecated and broken; clients must use TLS 1.2 or later.",
                "Pod Security level set, not privileged: a namespace without a Pod Security level, or with privileged, enforces nothing; " +
                    "the gateway's pods meet restricted.",
                "Only the gateway's own settings: the pods read every setting as an environment variable, so a key that is not one of " +
                    "the gateway's settings (as Microsoft's settings reference spells them) reaches the container's runtime (SSL_CERT_FILE, " +
                    "all_proxy, DOTNET_STARTUP_HOOKS).",
            ],
        );
    });

    it("passes every resource of the prod stack", async () => {
        const run = await runProgram(stackConfig("prod"), CLOCK, "prod");
        assert.deepEqual(await violations(run.resources), []);
    });

    it("flags the dev stack's relaxed rules, exactly", async () => {
        const run = await runProgram(stackConfig("dev"), CLOCK, "dev");
        assert.deepEqual(await violations(run.resources), [
            "apim-gateway-min-replicas: replicas: got 1; production needs at least 2 (3 recommended)",
            `apim-gateway-pinned-image: image.tag: got "v2"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
        ]);
    });

    it("flags each rule on resources built by the real component in dev", async () => {
        const cases: [Partial<SelfHostedGatewayArgs>, string[]][] = [
            [
                { namespace: { name: "default", create: false } },
                ['apim-gateway-dedicated-namespace: namespace.name: got "default"; deploy the gateway into a dedicated namespace'],
            ],
            [{ replicas: 1 }, ["apim-gateway-min-replicas: replicas: got 1; production needs at least 2 (3 recommended)"]],
            [
                { resources: { limits: { memory: "1Gi" } } },
                ['apim-gateway-resource-requests: resources.requests: cpu and memory not set; start production at cpu "2", memory "2Gi"'],
            ],
            [
                { image: { tag: "beta" } },
                [`apim-gateway-pinned-image: image.tag: got "beta"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`],
            ],
            [
                { configBackup: { enabled: false } },
                ["apim-gateway-config-backup: configBackup.enabled: no volume mounted at /apim/config; enable the configuration backup"],
            ],
            [
                { service: { externalTrafficPolicy: "Cluster" } },
                [
                    'apim-gateway-external-traffic-local: service.externalTrafficPolicy: got "Cluster"; use "Local" to keep the caller IP and avoid a second hop ' +
                        "(spread pods evenly across nodes: with Local, traffic is split per node, not per pod)",
                ],
            ],
            [
                { apim: { resourceGroupName: "REPLACE-ME-rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } } },
                [
                    'apim-gateway-no-placeholders: apim.resourceGroupName: got "REPLACE-ME-rg"; replace the REPLACE-ME placeholder with your own value',
                ],
            ],
            [
                { configurationTrust: { disableCertificateValidation: true } },
                [
                    "apim-gateway-certificate-validation: configurationTrust.disableCertificateValidation: is true; production validates the " +
                        "configuration endpoint's certificate (trust a private CA with configurationTrust.caCertificates instead)",
                ],
            ],
            [
                { hostnames: [{ id: "legacy", hostname: "legacy.contoso.com", tls10Enabled: true }] },
                [
                    'apim-gateway-modern-tls: hostnames["legacy"].tls10Enabled: is true; production accepts TLS 1.2 or later only (remove it, or set it to false)',
                ],
            ],
            [
                { namespace: { name: "gw", podSecurityLevel: "privileged" } },
                [
                    'apim-gateway-pod-security-level: namespace.podSecurityLevel: got "privileged"; production uses "restricted" (the gateway\'s pods meet it) or "baseline"',
                ],
            ],
        ];
        for (const [extra, expected] of cases) {
            assert.deepEqual(await violations(await built(minimal({ environment: "dev", ...extra }))), expected, JSON.stringify(extra));
        }
    });

    it("flags what the component cannot produce: implicit rollout settings and a token beyond 30 days", async () => {
        const resources = await built(minimal());
        // The policy reads the real clock: 40 days from now is always beyond Azure's 30.
        const far = new Date(Date.now() + 40 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
        const mutated = resources.map((r) => {
            const inputs = JSON.parse(JSON.stringify(r.inputs)) as Record<string, Record<string, unknown>>;
            if (r.type === "kubernetes:apps/v1:Deployment") delete inputs.spec.strategy;
            if (r.type === "apim-gateway:index:GatewayToken") (inputs as Record<string, unknown>).expiry = far;
            return { ...r, inputs };
        });
        const found = await violations(mutated);
        assert.equal(found.length, 2);
        assert.equal(
            found[0],
            "apim-gateway-explicit-rolling-update: rollingUpdate: got nothing; set strategy RollingUpdate with explicit maxUnavailable and maxSurge (e.g. 0 and 1)",
        );
        assert.match(
            found[1],
            new RegExp(
                `^apim-gateway-token-lifetime: token\\.lifetimeDays: expiry "${far}" is more than 30 days after .+; Azure allows 30 days at most$`,
            ),
        );
    });

    it("judges an autoscaled Deployment by its autoscaler's minimum", async () => {
        const scaled = await built(minimal({ autoscaling: { minReplicas: 3, maxReplicas: 6 } }));
        assert.equal(
            (scaled.find((r) => r.type === "kubernetes:apps/v1:Deployment")?.inputs.spec as Record<string, unknown>).replicas,
            undefined,
        );
        assert.deepEqual(await violations(scaled), []);
        const lowered = scaled.map((r) =>
            r.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
                ? { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs.spec as Record<string, unknown>), minReplicas: 1 } } }
                : r,
        );
        assert.deepEqual(await violations(lowered), [
            "apim-gateway-min-replicas: autoscaling.minReplicas: got 1; production needs at least 2 (3 recommended)",
        ]);
        const unscaled = scaled.filter((r) => r.type !== "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        assert.deepEqual(await violations(unscaled), [
            "apim-gateway-min-replicas: replicas: got 1; production needs at least 2 (3 recommended)",
        ]);
    });

    it("also holds for hand-written portal YAML registered as raw resources", () => {
        const deployment = {
            metadata: { name: "contoso-gw" },
            spec: {
                replicas: 1,
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
                template: {
                    metadata: { labels: { app: "contoso-gw" } },
                    spec: { containers: [{ name: "contoso-gw", image: "mcr.microsoft.com/azure-api-management/gateway:v2" }] },
                },
            },
        };
        const service = {
            metadata: { name: "contoso-gw-live-traffic" },
            spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", selector: { app: "contoso-gw" } },
        };
        const now = new Date();
        assert.deepEqual(
            findingsFor("kubernetes:apps/v1:Deployment", deployment, now).map((f) => f.rule),
            ["dedicated-namespace", "min-replicas", "resource-requests", "pinned-image", "config-backup"],
        );
        assert.deepEqual(findingsFor("kubernetes:core/v1:Service", service, now), []);
        // Unrelated workloads are left alone.
        assert.deepEqual(
            findingsFor(
                "kubernetes:apps/v1:Deployment",
                { spec: { replicas: 1, template: { spec: { containers: [{ image: "nginx" }] } } } },
                now,
            ),
            [],
        );
    });
});

describe("URLs in messages: no credentials, no query", () => {
    it("cuts each URL of a text to its scheme, host and path", () => {
        assert.equal(
            redactUrls('got "https://user:pw@hooks.example/x/y?code=k&sig=s#frag" and udp://c:514, then http://h?a=1'),
            'got "https://***@hooks.example/x/y?…" and udp://c:514, then http://h?…',
        );
        assert.equal(redactUrls("https://a@b@c.example/p#f"), "https://***@c.example/p?…");
        assert.equal(redactUrls("no url here: a=b?c"), "no url here: a=b?c");
        assert.equal(redactUrls("mailto:x@y?subject=s"), "mailto:x@y?subject=s", "a URL without // has no authority to hide");
    });

    it("shows a placeholder left in a URL without its query or credentials, and none of a webhook URL", () => {
        assert.deepEqual(
            placeholderFindings(
                {
                    collectorUri: "http://REPLACE-ME:4317/v1?key=SECRETKEY123456",
                    authority: "https://me:SECRETPW123456@REPLACE-ME.example",
                    webhookUrl: "https://REPLACE-ME.example/hook/SECRETPATH123456",
                },
                "gateway",
            ).map((f) => f.message),
            [
                'gateway.collectorUri: got "http://REPLACE-ME:4317/v1?…"; replace the REPLACE-ME placeholder with your own value',
                'gateway.authority: got "https://***@REPLACE-ME.example"; replace the REPLACE-ME placeholder with your own value',
                "gateway.webhookUrl: got a value (hidden: it is a secret); replace the REPLACE-ME placeholder with your own value",
            ],
        );
    });
});

describe("the policy pack on gateway settings", () => {
    const configMap = (data: Record<string, string>): Registered => ({
        type: "kubernetes:core/v1:ConfigMap",
        name: "gw-env",
        inputs: { metadata: { name: "gw-env" }, data: { "config.service.endpoint": "contoso.configuration.azure-api.net", ...data } },
    });

    it("reports every key that is not one of the gateway's settings, and backend protocols older than TLS 1.2", async () => {
        const found = await violations([
            configMap({
                config__service__endpoint__disableCertificateValidation: "true",
                SSL_CERT_FILE: "/tmp/evil.pem",
                all_proxy: "http://evil:3128",
                DOTNET_STARTUP_HOOKS: "/tmp/hook.dll",
                "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30": "true",
                "config.service.integration.timeout": "00:03:00",
            }),
        ]);
        const notASetting = (k: string) =>
            `apim-gateway-gateway-settings: additionalSettings["${k}"]: is not a setting of the self-hosted gateway as Microsoft's settings ` +
            "reference spells it; the pods read every setting as an environment variable: remove it";
        assert.deepEqual(found, [
            "apim-gateway-certificate-validation: configurationTrust.disableCertificateValidation: is true; production validates the configuration " +
                "endpoint's certificate (trust a private CA with configurationTrust.caCertificates instead)",
            "apim-gateway-modern-tls: tls.backendProtocols.ssl30: is true; production speaks TLS 1.2 or later to backends, not SSL 3.0 (remove it, or set it to false)",
            notASetting("config__service__endpoint__disableCertificateValidation"),
            notASetting("SSL_CERT_FILE"),
            notASetting("all_proxy"),
            notASetting("DOTNET_STARTUP_HOOKS"),
        ]);
        assert.deepEqual(await violations([configMap({ "config.service.integration.timeout": "00:03:00" })]), []);
    });
});

describe("Pod Security level of the gateway's namespace", () => {
    const NOT_SET =
        'namespace.podSecurityLevel: not set, so the namespace admits any pod; production sets "restricted" (the gateway\'s pods meet it) or "baseline"';
    const apim = { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } };
    const problems = (raw: unknown) => {
        const r = validateArgs(raw, "gateway");
        return r.ok ? r.warnings : r.problems;
    };

    it("prod refuses a namespace it creates without a level; dev warns; an existing namespace is the user's to label", () => {
        assert.deepEqual(problems({ apim, namespace: { name: "gw" } }), [
            `gateway.${NOT_SET}`,
            'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        ]);
        assert.deepEqual(problems({ apim, environment: "dev", namespace: { name: "gw" }, replicas: 2 }), [`gateway.${NOT_SET}`]);
        assert.deepEqual(problems({ apim, namespace: { name: "gw", podSecurityLevel: "baseline" } }), []);
        assert.deepEqual(problems({ apim, namespace: { name: "gw", create: false } }), []);
    });

    it("the policy pack reports the gateway's namespace without an enforced level", async () => {
        const namespace = (labels: Record<string, string>): Registered => ({
            type: "kubernetes:core/v1:Namespace",
            name: "gw-namespace",
            inputs: { metadata: { name: "gw", labels: { "app.kubernetes.io/name": "azure-api-management-gateway", ...labels } } },
        });
        assert.deepEqual(await violations([namespace({})]), [`apim-gateway-pod-security-level: ${NOT_SET}`]);
        assert.deepEqual(await violations([namespace({ "pod-security.kubernetes.io/warn": "restricted" })]), [
            `apim-gateway-pod-security-level: ${NOT_SET}`,
        ]);
        assert.deepEqual(await violations([namespace({ "pod-security.kubernetes.io/enforce": "restricted" })]), []);
    });
});
