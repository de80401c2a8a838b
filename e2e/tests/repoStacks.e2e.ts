// This repository's own dev and prod stacks on the real engine: the Pulumi CLI 3.276.0 and its file backend,
// the real Kubernetes provider against a real apiserver (kwok nodes), this package's provider plugin for the
// token, and the Azure stand-ins (fake ARM, fake az, stand-in azure-native plugin). The scenarios of a stack run
// in order and build on each other: first deployment, no spurious changes, rotation, rolling only when needed,
// clean-up.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { KubeError } from "../env/kube";
import {
    configMapData,
    deployment,
    generateTokenCalls,
    isAvailable,
    leftovers,
    podsOf,
    secretValue,
    tokenSecretRef,
    watchAvailability,
    zoneOf,
} from "../harness/objects";
import { exportStack, inline } from "../harness/pulumi";
import { changes, wall } from "../harness/report";
import { E2E_APIM, PROJECT, repoStack, writeStackConfig } from "../harness/stacks";
import { e2e } from "./setup";

const HOUR = 3600;

interface Expect {
    gateway: string;
    namespace: string;
    replicas: number;
    zones: number;
    maxUnavailable: number;
    storageClass: string;
    accessMode: string;
    podSecurity?: string;
}

const EXPECT: Record<"dev" | "prod", Expect> = {
    dev: {
        gateway: "apim-gw-dev",
        namespace: "apim-gateway-dev",
        replicas: 1,
        zones: 1,
        maxUnavailable: 0,
        storageClass: "azurefile-csi",
        accessMode: "ReadWriteMany",
        podSecurity: "restricted",
    },
    prod: {
        gateway: "apim-gw-prod",
        namespace: "apim-gateway",
        replicas: 3,
        zones: 3,
        maxUnavailable: 0,
        storageClass: "azurefile-csi",
        accessMode: "ReadWriteMany",
        podSecurity: "restricted",
    },
};

