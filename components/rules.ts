// The production rules of Microsoft's deployment guide, as pure checks over Kubernetes object
// shapes. The component runs them on the objects it builds (errors in prod, one warning line each
// in dev); the CrossGuard policy pack in policy/ runs the same checks on registered resources, so
// they also hold for projects that import the component or hand-write the YAML.

import { redactUrls } from "./redact";
import { DEFAULT_IMAGE_TAG } from "./args";
import { rotationSlackProblem } from "./rotation";
import { GATEWAY_SETTINGS, settingKeyForm } from "./settings";

export type RuleId =
    | "dedicated-namespace"
    | "min-replicas"
    | "explicit-rolling-update"
    | "resource-requests"
    | "pinned-image"
    | "config-backup"
    | "token-lifetime"
    | "token-rotation-slack"
    | "external-traffic-local"
    | "no-placeholders"
    | "certificate-validation"
    | "modern-tls"
    | "pod-security-level"
    | "gateway-settings";

export interface RuleInfo {
    title: string;
    /** The config key (under `gateway`) that satisfies it. */
    key: string;
    why: string;
}

export const RULES: Record<RuleId, RuleInfo> = {
    "dedicated-namespace": {
        title: "Dedicated namespace",
        key: "namespace.name",
        why: "the portal deploys into `default`; production uses a namespace of its own",
    },
    "min-replicas": { title: "At least 2 replicas", key: "replicas", why: "one pod is a single point of failure; the guide recommends 3" },
    "explicit-rolling-update": {
        title: "Explicit rolling update",
        key: "rollingUpdate",
        why: "maxUnavailable and maxSurge must be set explicitly, especially with many replicas",
    },
    "resource-requests": {
        title: "CPU and memory requests",
        key: "resources.requests",
        why: "the portal sets none; start production at 2 CPU / 2Gi, then load test",
    },
    "pinned-image": {
        title: "Pinned image tag",
        key: "image.tag",
        why: "rolling tags (latest, v2, v2-preview, beta) change under a running deployment",
    },
    "config-backup": {
        title: "Configuration backup",
        key: "configBackup.enabled",
        why: "a volume at /apim/config lets a restarted pod serve its last configuration while Azure is unreachable",
    },
    "token-lifetime": {
        title: "Token lifetime ≤ 30 days",
        key: "token.lifetimeDays",
        why: "Azure issues gateway tokens for 30 days at most",
    },
    "token-rotation-slack": {
        title: "Token outlives a missed rotation run",
        key: "token.rotateEveryDays",
        why: "a token that expires before the next scheduled rotation run after a failed one leaves the gateway without configuration sync",
    },
    "external-traffic-local": {
        title: "externalTrafficPolicy: Local",
        key: "service.externalTrafficPolicy",
        why:
            "keeps the caller IP and avoids a second hop; note that nodes running more gateway pods then get no more traffic " +
            "than others, so spread pods evenly across nodes",
    },
    "no-placeholders": {
        title: "No placeholders left",
        key: "(any key)",
        why: "the stack files ship with REPLACE-ME values; one left in reaches Azure or the cluster as a real name",
    },
    "certificate-validation": {
        title: "Configuration endpoint certificate validated",
        key: "configurationTrust.disableCertificateValidation",
        why: "without validation anyone on the network path can impersonate API Management and feed the gateway configuration",
    },
    "modern-tls": {
        title: "TLS 1.2 or later",
        key: "hostnames[].tls10Enabled / tls11Enabled, tls.backendProtocols",
        why: "TLS 1.0 and 1.1 are deprecated and broken; clients must use TLS 1.2 or later",
    },
    "pod-security-level": {
        title: "Pod Security level set, not privileged",
        key: "namespace.podSecurityLevel",
        why: "a namespace without a Pod Security level, or with privileged, enforces nothing; the gateway's pods meet restricted",
    },
    "gateway-settings": {
        title: "Only the gateway's own settings",
        key: "additionalSettings",
        why:
            "the pods read every setting as an environment variable, so a key that is not one of the gateway's settings (as Microsoft's " +
            "settings reference spells them) reaches the container's runtime (SSL_CERT_FILE, all_proxy, DOTNET_STARTUP_HOOKS)",
    },
};

export interface Finding {
    rule: RuleId;
    /** Where in the component args / stack config to fix it (relative, e.g. `replicas`). */
    key: string;
    message: string;
}

export const GATEWAY_IMAGE = "azure-api-management/gateway";
export const GATEWAY_LABEL = "app.kubernetes.io/name";
export const GATEWAY_LABEL_VALUE = "azure-api-management-gateway";
export const BACKUP_PATH = "/apim/config";
const MAX_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

