// The name grammars (Kubernetes, Azure, hosts, images, quantities) and the checks of names known only later.
import { strict as assert } from "assert";
import {
    checkResolved,
    CIDR,
    DNS1123_LABEL,
    DNS1123_SUBDOMAIN,
    GUID,
    HOSTNAME,
    IMAGE_DIGEST,
    IMAGE_REPOSITORY,
    IMAGE_TAG,
    LABEL_KEY,
    LABEL_VALUE,
    MAX_NAME_LENGTH,
    nameProblems,
    PEM_CERTIFICATE,
    PERCENT,
    QUANTITY,
    ROLE_DEFINITION_ID,
    WILDCARD_HOSTNAME,
} from "../components/validation/names";

/** Asserts that a pattern accepts every value of one list and refuses every value of the other. */
function grammar(pattern: RegExp, accepted: string[], refused: string[]): void {
    assert.deepEqual(
        accepted.filter((v) => !pattern.test(v)),
        [],
        `${pattern} must accept these`,
    );
    assert.deepEqual(
        refused.filter((v) => pattern.test(v)),
        [],
        `${pattern} must refuse these`,
    );
}

const GUID_VALUE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
/** Labels of 63, 63, 63 and 61 characters: a host name of exactly 253. */
const HOST_253 = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
const PEM_BODY = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

