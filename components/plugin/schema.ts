// The Pulumi package schema of the SelfHostedGateway component, for Python, Go, C#, Java and YAML programs
// (`pulumi package add`). Not inferred: Pulumi's TypeScript analyzer rejects unions such as `number | string`
// (maxSurge, maxUnavailable, resource quantities) and resource classes from outside @pulumi packages (the
// GatewayToken). The inputs are derived from the validator's zod schema (fromZod.ts), so every option the
// component accepts is in the package; tests/plugin.test.ts walks both independently. Object types are named from
// their key path without an `Args` suffix, because SDK generators add it (Python `ApimArgs`).

import { PACKAGE_NAME, SELF_HOSTED_GATEWAY_TYPE } from "../typeTokens";
import { argsSchema } from "../validation";
import type { ConstructState } from "./provider";
import { EnumTypeSpec, ObjectTypeSpec, PropertySpec, SchemaBuilder, TypeSpec } from "./fromZod";

export { EnumTypeSpec, ObjectTypeSpec, PropertySpec, TypeSpec };

export interface ComponentSpec {
    isComponent: true;
    description: string;
    inputProperties: Record<string, PropertySpec>;
    requiredInputs: string[];
    properties: Record<string, PropertySpec>;
    required: string[];
}

export interface PackageSpec {
    name: string;
    displayName: string;
    version: string;
    description: string;
    meta: { moduleFormat: string };
    language: Record<string, Record<string, unknown>>;
    types: Record<string, TypeSpec>;
    resources: Record<string, ComponentSpec>;
}

const ref = (type: string): PropertySpec => ({ $ref: `#/types/${PACKAGE_NAME}:index:${type}` });
const str = (description?: string): PropertySpec => ({ type: "string", ...(description ? { description } : {}) });

/** The component's inputs and their named types, derived from the validator (components/validation/schema.ts). */
function inputs(): { properties: Record<string, PropertySpec>; required: string[]; types: Record<string, TypeSpec> } {
    const builder = new SchemaBuilder(`${PACKAGE_NAME}:index:`);
    const { properties, required } = builder.objectType(argsSchema, []);
    return { properties, required, types: builder.types };
}

/** The component's outputs (`properties`): one per key of the state `construct` returns, which `tsc` checks. */
const OUTPUTS: Record<keyof ConstructState, PropertySpec> = {
    gatewayId: str("ARM id of the gateway resource."),
    namespaceName: str(),
    configurationEndpoint: str(),
    tokenExpiry: str("When the current token expires (ISO-8601)."),
    tokenRotatesAfter: str("From this instant on, the next `pulumi up` issues a new token (ISO-8601)."),
    tokenKeyType: ref("TokenKeyType"),
    deploymentName: str(),
    serviceName: str(),
    discoveryServiceName: str(),
    configMapName: str(),
    secretName: str(),
    loadBalancerAddress: str("The load balancer's IP or host name, once Kubernetes reports one."),
    authType: ref("AuthType"),
    serviceAccountName: str(),
    workloadIdentityClientId: str("Workload identity: the client id the ServiceAccount carries."),
};

/** Outputs that are always set (the others depend on the auth mode or on Kubernetes). */
const ALWAYS: (keyof ConstructState)[] = [
    "gatewayId",
    "namespaceName",
    "configurationEndpoint",
    "deploymentName",
    "serviceName",
    "discoveryServiceName",
    "configMapName",
    "authType",
];

/** The package schema, for a given package version. */
export function packageSchema(version: string): PackageSpec {
    const args = inputs();
    return {
        name: PACKAGE_NAME,
        displayName: "APIM self-hosted gateway",
        version,
        description: "Azure API Management self-hosted gateway on Kubernetes, with its rotating access token",
        meta: { moduleFormat: "(.*)" },
        language: { nodejs: { respectSchemaVersion: true }, python: { respectSchemaVersion: true } },
        types: Object.fromEntries(Object.entries(args.types).map(([name, spec]) => [`${PACKAGE_NAME}:index:${name}`, spec])),
        resources: {
            [SELF_HOSTED_GATEWAY_TYPE]: {
                isComponent: true,
                description:
                    "The gateway resource in an existing API Management instance, its rotating access token, and the Kubernetes objects that run it.",
                inputProperties: args.properties,
                requiredInputs: args.required,
                properties: OUTPUTS,
                required: ALWAYS,
            },
        },
    };
}