export interface ImageRef {
    repository: string;
    tag?: string;
    digest?: string;
}

/** Splits `registry[:port]/repo[:tag][@digest]`. */
export function parseImage(image: string): ImageRef {
    const [nameAndTag, digest] = image.split("@", 2);
    const slash = nameAndTag.lastIndexOf("/");
    const colon = nameAndTag.lastIndexOf(":");
    if (colon > slash) {
        return { repository: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), ...(digest ? { digest } : {}) };
    }
    return { repository: nameAndTag, ...(digest ? { digest } : {}) };
}

/** A tag is pinned when it names one release (x.y.z, optionally with a suffix) or a digest is given. */
export function isPinned(ref: ImageRef): boolean {
    if (ref.digest) return true;
    return ref.tag !== undefined && /^v?\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/.test(ref.tag);
}

// Minimal shapes of the Kubernetes objects the rules read (plain values, as registered).
export interface ContainerShape {
    name?: string;
    image?: string;
    resources?: { requests?: Record<string, unknown> };
    volumeMounts?: { mountPath?: string; name?: string }[];
}
export interface DeploymentShape {
    metadata?: { name?: unknown; namespace?: unknown; labels?: Record<string, unknown> };
    spec?: {
        replicas?: unknown;
        strategy?: { type?: unknown; rollingUpdate?: { maxUnavailable?: unknown; maxSurge?: unknown } };
        template?: { metadata?: { labels?: Record<string, unknown> }; spec?: { containers?: ContainerShape[] } };
    };
}
export interface ServiceShape {
    metadata?: { name?: unknown; namespace?: unknown };
    spec?: { type?: unknown; clusterIP?: unknown; externalTrafficPolicy?: unknown; selector?: Record<string, unknown> };
}

/** Whether a Deployment runs the self-hosted gateway (by image or by our label). */
export function isGatewayDeployment(d: DeploymentShape): boolean {
    const labels = d.spec?.template?.metadata?.labels ?? {};
    if (labels[GATEWAY_LABEL] === GATEWAY_LABEL_VALUE) return true;
    return (d.spec?.template?.spec?.containers ?? []).some((c) => typeof c.image === "string" && c.image.includes(GATEWAY_IMAGE));
}

/** Whether a Service carries the gateway's live traffic (our selector, or the portal's `-live-traffic` name). */
export function isGatewayTrafficService(s: ServiceShape): boolean {
    if (s.spec?.clusterIP === "None") return false;
    if (s.spec?.selector?.[GATEWAY_LABEL] === GATEWAY_LABEL_VALUE) return true;
    return typeof s.metadata?.name === "string" && s.metadata.name.endsWith("-live-traffic");
}

function gatewayContainer(d: DeploymentShape): ContainerShape | undefined {
    const containers = d.spec?.template?.spec?.containers ?? [];
    return containers.find((c) => typeof c.image === "string" && c.image.includes(GATEWAY_IMAGE)) ?? containers[0];
}

const shown = (v: unknown) => (v === undefined ? "nothing" : redactUrls(JSON.stringify(v)));

/** A HorizontalPodAutoscaler's target and floor. */
export interface AutoscalerShape {
    spec?: { scaleTargetRef?: { kind?: unknown; name?: unknown }; minReplicas?: unknown };
}

