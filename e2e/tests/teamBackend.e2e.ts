// Team state on Azure Blob Storage: the repository's stack program with its state on an azblob:// backend (Azurite,
// Microsoft's Azure Storage emulator, on loopback), as teams on Azure keep it. Two runs of one stack at once (the
// daily rotation and a deploy), a run killed in the middle of an update, and first `up`s of fresh stacks on both
// kinds of backend, which must never fail on a read of the stack's own checkpoint.
//
// With APIM_E2E_BACKEND=azblob the whole suite runs on the environment's Azurite; otherwise these scenarios start an
// Azurite of their own. APIM_E2E_FIRST_UPS sets how many fresh stacks the first-up loop deploys per backend (default 3).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Azurite, startAzurite } from "../env/azurite";
import { REPO } from "../env/environment";
import { deployment, generateTokenCalls, secretValue, tokenSecretRef } from "../harness/objects";
import { engineError, inline, InlineOptions, pulumiCli } from "../harness/pulumi";
import { changes, wall } from "../harness/report";
import { PROJECT, repoStack } from "../harness/stacks";
import { e2e } from "./setup";
import { killAfterTokenIssued } from "../harness/processes";

/** The words of Pulumi's refusal when another run holds a DIY backend's lock (pkg/backend/diy/lock.go). */
const LOCKED =
    "the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.";

type Gateway = Parameters<Parameters<typeof repoStack>[2] & object>[0];

function named(gateway: string, namespace: string) {
    return (g: Gateway) => {
        g.apim.gatewayName = gateway;
        (g.namespace as Record<string, unknown>).name = namespace;
    };
}

