// Each refused value gets one line naming its key path, the value and the fix; a value at a limit is accepted.
import { strict as assert } from "assert";
import { DEFAULT_IMAGE_TAG } from "../components/args";
import { validateArgs } from "../components";
import { TEST_CA_PEM as PEM } from "./expected";

const GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const base = {
    apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } },
    namespace: { name: "gw", podSecurityLevel: "restricted" },
};
const SUB = `/subscriptions/${GUID}/resourceGroups/rg/providers`;

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
        "the gateway name Azure reserves",
        apim({ gatewayName: "managed" }),
        ['gateway.apim.gatewayName: got "managed"; must not be "managed" (Azure refuses that gateway id); choose another name'],
    ],
    [
        "location fields at and over Azure's 256 characters",
        apim({ location: { name: "n".repeat(257), city: "c".repeat(257), district: "d".repeat(256), countryOrRegion: "r".repeat(257) } }),
        [
            `gateway.apim.location.name: got "${"n".repeat(60)}"… (257 characters); must be at most 256 characters`,
            `gateway.apim.location.city: got "${"c".repeat(60)}"… (257 characters); must be at most 256 characters`,
            `gateway.apim.location.countryOrRegion: got "${"r".repeat(60)}"… (257 characters); must be at most 256 characters`,
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
        { namespace: { name: "n".repeat(64), podSecurityLevel: "restricted" } },
        [`gateway.namespace.name: got "${"n".repeat(60)}"… (64 characters); must be at most 63 characters`],
    ],
    [
        "namespace name not a label",
        { namespace: { name: "Edge_NS", podSecurityLevel: "restricted" } },
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
            `gateway.image.tag: got ".x"; must be an image tag such as ${DEFAULT_IMAGE_TAG}`,
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
        "expiry alerts: Azure Functions and Service Bus queues",
        {
            token: {
                expiryAlerts: {
                    azureFunctionIds: [`${SUB}/Microsoft.Web/sites/app/functions/fn`],
                    serviceBusQueueIds: [`${SUB}/Microsoft.ServiceBus/namespaces/ns/queues/q`],
                    systemTopic: { name: "t", location: "westeurope" },
                },
            },
        },
        [],
    ],
    [
        "expiry alerts: receiver ids of another kind refused",
        {
            token: {
                expiryAlerts: {
                    azureFunctionIds: [`x${SUB}/Microsoft.Web/sites/app/functions/fn`, `${SUB}/Microsoft.Web/sites/app`],
                    serviceBusQueueIds: [`${SUB}/Microsoft.ServiceBus/namespaces/ns/topics/t`],
                    systemTopic: { name: "t", location: "westeurope" },
                },
            },
        },
        [
            `gateway.token.expiryAlerts.azureFunctionIds[0]: got "x/subscriptions/72f988bf-86f1-41af-91ab-2d7cd011db47/resourc"… (117 characters); must be an Azure Function's resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>/functions/<function>`,
            `gateway.token.expiryAlerts.azureFunctionIds[1]: got "/subscriptions/72f988bf-86f1-41af-91ab-2d7cd011db47/resource"… (103 characters); must be an Azure Function's resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>/functions/<function>`,
            `gateway.token.expiryAlerts.serviceBusQueueIds[0]: got "/subscriptions/72f988bf-86f1-41af-91ab-2d7cd011db47/resource"… (123 characters); must be a Service Bus queue's resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<namespace>/queues/<queue>`,
        ],
    ],
    [
        "expiry alerts: Azure Monitor action groups, which Event Grid serves for Key Vault events only",
        {
            token: {
                expiryAlerts: {
                    webhookUrl: "https://hooks.example/x",
                    actionGroupIds: [`${SUB}/microsoft.insights/actionGroups/ag`],
                    severity: "Sev1",
                    systemTopic: { name: "t", location: "westeurope" },
                },
            },
        },
        [
            "gateway.token.expiryAlerts.actionGroupIds: Event Grid delivers to Azure Monitor alerts from Azure Key Vault sources only, not API Management's token events (learn.microsoft.com/azure/event-grid/event-handlers); remove it and use webhookUrl, azureFunctionIds or serviceBusQueueIds",
            "gateway.token.expiryAlerts.severity: Event Grid delivers to Azure Monitor alerts from Azure Key Vault sources only, not API Management's token events (learn.microsoft.com/azure/event-grid/event-handlers); remove it and use webhookUrl, azureFunctionIds or serviceBusQueueIds",
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
    ["an existing Secret's short key", { auth: { type: "existingSecret", existingSecret: { name: "s", key: "token" } } }, []],
    [
        "an unknown key in a list item names the keys allowed there",
        { hostnames: [{ id: "api", hostname: "api.contoso.com", bogus: 1 }] },
        [
            "gateway.hostnames[0].bogus: unknown key; allowed keys here: id, hostname, certificateId, negotiateClientCertificate, http2Enabled, tls10Enabled, tls11Enabled",
        ],
    ],
];

const TOPIC = { name: "t", location: "westeurope" };
const HOOK = "https://hooks.example/x";
const aad = (patch: Record<string, unknown>) => ({
    auth: { type: "azureAdApp", azureAdApp: { tenantId: GUID, clientId: GUID, ...patch } },
});
const wi = (patch: Record<string, unknown>) => ({ auth: { type: "workloadIdentity", workloadIdentity: patch } });
const local = (l: Record<string, unknown>) => ({ observability: { logs: { local: l } } });

/** Rules across options: [what, the input's replaced keys, the exact problems]. */
const CROSS_FIELD: [string, Record<string, unknown>, string[]][] = [
    [
        "expiry alerts without a receiver",
        { token: { expiryAlerts: { systemTopic: TOPIC } } },
        [
            "gateway.token.expiryAlerts: names no receiver; set webhookUrl (an https:// endpoint that answers Event Grid's validation handshake), azureFunctionIds and/or serviceBusQueueIds",
        ],
    ],
    [
        "expiry alerts: a topic to create without a region",
        { token: { expiryAlerts: { webhookUrl: HOOK, systemTopic: { name: "t" } } } },
        [
            "gateway.token.expiryAlerts.systemTopic.location: required when the component creates the topic; set the API Management instance's region (e.g. westeurope), or set gateway.token.expiryAlerts.systemTopic.create: false for an existing topic",
        ],
    ],
    [
        "expiry alerts: an existing topic needs no region",
        { token: { expiryAlerts: { webhookUrl: HOOK, systemTopic: { name: "t", create: false } } } },
        [],
    ],
    [
        "rolling update: both 0",
        { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } },
        ['gateway.rollingUpdate: maxUnavailable and maxSurge are both 0; a rollout could never make progress. Set maxSurge to 1 or "25%"'],
    ],
    [
        "rolling update: both 0%",
        { rollingUpdate: { maxUnavailable: "0%", maxSurge: "0%" } },
        ['gateway.rollingUpdate: maxUnavailable and maxSurge are both 0; a rollout could never make progress. Set maxSurge to 1 or "25%"'],
    ],
    [
        "rolling update: maxSurge 0 with the default maxUnavailable (0)",
        { rollingUpdate: { maxSurge: 0 } },
        ['gateway.rollingUpdate: maxUnavailable and maxSurge are both 0; a rollout could never make progress. Set maxSurge to 1 or "25%"'],
    ],
    ["rolling update: maxUnavailable 0 with the default maxSurge", { rollingUpdate: { maxUnavailable: 0 } }, []],
    ["rolling update: one of them above 0", { rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, []],
    [
        "namespace: a pod security level on a namespace it does not create",
        { namespace: { name: "gw", create: false, podSecurityLevel: "baseline" } },
        [
            "gateway.namespace.podSecurityLevel: only applies to a namespace the component creates (create is false); label the existing namespace yourself",
        ],
    ],
    [
        "namespace: default",
        { namespace: { name: "default", podSecurityLevel: "restricted" } },
        [
            'gateway.namespace.name: got "default"; use a dedicated namespace, or set gateway.namespace.create: false to deploy into "default" on purpose',
        ],
    ],
    ["namespace: default on purpose", { environment: "dev", namespace: { name: "default", create: false } }, []],
    [
        "DNS policy None without name servers",
        { dnsPolicy: "None" },
        ['gateway.dnsConfig.nameservers: required when gateway.dnsPolicy is "None"; list 1 to 3 name server IPs'],
    ],
    [
        "DNS policy None with an empty list of name servers",
        { dnsPolicy: "None", dnsConfig: { nameservers: [] } },
        ['gateway.dnsConfig.nameservers: required when gateway.dnsPolicy is "None"; list 1 to 3 name server IPs'],
    ],
    ["DNS policy None with a name server", { dnsPolicy: "None", dnsConfig: { nameservers: ["10.0.0.10"] } }, []],
    [
        "cluster domain with the cluster's DNS",
        { clusterDomain: "corp.local", dnsPolicy: "ClusterFirst" },
        [
            'gateway.clusterDomain: only applies when gateway.dnsPolicy is "Default" or "None" (otherwise instance discovery uses the Service\'s short name, resolved through the pod\'s search domains); remove it',
        ],
    ],
    ["cluster domain with DNS policy Default", { clusterDomain: "corp.local", dnsPolicy: "Default" }, []],
    [
        "service: traffic policy on a ClusterIP service",
        { service: { type: "ClusterIP", externalTrafficPolicy: "Local" } },
        [
            "gateway.service.externalTrafficPolicy: only applies to LoadBalancer and NodePort services; remove it or set gateway.service.type",
        ],
    ],
    ["service: traffic policy on a NodePort service", { service: { type: "NodePort", externalTrafficPolicy: "Local" } }, []],
    [
        "service: HTTP on the default HTTPS port",
        { service: { httpPort: 443 } },
        ["gateway.service.httpsPort: must differ from gateway.service.httpPort (both 443)"],
    ],
    [
        "service: HTTP and HTTPS on one port",
        { service: { httpPort: 8080, httpsPort: 8080 } },
        ["gateway.service.httpsPort: must differ from gateway.service.httpPort (both 8080)"],
    ],
    ["service: HTTP on another port", { service: { httpPort: 8080 } }, []],
    [
        "service: node ports on a NodePort service",
        { service: { type: "NodePort", allocateLoadBalancerNodePorts: false } },
        ['gateway.service.allocateLoadBalancerNodePorts: only applies to a LoadBalancer service (type is "NodePort")'],
    ],
    ["service: node ports on the default LoadBalancer service", { service: { allocateLoadBalancerNodePorts: false } }, []],
    [
        "backup disabled with a claim",
        { configBackup: { enabled: false, existingClaimName: "claim" } },
        [
            "gateway.configBackup.enabled: is false, so storageClassName/existingClaimName would be ignored; remove them or enable the backup",
        ],
    ],
    [
        "backup disabled with a storage class",
        { configBackup: { enabled: false, storageClassName: "managed-csi" } },
        [
            "gateway.configBackup.enabled: is false, so storageClassName/existingClaimName would be ignored; remove them or enable the backup",
        ],
    ],
    ["backup disabled alone", { environment: "dev", configBackup: { enabled: false } }, []],
    [
        "token audience in token mode",
        { auth: { tokenAudience: "https://azure-api.us/configuration" } },
        ["gateway.auth.tokenAudience: only applies to the Entra modes (azureAdApp, workloadIdentity); remove it"],
    ],
    [
        "token audience in an Entra mode",
        {
            ...aad({ clientSecret: "x" }),
            auth: { ...aad({ clientSecret: "x" }).auth, tokenAudience: "https://azure-api.us/configuration" },
        },
        [],
    ],
    [
        "Entra app: both a client secret and an existing Secret",
        aad({ clientSecret: "x", existingSecret: { name: "s" } }),
        [
            "gateway.auth.azureAdApp: set exactly one of clientSecret (a Pulumi secret; in the stack program, the secret key apim-gateway:azureAdClientSecret) and existingSecret, or a certificate",
        ],
    ],
    [
        "Entra app: neither a client secret nor an existing Secret",
        aad({}),
        [
            "gateway.auth.azureAdApp: set exactly one of clientSecret (a Pulumi secret; in the stack program, the secret key apim-gateway:azureAdClientSecret) and existingSecret, or a certificate",
        ],
    ],
    [
        "workload identity: both a client id and provisioning",
        wi({ clientId: GUID, provision: { oidcIssuerUrl: "https://oidc.example/", location: "westeurope" } }),
        [
            "gateway.auth.workloadIdentity: set exactly one of clientId (an existing identity) and provision (the component creates the identity)",
        ],
    ],
    [
        "workload identity: neither a client id nor provisioning",
        wi({}),
        [
            "gateway.auth.workloadIdentity: set exactly one of clientId (an existing identity) and provision (the component creates the identity)",
        ],
    ],
    [
        "workload identity: an existing ServiceAccount without its name",
        { ...wi({ clientId: GUID }), serviceAccount: { create: false } },
        [
            "gateway.serviceAccount.name: required when gateway.serviceAccount.create is false with workload identity: name the existing ServiceAccount (it must carry the azure.workload.identity/client-id annotation)",
        ],
    ],
    [
        "workload identity: an existing ServiceAccount by name",
        { ...wi({ clientId: GUID }), serviceAccount: { create: false, name: "sa" } },
        [],
    ],
    ["an existing ServiceAccount without workload identity", { serviceAccount: { create: false } }, []],
    [
        "labels and annotations the component sets",
        {
            commonLabels: {
                "app.kubernetes.io/instance": "x",
                "app.kubernetes.io/component": "x",
                "app.kubernetes.io/managed-by": "x",
                "azure.workload.identity/use": "x",
            },
            podAnnotations: { "apim-gateway/token-expiry": "x", "apim-gateway/token-key": "x" },
        },
        [
            'gateway.commonLabels["app.kubernetes.io/instance"]: is set by the component (selectors and workload identity depend on it); use another key',
            'gateway.commonLabels["app.kubernetes.io/component"]: is set by the component (selectors and workload identity depend on it); use another key',
            'gateway.commonLabels["app.kubernetes.io/managed-by"]: is set by the component (selectors and workload identity depend on it); use another key',
            'gateway.commonLabels["azure.workload.identity/use"]: is set by the component (selectors and workload identity depend on it); use another key',
            'gateway.podAnnotations["apim-gateway/token-expiry"]: is set by the component (token rotation); use another key',
            'gateway.podAnnotations["apim-gateway/token-key"]: is set by the component (token rotation); use another key',
        ],
    ],
    [
        "high availability off, with its options",
        { highAvailability: { enabled: false, maxUnavailable: 1, topologySpread: {}, antiAffinity: "required" } },
        [
            "gateway.highAvailability.enabled: is false, so maxUnavailable/topologySpread/antiAffinity would be ignored; remove them or enable it",
        ],
    ],
    [
        "high availability off, with only a topology spread",
        { highAvailability: { enabled: false, topologySpread: {} } },
        [
            "gateway.highAvailability.enabled: is false, so maxUnavailable/topologySpread/antiAffinity would be ignored; remove them or enable it",
        ],
    ],
    [
        "high availability off, with only an anti-affinity",
        { highAvailability: { enabled: false, antiAffinity: "none" } },
        [
            "gateway.highAvailability.enabled: is false, so maxUnavailable/topologySpread/antiAffinity would be ignored; remove them or enable it",
        ],
    ],
    [
        "high availability: a budget of 0%",
        { highAvailability: { maxUnavailable: "0%" } },
        ['gateway.highAvailability.maxUnavailable: got "0%"; a disruption budget of 0 blocks every node drain and upgrade. Use 1 or "25%"'],
    ],
    [
        "high availability: a budget of 0",
        { highAvailability: { maxUnavailable: 0 } },
        ['gateway.highAvailability.maxUnavailable: got 0; a disruption budget of 0 blocks every node drain and upgrade. Use 1 or "25%"'],
    ],
    [
        "high availability: anti-affinity twice",
        { highAvailability: { antiAffinity: "preferred" }, affinity: { podAntiAffinity: {} } },
        ["gateway.affinity.podAntiAffinity: conflicts with gateway.highAvailability.antiAffinity; set only one"],
    ],
    [
        "high availability: no anti-affinity of its own",
        { highAvailability: { antiAffinity: "none" }, affinity: { podAntiAffinity: {} } },
        [],
    ],
    [
        "autoscaling: maxReplicas at minReplicas",
        { autoscaling: { minReplicas: 3, maxReplicas: 3 }, resources: { requests: { cpu: "500m", memory: "1Gi" } } },
        [],
    ],
    [
        "autoscaling: maxReplicas under minReplicas",
        { autoscaling: { minReplicas: 3, maxReplicas: 2 }, resources: { requests: { cpu: "500m", memory: "1Gi" } } },
        ["gateway.autoscaling.maxReplicas: got 2; must be at least minReplicas (3)"],
    ],
    [
        "autoscaling: resources without a CPU request",
        { environment: "dev", autoscaling: { maxReplicas: 4 }, resources: { requests: { memory: "1Gi" } } },
        ["gateway.resources.requests.cpu: required with autoscaling: CPU utilisation is measured against the CPU request"],
    ],
    [
        "CA certificates with another user",
        { configurationTrust: { caCertificates: [PEM] }, podSecurity: { runAsUser: 1000 } },
        [
            "gateway.podSecurity.runAsUser: got 1000; must be 1001 when CA certificates are used (configurationTrust.caCertificates or certificateAuthorities): the gateway loads local CA certificates only as uid 1001",
        ],
    ],
    [
        "certificate authorities with another user",
        { certificateAuthorities: [{ certificateId: "root" }], podSecurity: { runAsUser: 1000 } },
        [
            "gateway.podSecurity.runAsUser: got 1000; must be 1001 when CA certificates are used (configurationTrust.caCertificates or certificateAuthorities): the gateway loads local CA certificates only as uid 1001",
        ],
    ],
    ["CA certificates with the gateway's user", { configurationTrust: { caCertificates: [PEM] }, podSecurity: { runAsUser: 1001 } }, []],
    ["another user without CA certificates", { podSecurity: { runAsUser: 1000 } }, []],
    [
        "network policy: peers while disabled",
        { networkPolicy: { ingressFrom: [{ ipBlock: { cidr: "10.0.0.0/8" } }] } },
        ["gateway.networkPolicy.enabled: is not true, so ingressFrom would be ignored; set enabled: true or remove it"],
    ],
    [
        "network policy: peers of each shape",
        {
            networkPolicy: {
                enabled: true,
                ingressFrom: [
                    { ipBlock: { cidr: "10.0.0.0/8" }, podSelector: { matchLabels: { a: "b" } } },
                    {},
                    { ipBlock: { cidr: "10.0.0.0/8" } },
                    { namespaceSelector: { matchLabels: { a: "b" } } },
                    { podSelector: { matchLabels: { a: "b" } } },
                ],
            },
        },
        [
            "gateway.networkPolicy.ingressFrom[0]: set ipBlock alone, or namespaceSelector and/or podSelector",
            "gateway.networkPolicy.ingressFrom[1]: set ipBlock alone, or namespaceSelector and/or podSelector",
        ],
    ],
    [
        "local logs: sinks without an endpoint",
        local({ type: "rfc5424" }),
        ['gateway.observability.logs.local.endpoint: required when type is "rfc5424"'],
    ],
    [
        "local logs: journal without an endpoint",
        local({ type: "journal" }),
        ['gateway.observability.logs.local.endpoint: required when type is "journal"'],
    ],
    [
        "local logs: an endpoint where none applies",
        local({ type: "forward", endpoint: "x" }),
        ['gateway.observability.logs.local.endpoint: does not apply when type is "forward"; remove it'],
    ],
    [
        "local logs: an endpoint with auto",
        local({ type: "auto", endpoint: "x" }),
        ['gateway.observability.logs.local.endpoint: does not apply when type is "auto"; remove it'],
    ],
    [
        "local logs: a facility with json",
        local({ type: "json", endpoint: "127.0.0.1:8080", facility: 7 }),
        ['gateway.observability.logs.local.facility: only applies to type "localsyslog" or "rfc5424"'],
    ],
    [
        "local logs: syslog sockets that are not absolute file paths",
        { ...local({ type: "localsyslog", endpoint: "dev/log" }), namespace: { name: "gw", create: false } },
        [
            'gateway.observability.logs.local.endpoint: got "dev/log"; with type "localsyslog" it is the syslog socket\'s path in the pod, such as /dev/log (the node\'s /dev/log is mounted there)',
        ],
    ],
    [
        "local logs: a syslog socket path ending in /",
        { ...local({ type: "localsyslog", endpoint: "/dev/log/" }), namespace: { name: "gw", create: false } },
        [
            'gateway.observability.logs.local.endpoint: got "/dev/log/"; with type "localsyslog" it is the syslog socket\'s path in the pod, such as /dev/log (the node\'s /dev/log is mounted there)',
        ],
    ],
    [
        "local logs: syslog under the restricted profile",
        { ...local({ type: "localsyslog", endpoint: "/dev/log" }), namespace: { name: "gw", podSecurityLevel: "restricted" } },
        [
            'gateway.observability.logs.local.type: "localsyslog" mounts the node\'s /dev/log socket (a hostPath volume), which the "restricted" Pod Security level (gateway.namespace.podSecurityLevel) forbids; send logs to a collector with "rfc5424" or "json" instead, or relax the level',
        ],
    ],
    [
        "local logs: syslog in a namespace it does not create",
        { ...local({ type: "localsyslog", endpoint: "/dev/log" }), namespace: { name: "gw", create: false } },
        [],
    ],
    [
        "histogram buckets: a repeated bound",
        { observability: { openTelemetry: { collectorUri: "http://otel:4317", histogramBuckets: [1, 1] } } },
        ["gateway.observability.openTelemetry.histogramBuckets: got [1,1]; must be strictly increasing"],
    ],
    [
        "histogram buckets: decreasing",
        { observability: { openTelemetry: { collectorUri: "http://otel:4317", histogramBuckets: [2, 1] } } },
        ["gateway.observability.openTelemetry.histogramBuckets: got [2,1]; must be strictly increasing"],
    ],
    [
        "histogram buckets: increasing",
        { observability: { openTelemetry: { collectorUri: "http://otel:4317", histogramBuckets: [1, 2] } } },
        [],
    ],
    [
        "ids and hosts given twice, in any case",
        {
            apis: [{ apiId: "Echo" }, { apiId: "echo" }],
            hostnames: [
                { id: "api", hostname: "API.contoso.com" },
                { id: "API", hostname: "api.contoso.com" },
            ],
            certificateAuthorities: [{ certificateId: "root" }, { certificateId: "ROOT" }],
        },
        [
            'gateway.apis[1].apiId: got "echo" twice; each must be unique',
            'gateway.hostnames[1].id: got "API" twice; each must be unique',
            'gateway.hostnames[1].hostname: got "api.contoso.com" twice; each must be unique',
            'gateway.certificateAuthorities[1].certificateId: got "ROOT" twice; each must be unique',
        ],
    ],
];

describe("refusals: one line per bad value, naming the key and the fix", () => {
    for (const [what, patch, expected] of CASES) {
        it(what, () => assert.deepEqual(problemsOf(patch), expected));
    }
});

describe("refusals: rules across options, one line each naming the keys and the fix", () => {
    for (const [what, patch, expected] of CROSS_FIELD) {
        it(what, () => assert.deepEqual(problemsOf(patch), expected));
    }
});

describe("refusals: a refused required value does not hide the rules across options", () => {
    const rule =
        'gateway.rollingUpdate: maxUnavailable and maxSurge are both 0; a rollout could never make progress. Set maxSurge to 1 or "25%"';
    const stuck = { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } };
    const cases: [string, Record<string, unknown>, string][] = [
        ["apim", { apim: undefined }, "gateway.apim: got nothing; required (expected an object)"],
        ["apim.resourceGroupName", apim({ resourceGroupName: "" }), 'gateway.apim.resourceGroupName: got ""; must not be empty'],
        ["apim.serviceName", apim({ serviceName: "" }), 'gateway.apim.serviceName: got ""; must not be empty'],
        ["apim.gatewayName", apim({ gatewayName: "" }), 'gateway.apim.gatewayName: got ""; must not be empty'],
        ["apim.location", apim({ location: undefined }), "gateway.apim.location: got nothing; required (expected an object)"],
        ["apim.location.name", apim({ location: { name: "" } }), 'gateway.apim.location.name: got ""; must not be empty'],
        ["namespace", { namespace: undefined }, "gateway.namespace: got nothing; required (expected an object)"],
        [
            "namespace.name",
            { namespace: { name: "", podSecurityLevel: "restricted" } },
            "gateway.namespace.name: got \"\"; must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
        ],
    ];
    for (const [key, patch, refusal] of cases) {
        it(key, () => assert.deepEqual(problemsOf({ ...patch, ...stuck }), [refusal, rule]));
    }
});

describe("refusals: keys JavaScript objects cannot hold, and an unknown environment", () => {
    const machinery = (key: string) =>
        `${key}: this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it`;
    /** An input as JSON.parse gives it (with __proto__ as an own key), with `extra` inside `at`. */
    const parsed = (at: "nodeSelector" | "namespace", extra: string) =>
        JSON.parse(
            JSON.stringify({ ...base, replicas: 3 }).replace(at === "namespace" ? '"name":"gw"' : '"replicas":3', (m) => `${m},${extra}`),
        );

    it("one line for such a key in a map, none about its value", () => {
        const raw = parsed("nodeSelector", '"nodeSelector":{"constructor":5}');
        assert.deepEqual(problemsOf(raw), [machinery('gateway.nodeSelector["constructor"]')]);
    });

    it("one line for such a key in an object, none about it being unknown", () => {
        const raw = parsed("namespace", '"__proto__":{"x":1}');
        assert.deepEqual(problemsOf(raw), [machinery('gateway.namespace["__proto__"]')]);
    });

    it("an unknown environment counts as prod, and the last line says so", () => {
        assert.deepEqual(problemsOf({ environment: "staging", replicas: 1 }), [
            'gateway.environment: got "staging"; expected one of "dev", "prod"',
            "gateway.replicas: got 1; production needs at least 2 (3 recommended)",
            'gateway.environment: is not "dev" or "prod" (see above), so these rules are errors as in prod',
        ]);
        assert.deepEqual(problemsOf({ environment: "dev", replicas: 1 }), []);
    });
});