describe("name grammars", () => {
    it("DNS-1123 labels and subdomains: lower-case letters, digits and '-', starting and ending with a letter or digit", () => {
        grammar(DNS1123_LABEL, ["a", "0", "edge-gw", "a1-b2"], ["", "-a", "a-", "Edge", "a_b", "a.b"]);
        grammar(DNS1123_SUBDOMAIN, ["a", "a.b", "gw.example-1.com"], ["", "a.", ".a", "a..b", "a.-b", "A.b", "a_b.c"]);
    });

    it("Kubernetes quantities: signed decimals with a binary or decimal suffix, or an exponent", () => {
        grammar(
            QUANTITY,
            [
                "1",
                "+1",
                "-1",
                "1.",
                "1.25",
                ".25",
                ...["n", "u", "m", "k", "M", "G", "T", "P", "E"].map((s) => `1${s}`),
                "500m",
                ...["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].map((s) => `2${s}`),
                "512Mi",
                "1e3",
                "1E3",
                "1e+3",
                "1e-3",
                "1e10",
                "1e1.25",
                "1e.25",
            ],
            ["", " 1", "1 ", "x1", "1x", "1 Gi", "1Gb", "1ki", "1mi", "Gi", "1e", "1e+", "++1", "1.2.3", "."],
        );
    });

    it("percentages: 0% to 100%, no sign, no leading zero", () => {
        grammar(PERCENT, ["0%", "5%", "25%", "100%"], ["", "%", "25", "101%", "1000%", "05%", "-1%", "x25%", "25%x", "2.5%"]);
    });

    it("host names: RFC 1123 labels of at most 63 characters, at most 253 in all, with an optional port", () => {
        grammar(
            HOSTNAME,
            [
                "a",
                "a.b",
                "localhost",
                "contoso.configuration.azure-api.net",
                "gw.contoso.com:443",
                "a.b-c.d:65535",
                HOST_253,
                `${HOST_253}:443`,
            ],
            [
                "",
                "-bad.com",
                "bad.com-",
                "a..b",
                "https://x.com",
                "x.com/path",
                "x.com:port",
                "x.com:123456",
                `${"a".repeat(64)}.com`,
                `${HOST_253}x`,
            ],
        );
        grammar(
            WILDCARD_HOSTNAME,
            ["api.contoso.com", "*.contoso.com", "api.x", "*.a.b"],
            ["", "*", "*.", "a.*.com", "**.a.com", "-a.com", "a.com:443"],
        );
    });

    it("image references: repository (with a registry port), tag and sha256 digest", () => {
        grammar(
            IMAGE_REPOSITORY,
            ["gw", "ab", "mcr.microsoft.com/azure-api-management/gateway", "registry.example.com:5000/team/gw", "a/e__f", "a/g--h.i_j"],
            ["", "-gw", "gw-", "Gw", "reg:port/x", "a/b/", "a//b", "a/_b", "a/b___c", "mcr.microsoft.com/x:2.9.0"],
        );
        grammar(IMAGE_TAG, ["2.9.0", "v2", "latest", "_x", "a".repeat(128)], ["", ".hidden", "-x", "x y", "tag:1", "a".repeat(129)]);
        const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
        grammar(
            IMAGE_DIGEST,
            [digest],
            ["", `x${digest}`, `${digest}0`, "sha256:abc", digest.toUpperCase(), digest.replace("sha256", "sha512")],
        );
    });

    it("label keys and values: an optional DNS prefix and a name of at most 63 characters; an empty value", () => {
        grammar(
            LABEL_KEY,
            ["key", "a/key", "example.b/key", "app.kubernetes.io/name", "k.e_y-1"],
            ["", "/key", "a/", "A.io/key", "a/-key", "a/key-", `${"k".repeat(64)}`],
        );
        grammar(LABEL_VALUE, ["", "v", "v1.2_3-x", "V".repeat(63)], ["-v", "v-", "v v", "V".repeat(64)]);
    });

    it("Azure ids: GUIDs and role definition ids, with or without a subscription", () => {
        grammar(GUID, [GUID_VALUE, GUID_VALUE.toUpperCase()], ["", `x${GUID_VALUE}`, `${GUID_VALUE}x`, GUID_VALUE.replace(/-/g, "")]);
        const role = `/providers/Microsoft.Authorization/roleDefinitions/${GUID_VALUE}`;
        grammar(
            ROLE_DEFINITION_ID,
            [role, `/subscriptions/${GUID_VALUE}${role}`],
            ["", GUID_VALUE, `x${role}`, `${role}x`, `/subscriptions/${role}`, `//${role}`, role.replace("Authorization", "Authorisation")],
        );
    });

    it("CIDR ranges: IPv4 and IPv6 with a prefix length", () => {
        grammar(
            CIDR,
            ["10.0.0.0/8", "192.168.1.0/24", "fd00::/8", "2001:db8::/32", "fd00::/128"],
            ["", "10.0.0.0", "fd00::", "x10.0.0.0/8", "10.0.0.0/8x", "10.0.0/8", "10.0.0.0/", "fd00::/1280", "10.0.0.0/8,fd00::/8"],
        );
    });

    it("PEM certificates: one BEGIN/END block, whitespace around it allowed, nothing else", () => {
        grammar(
            PEM_CERTIFICATE,
            [PEM_BODY, `${PEM_BODY}\n`, `  \n${PEM_BODY}\n\n`],
            ["", `junk${PEM_BODY}`, `${PEM_BODY}junk`, PEM_BODY.replace("CERTIFICATE-----\n", "PRIVATE KEY-----\n")],
        );
    });
});

describe("names checked outside the schema", () => {
    it("the component's name: a DNS-1123 label short enough for its longest derived object name", () => {
        assert.equal(MAX_NAME_LENGTH, 44);
        assert.deepEqual(nameProblems("gw"), []);
        assert.deepEqual(nameProblems("g".repeat(44)), []);
        assert.deepEqual(nameProblems("g".repeat(45)), [
            `name: got "${"g".repeat(45)}"; it prefixes Kubernetes object names, so it must be a DNS-1123 label of at most 44 characters (lower-case letters, digits, '-')`,
        ]);
        assert.deepEqual(nameProblems("Edge_GW", "args.name"), [
            `args.name: got "Edge_GW"; it prefixes Kubernetes object names, so it must be a DNS-1123 label of at most 44 characters (lower-case letters, digits, '-')`,
        ]);
    });

    it("values resolved inside apply: each rule's limit, and one message naming the key", () => {
        const results = [
            checkResolved("namespace.name", "edge", "dnsLabel"),
            checkResolved("namespace.name", "n".repeat(63), "dnsLabel"),
            checkResolved("namespace.name", "n".repeat(64), "dnsLabel"),
            checkResolved("namespace.name", "Edge", "dnsLabel"),
            checkResolved("auth.existingSecret.name", "a.b", "dnsSubdomain"),
            checkResolved("auth.existingSecret.name", `${"s".repeat(125)}.${"s".repeat(127)}`, "dnsSubdomain"),
            checkResolved("auth.existingSecret.name", `${"s".repeat(126)}.${"s".repeat(127)}`, "dnsSubdomain"),
            checkResolved("auth.existingSecret.name", "A", "dnsSubdomain"),
            checkResolved("apim.configurationEndpoint", "gw.contoso.com", "hostname"),
            checkResolved("apim.configurationEndpoint", "https://gw.contoso.com", "hostname"),
        ];
        assert.deepEqual(results, [
            undefined,
            undefined,
            `namespace.name: got "${"n".repeat(64)}"; must be a DNS-1123 label (lower-case letters, digits, '-', at most 63 characters)`,
            `namespace.name: got "Edge"; must be a DNS-1123 label (lower-case letters, digits, '-', at most 63 characters)`,
            undefined,
            undefined,
            `auth.existingSecret.name: got "${"s".repeat(126)}.${"s".repeat(127)}"; must be a Kubernetes name (lower-case letters, digits, '-' and '.')`,
            `auth.existingSecret.name: got "A"; must be a Kubernetes name (lower-case letters, digits, '-' and '.')`,
            undefined,
            `apim.configurationEndpoint: got "https://gw.contoso.com"; must be a host name such as apim.configuration.contoso.com`,
        ]);
    });
});
