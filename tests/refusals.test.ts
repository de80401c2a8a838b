// Each refused value gets one line naming its key path, the value and the fix; a value at a limit is accepted.
import { strict as assert } from "assert";
import { validateArgs } from "../components";

const GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const base = {
    apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } },
    namespace: { name: "gw" },
};
const SUB = `/subscriptions/${GUID}/resourceGroups/rg/providers/microsoft.insights/actionGroups`;

/** The problems of `base` with the given top-level keys replaced. */
function problemsOf(patch: Record<string, unknown>): string[] {
    const r = validateArgs({ ...base, ...patch }, "gateway");
    return r.ok ? [] : r.problems;
}
const apim = (patch: Record<string, unknown>) => ({ apim: { ...base.apim, ...patch } });
const provision = (patch: Record<string, unknown>) => ({
    auth: {
        type: "workloadIdentity",
        workloadIdentity: {
            provision: { oidcIssuerUrl: "https://oidc.example/", location: "westeurope", apimPrincipalId: GUID, ...patch },
        },
    },
});
const topic = (patch: Record<string, unknown>) => ({
    token: { expiryAlerts: { webhookUrl: "https://hooks.example/x", systemTopic: { name: "topic", location: "westeurope", ...patch } } },
});

/** [what, the input's replaced keys, the exact problems] */
const CASES: [string, Record<string, unknown>, string[]][] = [
    // The stack program names the component after the gateway, so its name also prefixes Kubernetes names (44 at most).
    [
        "apim names at their limits",
        apim({ resourceGroupName: "r".repeat(90), serviceName: "s".repeat(50), gatewayName: "g".repeat(44) }),
        [],
    ],
    [
        "apim names over their limits",
        apim({ resourceGroupName: "r".repeat(91), serviceName: "s".repeat(51), gatewayName: "g".repeat(45) }),
        [
            `gateway.apim.resourceGroupName: got "${"r".repeat(60)}"… (91 characters); must be at most 90 characters`,
            `gateway.apim.serviceName: got "${"s".repeat(51)}"; must be at most 50 characters`,
            `gateway.apim.gatewayName: got "${"g".repeat(45)}"; it prefixes Kubernetes object names, so it must be a DNS-1123 label of at most 44 characters (lower-case letters, digits, '-')`,
        ],
    ],
    [
        "apim names with refused characters",
        apim({ resourceGroupName: "rg x", serviceName: "9svc", gatewayName: "a/b" }),
        [
            "gateway.apim.resourceGroupName: got \"rg x\"; letters, digits, '-', '_', '.', '(' and ')' only",
            "gateway.apim.serviceName: got \"9svc\"; letters, digits and '-', starting with a letter",
            'gateway.apim.gatewayName: got "a/b"; must not contain * # & + : < > ? / % \\',
        ],
    ],
    [
        "apim values that are not strings",
        apim({ resourceGroupName: 5, serviceName: null, gatewayName: {} }),
        [
            "gateway.apim.resourceGroupName: got 5 (number); expected a string",
            "gateway.apim.serviceName: got null (object); expected a string",
            "gateway.apim.gatewayName: got an object; expected a string",
        ],
    ],
    [
        "apim text around valid names",
        apim({ resourceGroupName: "rg/x", serviceName: "svc-", gatewayName: "gw#" }),
        [
            "gateway.apim.resourceGroupName: got \"rg/x\"; letters, digits, '-', '_', '.', '(' and ')' only",
            "gateway.apim.serviceName: got \"svc-\"; letters, digits and '-', starting with a letter",
            'gateway.apim.gatewayName: got "gw#"; must not contain * # & + : < > ? / % \\',
        ],
    ],
    [
        "configuration endpoint with a scheme",
        apim({ configurationEndpoint: "https://gw.contoso.com" }),
        [
            'gateway.apim.configurationEndpoint: got "https://gw.contoso.com"; must be a host name such as apim.configuration.contoso.com (no https://, no path)',
        ],
    ],
    [
        "namespace name too long, then not a label",
        { namespace: { name: "n".repeat(64) } },
        [`gateway.namespace.name: got "${"n".repeat(60)}"… (64 characters); must be at most 63 characters`],
    ],
    [
        "namespace name not a label",
        { namespace: { name: "Edge_NS" } },
        [
            "gateway.namespace.name: got \"Edge_NS\"; must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
        ],
    ],
    [
        "rolling update values",
        { rollingUpdate: { maxUnavailable: true, maxSurge: "110%" } },
        [
            'gateway.rollingUpdate.maxUnavailable: got true (boolean); expected a whole number ≥ 0 or a percentage such as "25%"',
            'gateway.rollingUpdate.maxSurge: got "110%"; expected a whole number ≥ 0 or a percentage such as "25%"',
        ],
    ],
    [
        "image reference parts",
        { image: { repository: "Mcr/x", tag: ".x", digest: "sha256:abc" } },
        [
            'gateway.image.repository: got "Mcr/x"; must be an image repository such as mcr.microsoft.com/azure-api-management/gateway',
            'gateway.image.tag: got ".x"; must be an image tag such as 2.11.1',
            'gateway.image.digest: got "sha256:abc"; must look like sha256:<64 hex characters>',
        ],
    ],
    [
        "resource quantities",
        { resources: { requests: { cpu: "1 core", memory: -1 } } },
        [
            'gateway.resources.requests.cpu: got "1 core"; expected a Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi" (no spaces)',
            'gateway.resources.requests.memory: got -1 (number); expected a Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi" (no spaces)',
        ],
    ],
    ["service ports at their limits", { service: { httpPort: 1, httpsPort: 65535 } }, []],
    [
        "service ports out of range",
        { service: { httpPort: 0, httpsPort: 65536 } },
        [
            "gateway.service.httpPort: got 0 (number); must be at least 1",
            "gateway.service.httpsPort: got 65536 (number); must be at most 65535",
        ],
    ],
    [
        "storage class, size and claim",
        { configBackup: { storageClassName: "-csi", size: "50 Mi", existingClaimName: "c".repeat(64) } },
        [
            'gateway.configBackup.storageClassName: got "-csi"; must be a storage class name such as azurefile-csi',
            'gateway.configBackup.size: got "50 Mi"; expected a Kubernetes quantity such as "50Mi" (no spaces)',
            `gateway.configBackup.existingClaimName: got "${"c".repeat(60)}"… (64 characters); must be at most 63 characters`,
        ],
    ],
    ["storage class and claim at their limits", { configBackup: { storageClassName: "a.b-c", existingClaimName: "c".repeat(63) } }, []],
    ["DNS searches at the limit and over it", { dnsConfig: { searches: Array.from({ length: 32 }, (_, i) => `s${i}.example`) } }, []],
    [
        "DNS searches over the limit",
        { dnsConfig: { searches: Array.from({ length: 33 }, (_, i) => `s${i}.example`) } },
        ["gateway.dnsConfig.searches: got a list; must have at most 32 items"],
    ],
    ["an existing Secret's key", { auth: { type: "existingSecret", existingSecret: { name: "s", key: "k".repeat(253) } } }, []],
    [
        "an existing Secret's key, refused",
        { auth: { type: "existingSecret", existingSecret: { name: "s", key: "a/b" } } },
        ["gateway.auth.existingSecret.key: got \"a/b\"; must be a Secret key: letters, digits, '-', '_' and '.'"],
    ],
    [
        "Entra ids",
        { auth: { type: "azureAdApp", azureAdApp: { tenantId: "t", clientId: GUID, clientSecret: "x" } } },
        ['gateway.auth.azureAdApp.tenantId: got "t"; must be a GUID such as 00000000-0000-0000-0000-000000000000'],
    ],
    [
        "provisioning: region, group, identity and role",
        provision({ location: "West Europe", resourceGroupName: "rg x", identityName: "-id", roleDefinitionId: "reader" }),
        [
            'gateway.auth.workloadIdentity.provision.location: got "West Europe"; must be an Azure region name such as westeurope',
            "gateway.auth.workloadIdentity.provision.resourceGroupName: got \"rg x\"; letters, digits, '-', '_', '.', '(' and ')' only",
            "gateway.auth.workloadIdentity.provision.identityName: got \"-id\"; must be 3 to 128 letters, digits, '-' or '_', starting with a letter or digit",
            'gateway.auth.workloadIdentity.provision.roleDefinitionId: got "reader"; expected a role definition GUID or /subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<GUID>',
        ],
    ],
    [
        "provisioning: names at their limits",
        provision({ resourceGroupName: "r".repeat(90), identityName: "i".repeat(128), roleDefinitionId: GUID }),
        [],
    ],
    [
        "provisioning: names over their limits",
        provision({ resourceGroupName: "r".repeat(91), identityName: "i".repeat(129) }),
        [
            `gateway.auth.workloadIdentity.provision.resourceGroupName: got "${"r".repeat(60)}"… (91 characters); must be at most 90 characters`,
            `gateway.auth.workloadIdentity.provision.identityName: got "${"i".repeat(60)}"… (129 characters); must be 3 to 128 letters, digits, '-' or '_', starting with a letter or digit`,
        ],
    ],
    [
        "topology keys",
        { highAvailability: { topologySpread: { topologyKeys: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"] } } },
        [],
    ],
    [
        "toleration value",
        { tolerations: [{ key: "k", operator: "Equal", value: "-v", effect: "NoSchedule" }] },
        ['gateway.tolerations[0].value: got "-v"; must be a label value'],
    ],
    ["host aliases", { hostAliases: [{ ip: "10.0.0.1", hostnames: ["a.example", "b.example"] }] }, []],
    [
        "host aliases, refused",
        { hostAliases: [{ ip: "10.0.0.1", hostnames: ["-a"] }] },
        ['gateway.hostAliases[0].hostnames[0]: got "-a"; must be a host name'],
    ],
    [
        "network policy ranges",
        { networkPolicy: { ingressFrom: [{ ipBlock: { cidr: "10.0.0.0", except: ["x"] } }] } },
        [
            'gateway.networkPolicy.ingressFrom[0].ipBlock.cidr: got "10.0.0.0"; must be a CIDR such as 10.0.0.0/8',
            'gateway.networkPolicy.ingressFrom[0].ipBlock.except[0]: got "x"; must be a CIDR such as 10.0.0.0/24',
        ],
    ],
    [
        "cipher suites",
        { tls: { serverCipherSuites: ["TLS_A", "TLS_B"], clientCipherSuites: ["x TLS_A"] } },
        ['gateway.tls.clientCipherSuites[0]: got "x TLS_A"; must be a cipher suite name such as TLS_AES_256_GCM_SHA384'],
    ],
    [
        "cipher suites, text after",
        { tls: { serverCipherSuites: ["TLS_A x"] } },
        ['gateway.tls.serverCipherSuites[0]: got "TLS_A x"; must be a cipher suite name such as TLS_AES_256_GCM_SHA384'],
    ],
    [
        "CA directory",
        { configurationTrust: { caDirectory: "/etc/ssl/certs/" } },
        ['gateway.configurationTrust.caDirectory: got "/etc/ssl/certs/"; must be an absolute directory such as /etc/ssl/certs'],
    ],
    [
        "CA directory, text before",
        { configurationTrust: { caDirectory: "x/etc/ssl" } },
        ['gateway.configurationTrust.caDirectory: got "x/etc/ssl"; must be an absolute directory such as /etc/ssl/certs'],
    ],
    [
        "statsd endpoint",
        { observability: { metrics: { statsd: { endpoint: "x udp://statsd:8125" } } } },
        [
            'gateway.observability.metrics.statsd.endpoint: got "x udp://statsd:8125"; must be host:port such as 10.0.41.179:8125 (optionally udp://)',
        ],
    ],
    [
        "statsd endpoint, text after",
        { observability: { metrics: { statsd: { endpoint: "statsd:8125/x" } } } },
        [
            'gateway.observability.metrics.statsd.endpoint: got "statsd:8125/x"; must be host:port such as 10.0.41.179:8125 (optionally udp://)',
        ],
    ],
    [
        "collector URI scheme",
        { observability: { openTelemetry: { collectorUri: "grpc://otel:4317" } } },
        ['gateway.observability.openTelemetry.collectorUri: got "grpc://otel:4317"; expected a URL such as http://otel-collector:4317'],
    ],
    ["collector URI schemes accepted", { observability: { openTelemetry: { collectorUri: "https://otel:4317" } } }, []],
    [
        "hostnames: id, hostname and certificate",
        { hostnames: [{ id: "-api", hostname: "*.contoso.com", certificateId: "a/b" }] },
        [
            "gateway.hostnames[0].id: got \"-api\"; letters, digits and '-', at most 80",
            'gateway.hostnames[0].certificateId: got "a/b"; must be an APIM certificate id',
        ],
    ],
    [
        "hostnames: id with text after",
        { hostnames: [{ id: "api x", hostname: "api.contoso.com" }] },
        ["gateway.hostnames[0].id: got \"api x\"; letters, digits and '-', at most 80"],
    ],
    [
        "certificate authority id",
        { certificateAuthorities: [{ certificateId: "a/b" }] },
        ['gateway.certificateAuthorities[0].certificateId: got "a/b"; must be an APIM certificate id'],
    ],
    [
        "token ARM endpoint scheme",
        { token: { armEndpoint: "http://management.example" } },
        [
            'gateway.token.armEndpoint: got "http://management.example"; expected an https:// URL such as https://management.usgovcloudapi.net',
        ],
    ],
    [
        "token ARM endpoint, scheme with text around",
        { token: { armEndpoint: "xhttps://management.example" } },
        [
            'gateway.token.armEndpoint: got "xhttps://management.example"; expected an https:// URL such as https://management.usgovcloudapi.net',
        ],
    ],
    [
        "expiry alerts: action groups",
        { token: { expiryAlerts: { actionGroupIds: [`${SUB}/ag`, `${SUB}/ag2`], systemTopic: { name: "t", location: "westeurope" } } } },
        [],
    ],
    [
        "expiry alerts: action group ids refused",
        {
            token: {
                expiryAlerts: {
                    actionGroupIds: [
                        `x${SUB}/ag`,
                        `${SUB}/a/b`,
                        `/subscriptions//resourceGroups/rg/providers/microsoft.insights/actionGroups/ag`,
                    ],
                    systemTopic: { name: "t", location: "westeurope" },
                },
            },
        },
        [
            'gateway.token.expiryAlerts.actionGroupIds[0]: got "x/subscriptions/72f988bf-86f1-41af-91ab-2d7cd011db47/resourc"… (115 characters); must be an action group id: /subscriptions/<sub>/resourceGroups/<rg>/providers/microsoft.insights/actionGroups/<name>',
            'gateway.token.expiryAlerts.actionGroupIds[1]: got "/subscriptions/72f988bf-86f1-41af-91ab-2d7cd011db47/resource"… (115 characters); must be an action group id: /subscriptions/<sub>/resourceGroups/<rg>/providers/microsoft.insights/actionGroups/<name>',
            'gateway.token.expiryAlerts.actionGroupIds[2]: got "/subscriptions//resourceGroups/rg/providers/microsoft.insigh"… (78 characters); must be an action group id: /subscriptions/<sub>/resourceGroups/<rg>/providers/microsoft.insights/actionGroups/<name>',
        ],
    ],
    [
        "expiry alerts: system topic names",
        topic({ name: "t_x", resourceGroupName: "rg x" }),
        [
            "gateway.token.expiryAlerts.systemTopic.name: got \"t_x\"; letters, digits and '-' only",
            "gateway.token.expiryAlerts.systemTopic.resourceGroupName: got \"rg x\"; letters, digits, '-', '_', '.', '(' and ')' only",
        ],
    ],
    ["expiry alerts: system topic names at their limits", topic({ name: "t".repeat(128), resourceGroupName: "r".repeat(90) }), []],
    [
        "expiry alerts: system topic names over their limits",
        topic({ name: "t".repeat(129), resourceGroupName: "r".repeat(91) }),
        [
            `gateway.token.expiryAlerts.systemTopic.name: got "${"t".repeat(60)}"… (129 characters); must be at most 128 characters`,
            `gateway.token.expiryAlerts.systemTopic.resourceGroupName: got "${"r".repeat(60)}"… (91 characters); must be at most 90 characters`,
        ],
    ],
    [
        "a list or a number of the wrong type",
        { image: { pullSecrets: "regcred" }, replicas: "3" },
        ['gateway.replicas: got "3"; expected a whole number', 'gateway.image.pullSecrets: got "regcred"; expected a list'],
    ],
    [
        "a number where a list is needed, a string where a number is",
        {
            observability: {
                openTelemetry: { collectorUri: "http://otel:4317", histogramBuckets: 5 },
                metrics: { statsd: { endpoint: "statsd:8125", sampling: "half" } },
            },
        },
        [
            'gateway.observability.metrics.statsd.sampling: got "half"; expected a number',
            "gateway.observability.openTelemetry.histogramBuckets: got 5 (number); expected a list",
        ],
    ],
    [
        "an empty list where an item is needed",
        { image: { pullSecrets: [] } },
        ["gateway.image.pullSecrets: got a list; must have at least 1 item"],
    ],
    ["a list where a string is needed", apim({ serviceName: ["svc"] }), ["gateway.apim.serviceName: got a list; expected a string"]],
    [
        "a map key that is not a label key",
        { nodeSelector: { "bad key": "x" } },
        ['gateway.nodeSelector["bad key"]: invalid key; must be a label key such as team or example.com/team'],
    ],
];

describe("refusals: one line per bad value, naming the key and the fix", () => {
    for (const [what, patch, expected] of CASES) {
        it(what, () => assert.deepEqual(problemsOf(patch), expected));
    }
});
