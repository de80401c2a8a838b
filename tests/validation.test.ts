// Validation of the options: every rule's message names the full key path, the value (never a
// secret's) and what is allowed; all problems of one input come together.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_IMAGE_TAG } from "../components/args";
import { SelfHostedGateway, SelfHostedGatewayArgs, validateArgs } from "../components";
import { prefixOf } from "../components/validation";
import { CLOCK, TEST_CA_PEM } from "./expected";

const CLOCK_DATE = new Date(CLOCK);
import { buildComponent, FAKE_CLIENT_SECRET, registered } from "./harness";

const GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const base = {
    apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } },
    namespace: { name: "gw", podSecurityLevel: "restricted" },
};
const problemsOf = (raw: unknown): string[] => {
    const r = validateArgs(raw, "gateway");
    return r.ok ? [] : r.problems;
};

describe("validation: options", () => {
    it("accepts every option at once when it is consistent", () => {
        assert.deepEqual(
            problemsOf({
                ...base,
                replicas: 3,
                auth: {
                    type: "workloadIdentity",
                    workloadIdentity: {
                        provision: {
                            oidcIssuerUrl: "https://oidc.example/",
                            location: "westeurope",
                            roleScope: "service",
                            apimPrincipalId: GUID,
                        },
                    },
                },
                highAvailability: { maxUnavailable: 1, antiAffinity: "preferred", topologySpread: { whenUnsatisfiable: "DoNotSchedule" } },
                autoscaling: { maxReplicas: 6 },
                probes: { readiness: { successThreshold: 2 } },
                nodeSelector: { "kubernetes.io/os": "linux" },
                tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 }],
                commonLabels: { team: "platform" },
                proxy: { https: "https://proxy.corp:3128", bypass: ["localhost"] },
                configurationTrust: { caCertificates: [TEST_CA_PEM] },
                // localsyslog mounts a hostPath, which a created namespace's Pod Security level forbids: an existing one.
                namespace: { name: "gw", create: false },
                observability: { logs: { local: { type: "localsyslog", endpoint: "/dev/log", facility: 7 } } },
                apis: [{ apiId: "echo" }],
                hostnames: [{ id: "api", hostname: "*.contoso.com" }],
                certificateAuthorities: [{ certificateId: "root" }],
            }),
            [],
        );
    });

    it("reports every schema problem together, each with its key path and what is allowed", () => {
        assert.deepEqual(
            problemsOf({
                ...base,
                auth: { type: "azureAd", tokenAudience: "http://x" },
                highAvailability: { maxUnavailable: "30 %", antiAffinity: "always" },
                autoscaling: { minReplicas: 0 },
                probes: { liveness: { successThreshold: 2 } },
                podSecurity: { runAsUser: 0 },
                nodeSelector: { "bad key!": "x" },
                commonLabels: { team: "has space" },
                proxy: { http: "http://user:pw@proxy:3128", bypass: ["a, b"] },
                tls: { serverCipherSuites: ["aes"] },
                configurationTrust: { caCertificates: ["not a pem"], caDirectory: "relative" },
                observability: {
                    logs: { std: { level: "verbose" }, local: { type: "syslog" } },
                    metrics: { statsd: { endpoint: "statsd", sampling: 2 } },
                    openTelemetry: { collectorUri: "otel:4317" },
                },
                additionalSettings: { "bad key": "x", ok: { nested: 1 } },
                apis: [{ apiId: "a/b" }],
                hostnames: [{ id: "x", hostname: "https://api.contoso.com" }],
                image: { pullPolicy: "always", pullSecrets: ["Bad_Name"] },
                service: { allocateLoadBalancerNodePorts: "no" },
            }),
            [
                'gateway.image.pullPolicy: got "always"; expected one of "IfNotPresent", "Always", "Never"',
                "gateway.image.pullSecrets[0]: got \"Bad_Name\"; must be a Kubernetes name: lower-case letters, digits, '-' and '.'",
                'gateway.service.allocateLoadBalancerNodePorts: got "no"; expected true or false',
                'gateway.auth.type: got "azureAd"; expected one of "token", "existingSecret", "azureAdApp", "workloadIdentity"',
                'gateway.auth.tokenAudience: got "http://x"; expected an https:// URL',
                'gateway.highAvailability.maxUnavailable: got "30 %"; expected a whole number ≥ 0 or a percentage such as "25%"',
                'gateway.highAvailability.antiAffinity: got "always"; expected one of "none", "preferred", "required"',
                "gateway.autoscaling.minReplicas: got 0 (number); must be at least 1",
                "gateway.autoscaling.maxReplicas: got nothing; required (expected a whole number)",
                "gateway.probes.liveness.successThreshold: unknown key; allowed keys here: initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold",
                "gateway.podSecurity.runAsUser: got 0 (number); must be at least 1: the gateway runs as non-root (uid 1001) under the restricted pod security profile",
                'gateway.nodeSelector["bad key!"]: invalid key; must be a label key such as team or example.com/team',
                "gateway.commonLabels.team: got \"has space\"; must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
                'gateway.proxy.http: got "http://***@proxy:3128"; must not contain credentials (user:password@); plain stack config is not secret',
                'gateway.proxy.bypass[0]: got "a, b"; one host, domain (.corp.com), IP or CIDR per entry; no spaces or commas',
                'gateway.tls.serverCipherSuites[0]: got "aes"; must be a cipher suite name such as TLS_AES_256_GCM_SHA384',
                'gateway.configurationTrust.caCertificates[0]: got "not a pem"; must be one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)',
                'gateway.configurationTrust.caDirectory: got "relative"; must be an absolute directory such as /etc/ssl/certs',
                'gateway.observability.logs.std.level: got "verbose"; expected one of "all", "debug", "info", "warn", "error", "fatal"',
                'gateway.observability.logs.local.type: got "syslog"; expected one of "none", "auto", "localsyslog", "rfc5424", "journal", "json", "forward"',
                'gateway.observability.metrics.statsd.endpoint: got "statsd"; must be host:port such as 10.0.41.179:8125 (optionally udp://)',
                "gateway.observability.metrics.statsd.sampling: got 2 (number); must be at most 1",
                'gateway.observability.openTelemetry.collectorUri: got "otel:4317"; expected a URL such as http://otel-collector:4317',
                "gateway.additionalSettings[\"bad key\"]: invalid key; must be a setting name: letters, digits, '-', '_' and '.'",
                "gateway.additionalSettings.ok: got an object; expected a string, number or true/false",
                'gateway.apis[0].apiId: got "a/b"; must be an API id (no spaces or * # & + : < > ? / % \\)',
                'gateway.hostnames[0].hostname: got "https://api.contoso.com"; must be a host name such as api.contoso.com or *.contoso.com',
            ],
        );
    });

    it("takes a URL's scheme as a whole word, and credentials only in its authority", () => {
        assert.deepEqual(problemsOf({ ...base, proxy: { http: "httpsx://proxy:3128", https: "xhttp://proxy:3128" } }), [
            'gateway.proxy.http: got "httpsx://proxy:3128"; expected an http:// or https:// URL such as http://proxy.corp:3128',
            'gateway.proxy.https: got "xhttp://proxy:3128"; expected an http:// or https:// URL such as http://proxy.corp:3128',
        ]);
        assert.deepEqual(problemsOf({ ...base, auth: { type: "token", tokenAudience: "xhttps://aud.example" } }), [
            'gateway.auth.tokenAudience: got "xhttps://aud.example"; expected an https:// URL',
        ]);
        assert.deepEqual(
            problemsOf({
                ...base,
                auth: {
                    type: "azureAdApp",
                    azureAdApp: { tenantId: GUID, clientId: GUID, clientSecret: "s", authority: "httpsx://login.example" },
                },
            }),
            ['gateway.auth.azureAdApp.authority: got "httpsx://login.example"; expected an https:// URL'],
        );
        // A URL in the query string is not the proxy's user info.
        assert.deepEqual(problemsOf({ ...base, proxy: { https: "http://proxy.corp:3128/?next=http://user@elsewhere" } }), []);
    });

    it("never shows a client secret or proxy password, even a malformed one", () => {
        const problems = problemsOf({
            ...base,
            auth: { type: "azureAdApp", azureAdApp: { tenantId: GUID, clientId: GUID, clientSecret: 42 } },
            proxy: { https: `http://me:${FAKE_CLIENT_SECRET}@p:1` },
        });
        assert.deepEqual(problems, [
            "gateway.auth.azureAdApp.clientSecret: got a value (hidden: it is a secret); expected a non-empty string (a Pulumi secret)",
            'gateway.proxy.https: got "http://***@p:1"; must not contain credentials (user:password@); plain stack config is not secret',
        ]);
        assert.equal(problems.join("\n").includes(FAKE_CLIENT_SECRET), false);
    });

    it("reports every cross-field problem together", () => {
        assert.deepEqual(
            problemsOf({
                ...base,
                replicas: 3,
                token: { keyType: "secondary" },
                auth: {
                    type: "workloadIdentity",
                    azureAdApp: { tenantId: GUID, clientId: GUID, clientSecret: "x" },
                    workloadIdentity: { clientId: GUID, provision: { oidcIssuerUrl: "https://x", location: "westeurope" } },
                },
                serviceAccount: { create: false, annotations: { "azure.workload.identity/client-id": "x" } },
                highAvailability: { maxUnavailable: 0, antiAffinity: "preferred" },
                affinity: { podAntiAffinity: {} },
                autoscaling: { minReplicas: 2, maxReplicas: 1 },
                resources: { requests: { memory: "1Gi" } },
                podSecurity: { runAsUser: 2000 },
                configurationTrust: { caCertificates: [TEST_CA_PEM], disableCertificateValidation: true },
                tolerations: [{ operator: "Exists", value: "x", tolerationSeconds: 5 }],
                commonLabels: { "app.kubernetes.io/name": "x" },
                podAnnotations: { "apim-gateway/token-expiry": "x" },
                networkPolicy: { ingressFrom: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: { matchLabels: { a: "b" } } }] },
                service: { type: "ClusterIP", allocateLoadBalancerNodePorts: false },
                observability: {
                    logs: { local: { type: "rfc5424", facility: 3 } },
                    openTelemetry: { collectorUri: "http://o:4317", histogramBuckets: [10, 5] },
                },
                additionalSettings: {
                    "Telemetry.Logs.Std.Level": "debug",
                    "neighborhood.host": "x",
                    "config.service.auth.azureAd.certificatePath": "/x",
                },
                apis: [{ apiId: "echo" }, { apiId: "Echo" }],
                namespace: { name: "gw", create: false, podSecurityLevel: "restricted" },
            }),
            [
                "gateway.namespace.podSecurityLevel: only applies to a namespace the component creates (create is false); label the existing namespace yourself",
                'gateway.auth.azureAdApp: only applies when gateway.auth.type is "azureAdApp" (it is "workloadIdentity"); remove it or set gateway.auth.type',
                'gateway.token: only applies when gateway.auth.type is "token" (it is "workloadIdentity"): nothing is issued or rotated in this mode; remove it',
                "gateway.auth.workloadIdentity: set exactly one of clientId (an existing identity) and provision (the component creates the identity)",
                "gateway.serviceAccount.name: required when gateway.serviceAccount.create is false with workload identity: name the existing ServiceAccount (it must carry the azure.workload.identity/client-id annotation)",
                'gateway.serviceAccount.annotations["azure.workload.identity/client-id"]: is set by gateway.auth.workloadIdentity; remove it',
                'gateway.highAvailability.maxUnavailable: got 0; a disruption budget of 0 blocks every node drain and upgrade. Use 1 or "25%"',
                "gateway.affinity.podAntiAffinity: conflicts with gateway.highAvailability.antiAffinity; set only one",
                "gateway.autoscaling.minReplicas: got 2; must be at least 3 (gateway.replicas is 3 and autoscaling never goes below 2 replicas)",
                "gateway.autoscaling.maxReplicas: got 1; must be at least minReplicas (2)",
                "gateway.resources.requests.cpu: required with autoscaling: CPU utilisation is measured against the CPU request",
                "gateway.podSecurity.runAsUser: got 2000; must be 1001 when CA certificates are used (configurationTrust.caCertificates or certificateAuthorities): the gateway loads local CA certificates only as uid 1001",
                'gateway.tolerations[0].value: must be empty when operator is "Exists"',
                'gateway.tolerations[0].tolerationSeconds: only applies with effect "NoExecute"',
                'gateway.commonLabels["app.kubernetes.io/name"]: is set by the component (selectors and workload identity depend on it); use another key',
                'gateway.podAnnotations["apim-gateway/token-expiry"]: is set by the component (token rotation); use another key',
                "gateway.networkPolicy.enabled: is not true, so ingressFrom would be ignored; set enabled: true or remove it",
                "gateway.networkPolicy.ingressFrom[0]: set ipBlock alone, or namespaceSelector and/or podSelector",
                'gateway.service.allocateLoadBalancerNodePorts: only applies to a LoadBalancer service (type is "ClusterIP")',
                "gateway.configurationTrust.disableCertificateValidation: with caCertificates set, validation can succeed: remove disableCertificateValidation",
                'gateway.observability.logs.local.endpoint: required when type is "rfc5424"',
                "gateway.observability.openTelemetry.histogramBuckets: got [10,5]; must be strictly increasing",
                'gateway.additionalSettings["Telemetry.Logs.Std.Level"]: shadows the typed option gateway.observability.logs.std.level; set that instead',
                'gateway.additionalSettings["neighborhood.host"]: is set by the component (the instance-discovery Service); it cannot be overridden',
                'gateway.additionalSettings["config.service.auth.azureAd.certificatePath"]: shadows the typed option gateway.auth.azureAdApp.certificate; set that instead',
                'gateway.apis[1].apiId: got "Echo" twice; each must be unique',
                // In the same round, the production rules (the default environment is prod).
                'gateway.resources.requests: cpu not set; start production at cpu "2", memory "2Gi"',
                'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
            ],
        );
    });

    it("asks for each mode's block and exactly one credential source", () => {
        assert.deepEqual(problemsOf({ ...base, auth: { type: "azureAdApp" } }), [
            'gateway.auth.azureAdApp: required when gateway.auth.type is "azureAdApp"',
        ]);
        assert.deepEqual(problemsOf({ ...base, auth: { type: "existingSecret" } }), [
            'gateway.auth.existingSecret: required when gateway.auth.type is "existingSecret"',
        ]);
        assert.deepEqual(
            problemsOf({
                ...base,
                auth: {
                    type: "azureAdApp",
                    azureAdApp: { tenantId: GUID, clientId: GUID, clientSecret: "x", existingSecret: { name: "s" } },
                },
            }),
            [
                "gateway.auth.azureAdApp: set exactly one of clientSecret (a Pulumi secret; in the stack program, the secret key apim-gateway:azureAdClientSecret) and existingSecret, or a certificate",
            ],
        );
        assert.deepEqual(
            problemsOf({ ...base, auth: { tokenAudience: "https://azure-api.cn/configuration", workloadIdentity: { clientId: GUID } } }),
            [
                'gateway.auth.workloadIdentity: only applies when gateway.auth.type is "workloadIdentity" (it is "token"); remove it or set gateway.auth.type',
                "gateway.auth.tokenAudience: only applies to the Entra modes (azureAdApp, workloadIdentity); remove it",
            ],
        );
    });

    it("holds autoscaling to the replica floor (never below 2) and local-log endpoints to their type", () => {
        assert.deepEqual(problemsOf({ ...base, replicas: 1, autoscaling: { maxReplicas: 4 } }), [
            "gateway.autoscaling.minReplicas: got 1; must be at least 2 (gateway.replicas is 1 and autoscaling never goes below 2 replicas)",
        ]);
        assert.deepEqual(
            problemsOf({ ...base, environment: "dev", replicas: 1, autoscaling: { enabled: false, maxReplicas: 4 } }),
            [],
            "off: no floor",
        );
        assert.deepEqual(problemsOf({ ...base, observability: { logs: { local: { type: "auto", endpoint: "x:1", facility: 1 } } } }), [
            'gateway.observability.logs.local.endpoint: does not apply when type is "auto"; remove it',
            'gateway.observability.logs.local.facility: only applies to type "localsyslog" or "rfc5424"',
        ]);
        assert.deepEqual(problemsOf({ ...base, highAvailability: { enabled: false, antiAffinity: "required" } }), [
            "gateway.highAvailability.enabled: is false, so maxUnavailable/topologySpread/antiAffinity would be ignored; remove them or enable it",
        ]);
        assert.deepEqual(problemsOf({ ...base, configurationTrust: { caDirectory: "/etc/ssl/certs" } }), [
            "gateway.configurationTrust.caDirectory: only applies with caCertificates",
        ]);
        assert.deepEqual(
            problemsOf({
                ...base,
                hostnames: [
                    { id: "a", hostname: "x.contoso.com" },
                    { id: "A", hostname: "X.contoso.com" },
                ],
            }),
            [
                'gateway.hostnames[1].id: got "A" twice; each must be unique',
                'gateway.hostnames[1].hostname: got "X.contoso.com" twice; each must be unique',
            ],
        );
    });

    it("the component refuses bad options with one ResourceError before registering any child", async () => {
        let error: Error | undefined;
        await buildComponent(() => {
            try {
                new SelfHostedGateway("edge", {
                    ...base,
                    auth: { type: "workloadIdentity" },
                    additionalSettings: { HTTP_PROXY: "http://p:1" },
                } as SelfHostedGatewayArgs);
            } catch (e) {
                error = e as Error;
            }
            return {};
        }, CLOCK);
        assert.ok(error instanceof pulumi.ResourceError);
        assert.equal(
            error.message,
            'SelfHostedGateway "edge": invalid arguments (2 problems):\n' +
                '  - args.auth.workloadIdentity: required when args.auth.type is "workloadIdentity"\n' +
                '  - args.additionalSettings["HTTP_PROXY"]: shadows the typed option args.proxy.http; set that instead',
        );
        assert.deepEqual(
            registered.map((r) => r.type),
            ["apim-gateway:index:SelfHostedGateway"],
            "only the component itself",
        );
    });
});

