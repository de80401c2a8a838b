// The guide's production rules as CrossGuard policies. The checks themselves live in
// components/rules.ts, shared with the component, so both say the same thing. They are stack
// policies because one rule needs two resources: a Deployment whose replica count an autoscaler
// owns is judged by the autoscaler's minimum.
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import {
    AutoscalerShape,
    autoscalerFloor,
    DeploymentShape,
    deploymentFindings,
    Finding,
    GATEWAY_LABEL,
    GATEWAY_LABEL_VALUE,
    HostnameShape,
    hostnameFindings,
    isGatewayDeployment,
    isGatewayTrafficService,
    namespaceFindings,
    placeholderFindings,
    RuleId,
    RULES,
    serviceFindings,
    ServiceShape,
    settingsFindings,
    tokenFindings,
} from "../components/rules";

export const DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment";
export const SERVICE_TYPE = "kubernetes:core/v1:Service";
export const HPA_TYPE = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
/** A KEDA ScaledObject: KEDA creates the autoscaler from it, with `minReplicaCount` as its floor (KEDA's default 0). */
export const SCALED_OBJECT_TYPE = "kubernetes:keda.sh/v1alpha1:ScaledObject";
export const TOKEN_TYPE = "apim-gateway:index:GatewayToken";
export const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";
export const CONFIG_MAP_TYPE = "kubernetes:core/v1:ConfigMap";
export const GATEWAY_TYPE = "azure-native:apimanagement:Gateway";
export const HOSTNAME_TYPE = "azure-native:apimanagement:GatewayHostnameConfiguration";

type Labelled = { metadata?: { labels?: Record<string, unknown> }; data?: Record<string, unknown> };
/** Ours (the component's labels), or the gateway's settings by their one required key. */
const isGatewayObject = (props: Labelled) => props.metadata?.labels?.[GATEWAY_LABEL] === GATEWAY_LABEL_VALUE;
const isGatewaySettings = (props: Labelled) => isGatewayObject(props) || props.data?.["config.service.endpoint"] !== undefined;

/** What the rules need of a registered resource. */
export type Registered = Pick<PolicyResource, "type" | "props" | "urn">;

/** Findings for every resource of a stack, each with the URN it belongs to. */
export function stackFindings(resources: Registered[], now: Date): { urn: string; finding: Finding }[] {
    const autoscalers = [
        ...resources.filter((r) => r.type === HPA_TYPE).map((r) => r.props as AutoscalerShape),
        ...resources.filter((r) => r.type === SCALED_OBJECT_TYPE).map((r) => scaledObjectAsAutoscaler(r.props)),
    ];
    const out: { urn: string; finding: Finding }[] = [];
    for (const r of resources) {
        for (const finding of findingsFor(r.type, r.props, now, autoscalers)) out.push({ urn: r.urn, finding });
    }
    return out;
}

/** A ScaledObject read as the autoscaler KEDA makes of it (its target defaults to a Deployment, its floor to 0). */
export function scaledObjectAsAutoscaler(props: Record<string, unknown>): AutoscalerShape {
    const spec = (props.spec ?? {}) as { scaleTargetRef?: { kind?: unknown; name?: unknown }; minReplicaCount?: unknown };
    return {
        spec: {
            scaleTargetRef: { kind: spec.scaleTargetRef?.kind ?? "Deployment", name: spec.scaleTargetRef?.name },
            minReplicas: typeof spec.minReplicaCount === "number" ? spec.minReplicaCount : 0,
        },
    };
}

/** The findings for one registered resource, whatever its type. */
export function findingsFor(type: string, props: Record<string, unknown>, now: Date, autoscalers: AutoscalerShape[] = []): Finding[] {
    if (type === DEPLOYMENT_TYPE && isGatewayDeployment(props as DeploymentShape)) {
        const d = props as DeploymentShape;
        return deploymentFindings(d, autoscalerFloor(d.metadata?.name, autoscalers));
    }
    if (type === SERVICE_TYPE && isGatewayTrafficService(props as ServiceShape)) {
        return serviceFindings(props as ServiceShape);
    }
    if (type === TOKEN_TYPE) {
        return tokenFindings(props.expiry, now);
    }
    if (type === NAMESPACE_TYPE && isGatewayObject(props as Labelled)) {
        return namespaceFindings(props as Labelled);
    }
    if (type === CONFIG_MAP_TYPE && isGatewaySettings(props as Labelled)) {
        // The settings, and placeholders left in them (a configuration endpoint named after a REPLACE-ME service).
        return [...settingsFindings((props as Labelled).data), ...placeholderFindings((props as Labelled).data, "settings")];
    }
    if (type === GATEWAY_TYPE) {
        const { resourceGroupName, serviceName, gatewayId, description, locationData } = props;
        return placeholderFindings({ resourceGroupName, serviceName, gatewayName: gatewayId, description, location: locationData }, "apim");
    }
    if (type === HOSTNAME_TYPE) {
        return hostnameFindings(props as HostnameShape, `hostnames[${JSON.stringify(props.hcId ?? props.hostname)}]`);
    }
    return [];
}

function policyFor(rule: RuleId): StackValidationPolicy {
    const info = RULES[rule];
    return {
        name: `apim-gateway-${rule}`,
        description: `${info.title}: ${info.why}.`,
        validateStack: (args: StackValidationArgs, reportViolation) => {
            for (const { urn, finding } of stackFindings(args.resources, new Date())) {
                if (finding.rule === rule) reportViolation(finding.message, urn);
            }
        },
    };
}

export const policies: StackValidationPolicy[] = (Object.keys(RULES) as RuleId[]).map(policyFor);
