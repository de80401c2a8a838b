// GatewayToken: the gateway's access token, a custom resource served by this package's provider plugin
// (see provider.ts; the plugin is bin/pulumi-resource-apim-gateway). Its secret output `value` holds the token
// as ARM returns it; the Kubernetes Secret holds `GatewayKey <value>`.
import * as pulumi from "@pulumi/pulumi";
import type { KeyType } from "../args";
import { PACKAGE_VERSION, PLUGIN_DOWNLOAD_URL } from "../version";
import { GENERATE_TOKEN_API_VERSION } from "./arm";
import { GATEWAY_TOKEN_TYPE, PACKAGE_NAME } from "../typeTokens";
import {
    AZURE_NATIVE_IDENTITY_KEYS,
    AZURE_NATIVE_SECRET_KEYS,
    AzureNativeConfig,
    ROTATION_NOTICE_INPUT,
    RotationNoticeContext,
} from "./provider";

/** The stack config key (in the package's namespace, `apim-gateway:rotationNotice`) that turns the notices off. */
export const ROTATION_NOTICE_CONFIG_KEY = "rotationNotice";

export interface GatewayTokenArgs {
    gatewayResourceId: pulumi.Input<string>;
    keyType: pulumi.Input<KeyType>;
    expiry: pulumi.Input<string>;
    armEndpoint: pulumi.Input<string>;
    /** The azure-native stack config that names the identity; by default read from this stack's config. */
    azureNative?: pulumi.Input<AzureNativeConfig>;
    /**
     * When the next token is due (the end of this window). With it, the token's provider prints one line about the
     * token in each preview and update (docs/token-rotation.md), unless `apim-gateway:rotationNotice` is false.
     */
    rotatesAfter?: pulumi.Input<string>;
}

/** Whether this stack wants the rotation notices (`apim-gateway:rotationNotice`, default true). */
export function rotationNoticesOn(): boolean {
    return new pulumi.Config(PACKAGE_NAME).getBoolean(ROTATION_NOTICE_CONFIG_KEY) ?? true;
}

/** The notice context the token's check reads (the run's kind comes from the program: the engine does not tell a provider). */
export function rotationNoticeContext(rotatesAfter: pulumi.Input<string> | undefined): pulumi.Input<RotationNoticeContext> | undefined {
    if (rotatesAfter === undefined || !rotationNoticesOn()) return undefined;
    const preview = pulumi.runtime.isDryRun();
    return pulumi.output(rotatesAfter).apply((r) => ({ preview, rotatesAfter: r }));
}

/** The azure-native stack config that chooses the identity (the secret parts as Pulumi secrets). */
export function azureNativeIdentityConfig(): pulumi.Output<AzureNativeConfig> | undefined {
    const cfg = new pulumi.Config("azure-native");
    const plain: AzureNativeConfig = {};
    for (const k of AZURE_NATIVE_IDENTITY_KEYS) {
        const v = cfg.get(k);
        if (v !== undefined) plain[k] = v;
    }
    const secrets: Record<string, pulumi.Output<string>> = {};
    for (const k of AZURE_NATIVE_SECRET_KEYS) {
        const v = cfg.getSecret(k);
        if (v !== undefined) secrets[k] = v;
    }
    if (Object.keys(plain).length === 0 && Object.keys(secrets).length === 0) return undefined;
    return pulumi.all(secrets).apply((s) => ({ ...plain, ...s }));
}

/**
 * An explicit instance of this package's provider for the token. The default provider would receive every
 * `apim-gateway:*` stack config key (the stack program's project has the package's name), show an update
 * whenever that config changes, and keep that config, secrets included, in its state; this one has no inputs.
 */
export class TokenProvider extends pulumi.ProviderResource {
    constructor(name: string, opts?: pulumi.ResourceOptions) {
        // With a release site (package.json `pulumi.server`), the engine installs a missing plugin from there.
        const site = PLUGIN_DOWNLOAD_URL !== undefined ? { pluginDownloadURL: PLUGIN_DOWNLOAD_URL } : {};
        super(PACKAGE_NAME, name, {}, pulumi.mergeOptions(opts, { version: PACKAGE_VERSION, ...site }));
    }
}

export class GatewayToken extends pulumi.CustomResource {
    /** `<token>` as ARM returns it (secret). */
    declare public readonly value: pulumi.Output<string>;
    /** The requested expiry. */
    declare public readonly expiry: pulumi.Output<string>;
    /** The expiry the issued token carries (Azure may answer another than the requested one). */
    declare public readonly expiresAt: pulumi.Output<string>;
    declare public readonly keyType: pulumi.Output<KeyType>;

    constructor(name: string, args: GatewayTokenArgs, opts?: pulumi.CustomResourceOptions) {
        const azureNative = args.azureNative ?? azureNativeIdentityConfig();
        const notice = rotationNoticeContext(args.rotatesAfter);
        const provider = opts?.provider ?? new TokenProvider(`${name}-provider`, { parent: opts?.parent });
        super(
            GATEWAY_TOKEN_TYPE,
            name,
            {
                gatewayResourceId: args.gatewayResourceId,
                keyType: args.keyType,
                expiry: args.expiry,
                armEndpoint: args.armEndpoint,
                apiVersion: GENERATE_TOKEN_API_VERSION,
                ...(azureNative !== undefined ? { azureNative } : {}),
                ...(notice !== undefined ? { [ROTATION_NOTICE_INPUT]: notice } : {}),
                value: undefined,
                expiresAt: undefined,
            },
            pulumi.mergeOptions(opts, {
                additionalSecretOutputs: ["value"],
                version: PACKAGE_VERSION,
                provider,
                ...(PLUGIN_DOWNLOAD_URL !== undefined ? { pluginDownloadURL: PLUGIN_DOWNLOAD_URL } : {}),
            }),
        );
    }
}
