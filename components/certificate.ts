// The Entra app's client certificate (auth.azureAdApp.certificate): where it is mounted, the pod volume it comes
// from (a Secret, or the Secrets Store CSI driver with a SecretProviderClass for Azure Key Vault), and that class.
// Pure functions; gateway/kubernetes.ts registers the SecretProviderClass.
import type * as pulumi from "@pulumi/pulumi";
import type * as In from "@pulumi/kubernetes/types/input";
import type { SelfHostedGatewayArgs } from "./args";

/** The directory the certificate is mounted in, read-only. */
export const CERTIFICATE_MOUNT_DIR = "/apim/azure-ad";
/** The certificate's file name in that directory (the Secret's key, or the Key Vault object, is mapped to it). */
export const CERTIFICATE_FILE = "client-certificate";
/** `config.service.auth.azureAd.certificatePath` (the settings reference): the file the gateway reads. */
export const CERTIFICATE_PATH = `${CERTIFICATE_MOUNT_DIR}/${CERTIFICATE_FILE}`;
export const CERTIFICATE_VOLUME = "azure-ad-certificate";
/** The Secrets Store CSI driver's name (its CSIDriver object). */
export const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
/** The SecretProviderClass API (the CRD of sigs.k8s.io/secrets-store-csi-driver, config/crd). */
export const SECRET_PROVIDER_CLASS_API_VERSION = "secrets-store.csi.x-k8s.io/v1";

export type AzureAdCertificate =
    | { source: "secret"; secretName: pulumi.Input<string>; key: string }
    | {
          source: "keyVault";
          vaultName: string;
          certificateName: string;
          identityClientId: pulumi.Input<string>;
          tenantId: pulumi.Input<string>;
          format: "pfx" | "pem";
      };

/** The certificate's source, resolved (undefined when auth.azureAdApp.certificate is not set). */
export function azureAdCertificateOf(args: SelfHostedGatewayArgs): AzureAdCertificate | undefined {
    const aad = args.auth?.type === "azureAdApp" ? args.auth.azureAdApp : undefined;
    const c = aad?.certificate;
    if (aad === undefined || c === undefined) return undefined;
    if (c.existingSecret !== undefined)
        return { source: "secret", secretName: c.existingSecret.name, key: c.existingSecret.key ?? "value" };
    if (c.keyVault !== undefined) {
        const kv = c.keyVault;
        return {
            source: "keyVault",
            vaultName: kv.vaultName,
            certificateName: kv.certificateName,
            identityClientId: kv.identityClientId,
            tenantId: kv.tenantId ?? aad.tenantId,
            format: kv.format ?? "pfx",
        };
    }
    return undefined;
}

export function certificateMount(): In.core.v1.VolumeMount {
    return { name: CERTIFICATE_VOLUME, mountPath: CERTIFICATE_MOUNT_DIR, readOnly: true };
}

/** The pod volume: the Secret's key as the one file, or the CSI driver's volume of the SecretProviderClass. */
export function certificateVolume(c: AzureAdCertificate, secretProviderClassName: pulumi.Input<string> | undefined): In.core.v1.Volume {
    if (c.source === "secret") {
        // 0440: readable by the owner and the pod's group (fsGroup 1001, the gateway's), never by others.
        return {
            name: CERTIFICATE_VOLUME,
            secret: { secretName: c.secretName, items: [{ key: c.key, path: CERTIFICATE_FILE }], defaultMode: 0o440 },
        };
    }
    if (secretProviderClassName === undefined) throw new Error("certificateVolume: a Key Vault certificate needs its SecretProviderClass");
    return {
        name: CERTIFICATE_VOLUME,
        csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: secretProviderClassName } },
    };
}

/**
 * The SecretProviderClass of the Azure Key Vault provider, as its documentation describes it
 * (https://azure.github.io/secrets-store-csi-driver-provider-azure/docs/): the certificate is fetched as its Key
 * Vault *secret* (`objectType: secret`), the only object that carries the private key; `objectFormat: pfx` returns
 * the PKCS#12 bytes base64-encoded, so `objectEncoding: base64` writes them decoded; `objectAlias` names the file. The
 * identity is a user-assigned managed identity of the nodes (`useVMManagedIdentity`, `userAssignedIdentityID`: on
 * AKS, the add-on's identity).
 */
export function secretProviderClassSpec(
    c: Extract<AzureAdCertificate, { source: "keyVault" }>,
    identityClientId: string,
    tenantId: string,
): Record<string, unknown> {
    const object = [
        `objectName: ${c.certificateName}`,
        "objectType: secret",
        `objectAlias: ${CERTIFICATE_FILE}`,
        `objectFormat: ${c.format}`,
        ...(c.format === "pfx" ? ["objectEncoding: base64"] : []),
    ].join("\n");
    return {
        provider: "azure",
        parameters: {
            usePodIdentity: "false",
            useVMManagedIdentity: "true",
            userAssignedIdentityID: identityClientId,
            keyvaultName: c.vaultName,
            tenantId,
            objects: `array:\n  - |\n${object
                .split("\n")
                .map((l) => `    ${l}`)
                .join("\n")}\n`,
        },
    };
}
