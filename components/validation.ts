// Validation of the component's arguments and the stack config, with a schema library (zod).
// Every problem names the full key path, the value received and what is allowed; all problems
// of one input are reported together.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_TOKEN_LIFETIME_DAYS, MIN_AUTOSCALING_REPLICAS, SelfHostedGatewayArgs } from "./args";
import { rotationProblems } from "./rotation";
import { settingOwner } from "./settings";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// https://github.com/kubernetes/apimachinery resource.Quantity grammar.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(\d+(\.\d*)?|\.\d+)))?$/;
const PERCENT = /^(100|[1-9]?\d)%$/;
// Host name (RFC 1123), optionally with a port; no scheme, no path.
const HOSTNAME =
    /^(?=.{1,253}(:\d{1,5})?$)([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/;
const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** k8s names built as `${name}-instance-discovery` must stay within 63 characters. */
export const MAX_NAME_LENGTH = 63 - "-instance-discovery".length;

/** A Pulumi Output or a promise: checked later, inside `apply`. */
const deferred = z.custom<pulumi.Output<unknown> | Promise<unknown>>(
    (v) => pulumi.Output.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as Promise<unknown>).then === "function"),
    { message: "expected a string" },
);
/** A string input: a plain value is checked now, an Output later. */
const input = <T extends z.ZodType>(plain: T) => z.union([plain, deferred]);

