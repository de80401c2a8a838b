// Kubernetes objects: the settings ConfigMap (auto-named, so a change of settings rolls the pods), the CA
// ConfigMap, the backup claim, the Deployment, its disruption budget, autoscaler and network policy, and the two
// Services. Their specs come from the pure functions of ../specs.ts and ../settings.ts.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CERTIFICATE_PATH, secretProviderClassSpec, SECRET_PROVIDER_CLASS_API_VERSION } from "../certificate";
import { applicationInsightsEndpointFor, AuthSettings, gatewaySettings, tokenAudienceFor, typedSettingsOf } from "../settings";
import {
    autoscalerSpec,
    backupClaimName,
    backupClaimSpec,
    caConfigMapData,
    defaultConfigurationEndpoint,
    deploymentSpec,
    discoveryServiceSpec,
    disruptionBudgetSpec,
    instanceDiscoveryHost,
    liveTrafficServiceSpec,
    networkPolicySpec,
    scaledObjectSpec,
    SCALED_OBJECT_API_VERSION,
} from "../specs";
import { CLOUDS } from "../token/credential";
import type { SelfHostedGateway } from "../selfHostedGateway";
import type { Authentication, KubernetesObjects, Plan } from "./types";

// `self` is the parent of every object (through `p.child`); taken like every stage's, for one calling convention.
export function createKubernetesObjects(
    _self: SelfHostedGateway,
    p: Plan,
    namespace: pulumi.Output<string>,
    a: Authentication,
): KubernetesObjects {
    const { name, args, s, child, names } = p;
    const meta = { namespace, labels: p.labels, ...p.annotations };
    const auth = args.auth ?? {};
    const entra = s.authType === "azureAdApp" || s.authType === "workloadIdentity";
    const tokenAudience = entra ? (auth.tokenAudience ?? tokenAudienceFor(p.cloud())) : undefined;
    const authority =
        s.authType === "azureAdApp"
            ? (auth.azureAdApp?.authority ?? (p.cloud() === "public" ? undefined : CLOUDS[p.cloud()].authority))
            : undefined;
    const localCa = s.ca.certificates.length > 0 || (args.certificateAuthorities?.length ?? 0) > 0;
    const configurationEndpoint =
        args.apim.configurationEndpoint !== undefined
            ? p.checked("apim.configurationEndpoint", args.apim.configurationEndpoint, "hostname")
            : pulumi.output(args.apim.serviceName).apply((svc) => defaultConfigurationEndpoint(svc, p.cloud()));
    const settingsData = pulumi
        .all([
            configurationEndpoint,
            args.apim.gatewayName,
            auth.azureAdApp?.tenantId,
            auth.azureAdApp?.clientId,
            // Only a fully qualified instance-discovery name needs the namespace.
            s.dnsPolicy === "Default" || s.dnsPolicy === "None" ? namespace : "",
        ])
        .apply(([endpoint, gatewayName, tenantId, aadClientId, ns]) => {
            const authSettings: AuthSettings =
                s.authType === "azureAdApp"
                    ? {
                          type: "azureAdApp",
                          gatewayName,
                          tenantId: tenantId ?? "",
                          clientId: aadClientId ?? "",
                          authority,
                          tokenAudience,
                      }
                    : s.authType === "workloadIdentity"
                      ? { type: "workloadIdentity", gatewayName, tokenAudience }
                      : { type: s.authType };
            return gatewaySettings({
                endpoint,
                discoveryServiceName: instanceDiscoveryHost(names.discovery, ns, s),
                auth: authSettings,
                localCa,
                disableCertificateValidation: args.configurationTrust?.disableCertificateValidation,
                observability: args.observability,
                tls: args.tls,
                additionalSettings: args.additionalSettings,
                typed: typedSettingsOf(
                    args,
                    args.observability?.applicationInsights?.endpoint === undefined ? applicationInsightsEndpointFor(p.cloud()) : undefined,
                    s.azureAdCertificate !== undefined ? CERTIFICATE_PATH : undefined,
                ),
            });
        });
    const configMap = new k8s.core.v1.ConfigMap(`${name}-env`, { metadata: meta, data: settingsData }, child);
    const caConfigMap =
        s.ca.certificates.length > 0
            ? new k8s.core.v1.ConfigMap(`${name}-configuration-ca`, { metadata: meta, data: caConfigMapData(s.ca.certificates) }, child)
            : undefined;

    let backupClaim: k8s.core.v1.PersistentVolumeClaim | undefined;
    let claimName: pulumi.Input<string> | undefined;
    if (s.backup.enabled) {
        if (args.configBackup?.existingClaimName !== undefined) {
            claimName = p.checked("configBackup.existingClaimName", args.configBackup.existingClaimName, "dnsLabel");
        } else {
            const storageClassName = args.configBackup?.storageClassName;
            backupClaim = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-config-backup`,
                {
                    metadata: {
                        name: pulumi.output(storageClassName).apply((sc) => backupClaimName(names.backupClaim, s.backup.accessMode, sc)),
                        ...meta,
                    },
                    spec: backupClaimSpec(s, storageClassName),
                },
                child,
            );
            claimName = backupClaim.metadata.name;
        }
    }

    // A Key Vault client certificate: the SecretProviderClass the CSI driver mounts it with (auto-named, so a change
    // gives a new class and the pods roll onto it).
    const cert = s.azureAdCertificate;
    const secretProviderClass =
        cert?.source === "keyVault"
            ? new k8s.apiextensions.CustomResource(
                  `${name}-azure-ad-certificate`,
                  {
                      apiVersion: SECRET_PROVIDER_CLASS_API_VERSION,
                      kind: "SecretProviderClass",
                      metadata: meta,
                      spec: pulumi
                          .all([cert.identityClientId, cert.tenantId])
                          .apply(([identity, tenant]) => secretProviderClassSpec(cert, identity, tenant)),
                  },
                  child,
              )
            : undefined;

    const saName = a.saName;
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-deployment`,
        {
            metadata: { name: names.deployment, ...meta },
            spec: deploymentSpec(name, s, {
                configMapName: configMap.metadata.name,
                secretEnv: a.secretEnv,
                backupClaimName: claimName,
                token: p.token ? { expiry: p.token.expiry, keyType: p.token.keyType } : undefined,
                caConfigMapName: caConfigMap?.metadata.name,
                secretProviderClassName: secretProviderClass?.metadata.name,
                serviceAccountName: saName !== undefined ? a.serviceAccountName.apply((n) => n ?? saName) : undefined,
            }),
        },
        child,
    );
    // Auto-named (no metadata.name): should the budget ever be replaced rather than updated, the new one is created
    // before the old one is deleted, so there is never a moment without a budget (with a fixed name, the Kubernetes
    // provider deletes first, because both cannot exist at once). pulumi-kubernetes 4.25 updates a policy/v1
    // budget's spec in place; a replacement comes from a change of namespace or a provider that treats the spec
    // as immutable (as it does for policy/v1beta1). While two budgets briefly select the same pods, the eviction
    // API refuses to evict them, which only delays a drain.
    const disruptionBudget = s.ha.enabled
        ? new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: meta, spec: disruptionBudgetSpec(name, s) }, child)
        : undefined;
    // KEDA creates and owns the autoscaler itself: a second one on the same Deployment would fight it.
    const scaledObject =
        s.autoscaling?.keda !== undefined
            ? new k8s.apiextensions.CustomResource(
                  `${name}-scaled-object`,
                  {
                      apiVersion: SCALED_OBJECT_API_VERSION,
                      kind: "ScaledObject",
                      metadata: { name: names.scaledObject, ...meta },
                      spec: scaledObjectSpec(deployment.metadata.name, s),
                  },
                  child,
              )
            : undefined;
    const autoscaler =
        s.autoscaling && s.autoscaling.keda === undefined
            ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                  `${name}-hpa`,
                  { metadata: { name: names.autoscaler, ...meta }, spec: autoscalerSpec(deployment.metadata.name, s) },
                  child,
              )
            : undefined;
    const networkPolicy = s.networkPolicy
        ? new k8s.networking.v1.NetworkPolicy(
              `${name}-network-policy`,
              { metadata: { name: names.networkPolicy, ...meta }, spec: networkPolicySpec(name, s) },
              child,
          )
        : undefined;

    const serviceAnnotations = args.service?.annotations;
    const service = new k8s.core.v1.Service(
        `${name}-live-traffic`,
        {
            metadata: {
                name: names.liveTraffic,
                namespace,
                labels: p.labels,
                ...(serviceAnnotations !== undefined
                    ? {
                          annotations: p
                              .checkedAnnotations("service.annotations", serviceAnnotations)
                              .apply((an) => ({ ...s.commonAnnotations, ...an })),
                      }
                    : p.annotations),
            },
            spec: liveTrafficServiceSpec(name, s, args.service?.loadBalancerIP),
        },
        child,
    );
    const discoveryService = new k8s.core.v1.Service(
        `${name}-instance-discovery`,
        { metadata: { name: names.discovery, ...meta }, spec: discoveryServiceSpec(name, s.ports) },
        child,
    );
    return {
        configMap,
        caConfigMap,
        backupClaim,
        deployment,
        disruptionBudget,
        autoscaler,
        scaledObject,
        secretProviderClass,
        networkPolicy,
        service,
        discoveryService,
        configurationEndpoint,
    };
}