async function inject(body: Record<string, unknown>): Promise<void> {
    const res = await fetch(e2e().arm.controlUrl, { method: "POST", body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
}

interface State {
    deployment: {
        resources: { type: string; urn: string; delete?: boolean; outputs?: { expiry?: string } }[];
        pending_operations?: { type: string; resource: { type: string } }[];
    };
}

describe("team state on an azblob:// backend (Azurite), on the real engine", function () {
    let own: Azurite | undefined;
    /** PULUMI_BACKEND_URL, AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY of the azblob:// backend. */
    let azblob: Record<string, string>;

    before(async () => {
        const env = e2e();
        env.arm.setClockOffset(0);
        if (env.azurite) {
            azblob = env.azurite.vars;
        } else {
            own = await startAzurite(path.join(env.dir, "azurite-team"));
            azblob = own.vars;
        }
        assert.match(azblob.PULUMI_BACKEND_URL, /^azblob:\/\/[a-z0-9-]+\?localemu=true&domain=127\.0\.0\.1:\d+&protocol=http$/);
    });
    after(async () => {
        e2e().arm.setClockOffset(0);
        await own?.stop();
    });

    const stateOf = (dir: string, stack: string): State => {
        const r = pulumiCli(e2e(), ["stack", "export", "--stack", stack], dir, azblob);
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout) as State;
    };
    const liveTokens = (s: State) => s.deployment.resources.filter((r) => r.type === "apim-gateway:index:GatewayToken" && !r.delete);

    it("a rotation and a deploy of one stack started together: one proceeds, the other is refused by the lock; one token in state, the pods' one; refresh finds no drift", async () => {
        const env = e2e();
        const [gw, ns, stack] = ["apim-gw-race", "apim-gateway-race", "race"];
        const dir = repoStack(env, "dev", named(gw, ns), {}, stack);
        const run = (op: InlineOptions["op"], more: Partial<InlineOptions> = {}) =>
            inline(env, { op, stack, project: PROJECT, workDir: dir, vars: azblob, ...more });
        const first = await run("up");
        wall("azblob: first deployment", first.ms);
        assert.equal(first.result.ok, true, first.result.error);
        assert.equal(stateOf(dir, stack).deployment.resources.length > 0, true);

        // The next window: the daily rotation (the workflow's targeted up) and a deploy (a full up) at once.
        const rotatesAfter = Date.parse(String(first.result.outputs!.tokenRotatesAfter.value));
        const clock = Math.floor((rotatesAfter - Date.now()) / 1000) + 60;
        env.arm.setClockOffset(clock);
        const calls = generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).length;
        const token = `urn:pulumi:${stack}::${PROJECT}::apim-gateway:index:SelfHostedGateway$apim-gateway:index:GatewayToken::${gw}-token`;
        const [rotation, deploy] = await Promise.all([
            run("up", { clockSeconds: clock, target: [token], targetDependents: true }),
            run("up", { clockSeconds: clock }),
        ]);
        const outcome = (r: typeof rotation) => (r.result.ok ? "proceeded" : engineError(r.result.error).split("\n")[0]);
        process.stderr.write(
            `      [e2e] azblob race: rotation ${outcome(rotation)} (${rotation.ms} ms); deploy ${outcome(deploy)} (${deploy.ms} ms)\n`,
        );
        const runs = [rotation, deploy];
        assert.equal(runs.filter((r) => r.result.ok).length, 1, runs.map((r) => r.result.error ?? "ok").join("\n---\n"));
        const refused = runs.find((r) => !r.result.ok)!;
        const proceeded = runs.find((r) => r.result.ok)!;
        // Pulumi's lock error, as the `pulumi` command line (and npm run e2e:pulumi) prints it ...
        assert.equal(engineError(refused.result.error).startsWith(`error: ${LOCKED}`), true, refused.result.error);
        assert.match(
            engineError(refused.result.error),
            /\n {2}azblob:\/\/[^/]+\/\.pulumi\/locks\/organization\/apim-gateway\/race\/[0-9a-f-]+\.json\?\S+: created by \S+ \(pid \d+\) at \S+/,
        );
        // ... and the product's advice: the rotation workflow recognises these words and says what to do.
        const workflow = fs.readFileSync(path.join(REPO, ".github", "workflows", "rotate.yml"), "utf8");
        assert.equal(workflow.includes("grep -Eq 'the stack is currently locked|"), true);
        assert.equal(LOCKED.includes("the stack is currently locked"), true);
        assert.deepEqual(changes(proceeded.result.steps), [
            "replace apim-gateway:index:GatewayToken",
            "replace kubernetes:core/v1:Secret",
            "update kubernetes:apps/v1:Deployment",
        ]);
        assert.deepEqual(refused.result.steps, [], "the refused run did nothing");

        // One token was issued; the state holds exactly that one, and it is the one the pods read.
        assert.equal(generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).length - calls, 1);
        const issued = env.arm.issued[env.arm.issued.length - 1];
        const tokens = liveTokens(stateOf(dir, stack));
        assert.equal(tokens.length, 1);
        assert.equal(tokens[0].outputs?.expiry, issued.expiry);
        const kube = env.cluster!.kube;
        const d = await deployment(kube, ns, gw);
        assert.equal(await secretValue(kube, ns, tokenSecretRef(d)!.name, "value"), `GatewayKey ${issued.value}`);

        // No drift: a refresh changes nothing, and a preview afterwards shows no change.
        const refresh = await run("refresh", { clockSeconds: clock });
        wall("azblob race: refresh", refresh.ms);
        assert.equal(refresh.result.ok, true, refresh.result.error);
        assert.deepEqual(Object.keys(refresh.result.summary?.resourceChanges ?? {}), ["same"]);
        const preview = await run("preview", { clockSeconds: clock, expectNoChanges: true });
        assert.equal(preview.result.ok, true, preview.result.error);
        const destroy = await run("destroy", { clockSeconds: clock });
        assert.equal(destroy.result.ok, true, destroy.result.error);
        env.arm.setClockOffset(0);
    });

    it("an up killed right after the ARM call recovers as docs/token-rotation.md says: cancel, up, one token, refresh --clear-pending-creates", async () => {
        const env = e2e();
        const [gw, ns, stack] = ["apim-gw-crash", "apim-gateway-crash", "crash"];
        const dir = repoStack(env, "dev", named(gw, ns), {}, stack);
        const run = (op: InlineOptions["op"], more: Partial<InlineOptions> = {}) =>
            inline(env, { op, stack, project: PROJECT, workDir: dir, vars: azblob, ...more });
        const first = await run("up");
        assert.equal(first.result.ok, true, first.result.error);
        const rotatesAfter = Date.parse(String(first.result.outputs!.tokenRotatesAfter.value));
        const clock = Math.floor((rotatesAfter - Date.now()) / 1000) + 60;
        env.arm.setClockOffset(clock);

        // Azure issues the token, but the answer is held back long enough to kill the up before it arrives.
        const calls = generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).length;
        await inject({ operation: "generateToken", times: 1, delayMs: 5000 });
        const killer = killAfterTokenIssued(env.vars.APIM_E2E_ARM_LOG, calls, generateTokenCalls);
        const up = await run("up", { clockSeconds: clock, onStart: killer.onStart });
        wall("azblob crash: the killed up", up.ms);
        assert.equal(killer.killed(), true, "the up was killed after the ARM call");
        assert.equal(up.result.ok, false);

        // 1. The lock stays behind: the next run is refused with Pulumi's lock error until `pulumi cancel`.
        const blocked = await run("up", { clockSeconds: clock });
        assert.equal(blocked.result.ok, false);
        assert.equal(engineError(blocked.result.error).startsWith(`error: ${LOCKED}`), true, blocked.result.error);
        const cancel = pulumiCli(env, ["cancel", "--yes", "--stack", stack], dir, azblob);
        assert.equal(cancel.code, 0, cancel.stderr);
        // 2. A blob is replaced whole: the checkpoint is still readable (no .json.bak to restore, unlike a cut file).
        const readable = pulumiCli(env, ["stack", "export", "--stack", stack], dir, azblob);
        assert.equal(readable.code, 0, readable.stderr);
        // 3. up again: it issues a token again and ends with exactly one token in state, the one the pods use.
        const next = await run("up", { clockSeconds: clock });
        wall("azblob crash: the recovering up", next.ms);
        assert.equal(next.result.ok, true, next.result.error);
        const state = stateOf(dir, stack);
        const issued = env.arm.issued[env.arm.issued.length - 1];
        assert.deepEqual(
            liveTokens(state).map((t) => t.outputs?.expiry),
            [issued.expiry],
        );
        const kube = env.cluster!.kube;
        const d = await deployment(kube, ns, gw);
        assert.equal(await secretValue(kube, ns, tokenSecretRef(d)!.name, "value"), `GatewayKey ${issued.value}`);
        // 4. The record of the interrupted create stays until a refresh drops it.
        assert.deepEqual(
            (state.deployment.pending_operations ?? []).map((p) => `${p.type} ${p.resource.type}`),
            ["creating apim-gateway:index:GatewayToken"],
        );
        const refresh = await run("refresh", { clockSeconds: clock, clearPendingCreates: true });
        assert.equal(refresh.result.ok, true, refresh.result.error);
        assert.deepEqual(stateOf(dir, stack).deployment.pending_operations ?? [], []);
        const destroy = await run("destroy", { clockSeconds: clock });
        assert.equal(destroy.result.ok, true, destroy.result.error);
        env.arm.setClockOffset(0);
    });

    it("first ups of fresh stacks, on a file and on an azblob:// backend: none fails, none on a read of its own checkpoint", async function () {
        const env = e2e();
        const count = Number(process.env.APIM_E2E_FIRST_UPS ?? "3");
        assert.equal(
            Number.isInteger(count) && count > 0,
            true,
            `APIM_E2E_FIRST_UPS: got ${process.env.APIM_E2E_FIRST_UPS}; expected a whole number`,
        );
        this.timeout(count * 2 * 120_000);
        const fileBackend = { PULUMI_BACKEND_URL: `file://${fs.mkdtempSync(path.join(env.dir, "first-ups-state-"))}` };
        const failures: string[] = [];
        for (const [backend, vars] of [
            ["file", fileBackend],
            ["azblob", azblob],
        ] as const) {
            const times: number[] = [];
            for (let i = 0; i < count; i++) {
                const [gw, ns, stack] = [`apim-gw-first-${backend}-${i}`, `apim-gateway-first-${backend}-${i}`, `first-${backend}-${i}`];
                const dir = repoStack(env, "dev", named(gw, ns), {}, stack);
                const up = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir, vars });
                times.push(up.ms);
                if (!up.result.ok) failures.push(`${backend} #${i}: ${engineError(up.result.error)}`);
                // The stacks stay (their objects are a pod each on kwok nodes); the environment goes at the end.
            }
            const sorted = [...times].sort((a, b) => a - b);
            process.stderr.write(
                `      [e2e] first ups on ${backend}: ${count} run, ${failures.filter((f) => f.startsWith(backend)).length} failed; ` +
                    `median ${(sorted[Math.floor(count / 2)] / 1000).toFixed(1)} s, slowest ${(sorted[count - 1] / 1000).toFixed(1)} s\n`,
            );
        }
        assert.deepEqual(failures, []);
    });
});
