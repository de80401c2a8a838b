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
    isGatewayDeployment,
    isGatewayTrafficService,
    RuleId,
    RULES,
    serviceFindings,
    ServiceShape,
    tokenFindings,
} from "../components/rules";

export const DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment";
export const SERVICE_TYPE = "kubernetes:core/v1:Service";
export const HPA_TYPE = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
export const TOKEN_TYPE = "apim-gateway:index:GatewayToken";

/** What the rules need of a registered resource. */
export type Registered = Pick<PolicyResource, "type" | "props" | "urn">;

/** Findings for every resource of a stack, each with the URN it belongs to. */
export function stackFindings(resources: Registered[], now: Date): { urn: string; finding: Finding }[] {
    const autoscalers = resources.filter((r) => r.type === HPA_TYPE).map((r) => r.props as AutoscalerShape);
    const out: { urn: string; finding: Finding }[] = [];
    for (const r of resources) {
        for (const finding of findingsFor(r.type, r.props, now, autoscalers)) out.push({ urn: r.urn, finding });
    }
    return out;
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
