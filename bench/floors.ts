// The floors of the real-engine benchmark (bench/engine.ts): the resources a component registered, read from its
// stack's state, renamed into a namespace and gateway of their own, to be registered again as raw resources by a
// TypeScript program (floor.ts) or a Pulumi YAML program (yamlFloorProject). Pure functions.

/** A resource as `pulumi stack export` shows it. */
interface StateResource {
    type: string;
    urn: string;
    custom?: boolean;
    inputs?: Record<string, unknown>;
}

export interface FloorResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** The marker of a secret value in state and in the engine's wire format. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * The custom resources the component registered (children of a SelfHostedGateway, provider resources left out),
 * moved into namespace `<ns>-floor` and gateway `<gw>-floor`, each named `<name>-floor`, with the same inputs.
 */
export function floorResources(state: string, ns: string, gw: string): FloorResource[] {
    const resources = (JSON.parse(state) as { deployment: { resources: StateResource[] } }).deployment.resources;
    return resources
        .filter((r) => r.custom && r.urn.includes("apim-gateway:index:SelfHostedGateway$") && !r.type.startsWith("pulumi:providers:"))
        .map((r) => {
            const inputs = JSON.parse(JSON.stringify(r.inputs ?? {})) as Record<string, unknown> & {
                metadata?: Record<string, unknown>;
                gatewayId?: string;
                gatewayResourceId?: string;
            };
            if (r.type === "kubernetes:core/v1:Namespace" && inputs.metadata) inputs.metadata.name = `${ns}-floor`;
            else if (inputs.metadata?.namespace !== undefined) inputs.metadata.namespace = `${ns}-floor`;
            if (r.type === "azure-native:apimanagement:Gateway") inputs.gatewayId = `${gw}-floor`;
            // The token Secret's data is encrypted in state: the floor's Secret holds a value of the same shape.
            if (r.type === "kubernetes:core/v1:Secret") {
                delete (inputs as Record<string, unknown>).data;
                (inputs as Record<string, unknown>).stringData = { value: "GatewayKey floor" };
            }
            const annotations = inputs.metadata?.annotations as Record<string, string> | undefined;
            if (annotations) {
                delete annotations["pulumi.com/autonamed"];
                // An empty map would differ from what the provider stores (none): a change in every preview.
                if (Object.keys(annotations).length === 0) delete inputs.metadata!.annotations;
            }
            if (inputs.gatewayResourceId)
                inputs.gatewayResourceId = inputs.gatewayResourceId.replace(/\/gateways\/[^/]+$/, `/gateways/${gw}-floor`);
            return { type: r.type, name: `${r.urn.split("::").pop()}-floor`, inputs };
        });
}

/** What must exist before the others (as in the component): the namespace for Kubernetes objects, the gateway for the rest. */
export function dependencyOf(r: FloorResource, all: FloorResource[]): FloorResource | undefined {
    const first = (type: string) => all.find((x) => x.type === type);
    if (r.type === "kubernetes:core/v1:Namespace" || r.type === "azure-native:apimanagement:Gateway") return undefined;
    return r.type.startsWith("kubernetes:") ? first("kubernetes:core/v1:Namespace") : first("azure-native:apimanagement:Gateway");
}

/** A value from state as a Pulumi YAML expression: secrets become `fn::secret`, `${` is escaped. */
function yamlValue(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(yamlValue);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (SECRET_SIG in o) return { "fn::secret": "floor-secret" };
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, yamlValue(x)]));
    }
    return typeof v === "string" ? v.replace(/\$\{/g, "$${") : v;
}

/**
 * A Pulumi YAML project that registers `resources` as raw resources. YAML names a type only when a package schema
 * declares it; the apim-gateway package's schema declares the component alone, so a GatewayToken cannot be named in
 * YAML and is left out (the caller reports it).
 */
export function yamlFloorProject(name: string, resources: FloorResource[]): Record<string, unknown> {
    const key = new Map(resources.map((r, i) => [r, `r${i}`]));
    return {
        name,
        runtime: "yaml",
        resources: Object.fromEntries(
            resources.map((r) => {
                const after = dependencyOf(r, resources);
                return [
                    key.get(r),
                    {
                        type: r.type,
                        name: r.name,
                        properties: yamlValue(r.inputs),
                        ...(after ? { options: { dependsOn: [`\${${key.get(after)}}`] } } : {}),
                    },
                ];
            }),
        ),
    };
}

/** A Pulumi YAML project that uses the component through the package's plugin (at `pluginPath`). */
export function yamlComponentProject(name: string, pluginPath: string, properties: Record<string, unknown>): Record<string, unknown> {
    return {
        name,
        runtime: "yaml",
        plugins: { providers: [{ name: "apim-gateway", path: pluginPath }] },
        resources: { gateway: { type: "apim-gateway:index:SelfHostedGateway", properties: yamlValue(properties) } },
        outputs: { tokenExpiry: "${gateway.tokenExpiry}", deploymentName: "${gateway.deploymentName}" },
    };
}
