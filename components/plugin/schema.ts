// The Pulumi package schema of the SelfHostedGateway component, for Python, Go, C#, Java and YAML programs
// (`pulumi package add`). Declared rather than inferred: Pulumi's TypeScript analyzer rejects unions such as
// `number | string` (maxSurge, maxUnavailable, resource quantities) and resource classes from outside @pulumi
// packages (the GatewayToken), and those are part of the TypeScript API. Property names are exactly the
// TypeScript argument names; tests/plugin.test.ts checks every key and required flag against the validator.
// Object types drop the TypeScript `Args` suffix because SDK generators add it (Python `ApimArgs`, not `ApimArgsArgs`).

/** A property or type reference in Pulumi's package schema (the subset used here). */
export interface PropertySpec {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    $ref?: string;
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
    oneOf?: PropertySpec[];
    description?: string;
    plain?: boolean;
}

export interface ObjectTypeSpec {
    type: "object";
    description?: string;
    properties: Record<string, PropertySpec>;
    required?: string[];
}

export interface EnumTypeSpec {
    type: "string";
    description?: string;
    enum: { value: string; name?: string }[];
}

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
    types: Record<string, ObjectTypeSpec | EnumTypeSpec>;
    resources: Record<string, ComponentSpec>;
}

export const PACKAGE_NAME = "apim-gateway";
export const COMPONENT_TOKEN = `${PACKAGE_NAME}:index:SelfHostedGateway`;

const ref = (type: string): PropertySpec => ({ $ref: `#/types/${PACKAGE_NAME}:index:${type}` });
const str = (description?: string): PropertySpec => ({ type: "string", ...(description ? { description } : {}) });
/** A value TypeScript callers may only give as a plain value (not an Output), as inference marks it. */
const plain = (p: PropertySpec): PropertySpec => ({ ...p, plain: true });
const int = (description: string): PropertySpec => plain({ type: "integer", description });
const bool = (description: string): PropertySpec => plain({ type: "boolean", description });
const intOrString = (description: string): PropertySpec => plain({ oneOf: [{ type: "integer" }, { type: "string" }], description });
const quantities = (description: string): PropertySpec =>
    plain({ type: "object", additionalProperties: { oneOf: [{ type: "number" }, { type: "string" }] }, description });
const stringList = (description: string): PropertySpec => plain({ type: "array", items: { type: "string" }, description });
const enumOf = (description: string, values: string[]): EnumTypeSpec => ({
    type: "string",
    description,
    enum: values.map((value) => ({ value, name: value.charAt(0).toUpperCase() + value.slice(1) })),
});
const object = (description: string, properties: Record<string, PropertySpec>, required: string[] = []): ObjectTypeSpec => ({
    type: "object",
    description,
    properties,
    ...(required.length > 0 ? { required } : {}),
});

