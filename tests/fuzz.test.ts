// Bad input by the hundreds: generated invalid configs are each rejected by the stack program with
// one clear message naming the key (no stack trace, nothing registered); generated valid ones build.
import { strict as assert } from "assert";
import fc from "fast-check";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "../components";
import { validateArgs } from "../components/validation";
import { CLOCK } from "./expected";
import { prodTokenSettingsArb } from "./arbitraries";
import { buildComponent, capturingLogs, programError, stackConfig } from "./harness";

type Json = Record<string, unknown>;
const base = (): Json => JSON.parse(JSON.stringify((stackConfig("prod") as Json)["apim-gateway:gateway"]));

/** Sets a dotted path in a copy of the base config. */
function mutate(path: string, value: unknown): Json {
    const cfg = base();
    const keys = path.split(".");
    let cur = cfg;
    for (const k of keys.slice(0, -1)) {
        cur[k] = typeof cur[k] === "object" && cur[k] !== null ? cur[k] : {};
        cur = cur[k] as Json;
    }
    cur[keys[keys.length - 1]] = value;
    return cfg;
}

const notInt = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 2 }),
);
const unicode = fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }).filter((s) => /[^\x20-\x7e]/.test(s));
const badDnsLabel = fc.oneof(
    fc.constantFrom("", "UPPER", "under_score", "-lead", "trail-", "dot.ted", "a".repeat(64), "ñandú", "gw gw"),
    unicode,
);
const badQuantity = fc.constantFrom("2 Gi", "2GB", "two", "-", "1.2.3", "2Gi ", " 500m", "Gi", "∞");

/** Each case: the key path that must be named, and an arbitrary of bad values for it. */
const cases: [string, fc.Arbitrary<unknown>][] = [
    ["replicas", fc.oneof(notInt, fc.integer({ max: 0 }), fc.integer({ min: 101 }))],
    ["token.lifetimeDays", fc.oneof(notInt, fc.integer({ min: 31, max: 10_000 }), fc.integer({ max: 0 }))],
    ["token.rotateEveryDays", fc.oneof(notInt, fc.integer({ min: 30, max: 10_000 }), fc.integer({ max: 0 }))],
    [
        "token.keyType",
        fc.oneof(
            fc.string({ maxLength: 8 }).filter((s) => s !== "primary" && s !== "secondary"),
            unicode,
            fc.integer(),
        ),
    ],
    ["token.armEndpoint", fc.constantFrom("http://management.azure.com", "management.azure.com", "", "ftp://x")],
    ["namespace.name", badDnsLabel],
    ["apim.serviceName", fc.oneof(fc.constantFrom("", "1starts-with-digit", "has_underscore", "ends-", "a".repeat(51)), unicode)],
    ["apim.resourceGroupName", fc.oneof(fc.constantFrom("", "has space", "slash/y", "a".repeat(91)), fc.integer())],
    ["apim.gatewayName", fc.oneof(fc.constantFrom("", "a/b", "q?x", "p%c", "x#y"), fc.boolean())],
    ["apim.configurationEndpoint", fc.constantFrom("https://cfg.contoso.com", "cfg.contoso.com/path", "", "bad host", "ñ.example")],
    ["rollingUpdate.maxSurge", fc.oneof(fc.constantFrom("150%", "abc", "25 %", "-1%", ""), fc.integer({ max: -1 }), fc.boolean())],
    ["rollingUpdate.maxUnavailable", fc.oneof(fc.constantFrom("101%", "x", "%"), fc.integer({ max: -1 }))],
    ["image.tag", fc.oneof(fc.constantFrom("", "has space", ".dot", "-dash", "a".repeat(129)), unicode)],
    ["image.repository", fc.constantFrom("UPPER/case", "", "trailing/", "/leading", "sp ace/x")],
    ["image.digest", fc.constantFrom("sha256:xyz", "md5:abc", "", `sha256:${"a".repeat(63)}`)],
    ["resources.requests.memory", badQuantity],
    ["resources.requests.cpu", fc.oneof(badQuantity, fc.integer({ max: -1 }))],
    ["service.type", fc.oneof(fc.constantFrom("Ingress", "loadbalancer", "", "ExternalName"), fc.integer())],
    ["service.externalTrafficPolicy", fc.constantFrom("local", "Global", "", "Both")],
    ["service.httpPort", fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.constant("80"))],
    ["service.httpsPort", fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.constant("443"))],
    ["service.loadBalancerIP", fc.constantFrom("10.0.0", "999.1.1.1", "localhost", "")],
    ["configBackup.size", badQuantity],
    ["configBackup.accessMode", fc.constantFrom("ReadOnlyMany", "RWX", "", "readwritemany")],
    ["configBackup.enabled", fc.oneof(fc.constantFrom("yes", "true", 1, 0, null))],
    ["dnsPolicy", fc.constantFrom("Custom", "clusterfirst", "", "none")],
    ["dnsConfig.nameservers", fc.constantFrom(["not-an-ip"], ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"], "1.1.1.1")],
    ["environment", fc.oneof(fc.constantFrom("staging", "production", "", "PROD"), fc.boolean())],
    // Unknown keys at every level.
    ["replicaz", fc.integer()],
    ["apim.locaton", fc.string()],
    ["service.tpye", fc.constant("LoadBalancer")],
    ["token.lifetime", fc.integer()],
    ["configBackup.storageClass", fc.constant("azurefile-csi")],
];

const invalidArb = fc.constantFrom(...cases).chain(([path, values]) => values.map((value) => ({ path, value })));

/**
 * A fixed seed and run count by default, so every run tries the same configs; CI can raise the count (or change the
 * seed) through APIM_FUZZ_RUNS and APIM_FUZZ_SEED. The count is the number of configs generated per test; duplicates
 * are tried once, and the test prints both numbers.
 */
function fromEnv(name: string, fallback: number): number {
    const raw = process.env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || (name === "APIM_FUZZ_RUNS" && n < 1)) {
        throw new Error(`${name}: got ${JSON.stringify(raw)}; expected a whole number${name === "APIM_FUZZ_RUNS" ? " of at least 1" : ""}`);
    }
    return n;
}
const SEED = fromEnv("APIM_FUZZ_SEED", 20261123);
const INVALID_RUNS = fromEnv("APIM_FUZZ_RUNS", 500);
const VALID_RUNS = fromEnv("APIM_FUZZ_RUNS", 220);

