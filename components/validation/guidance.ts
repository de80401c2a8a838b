// Cross-field rules of the options that follow Microsoft's current guidance: the node architecture and the image,
// the Entra client certificate, memory autoscaling, the backend protocols, the instance-discovery ports, and the
// extension points (with what the namespace's Pod Security level forbids of them).
import { DEFAULT_IMAGE_TAG, SelfHostedGatewayArgs } from "../args";
import { podSecurityProblems, extensionProblems } from "../extensions";
import { isMultiArch, MULTI_ARCH_SINCE } from "../imageVersions";
import { ARCH_LABEL, PORTS } from "../specs";

export function guidanceProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
    const problems: string[] = [];
    const tag = args.image?.tag ?? DEFAULT_IMAGE_TAG;
    if (args.architecture === "arm64" && isMultiArch(tag) === false) {
        problems.push(
            `${prefix}.architecture: "arm64" needs a multi-architecture image, which the gateway has from ${MULTI_ARCH_SINCE} on ` +
                `(${prefix}.image.tag is ${JSON.stringify(tag)}); set ${prefix}.image.tag to ${MULTI_ARCH_SINCE} or later, or use "amd64"`,
        );
    }
    if (args.architecture !== undefined && args.nodeSelector?.[ARCH_LABEL] !== undefined) {
        problems.push(`${prefix}.nodeSelector["${ARCH_LABEL}"]: is set by ${prefix}.architecture; set only one`);
    }

    const aad = args.auth?.type === "azureAdApp" ? args.auth.azureAdApp : undefined;
    const cert = aad?.certificate;
    if (cert !== undefined) {
        const at = `${prefix}.auth.azureAdApp.certificate`;
        if ((cert.existingSecret === undefined) === (cert.keyVault === undefined)) {
            problems.push(
                `${at}: set exactly one of existingSecret (a Secret in the namespace) and keyVault (Azure Key Vault through the Secrets Store CSI driver)`,
            );
        }
        if (aad?.clientSecret !== undefined || aad?.existingSecret !== undefined) {
            problems.push(
                `${at}: the app signs in with a certificate or a client secret, not both; remove ${aad.clientSecret !== undefined ? "clientSecret" : "existingSecret"}`,
            );
        }
    }

    const as = args.autoscaling;
    if (as !== undefined && as.enabled !== false && args.resources !== undefined && args.resources.requests?.memory === undefined) {
        problems.push(
            `${prefix}.resources.requests.memory: required with autoscaling: memory utilisation is measured against the memory request`,
        );
    }

    const bp = args.tls?.backendProtocols;
    if (bp !== undefined && bp.tls12 === false && bp.tls13 === false) {
        problems.push(
            `${prefix}.tls.backendProtocols: TLS 1.2 and 1.3 are both off, so the gateway could reach no TLS backend; keep at least one on`,
        );
    }

    const d = args.instanceDiscovery;
    if (d !== undefined) {
        const rate = d.rateLimitPort ?? PORTS.rateLimit;
        const beat = d.heartbeatPort ?? PORTS.heartbeat;
        if (rate === beat) {
            problems.push(`${prefix}.instanceDiscovery.heartbeatPort: must differ from the rate-limit port (both ${rate})`);
        }
        for (const [key, p] of [
            ["rateLimitPort", d.rateLimitPort],
            ["heartbeatPort", d.heartbeatPort],
        ] as const) {
            if (p === PORTS.http || p === PORTS.https) {
                problems.push(
                    `${prefix}.instanceDiscovery.${key}: ${p} is the gateway's ${p === PORTS.http ? "HTTP" : "HTTPS"} port; use another`,
                );
            }
        }
    }

    problems.push(...extensionProblems(args, prefix));
    const level = args.namespace.create !== false ? args.namespace.podSecurityLevel : undefined;
    if (level === "restricted" || level === "baseline") problems.push(...podSecurityProblems(args, level, prefix));
    return problems;
}
