// The component's warnings, as data: pure functions of the plan's inputs, so each message is tested exactly
// without Pulumi. The stages log them (plan.ts, authentication.ts).
import type { Settings } from "../specs";

/** What the plan-stage warnings read. */
export interface WarningInputs {
    /** How messages name the arguments (`gateway` or `args`). */
    prefix: string;
    s: Pick<Settings, "backup" | "replicas" | "maxSurge" | "dnsPolicy" | "autoscaling" | "clusterDomain">;
    /** `configurationTrust.disableCertificateValidation` as given. */
    disableCertificateValidation?: boolean;
    /** In dev: one line per production rule broken (the validator's warnings). */
    relaxedRules: readonly string[];
    /** The instance-discovery Service's name. */
    discoveryName: string;
}

/** The warnings of the plan stage, in the order they are logged. */
export function planWarnings({ prefix, s, disableCertificateValidation, relaxedRules, discoveryName }: WarningInputs): string[] {
    const warnings: string[] = [];
    const surges = !(s.maxSurge === 0 || s.maxSurge === "0%");
    if (s.backup.enabled && s.backup.accessMode !== "ReadWriteMany" && (s.replicas > 1 || surges)) {
        const why = s.replicas > 1 ? `${s.replicas} replicas` : `a rollout (maxSurge ${JSON.stringify(s.maxSurge)})`;
        warnings.push(
            `${prefix}.configBackup.accessMode is ${s.backup.accessMode}: ${why} can put a pod on another node, where it cannot mount the volume ` +
                "and the rollout stalls; use ReadWriteMany (e.g. storage class azurefile-csi), or with one replica set " +
                "rollingUpdate maxUnavailable: 1, maxSurge: 0. Changing accessMode or storageClassName gives a new, empty claim " +
                "(the backup only caches the configuration): the pods move to it and the old claim is deleted after them",
        );
    }
    if (disableCertificateValidation) {
        warnings.push(
            `SECURITY: ${prefix}.configurationTrust.disableCertificateValidation is true: the gateway does NOT verify the configuration ` +
                "endpoint's TLS certificate, so anyone on the network path can impersonate API Management and feed it " +
                `configuration. Use it only for a test; trust a private CA with ${prefix}.configurationTrust.caCertificates instead.`,
        );
    }
    for (const w of relaxedRules) {
        warnings.push(`dev environment, production rule relaxed: ${w}`);
    }
    if (s.dnsPolicy === "Default" && (s.replicas > 1 || s.autoscaling !== undefined)) {
        warnings.push(
            `${prefix}.dnsPolicy is Default: the pods resolve names through the node's resolver, so the instance-discovery name ` +
                `(${discoveryName}.<namespace>.svc.${s.clusterDomain}) must resolve there, or the gateway's instances ` +
                "do not find each other (rate limits and heartbeats stay per pod); keep ClusterFirst unless you need Default",
        );
    }
    return warnings;
}

/** Token mode with an explicit azure-native provider: the token provider cannot borrow its credentials. */
export function explicitProviderWarning(prefix: string): string {
    return (
        "an explicit azure-native provider creates the gateway, but generateToken signs in as the default identity " +
        "(azure-native stack config, then ARM_* variables, then the Azure CLI login) in the cloud of " +
        `azure-native:environment or ${prefix}.token.armEndpoint; make sure that identity can reach this gateway, or use ` +
        `${prefix}.auth.type "existingSecret" or "workloadIdentity"`
    );
}