/** The lowest replica count an autoscaler keeps for a Deployment of this name, if one targets it. */
export function autoscalerFloor(deploymentName: unknown, autoscalers: AutoscalerShape[]): number | undefined {
    const hpa = autoscalers.find((h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === deploymentName);
    if (hpa === undefined) return undefined;
    return typeof hpa.spec?.minReplicas === "number" ? hpa.spec.minReplicas : 1;
}

/**
 * The guide's rules that a gateway Deployment breaks. `autoscalerMin` is the floor of an autoscaler
 * that owns the replica count (the Deployment then leaves `replicas` unset).
 */
export function deploymentFindings(d: DeploymentShape, autoscalerMin?: number): Finding[] {
    const out: Finding[] = [];
    const add = (rule: RuleId, message: string) => out.push({ rule, key: RULES[rule].key, message });
    const ns = d.metadata?.namespace;
    if (ns === undefined || ns === "default") {
        add("dedicated-namespace", `namespace.name: got ${shown(ns ?? "default")}; deploy the gateway into a dedicated namespace`);
    }
    if (d.spec?.replicas === undefined && autoscalerMin !== undefined) {
        if (autoscalerMin < 2) {
            add("min-replicas", `autoscaling.minReplicas: got ${autoscalerMin}; production needs at least 2 (3 recommended)`);
        }
    } else {
        const replicas = d.spec?.replicas ?? 1;
        if (typeof replicas === "number" && replicas < 2) {
            add("min-replicas", `replicas: got ${replicas}; production needs at least 2 (3 recommended)`);
        }
    }
    const strategy = d.spec?.strategy;
    const ru = strategy?.rollingUpdate;
    if ((strategy?.type ?? "RollingUpdate") !== "RollingUpdate" || ru?.maxUnavailable === undefined || ru?.maxSurge === undefined) {
        add(
            "explicit-rolling-update",
            `rollingUpdate: got ${shown(strategy)}; set strategy RollingUpdate with explicit maxUnavailable and maxSurge (e.g. 0 and 1)`,
        );
    }
    const c = gatewayContainer(d);
    const requests = c?.resources?.requests ?? {};
    const missing = ["cpu", "memory"].filter((k) => requests[k] === undefined || requests[k] === "" || requests[k] === "0");
    if (missing.length > 0) {
        add("resource-requests", `resources.requests: ${missing.join(" and ")} not set; start production at cpu "2", memory "2Gi"`);
    }
    if (typeof c?.image === "string" && !isPinned(parseImage(c.image))) {
        add(
            "pinned-image",
            `image.tag: got ${shown(parseImage(c.image).tag ?? "latest")}; pin a release such as "${DEFAULT_IMAGE_TAG}" (or a digest)`,
        );
    }
    if (!(c?.volumeMounts ?? []).some((m) => m.mountPath === BACKUP_PATH)) {
        add("config-backup", `configBackup.enabled: no volume mounted at ${BACKUP_PATH}; enable the configuration backup`);
    }
    return out;
}

/** The guide's rule for the gateway's traffic Service. */
export function serviceFindings(s: ServiceShape): Finding[] {
    // Stryker disable next-line StringLiteral: any default other than LoadBalancer or NodePort reads the same
    const type = s.spec?.type ?? "ClusterIP";
    if ((type === "LoadBalancer" || type === "NodePort") && s.spec?.externalTrafficPolicy !== "Local") {
        return [
            {
                rule: "external-traffic-local",
                key: RULES["external-traffic-local"].key,
                message:
                    `service.externalTrafficPolicy: got ${shown(s.spec?.externalTrafficPolicy ?? "Cluster")}; use "Local" to keep the caller IP ` +
                    "and avoid a second hop (spread pods evenly across nodes: with Local, traffic is split per node, not per pod)",
            },
        ];
    }
    return [];
}

/** The token must survive a failed daily rotation run (lifetimeDays - rotateEveryDays >= MIN_SLACK_DAYS). */
export function rotationSlackFindings(s: { lifetimeDays: number; rotateEveryDays: number }): Finding[] {
    const problem = rotationSlackProblem(s);
    return problem ? [{ rule: "token-rotation-slack", key: RULES["token-rotation-slack"].key, message: problem }] : [];
}

/** The token's expiry must be at most 30 days after the call. */
export function tokenFindings(expiry: unknown, now: Date): Finding[] {
    const t = typeof expiry === "string" ? Date.parse(expiry) : NaN;
    if (Number.isNaN(t) || t - now.getTime() > MAX_LIFETIME_MS) {
        return [
            {
                rule: "token-lifetime",
                key: RULES["token-lifetime"].key,
                message: `token.lifetimeDays: expiry ${shown(expiry)} is more than 30 days after ${now.toISOString()}; Azure allows 30 days at most`,
            },
        ];
    }
    return [];
}

/** Keys whose values are secrets: findings name them but never show their value. */
const SECRET_KEYS = ["clientSecret", "webhookUrl"];

/** The placeholder the shipped stack files carry. */
export const PLACEHOLDER = "REPLACE-ME";

/**
 * Every string left with the REPLACE-ME placeholder, anywhere in a value (arguments, or a resource's inputs),
 * each named by its key path. Outputs and promises are skipped (their values are not known yet).
 */
export function placeholderFindings(value: unknown, path = ""): Finding[] {
    const out: Finding[] = [];
    const walk = (v: unknown, at: string) => {
        if (typeof v === "string") {
            if (v.toUpperCase().includes(PLACEHOLDER)) {
                const secret = SECRET_KEYS.includes(at.split(".").pop() ?? "");
                out.push({
                    rule: "no-placeholders",
                    key: at,
                    message: `${at}: got ${secret ? "a value (hidden: it is a secret)" : redactUrls(JSON.stringify(v))}; replace the ${PLACEHOLDER} placeholder with your own value`,
                });
            }
        } else if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, `${at}[${i}]`));
        } else if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
            for (const [k, x] of Object.entries(v))
                walk(x, at === "" ? k : /^[A-Za-z_$][\w$-]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`);
        }
    };
    walk(value, path);
    return out;
}

/** The setting that turns off validation of the configuration endpoint's certificate. */
export const DISABLE_CERTIFICATE_VALIDATION = "config.service.endpoint.disableCertificateValidation";

/** The backend protocols production refuses: their setting, the typed option that writes it, and their name. */
export const OLD_BACKEND_PROTOCOLS = [
    { setting: "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11", option: "tls11", name: "TLS 1.1" },
    { setting: "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10", option: "tls10", name: "TLS 1.0" },
    { setting: "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30", option: "ssl30", name: "SSL 3.0" },
] as const;

/**
 * The gateway's settings (its ConfigMap data): certificate validation stays on (keys compare as the gateway reads them:
 * case-insensitively, `__` for `.`), every key is one of the gateway's own settings as Microsoft's reference spells it,
 * and TLS 1.1, 1.0 and SSL 3.0 to backends stay off.
 */
export function settingsFindings(data: Record<string, unknown> | undefined): Finding[] {
    const out: Finding[] = [];
    const isTrue = (v: unknown) => String(v).toLowerCase() === "true";
    for (const [k, v] of Object.entries(data ?? {})) {
        const at = `additionalSettings[${JSON.stringify(k)}]`;
        const old = OLD_BACKEND_PROTOCOLS.find((p) => settingKeyForm(p.setting) === settingKeyForm(k));
        if (old !== undefined && isTrue(v)) {
            out.push({
                rule: "modern-tls",
                key: `tls.backendProtocols.${old.option}`,
                message: `tls.backendProtocols.${old.option}: is true; production speaks TLS 1.2 or later to backends, not ${old.name} (remove it, or set it to false)`,
            });
        }
        if (settingKeyForm(k) === DISABLE_CERTIFICATE_VALIDATION.toLowerCase() && isTrue(v)) {
            out.push({
                rule: "certificate-validation",
                key: RULES["certificate-validation"].key,
                message:
                    "configurationTrust.disableCertificateValidation: is true; production validates the configuration endpoint's certificate " +
                    "(trust a private CA with configurationTrust.caCertificates instead)",
            });
        }
        if (!GATEWAY_SETTINGS.includes(k)) {
            out.push({
                rule: "gateway-settings",
                key: at,
                message:
                    `${at}: is not a setting of the self-hosted gateway as Microsoft's settings reference spells it; the pods read ` +
                    "every setting as an environment variable: remove it",
            });
        }
    }
    return out;
}

