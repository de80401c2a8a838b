// The SelfHostedGateway component: the gateway resource in Azure, its authentication (a rotating token, an Entra
// app or workload identity), and the Kubernetes objects that run it. This class only runs the stages in order;
// each stage is a module of gateway/ and registers its children with this component as their parent:
//
//   plan            gateway/plan.ts            validation, the cloud, the token window, `checked`; nothing registered yet
//                   gateway/warnings.ts        the plan's warnings, as data
//   azure           gateway/azure.ts           the gateway, API assignments, hostname configurations, CAs
//   namespace       gateway/namespace.ts       the namespace (created, or an existing one's checked name)
//   authentication  gateway/authentication.ts  the token and its alerts, the ServiceAccount, the Secrets
//                   gateway/identity.ts        workload identity provisioning in Azure
//   kubernetes      gateway/kubernetes.ts      ConfigMaps, backup claim, Deployment, PDB, HPA or KEDA ScaledObject,
//                                              SecretProviderClass, NetworkPolicy, Services
//   outputs         gateway/outputs.ts         what the component reports
//
// gateway/types.ts holds the Plan and what each stage hands on. Pure logic lives in specs.ts, settings.ts,
// azureIds.ts, rotation.ts and validation/.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type * as apimanagement from "@pulumi/azure-native/apimanagement";
import type * as eventgrid from "@pulumi/azure-native/eventgrid";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { AuthType, KeyType, SelfHostedGatewayArgs } from "./args";
import { createAuthentication } from "./gateway/authentication";
import { createAzureSide } from "./gateway/azure";
import { createKubernetesObjects } from "./gateway/kubernetes";
import { createNamespace } from "./gateway/namespace";
import { outputsOf } from "./gateway/outputs";
import { createPlan } from "./gateway/plan";
import type { GatewayToken } from "./token/resource";
import { SELF_HOSTED_GATEWAY_TYPE } from "./typeTokens";

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
    /** `autoscaling.keda`: the KEDA ScaledObject (KEDA creates and owns the autoscaler; there is no `autoscaler` then). */
    public readonly scaledObject?: k8s.apiextensions.CustomResource;
    /** A Key Vault client certificate (`auth.azureAdApp.certificate.keyVault`): the Secrets Store CSI driver's SecretProviderClass. */
    public readonly secretProviderClass?: k8s.apiextensions.CustomResource;
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
        // Every check that can fail runs in the plan, before the first child is registered: nothing half-applied.
        const plan = createPlan(this, name, args);
        const azure = createAzureSide(this, plan);
        const ns = createNamespace(this, plan);
        const auth = createAuthentication(this, plan, azure.gateway, ns.namespaceName);
        const kube = createKubernetesObjects(this, plan, ns.namespaceName, auth);
        const outputs = outputsOf(plan, azure, ns, auth, kube);
        Object.assign(this, azure, ns, auth.resources, kube, outputs);
        this.registerOutputs(outputs);
    }
}
