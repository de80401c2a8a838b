// The GatewayToken resource's provider logic, served by this package's own provider plugin
// (bin/pulumi-resource-apim-gateway) to every program that uses the component, in any language.
//
// A token is identified by (gateway, key, expiry, ARM endpoint): while those stay the same, previews show no
// change; when the rotation window moves on, the expiry changes and the token is replaced, which asks Azure for
// a fresh one. Tokens cannot be revoked one by one, so delete does nothing (regenerating the key is the kill
// switch). The inputs carry the azure-native stack config that names the identity (its secret parts as Pulumi
// secrets); ARM_* variables and the Azure CLI login are read in the plugin's own process.
//
// The one-line rotation notice comes from here too: the engine hands `check` the token in state (the old inputs)
// and the one this run asks for, and the program adds whether the run is a preview (`rotationNotice`, an input that
// `check` takes out, so it never reaches state or a diff). The stack never reads its own checkpoint for it.
import type * as provider from "@pulumi/pulumi/provider";
import type { KeyType } from "../args";
import { redactUrls } from "../redact";
import { RotationNotice, rotationNotice } from "../rotation";
import { ArmCallOptions, ArmError, GENERATE_TOKEN_API_VERSION, generateGatewayToken, parseGatewayId, scrub, tokenExpiryOf } from "./arm";
import {
    armTokenGetter,
    authorityFor,
    chooseIdentity,
    createCredential,
    describeIdentity,
    IdentityChoice,
    tokenSubject,
} from "./credential";

/** azure-native stack config keys that choose the identity; the secret ones travel as Pulumi secrets. */
export const AZURE_NATIVE_IDENTITY_KEYS = ["clientId", "tenantId", "useMsi", "useOidc", "oidcRequestUrl", "clientCertificatePath"] as const;
export const AZURE_NATIVE_SECRET_KEYS = ["clientSecret", "clientCertificatePassword", "oidcToken", "oidcRequestToken"] as const;
export type AzureNativeConfig = Partial<
    Record<(typeof AZURE_NATIVE_IDENTITY_KEYS)[number] | (typeof AZURE_NATIVE_SECRET_KEYS)[number], string>
>;

export interface GatewayTokenInputs {
    gatewayResourceId: string;
    keyType: KeyType;
    expiry: string;
    armEndpoint: string;
    apiVersion: string;
    /** The azure-native stack config that names the identity (secret parts are Pulumi secrets). */
    azureNative?: AzureNativeConfig;
}

export interface GatewayTokenState extends Omit<GatewayTokenInputs, "azureNative"> {
    value: string;
    /** The expiry the token carries (yyyy-MM-ddTHH:mm:ssZ), which may differ from the requested `expiry`. */
    expiresAt: string;
}

/**
 * What the program tells the token's check for the rotation notice: whether the run is a preview, and when the next
 * token is due (the end of this window). Without it the check says nothing (`apim-gateway:rotationNotice false`).
 */
export interface RotationNoticeContext {
    preview: boolean;
    rotatesAfter: string;
}

/** The input that carries the RotationNoticeContext; `check` removes it from the inputs it returns. */
export const ROTATION_NOTICE_INPUT = "rotationNotice";

/** Delivers a notice to the engine, attached to the resource with this URN. */
export type Notify = (notice: RotationNotice, urn: string) => void | Promise<void>;

function isNoticeContext(v: unknown): v is RotationNoticeContext {
    const o = v as Partial<RotationNoticeContext> | undefined;
    return typeof o === "object" && o !== null && typeof o.preview === "boolean" && typeof o.rotatesAfter === "string";
}

/** The stack's name in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOfUrn(urn: string): string {
    return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/**
 * The notice for one check: the token in state (`olds`, the inputs it was issued with; none on a first deployment)
 * against the one `news` asks for. The wording and levels are rotationNotice's (components/rotation.ts).
 */
export function tokenNotice(
    olds: Partial<GatewayTokenInputs>,
    news: Partial<GatewayTokenInputs>,
    context: RotationNoticeContext,
    stack: string,
    now: Date,
): RotationNotice | undefined {
    const known = (v: unknown): v is string => typeof v === "string" && v !== UNKNOWN;
    if (!known(news.expiry) || (news.keyType !== "primary" && news.keyType !== "secondary")) return undefined;
    return rotationNotice({
        stored: known(olds.expiry) ? olds.expiry : undefined,
        next: { expiry: news.expiry, keyType: news.keyType, rotatesAfter: context.rotatesAfter },
        now,
        stack,
        dryRun: context.preview,
    });
}

