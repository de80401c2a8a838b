// Cross-field rules: what the schema alone cannot say (which blocks go together, reserved keys, ranges
// that depend on other options).
import { MAX_TOKEN_LIFETIME_DAYS, MIN_AUTOSCALING_REPLICAS, SelfHostedGatewayArgs } from "../args";
import { rotationProblems } from "../rotation";
import {
    CONFIG_MAP_MAX_BYTES,
    GATEWAY_SETTINGS,
    gatewaySettings,
    referenceSpelling,
    settingOwner,
    settingsBytes,
    SETTINGS_NOT_OFFERED,
} from "../settings";
import { redactUrls } from "../redact";
import { guidanceProblems } from "./guidance";
import { NO_CONTROL_CHARACTERS } from "./schema";

/** Cross-field rules the schema alone cannot say. */
export function crossFieldProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
    const problems: string[] = [];
    const token = args.token ?? {};
    problems.push(
        ...rotationProblems(
            { lifetimeDays: token.lifetimeDays ?? 30, rotateEveryDays: token.rotateEveryDays ?? 7 },
            MAX_TOKEN_LIFETIME_DAYS,
            `${prefix}.token`,
        ),
    );
    const alerts = token.expiryAlerts;
    if (alerts !== undefined) {
        if (alerts.webhookUrl === undefined && alerts.azureFunctionIds === undefined && alerts.serviceBusQueueIds === undefined) {
            problems.push(
                `${prefix}.token.expiryAlerts: names no receiver; set webhookUrl (an https:// endpoint that answers Event Grid's ` +
                    "validation handshake), azureFunctionIds and/or serviceBusQueueIds",
            );
        }
        if (alerts.systemTopic.create !== false && alerts.systemTopic.location === undefined) {
            problems.push(
                `${prefix}.token.expiryAlerts.systemTopic.location: required when the component creates the topic; set the API Management ` +
                    `instance's region (e.g. westeurope), or set ${prefix}.token.expiryAlerts.systemTopic.create: false for an existing topic`,
            );
        }
    }
    const ru = args.rollingUpdate ?? {};
    const isZero = (v: unknown) => v === 0 || v === "0%";
    if (isZero(ru.maxUnavailable ?? 0) && isZero(ru.maxSurge ?? "25%")) {
        problems.push(
            `${prefix}.rollingUpdate: maxUnavailable and maxSurge are both 0; a rollout could never make progress. ` +
                `Set maxSurge to 1 or "25%"`,
        );
    }
    if (args.namespace.podSecurityLevel !== undefined && args.namespace.create === false) {
        problems.push(
            `${prefix}.namespace.podSecurityLevel: only applies to a namespace the component creates (create is false); label the existing namespace yourself`,
        );
    }
    if (args.namespace.name === "default" && args.namespace.create !== false) {
        problems.push(
            `${prefix}.namespace.name: got "default"; use a dedicated namespace, or set ${prefix}.namespace.create: false ` +
                `to deploy into "default" on purpose`,
        );
    }
    if (args.dnsPolicy === "None" && !(args.dnsConfig?.nameservers && args.dnsConfig.nameservers.length > 0)) {
        problems.push(`${prefix}.dnsConfig.nameservers: required when ${prefix}.dnsPolicy is "None"; list 1 to 3 name server IPs`);
    }
    if (args.clusterDomain !== undefined && args.dnsPolicy !== "Default" && args.dnsPolicy !== "None") {
        problems.push(
            `${prefix}.clusterDomain: only applies when ${prefix}.dnsPolicy is "Default" or "None" (otherwise instance discovery uses ` +
                "the Service's short name, resolved through the pod's search domains); remove it",
        );
    }
    const svc = args.service ?? {};
    if (svc.type === "ClusterIP" && svc.externalTrafficPolicy !== undefined) {
        problems.push(
            `${prefix}.service.externalTrafficPolicy: only applies to LoadBalancer and NodePort services; remove it or set ${prefix}.service.type`,
        );
    }
    if (svc.httpPort !== undefined && svc.httpPort === (svc.httpsPort ?? 443)) {
        problems.push(`${prefix}.service.httpsPort: must differ from ${prefix}.service.httpPort (both ${svc.httpPort})`);
    }
    const backup = args.configBackup ?? {};
    if (backup.enabled === false && (backup.existingClaimName !== undefined || backup.storageClassName !== undefined)) {
        problems.push(
            `${prefix}.configBackup.enabled: is false, so storageClassName/existingClaimName would be ignored; remove them or enable the backup`,
        );
    }
    problems.push(...authProblems(args, prefix), ...optionProblems(args, prefix), ...guidanceProblems(args, prefix));
    return problems;
}