for (const stack of ["dev", "prod"] as const) {
    describe(`this repository's ${stack} stack on the real engine`, function () {
        const x = EXPECT[stack];
        let dir: string;
        /** Seconds the program's clock (and the fake ARM's) is shifted by, once the scenarios move in time. */
        let clock = 0;
        let outputs: Record<string, { value: unknown; secret: boolean }> = {};
        const run = (op: "up" | "preview" | "destroy", more: { expectNoChanges?: boolean } = {}) =>
            inline(e2e(), { op, stack, project: PROJECT, workDir: dir, clockSeconds: clock || undefined, ...more });

        before(() => {
            dir = repoStack(e2e(), stack);
            e2e().arm.setClockOffset(0);
        });

        it("a. first deployment from empty state: Available and spread, the issued token in the Secret, the settings, a Bound backup claim at /apim/config, the load balancer's address, PodSecurity, and no plaintext token in state", async () => {
            const env = e2e();
            const kube = env.cluster!.kube;
            const before = generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).length;
            const up = await run("up");
            wall(`${stack} first deployment (up from empty)`, up.ms);
            assert.equal(up.result.ok, true, up.result.error);
            outputs = up.result.outputs ?? {};

            const d = await deployment(kube, x.namespace, x.gateway);
            assert.equal(isAvailable(d), true, JSON.stringify(d.status));
            assert.equal(d.status?.availableReplicas, x.replicas);
            const pods = await podsOf(kube, d);
            assert.equal(pods.length, x.replicas);
            const zones = new Set(await Promise.all(pods.map((p) => zoneOf(kube, p.spec.nodeName!))));
            assert.equal(zones.size, x.zones, `pods in zones ${[...zones].join(", ")}`);

            // The Secret holds exactly the token the fake ARM issued in this run.
            const calls = generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).slice(before);
            assert.equal(calls.length, 1);
            const issued = env.arm.issued[env.arm.issued.length - 1];
            assert.equal(issued.gatewayResourceId, outputs.gatewayId.value);
            const ref = tokenSecretRef(d)!;
            assert.equal(ref.key, "value");
            assert.equal(await secretValue(kube, x.namespace, ref.name, "value"), `GatewayKey ${issued.value}`);
            assert.deepEqual([issued.keyType, issued.expiry], [outputs.tokenKeyType.value, outputs.tokenExpiry.value]);

            const settings = await configMapData(kube, x.namespace, d);
            assert.equal(settings["config.service.endpoint"], `${E2E_APIM.serviceName}.configuration.azure-api.net`);
            assert.equal(settings["neighborhood.host"], `${x.gateway}-instance-discovery`);
            assert.equal(settings["runtime.deployment.orchestrator.type"], "Kubernetes");

            // The backup claim: Bound, of the committed class and mode, mounted at /apim/config in every pod.
            const volume = d.spec.template.spec.volumes?.find((v) => v.persistentVolumeClaim);
            const claimName = volume!.persistentVolumeClaim!.claimName;
            const claim = await kube.get<{ spec: { storageClassName: string; accessModes: string[] }; status: { phase: string } }>(
                `/api/v1/namespaces/${x.namespace}/persistentvolumeclaims/${claimName}`,
            );
            assert.deepEqual(
                [claim.status.phase, claim.spec.storageClassName, claim.spec.accessModes],
                ["Bound", x.storageClass, [x.accessMode]],
            );
            assert.deepEqual(
                d.spec.template.spec.containers[0].volumeMounts?.find((m) => m.name === volume!.name)?.mountPath,
                "/apim/config",
            );
            for (const p of pods) {
                assert.equal(p.spec.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName, claimName);
            }

            // The load balancer's address, as the stand-in cloud controller set it, is a stack output.
            const svc = await kube.get<{ status: { loadBalancer: { ingress: { ip: string }[] } } }>(
                `/api/v1/namespaces/${x.namespace}/services/${x.gateway}-live-traffic`,
            );
            assert.equal(outputs.loadBalancerAddress.value, svc.status.loadBalancer.ingress[0].ip);

            // No ServiceAccount token in the pods: the ServiceAccount admission plugin added no projected token volume.
            for (const p of pods) {
                const spec = p.spec as { automountServiceAccountToken?: boolean; volumes?: { name: string }[] };
                assert.equal(spec.automountServiceAccountToken, false);
                assert.deepEqual(
                    (spec.volumes ?? []).filter((v) => v.name.startsWith("kube-api-access")),
                    [],
                );
            }

            if (x.podSecurity) {
                // PodSecurity `restricted` is enforced (and warned and audited) in the namespace, and it admitted the pods.
                const ns = await kube.get<{ metadata: { labels: Record<string, string> } }>(`/api/v1/namespaces/${x.namespace}`);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], x.podSecurity);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], x.podSecurity);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/audit"], x.podSecurity);
                const refused = await kube
                    .create(`/api/v1/namespaces/${x.namespace}/pods`, {
                        apiVersion: "v1",
                        kind: "Pod",
                        metadata: { name: "privileged-probe" },
                        spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] },
                    })
                    .then(
                        () => undefined,
                        (e: KubeError) => e,
                    );
                assert.equal(refused?.status, 403, refused?.message);
                assert.match(refused!.message, /violates PodSecurity "restricted:latest"/);
                assert.equal(
                    pods.every((p) => p.status?.phase === "Running"),
                    true,
                );
            }

            const state = exportStack(env, dir, stack);
            assert.equal(state.includes(issued.value), false, "the token is in state in plaintext");
            assert.equal(state.includes(issued.value.split("&")[2]), false, "the token's signature is in state in plaintext");
        });

        it("b. no spurious changes: a preview right after, and again later inside the same rotation window (shifted clock)", async () => {
            const now = await run("preview", { expectNoChanges: true });
            wall(`${stack} preview right after`, now.ms);
            assert.equal(now.result.ok, true, now.result.error);
            const rotatesAfter = Date.parse(String(outputs.tokenRotatesAfter.value));
            const later = Math.floor((rotatesAfter - Date.now()) / 1000) - HOUR;
            assert.equal(later > 0, true, "the window ends in more than an hour");
            const inWindow = await inline(e2e(), {
                op: "preview",
                stack,
                project: PROJECT,
                workDir: dir,
                clockSeconds: later,
                expectNoChanges: true,
            });
            wall(`${stack} preview ${(later / 86400).toFixed(1)} days later, same window`, inWindow.ms);
            assert.equal(inWindow.result.ok, true, inWindow.result.error);
        });

        it("c. rotation in the next window: the preview changes only the token chain; up makes one generateToken call and rolls the pods without losing capacity; the old Secret is gone", async () => {
            const env = e2e();
            const kube = env.cluster!.kube;
            clock = Math.floor((Date.parse(String(outputs.tokenRotatesAfter.value)) - Date.now()) / 1000) + HOUR;
            env.arm.setClockOffset(clock);
            const preview = await run("preview");
            wall(`${stack} rotation preview`, preview.ms);
            assert.equal(preview.result.ok, true, preview.result.error);
            assert.deepEqual(changes(preview.result.steps), [
                "replace apim-gateway:index:GatewayToken",
                "replace kubernetes:core/v1:Secret",
                "update kubernetes:apps/v1:Deployment",
            ]);

            const d0 = await deployment(kube, x.namespace, x.gateway);
            const oldSecret = tokenSecretRef(d0)!.name;
            const oldPods = new Set((await podsOf(kube, d0)).map((p) => p.metadata.name));
            const calls = generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).length;
            const watch = watchAvailability(kube, x.namespace, x.gateway);
            const up = await run("up");
            const seen = await watch.stop();
            wall(`${stack} rotation up`, up.ms);
            process.stderr.write(
                `      [e2e] ${stack} rotation: fewest available replicas seen ${seen.minAvailable} of ${x.replicas} (${seen.samples} samples)\n`,
            );
            assert.equal(up.result.ok, true, up.result.error);
            outputs = up.result.outputs ?? {};
            assert.equal(generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).length - calls, 1);

            const d1 = await deployment(kube, x.namespace, x.gateway);
            assert.equal(isAvailable(d1), true);
            const newPods = await podsOf(kube, d1);
            assert.equal(newPods.length, x.replicas);
            assert.equal(
                newPods.some((p) => oldPods.has(p.metadata.name)),
                false,
                "the pods rolled",
            );
            // The rolling-update contract of the committed settings: never fewer than replicas - maxUnavailable.
            assert.equal(seen.minAvailable >= x.replicas - x.maxUnavailable, true, `min available ${seen.minAvailable}`);
            const ref = tokenSecretRef(d1)!;
            assert.notEqual(ref.name, oldSecret);
            // No old ReplicaSets are kept (their Secret and ConfigMap are gone): rollback is `pulumi up` of an earlier commit.
            const undo = spawnSync("kubectl", ["rollout", "undo", `deployment/${x.gateway}`, "-n", x.namespace], {
                env: { ...process.env, ...env.vars },
                encoding: "utf8",
            });
            assert.equal(undo.status, 1);
            assert.match(undo.stderr, /no rollout history found/);
            assert.equal(
                await secretValue(kube, x.namespace, ref.name, "value"),
                `GatewayKey ${env.arm.issued[env.arm.issued.length - 1].value}`,
            );
            assert.equal(await kube.find(`/api/v1/namespaces/${x.namespace}/secrets/${oldSecret}`), undefined, "the old Secret is gone");
        });

        it("d. rolling only when needed: a settings change rolls the pods, a change of the gateway's description does not", async () => {
            const env = e2e();
            const kube = env.cluster!.kube;
            const before = await podsOf(kube, await deployment(kube, x.namespace, x.gateway));
            writeStackConfig(env, dir, stack, (g) => {
                g.observability = { logs: { std: { level: "warn" } } };
            });
            const settings = await run("up");
            wall(`${stack} settings change up`, settings.ms);
            assert.equal(settings.result.ok, true, settings.result.error);
            const d = await deployment(kube, x.namespace, x.gateway);
            assert.equal((await configMapData(kube, x.namespace, d))["telemetry.logs.std.level"], "warn");
            const rolled = await podsOf(kube, d);
            assert.equal(
                rolled.some((p) => before.some((b) => b.metadata.name === p.metadata.name)),
                false,
                "a settings change rolls the pods",
            );

            writeStackConfig(env, dir, stack, (g) => {
                g.observability = { logs: { std: { level: "warn" } } };
                g.apim.description = "Self-hosted gateway, described anew";
            });
            const description = await run("up");
            wall(`${stack} description change up`, description.ms);
            assert.equal(description.result.ok, true, description.result.error);
            assert.deepEqual(changes(description.result.steps), ["update azure-native:apimanagement:Gateway"]);
            const after = await podsOf(kube, await deployment(kube, x.namespace, x.gateway));
            assert.deepEqual(after.map((p) => p.metadata.name).sort(), rolled.map((p) => p.metadata.name).sort());
        });

        it("e. clean-up: destroy leaves nothing behind in the cluster", async () => {
            const env = e2e();
            const kube = env.cluster!.kube;
            const destroy = await run("destroy");
            wall(`${stack} destroy`, destroy.ms);
            assert.equal(destroy.result.ok, true, destroy.result.error);
            const ns = await kube.find(`/api/v1/namespaces/${x.namespace}`);
            if (ns !== undefined) {
                // A namespace the stack did not create would stay; it must then be empty of the gateway's objects.
                assert.deepEqual(await leftovers(kube, x.namespace), []);
            }
            const pvs = await kube.get<{ items: { spec: { claimRef?: { namespace: string } } }[] }>("/api/v1/persistentvolumes");
            assert.deepEqual(
                pvs.items.filter((p) => p.spec.claimRef?.namespace === x.namespace),
                [],
                "no volume of the stack's claims is left",
            );
            env.arm.setClockOffset(0);
        });
    });
}