/** The inputs whose change means a new token. */
export const TOKEN_IDENTITY_KEYS = ["gatewayResourceId", "keyType", "expiry", "armEndpoint"] as const;

/** How the engine passes a value not known yet (during a preview) to a provider. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value as the engine encodes a secret. */
export function secretValue(value: unknown): Record<string, unknown> {
    return { [SIG]: SECRET_SIG, value };
}

/** Whether a value is in the engine's secret encoding. */
export function isSecretValue(v: unknown): boolean {
    return v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
}

/**
 * The token's properties with everything secret marked so, whatever the caller passed: the token `value` and the
 * secret keys of the identity config (`azureNative.clientSecret`, ...). GatewayToken is public API: a program that
 * passes a client secret as a plain string must not find it in plain text in the state, a preview or a diff.
 */
export function markSecrets(props: unknown): unknown {
    if (props === null || typeof props !== "object" || Array.isArray(props) || isSecretValue(props)) return props;
    const out: Record<string, unknown> = { ...(props as Record<string, unknown>) };
    const mark = (v: unknown) => (v === undefined || v === null || isSecretValue(v) ? v : secretValue(v));
    if ("value" in out) out.value = mark(out.value);
    const cfg = out.azureNative;
    if (cfg !== null && typeof cfg === "object" && !Array.isArray(cfg) && !isSecretValue(cfg)) {
        const marked: Record<string, unknown> = { ...(cfg as Record<string, unknown>) };
        for (const k of AZURE_NATIVE_SECRET_KEYS) {
            if (k in marked) marked[k] = mark(marked[k]);
        }
        out.azureNative = marked;
    }
    return out;
}

/** Removes the engine's secret wrappers, so the logic sees plain values. */
export function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SIG] === SECRET_SIG) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** Pure diff: a change of an identity input replaces the token; anything else is an in-place update. */
export function diffTokenInputs(olds: Partial<GatewayTokenInputs>, news: Partial<GatewayTokenInputs>): provider.DiffResult {
    const replaces = TOKEN_IDENTITY_KEYS.filter((k) => olds[k] !== news[k]);
    const updates =
        olds.apiVersion !== news.apiVersion || JSON.stringify(olds.azureNative ?? {}) !== JSON.stringify(news.azureNative ?? {});
    return { changes: replaces.length > 0 || updates, replaces, deleteBeforeReplace: false };
}

/** Pure check of the inputs; unknown values pass. */
export function checkTokenInputs(inputs: Partial<GatewayTokenInputs>): provider.CheckFailure[] {
    const news = inputs as Partial<Record<keyof GatewayTokenInputs, unknown>>;
    const failures: provider.CheckFailure[] = [];
    const known = (v: unknown): v is string => typeof v === "string" && v !== UNKNOWN;
    if (known(news.gatewayResourceId)) {
        try {
            parseGatewayId(news.gatewayResourceId);
        } catch (e) {
            failures.push({ property: "gatewayResourceId", reason: (e as Error).message });
        }
    } else if (news.gatewayResourceId !== UNKNOWN) {
        failures.push({ property: "gatewayResourceId", reason: "required: the ARM id of the gateway" });
    }
    if (news.keyType !== UNKNOWN && news.keyType !== "primary" && news.keyType !== "secondary") {
        failures.push({ property: "keyType", reason: `got ${JSON.stringify(news.keyType)}; expected "primary" or "secondary"` });
    }
    if (news.expiry !== UNKNOWN && !(known(news.expiry) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(news.expiry))) {
        failures.push({ property: "expiry", reason: `got ${JSON.stringify(news.expiry)}; expected yyyy-MM-ddTHH:mm:ssZ` });
    }
    if (news.armEndpoint !== UNKNOWN && !(known(news.armEndpoint) && /^https:\/\/[^\s/@]+(\/\S*)?$/.test(news.armEndpoint))) {
        failures.push({
            property: "armEndpoint",
            // Stryker disable next-line ArrayDeclaration: no secret is known here: a list holding a made-up one changes only text that contains it
            reason: `got ${JSON.stringify(redactUrls(scrub(String(news.armEndpoint), [])))}; expected an https:// URL`,
        });
    }
    return failures;
}

