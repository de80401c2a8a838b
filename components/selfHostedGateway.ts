// The SelfHostedGateway component: the gateway resource in Azure, its authentication (a rotating
// token, an Entra app or workload identity), and the Kubernetes objects that run it. Pure logic
// lives in specs.ts, settings.ts, azureIds.ts, rotation.ts and validation.ts; this file only wires
// resources together.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import type * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { AuthType, KeyType, SelfHostedGatewayArgs, WorkloadIdentityProvisionArgs } from "./args";
import {
    CONFIG_API_VALIDATOR_ROLE,
    customRoleName,
    GATEWAY_CONFIG_READER_ROLE,
    parseGatewayId,
    resourceGroupIdOf,
    roleAssignmentName,
    roleDefinitionFullId,
    roleDefinitionGuid,
    serviceAccountSubject,
    serviceIdOf,
    WORKLOAD_IDENTITY_AUDIENCE,
} from "./azureIds";
import { TokenPlan, tokenPlan } from "./rotation";
import { AuthSettings, gatewaySettings, tokenAudienceFor } from "./settings";
import {
    autoscalerSpec,
    backupClaimName,
    backupClaimSpec,
    caConfigMapData,
    CLIENT_SECRET_KEY,
    defaultConfigurationEndpoint,
    instanceDiscoveryHost,
    deploymentSpec,
    discoveryServiceSpec,
    disruptionBudgetSpec,
    liveTrafficServiceSpec,
    networkPolicySpec,
    objectLabels,
    objectNames,
    namespaceLabels,
    resolveSettings,
    SecretEnv,
    Settings,
    TOKEN_SECRET_KEY,
    WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
    WORKLOAD_IDENTITY_USE_LABEL,
} from "./specs";
import { AzureEnvironment, CLOUDS, cloudFor } from "./token/credential";
import { expiryAlerts } from "./token/alerts";
import { GatewayToken } from "./token/resource";
import { SELF_HOSTED_GATEWAY_TYPE } from "./typeTokens";
import { checkResolved, formatProblems, nameProblems, prefixOf, validateArgs } from "./validation";

export { SELF_HOSTED_GATEWAY_TYPE };

export class SelfHostedGateway extends pulumi.ComponentResource {
    /** The gateway resource in the API Management instance. */
    public readonly gateway!: apimanagement.Gateway;
    /** Token mode only: holds the current access token as a secret. */
    public readonly token?: GatewayToken;
    /** Token mode with `token.expiryAlerts`: the instance's Event Grid system topic, when the component creates it. */
    public readonly expiryAlertTopic?: eventgrid.SystemTopic;
    /** Token mode with `token.expiryAlerts`: one subscription per kind of receiver (webhook, action groups). */
    public readonly expiryAlertSubscriptions?: eventgrid.SystemTopicEventSubscription[];
    public readonly namespace?: k8s.core.v1.Namespace;
    /** The Secret the component creates: the token (token mode) or the Entra client secret (azureAdApp). */
    public readonly secret?: k8s.core.v1.Secret;
    public readonly configMap!: k8s.core.v1.ConfigMap;
    /** The configuration endpoint's CA certificates (configurationTrust.caCertificates). */
    public readonly caConfigMap?: k8s.core.v1.ConfigMap;
    public readonly backupClaim?: k8s.core.v1.PersistentVolumeClaim;
    public readonly serviceAccount?: k8s.core.v1.ServiceAccount;
    public readonly deployment!: k8s.apps.v1.Deployment;
    public readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
    public readonly autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    public readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;
    public readonly service!: k8s.core.v1.Service;
    public readonly discoveryService!: k8s.core.v1.Service;
    /** Workload identity provisioning: the identity, its federated credential and role resources. */
    public readonly identity?: managedidentity.UserAssignedIdentity;
    public readonly federatedCredential?: managedidentity.FederatedIdentityCredential;
    public readonly roleDefinition?: authorization.RoleDefinition;
    public readonly roleAssignment?: authorization.RoleAssignment;
    public readonly validatorRoleDefinition?: authorization.RoleDefinition;
    public readonly validatorRoleAssignment?: authorization.RoleAssignment;
    public readonly apiAssignments!: apimanagement.GatewayApiEntityTag[];
    public readonly hostnameConfigurations!: apimanagement.GatewayHostnameConfiguration[];
    public readonly certificateAuthorities!: apimanagement.GatewayCertificateAuthority[];

