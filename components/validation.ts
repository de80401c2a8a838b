// Validation of the component's arguments and the stack config, with a schema library (zod).
// Every problem names the full key path, the value received and what is allowed; all problems
// of one input are reported together.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_TOKEN_LIFETIME_DAYS, SelfHostedGatewayArgs } from "./args";
import { rotationProblems } from "./rotation";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// https://github.com/kubernetes/apimachinery resource.Quantity grammar.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(\d+(\.\d*)?|\.\d+)))?$/;
const PERCENT = /^(100|[1-9]?\d)%$/;
// Host name (RFC 1123), optionally with a port; no scheme, no path.
const HOSTNAME = /^(?=.{1,253}(:\d{1,5})?$)([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/;
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
            return `expected ${isInt ? TYPE_NAMES.int : TYPE_NAMES[iss.expected] ?? iss.expected}`;
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

export const apimSchema = z.strictObject({
    resourceGroupName: input(nonEmpty.max(90).regex(/^[-\w._()]+$/, "letters, digits, '-', '_', '.', '(' and ')' only")),
    serviceName: input(nonEmpty.max(50).regex(/^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, "letters, digits and '-', starting with a letter")),
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
    rotateEveryDays: z.int().min(1).max(MAX_TOKEN_LIFETIME_DAYS - 1).optional(),
    alternateKeys: z.boolean().optional(),
    armEndpoint: z.url({ protocol: /^https$/, error: "expected an https:// URL such as https://management.usgovcloudapi.net" }).optional(),
});

export const argsSchema = z.strictObject({
    apim: apimSchema,
    token: tokenSchema.optional(),
    namespace: z.strictObject({
        name: input(dnsLabel),
        create: z.boolean().optional(),
    }),
    replicas: z.int().min(1).max(100).optional(),
    rollingUpdate: z
        .strictObject({ maxUnavailable: intOrPercent.optional(), maxSurge: intOrPercent.optional() })
        .optional(),
    image: z
        .strictObject({
            repository: z.string().regex(IMAGE_REPOSITORY, "must be an image repository such as mcr.microsoft.com/azure-api-management/gateway").optional(),
            tag: z.string().regex(IMAGE_TAG, "must be an image tag such as 2.11.1").optional(),
            digest: z.string().regex(IMAGE_DIGEST, "must look like sha256:<64 hex characters>").optional(),
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
        })
        .optional(),
    configBackup: z
        .strictObject({
            enabled: z.boolean().optional(),
            storageClassName: input(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a storage class name such as azurefile-csi")).optional(),
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
});

/** Names the place in the input; prefix is the config key (e.g. `gateway`) or the arg name. */
function keyPath(prefix: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>(
        (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
        prefix,
    );
}

function shown(v: unknown): string {
    if (v === undefined) return "nothing";
    if (typeof v === "string") return JSON.stringify(v);
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
        problems.push(`${prefix}.configBackup.enabled: is false, so storageClassName/existingClaimName would be ignored; remove them or enable the backup`);
    }
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
export function checkResolved(key: string, value: string, rule: "dnsLabel" | "hostname"): string | undefined {
    const ok = rule === "dnsLabel" ? DNS1123_LABEL.test(value) && value.length <= 63 : HOSTNAME.test(value);
    if (ok) return undefined;
    return rule === "dnsLabel"
        ? `${key}: got ${JSON.stringify(value)}; must be a DNS-1123 label (lower-case letters, digits, '-', at most 63 characters)`
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
