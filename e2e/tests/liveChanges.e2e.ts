// Changes to a live stack that used to hang or open a gap, on the real engine and cluster: the backup claim's
// access mode and storage class, the disruption budget's spec, the token notice from the token's provider, and
// GitOps rendering accepted by the apiserver (and refused on a stack that has deployed to a cluster).
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ObjectList } from "../env/kube";
import { deployment, isAvailable, podsOf } from "../harness/objects";
import { engineError, inline } from "../harness/pulumi";
import { changes, wall } from "../harness/report";
import { PROJECT, repoStack, writeStackConfig } from "../harness/stacks";
import { e2e } from "./setup";

type Gateway = Parameters<Parameters<typeof repoStack>[2] & object>[0];

function named(gateway: string, namespace: string) {
    return (g: Gateway) => {
        g.apim.gatewayName = gateway;
        (g.namespace as Record<string, unknown>).name = namespace;
    };
}

describe("changes to a live stack, on the real engine", function () {
    before(() => e2e().arm.setClockOffset(0));

    it("changing configBackup.accessMode and storageClassName completes: a new claim first, the pods move, the old claim goes", async () => {
        const env = e2e();
        const kube = env.cluster!.kube;
        const [gw, ns, stack] = ["apim-gw-claims", "apim-gateway-claims", "claims"];
        // Start on a ReadWriteOnce disk of the default class (one replica, replaced rather than surged).
        const dir = repoStack(
            env,
            "dev",
            (g) => {
                named(gw, ns)(g);
                g.configBackup = { enabled: true, accessMode: "ReadWriteOnce", size: "50Mi" };
                g.rollingUpdate = { maxUnavailable: 1, maxSurge: 0 };
            },
            {},
            stack,
        );
        const run = (op: "up" | "destroy") => inline(env, { op, stack, project: PROJECT, workDir: dir });
        const first = await run("up");
        wall("claims: first deployment (ReadWriteOnce, standard)", first.ms);
        assert.equal(first.result.ok, true, first.result.error);
        const claimOf = async () =>
            (await deployment(kube, ns, gw)).spec.template.spec.volumes!.find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim!
                .claimName;
        const oldClaim = await claimOf();

        writeStackConfig(
            env,
            dir,
            "dev",
            (g) => {
                named(gw, ns)(g);
                g.configBackup = { enabled: true, accessMode: "ReadWriteMany", storageClassName: "azurefile-csi", size: "50Mi" };
                g.rollingUpdate = { maxUnavailable: 1, maxSurge: 0 };
            },
            {},
            stack,
        );
        const change = await run("up");
        wall("claims: accessMode and storageClassName changed", change.ms);
        assert.equal(change.result.ok, true, change.result.error);
        const newClaim = await claimOf();
        assert.notEqual(newClaim, oldClaim);
        const claim = await kube.get<{ spec: { accessModes: string[]; storageClassName: string }; status: { phase: string } }>(
            `/api/v1/namespaces/${ns}/persistentvolumeclaims/${newClaim}`,
        );
        assert.deepEqual(
            [claim.status.phase, claim.spec.accessModes, claim.spec.storageClassName],
            ["Bound", ["ReadWriteMany"], "azurefile-csi"],
        );
        assert.equal(await kube.find(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${oldClaim}`), undefined, "the old claim is gone");
        const d = await deployment(kube, ns, gw);
        assert.equal(isAvailable(d), true);
        for (const p of await podsOf(kube, d)) {
            assert.equal(p.spec.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName, newClaim);
        }
        const destroy = await run("destroy");
        assert.equal(destroy.result.ok, true, destroy.result.error);
    });

    it("changing the disruption budget's spec never leaves the pods without one", async () => {
        const env = e2e();
        const kube = env.cluster!.kube;
        const [gw, ns, stack] = ["apim-gw-pdb", "apim-gateway-pdb", "pdb"];
        const dir = repoStack(env, "prod", named(gw, ns), {}, stack);
        const run = (op: "up" | "destroy") => inline(env, { op, stack, project: PROJECT, workDir: dir });
        const first = await run("up");
        wall("pdb: first deployment", first.ms);
        assert.equal(first.result.ok, true, first.result.error);
        const budgets = async () =>
            (
                await kube.get<ObjectList<{ metadata: { name: string }; spec: { maxUnavailable?: unknown } }>>(
                    `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`,
                )
            ).items;
        const before = await budgets();
        assert.equal(before.length, 1);

        writeStackConfig(
            env,
            dir,
            "prod",
            (g) => {
                named(gw, ns)(g);
                (g.highAvailability as Record<string, unknown>).maxUnavailable = 2;
            },
            {},
            stack,
        );
        let fewest = Number.POSITIVE_INFINITY;
        let watching = true;
        const watch = (async () => {
            while (watching) {
                fewest = Math.min(fewest, (await budgets()).length);
                await new Promise((r) => setTimeout(r, 25));
            }
        })();
        const change = await run("up");
        watching = false;
        await watch;
        wall("pdb: maxUnavailable changed", change.ms);
        process.stderr.write(`      [e2e] pdb: fewest disruption budgets seen during the change: ${fewest}\n`);
        assert.equal(change.result.ok, true, change.result.error);
        assert.equal(fewest >= 1, true, `a moment with ${fewest} budgets`);
        const after = await budgets();
        assert.deepEqual(
            after.map((b) => b.spec.maxUnavailable),
            [2],
        );
        const destroy = await run("destroy");
        assert.equal(destroy.result.ok, true, destroy.result.error);
    });

    it("the scheduled rotation's targeted up changes only the token chain, with an unapproved change pending, from a clock ahead of Azure's", async () => {
        const env = e2e();
        const [gw, ns, stack] = ["apim-gw-targeted", "apim-gateway-targeted", "targeted"];
        const dir = repoStack(env, "dev", named(gw, ns), {}, stack);
        const first = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir });
        assert.equal(first.result.ok, true, first.result.error);
        const rotatesAfter = Date.parse(String(first.result.outputs!.tokenRotatesAfter.value));
        // An unapproved change waits on main: a new description.
        writeStackConfig(
            env,
            dir,
            "dev",
            (g) => {
                named(gw, ns)(g);
                g.apim.description = "an unapproved change";
            },
            {},
            stack,
        );
        // 5 s into the next window on the program's clock, while Azure's clock is 5 minutes behind: a 30-day token
        // asked for without the skew margin would be more than 30 days ahead for Azure.
        const programClock = Math.floor((rotatesAfter - Date.now()) / 1000) + 5;
        env.arm.setClockOffset(programClock - 300);
        const token = `urn:pulumi:${stack}::${PROJECT}::apim-gateway:index:SelfHostedGateway$apim-gateway:index:GatewayToken::${gw}-token`;
        const up = await inline(env, {
            op: "up",
            stack,
            project: PROJECT,
            workDir: dir,
            clockSeconds: programClock,
            target: [token],
            targetDependents: true,
        });
        wall("targeted rotation up", up.ms);
        assert.equal(up.result.ok, true, up.result.error);
        assert.deepEqual(changes(up.result.steps), [
            "replace apim-gateway:index:GatewayToken",
            "replace kubernetes:core/v1:Secret",
            "update kubernetes:apps/v1:Deployment",
        ]);
        const issued = env.arm.issued[env.arm.issued.length - 1];
        assert.equal(issued.expiry, new Date(rotatesAfter + 30 * 86_400_000 - 15 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"));
        // The unapproved change is still pending: a full preview would still update the gateway.
        const preview = await inline(env, { op: "preview", stack, project: PROJECT, workDir: dir, clockSeconds: programClock });
        assert.equal(preview.result.ok, true, preview.result.error);
        assert.deepEqual(changes(preview.result.steps), ["update azure-native:apimanagement:Gateway"]);
        const destroy = await inline(env, { op: "destroy", stack, project: PROJECT, workDir: dir, clockSeconds: programClock });
        assert.equal(destroy.result.ok, true, destroy.result.error);
        env.arm.setClockOffset(0);
    });

    it("the token notice comes from the token's provider: due in a preview, issuing in the up, under the GatewayToken", async () => {
        const env = e2e();
        const [gw, ns, stack] = ["apim-gw-notice", "apim-gateway-notice", "notice"];
        const dir = repoStack(env, "dev", named(gw, ns), {}, stack);
        const run = (op: "up" | "preview" | "destroy", clockSeconds?: number) =>
            inline(env, { op, stack, project: PROJECT, workDir: dir, clockSeconds });
        const first = await run("up");
        wall("notice: up", first.ms);
        assert.equal(first.result.ok, true, first.result.error);
        const notices = (r: Awaited<ReturnType<typeof run>>) =>
            r.result.diagnostics.filter((d) => /^(Token rotation|Gateway token)/.test(d.message.trim()));
        assert.deepEqual(notices(first), [], "a first deployment says nothing");
        const token = `urn:pulumi:${stack}::${PROJECT}::apim-gateway:index:SelfHostedGateway$apim-gateway:index:GatewayToken::${gw}-token`;
        const stored = String(first.result.outputs!.tokenExpiry.value);
        const rotatesAfter = Date.parse(String(first.result.outputs!.tokenRotatesAfter.value));
        const clock = Math.floor((rotatesAfter - Date.now()) / 1000) + 3600;
        env.arm.setClockOffset(clock);
        const preview = await run("preview", clock);
        assert.equal(preview.result.ok, true, preview.result.error);
        const due = notices(preview);
        assert.deepEqual(
            due.map((d) => [d.severity, d.urn]),
            [["info", token]],
        );
        assert.match(
            due[0].message.trim(),
            new RegExp(
                "^Token rotation due: the next `pulumi up` issues a new token \\(primary key\\) that expires \\S+; " +
                    `the current token expires ${stored} \\(\\d+ days left\\)\\.$`,
            ),
        );
        const up = await run("up", clock);
        assert.equal(up.result.ok, true, up.result.error);
        const issuing = notices(up);
        assert.deepEqual(
            issuing.map((d) => [d.severity, d.urn]),
            [["info", token]],
        );
        assert.equal(
            issuing[0].message.trim(),
            `Token rotation: issuing a new gateway token (primary key) that expires ${String(up.result.outputs!.tokenExpiry.value)}; ` +
                `the current token expires ${stored} (${Math.floor((Date.parse(stored) - (Date.now() + clock * 1000)) / 86_400_000)} days left).`,
        );
        const destroy = await run("destroy", clock);
        assert.equal(destroy.result.ok, true, destroy.result.error);
        env.arm.setClockOffset(0);
    });

    it("renderYamlTo on a stack deployed to a cluster: the preview is refused and writes no file", async () => {
        const env = e2e();
        const [gw, ns, stack] = ["apim-gw-switch", "apim-gateway-switch", "switch"];
        const dir = repoStack(env, "dev", named(gw, ns), {}, stack);
        const up = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir });
        assert.equal(up.result.ok, true, up.result.error);
        const out = fs.mkdtempSync(path.join(env.dir, "switch-rendered-"));
        writeStackConfig(env, dir, "dev", named(gw, ns), { [`${PROJECT}:renderYamlTo`]: out }, stack);
        const preview = await inline(env, { op: "preview", stack, project: PROJECT, workDir: dir });
        wall("render switch: refused preview", preview.ms);
        assert.equal(preview.result.ok, false);
        // The KubernetesTarget's provider refuses it in its check, from the target the engine kept for it.
        assert.equal(
            engineError(preview.result.error)
                .split("\n")
                .find((l) => l.startsWith("error: ")),
            "error: apim-gateway:index:KubernetesTarget resource 'apim-gw-switch-kubernetes-target' has a problem: " +
                "renderYamlTo: stack 'switch' has deployed the gateway to a cluster; rendering from it would delete the live Kubernetes " +
                "objects (their provider would change). Render from a stack of its own: pulumi stack init switch-gitops, copy this " +
                "stack's config there, and set apim-gateway:renderYamlTo on that stack only.",
        );
        assert.deepEqual(fs.readdirSync(out), [], "the refused preview wrote files (the token Secret among them)");
        writeStackConfig(env, dir, "dev", named(gw, ns), {}, stack);
        const destroy = await inline(env, { op: "destroy", stack, project: PROJECT, workDir: dir });
        assert.equal(destroy.result.ok, true, destroy.result.error);
    });

    it("renderYamlTo writes YAML that the apiserver accepts (kubectl apply --dry-run=server)", async () => {
        const env = e2e();
        const [gw, ns, stack] = ["apim-gw-gitops", "apim-gateway-gitops", "gitops"];
        const out = fs.mkdtempSync(path.join(env.dir, "rendered-"));
        const dir = repoStack(env, "prod", named(gw, ns), { [`${PROJECT}:renderYamlTo`]: out }, stack);
        const up = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir });
        wall("render: up", up.ms);
        assert.equal(up.result.ok, true, up.result.error);
        assert.deepEqual(
            changes(up.result.steps).filter((c) => c.startsWith("create kubernetes:") && !c.includes("providers")).length > 0,
            true,
        );
        assert.equal(
            await env.cluster!.kube.find(`/apis/apps/v1/namespaces/${ns}/deployments/${gw}`),
            undefined,
            "rendering applies nothing",
        );
        const files = execFileSync("find", [out, "-name", "*.yaml"], { encoding: "utf8" }).trim().split("\n").sort();
        assert.equal(files.length >= 8, true, files.join("\n"));
        // Namespaced objects need their namespace to exist for a server-side dry run: create it for real first.
        const kubectl = (args: string[]) => execFileSync("kubectl", args, { env: { ...process.env, ...env.vars }, encoding: "utf8" });
        const nsFile = files.find((f) => /namespace/i.test(path.basename(f)))!;
        kubectl(["apply", "-f", nsFile]);
        const t0 = Date.now();
        const applied = kubectl(["apply", "--dry-run=server", "-R", "-f", out]);
        wall("render: kubectl apply --dry-run=server", Date.now() - t0);
        const lines = applied.trim().split("\n");
        assert.equal(lines.length, files.length, applied);
        assert.equal(
            lines.every((l) => / (created|configured|unchanged) \(server dry run\)$/.test(l)),
            true,
            applied,
        );
        kubectl(["delete", "namespace", ns, "--wait=false"]);
        const destroy = await inline(env, { op: "destroy", stack, project: PROJECT, workDir: dir });
        assert.equal(destroy.result.ok, true, destroy.result.error);
    });
});
