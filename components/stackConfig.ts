// Pure helpers for the stack program's config: the Entra client secret lives in its own secret
// key, never in the plain `gateway` object (stack config stores plain values in clear text).
import type * as pulumi from "@pulumi/pulumi";

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
    if (
        type === "azureAdApp" &&
        secret === undefined &&
        aad !== undefined &&
        aad.existingSecret === undefined &&
        !("clientSecret" in aad)
    ) {
        problems.push(
            `${CLIENT_SECRET_CONFIG_KEY}: required when gateway.auth.type is "azureAdApp" (unless gateway.auth.azureAdApp.existingSecret names a Kubernetes Secret); run: ${set}`,
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
