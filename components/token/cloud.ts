// The Azure clouds azure-native knows, with their ARM and login (authority) hosts: plain data and pure functions,
// with no Azure SDK types, so that what imports them (the settings in specs.ts, and through them the stack program's
// type-check) does not load @azure/identity's declarations.
export type AzureEnvironment = "public" | "usgovernment" | "china";

export const CLOUDS: Record<AzureEnvironment, { arm: string; authority: string }> = {
    public: { arm: "https://management.azure.com", authority: "https://login.microsoftonline.com" },
    usgovernment: { arm: "https://management.usgovcloudapi.net", authority: "https://login.microsoftonline.us" },
    china: { arm: "https://management.chinacloudapi.cn", authority: "https://login.chinacloudapi.cn" },
};

/** Maps azure-native's `environment` setting (or ARM_ENVIRONMENT) to a cloud; undefined means public. */
export function cloudFor(environment: string | undefined): AzureEnvironment {
    const e = (environment ?? "public")
        .trim()
        .toLowerCase()
        .replace(/cloud$/, "");
    if (e === "" || e === "public" || e === "azure") return "public";
    if (e === "usgovernment" || e === "usgov" || e === "azureusgovernment") return "usgovernment";
    if (e === "china" || e === "azurechina") return "china";
    throw new Error(
        `azure-native environment ${JSON.stringify(environment)} is not one of public, usgovernment, china; ` +
            "set token.armEndpoint explicitly for other clouds",
    );
}

/** The authority (login) host that goes with an ARM endpoint; public when unknown. */
export function authorityFor(armEndpoint: string): string {
    const origin = new URL(armEndpoint).origin;
    const match = Object.values(CLOUDS).find((c) => c.arm === origin);
    return match?.authority ?? CLOUDS.public.authority;
}
