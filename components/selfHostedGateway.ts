// The SelfHostedGateway component: the gateway resource in Azure, its rotating token, and the
// Kubernetes objects that run it. Pure logic lives in specs.ts, rotation.ts and validation.ts;
// this file only wires resources together.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { KeyType, SelfHostedGatewayArgs } from "./args";
import { tokenPlan } from "./rotation";
import {
    backupClaimSpec,
    commonLabels,
    configMapData,
    defaultConfigurationEndpoint,
    deploymentSpec,
    discoveryServiceSpec,
    liveTrafficServiceSpec,
    objectNames,
    resolveSettings,
    TOKEN_SECRET_KEY,
} from "./specs";
import { CLOUDS, cloudFor } from "./token/credential";
import { GatewayToken } from "./token/resource";
import { describeFindings, profileFindings } from "./profile";
import { checkResolved, formatProblems, nameProblems, validateArgs } from "./validation";

export const SELF_HOSTED_GATEWAY_TYPE = "apim-gateway:index:SelfHostedGateway";

export class SelfHostedGateway extends pulumi.ComponentResource {
    /** The gateway resource in the API Management instance. */
    public readonly gateway: apimanagement.Gateway;
    /** Holds the current access token as a secret. */
    public readonly token: GatewayToken;
    public readonly namespace?: k8s.core.v1.Namespace;
    public readonly secret: k8s.core.v1.Secret;
    public readonly configMap: k8s.core.v1.ConfigMap;
    public readonly backupClaim?: k8s.core.v1.PersistentVolumeClaim;
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly service: k8s.core.v1.Service;
    public readonly discoveryService: k8s.core.v1.Service;

    public readonly namespaceName: pulumi.Output<string>;
    public readonly configurationEndpoint: pulumi.Output<string>;
    /** When the current token expires (ISO-8601). */
    public readonly tokenExpiry: pulumi.Output<string>;
    /** From this instant on, the next `pulumi up` issues a new token (ISO-8601). */
    public readonly tokenRotatesAfter: pulumi.Output<string>;
    /** The key that signs the current token; in an incident, regenerate the other one. */
    public readonly tokenKeyType: pulumi.Output<KeyType>;
    public readonly deploymentName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly discoveryServiceName: pulumi.Output<string>;
    public readonly configMapName: pulumi.Output<string>;
    public readonly secretName: pulumi.Output<string>;
    /** The load balancer's IP or host name, once Kubernetes reports one. */
    public readonly loadBalancerAddress: pulumi.Output<string | undefined>;

    constructor(name: string, args: SelfHostedGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SELF_HOSTED_GATEWAY_TYPE, name, {}, opts);

        const validation = validateArgs(args, "args");
        const problems = [...nameProblems(name), ...(validation.ok ? [] : validation.problems)];
        if (problems.length > 0) {
            throw new pulumi.ResourceError(formatProblems(`SelfHostedGateway "${name}": invalid arguments`, problems), this, true);
        }
        const s = resolveSettings(args);
        const names = objectNames(name);
        const labels = commonLabels(name);
        const child = { parent: this };
        /** Checks a value that may only be known later (an Output) inside apply. */
        const checked = (key: string, v: pulumi.Input<string>, rule: "dnsLabel" | "hostname") =>
            pulumi.output(v).apply((value) => {
                const problem = checkResolved(key, value, rule);
                if (problem) throw new pulumi.ResourceError(`SelfHostedGateway "${name}": ${problem}`, this, true);
                return value;
            });

        if (s.backup.accessMode !== "ReadWriteMany" && s.replicas > 1 && s.backup.enabled) {
            pulumi.log.warn(
                `configBackup.accessMode is ${s.backup.accessMode} with ${s.replicas} replicas: pods on different nodes cannot share the volume; use ReadWriteMany (e.g. storage class azurefile-csi)`,
                this,
            );
        }

        // Every check that can fail runs before the first child is registered: nothing half-applied.
        const now = new Date(Date.now());
        const plan = tokenPlan(now, s);
        const findings = describeFindings(profileFindings(name, args, s, plan.expiry, now), "args");
        if (findings.length > 0 && s.environment === "prod") {
            throw new pulumi.ResourceError(
                formatProblems(`SelfHostedGateway "${name}": breaks the deployment guide's production rules (environment: prod)`, findings) +
                    '\nFix them, or set environment: "dev" to relax them to warnings.',
                this,
                true,
            );
        }
        for (const f of findings) {
            pulumi.log.warn(`dev environment, production rule relaxed: ${f}`, this);
        }
        let armEndpoint = args.token?.armEndpoint;
        if (armEndpoint === undefined) {
            const environment = new pulumi.Config("azure-native").get("environment") ?? process.env.ARM_ENVIRONMENT;
            try {
                armEndpoint = CLOUDS[cloudFor(environment)].arm;
            } catch (e) {
                throw new pulumi.ResourceError(`SelfHostedGateway "${name}": ${(e as Error).message}`, this, true);
            }
        }

