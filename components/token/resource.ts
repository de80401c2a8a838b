// GatewayToken: a dynamic resource that holds the gateway's access token in Pulumi state as a
// secret output named `value` (the ARM contract's name).
//
// Its inputs are the gateway's ARM id, the key and the expiry of the current rotation window:
// while they stay the same, previews show no change; when the window moves on, the expiry input
// changes and the resource is replaced, which asks Azure for a fresh token. Tokens cannot be
// revoked one by one, so delete does nothing (regenerating the key is the kill switch).
import * as pulumi from "@pulumi/pulumi";
import type { KeyType } from "../args";
import { GENERATE_TOKEN_API_VERSION, generateGatewayToken, parseGatewayId } from "./arm";
import { armTokenGetter, authorityFor, chooseIdentity, createCredential, describeIdentity } from "./credential";

export interface GatewayTokenInputs {
    gatewayResourceId: string;
    keyType: KeyType;
    expiry: string;
    armEndpoint: string;
    apiVersion: string;
}

export interface GatewayTokenOutputs extends GatewayTokenInputs {
    value: string;
}

/** The inputs whose change means a new token. */
export const TOKEN_IDENTITY_KEYS: (keyof GatewayTokenInputs)[] = ["gatewayResourceId", "keyType", "expiry", "armEndpoint"];

/** Pure diff: which inputs changed (all of them force a new token). */
export function diffTokenInputs(olds: Partial<GatewayTokenInputs>, news: Partial<GatewayTokenInputs>): pulumi.dynamic.DiffResult {
    const replaces = TOKEN_IDENTITY_KEYS.filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
}

/** How the engine passes a value not known yet (during a preview) to a dynamic provider. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Pure check of the inputs; returns failures in the dynamic-provider shape. Unknown values pass. */
export function checkTokenInputs(news: Partial<GatewayTokenInputs>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const known = (v: unknown): v is string => typeof v === "string" && v !== UNKNOWN;
    if (known(news.gatewayResourceId)) {
        try {
            parseGatewayId(news.gatewayResourceId);
        } catch (e) {
            failures.push({ property: "gatewayResourceId", reason: (e as Error).message });
        }
    }
    if (known(news.keyType) && news.keyType !== "primary" && news.keyType !== "secondary") {
        failures.push({ property: "keyType", reason: `got ${JSON.stringify(news.keyType)}; expected "primary" or "secondary"` });
    }
    if (known(news.expiry) && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(news.expiry)) {
        failures.push({ property: "expiry", reason: `got ${JSON.stringify(news.expiry)}; expected yyyy-MM-ddTHH:mm:ssZ` });
    }
    return failures;
}

/** The stable id of a token resource (no secret in it). */
export function tokenId(inputs: GatewayTokenInputs): string {
    return `${inputs.gatewayResourceId}/tokens/${inputs.keyType}/${inputs.expiry}`;
}

interface ConfiguredProvider extends pulumi.dynamic.ResourceProvider<GatewayTokenInputs, GatewayTokenOutputs> {
    azureConfig?: Record<string, string | undefined>;
}

const AZURE_NATIVE_KEYS = [
    "clientId",
    "clientSecret",
    "clientCertificatePath",
    "clientCertificatePassword",
    "tenantId",
    "useMsi",
    "useOidc",
    "oidcToken",
    "oidcRequestUrl",
    "oidcRequestToken",
];

export const gatewayTokenProvider: ConfiguredProvider = {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
        const cfg: Record<string, string | undefined> = {};
        for (const key of AZURE_NATIVE_KEYS) {
            cfg[key] = req.config.get(`azure-native:${key}`);
        }
        this.azureConfig = cfg;
    },
    async check(_olds: GatewayTokenInputs, news: GatewayTokenInputs) {
        return { inputs: news, failures: checkTokenInputs(news) };
    },
    async diff(_id: string, olds: GatewayTokenOutputs, news: GatewayTokenInputs) {
        return diffTokenInputs(olds, news);
    },
    async create(inputs: GatewayTokenInputs) {
        const cfg = this.azureConfig ?? {};
        const choice = chooseIdentity((k) => cfg[k], process.env);
        const credential = createCredential(choice, authorityFor(inputs.armEndpoint));
        const value = await generateGatewayToken(inputs, {
            getAccessToken: armTokenGetter(credential, inputs.armEndpoint),
            identity: describeIdentity(choice),
        });
        return { id: tokenId(inputs), outs: { ...inputs, value } };
    },
    async delete() {
        // A token cannot be revoked on its own; it lapses at its expiry.
    },
};

export interface GatewayTokenArgs {
    gatewayResourceId: pulumi.Input<string>;
    keyType: pulumi.Input<KeyType>;
    expiry: pulumi.Input<string>;
    armEndpoint: pulumi.Input<string>;
}

export class GatewayToken extends pulumi.dynamic.Resource {
    /** `<token>` as ARM returns it (secret). The Kubernetes Secret holds `GatewayKey <token>`. */
    declare public readonly value: pulumi.Output<string>;
    declare public readonly expiry: pulumi.Output<string>;
    declare public readonly keyType: pulumi.Output<KeyType>;

    constructor(name: string, args: GatewayTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            gatewayTokenProvider,
            name,
            { ...args, apiVersion: GENERATE_TOKEN_API_VERSION, value: undefined },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["value"] }),
            "apim-gateway",
            "GatewayToken",
        );
    }
}