/** A gateway hostname configuration as registered (GatewayHostnameConfiguration) or as an argument. */
export interface HostnameShape {
    hostname?: unknown;
    tls10Enabled?: unknown;
    tls11Enabled?: unknown;
}

/** TLS 1.0 and 1.1 must stay off on every hostname of the gateway; `at` names the hostname (e.g. `hostnames[0]`). */
export function hostnameFindings(h: HostnameShape, at: string): Finding[] {
    return (["tls10Enabled", "tls11Enabled"] as const)
        .filter((k) => h[k] === true)
        .map((k) => ({
            rule: "modern-tls" as const,
            key: `${at}.${k}`,
            message: `${at}.${k}: is true; production accepts TLS 1.2 or later only (remove it, or set it to false)`,
        }));
}

/** Pod Security Admission labels on a namespace. */
export const POD_SECURITY_MODES = ["enforce", "warn", "audit"] as const;

/**
 * The gateway's namespace must enforce a Pod Security Admission level, and not privileged (it enforces nothing): a
 * namespace without the enforce label admits any pod, a privileged one included.
 */
export function namespaceFindings(ns: { metadata?: { labels?: Record<string, unknown> } }): Finding[] {
    const labels = ns.metadata?.labels ?? {};
    const privileged = POD_SECURITY_MODES.some((m) => labels[`pod-security.kubernetes.io/${m}`] === "privileged");
    const enforced = labels["pod-security.kubernetes.io/enforce"];
    if (!privileged && enforced !== undefined) return [];
    return [
        {
            rule: "pod-security-level",
            key: RULES["pod-security-level"].key,
            message: privileged
                ? 'namespace.podSecurityLevel: got "privileged"; production uses "restricted" (the gateway\'s pods meet it) or "baseline"'
                : 'namespace.podSecurityLevel: not set, so the namespace admits any pod; production sets "restricted" (the gateway\'s pods meet it) or "baseline"',
        },
    ];
}