/** Which auth block goes with which auth.type, exactly one source of each credential. */
export function authProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
    const problems: string[] = [];
    const auth = args.auth ?? {};
    const type = auth.type ?? "token";
    const p = `${prefix}.auth`;
    const blocks = { existingSecret: auth.existingSecret, azureAdApp: auth.azureAdApp, workloadIdentity: auth.workloadIdentity } as const;
    for (const [block, value] of Object.entries(blocks)) {
        if (value !== undefined && block !== type) {
            problems.push(`${p}.${block}: only applies when ${p}.type is "${block}" (it is "${type}"); remove it or set ${p}.type`);
        } else if (value === undefined && block === type) {
            problems.push(`${p}.${block}: required when ${p}.type is "${type}"`);
        }
    }
    if (type !== "token" && args.token !== undefined) {
        problems.push(
            `${prefix}.token: only applies when ${p}.type is "token" (it is "${type}"): nothing is issued or rotated in this mode; remove it`,
        );
    }
    if (auth.tokenAudience !== undefined && type !== "azureAdApp" && type !== "workloadIdentity") {
        problems.push(`${p}.tokenAudience: only applies to the Entra modes (azureAdApp, workloadIdentity); remove it`);
    }
    const aad = auth.azureAdApp;
    if (
        type === "azureAdApp" &&
        aad !== undefined &&
        aad.certificate === undefined &&
        (aad.clientSecret === undefined) === (aad.existingSecret === undefined)
    ) {
        problems.push(
            `${p}.azureAdApp: set exactly one of clientSecret (a Pulumi secret; in the stack program, the secret key apim-gateway:azureAdClientSecret) and existingSecret, or a certificate`,
        );
    }
    const wi = auth.workloadIdentity;
    if (type === "workloadIdentity" && wi !== undefined && (wi.clientId === undefined) === (wi.provision === undefined)) {
        problems.push(
            `${p}.workloadIdentity: set exactly one of clientId (an existing identity) and provision (the component creates the identity)`,
        );
    }
    if (type === "workloadIdentity" && args.serviceAccount?.create === false && args.serviceAccount.name === undefined) {
        problems.push(
            `${prefix}.serviceAccount.name: required when ${prefix}.serviceAccount.create is false with workload identity: name the existing ServiceAccount (it must carry the azure.workload.identity/client-id annotation)`,
        );
    }
    if (args.serviceAccount?.annotations?.["azure.workload.identity/client-id"] !== undefined) {
        problems.push(
            `${prefix}.serviceAccount.annotations["azure.workload.identity/client-id"]: is set by ${p}.workloadIdentity; remove it`,
        );
    }
    return problems;
}

export const RESERVED_LABELS = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/managed-by",
    "azure.workload.identity/use",
];
export const RESERVED_POD_ANNOTATIONS = ["apim-gateway/token-expiry", "apim-gateway/token-key"];

