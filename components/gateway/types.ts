// The plan the first stage derives from the arguments, and what each later stage hands on: the types that
// connect the stage modules of components/gateway/ (see ../selfHostedGateway.ts for their order).
import type * as pulumi from "@pulumi/pulumi";
import type { SelfHostedGatewayArgs } from "../args";
import type { TokenPlan } from "../rotation";
import type { objectNames, SecretEnv, Settings } from "../specs";
import type { AzureEnvironment } from "../token/credential";
import type { SelfHostedGateway } from "../selfHostedGateway";

/** What the plan stage derives from the arguments, for the other stages. */
export interface Plan {
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
    /** The azure-native cloud (resolved in the plan stage when a default depends on it). */
    cloud: () => AzureEnvironment;
    /** Checks a value that may only be known later (an Output) inside apply. */
    checked: (key: string, v: pulumi.Input<string>, rule: "dnsLabel" | "hostname" | "dnsSubdomain") => pulumi.Output<string>;
    /** An annotation map that may be an Output, checked once resolved (keys.ts, resolvedAnnotationProblems). */
    checkedAnnotations: (key: string, v: pulumi.Input<Record<string, pulumi.Input<string>>>) => pulumi.Output<Record<string, string>>;
}

export type AzureSide = Pick<SelfHostedGateway, "gateway" | "apiAssignments" | "hostnameConfigurations" | "certificateAuthorities">;
export type NamespaceStage = Pick<SelfHostedGateway, "namespace" | "namespaceName">;
/** Writable while a stage builds it. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export interface Authentication {
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
export type KubernetesObjects = Pick<
    SelfHostedGateway,
    | "configMap"
    | "caConfigMap"
    | "backupClaim"
    | "deployment"
    | "disruptionBudget"
    | "autoscaler"
    | "scaledObject"
    | "secretProviderClass"
    | "networkPolicy"
    | "service"
    | "discoveryService"
    | "configurationEndpoint"
>;
/** The component's outputs: what it registers and reports (never a secret). */
export type Outputs = Pick<
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
