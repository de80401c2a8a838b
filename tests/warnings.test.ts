// The component's warnings as data (components/gateway/warnings.ts): each message exactly, and when it is given.
import { strict as assert } from "assert";
import { explicitProviderWarning, planWarnings, WarningInputs } from "../components/gateway/warnings";

/** One replica, no surge, no backup, ClusterFirst: nothing to warn about. */
const quiet = (s: Partial<WarningInputs["s"]> = {}, extra: Partial<WarningInputs> = {}): WarningInputs => ({
    prefix: "args",
    s: {
        backup: { enabled: false, accessMode: "ReadWriteOnce", size: "50Mi" },
        replicas: 1,
        maxSurge: 0,
        dnsPolicy: "ClusterFirst",
        autoscaling: undefined,
        clusterDomain: "cluster.local",
        ...s,
    },
    relaxedRules: [],
    discoveryName: "edge-instance-discovery",
    ...extra,
});

const BACKUP_TAIL =
    "can put a pod on another node, where it cannot mount the volume and the rollout stalls; use ReadWriteMany (e.g. storage class " +
    "azurefile-csi), or with one replica set rollingUpdate maxUnavailable: 1, maxSurge: 0. Changing accessMode or storageClassName " +
    "gives a new, empty claim (the backup only caches the configuration): the pods move to it and the old claim is deleted after them";

describe("warnings: the plan's warnings as data", () => {
    it("gives none for a quiet plan", () => {
        assert.deepEqual(planWarnings(quiet()), []);
        // ReadWriteMany, or no backup, never warns about the claim, whatever the replicas and surge.
        const rwx = { enabled: true, accessMode: "ReadWriteMany" as const, size: "50Mi" };
        assert.deepEqual(planWarnings(quiet({ backup: rwx, replicas: 3, maxSurge: "25%" })), []);
        assert.deepEqual(planWarnings(quiet({ replicas: 3, maxSurge: "25%" })), []);
        // Default DNS with one replica and no autoscaler has no instances to discover.
        assert.deepEqual(planWarnings(quiet({ dnsPolicy: "Default" })), []);
        assert.deepEqual(planWarnings(quiet({}, { disableCertificateValidation: false })), []);
    });

    it("warns that a ReadWriteOnce backup claim stalls a second replica or a surging rollout", () => {
        const rwo = { enabled: true, accessMode: "ReadWriteOnce" as const, size: "50Mi" };
        assert.deepEqual(planWarnings(quiet({ backup: rwo, replicas: 2 })), [
            `args.configBackup.accessMode is ReadWriteOnce: 2 replicas ${BACKUP_TAIL}`,
        ]);
        assert.deepEqual(planWarnings({ ...quiet({ backup: rwo, maxSurge: "25%" }), prefix: "gateway" }), [
            `gateway.configBackup.accessMode is ReadWriteOnce: a rollout (maxSurge "25%") ${BACKUP_TAIL}`,
        ]);
        assert.deepEqual(planWarnings(quiet({ backup: rwo, maxSurge: 1 })), [
            `args.configBackup.accessMode is ReadWriteOnce: a rollout (maxSurge 1) ${BACKUP_TAIL}`,
        ]);
        // No surge written as a percentage is no surge either.
        assert.deepEqual(planWarnings(quiet({ backup: rwo, maxSurge: "0%" })), []);
    });

    it("warns, as a security matter, when the configuration endpoint's certificate is not verified", () => {
        assert.deepEqual(planWarnings(quiet({}, { disableCertificateValidation: true })), [
            "SECURITY: args.configurationTrust.disableCertificateValidation is true: the gateway does NOT verify the configuration " +
                "endpoint's TLS certificate, so anyone on the network path can impersonate API Management and feed it configuration. " +
                "Use it only for a test; trust a private CA with args.configurationTrust.caCertificates instead.",
        ]);
    });

    it("gives one line per production rule that dev relaxes", () => {
        assert.deepEqual(planWarnings(quiet({}, { relaxedRules: ["gateway.replicas: one", "gateway.image.tag: two"] })), [
            "dev environment, production rule relaxed: gateway.replicas: one",
            "dev environment, production rule relaxed: gateway.image.tag: two",
        ]);
    });

    it("warns that with dnsPolicy Default the node's resolver must resolve the discovery name", () => {
        const line =
            "args.dnsPolicy is Default: the pods resolve names through the node's resolver, so the instance-discovery name " +
            "(edge-instance-discovery.<namespace>.svc.corp.internal) must resolve there, or the gateway's instances do not find each " +
            "other (rate limits and heartbeats stay per pod); keep ClusterFirst unless you need Default";
        assert.deepEqual(planWarnings(quiet({ dnsPolicy: "Default", replicas: 2, clusterDomain: "corp.internal" })), [line]);
        const autoscaling = { minReplicas: 1, maxReplicas: 3, targetCpuUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80 };
        assert.deepEqual(planWarnings(quiet({ dnsPolicy: "Default", autoscaling, clusterDomain: "corp.internal" })), [line]);
        assert.deepEqual(planWarnings(quiet({ dnsPolicy: "ClusterFirst", replicas: 2 })), []);
    });

    it("keeps the order backup, security, relaxed rules, DNS", () => {
        const all = planWarnings(
            quiet(
                { backup: { enabled: true, accessMode: "ReadWriteOnce", size: "50Mi" }, replicas: 2, dnsPolicy: "Default" },
                { disableCertificateValidation: true, relaxedRules: ["rule"] },
            ),
        );
        assert.deepEqual(
            all.map((w) => w.slice(0, 30)),
            [
                "args.configBackup.accessMode i",
                "SECURITY: args.configurationTr",
                "dev environment, production ru",
                "args.dnsPolicy is Default: the",
            ],
        );
    });

    it("says generateToken cannot borrow an explicit azure-native provider's identity", () => {
        assert.equal(
            explicitProviderWarning("gateway"),
            "an explicit azure-native provider creates the gateway, but generateToken signs in as the default identity " +
                "(azure-native stack config, then ARM_* variables, then the Azure CLI login) in the cloud of azure-native:environment or " +
                'gateway.token.armEndpoint; make sure that identity can reach this gateway, or use gateway.auth.type "existingSecret" or "workloadIdentity"',
        );
    });
});
