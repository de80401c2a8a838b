// Name grammars (Kubernetes, Azure, hosts, images, quantities) and the checks of names known only later
// (Outputs, resolved inside apply) or passed outside the arguments (the component's resource name).

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// https://github.com/kubernetes/apimachinery resource.Quantity grammar.
export const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(\d+(\.\d*)?|\.\d+)))?$/;
export const PERCENT = /^(100|[1-9]?\d)%$/;
// Host name (RFC 1123), optionally with a port; no scheme, no path.
export const HOSTNAME =
    /^(?=.{1,253}(:\d{1,5})?$)([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/;
export const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*$/;
export const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;
export const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** k8s names built as `${name}-instance-discovery` must stay within 63 characters. */
export const MAX_NAME_LENGTH = 63 - "-instance-discovery".length;

// Kubernetes and Azure name grammars.
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const LABEL_KEY =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const ROLE_DEFINITION_ID = /^(\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-fA-F-]{36}$/;
export const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
export const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;
export const PEM_CERTIFICATE = /^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;
export const WILDCARD_HOSTNAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
export const APIM_ID = /^[^*#&+:<>?/%\\\s]{1,256}$/;

/** Validates a resource name used to derive Kubernetes object names. */
export function nameProblems(name: string, key = "name"): string[] {
    if (name.length > MAX_NAME_LENGTH || !DNS1123_LABEL.test(name)) {
        return [
            `${key}: got ${JSON.stringify(name)}; it prefixes Kubernetes object names, so it must be a ` +
                `DNS-1123 label of at most ${MAX_NAME_LENGTH} characters (lower-case letters, digits, '-')`,
        ];
    }
    return [];
}

/** Checks one resolved string against a rule (used inside `apply` for Output values). */
export function checkResolved(key: string, value: string, rule: "dnsLabel" | "hostname" | "dnsSubdomain"): string | undefined {
    const ok =
        rule === "dnsLabel"
            ? DNS1123_LABEL.test(value) && value.length <= 63
            : rule === "dnsSubdomain"
              ? DNS1123_SUBDOMAIN.test(value) && value.length <= 253
              : HOSTNAME.test(value);
    if (ok) return undefined;
    return rule === "dnsLabel"
        ? `${key}: got ${JSON.stringify(value)}; must be a DNS-1123 label (lower-case letters, digits, '-', at most 63 characters)`
        : rule === "dnsSubdomain"
          ? `${key}: got ${JSON.stringify(value)}; must be a Kubernetes name (lower-case letters, digits, '-' and '.')`
          : `${key}: got ${JSON.stringify(value)}; must be a host name such as apim.configuration.contoso.com`;
}