const nonEmpty = z.string().trim().min(1, "must not be empty");
const dnsLabel = z
    .string()
    .max(63, "must be at most 63 characters")
    .regex(DNS1123_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");
const INT_OR_PERCENT = 'expected a whole number ≥ 0 or a percentage such as "25%"';
const intOrPercent = z.union([z.int(INT_OR_PERCENT).min(0, INT_OR_PERCENT), z.string().regex(PERCENT, INT_OR_PERCENT)], {
    error: INT_OR_PERCENT,
});
const QUANTITY_HINT = 'expected a Kubernetes quantity such as "500m", "2", "512Mi" or "2Gi" (no spaces)';
const quantity = z.union([z.number(QUANTITY_HINT).nonnegative(QUANTITY_HINT), z.string().regex(QUANTITY, QUANTITY_HINT)], {
    error: QUANTITY_HINT,
});

const TYPE_NAMES: Record<string, string> = {
    int: "a whole number",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    object: "an object",
    array: "a list",
    record: "an object",
};

/** Plain-language messages for the generic checks (schema-level messages take precedence). */
const plainMessages: z.core.$ZodErrorMap = (iss) => {
    switch (iss.code) {
        case "invalid_type": {
            const isInt = (iss.inst as { format?: string } | undefined)?.format === "safeint";
            return `expected ${isInt ? TYPE_NAMES.int : (TYPE_NAMES[iss.expected] ?? iss.expected)}`;
        }
        case "too_big":
            return iss.origin === "string"
                ? `must be at most ${iss.maximum} characters`
                : iss.origin === "array"
                  ? `must have at most ${iss.maximum} items`
                  : `must be at most ${iss.maximum}`;
        case "too_small":
            return iss.origin === "string"
                ? Number(iss.minimum) <= 1
                    ? "must not be empty"
                    : `must be at least ${iss.minimum} characters`
                : iss.origin === "array"
                  ? `must have at least ${iss.minimum} items`
                  : `must be at least ${iss.minimum}`;
        default:
            return undefined;
    }
};
const port = z.int().min(1).max(65535);
const annotationMap = z.record(z.string().min(1), z.union([z.string(), deferred]));

// Kubernetes and Azure name grammars used by the options of issue 5.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ROLE_DEFINITION_ID = /^(\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-fA-F-]{36}$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;
const PEM_CERTIFICATE = /^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;
const WILDCARD_HOSTNAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const APIM_ID = /^[^*#&+:<>?/%\\\s]{1,256}$/;

const dnsSubdomain = z.string().max(253).regex(DNS1123_SUBDOMAIN, "must be a Kubernetes name: lower-case letters, digits, '-' and '.'");
const guid = z.string().regex(GUID, "must be a GUID such as 00000000-0000-0000-0000-000000000000");
const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
const labelKey = z.string().regex(LABEL_KEY, "must be a label key such as team or example.com/team");
const labelMap = z.record(
    labelKey,
    z
        .string()
        .regex(
            LABEL_VALUE,
            "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        ),
);
const plainAnnotations = z.record(labelKey, z.string());
const secretKeyRef = z.strictObject({
    name: input(dnsSubdomain),
    key: z.string().max(253).regex(CONFIG_KEY, "must be a Secret key: letters, digits, '-', '_' and '.'").optional(),
});
const NO_CREDENTIALS = "must not contain credentials (user:password@); plain stack config is not secret";
const proxyUrl = z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL such as http://proxy.corp:3128" })
    .refine((v) => !/^[a-z]+:\/\/[^/]*@/i.test(v), NO_CREDENTIALS);
const probeTiming = {
    initialDelaySeconds: z.int().min(0).max(3600).optional(),
    periodSeconds: z.int().min(1).max(300).optional(),
    timeoutSeconds: z.int().min(1).max(60).optional(),
    failureThreshold: z.int().min(1).max(1000).optional(),
};
const ROOT_REFUSED = "must be at least 1: the gateway runs as non-root (uid 1001) under the restricted pod security profile";
const matchLabels = z.strictObject({ matchLabels: labelMap });

export const apimSchema = z.strictObject({
    resourceGroupName: input(nonEmpty.max(90).regex(/^[-\w._()]+$/, "letters, digits, '-', '_', '.', '(' and ')' only")),
    serviceName: input(
        nonEmpty.max(50).regex(/^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, "letters, digits and '-', starting with a letter"),
    ),
    gatewayName: input(nonEmpty.max(80).regex(/^[^*#&+:<>?/%\\]+$/, "must not contain * # & + : < > ? / % \\")),
    location: z.strictObject({
        name: input(nonEmpty),
        city: input(z.string()).optional(),
        district: input(z.string()).optional(),
        countryOrRegion: input(z.string()).optional(),
    }),
    description: input(z.string()).optional(),
    configurationEndpoint: input(
        z.string().regex(HOSTNAME, "must be a host name such as apim.configuration.contoso.com (no https://, no path)"),
    ).optional(),
});

export const tokenSchema = z.strictObject({
    keyType: z.enum(["primary", "secondary"]).optional(),
    lifetimeDays: z.int().min(1).max(MAX_TOKEN_LIFETIME_DAYS).optional(),
    rotateEveryDays: z
        .int()
        .min(1)
        .max(MAX_TOKEN_LIFETIME_DAYS - 1)
        .optional(),
    alternateKeys: z.boolean().optional(),
    armEndpoint: z.url({ protocol: /^https$/, error: "expected an https:// URL such as https://management.usgovcloudapi.net" }).optional(),
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
            tag: z.string().regex(IMAGE_TAG, "must be an image tag such as 2.11.1").optional(),
            digest: z.string().regex(IMAGE_DIGEST, "must look like sha256:<64 hex characters>").optional(),
            pullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).optional(),
            pullSecrets: z.array(dnsSubdomain).min(1).optional(),
        })
        .optional(),
    resources: z
        .strictObject({
            requests: z.record(z.string().min(1), quantity).optional(),
            limits: z.record(z.string().min(1), quantity).optional(),
        })
        .optional(),
    service: z
        .strictObject({
            type: z.enum(["LoadBalancer", "NodePort", "ClusterIP"]).optional(),
            externalTrafficPolicy: z.enum(["Local", "Cluster"]).optional(),
            annotations: z.union([annotationMap, deferred]).optional(),
            loadBalancerIP: input(z.ipv4().or(z.ipv6())).optional(),
            httpPort: port.optional(),
            httpsPort: port.optional(),
            allocateLoadBalancerNodePorts: z.boolean().optional(),
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
    dnsConfig: z
        .strictObject({
            nameservers: z.array(z.ipv4().or(z.ipv6())).max(3).optional(),
            searches: z.array(z.string().regex(HOSTNAME)).max(32).optional(),
            options: z.array(z.strictObject({ name: nonEmpty, value: z.string().optional() })).optional(),
        })
        .optional(),
    ...optionsShape(),
});

/** The options of issue 5 (auth modes, HA, scheduling, network, trust, telemetry, Azure extras). */
function optionsShape() {
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
                                roleScope: z.enum(["gateway", "service"]).optional(),
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
        affinity: z
            .strictObject({
                nodeAffinity: z.record(z.string(), z.unknown()).optional(),
                podAffinity: z.record(z.string(), z.unknown()).optional(),
                podAntiAffinity: z.record(z.string(), z.unknown()).optional(),
            })
            .optional(),
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
                                type: z.enum(["none", "auto", "localsyslog", "rfc5424", "journal", "json"]),
                                endpoint: nonEmpty.optional(),
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
                        collectorUri: z.url({ protocol: /^https?$/, error: "expected a URL such as http://otel-collector:4317" }),
                        systemMetrics: z.boolean().optional(),
                        histogramBuckets: z.array(z.number().positive()).min(1).optional(),
                    })
                    .optional(),
            })
            .optional(),
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

/** Names the place in the input; prefix is the config key (e.g. `gateway`) or the arg name. */
function keyPath(prefix: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, p) => {
        if (typeof p === "number") return `${acc}[${p}]`;
        const key = String(p);
        // Map keys such as annotation names contain dots and slashes: bracket them so the path stays readable.
        if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${acc}[${JSON.stringify(key)}]`;
        return acc ? `${acc}.${key}` : key;
    }, prefix);
}

function shown(v: unknown): string {
    if (v === undefined) return "nothing";
    // A URL's user:password@ part is a credential: never repeat it.
    if (typeof v === "string") return JSON.stringify(v.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@"));
    if (typeof v === "object" && v !== null) return Array.isArray(v) ? "a list" : "an object";
    return `${JSON.stringify(v)} (${typeof v})`;
}

/** Walks the schema to list the keys allowed at a path (for "unknown key" messages). */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let s: z.ZodType | undefined = schema;
    const unwrap = (t: z.ZodType): z.ZodType => {
        let cur = t;
        while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault) {
            cur = cur.unwrap() as z.ZodType;
        }
        return cur;
    };
    for (const p of path) {
        s = s && unwrap(s);
        if (s instanceof z.ZodObject) {
            s = (s.shape as Record<string, z.ZodType>)[String(p)];
        } else if (s instanceof z.ZodArray) {
            s = s.element as z.ZodType;
        } else {
            return [];
        }
    }
    s = s && unwrap(s);
    return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Keys whose values are secrets: problems name them but never show their value. */
const SECRET_KEYS = new Set(["clientSecret"]);

/** One sentence per problem: `<key path>: got <value>; <what is allowed>`. */
export function describeIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], prefix: string): string[] {
    const lines: string[] = [];
    for (const issue of issues) {
        const input = (issue as { input?: unknown }).input;
        if (issue.code === "unrecognized_keys") {
            const allowed = allowedKeys(schema, issue.path);
            for (const key of issue.keys) {
                lines.push(`${keyPath(prefix, [...issue.path, key])}: unknown key; allowed keys here: ${allowed.join(", ")}`);
            }
            continue;
        }
        if (SECRET_KEYS.has(String(issue.path[issue.path.length - 1]))) {
            // Never echo a secret, even a malformed one.
            lines.push(
                `${keyPath(prefix, issue.path)}: got a value (hidden: it is a secret); expected a non-empty string (a Pulumi secret)`,
            );
            continue;
        }
        if (issue.code === "invalid_union") {
            // A value that may also be an Output: explain the plain branch's problems, not "Invalid input".
            const branches = issue.errors.filter((b) => !b.every((i) => i.code === "custom"));
            if (branches.length === 1) {
                const nested = branches[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
                lines.push(...describeIssues(schema, nested, prefix));
                continue;
            }
        }
        if (issue.code === "invalid_key") {
            // A record key: name the key in brackets and say what keys may look like.
            const key = String(issue.path[issue.path.length - 1]);
            const inner = issue.issues[0]?.message ?? "invalid key";
            lines.push(`${keyPath(prefix, issue.path.slice(0, -1))}["${key}"]: invalid key; ${inner}`);
            continue;
        }
        let what = issue.message.replace(/^Invalid input: /, "");
        if (issue.code === "invalid_value") {
            what = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        } else if (issue.code === "invalid_type" && input === undefined) {
            what = `required (${what})`;
        }
        lines.push(`${keyPath(prefix, issue.path)}: got ${shown(input)}; ${what}`);
    }
    return lines;
}

/** Cross-field rules the schema alone cannot say. */
function crossFieldProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
    const problems: string[] = [];
    const token = args.token ?? {};
    problems.push(
        ...rotationProblems(
            { lifetimeDays: token.lifetimeDays ?? 30, rotateEveryDays: token.rotateEveryDays ?? 7 },
            MAX_TOKEN_LIFETIME_DAYS,
            `${prefix}.token`,
        ),
    );
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
    problems.push(...authProblems(args, prefix), ...optionProblems(args, prefix));
    return problems;
}

/** Which auth block goes with which auth.type, exactly one source of each credential. */
function authProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
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
    if (type === "azureAdApp" && aad !== undefined && (aad.clientSecret === undefined) === (aad.existingSecret === undefined)) {
        problems.push(
            `${p}.azureAdApp: set exactly one of clientSecret (a Pulumi secret; in the stack program, the secret key apim-gateway:azureAdClientSecret) and existingSecret`,
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

const RESERVED_LABELS = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/managed-by",
    "azure.workload.identity/use",
];
const RESERVED_POD_ANNOTATIONS = ["apim-gateway/token-expiry", "apim-gateway/token-key"];

/** Cross-field rules of the other options (HA, autoscaling, scheduling, network, trust, telemetry, Azure extras). */
function optionProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
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
        if ((local.type === "none" || local.type === "auto") && local.endpoint !== undefined) {
            problems.push(`${lp}.endpoint: does not apply when type is "${local.type}"; remove it`);
        }
        if (local.facility !== undefined && local.type !== "localsyslog" && local.type !== "rfc5424") {
            problems.push(`${lp}.facility: only applies to type "localsyslog" or "rfc5424"`);
        }
    }
    const buckets = args.observability?.openTelemetry?.histogramBuckets;
    if (buckets !== undefined && buckets.some((b, i) => i > 0 && b <= buckets[i - 1])) {
        problems.push(
            `${prefix}.observability.openTelemetry.histogramBuckets: got ${JSON.stringify(buckets)}; must be strictly increasing`,
        );
    }
    for (const key of Object.keys(args.additionalSettings ?? {})) {
        const owner = settingOwner(key);
        const at = `${prefix}.additionalSettings["${key}"]`;
        if (owner?.kind === "option") {
            problems.push(`${at}: shadows the typed option ${prefix}.${owner.path}; set that instead`);
        } else if (owner?.kind === "component") {
            problems.push(`${at}: is set by the component (${owner.what}); it cannot be overridden`);
        } else if (owner?.kind === "auth") {
            problems.push(
                `${at}: Entra settings belong to ${prefix}.auth (certificate sign-in is not offered); use ${prefix}.auth.azureAdApp or workloadIdentity`,
            );
        }
    }
    const duplicates = (list: string[] | undefined, key: string) => {
        const seen = new Set<string>();
        (list ?? []).forEach((v, i) => {
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

export type ValidationResult = { ok: true; args: SelfHostedGatewayArgs } | { ok: false; problems: string[] };

/**
 * Validates component args (plain values now; Outputs are checked later inside `apply`).
 * `prefix` names the arguments in messages: `gateway` for the stack config key.
 */
export function validateArgs(raw: unknown, prefix = "args"): ValidationResult {
    const parsed = argsSchema.safeParse(raw, { reportInput: true, error: plainMessages });
    if (!parsed.success) {
        return { ok: false, problems: describeIssues(argsSchema, parsed.error.issues, prefix) };
    }
    const args = raw as SelfHostedGatewayArgs;
    const problems = crossFieldProblems(args, prefix);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, args };
}

/** Validates a resource name used to derive Kubernetes object names. */
export function nameProblems(name: string, key = "name"): string[] {
    if (name.length > MAX_NAME_LENGTH || !DNS1123_LABEL.test(name)) {
        return [
            `${key}: got ${JSON.stringify(name)}; it prefixes Kubernetes object names, so it must be a ` +
                `DNS-1123 label of at most ${MAX_NAME_LENGTH} characters (lower-case letters, digits, '-')`,
        ];
    }
    return [];
}

/** Checks one resolved string against a rule (used inside `apply` for Output values). */
export function checkResolved(key: string, value: string, rule: "dnsLabel" | "hostname" | "dnsSubdomain"): string | undefined {
    const ok =
        rule === "dnsLabel"
            ? DNS1123_LABEL.test(value) && value.length <= 63
            : rule === "dnsSubdomain"
              ? DNS1123_SUBDOMAIN.test(value) && value.length <= 253
              : HOSTNAME.test(value);
    if (ok) return undefined;
    return rule === "dnsLabel"
        ? `${key}: got ${JSON.stringify(value)}; must be a DNS-1123 label (lower-case letters, digits, '-', at most 63 characters)`
        : rule === "dnsSubdomain"
          ? `${key}: got ${JSON.stringify(value)}; must be a Kubernetes name (lower-case letters, digits, '-' and '.')`
          : `${key}: got ${JSON.stringify(value)}; must be a host name such as apim.configuration.contoso.com`;
}

export function formatProblems(title: string, problems: string[]): string {
    return `${title} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}

/**
 * Checks the `renderYamlTo` stack setting: a directory to write Kubernetes manifests to instead of applying them.
 * `raw` is the config value as Pulumi stores it (always a string; objects and lists arrive as JSON).
 */
export function renderDirProblems(raw: string | undefined, key = "renderYamlTo"): string[] {
    if (raw === undefined) return [];
    const hint = `expected a directory path such as "rendered/prod" (relative to the project), or remove ${key} to apply to the cluster`;
    if (raw.trim() === "") return [`${key}: got ${JSON.stringify(raw)}; ${hint}`];
    let parsed: unknown = raw;
    try {
        parsed = JSON.parse(raw);
    } catch {
        // A plain string: a path.
    }
    if (parsed === null || typeof parsed === "boolean" || typeof parsed === "object") {
        return [`${key}: got ${raw}; ${hint}`];
    }
    return [];
}