describe("validation: values that may also be Outputs", () => {
    it("explains the plain value's problem, naming a map key in brackets, instead of a bare 'Invalid input'", () => {
        assert.deepEqual(problemsOf({ ...base, service: { annotations: { "service.beta.kubernetes.io/x": 1, ok: "y", bad: false } } }), [
            'gateway.service.annotations["service.beta.kubernetes.io/x"]: got 1 (number); expected a string',
            "gateway.service.annotations.bad: got false (boolean); expected a string",
        ]);
        assert.deepEqual(problemsOf({ ...base, service: { annotations: "internal" } }), [
            'gateway.service.annotations: got "internal"; expected an object',
        ]);
        // An Output passes now and is checked once known.
        assert.deepEqual(problemsOf({ ...base, service: { annotations: pulumi.output({ a: "b" }) } }), []);
    });
});

describe("validation: map keys and values that must not slip through", () => {
    it("takes only Kubernetes qualified names as annotation, label and resource keys", () => {
        assert.deepEqual(
            problemsOf({
                ...base,
                service: { annotations: { "bad key": "x", [`${"a".repeat(250)}.com/x`]: "y", "example.com/ok": "z" } },
                commonAnnotations: { "/no-prefix": "x" },
                commonLabels: { "-team": "x" },
                resources: { requests: { "two words": "1", cpu: "2", memory: "2Gi", "example.com/gpu": 1 } },
            }),
            [
                'gateway.resources.requests["two words"]: invalid key; must be a resource name such as cpu, memory or example.com/gpu',
                'gateway.service.annotations["bad key"]: invalid key; must be an annotation key such as example.com/owner (a prefix of at most 253 characters, then / and a name of at most 63)',
                `gateway.service.annotations[${JSON.stringify(`${"a".repeat(250)}.com/x`)}]: invalid key; must be an annotation key such as example.com/owner (a prefix of at most 253 characters, then / and a name of at most 63)`,
                'gateway.commonLabels["-team"]: invalid key; must be a label key such as team or example.com/team',
                'gateway.commonAnnotations["/no-prefix"]: invalid key; must be an annotation key such as example.com/owner (a prefix of at most 253 characters, then / and a name of at most 63)',
            ],
        );
    });

    it("refuses __proto__, constructor and prototype keys anywhere, and objects with another prototype", () => {
        // As stack config arrives: JSON, where "__proto__" is an ordinary own key.
        const raw = JSON.parse(
            JSON.stringify({ ...base, tolerations: [{ key: "k", operator: "Exists" }] })
                .replace('"namespace":{', '"constructor":{"x":1},"nodeSelector":{"__proto__":{"kubernetes.io/os":"linux"}},"namespace":{')
                .replace('"operator":"Exists"', '"operator":"Exists","prototype":"x"'),
        ) as Record<string, unknown>;
        assert.deepEqual(problemsOf(raw), [
            'gateway["constructor"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
            'gateway.nodeSelector["__proto__"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
            'gateway.tolerations[0]["prototype"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
        ]);
        // In TypeScript, `__proto__:` in an object literal swaps the prototype (the keys would be inherited, not own).
        const sneaky = { ...base, commonLabels: { __proto__: { team: "x" } } as unknown as Record<string, string> };
        assert.deepEqual(problemsOf(sneaky), [
            "gateway.commonLabels: must be a plain object (it has another prototype, e.g. from a __proto__ key); use a plain { } object",
        ]);
    });

    it("checks an annotation map that arrives as an Output once it is known: no JavaScript machinery key, only annotation keys", async () => {
        const annotated = (annotations: unknown) =>
            buildComponent(
                () => ({
                    name: new SelfHostedGateway("edge", {
                        ...base,
                        service: { annotations: pulumi.output(annotations as Record<string, string>) },
                    } as SelfHostedGatewayArgs).serviceName,
                }),
                CLOCK,
            ).then(
                () => "accepted",
                (e: Error) => e.message,
            );
        // (A `__proto__` key of an Output's object is gone before the component sees it: the SDK copies Output values.)
        assert.equal(
            await annotated(JSON.parse('{"constructor":"x","example.com/ok":"1"}')),
            'error serializing property "metadata": SelfHostedGateway "edge": args.service.annotations["constructor"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
        );
        assert.equal(
            await annotated({ "bad key!": "x" }),
            'error serializing property "metadata": SelfHostedGateway "edge": args.service.annotations["bad key!"]: invalid key; must be an annotation key such as example.com/owner (a prefix of at most 253 characters, then / and a name of at most 63)',
        );
        assert.equal(await annotated({ "service.beta.kubernetes.io/azure-load-balancer-internal": "true" }), "accepted");
    });

    it("the component stops on a __proto__ key under nodeSelector before anything reaches a pod spec", async () => {
        const args = JSON.parse(JSON.stringify(base).replace('"namespace":{', '"nodeSelector":{"__proto__":{"a":"b"}},"namespace":{'));
        let error: Error | undefined;
        await buildComponent(() => {
            try {
                new SelfHostedGateway("edge", args as SelfHostedGatewayArgs);
            } catch (e) {
                error = e as Error;
            }
            return {};
        }, CLOCK);
        assert.equal(
            error?.message,
            'SelfHostedGateway "edge": invalid arguments (1 problem):\n' +
                '  - args.nodeSelector["__proto__"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
        );
        assert.deepEqual(
            registered.map((r) => r.type),
            ["apim-gateway:index:SelfHostedGateway"],
        );
    });

    it("refuses line breaks and control characters in settings, the local log endpoint and DNS options", () => {
        assert.deepEqual(
            problemsOf({
                ...base,
                dnsConfig: { options: [{ name: "ndots\n", value: "2\r" }] },
                observability: { logs: { local: { type: "json", endpoint: "127.0.0.1:8888\nx" } } },
                additionalSettings: {
                    "telemetry.logs.local.rfc5424.endpoint": "127.0.0.1:514\nneighborhood.host: evil",
                    "telemetry.logs.local.rfc5424.facility": "a\tb",
                    "runtime.deployment.mechanism": 1,
                },
            }),
            [
                'gateway.dnsConfig.options[0].name: got "ndots\\n"; must not contain line breaks or other control characters',
                'gateway.dnsConfig.options[0].value: got "2\\r"; must not contain line breaks or other control characters',
                'gateway.observability.logs.local.endpoint: got "127.0.0.1:8888\\nx"; must not contain line breaks or other control characters',
                'gateway.additionalSettings["telemetry.logs.local.rfc5424.endpoint"]: shadows the typed option gateway.observability.logs.local.endpoint; set that instead',
                'gateway.additionalSettings["telemetry.logs.local.rfc5424.endpoint"]: contains a line break or another control character; a setting is a single line',
                'gateway.additionalSettings["telemetry.logs.local.rfc5424.facility"]: shadows the typed option gateway.observability.logs.local.facility; set that instead',
                'gateway.additionalSettings["telemetry.logs.local.rfc5424.facility"]: contains a line break or another control character; a setting is a single line',
                'gateway.additionalSettings["runtime.deployment.mechanism"]: is set by the component (deployment metadata); it cannot be overridden',
            ],
        );
    });

    it("refuses credentials inside the OpenTelemetry collector and Entra authority URLs, and never repeats them", () => {
        const problems = problemsOf({
            ...base,
            auth: {
                type: "azureAdApp",
                azureAdApp: {
                    tenantId: GUID,
                    clientId: GUID,
                    clientSecret: "x",
                    authority: `https://me:${FAKE_CLIENT_SECRET}@login.example`,
                },
            },
            observability: { openTelemetry: { collectorUri: `http://otel:${FAKE_CLIENT_SECRET}@collector:4317` } },
        });
        assert.deepEqual(problems, [
            'gateway.auth.azureAdApp.authority: got "https://***@login.example"; must not contain credentials (user:password@); plain stack config is not secret',
            'gateway.observability.openTelemetry.collectorUri: got "http://***@collector:4317"; must not contain credentials (user:password@); plain stack config is not secret',
        ]);
        assert.equal(problems.join("\n").includes(FAKE_CLIENT_SECRET), false);
    });

    it("never repeats a URL's query or fragment, nor any part of a webhook URL, in a message", () => {
        const problems = problemsOf({
            ...base,
            token: {
                armEndpoint: "http://arm.example/azure?sig=SECRETSIG123456#frag",
                expiryAlerts: {
                    webhookUrl: "http://hooks.example/services/SECRETPATH123456?code=SECRETCODE123456",
                    systemTopic: { name: "t", create: false },
                },
            },
            proxy: { http: "http://me:SECRETPW123456@proxy:3128/?token=SECRETQUERY123456" },
            namespace: { name: "gw", create: false },
            observability: { logs: { local: { type: "localsyslog", endpoint: "udp://collector:514/?key=SECRETKEY123456" } } },
        });
        assert.deepEqual(problems, [
            'gateway.token.armEndpoint: got "http://arm.example/azure?…"; expected an https:// URL such as https://management.usgovcloudapi.net',
            "gateway.token.expiryAlerts.webhookUrl: got a value (hidden: it is a secret); expected an https:// URL without user:password@ (a Pulumi secret)",
            'gateway.proxy.http: got "http://***@proxy:3128/?…"; must not contain credentials (user:password@); plain stack config is not secret',
            'gateway.observability.logs.local.endpoint: got "udp://collector:514/?…"; with type "localsyslog" it is the syslog socket\'s path in the pod, such as /dev/log (the node\'s /dev/log is mounted there)',
        ]);
        assert.doesNotMatch(problems.join("\n"), /SECRET/);
    });

    it("takes only the gateway's own settings, as Microsoft's reference spells them, and names the typed option where one exists", () => {
        const prod = { ...base, environment: "prod" };
        const NOT_A_SETTING =
            "is not a setting of the self-hosted gateway; additionalSettings takes only the settings of Microsoft's settings reference, " +
            "spelled as it spells them (docs/configuration.md), never other environment variables of the container";
        const problems = validateArgs(
            {
                ...prod,
                additionalSettings: {
                    // The review's config: a `__` spelling of a typed option's key, and runtime variables.
                    config__service__endpoint__disableCertificateValidation: "true",
                    SSL_CERT_FILE: "/tmp/evil.pem",
                    all_proxy: "http://evil:3128",
                    DOTNET_STARTUP_HOOKS: "/tmp/hook.dll",
                    // Other spellings and keys.
                    "Config.Service.Integration.Timeout": "00:03:00",
                    https_proxy: "http://p:1",
                    Telemetry__Logs__Std: "json",
                    "k8s.ingress.enabled": true,
                    "neighborhood.heartbeat.port": 4391,
                    ASPNETCORE_URLS: "http://+:80",
                    "no.such.setting": 1,
                    // Spelled as the reference spells them, but each is a typed option's now: named.
                    "config.service.integration.timeout": "00:03:00",
                    "net.server.http.forwarded.proto.enabled": true,
                    "security.certificate-revocation.validation.enabled": true,
                    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls13": true,
                },
            },
            "gateway",
            CLOCK_DATE,
        );
        assert.deepEqual(problems.ok ? [] : problems.problems, [
            'gateway.additionalSettings["config__service__endpoint__disableCertificateValidation"]: shadows the typed option gateway.configurationTrust.disableCertificateValidation; set that instead',
            `gateway.additionalSettings["SSL_CERT_FILE"]: ${NOT_A_SETTING}`,
            `gateway.additionalSettings["all_proxy"]: ${NOT_A_SETTING}`,
            `gateway.additionalSettings["DOTNET_STARTUP_HOOKS"]: ${NOT_A_SETTING}`,
            'gateway.additionalSettings["Config.Service.Integration.Timeout"]: shadows the typed option gateway.apim.configurationTimeoutSeconds; set that instead',
            'gateway.additionalSettings["https_proxy"]: shadows the typed option gateway.proxy.https; set that instead',
            'gateway.additionalSettings["Telemetry__Logs__Std"]: shadows the typed option gateway.observability.logs.std.format; set that instead',
            'gateway.additionalSettings["k8s.ingress.enabled"]: is not offered: the Ingress integration (preview) reads the Kubernetes API from the pods, and the pods get no ServiceAccount token',
            'gateway.additionalSettings["neighborhood.heartbeat.port"]: shadows the typed option gateway.instanceDiscovery.heartbeatPort; set that instead',
            `gateway.additionalSettings["ASPNETCORE_URLS"]: ${NOT_A_SETTING}`,
            `gateway.additionalSettings["no.such.setting"]: ${NOT_A_SETTING}`,
            'gateway.additionalSettings["config.service.integration.timeout"]: shadows the typed option gateway.apim.configurationTimeoutSeconds; set that instead',
            'gateway.additionalSettings["net.server.http.forwarded.proto.enabled"]: shadows the typed option gateway.service.honorForwardedProto; set that instead',
            'gateway.additionalSettings["security.certificate-revocation.validation.enabled"]: shadows the typed option gateway.tls.certificateRevocationValidation; set that instead',
            'gateway.additionalSettings["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls13"]: shadows the typed option gateway.tls.backendProtocols.tls13; set that instead',
            // The production rules, in the same round: the `__` spelling still turns validation off.
            "gateway.configurationTrust.disableCertificateValidation: is true; production validates the configuration endpoint's certificate (trust a private CA with configurationTrust.caCertificates instead)",
            'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        ]);
        // In dev as well: these are not production rules.
        const dev = validateArgs({ ...base, environment: "dev", additionalSettings: { SSL_CERT_FILE: "/x" } }, "gateway");
        assert.deepEqual(dev.ok ? [] : dev.problems, [`gateway.additionalSettings["SSL_CERT_FILE"]: ${NOT_A_SETTING}`]);
        // Backend protocols older than TLS 1.2 are a production rule.
        const old = validateArgs(
            {
                ...prod,
                additionalSettings: {
                    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10": true,
                    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11": "False",
                },
            },
            "gateway",
        );
        assert.deepEqual(old.ok ? [] : old.problems, [
            'gateway.additionalSettings["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10"]: shadows the typed option gateway.tls.backendProtocols.tls10; set that instead',
            'gateway.additionalSettings["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11"]: shadows the typed option gateway.tls.backendProtocols.tls11; set that instead',
            // The production rule still reads the map the component would build, and names the typed option.
            "gateway.tls.backendProtocols.tls10: is true; production speaks TLS 1.2 or later to backends, not TLS 1.0 (remove it, or set it to false)",
            'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack',
        ]);
    });

    it("refuses a settings map larger than a ConfigMap holds, naming additionalSettings", () => {
        // 1 MiB of value alone; the message counts every key and value of the map the component would build.
        // Every setting of the reference has a typed option now, so the key is refused too; the size is judged all the same.
        const shadows =
            'gateway.additionalSettings["logs.applicationinsights.endpoint"]: shadows the typed option gateway.observability.applicationInsights.endpoint; set that instead';
        assert.deepEqual(problemsOf({ ...base, additionalSettings: { "logs.applicationinsights.endpoint": "x".repeat(1024 * 1024) } }), [
            shadows,
            "gateway.additionalSettings: the gateway's settings come to 1049084 bytes, more than the 1048576 bytes (1 MiB) a ConfigMap holds; " +
                "shorten or remove the largest values",
        ]);
        assert.deepEqual(
            problemsOf({ ...base, additionalSettings: { "logs.applicationinsights.endpoint": "x".repeat(1024 * 1024 - 1000) } }),
            [shadows],
        );
    });

    it("takes a gateway description of at most 1000 characters, as ARM does, and names a long value by its start and length", () => {
        assert.deepEqual(problemsOf({ ...base, apim: { ...base.apim, description: "d".repeat(1000) } }), []);
        assert.deepEqual(problemsOf({ ...base, apim: { ...base.apim, description: "d".repeat(5 * 1024 * 1024) } }), [
            `gateway.apim.description: got "${"d".repeat(60)}"… (5242880 characters); must be at most 1000 characters`,
        ]);
    });
});

describe("validation: prefixes, names and the token rule", () => {
    const at = new Date("2026-11-23T00:00:00Z");
    const result = (raw: object, prefix?: string) => validateArgs({ ...base, ...raw }, prefix, at);

    it("checks the gateway name as a Kubernetes name prefix only for the stack program, where it names the objects", () => {
        const apim = { ...base.apim, gatewayName: "GW_1" };
        assert.deepEqual(result({ apim }, "gateway"), {
            ok: false,
            problems: [
                "gateway.apim.gatewayName: got \"GW_1\"; it prefixes Kubernetes object names, so it must be a DNS-1123 label of at most 44 characters (lower-case letters, digits, '-')",
            ],
        });
        assert.equal(result({ apim }).ok, true);
    });

    it("names keys under args by default, and remembers the prefix the arguments were validated under", () => {
        assert.deepEqual(result({ replicas: "three" }), { ok: false, problems: ['args.replicas: got "three"; expected a whole number'] });
        const asStack = result({}, "gateway");
        const asArgs = result({});
        assert.deepEqual([asStack.ok && prefixOf(asStack.args), asArgs.ok && prefixOf(asArgs.args)], ["gateway", "args"]);
        assert.equal(prefixOf(base as SelfHostedGatewayArgs), "args");
    });

    it("reports invalid rotation settings once, whatever the sign-in, and reads the token rules only for token sign-in", () => {
        assert.deepEqual(result({ token: { lifetimeDays: 40 } }, "gateway"), {
            ok: false,
            problems: ["gateway.token.lifetimeDays: got 40 (number); must be at most 30"],
        });
        const dev = result({ environment: "dev", token: { lifetimeDays: 3, rotateEveryDays: 2 } }, "gateway");
        assert.deepEqual(dev.ok && dev.warnings, [
            "gateway.token.rotateEveryDays: got 2 with token.lifetimeDays 3; a token then outlives its rotation by 1 day(s), so one failed " +
                "daily rotation run lets it expire. Keep lifetimeDays - rotateEveryDays at 2 days or more (e.g. lifetimeDays 30, rotateEveryDays 7)",
        ]);
        // Other sign-ins have no token: their rotation settings are still checked, and no token rule runs.
        assert.deepEqual(
            result({ auth: { type: "existingSecret", existingSecret: { name: "s" } }, token: { lifetimeDays: 40 } }, "gateway"),
            {
                ok: false,
                problems: ["gateway.token.lifetimeDays: got 40 (number); must be at most 30"],
            },
        );
    });

    it("leaves keys that only zod would drop to the forbidden-key problem, without a second line for them", () => {
        const raw = JSON.parse(
            JSON.stringify({ ...base, nodeSelector: { "x y": "1" } }).replace(
                '"nodeSelector":{',
                '"prototype":1,"nodeSelector":{"__proto__":{"a":"b"},',
            ),
        ) as Record<string, unknown>;
        assert.deepEqual(problemsOf(raw), [
            'gateway["prototype"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
            'gateway.nodeSelector["__proto__"]: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it',
            'gateway.nodeSelector["x y"]: invalid key; must be a label key such as team or example.com/team',
        ]);
    });
});

describe("validation: the checkable part of a refused input", () => {
    const at = new Date("2026-11-23T00:00:00Z");
    const problems = (raw: unknown) => {
        const r = validateArgs(raw, "gateway", at);
        return r.ok ? [] : r.problems;
    };
    const PROD = 'gateway.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack';

    it("says nothing about the stand-ins that replace refused or missing required values", () => {
        assert.deepEqual(problems({ namespace: { name: "gw", podSecurityLevel: "restricted" }, replicas: 3 }), [
            "gateway.apim: got nothing; required (expected an object)",
        ]);
        assert.deepEqual(problems({ ...base, apim: "x" }), ['gateway.apim: got "x"; expected an object']);
        assert.deepEqual(
            problems({ ...base, apim: { resourceGroupName: 5, serviceName: "svc", gatewayName: "gw", location: { name: 7 } } }),
            [
                "gateway.apim.resourceGroupName: got 5 (number); expected a string",
                "gateway.apim.location.name: got 7 (number); expected a string",
            ],
        );
        assert.deepEqual(problems("nope"), ['gateway: got "nope"; expected an object']);
    });

    it("applies the rules to the rest even when a required value is missing or refused (stand-ins take its place)", () => {
        const rule = ["gateway.replicas: got 1; production needs at least 2 (3 recommended)", PROD];
        assert.deepEqual(problems({ namespace: { name: "gw", podSecurityLevel: "restricted" }, replicas: 1 }), [
            "gateway.apim: got nothing; required (expected an object)",
            ...rule,
        ]);
        assert.deepEqual(problems({ ...base, apim: "x", replicas: 1 }), ['gateway.apim: got "x"; expected an object', ...rule]);
        assert.deepEqual(problems({ ...base, namespace: 5, replicas: 1 }), [
            "gateway.namespace: got 5 (number); expected an object",
            ...rule,
        ]);
        assert.deepEqual(
            problems({
                ...base,
                apim: { resourceGroupName: 5, serviceName: "svc", gatewayName: "gw", location: { name: 7 } },
                replicas: 1,
            }),
            [
                "gateway.apim.resourceGroupName: got 5 (number); expected a string",
                "gateway.apim.location.name: got 7 (number); expected a string",
                ...rule,
            ],
        );
    });

    it("runs the token rule only on valid rotation settings, and only for token sign-in", () => {
        assert.deepEqual(problems({ ...base, replicas: 3, token: { lifetimeDays: 7, rotateEveryDays: 7 } }), [
            "gateway.token.rotateEveryDays: got 7; it must be less than gateway.token.lifetimeDays (7), or a token expires before the next one is issued",
        ]);
        assert.deepEqual(
            problems({
                ...base,
                replicas: 3,
                auth: { type: "existingSecret", existingSecret: { name: "s" } },
                token: { lifetimeDays: 7, rotateEveryDays: 7 },
            }),
            [
                "gateway.token.rotateEveryDays: got 7; it must be less than gateway.token.lifetimeDays (7), or a token expires before the next one is issued",
                'gateway.token: only applies when gateway.auth.type is "token" (it is "existingSecret"): nothing is issued or rotated in this mode; remove it',
            ],
        );
    });

    it("still applies the production rules to the rest, in the same round", () => {
        assert.deepEqual(problems({ ...base, replicas: "three", image: { tag: "latest" } }), [
            'gateway.replicas: got "three"; expected a whole number',
            `gateway.image.tag: got "latest"; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
            PROD,
        ]);
        const replicas = "gateway.replicas: got 1; production needs at least 2 (3 recommended)";
        assert.deepEqual(
            problems({
                ...base,
                replicas: 1,
                tolerations: [
                    { key: "a", operator: "Exists" },
                    { key: "b", operator: "Bogus" },
                ],
            }),
            ['gateway.tolerations[1].operator: got "Bogus"; expected one of "Exists", "Equal"', replicas, PROD],
        );
        assert.deepEqual(problems({ ...base, replicas: 1, highAvailability: { bogus: 1, maxUnavailable: 1 } }), [
            "gateway.highAvailability.bogus: unknown key; allowed keys here: enabled, maxUnavailable, topologySpread, antiAffinity",
            replicas,
            PROD,
        ]);
        assert.deepEqual(problems({ ...base, highAvailability: { maxUnavailable: "x", antiAffinity: "preferred" }, replicas: 1 }), [
            'gateway.highAvailability.maxUnavailable: got "x"; expected a whole number ≥ 0 or a percentage such as "25%"',
            replicas,
            PROD,
        ]);
        // In dev the rules are warnings: only the schema's problem remains.
        assert.deepEqual(problems({ ...base, environment: "dev", replicas: "x", image: { tag: "latest" } }), [
            'gateway.replicas: got "x"; expected a whole number',
        ]);
    });

    it("does not repeat a rule about a key whose value was refused", () => {
        assert.deepEqual(problems({ ...base, replicas: 1, autoscaling: { minReplicas: 0, maxReplicas: 2 } }), [
            "gateway.autoscaling.minReplicas: got 0 (number); must be at least 1",
        ]);
        assert.deepEqual(problems({ ...base, token: { lifetimeDays: "x", rotateEveryDays: 40 } }), [
            'gateway.token.lifetimeDays: got "x"; expected a whole number',
            "gateway.token.rotateEveryDays: got 40 (number); must be at most 29",
        ]);
    });
});

describe("validation: label keys and values that are not plain data", () => {
    /** A DNS subdomain of exactly n characters: labels of 63 'a' or 'b' joined by dots. */
    const subdomain = (n: number) => {
        let s = "a".repeat(63);
        while (s.length < n) s += `.${"b".repeat(Math.min(63, n - s.length - 1))}`;
        return s;
    };

    it("accepts a label-key prefix of up to 253 characters", () => {
        assert.equal(subdomain(253).length, 253);
        assert.deepEqual(problemsOf({ ...base, replicas: 3, commonLabels: { [`${subdomain(253)}/team`]: "x" } }), []);
        const long = `${subdomain(254)}/team`;
        assert.deepEqual(problemsOf({ ...base, replicas: 3, commonLabels: { [long]: "x" } }), [
            `gateway.commonLabels[${JSON.stringify(long)}]: invalid key; must be a label key such as team or example.com/team`,
        ]);
    });

    it("takes an object without a prototype as plain, and leaves a promise for later", () => {
        const nodeSelector = Object.assign(Object.create(null) as Record<string, string>, { "kubernetes.io/os": "linux" });
        assert.deepEqual(problemsOf({ ...base, replicas: 3, nodeSelector }), []);
        assert.deepEqual(problemsOf({ ...base, replicas: 3, apim: { ...base.apim, serviceName: Promise.resolve("svc") } }), []);
    });
});

describe("validation: generic messages", () => {
    const ok = { ...base, replicas: 3 };

    it("names the expected type in plain words", () => {
        assert.deepEqual(problemsOf({ ...ok, observability: { metrics: { statsd: { endpoint: "10.0.0.1:8125", sampling: "half" } } } }), [
            'gateway.observability.metrics.statsd.sampling: got "half"; expected a number',
        ]);
        assert.deepEqual(problemsOf({ ...ok, configBackup: { enabled: "yes" } }), [
            'gateway.configBackup.enabled: got "yes"; expected true or false',
        ]);
        // An empty value gets one line: the checks of its characters stop there.
        assert.deepEqual(problemsOf({ ...ok, apim: { ...ok.apim, resourceGroupName: "" } }), [
            'gateway.apim.resourceGroupName: got ""; must not be empty',
        ]);
    });

    it("shows a value of up to 60 characters whole, and a longer one by its start and length", () => {
        const sixty = `?${"x".repeat(59)}`;
        assert.deepEqual(problemsOf({ ...ok, apim: { ...ok.apim, serviceName: sixty } }), [
            `gateway.apim.serviceName: got ${JSON.stringify(sixty)}; must be at most 50 characters`,
            `gateway.apim.serviceName: got ${JSON.stringify(sixty)}; letters, digits and '-', starting with a letter`,
        ]);
        const long = `${"x".repeat(60)}?`;
        const cut = `${JSON.stringify("x".repeat(60))}… (61 characters)`;
        assert.deepEqual(problemsOf({ ...ok, apim: { ...ok.apim, serviceName: long } }), [
            `gateway.apim.serviceName: got ${cut}; must be at most 50 characters`,
            `gateway.apim.serviceName: got ${cut}; letters, digits and '-', starting with a letter`,
        ]);
    });
});