/** Cross-field rules of the other options (HA, autoscaling, scheduling, network, trust, telemetry, Azure extras). */
export function optionProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
    const problems: string[] = [];
    const isZero = (v: unknown) => v === 0 || v === "0%";
    const ha = args.highAvailability;
    if (ha !== undefined) {
        if (ha.enabled === false && (ha.maxUnavailable !== undefined || ha.topologySpread !== undefined || ha.antiAffinity !== undefined)) {
            problems.push(
                `${prefix}.highAvailability.enabled: is false, so maxUnavailable/topologySpread/antiAffinity would be ignored; remove them or enable it`,
            );
        }
        if (ha.maxUnavailable !== undefined && isZero(ha.maxUnavailable)) {
            problems.push(
                `${prefix}.highAvailability.maxUnavailable: got ${JSON.stringify(ha.maxUnavailable)}; a disruption budget of 0 blocks every node drain and upgrade. Use 1 or "25%"`,
            );
        }
        if (ha.antiAffinity !== undefined && ha.antiAffinity !== "none" && args.affinity?.podAntiAffinity !== undefined) {
            problems.push(`${prefix}.affinity.podAntiAffinity: conflicts with ${prefix}.highAvailability.antiAffinity; set only one`);
        }
    }
    const as = args.autoscaling;
    if (as !== undefined && as.enabled !== false) {
        const replicas = args.replicas ?? 2;
        const min = as.minReplicas ?? replicas;
        const floor = Math.max(replicas, MIN_AUTOSCALING_REPLICAS);
        if (min < floor) {
            problems.push(
                `${prefix}.autoscaling.minReplicas: got ${min}; must be at least ${floor} (${prefix}.replicas is ${replicas} and autoscaling never goes below ${MIN_AUTOSCALING_REPLICAS} replicas)`,
            );
        }
        if (as.maxReplicas < min) {
            problems.push(`${prefix}.autoscaling.maxReplicas: got ${as.maxReplicas}; must be at least minReplicas (${min})`);
        }
        if (args.resources !== undefined && args.resources.requests?.cpu === undefined) {
            problems.push(
                `${prefix}.resources.requests.cpu: required with autoscaling: CPU utilisation is measured against the CPU request`,
            );
        }
    }
    const localCa = (args.configurationTrust?.caCertificates?.length ?? 0) > 0 || (args.certificateAuthorities?.length ?? 0) > 0;
    const uid = args.podSecurity?.runAsUser;
    if (localCa && uid !== undefined && uid !== 1001) {
        problems.push(
            `${prefix}.podSecurity.runAsUser: got ${uid}; must be 1001 when CA certificates are used (configurationTrust.caCertificates or certificateAuthorities): the gateway loads local CA certificates only as uid 1001`,
        );
    }
    (args.tolerations ?? []).forEach((t, i) => {
        if (t.operator === "Exists" && t.value !== undefined) {
            problems.push(`${prefix}.tolerations[${i}].value: must be empty when operator is "Exists"`);
        }
        if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
            problems.push(`${prefix}.tolerations[${i}].tolerationSeconds: only applies with effect "NoExecute"`);
        }
    });
    for (const key of Object.keys(args.commonLabels ?? {})) {
        if (RESERVED_LABELS.includes(key)) {
            problems.push(
                `${prefix}.commonLabels["${key}"]: is set by the component (selectors and workload identity depend on it); use another key`,
            );
        }
    }
    for (const key of Object.keys(args.podAnnotations ?? {})) {
        if (RESERVED_POD_ANNOTATIONS.includes(key)) {
            problems.push(`${prefix}.podAnnotations["${key}"]: is set by the component (token rotation); use another key`);
        }
    }
    const np = args.networkPolicy;
    if (np !== undefined && np.enabled !== true && np.ingressFrom !== undefined) {
        problems.push(`${prefix}.networkPolicy.enabled: is not true, so ingressFrom would be ignored; set enabled: true or remove it`);
    }
    (np?.ingressFrom ?? []).forEach((peer, i) => {
        if (
            peer.ipBlock !== undefined
                ? peer.namespaceSelector !== undefined || peer.podSelector !== undefined
                : peer.namespaceSelector === undefined && peer.podSelector === undefined
        ) {
            problems.push(`${prefix}.networkPolicy.ingressFrom[${i}]: set ipBlock alone, or namespaceSelector and/or podSelector`);
        }
    });
    const svc = args.service ?? {};
    if (svc.allocateLoadBalancerNodePorts !== undefined && (svc.type ?? "LoadBalancer") !== "LoadBalancer") {
        problems.push(`${prefix}.service.allocateLoadBalancerNodePorts: only applies to a LoadBalancer service (type is "${svc.type}")`);
    }
    const trust = args.configurationTrust;
    if (trust?.disableCertificateValidation === true && trust.caCertificates !== undefined) {
        problems.push(
            `${prefix}.configurationTrust.disableCertificateValidation: with caCertificates set, validation can succeed: remove disableCertificateValidation`,
        );
    }
    if (trust?.caDirectory !== undefined && trust.caCertificates === undefined) {
        problems.push(`${prefix}.configurationTrust.caDirectory: only applies with caCertificates`);
    }
    const local = args.observability?.logs?.local;
    if (local !== undefined) {
        const lp = `${prefix}.observability.logs.local`;
        if (["localsyslog", "rfc5424", "journal"].includes(local.type) && local.endpoint === undefined) {
            problems.push(`${lp}.endpoint: required when type is "${local.type}"`);
        }
        if ((local.type === "none" || local.type === "auto" || local.type === "forward") && local.endpoint !== undefined) {
            problems.push(`${lp}.endpoint: does not apply when type is "${local.type}"; remove it`);
        }
        if (local.facility !== undefined && local.type !== "localsyslog" && local.type !== "rfc5424") {
            problems.push(`${lp}.facility: only applies to type "localsyslog" or "rfc5424"`);
        }
        if (local.type === "localsyslog" && local.endpoint !== undefined && !/^\/[-\w./]*[^/]$/.test(local.endpoint)) {
            problems.push(
                `${lp}.endpoint: got ${redactUrls(JSON.stringify(local.endpoint))}; with type "localsyslog" it is the syslog socket's path in the pod, ` +
                    "such as /dev/log (the node's /dev/log is mounted there)",
            );
        }
        const level = args.namespace.create !== false ? args.namespace.podSecurityLevel : undefined;
        if (local.type === "localsyslog" && (level === "restricted" || level === "baseline")) {
            problems.push(
                `${lp}.type: "localsyslog" mounts the node's /dev/log socket (a hostPath volume), which the "${level}" Pod Security level ` +
                    `(${prefix}.namespace.podSecurityLevel) forbids; send logs to a collector with "rfc5424" or "json" instead, or relax the level`,
            );
        }
    }
    const buckets = args.observability?.openTelemetry?.histogramBuckets;
    if (buckets !== undefined && buckets.some((b, i) => i > 0 && b <= buckets[i - 1])) {
        problems.push(
            `${prefix}.observability.openTelemetry.histogramBuckets: got ${JSON.stringify(buckets)}; must be strictly increasing`,
        );
    }
    // Only the gateway's own settings, as Microsoft's reference spells them: the pods read the settings as environment
    // variables, so any other key would reach the container's runtime (SSL_CERT_FILE, DOTNET_STARTUP_HOOKS, ...).
    for (const key of Object.keys(args.additionalSettings ?? {})) {
        const owner = settingOwner(key);
        const at = `${prefix}.additionalSettings["${key}"]`;
        const spelling = referenceSpelling(key);
        const notOffered = SETTINGS_NOT_OFFERED.find((n) => spelling?.startsWith(n.prefix));
        if (owner?.kind === "option") {
            problems.push(`${at}: shadows the typed option ${prefix}.${owner.path}; set that instead`);
        } else if (owner?.kind === "component") {
            problems.push(`${at}: is set by the component (${owner.what}); it cannot be overridden`);
        } else if (owner?.kind === "auth") {
            problems.push(
                `${at}: Entra settings belong to ${prefix}.auth; use ${prefix}.auth.azureAdApp (a client secret or certificate) or workloadIdentity`,
            );
        } else if (notOffered !== undefined) {
            problems.push(`${at}: is not offered: ${notOffered.why}`);
        } else if (spelling === undefined) {
            problems.push(
                `${at}: is not a setting of the self-hosted gateway; additionalSettings takes only the settings of Microsoft's settings ` +
                    "reference, spelled as it spells them (docs/configuration.md), never other environment variables of the container",
            );
        } else if (!GATEWAY_SETTINGS.includes(key)) {
            problems.push(`${at}: write it as Microsoft's settings reference spells it: "${spelling}"`);
        }
        const value = args.additionalSettings?.[key];
        if (typeof value === "string" && !NO_CONTROL_CHARACTERS.test(value)) {
            problems.push(`${at}: contains a line break or another control character; a setting is a single line`);
        }
    }
    const bytes = settingsBytes(estimatedSettings(args));
    if (bytes > CONFIG_MAP_MAX_BYTES) {
        problems.push(
            `${prefix}.additionalSettings: the gateway's settings come to ${bytes} bytes, more than the ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB) ` +
                "a ConfigMap holds; shorten or remove the largest values",
        );
    }
    const duplicates = (list: string[] | undefined, key: string) => {
        const seen = new Set<string>();
        // Stryker disable next-line ArrayDeclaration: a one-item stand-in for a missing list holds no duplicate either
        (list ?? []).forEach((v, i) => {
            // Stryker disable next-line MethodExpression: upper case compares these ids without case just as well
            const k = v.toLowerCase();
            if (seen.has(k)) problems.push(`${prefix}.${key.replace("#", String(i))}: got ${JSON.stringify(v)} twice; each must be unique`);
            seen.add(k);
        });
    };
    duplicates(
        args.apis?.map((a) => a.apiId),
        "apis[#].apiId",
    );
    duplicates(
        args.hostnames?.map((h) => h.id),
        "hostnames[#].id",
    );
    duplicates(
        args.hostnames?.map((h) => h.hostname),
        "hostnames[#].hostname",
    );
    duplicates(
        args.certificateAuthorities?.map((c) => c.certificateId),
        "certificateAuthorities[#].certificateId",
    );
    return problems;
}