    public readonly authType!: pulumi.Output<AuthType>;
    public readonly namespaceName!: pulumi.Output<string>;
    public readonly configurationEndpoint!: pulumi.Output<string>;
    /** Token mode: when the current token expires (ISO-8601); undefined in the other modes. */
    public readonly tokenExpiry!: pulumi.Output<string | undefined>;
    /** Token mode: from this instant on, the next `pulumi up` issues a new token (ISO-8601). */
    public readonly tokenRotatesAfter!: pulumi.Output<string | undefined>;
    /** Token mode: the key that signs the current token; in an incident, regenerate the other one. */
    public readonly tokenKeyType!: pulumi.Output<KeyType | undefined>;
    public readonly deploymentName!: pulumi.Output<string>;
    public readonly serviceName!: pulumi.Output<string>;
    public readonly discoveryServiceName!: pulumi.Output<string>;
    public readonly configMapName!: pulumi.Output<string>;
    /** The Secret the pods read (created, or existing); undefined with workload identity. */
    public readonly secretName!: pulumi.Output<string | undefined>;
    /** The pods' ServiceAccount; undefined means the namespace's default account. */
    public readonly serviceAccountName!: pulumi.Output<string | undefined>;
    /** Workload identity: the client id the ServiceAccount carries. */
    public readonly workloadIdentityClientId!: pulumi.Output<string | undefined>;
    /** The load balancer's IP or host name, once Kubernetes reports one. */
    public readonly loadBalancerAddress!: pulumi.Output<string | undefined>;