/** The stable id of a token resource (no secret in it). */
export function tokenId(inputs: Pick<GatewayTokenInputs, "gatewayResourceId" | "keyType" | "expiry">): string {
    return `${inputs.gatewayResourceId}/tokens/${inputs.keyType}/${inputs.expiry}`;
}

/**
 * The state kept for a token: its inputs without the identity config, the token as a secret, and the expiry the token
 * itself carries (the requested one when the token has none to read, which generateGatewayToken refuses anyway).
 */
export function tokenState(inputs: GatewayTokenInputs, value: string): Record<string, unknown> {
    return {
        gatewayResourceId: inputs.gatewayResourceId,
        keyType: inputs.keyType,
        expiry: inputs.expiry,
        armEndpoint: inputs.armEndpoint,
        apiVersion: inputs.apiVersion,
        value: secretValue(value),
        expiresAt: tokenExpiryOf(value) ?? inputs.expiry,
    };
}

export interface TokenIssuer {
    (inputs: GatewayTokenInputs, env: NodeJS.ProcessEnv): Promise<string>;
}

/** Issues a token as the identity azure-native would use (its stack config first, then ARM_*, then the CLI login). */
export const issueToken: TokenIssuer = async (inputs, env, overrides: Partial<ArmCallOptions> = {}) => {
    const cfg = inputs.azureNative ?? {};
    const choice: IdentityChoice = chooseIdentity((k) => cfg[k as keyof AzureNativeConfig], env);
    const credential = createCredential(choice, authorityFor(inputs.armEndpoint));
    let subject: string | undefined;
    const identity = describeIdentity(choice);
    const opts: ArmCallOptions = {
        getAccessToken: armTokenGetter(credential, inputs.armEndpoint, (t) => (subject = tokenSubject(t))),
        identity,
        ...overrides,
    };
    // Name the signed-in principal in errors once it is known (the CLI login says who it is only in its token).
    Object.defineProperty(opts, "identity", { get: () => (subject ? `${identity}: ${subject}` : identity) });
    return generateGatewayToken({ ...inputs, apiVersion: inputs.apiVersion ?? GENERATE_TOKEN_API_VERSION }, opts);
};

/**
 * The resource provider methods for GatewayToken, over an injectable issuer, notice sink and clock (tests pass
 * fakes; the plugin sends notices to the engine's log).
 */
export function gatewayTokenMethods(
    issue: TokenIssuer = issueToken,
    env: NodeJS.ProcessEnv = process.env,
    notify: Notify = () => undefined,
    now: () => number = Date.now,
) {
    return {
        async check(olds: unknown, news: unknown, urn = ""): Promise<provider.CheckResult> {
            const { [ROTATION_NOTICE_INPUT]: context, ...inputs } = (news ?? {}) as Record<string, unknown>;
            const plain = unwrapSecrets(inputs) as Partial<GatewayTokenInputs>;
            const failures = checkTokenInputs(plain);
            if (failures.length === 0 && isNoticeContext(context)) {
                const stored = unwrapSecrets(olds ?? {}) as Partial<GatewayTokenInputs>;
                const notice = tokenNotice(stored, plain, context, stackOfUrn(urn), new Date(now()));
                if (notice !== undefined) await notify(notice, urn);
            }
            return { inputs: markSecrets(inputs), failures };
        },
        async diff(olds: unknown, news: unknown): Promise<provider.DiffResult> {
            return diffTokenInputs(unwrapSecrets(olds) as GatewayTokenInputs, unwrapSecrets(news) as GatewayTokenInputs);
        },
        async create(inputs: unknown): Promise<provider.CreateResult> {
            const plain = unwrapSecrets(inputs) as GatewayTokenInputs;
            const failures = checkTokenInputs(plain);
            if (failures.length > 0) throw new ArmError(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
            const value = await issue(plain, env);
            return { id: tokenId(plain), outs: tokenState(plain, value) };
        },
        async update(olds: unknown, news: unknown): Promise<provider.UpdateResult> {
            // Only the API version or the identity config changed: the token itself stays.
            const value = (unwrapSecrets(olds) as GatewayTokenState).value;
            return { outs: tokenState(unwrapSecrets(news) as GatewayTokenInputs, value) };
        },
        async read(id: string, props: unknown): Promise<provider.ReadResult> {
            // A token cannot be read back from Azure; state is the only record of it.
            return { id, props: markSecrets(props) as Record<string, unknown> };
        },
        async delete(): Promise<void> {
            // A token cannot be revoked on its own; it lapses at its expiry.
        },
    };
}