/**
 * The settings map as the component will build it, with long stand-ins for values known only later (Outputs, and
 * the names the component derives), so its size is never underestimated.
 */
function estimatedSettings(args: SelfHostedGatewayArgs): Record<string, string> {
    const known = (v: unknown, standIn: number) => (typeof v === "string" ? v : "x".repeat(standIn));
    const type = args.auth?.type ?? "token";
    const gatewayName = known(args.apim.gatewayName, 80);
    return gatewaySettings({
        // The default endpoint in the cloud with the longest suffix (azure-api.net).
        endpoint:
            args.apim.configurationEndpoint === undefined && typeof args.apim.serviceName === "string"
                ? `${args.apim.serviceName}.configuration.azure-api.net`
                : known(args.apim.configurationEndpoint, 253),
        // The instance-discovery Service's fully qualified name at its longest.
        discoveryServiceName: "x".repeat(253),
        auth:
            type === "azureAdApp"
                ? {
                      type,
                      gatewayName,
                      tenantId: known(args.auth?.azureAdApp?.tenantId, 36),
                      clientId: known(args.auth?.azureAdApp?.clientId, 36),
                      authority: known(args.auth?.azureAdApp?.authority, 100),
                      tokenAudience: known(args.auth?.tokenAudience, 100),
                  }
                : type === "workloadIdentity"
                  ? { type, gatewayName, tokenAudience: known(args.auth?.tokenAudience, 100) }
                  : { type },
        localCa: true,
        disableCertificateValidation: args.configurationTrust?.disableCertificateValidation,
        observability: args.observability,
        tls: args.tls,
        additionalSettings: args.additionalSettings,
    });
}