/** The distinct values among `runs` generated from an arbitrary with the fixed seed, in generation order. */
function distinctSample<T>(arb: fc.Arbitrary<T>, runs: number): T[] {
    const seen = new Map<string, T>();
    for (const v of fc.sample(arb, { numRuns: runs, seed: SEED })) {
        const key = JSON.stringify(v);
        if (!seen.has(key)) seen.set(key, v);
    }
    return [...seen.values()];
}

describe("bad input by the hundreds", function () {
    this.timeout(600_000);

    it("rejects every generated invalid config with one clear message naming the key", async () => {
        const distinct = distinctSample(invalidArb, INVALID_RUNS);
        for (const { path, value } of distinct) {
            const label = `${path}=${JSON.stringify(value)} (seed ${SEED})`;
            const message = await programError({ "apim-gateway:gateway": mutate(path, value) }, CLOCK, "fuzz", { label });
            assert.match(message, /^Stack config 'apim-gateway:gateway' of stack 'fuzz' is invalid \(\d+ problems?\):\n/, label);
            assert.ok(message.includes(`  - gateway.${path}`), `${label} -> ${message}`);
            assert.equal(/\n\s+at .+:\d+:\d+/.test(message), false, `${label}: no stack trace`);
        }
        console.log(
            `      fuzz: ${INVALID_RUNS} invalid configs generated (seed ${SEED}), ${distinct.length} distinct, ` +
                "each rejected with a key-naming message",
        );
        // The cases above hold a few hundred distinct values; a default run must reach most of them.
        assert.ok(distinct.length >= Math.min(200, INVALID_RUNS / 2), `only ${distinct.length} distinct invalid configs`);
    });

    it("builds every generated valid config", async () => {
        const quantity = fc.constantFrom("250m", "500m", "1", "2", "1.5", "512Mi", "1Gi", "2Gi", "4Gi");
        const validArb = fc.record(
            {
                environment: fc.constantFrom("dev" as const, "prod" as const),
                replicas: fc.integer({ min: 2, max: 20 }),
                rollingUpdate: fc.record({
                    maxUnavailable: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 }), fc.constantFrom("0%", "10%", "25%")),
                    maxSurge: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom("25%", "50%", "100%")),
                }),
                image: fc.record({ tag: fc.constantFrom("2.11.1", "2.10.0", "2.9.2") }),
                resources: fc.record({ requests: fc.record({ cpu: quantity, memory: quantity }) }),
                token: prodTokenSettingsArb,
                service: fc.record({
                    httpPort: fc.integer({ min: 1, max: 40_000 }),
                    httpsPort: fc.integer({ min: 40_001, max: 65_535 }),
                    annotations: fc.dictionary(
                        fc.constantFrom("a.example.com/x", "b", "service.beta.kubernetes.io/azure-load-balancer-internal"),
                        fc.string(),
                    ),
                }),
                configBackup: fc.record({
                    accessMode: fc.constant("ReadWriteMany" as const),
                    size: fc.constantFrom("50Mi", "100Mi", "1Gi"),
                    storageClassName: fc.constantFrom("azurefile-csi", "azurefile-csi-premium"),
                }),
                dnsPolicy: fc.constantFrom("ClusterFirst" as const, "Default" as const),
            },
            { requiredKeys: ["environment"] },
        );
        const configArb = fc
            .tuple(validArb, fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/))
            .map(([extra, ns]): SelfHostedGatewayArgs => ({
                apim: { resourceGroupName: "rg-apim", serviceName: "contoso", gatewayName: "gw", location: { name: "x" } },
                namespace: { name: ns, podSecurityLevel: "restricted" },
                ...extra,
            }));
        const distinct = distinctSample(configArb, VALID_RUNS);
        for (const args of distinct) {
            const label = `${JSON.stringify(args)} (seed ${SEED})`;
            const v = validateArgs(args, "gateway");
            assert.ok(v.ok, `${label}: ${JSON.stringify(v)}`);
            // Warnings (dnsPolicy Default, dev rules) are expected here; they are kept out of the test output.
            const { resources } = await capturingLogs(() =>
                buildComponent(() => ({ d: new SelfHostedGateway("gw", args).deploymentName }), CLOCK),
            );
            assert.equal(resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment").length, 1, label);
        }
        console.log(`      fuzz: ${VALID_RUNS} valid configs generated (seed ${SEED}), ${distinct.length} distinct, each built`);
        assert.ok(distinct.length >= Math.min(200, VALID_RUNS / 2), `only ${distinct.length} distinct valid configs`);
    });
});
