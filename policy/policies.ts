// The guide's production rules as CrossGuard policies. The checks themselves live in
// components/rules.ts, shared with the component, so both say the same thing.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
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
export const TOKEN_TYPE = "pulumi-nodejs:dynamic/apim-gateway:GatewayToken";

/** The findings for one registered resource, whatever its type. */
export function findingsFor(type: string, props: Record<string, unknown>, now: Date): Finding[] {
    if (type === DEPLOYMENT_TYPE && isGatewayDeployment(props as DeploymentShape)) {
        return deploymentFindings(props as DeploymentShape);
    }
    if (type === SERVICE_TYPE && isGatewayTrafficService(props as ServiceShape)) {
        return serviceFindings(props as ServiceShape);
    }
    if (type === TOKEN_TYPE) {
        return tokenFindings(props.expiry, now);
    }
    return [];
}

function policyFor(rule: RuleId): ResourceValidationPolicy {
    const info = RULES[rule];
    return {
        name: `apim-gateway-${rule}`,
        description: `${info.title}: ${info.why}.`,
        validateResource: (args: ResourceValidationArgs, reportViolation) => {
            for (const f of findingsFor(args.type, args.props, new Date())) {
                if (f.rule === rule) reportViolation(f.message);
            }
        },
    };
}

export const policies: ResourceValidationPolicy[] = (Object.keys(RULES) as RuleId[]).map(policyFor);
