// The zod schema of the component's arguments: types, ranges and grammars of every option.
import * as pulumi from "@pulumi/pulumi";
import type * as In from "@pulumi/kubernetes/types/input";
import { z } from "zod";
import { DEFAULT_IMAGE_TAG, MAX_TOKEN_LIFETIME_DAYS } from "../args";
import { annotationKey, labelKey, labelMap, plainAnnotations, resourceName } from "./keys";
import {
    APIM_ID,
    CIDR,
    CONFIG_KEY,
    DNS1123_LABEL,
    DNS1123_SUBDOMAIN,
    GUID,
    HOSTNAME,
    IMAGE_DIGEST,
    IMAGE_REPOSITORY,
    IMAGE_TAG,
    LABEL_VALUE,
    PEM_CERTIFICATE,
    PERCENT,
    QUANTITY,
    ROLE_DEFINITION_ID,
    WILDCARD_HOSTNAME,
} from "./names";
import { httpsUrl, proxyUrl, url } from "./urls";
import { guidanceSchemas } from "./guidanceSchema";

/** The message of a value that is neither the plain value nor an Output (messages.ts explains the plain branch instead). */
export const DEFERRED_MESSAGE = "expected a string";
/** A Pulumi Output or a promise (of a T): checked later, inside `apply`. */
export const deferred = <T>() =>
    z.custom<pulumi.OutputInstance<T> | Promise<T>>(
        (v) => pulumi.Output.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as Promise<unknown>).then === "function"),
        { message: DEFERRED_MESSAGE },
    );
/** An input (`pulumi.Input<T>`): a plain value is checked now, an Output later. */
export const input = <T extends z.ZodType>(plain: T) => z.union([plain, deferred<z.output<T>>()]);

