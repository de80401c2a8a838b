// Profiles: `environment: prod` (the default) makes the guide's rules errors; `dev` relaxes them
// to one warning line each. The rules are the same pure checks the policy pack runs.
import { SelfHostedGatewayArgs } from "./args";
import {
    DeploymentShape,
    deploymentFindings,
    Finding,
    hostnameFindings,
    namespaceFindings,
    placeholderFindings,
    rotationSlackFindings,
    serviceFindings,
    ServiceShape,
    settingsFindings,
    tokenFindings,
} from "./rules";
import { gatewaySettings, typedSettingsOf } from "./settings";
import { deploymentSpec, liveTrafficServiceSpec, namespaceLabels, Settings } from "./specs";

/** Runs the rules on the objects the component would build from these arguments. */
export function profileFindings(
    name: string,
    args: SelfHostedGatewayArgs,
    s: Settings,
    tokenExpiry: string | undefined,
    now: Date,
): Finding[] {
    const ns = args.namespace.name;
    const spec = deploymentSpec(name, s, {
        configMapName: "(generated)",
        secretEnv: [],
        backupClaimName: s.backup.enabled ? "(claim)" : undefined,
        secretProviderClassName: s.azureAdCertificate?.source === "keyVault" ? "(generated)" : undefined,
        token: tokenExpiry !== undefined ? { expiry: tokenExpiry, keyType: s.keyType } : undefined,
    });
    // The settings as the ConfigMap would carry them (the values known only later do not matter to the rules).
    const settings = gatewaySettings({
        endpoint: "(endpoint)",
        discoveryServiceName: "(discovery)",
        auth: { type: "token" },
        disableCertificateValidation: args.configurationTrust?.disableCertificateValidation,
        observability: args.observability,
        tls: args.tls,
        additionalSettings: args.additionalSettings,
        typed: typedSettingsOf(args, undefined, undefined),
    });
    const additional = args.additionalSettings ?? {};
    return [
        ...placeholderFindings(args),
        // An Output namespace is checked by the policy pack once known; here only a plain name is.
        ...deploymentFindings(
            { metadata: { namespace: typeof ns === "string" ? ns : "(output)" }, spec: spec as unknown as DeploymentShape["spec"] },
            s.autoscaling?.minReplicas,
        ),
        ...serviceFindings({ spec: liveTrafficServiceSpec(name, s) as unknown as ServiceShape["spec"] }),
        ...(tokenExpiry !== undefined ? [...tokenFindings(tokenExpiry, now), ...rotationSlackFindings(s)] : []),
        ...(s.createNamespace ? namespaceFindings({ metadata: { labels: namespaceLabels(args.namespace.podSecurityLevel) } }) : []),
        // The typed options' own keys are checked by the cross-field rules; this rule judges the keys given as such.
        ...settingsFindings(settings).filter((f) => f.rule !== "gateway-settings" || Object.hasOwn(additional, settingOf(f.key))),
        ...(args.hostnames ?? []).flatMap((h, i) => hostnameFindings(h, `hostnames[${i}]`)),
    ];
}

/** The setting a settings finding is about: `additionalSettings["k"]` → `k`. */
const settingOf = (key: string): string => JSON.parse(key.slice("additionalSettings[".length, -1)) as string;

/** `prefix.key: message` lines, for errors and warnings. */
export function describeFindings(findings: Finding[], prefix: string): string[] {
    return findings.map((f) => `${prefix}.${f.message}`);
}