    constructor(name: string, args: SelfHostedGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SELF_HOSTED_GATEWAY_TYPE, name, {}, opts);
        // Every check that can fail runs in `validate`, before the first child is registered: nothing half-applied.
        const plan = this.validate(name, args);
        const azure = this.azureSide(plan);
        const ns = this.namespaceStage(plan);
        const auth = this.authentication(plan, azure.gateway, ns.namespaceName);
        const kube = this.kubernetesObjects(plan, ns.namespaceName, auth);
        const outputs = this.outputsOf(plan, azure, ns, auth, kube);
        Object.assign(this, azure, ns, auth.resources, kube, outputs);
        this.registerOutputs(outputs);
    }

    /**
     * Validate: the arguments, the component name and (in prod) the deployment guide's rules, all before anything
     * is registered; dev relaxes the rules to one warning line each. Returns everything the later stages derive.
     */
    private validate(name: string, args: SelfHostedGatewayArgs): Plan {
        // One round: schema, cross-field and (in prod) the deployment guide's rules; keys named as the caller names them.
        const now = new Date(Date.now());
        const validation = validateArgs(args, prefixOf(args), now);
        const problems = [...nameProblems(name), ...(validation.ok ? [] : validation.problems)];
        if (!validation.ok || problems.length > 0) {
            throw new pulumi.ResourceError(formatProblems(`SelfHostedGateway "${name}": invalid arguments`, problems), this, true);
        }
        const s = resolveSettings(args);
        const names = objectNames(name);
        const fail = (message: string): never => {
            throw new pulumi.ResourceError(`SelfHostedGateway "${name}": ${message}`, this, true);
        };
        // The azure-native cloud, read only when a default depends on it: an unknown cloud fails here, before any
        // child exists, naming the keys that would make it unnecessary.
        const prefix = prefixOf(args);
        const entra = s.authType === "azureAdApp" || s.authType === "workloadIdentity";
        const cloudKeys = [
            ...(s.authType === "token" && args.token?.armEndpoint === undefined ? ["token.armEndpoint"] : []),
            ...(args.apim.configurationEndpoint === undefined ? ["apim.configurationEndpoint"] : []),
            ...(entra && args.auth?.tokenAudience === undefined ? ["auth.tokenAudience"] : []),
            ...(s.authType === "azureAdApp" && args.auth?.azureAdApp?.authority === undefined ? ["auth.azureAdApp.authority"] : []),
        ].map((k) => `${prefix}.${k}`);
        let knownCloud: AzureEnvironment | undefined;
        if (cloudKeys.length > 0) {
            const environment = new pulumi.Config("azure-native").get("environment") ?? process.env.ARM_ENVIRONMENT;
            try {
                knownCloud = cloudFor(environment);
            } catch {
                fail(
                    `azure-native environment ${JSON.stringify(environment)} is not one of public, usgovernment, china; ` +
                        `set ${cloudKeys.join(", ")} explicitly for other clouds`,
                );
            }
        }
        const cloud = (): AzureEnvironment => {
            if (knownCloud === undefined) throw new Error("SelfHostedGateway: the cloud was not resolved where it is needed");
            return knownCloud;
        };

        const surges = !(s.maxSurge === 0 || s.maxSurge === "0%");
        if (s.backup.enabled && s.backup.accessMode !== "ReadWriteMany" && (s.replicas > 1 || surges)) {
            const why = s.replicas > 1 ? `${s.replicas} replicas` : `a rollout (maxSurge ${JSON.stringify(s.maxSurge)})`;
            pulumi.log.warn(
                `${prefix}.configBackup.accessMode is ${s.backup.accessMode}: ${why} can put a pod on another node, where it cannot mount the volume ` +
                    "and the rollout stalls; use ReadWriteMany (e.g. storage class azurefile-csi), or with one replica set " +
                    "rollingUpdate maxUnavailable: 1, maxSurge: 0. Changing accessMode or storageClassName gives a new, empty claim " +
                    "(the backup only caches the configuration): the pods move to it and the old claim is deleted after them",
                this,
            );
        }
        if (args.configurationTrust?.disableCertificateValidation) {
            pulumi.log.warn(
                `SECURITY: ${prefix}.configurationTrust.disableCertificateValidation is true: the gateway does NOT verify the configuration ` +
                    "endpoint's TLS certificate, so anyone on the network path can impersonate API Management and feed it " +
                    `configuration. Use it only for a test; trust a private CA with ${prefix}.configurationTrust.caCertificates instead.`,
                this,
            );
        }

        const token = s.authType === "token" ? tokenPlan(now, s) : undefined;
        for (const w of validation.warnings) {
            pulumi.log.warn(`dev environment, production rule relaxed: ${w}`, this);
        }
        const armEndpoint = token ? (args.token?.armEndpoint ?? CLOUDS[cloud()].arm) : undefined;
        if (s.dnsPolicy === "Default" && (s.replicas > 1 || s.autoscaling !== undefined)) {
            pulumi.log.warn(
                `${prefix}.dnsPolicy is Default: the pods resolve names through the node's resolver, so the instance-discovery name ` +
                    `(${names.discovery}.<namespace>.svc.${s.clusterDomain}) must resolve there, or the gateway's instances ` +
                    "do not find each other (rate limits and heartbeats stay per pod); keep ClusterFirst unless you need Default",
                this,
            );
        }

        return {
            name,
            args,
            prefix,
            s,
            names,
            labels: objectLabels(name, s),
            annotations: Object.keys(s.commonAnnotations).length > 0 ? { annotations: s.commonAnnotations } : {},
            child: { parent: this },
            token: token && armEndpoint !== undefined ? { ...token, armEndpoint } : undefined,
            cloud,
            checked: (key, v, rule) =>
                pulumi.output(v).apply((value) => {
                    const problem = checkResolved(key, value, rule);
                    return problem ? fail(problem) : value;
                }),
        };
    }

    /** Azure side: the gateway resource, and beyond the chart its API assignments, hostname configurations and CAs. */
    private azureSide(p: Plan): AzureSide {
        const { name, args, child } = p;
        const gateway = new apimanagement.Gateway(
            `${name}-gateway`,
            {
                resourceGroupName: args.apim.resourceGroupName,
                serviceName: args.apim.serviceName,
                gatewayId: args.apim.gatewayName,
                locationData: args.apim.location,
                description: args.apim.description,
            },
            child,
        );
        const inService = { resourceGroupName: args.apim.resourceGroupName, serviceName: args.apim.serviceName, gatewayId: gateway.name };
        const apiAssignments = (args.apis ?? []).map(
            (a) => new apimanagement.GatewayApiEntityTag(`${name}-api-${a.apiId}`, { ...inService, apiId: a.apiId }, child),
        );
        const hostnameConfigurations = (args.hostnames ?? []).map(
            (h) =>
                new apimanagement.GatewayHostnameConfiguration(
                    `${name}-hostname-${h.id}`,
                    {
                        ...inService,
                        hcId: h.id,
                        hostname: h.hostname,
                        ...(h.certificateId !== undefined
                            ? { certificateId: gateway.id.apply((id) => `${serviceIdOf(id)}/certificates/${h.certificateId}`) }
                            : {}),
                        negotiateClientCertificate: h.negotiateClientCertificate,
                        http2Enabled: h.http2Enabled,
                        tls10Enabled: h.tls10Enabled,
                        tls11Enabled: h.tls11Enabled,
                    },
                    child,
                ),
        );
        const certificateAuthorities = (args.certificateAuthorities ?? []).map(
            (c) =>
                new apimanagement.GatewayCertificateAuthority(
                    `${name}-ca-${c.certificateId}`,
                    { ...inService, certificateId: c.certificateId, isTrusted: c.isTrusted ?? true },
                    child,
                ),
        );
        return { gateway, apiAssignments, hostnameConfigurations, certificateAuthorities };
    }

    /** Kubernetes: the dedicated namespace (created, or an existing one whose name is checked). */
    private namespaceStage(p: Plan): NamespaceStage {
        const { name, args, s, child } = p;
        if (!s.createNamespace) {
            return { namespaceName: p.checked("namespace.name", args.namespace.name, "dnsLabel") };
        }
        const level = args.namespace.podSecurityLevel;
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: p.checked("namespace.name", args.namespace.name, "dnsLabel"),
                    labels: { ...p.labels, ...namespaceLabels(level) },
                    ...p.annotations,
                },
            },
            child,
        );
        return { namespace, namespaceName: namespace.metadata.name };
    }

    /**
     * Authentication: the rotating token and its Secret, the Entra app's Secret, or the workload identity chain and
     * its ServiceAccount. Returns the environment variables the pods read from Secrets and the ServiceAccount name.
     */
    private authentication(p: Plan, gateway: apimanagement.Gateway, namespace: pulumi.Output<string>): Authentication {
        const { name, args, s, child, names } = p;
        const meta = { namespace, labels: p.labels, ...p.annotations };
        const resources: Authentication["resources"] = {};
        if (p.token !== undefined && this.getProvider("azure-native:apimanagement:Gateway") !== undefined) {
            // The token provider cannot borrow an explicit provider's credentials; say so before a 403 does.
            pulumi.log.warn(
                "an explicit azure-native provider creates the gateway, but generateToken signs in as the default identity " +
                    "(azure-native stack config, then ARM_* variables, then the Azure CLI login) in the cloud of " +
                    `azure-native:environment or ${p.prefix}.token.armEndpoint; make sure that identity can reach this gateway, or use ` +
                    `${p.prefix}.auth.type "existingSecret" or "workloadIdentity"`,
                this,
            );
        }
        if (p.token !== undefined) {
            resources.token = new GatewayToken(
                `${name}-token`,
                { gatewayResourceId: gateway.id, keyType: p.token.keyType, expiry: p.token.expiry, armEndpoint: p.token.armEndpoint },
                child,
            );
            if (args.token?.expiryAlerts !== undefined) {
                const alerts = expiryAlerts(name, args.apim, args.token.expiryAlerts, gateway.id, child);
                resources.expiryAlertTopic = alerts.systemTopic;
                resources.expiryAlertSubscriptions = alerts.subscriptions;
            }
        }

        // Workload identity: the identity chain in Azure (optional), and the ServiceAccount.
        const wi = args.auth?.workloadIdentity;
        const saName = s.serviceAccount ? s.serviceAccount.name || names.serviceAccount : undefined;
        let clientId: pulumi.Output<string> | undefined;
        if (s.authType === "workloadIdentity" && wi?.provision !== undefined && saName !== undefined) {
            const chain = this.provisionIdentity(name, args, wi.provision, gateway, namespace, saName);
            Object.assign(resources, chain);
            clientId = chain.identity.clientId;
        } else if (s.authType === "workloadIdentity" && wi?.clientId !== undefined) {
            clientId = pulumi.output(wi.clientId);
        }
        if (s.serviceAccount?.create && saName !== undefined) {
            const wiMeta = s.authType === "workloadIdentity";
            resources.serviceAccount = new k8s.core.v1.ServiceAccount(
                `${name}-service-account`,
                {
                    metadata: {
                        name: saName,
                        namespace,
                        labels: { ...p.labels, ...(wiMeta ? { [WORKLOAD_IDENTITY_USE_LABEL]: "true" } : {}) },
                        annotations: {
                            ...s.commonAnnotations,
                            ...s.serviceAccount.annotations,
                            ...(wiMeta && clientId ? { [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: clientId } : {}),
                        },
                    },
                    automountServiceAccountToken: false,
                },
                child,
            );
        }
        const serviceAccountName = resources.serviceAccount ? resources.serviceAccount.metadata.name : pulumi.output(saName);

        // The credential the pods read: a Secret we create, or the user's.
        const secretEnv: SecretEnv[] = [];
        const auth = args.auth ?? {};
        if (s.authType === "token" && resources.token !== undefined) {
            resources.secret = new k8s.core.v1.Secret(
                `${name}-token-secret`,
                {
                    // Auto-named: a new token gives a new Secret next to the old one (the provider replaces
                    // Secrets on a data change, and a fixed name would force delete-then-create, leaving a
                    // moment with no Secret); the Deployment then moves to it in a rolling update.
                    metadata: meta,
                    type: "Opaque",
                    stringData: { [TOKEN_SECRET_KEY]: pulumi.secret(pulumi.interpolate`GatewayKey ${resources.token.value}`) },
                },
                child,
            );
            secretEnv.push({ name: "config.service.auth", secretName: resources.secret.metadata.name, key: TOKEN_SECRET_KEY });
        } else if (s.authType === "existingSecret" && auth.existingSecret !== undefined) {
            secretEnv.push({
                name: "config.service.auth",
                secretName: p.checked("auth.existingSecret.name", auth.existingSecret.name, "dnsSubdomain"),
                key: auth.existingSecret.key ?? TOKEN_SECRET_KEY,
            });
        } else if (s.authType === "azureAdApp" && auth.azureAdApp !== undefined) {
            const aad = auth.azureAdApp;
            if (aad.clientSecret !== undefined) {
                // Auto-named: a new client secret gives a new Secret name, which rolls the pods.
                resources.secret = new k8s.core.v1.Secret(
                    `${name}-azure-ad-secret`,
                    { metadata: meta, type: "Opaque", stringData: { [CLIENT_SECRET_KEY]: pulumi.secret(aad.clientSecret) } },
                    child,
                );
                secretEnv.push({
                    name: "config.service.auth.azureAd.clientSecret",
                    secretName: resources.secret.metadata.name,
                    key: CLIENT_SECRET_KEY,
                });
            } else if (aad.existingSecret !== undefined) {
                secretEnv.push({
                    name: "config.service.auth.azureAd.clientSecret",
                    secretName: p.checked("auth.azureAdApp.existingSecret.name", aad.existingSecret.name, "dnsSubdomain"),
                    key: aad.existingSecret.key ?? TOKEN_SECRET_KEY,
                });
            }
        }
        return { resources, secretEnv, clientId, saName, serviceAccountName };
    }

    /**
     * Kubernetes objects: the settings ConfigMap (auto-named, so a change of settings rolls the pods), the CA
     * ConfigMap, the backup claim, the Deployment, its disruption budget, autoscaler and network policy, and the two
     * Services.
     */
    private kubernetesObjects(p: Plan, namespace: pulumi.Output<string>, a: Authentication): KubernetesObjects {
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
                            name: pulumi
                                .output(storageClassName)
                                .apply((sc) => backupClaimName(names.backupClaim, s.backup.accessMode, sc)),
                            ...meta,
                        },
                        spec: backupClaimSpec(s, storageClassName),
                    },
                    child,
                );
                claimName = backupClaim.metadata.name;
            }
        }

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
        const autoscaler = s.autoscaling
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
                        ? { annotations: pulumi.output(serviceAnnotations).apply((an) => ({ ...s.commonAnnotations, ...an })) }
                        : p.annotations),
                },
                spec: liveTrafficServiceSpec(name, s, args.service?.loadBalancerIP),
            },
            child,
        );
        const discoveryService = new k8s.core.v1.Service(
            `${name}-instance-discovery`,
            { metadata: { name: names.discovery, ...meta }, spec: discoveryServiceSpec(name) },
            child,
        );
        return {
            configMap,
            caConfigMap,
            backupClaim,
            deployment,
            disruptionBudget,
            autoscaler,
            networkPolicy,
            service,
            discoveryService,
            configurationEndpoint,
        };
    }

    /** Outputs: what the component reports (never a secret). */
    private outputsOf(p: Plan, azure: AzureSide, ns: NamespaceStage, a: Authentication, k: KubernetesObjects): Outputs {
        return {
            gateway: azure.gateway,
            authType: pulumi.output(p.s.authType),
            namespaceName: ns.namespaceName,
            configurationEndpoint: k.configurationEndpoint,
            tokenExpiry: pulumi.output(p.token?.expiry),
            tokenRotatesAfter: pulumi.output(p.token?.rotatesAfter),
            tokenKeyType: pulumi.output(p.token?.keyType),
            deploymentName: k.deployment.metadata.name,
            serviceName: k.service.metadata.name,
            discoveryServiceName: k.discoveryService.metadata.name,
            configMapName: k.configMap.metadata.name,
            secretName: a.secretEnv.length > 0 ? pulumi.output(a.secretEnv[0].secretName) : pulumi.output(undefined),
            serviceAccountName: a.serviceAccountName,
            workloadIdentityClientId: pulumi.output(a.clientId),
            loadBalancerAddress: k.service.status.apply((st) => {
                const ingress = st?.loadBalancer?.ingress?.[0];
                return ingress?.ip || ingress?.hostname || undefined;
            }),
        };
    }

    /**
     * Workload identity in Azure: a user-assigned identity, its federated credential for the
     * cluster's OIDC issuer and the gateway's ServiceAccount, and the role that lets it read the
     * gateway's configuration (Microsoft documents it as a custom role; created unless given).
     */
    private provisionIdentity(
        name: string,
        args: SelfHostedGatewayArgs,
        p: WorkloadIdentityProvisionArgs,
        gateway: apimanagement.Gateway,
        namespace: pulumi.Output<string>,
        serviceAccount: string,
    ) {
        const child = { parent: this };
        const resourceGroupName = p.resourceGroupName ?? args.apim.resourceGroupName;
        const identity = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            { resourceGroupName, location: p.location, ...(p.identityName !== undefined ? { resourceName: p.identityName } : {}) },
            child,
        );
        const federatedCredential = new managedidentity.FederatedIdentityCredential(
            `${name}-federated-credential`,
            {
                resourceGroupName,
                resourceName: identity.name,
                issuer: p.oidcIssuerUrl,
                subject: namespace.apply((ns) => serviceAccountSubject(ns, serviceAccount)),
                audiences: [WORKLOAD_IDENTITY_AUDIENCE],
            },
            child,
        );
        const gatewayId = gateway.id;
        const subscriptionId = gatewayId.apply((id) => parseGatewayId(id).subscriptionId);
        const rgScope = gatewayId.apply(resourceGroupIdOf);

        /** A custom role at the APIM resource group with a stable GUID, and its full id (depends on the definition). */
        const customRole = (resourceName: string, role: typeof GATEWAY_CONFIG_READER_ROLE, withGateway: boolean) => {
            const roleName = gatewayId.apply((id) => {
                const g = parseGatewayId(id);
                return customRoleName(role.name, g.resourceGroupName, g.serviceName, withGateway ? g.gatewayName : undefined);
            });
            const guid = pulumi.all([rgScope, roleName]).apply(([scope, rn]) => roleDefinitionGuid(scope, rn));
            const definition = new authorization.RoleDefinition(
                resourceName,
                {
                    scope: rgScope,
                    roleDefinitionId: guid,
                    roleName,
                    description: role.description,
                    roleType: "CustomRole",
                    permissions: [{ actions: role.actions, notActions: [], dataActions: role.dataActions, notDataActions: [] }],
                    assignableScopes: [rgScope],
                },
                child,
            );
            const fullId = pulumi.all([definition.id, guid, subscriptionId]).apply(([, g, sub]) => roleDefinitionFullId(g, sub));
            return { definition, fullId };
        };
        /** A role assignment whose name is a GUID derived from (scope, principal, role): never duplicated by a re-run. */
        const assign = (
            resourceName: string,
            scope: pulumi.Input<string>,
            principalId: pulumi.Input<string>,
            roleId: pulumi.Input<string>,
        ) =>
            new authorization.RoleAssignment(
                resourceName,
                {
                    scope,
                    principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: roleId,
                    roleAssignmentName: pulumi.all([scope, principalId, roleId]).apply(([sc, pr, ro]) => roleAssignmentName(sc, pr, ro)),
                },
                child,
            );

        let roleDefinition: authorization.RoleDefinition | undefined;
        let roleId: pulumi.Output<string>;
        if (p.roleDefinitionId !== undefined) {
            const given = p.roleDefinitionId;
            roleId = pulumi.all([given, subscriptionId]).apply(([r, sub]) => roleDefinitionFullId(r, sub));
        } else {
            const reader = customRole(`${name}-config-reader-role`, GATEWAY_CONFIG_READER_ROLE, true);
            roleDefinition = reader.definition;
            roleId = reader.fullId;
        }
        const scope = p.roleScope === "service" ? gatewayId.apply(serviceIdOf) : gatewayId;
        const roleAssignment = assign(`${name}-config-reader`, scope, identity.principalId, roleId);

        let validatorRoleDefinition: authorization.RoleDefinition | undefined;
        let validatorRoleAssignment: authorization.RoleAssignment | undefined;
        if (p.apimPrincipalId !== undefined) {
            const validator = customRole(`${name}-validator-role`, CONFIG_API_VALIDATOR_ROLE, false);
            validatorRoleDefinition = validator.definition;
            validatorRoleAssignment = assign(`${name}-validator`, rgScope, p.apimPrincipalId, validator.fullId);
        }
        return { identity, federatedCredential, roleDefinition, roleAssignment, validatorRoleDefinition, validatorRoleAssignment };
    }
}

