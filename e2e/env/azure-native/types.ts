// TEST DOUBLE support: the azure-native resource types the stand-in plugin serves, each tied to the ARM operations of
// Microsoft's SDK contracts (e2e/env/contracts.ts), and what azure-native itself says about each, read from
// @pulumi/azure-native 3.28.0's generated SDK (the version the program uses):
//   - the api-version it calls ("Uses Azure REST API version ..." in <module>/<resource>.d.ts),
//   - its inputs and outputs (`resourceInputs["x"] = args?.x` and `= undefined /*out*/` in <module>/<resource>.js),
//   - its required inputs ("Missing required property 'x'" in the same file).
import * as fs from "fs";
import * as path from "path";

export interface NativeType {
    /** e.g. azure-native:apimanagement:Gateway */
    token: string;
    /** The contract group in e2e/env/contracts.ts, e.g. `apimanagement gateway`. */
    group: string;
    create: string;
    read: string;
    delete: string;
}

/** Every azure-native type the component creates, and its ARM operations. */
export const NATIVE_TYPES: NativeType[] = [
    {
        token: "azure-native:apimanagement:Gateway",
        group: "apimanagement gateway",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:apimanagement:GatewayApiEntityTag",
        group: "apimanagement gatewayApi",
        create: "createOrUpdate",
        read: "getEntityTag",
        delete: "delete",
    },
    {
        token: "azure-native:apimanagement:GatewayHostnameConfiguration",
        group: "apimanagement gatewayHostnameConfiguration",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:apimanagement:GatewayCertificateAuthority",
        group: "apimanagement gatewayCertificateAuthority",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:authorization:RoleDefinition",
        group: "authorization roleDefinitions",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:authorization:RoleAssignment",
        group: "authorization roleAssignments",
        create: "create",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:managedidentity:UserAssignedIdentity",
        group: "msi userAssignedIdentities",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:managedidentity:FederatedIdentityCredential",
        group: "msi federatedIdentityCredentials",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:eventgrid:SystemTopic",
        group: "eventgrid systemTopics",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
    {
        token: "azure-native:eventgrid:SystemTopicEventSubscription",
        group: "eventgrid systemTopicEventSubscriptions",
        create: "createOrUpdate",
        read: "get",
        delete: "delete",
    },
];

export interface NativeFacts {
    apiVersion: string;
    inputs: string[];
    outputs: string[];
    required: string[];
}

/** The generated SDK file of a type, e.g. apimanagement/gateway for azure-native:apimanagement:Gateway. */
export function sdkFile(token: string): string {
    const [, module, resource] = token.split(":");
    const root = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
    return path.join(root, module, resource[0].toLowerCase() + resource.slice(1));
}

/** What @pulumi/azure-native's generated SDK says about a type. */
export function nativeFacts(token: string): NativeFacts {
    const file = sdkFile(token);
    const js = fs.readFileSync(`${file}.js`, "utf8");
    const dts = fs.readFileSync(`${file}.d.ts`, "utf8");
    const apiVersion = /Uses Azure REST API version (\S+?)\./.exec(dts)?.[1];
    if (!apiVersion) throw new Error(`${token}: no "Uses Azure REST API version" in ${file}.d.ts`);
    const split = js.indexOf("else {", js.indexOf("if (!opts.id)"));
    const names = (text: string, re: RegExp) => [...new Set([...text.matchAll(re)].map((m) => m[1]))];
    return {
        apiVersion,
        inputs: names(js.slice(0, split), /resourceInputs\["(\w+)"\] = (?!undefined)/g),
        outputs: names(js.slice(split), /resourceInputs\["(\w+)"\] = undefined \/\*out\*\//g),
        required: names(js, /Missing required property '(\w+)'/g),
    };
}

/**
 * The package schema the stand-in serves (`pulumi package get-schema`, and Pulumi YAML's type check of a program that
 * names azure-native resources, as the YAML benchmark floor does): every type it implements, with the inputs, outputs
 * and required inputs @pulumi/azure-native's generated SDK gives it, each typed loosely as `Any`.
 */
export function standInSchema(version: string): Record<string, unknown> {
    const any = { $ref: "pulumi.json#/Any" };
    const props = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, any]));
    const resources = Object.fromEntries(
        NATIVE_TYPES.map((t) => {
            const f = nativeFacts(t.token);
            return [
                t.token,
                { inputProperties: props(f.inputs), requiredInputs: f.required, properties: props([...f.inputs, ...f.outputs]) },
            ];
        }),
    );
    return { name: "azure-native", version, resources };
}