const TYPES: Record<string, ObjectTypeSpec | EnumTypeSpec> = {
    GatewayLocation: object(
        "The location shown for a gateway in the portal (free text, not an Azure region).",
        { name: str(), city: str(), district: str(), countryOrRegion: str() },
        ["name"],
    ),
    Apim: object(
        "Where the gateway lives in Azure: an existing API Management instance.",
        {
            resourceGroupName: str("Resource group of the existing API Management instance."),
            serviceName: str("Name of the existing API Management instance."),
            gatewayName: str("Gateway id to create in that instance (the name shown under Gateways in the portal)."),
            location: plain(ref("GatewayLocation")),
            description: str("Gateway description."),
            configurationEndpoint: str("Host name of the configuration endpoint. Default `<serviceName>.configuration.azure-api.net`."),
        },
        ["resourceGroupName", "serviceName", "gatewayName", "location"],
    ),
    KeyType: enumOf("A gateway key.", ["primary", "secondary"]),
    Token: object("Access token issue and rotation.", {
        keyType: plain(ref("KeyType")),
        lifetimeDays: int("Token lifetime in whole days, 1..30. Default 30."),
        rotateEveryDays: int("Issue a new token every N whole days; less than lifetimeDays. Default 7."),
        alternateKeys: bool("Alternate the primary and secondary key between rotation windows. Default false."),
        armEndpoint: plain(str("Azure Resource Manager endpoint for generateToken. Default: follows azure-native's environment.")),
    }),
    Namespace: object(
        "The dedicated namespace.",
        { name: str("Namespace name (DNS-1123 label)."), create: bool("Create the namespace. Default true.") },
        ["name"],
    ),
    RollingUpdate: object("Rolling update settings.", {
        maxUnavailable: intOrString('Pods (int) or a percentage such as "25%". Default 0.'),
        maxSurge: intOrString('Pods (int) or a percentage such as "25%". Default "25%".'),
    }),
    Image: object("Gateway image.", {
        repository: plain(str("Default mcr.microsoft.com/azure-api-management/gateway.")),
        tag: plain(str("Default the pinned version.")),
        digest: plain(str("Optional content digest (sha256:…).")),
    }),
    ResourceRequirements: object("Container resources (Kubernetes quantities).", {
        requests: quantities("Default cpu 2, memory 2Gi."),
        limits: quantities("No limits by default."),
    }),
    ServiceType: enumOf("Kubernetes Service type.", ["LoadBalancer", "NodePort", "ClusterIP"]),
    ExternalTrafficPolicy: enumOf("Service external traffic policy.", ["Local", "Cluster"]),
    Service: object("The live-traffic Service.", {
        type: plain(ref("ServiceType")),
        externalTrafficPolicy: plain(ref("ExternalTrafficPolicy")),
        annotations: { type: "object", additionalProperties: { type: "string" }, description: "Service annotations." },
        loadBalancerIP: str("A static IP for the load balancer."),
        httpPort: int("Default 80."),
        httpsPort: int("Default 443."),
    }),
    BackupAccessMode: enumOf("Access mode of the configuration backup claim.", ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]),
    ConfigBackup: object("Configuration backup volume at /apim/config.", {
        enabled: bool("Default true."),
        storageClassName: str("Storage class of the claim, e.g. azurefile-csi."),
        accessMode: plain(ref("BackupAccessMode")),
        size: plain(str("Default 50Mi.")),
        existingClaimName: str("Mount this existing claim instead of creating one."),
    }),
    DnsPolicy: enumOf("Pod DNS policy.", ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]),
    DnsOption: object("A resolver option.", { name: plain(str()), value: plain(str()) }, ["name"]),
    DnsConfig: object("Pod DNS config.", {
        nameservers: stringList("Name server IPs (at most 3)."),
        searches: stringList("Search domains."),
        options: plain({ type: "array", items: ref("DnsOption") }),
    }),
};

const OUTPUTS: Record<string, PropertySpec> = {
    gatewayId: str("ARM id of the gateway resource."),
    namespaceName: str(),
    configurationEndpoint: str(),
    tokenExpiry: str("When the current token expires (ISO-8601)."),
    tokenRotatesAfter: str("From this instant on, the next `pulumi up` issues a new token (ISO-8601)."),
    tokenKeyType: ref("KeyType"),
    deploymentName: str(),
    serviceName: str(),
    discoveryServiceName: str(),
    configMapName: str(),
    secretName: str(),
    loadBalancerAddress: str("The load balancer's IP or host name, once Kubernetes reports one."),
};

/** The package schema, for a given package version. */
export function packageSchema(version: string): PackageSpec {
    return {
        name: PACKAGE_NAME,
        displayName: "APIM self-hosted gateway",
        version,
        description: "Azure API Management self-hosted gateway on Kubernetes, with its rotating access token",
        meta: { moduleFormat: "(.*)" },
        language: { nodejs: { respectSchemaVersion: true }, python: { respectSchemaVersion: true } },
        types: Object.fromEntries(Object.entries(TYPES).map(([name, spec]) => [`${PACKAGE_NAME}:index:${name}`, spec])),
        resources: {
            [COMPONENT_TOKEN]: {
                isComponent: true,
                description: "The gateway resource in an existing API Management instance, its rotating access token, and the Kubernetes objects that run it.",
                inputProperties: {
                    apim: plain(ref("Apim")),
                    token: plain(ref("Token")),
                    namespace: plain(ref("Namespace")),
                    replicas: int("Pod count. Default 2."),
                    rollingUpdate: plain(ref("RollingUpdate")),
                    image: plain(ref("Image")),
                    resources: plain(ref("ResourceRequirements")),
                    service: plain(ref("Service")),
                    configBackup: plain(ref("ConfigBackup")),
                    dnsPolicy: plain(ref("DnsPolicy")),
                    dnsConfig: plain(ref("DnsConfig")),
                },
                requiredInputs: ["apim", "namespace"],
                properties: OUTPUTS,
                required: Object.keys(OUTPUTS).filter((k) => k !== "loadBalancerAddress"),
            },
        },
    };
}