// The raw value reaches the resources (not zod's output), so nothing here transforms a value: no trim().
export const nonEmpty = z.string().regex(/\S/, { error: "must not be empty", abort: true });
/** The longest gateway description ARM accepts (GatewayContract.description, MaxLength 1000, in @azure/arm-apimanagement). */
export const MAX_DESCRIPTION_LENGTH = 1000;
/** The longest location field (ResourceLocationDataContract name, city, district, countryOrRegion: MaxLength 256). */
export const MAX_LOCATION_LENGTH = 256;
/** "Gateway entity identifier ... Must not have value 'managed'" (REST reference, Gateway - Create Or Update). */
export const MANAGED_GATEWAY = 'must not be "managed" (Azure refuses that gateway id); choose another name';
export const NO_CONTROL = "must not contain line breaks or other control characters";
/** No line breaks, tabs or other control characters (they would split or corrupt a setting). */
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
export const dnsLabel = z
    .string()
    .max(63, "must be at most 63 characters")
    .regex(DNS1123_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");
export const INT_OR_PERCENT = 'expected a whole number ≥ 0 or a percentage such as "25%"';
export const intOrPercent = z.union([z.int(INT_OR_PERCENT).min(0, INT_OR_PERCENT), z.string().regex(PERCENT, INT_OR_PERCENT)], {
    error: INT_OR_PERCENT,
});
export const QUANTITY_HINT = 'expected a Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi" (no spaces)';
export const quantity = z.union([z.number(QUANTITY_HINT).nonnegative(QUANTITY_HINT), z.string().regex(QUANTITY, QUANTITY_HINT)], {
    error: QUANTITY_HINT,
});

export const port = z.int().min(1).max(65535);
export const annotationMap = z.record(annotationKey, input(z.string()));

export const dnsSubdomain = z
    .string()
    .max(253)
    .regex(DNS1123_SUBDOMAIN, "must be a Kubernetes name: lower-case letters, digits, '-' and '.'");
export const guid = z.string().regex(GUID, "must be a GUID such as 00000000-0000-0000-0000-000000000000");
export const secretKeyRef = z.strictObject({
    name: input(dnsSubdomain),
    key: z.string().max(253).regex(CONFIG_KEY, "must be a Secret key: letters, digits, '-', '_' and '.'").optional(),
});
export const probeTiming = {
    initialDelaySeconds: z.int().min(0).max(3600).optional(),
    periodSeconds: z.int().min(1).max(300).optional(),
    timeoutSeconds: z.int().min(1).max(60).optional(),
    failureThreshold: z.int().min(1).max(1000).optional(),
};
export const ROOT_REFUSED = "must be at least 1: the gateway runs as non-root (uid 1001) under the restricted pod security profile";
export const matchLabels = z.strictObject({ matchLabels: labelMap });
/**
 * Passed to the pod as is: its three keys are checked here, their inner structure by the Kubernetes API server. Typed
 * as Kubernetes declares it (the runtime schema is the object below).
 */
const affinity = z.strictObject({
    nodeAffinity: z.record(z.string(), z.unknown()).optional(),
    podAffinity: z.record(z.string(), z.unknown()).optional(),
    podAntiAffinity: z.record(z.string(), z.unknown()).optional(),
}) as unknown as z.ZodType<In.core.v1.Affinity, In.core.v1.Affinity>;

/** The options of Microsoft's current guidance (guidanceSchema.ts), from the primitives above. */
export const guidance = guidanceSchemas({
    dnsLabel,
    dnsSubdomain,
    nonEmpty,
    port,
    quantity,
    secretKeyRef,
    input,
    NO_CONTROL,
    NO_CONTROL_CHARACTERS,
});

export const apimSchema = z.strictObject({
    resourceGroupName: input(nonEmpty.max(90).regex(/^[-\w._()]+$/, "letters, digits, '-', '_', '.', '(' and ')' only")),
    serviceName: input(
        nonEmpty.max(50).regex(/^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, "letters, digits and '-', starting with a letter"),
    ),
    gatewayName: input(
        nonEmpty
            .max(80)
            .regex(/^[^*#&+:<>?/%\\]+$/, "must not contain * # & + : < > ? / % \\")
            .refine((v) => v.toLowerCase() !== "managed", { error: MANAGED_GATEWAY }),
    ),
    location: z.strictObject({
        name: input(nonEmpty.max(MAX_LOCATION_LENGTH)),
        city: input(z.string().max(MAX_LOCATION_LENGTH)).optional(),
        district: input(z.string().max(MAX_LOCATION_LENGTH)).optional(),
        countryOrRegion: input(z.string().max(MAX_LOCATION_LENGTH)).optional(),
    }),
    /** ARM accepts gateway descriptions of up to 1000 characters. */
    description: input(z.string().max(MAX_DESCRIPTION_LENGTH)).optional(),
    configurationEndpoint: input(
        z.string().regex(HOSTNAME, "must be a host name such as apim.configuration.contoso.com (no https://, no path)"),
    ).optional(),
    configurationTimeoutSeconds: z.int().min(1).max(3600).optional(),
});

/** An ARM resource id of one kind (the kinds Event Grid delivers API Management's events to). */
const resourceId = (re: RegExp, hint: string) => z.string().regex(re, hint);
export const AZURE_FUNCTION_ID =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+\/functions\/[^/]+$/i;
export const AZURE_FUNCTION_HINT =
    "must be an Azure Function's resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>/functions/<function>";
export const SERVICE_BUS_QUEUE_ID =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ServiceBus\/namespaces\/[^/]+\/queues\/[^/]+$/i;
export const SERVICE_BUS_QUEUE_HINT =
    "must be a Service Bus queue's resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<namespace>/queues/<queue>";

export const tokenSchema = z.strictObject({
    keyType: z.enum(["primary", "secondary"]).optional(),
    lifetimeDays: z.int().min(1).max(MAX_TOKEN_LIFETIME_DAYS).optional(),
    rotateEveryDays: z
        .int()
        .min(1)
        .max(MAX_TOKEN_LIFETIME_DAYS - 1)
        .optional(),
    alternateKeys: z.boolean().optional(),
    armEndpoint: url(/^https$/, "expected an https:// URL such as https://management.usgovcloudapi.net").optional(),
    expiryAlerts: z
        .strictObject({
            webhookUrl: input(httpsUrl).optional(),
            azureFunctionIds: z
                .array(input(resourceId(AZURE_FUNCTION_ID, AZURE_FUNCTION_HINT)))
                .min(1)
                .optional(),
            serviceBusQueueIds: z
                .array(input(resourceId(SERVICE_BUS_QUEUE_ID, SERVICE_BUS_QUEUE_HINT)))
                .min(1)
                .optional(),
            systemTopic: z.strictObject({
                name: nonEmpty.max(128).regex(/^[a-zA-Z0-9-]+$/, "letters, digits and '-' only"),
                create: z.boolean().optional(),
                location: nonEmpty.optional(),
                resourceGroupName: nonEmpty
                    .max(90)
                    .regex(/^[-\w._()]+$/, "letters, digits, '-', '_', '.', '(' and ')' only")
                    .optional(),
            }),
        })
        .optional(),
});

export const argsSchema = z.strictObject({
    environment: z.enum(["dev", "prod"]).optional(),
    apim: apimSchema,
    token: tokenSchema.optional(),
    namespace: z.strictObject({
        name: input(dnsLabel),
        create: z.boolean().optional(),
        podSecurityLevel: z.enum(["restricted", "baseline", "privileged"]).optional(),
    }),
    replicas: z.int().min(1).max(100).optional(),
    rollingUpdate: z.strictObject({ maxUnavailable: intOrPercent.optional(), maxSurge: intOrPercent.optional() }).optional(),
    image: z
        .strictObject({
            repository: z
                .string()
                .regex(IMAGE_REPOSITORY, "must be an image repository such as mcr.microsoft.com/azure-api-management/gateway")
                .optional(),
            tag: z.string().regex(IMAGE_TAG, `must be an image tag such as ${DEFAULT_IMAGE_TAG}`).optional(),
            digest: z.string().regex(IMAGE_DIGEST, "must look like sha256:<64 hex characters>").optional(),
            pullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).optional(),
            pullSecrets: z.array(dnsSubdomain).min(1).optional(),
        })
        .optional(),
    resources: z
        .strictObject({
            requests: z.record(resourceName, quantity).optional(),
            limits: z.record(resourceName, quantity).optional(),
        })
        .optional(),
    service: z
        .strictObject({
            type: z.enum(["LoadBalancer", "NodePort", "ClusterIP"]).optional(),
            externalTrafficPolicy: z.enum(["Local", "Cluster"]).optional(),
            annotations: z.union([annotationMap, deferred<Record<string, pulumi.Input<string>>>()]).optional(),
            loadBalancerIP: input(z.ipv4().or(z.ipv6())).optional(),
            httpPort: port.optional(),
            httpsPort: port.optional(),
            allocateLoadBalancerNodePorts: z.boolean().optional(),
            honorForwardedProto: z.boolean().optional(),
        })
        .optional(),
    configBackup: z
        .strictObject({
            enabled: z.boolean().optional(),
            storageClassName: input(
                z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a storage class name such as azurefile-csi"),
            ).optional(),
            accessMode: z.enum(["ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]).optional(),
            size: z.string().regex(QUANTITY, 'expected a Kubernetes quantity such as "50Mi" (no spaces)').optional(),
            existingClaimName: input(dnsLabel.max(253)).optional(),
        })
        .optional(),
    dnsPolicy: z.enum(["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]).optional(),
    clusterDomain: dnsSubdomain.optional(),
    dnsConfig: z
        .strictObject({
            nameservers: z.array(z.ipv4().or(z.ipv6())).max(3).optional(),
            searches: z.array(z.string().regex(HOSTNAME)).max(32).optional(),
            options: z
                .array(
                    z.strictObject({
                        name: nonEmpty.regex(NO_CONTROL_CHARACTERS, NO_CONTROL),
                        value: z.string().regex(NO_CONTROL_CHARACTERS, NO_CONTROL).optional(),
                    }),
                )
                .optional(),
        })
        .optional(),
    ...optionsShape(),
});

/** The other options (auth modes, HA, scheduling, network, trust, telemetry, Azure extras). */
export function optionsShape() {
    return {
        auth: z
            .strictObject({
                type: z.enum(["token", "existingSecret", "azureAdApp", "workloadIdentity"]).optional(),
                existingSecret: secretKeyRef.optional(),
                azureAdApp: z
                    .strictObject({
                        tenantId: input(guid),
                        clientId: input(guid),
                        clientSecret: input(nonEmpty).optional(),
                        existingSecret: secretKeyRef.optional(),
                        certificate: guidance.azureAdCertificate.optional(),
                        authority: httpsUrl.optional(),
                    })
                    .optional(),
                workloadIdentity: z
                    .strictObject({
                        clientId: input(guid).optional(),
                        provision: z
                            .strictObject({
                                oidcIssuerUrl: input(httpsUrl),
                                location: input(z.string().regex(/^[a-z0-9]+$/, "must be an Azure region name such as westeurope")),
                                resourceGroupName: input(
                                    nonEmpty.max(90).regex(/^[-\w._()]+$/, "letters, digits, '-', '_', '.', '(' and ')' only"),
                                ).optional(),
                                identityName: input(
                                    z
                                        .string()
                                        .regex(
                                            /^[a-zA-Z0-9][-\w]{2,127}$/,
                                            "must be 3 to 128 letters, digits, '-' or '_', starting with a letter or digit",
                                        ),
                                ).optional(),
                                roleDefinitionId: input(
                                    z.union([guid, z.string().regex(ROLE_DEFINITION_ID)], {
                                        error: "expected a role definition GUID or /subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<GUID>",
                                    }),
                                ).optional(),
                                roleScope: z.enum(["service", "resourceGroup"]).optional(),
                                apimPrincipalId: input(guid).optional(),
                            })
                            .optional(),
                    })
                    .optional(),
                tokenAudience: httpsUrl.optional(),
            })
            .optional(),
        highAvailability: z
            .strictObject({
                enabled: z.boolean().optional(),
                maxUnavailable: intOrPercent.optional(),
                topologySpread: z
                    .strictObject({
                        whenUnsatisfiable: z.enum(["ScheduleAnyway", "DoNotSchedule"]).optional(),
                        topologyKeys: z.array(labelKey).min(1).optional(),
                    })
                    .optional(),
                antiAffinity: z.enum(["none", "preferred", "required"]).optional(),
            })
            .optional(),
        autoscaling: z
            .strictObject({
                enabled: z.boolean().optional(),
                minReplicas: z.int().min(1).max(100).optional(),
                maxReplicas: z.int().min(1).max(100),
                targetCpuUtilizationPercentage: z.int().min(1).max(100).optional(),
                targetMemoryUtilizationPercentage: z.int().min(1).max(100).optional(),
                keda: guidance.keda.optional(),
            })
            .optional(),
        probes: z
            .strictObject({
                readiness: z.strictObject({ ...probeTiming, successThreshold: z.int().min(1).max(10).optional() }).optional(),
                liveness: z.strictObject(probeTiming).optional(),
                startup: z.strictObject(probeTiming).optional(),
            })
            .optional(),
        podSecurity: z
            .strictObject({
                runAsUser: z.int().min(1, ROOT_REFUSED).optional(),
                runAsGroup: z.int().min(1, ROOT_REFUSED).optional(),
                fsGroup: z.int().min(1, ROOT_REFUSED).optional(),
                fsGroupChangePolicy: z.enum(["OnRootMismatch", "Always"]).optional(),
            })
            .optional(),
        terminationGracePeriodSeconds: z.int().min(0).max(3600).optional(),
        nodeSelector: labelMap.optional(),
        tolerations: z
            .array(
                z.strictObject({
                    key: labelKey.optional(),
                    operator: z.enum(["Exists", "Equal"]).optional(),
                    value: z.string().regex(LABEL_VALUE, "must be a label value").optional(),
                    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
                    tolerationSeconds: z.int().min(0).optional(),
                }),
            )
            .optional(),
        affinity: affinity.optional(),
        architecture: guidance.architecture.optional(),
        priorityClassName: dnsSubdomain.optional(),
        hostAliases: z
            .array(
                z.strictObject({ ip: z.ipv4().or(z.ipv6()), hostnames: z.array(z.string().regex(HOSTNAME, "must be a host name")).min(1) }),
            )
            .optional(),
        commonLabels: labelMap.optional(),
        commonAnnotations: plainAnnotations.optional(),
        podAnnotations: plainAnnotations.optional(),
        serviceAccount: z
            .strictObject({ create: z.boolean().optional(), name: dnsSubdomain.optional(), annotations: plainAnnotations.optional() })
            .optional(),
        networkPolicy: z
            .strictObject({
                enabled: z.boolean().optional(),
                ingressFrom: z
                    .array(
                        z.strictObject({
                            namespaceSelector: matchLabels.optional(),
                            podSelector: matchLabels.optional(),
                            ipBlock: z
                                .strictObject({
                                    cidr: z.string().regex(CIDR, "must be a CIDR such as 10.0.0.0/8"),
                                    except: z.array(z.string().regex(CIDR, "must be a CIDR such as 10.0.0.0/24")).optional(),
                                })
                                .optional(),
                        }),
                    )
                    .min(1)
                    .optional(),
            })
            .optional(),
        proxy: z
            .strictObject({
                http: proxyUrl.optional(),
                https: proxyUrl.optional(),
                bypass: z
                    .array(z.string().regex(/^[^\s,]+$/, "one host, domain (.corp.com), IP or CIDR per entry; no spaces or commas"))
                    .min(1)
                    .optional(),
            })
            .optional(),
        tls: z
            .strictObject({
                serverCipherSuites: z
                    .array(z.string().regex(/^TLS_[A-Z0-9_]+$/, "must be a cipher suite name such as TLS_AES_256_GCM_SHA384"))
                    .min(1)
                    .optional(),
                clientCipherSuites: z
                    .array(z.string().regex(/^TLS_[A-Z0-9_]+$/, "must be a cipher suite name such as TLS_AES_256_GCM_SHA384"))
                    .min(1)
                    .optional(),
                certificateRevocationValidation: z.boolean().optional(),
                backendProtocols: guidance.backendProtocols.optional(),
            })
            .optional(),
        configurationTrust: z
            .strictObject({
                caCertificates: z
                    .array(
                        z
                            .string()
                            .regex(
                                PEM_CERTIFICATE,
                                "must be one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)",
                            ),
                    )
                    .min(1)
                    .max(10)
                    .optional(),
                caDirectory: z
                    .string()
                    .regex(/^\/[-\w./]*[^/]$/, "must be an absolute directory such as /etc/ssl/certs")
                    .optional(),
                disableCertificateValidation: z.boolean().optional(),
            })
            .optional(),
        observability: z
            .strictObject({
                logs: z
                    .strictObject({
                        std: z
                            .strictObject({
                                format: z.enum(["none", "text", "json"]).optional(),
                                level: z.enum(["all", "debug", "info", "warn", "error", "fatal"]).optional(),
                                color: z.boolean().optional(),
                            })
                            .optional(),
                        local: z
                            .strictObject({
                                type: z.enum(["none", "auto", "localsyslog", "rfc5424", "journal", "json", "forward"]),
                                endpoint: nonEmpty.regex(NO_CONTROL_CHARACTERS, NO_CONTROL).optional(),
                                facility: z.int().min(0).max(23).optional(),
                            })
                            .optional(),
                    })
                    .optional(),
                metrics: z
                    .strictObject({
                        azureMonitor: z.boolean().optional(),
                        statsd: z
                            .strictObject({
                                endpoint: z
                                    .string()
                                    .regex(
                                        /^(udp:\/\/)?[a-zA-Z0-9.-]+:\d{1,5}$/,
                                        "must be host:port such as 10.0.41.179:8125 (optionally udp://)",
                                    ),
                                sampling: z.number().min(0).max(1).optional(),
                                tagFormat: z.enum(["librato", "dogStatsD", "influxDB"]).optional(),
                            })
                            .optional(),
                    })
                    .optional(),
                openTelemetry: z
                    .strictObject({
                        collectorUri: url(/^https?$/, "expected a URL such as http://otel-collector:4317"),
                        systemMetrics: z.boolean().optional(),
                        histogramBuckets: z.array(z.number().positive()).min(1).optional(),
                    })
                    .optional(),
                applicationInsights: guidance.applicationInsights.optional(),
            })
            .optional(),
        instanceDiscovery: guidance.instanceDiscovery.optional(),
        ...guidance.extensionShape(),
        additionalSettings: z
            .record(
                z.string().max(253).regex(CONFIG_KEY, "must be a setting name: letters, digits, '-', '_' and '.'"),
                z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or true/false" }),
            )
            .optional(),
        apis: z
            .array(z.strictObject({ apiId: z.string().regex(APIM_ID, "must be an API id (no spaces or * # & + : < > ? / % \\)") }))
            .optional(),
        hostnames: z
            .array(
                z.strictObject({
                    id: z.string().regex(/^[a-zA-Z0-9][-a-zA-Z0-9]{0,79}$/, "letters, digits and '-', at most 80"),
                    hostname: z.string().max(253).regex(WILDCARD_HOSTNAME, "must be a host name such as api.contoso.com or *.contoso.com"),
                    certificateId: z.string().regex(APIM_ID, "must be an APIM certificate id").optional(),
                    negotiateClientCertificate: z.boolean().optional(),
                    http2Enabled: z.boolean().optional(),
                    tls10Enabled: z.boolean().optional(),
                    tls11Enabled: z.boolean().optional(),
                }),
            )
            .optional(),
        certificateAuthorities: z
            .array(
                z.strictObject({
                    certificateId: z.string().regex(APIM_ID, "must be an APIM certificate id"),
                    isTrusted: z.boolean().optional(),
                }),
            )
            .optional(),
    };
}
