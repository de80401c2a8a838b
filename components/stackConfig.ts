// Pure helpers for the stack program's config: the Entra client secret and the expiry alerts' webhook URL live in
// secret keys of their own, never in the plain `gateway` object (stack config stores plain values in clear text).
import type * as pulumi from "@pulumi/pulumi";
import { httpsUrl } from "./validation/urls";

/** The separate secret config key (under the project's namespace) that holds the Entra client secret. */
export const CLIENT_SECRET_CONFIG_KEY = "azureAdClientSecret";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What the secret key holds: a Pulumi secret, nothing, or only whitespace. */
export type ClientSecretConfig = pulumi.Output<string> | "blank" | undefined;

/**
 * Checks where the client secret is, and returns the `gateway` object with the secret (a Pulumi
 * secret Output) put in place of `auth.azureAdApp.clientSecret`. Never echoes a secret value.
 * A blank key is one problem (reported here); the rest of the config is still checked with a
 * stand-in so every other problem is reported in the same run (nothing is deployed).
 */
export function withClientSecret(
    raw: unknown,
    secret: ClientSecretConfig,
    project: string,
    stack: string,
): { raw: unknown; problems: string[] } {
    const problems: string[] = secret === "blank" ? [emptyClientSecretProblem(project, stack)] : [];
    const set = `pulumi config set --secret ${project}:${CLIENT_SECRET_CONFIG_KEY} <client-secret> --stack ${stack}`;
    if (!isObject(raw)) return { raw, problems };
    const auth = isObject(raw.auth) ? raw.auth : undefined;
    const aad = auth && isObject(auth.azureAdApp) ? auth.azureAdApp : undefined;
    const type = auth?.type;
    if (aad !== undefined && "clientSecret" in aad) {
        problems.push(
            `gateway.auth.azureAdApp.clientSecret: must not be in the plain 'gateway' object (stack config keeps it in clear text); ` +
                `remove it and run: ${set}`,
        );
    }
    if (secret !== undefined && type !== "azureAdApp") {
        problems.push(
            `${CLIENT_SECRET_CONFIG_KEY}: is set but gateway.auth.type is ${JSON.stringify(type ?? "token")}, not "azureAdApp"; ` +
                `remove it (pulumi config rm ${project}:${CLIENT_SECRET_CONFIG_KEY} --stack ${stack}) or set gateway.auth.type`,
        );
    }
    const certificate = aad !== undefined && aad.certificate !== undefined;
    if (secret !== undefined && type === "azureAdApp" && certificate) {
        problems.push(
            `${CLIENT_SECRET_CONFIG_KEY}: is set but gateway.auth.azureAdApp.certificate signs the app in; remove one ` +
                `(pulumi config rm ${project}:${CLIENT_SECRET_CONFIG_KEY} --stack ${stack}, or remove the certificate)`,
        );
        return { raw, problems };
    }
    if (
        type === "azureAdApp" &&
        secret === undefined &&
        aad !== undefined &&
        aad.existingSecret === undefined &&
        !certificate &&
        !("clientSecret" in aad)
    ) {
        problems.push(
            `${CLIENT_SECRET_CONFIG_KEY}: required when gateway.auth.type is "azureAdApp" (unless gateway.auth.azureAdApp.existingSecret names a Kubernetes Secret, or gateway.auth.azureAdApp.certificate signs the app in); run: ${set}`,
        );
    }
    if (secret === undefined || aad === undefined || "clientSecret" in aad) return { raw, problems };
    const clientSecret = secret === "blank" ? "stand-in for a blank secret (never deployed)" : secret;
    return { raw: { ...raw, auth: { ...auth, azureAdApp: { ...aad, clientSecret } } }, problems };
}

/** The problem when the secret key holds nothing but whitespace (the value itself is never shown). */
export function emptyClientSecretProblem(project: string, stack: string): string {
    return (
        `${CLIENT_SECRET_CONFIG_KEY}: is empty; set the Entra app's client secret with: ` +
        `pulumi config set --secret ${project}:${CLIENT_SECRET_CONFIG_KEY} <client-secret> --stack ${stack}`
    );
}

/** The separate secret config key that holds the expiry alerts' webhook URL (such URLs carry their key). */
export const WEBHOOK_URL_CONFIG_KEY = "expiryAlertWebhookUrl";

/**
 * What the webhook key holds: its value, to check (undefined where it cannot be read, e.g. encrypted in a stack file
 * the doctor reads), and what goes in its place in the `gateway` object (a Pulumi secret in the stack program).
 */
export type WebhookUrlConfig = { value: string | undefined; secret: unknown } | undefined;

/** What stands in for a refused plain webhook URL, so that the rest of the config is still checked (never deployed). */
export const WEBHOOK_STAND_IN = "https://stand-in.invalid/never-deployed";

/**
 * Checks where the expiry alerts' webhook URL is, and returns the `gateway` object with the secret key's value in
 * place of `token.expiryAlerts.webhookUrl`. A URL in the plain object is refused with one line and never reaches
 * validation (which would repeat it) or a resource. No message shows any part of the URL.
 */
export function withWebhookUrl(
    raw: unknown,
    webhook: WebhookUrlConfig,
    project: string,
    stack: string,
): { raw: unknown; problems: string[] } {
    const set = `pulumi config set --secret ${project}:${WEBHOOK_URL_CONFIG_KEY} <https-url> --stack ${stack}`;
    const problems: string[] = [];
    if (webhook?.value !== undefined && !/\S/.test(webhook.value)) {
        problems.push(`${WEBHOOK_URL_CONFIG_KEY}: is empty; set the webhook URL with: ${set}`);
    } else if (webhook?.value !== undefined && !httpsUrl.safeParse(webhook.value).success) {
        problems.push(
            `${WEBHOOK_URL_CONFIG_KEY}: must be an https:// URL without user:password@ (its value is not shown: it is a secret); ` +
                `set it again with: ${set}`,
        );
    }
    const token = isObject(raw) && isObject(raw.token) ? raw.token : undefined;
    const alerts = token && isObject(token.expiryAlerts) ? token.expiryAlerts : undefined;
    const plain = alerts !== undefined && "webhookUrl" in alerts;
    if (plain) {
        problems.push(
            `gateway.token.expiryAlerts.webhookUrl: must not be in the plain 'gateway' object (stack config keeps it in clear text, ` +
                `and a webhook URL carries its key); remove it and run: ${set}`,
        );
    }
    if (webhook !== undefined && alerts === undefined) {
        problems.push(
            `${WEBHOOK_URL_CONFIG_KEY}: is set but gateway.token.expiryAlerts is not; add gateway.token.expiryAlerts with its systemTopic ` +
                `(docs/token-rotation.md), or remove it (pulumi config rm ${project}:${WEBHOOK_URL_CONFIG_KEY} --stack ${stack})`,
        );
    }
    if (alerts === undefined || (webhook === undefined && !plain)) return { raw, problems };
    const webhookUrl = webhook !== undefined ? webhook.secret : WEBHOOK_STAND_IN;
    return { raw: { ...(raw as Record<string, unknown>), token: { ...token, expiryAlerts: { ...alerts, webhookUrl } } }, problems };
}