        // Azure: the gateway resource and its token.
        this.gateway = new apimanagement.Gateway(
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
        this.token = new GatewayToken(
            `${name}-token`,
            { gatewayResourceId: this.gateway.id, keyType: plan.keyType, expiry: plan.expiry, armEndpoint },
            child,
        );
        this.tokenExpiry = pulumi.output(plan.expiry);
        this.tokenRotatesAfter = pulumi.output(plan.rotatesAfter);
        this.tokenKeyType = pulumi.output(plan.keyType);

        // Kubernetes.
        if (s.createNamespace) {
            this.namespace = new k8s.core.v1.Namespace(
                `${name}-namespace`,
                { metadata: { name: checked("namespace.name", args.namespace.name, "dnsLabel"), labels } },
                child,
            );
            this.namespaceName = this.namespace.metadata.name;
        } else {
            this.namespaceName = checked("namespace.name", args.namespace.name, "dnsLabel");
        }
        const namespace = this.namespaceName;

        this.configurationEndpoint =
            args.apim.configurationEndpoint !== undefined
                ? checked("apim.configurationEndpoint", args.apim.configurationEndpoint, "hostname")
                : pulumi.output(args.apim.serviceName).apply(defaultConfigurationEndpoint);

        this.secret = new k8s.core.v1.Secret(
            `${name}-token-secret`,
            {
                metadata: { name: names.secret, namespace, labels },
                type: "Opaque",
                stringData: { [TOKEN_SECRET_KEY]: pulumi.secret(pulumi.interpolate`GatewayKey ${this.token.value}`) },
            },
            child,
        );

        // Auto-named: a change of settings gives a new name, which rolls the pods.
        this.configMap = new k8s.core.v1.ConfigMap(
            `${name}-env`,
            {
                metadata: { namespace, labels },
                data: this.configurationEndpoint.apply((endpoint) => configMapData(endpoint, names.discovery)),
            },
            child,
        );

        let backupClaimName: pulumi.Input<string> | undefined;
        if (s.backup.enabled) {
            if (args.configBackup?.existingClaimName !== undefined) {
                backupClaimName = checked("configBackup.existingClaimName", args.configBackup.existingClaimName, "dnsLabel");
            } else {
                this.backupClaim = new k8s.core.v1.PersistentVolumeClaim(
                    `${name}-config-backup`,
                    {
                        metadata: { name: names.backupClaim, namespace, labels },
                        spec: backupClaimSpec(s, args.configBackup?.storageClassName),
                    },
                    child,
                );
                backupClaimName = this.backupClaim.metadata.name;
            }
        }

        this.deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: names.deployment, namespace, labels },
                spec: deploymentSpec(name, s, {
                    configMapName: this.configMap.metadata.name,
                    secretName: this.secret.metadata.name,
                    backupClaimName,
                    tokenExpiry: plan.expiry,
                    keyType: plan.keyType,
                }),
            },
            child,
        );

        this.service = new k8s.core.v1.Service(
            `${name}-live-traffic`,
            {
                metadata: {
                    name: names.liveTraffic,
                    namespace,
                    labels,
                    ...(args.service?.annotations !== undefined ? { annotations: args.service.annotations } : {}),
                },
                spec: liveTrafficServiceSpec(name, s, args.service?.loadBalancerIP),
            },
            child,
        );
        this.discoveryService = new k8s.core.v1.Service(
            `${name}-instance-discovery`,
            {
                metadata: { name: names.discovery, namespace, labels },
                spec: discoveryServiceSpec(name),
            },
            child,
        );

        this.deploymentName = this.deployment.metadata.name;
        this.serviceName = this.service.metadata.name;
        this.discoveryServiceName = this.discoveryService.metadata.name;
        this.configMapName = this.configMap.metadata.name;
        this.secretName = this.secret.metadata.name;
        this.loadBalancerAddress = this.service.status.apply((st) => {
            const ingress = st?.loadBalancer?.ingress?.[0];
            return ingress?.ip || ingress?.hostname || undefined;
        });

        this.registerOutputs({
            gateway: this.gateway,
            namespaceName: this.namespaceName,
            configurationEndpoint: this.configurationEndpoint,
            tokenExpiry: this.tokenExpiry,
            tokenRotatesAfter: this.tokenRotatesAfter,
            tokenKeyType: this.tokenKeyType,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            discoveryServiceName: this.discoveryServiceName,
            configMapName: this.configMapName,
            secretName: this.secretName,
            loadBalancerAddress: this.loadBalancerAddress,
        });
    }
}