/** What the validate stage derives from the arguments, for the other stages. */
interface Plan {
    name: string;
    args: SelfHostedGatewayArgs;
    /** How messages name the arguments: `gateway` (validated by the stack program) or `args`. */
    prefix: string;
    s: Settings;
    names: ReturnType<typeof objectNames>;
    labels: Record<string, string>;
    /** `{ annotations }` with the common annotations, or nothing. */
    annotations: { annotations?: Record<string, string> };
    child: { parent: pulumi.Resource };
    /** Token mode: this window's token and the ARM endpoint that issues it. */
    token?: TokenPlan & { armEndpoint: string };
    /** The azure-native cloud (resolved in validate when a default depends on it). */
    cloud: () => AzureEnvironment;
    /** Checks a value that may only be known later (an Output) inside apply. */
    checked: (key: string, v: pulumi.Input<string>, rule: "dnsLabel" | "hostname" | "dnsSubdomain") => pulumi.Output<string>;
}

type AzureSide = Pick<SelfHostedGateway, "gateway" | "apiAssignments" | "hostnameConfigurations" | "certificateAuthorities">;
type NamespaceStage = Pick<SelfHostedGateway, "namespace" | "namespaceName">;
/** Writable while a stage builds it. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface Authentication {
    resources: Mutable<
        Partial<
            Pick<
                SelfHostedGateway,
                | "token"
                | "secret"
                | "serviceAccount"
                | "identity"
                | "federatedCredential"
                | "roleDefinition"
                | "roleAssignment"
                | "validatorRoleDefinition"
                | "validatorRoleAssignment"
                | "expiryAlertTopic"
                | "expiryAlertSubscriptions"
            >
        >
    >;
    secretEnv: SecretEnv[];
    clientId?: pulumi.Output<string>;
    /** The ServiceAccount the pods use, if not the namespace's default. */
    saName?: string;
    serviceAccountName: pulumi.Output<string | undefined>;
}
type KubernetesObjects = Pick<
    SelfHostedGateway,
    | "configMap"
    | "caConfigMap"
    | "backupClaim"
    | "deployment"
    | "disruptionBudget"
    | "autoscaler"
    | "networkPolicy"
    | "service"
    | "discoveryService"
    | "configurationEndpoint"
>;
type Outputs = Pick<
    SelfHostedGateway,
    | "gateway"
    | "authType"
    | "namespaceName"
    | "configurationEndpoint"
    | "tokenExpiry"
    | "tokenRotatesAfter"
    | "tokenKeyType"
    | "deploymentName"
    | "serviceName"
    | "discoveryServiceName"
    | "configMapName"
    | "secretName"
    | "serviceAccountName"
    | "workloadIdentityClientId"
    | "loadBalancerAddress"
>;
