// The token path when Azure misbehaves, on the real engine: the fake ARM's failure injections reach the user
// as readable messages, a failed rotation leaves the running gateway alone, and an `up` killed right after
// the ARM call recovers on the next `up`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { generateTokenCalls, deployment, podsOf, secretValue, tokenSecretRef } from "../harness/objects";
import { exportStack, inline, InlineOptions, pulumiCli } from "../harness/pulumi";
import { PROJECT, repoStack } from "../harness/stacks";
import { changes, wall } from "../harness/report";
import { e2e } from "./setup";
import { killAfterTokenIssued } from "../harness/processes";

const STACK = "token-failures";
const GATEWAY = "apim-gw-failures";
const NAMESPACE = "apim-gateway-failures";
const HOUR = 3600;
const WHERE = `gateway '${GATEWAY}' of API Management service 'apim-e2e' in resource group 'rg-apim-e2e'`;

async function inject(body: Record<string, unknown>): Promise<void> {
    const res = await fetch(e2e().arm.controlUrl, { method: "POST", body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
}

/** Everything the running gateway depends on: the token in state, the Secret it reads, and its pods. */
async function snapshot(dir: string) {
    const kube = e2e().cluster!.kube;
    const d = await deployment(kube, NAMESPACE, GATEWAY);
    const ref = tokenSecretRef(d)!;
    const state = JSON.parse(exportStack(e2e(), dir, STACK)) as {
        deployment: { resources: { type: string; id?: string; outputs?: Record<string, unknown> }[] };
    };
    const tokens = state.deployment.resources.filter((r) => r.type === "apim-gateway:index:GatewayToken");
    return {
        tokenIds: tokens.map((t) => t.id),
        secret: ref.name,
        secretValue: await secretValue(kube, NAMESPACE, ref.name, "value"),
        pods: (await podsOf(kube, d)).map((p) => p.metadata.name).sort(),
    };
}

/** What a user does after a crashed `pulumi up` on a file backend; returns the steps it took. */
function recoverAfterCrash(dir: string): string[] {
    const env = e2e();
    const steps: string[] = [];
    const cancel = pulumiCli(env, ["cancel", "--yes", "--stack", STACK], dir);
    assert.equal(cancel.code, 0, cancel.stderr);
    steps.push("pulumi cancel");
    const readable = pulumiCli(env, ["stack", "export", "--stack", STACK], dir);
    if (readable.code !== 0) {
        assert.match(readable.stderr, /failed to load checkpoint/);
        // Only a file can be cut in the middle of a write; an azblob:// checkpoint is a blob, replaced whole.
        assert.equal(env.backend, "file", `a cut checkpoint on a ${env.backend} backend: ${readable.stderr}`);
        const backup = path.join(new URL(env.vars.PULUMI_BACKEND_URL).pathname, ".pulumi", "stacks", PROJECT, `${STACK}.json.bak`);
        const restore = pulumiCli(env, ["stack", "import", "--force", "--file", backup, "--stack", STACK], dir);
        assert.equal(restore.code, 0, restore.stderr);
        steps.push("pulumi stack import <stack>.json.bak");
    }
    return steps;
}

describe("the token path when Azure misbehaves (fake ARM failure injection), on the real engine", function () {
    let dir: string;
    let clock = 0;
    const run = (op: "up" | "preview" | "destroy" | "refresh", more: Partial<InlineOptions> = {}) =>
        inline(e2e(), { op, stack: STACK, project: PROJECT, workDir: dir, clockSeconds: clock || undefined, ...more });

    before(async function () {
        const env = e2e();
        env.arm.setClockOffset(0);
        dir = repoStack(
            env,
            "dev",
            (g) => {
                g.apim.gatewayName = GATEWAY;
                (g.namespace as Record<string, unknown>).name = NAMESPACE;
            },
            {},
            STACK,
        );
        const up = await run("up");
        wall("failures: first deployment", up.ms);
        assert.equal(up.result.ok, true, up.result.error);
        const rotatesAfter = Date.parse(String(up.result.outputs!.tokenRotatesAfter.value));
        // Every scenario below is a rotation: the program and the fake ARM are one window ahead.
        clock = Math.floor((rotatesAfter - Date.now()) / 1000) + HOUR;
        env.arm.setClockOffset(clock);
    });

    after(async function () {
        await inject({ operation: "generateToken", times: 0 });
        const destroy = await run("destroy");
        assert.equal(destroy.result.ok, true, destroy.result.error);
        e2e().arm.setClockOffset(0);
    });

    it("403: up fails with the message naming the signed-in identity and the missing action, never 'undefined'; the token, Secret and pods are untouched", async () => {
        const before = await snapshot(dir);
        await inject({ operation: "generateToken", times: 1, status: 403 });
        const up = await run("up");
        wall("failures: 403", up.ms);
        assert.equal(up.result.ok, false);
        const errors = up.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
        const expected =
            `Azure denied generateToken (HTTP 403 AuthorizationFailed) to the Azure CLI login: user ${e2e().user.name} ` +
            `(object id ${e2e().user.objectId}) for ${WHERE} (subscription ${e2e().user.subscriptionId}). Grant that identity the actions ` +
            "Microsoft.ApiManagement/service/gateways/generateToken/action and Microsoft.ApiManagement/service/gateways/read on the gateway " +
            "(docs/authentication.md, 'Least-privilege role'), or sign in as one that has them.";
        assert.equal(errors.includes(expected), true, errors.join("\n---\n"));
        assert.equal(up.output.includes("undefined"), false, "the word undefined appears in the output");
        assert.deepEqual(await snapshot(dir), before);
    });

    it("429 with Retry-After, then 200: the up succeeds after waiting", async () => {
        const calls = generateTokenCalls(e2e().vars.APIM_E2E_ARM_LOG).length;
        await inject({ operation: "generateToken", times: 1, status: 429, retryAfter: 2 });
        const up = await run("up");
        wall("failures: 429 then 200", up.ms);
        assert.equal(up.result.ok, true, up.result.error);
        assert.deepEqual(
            generateTokenCalls(e2e().vars.APIM_E2E_ARM_LOG)
                .slice(calls)
                .map((c) => c.status),
            [429, 200],
        );
        const now = await snapshot(dir);
        assert.equal(now.secretValue, `GatewayKey ${e2e().arm.issued[e2e().arm.issued.length - 1].value}`);
    });

    /** Moves the program and the fake ARM one more window ahead, so the next up is a rotation again. */
    async function nextWindow(): Promise<void> {
        const preview = await run("preview");
        assert.equal(preview.result.ok, true, preview.result.error);
        clock += 7 * 24 * HOUR;
        e2e().arm.setClockOffset(clock);
    }

    it("a hang: the up fails within the documented timeout (4 attempts of 20 s), and nothing changes", async () => {
        await nextWindow();
        const before = await snapshot(dir);
        const calls = generateTokenCalls(e2e().vars.APIM_E2E_ARM_LOG).length;
        await inject({ operation: "generateToken", times: 4, hang: true });
        const up = await run("up");
        wall("failures: hang", up.ms);
        assert.equal(up.result.ok, false);
        const errors = up.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
        assert.equal(
            errors.some(
                (e) => e.startsWith(`generateToken for ${WHERE}`) && e.endsWith("timed out after 20000 ms (gave up after 4 attempts)"),
            ),
            true,
            errors.join("\n"),
        );
        assert.deepEqual(
            fs
                .readFileSync(e2e().vars.APIM_E2E_ARM_LOG, "utf8")
                .split("\n")
                .filter(Boolean)
                .map((l) => JSON.parse(l) as { operation: string; status: unknown })
                .filter((e) => e.operation === "generateToken")
                .slice(calls)
                .map((e) => e.status),
            ["hang", "hang", "hang", "hang"],
        );
        assert.deepEqual(await snapshot(dir), before);
    });

    it("malformed JSON: a clear error, and nothing changes", async () => {
        const before = await snapshot(dir);
        await inject({ operation: "generateToken", times: 1, status: 200, body: "{not json" });
        const up = await run("up");
        wall("failures: malformed JSON", up.ms);
        assert.equal(up.result.ok, false);
        const errors = up.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
        assert.equal(
            errors.some((e) => e.startsWith(`generateToken for ${WHERE}`) && e.endsWith("answered 200 with a body that is not JSON")),
            true,
            errors.join("\n"),
        );
        assert.deepEqual(await snapshot(dir), before);
    });

    it("a token that has already expired by its own date: a clear error, and nothing changes", async () => {
        const before = await snapshot(dir);
        const value = `${GATEWAY}&202001010000&${Buffer.from("x".repeat(48)).toString("base64")}`;
        await inject({ operation: "generateToken", times: 1, status: 200, body: JSON.stringify({ value }) });
        const up = await run("up");
        wall("failures: expired token", up.ms);
        assert.equal(up.result.ok, false);
        const errors = up.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
        assert.equal(
            errors.some(
                (e) =>
                    e.startsWith(`generateToken for ${WHERE}`) &&
                    e.endsWith("answered 200 with a token that expired at 2020-01-01T00:00:00Z, before it could be used"),
            ),
            true,
            errors.join("\n"),
        );
        assert.equal(up.output.includes(value), false, "the bad token is echoed");
        assert.deepEqual(await snapshot(dir), before);
    });

    it("a token whose date differs from the requested expiry, as in Microsoft's example: accepted, and tokenExpiry is the token's own date", async () => {
        await nextWindow();
        const own = new Date(Math.floor((Date.now() + clock * 1000 + 20 * 24 * HOUR * 1000) / 60_000) * 60_000)
            .toISOString()
            .replace(/\.000Z$/, "Z");
        await inject({ operation: "generateToken", times: 1, tokenExpiry: own });
        const up = await run("up");
        wall("failures: token with its own date", up.ms);
        assert.equal(up.result.ok, true, up.result.error);
        const issued = e2e().arm.issued[e2e().arm.issued.length - 1];
        assert.notEqual(issued.expiry, own, "the requested expiry is another one");
        assert.equal(up.result.outputs?.tokenExpiry.value, own);
        assert.equal((await snapshot(dir)).secretValue, `GatewayKey ${issued.value}`);
        // The scenarios after this one are rotations again.
        await nextWindow();
    });

    it("a server that echoes the request's Authorization header in its error: the bearer token appears nowhere in the output", async () => {
        const before = await snapshot(dir);
        const bearer = (JSON.parse(fs.readFileSync(e2e().vars.APIM_E2E_AZ_TOKEN_FILE, "utf8")) as { accessToken: string }).accessToken;
        await inject({ operation: "generateToken", times: 1, status: 403, echoAuthorization: true });
        const up = await run("up");
        wall("failures: echoed Authorization", up.ms);
        assert.equal(up.result.ok, false);
        assert.equal(up.output.includes(bearer), false, "the bearer token is in the output");
        assert.equal(up.output.includes(bearer.split(".")[1]), false, "a part of the bearer token is in the output");
        const errors = up.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
        assert.equal(
            errors.some((e) => e.startsWith(`Azure denied generateToken (HTTP 403) to the Azure CLI login: user ${e2e().user.name}`)),
            true,
            errors.join("\n"),
        );
        assert.deepEqual(await snapshot(dir), before);
    });

    it("a redirect to another host: refused, never followed, and nothing changes", async () => {
        const before = await snapshot(dir);
        const calls = generateTokenCalls(e2e().vars.APIM_E2E_ARM_LOG).length;
        await inject({
            operation: "generateToken",
            times: 1,
            status: 307,
            headers: { location: "https://127.0.0.2:9/elsewhere" },
            body: "",
        });
        const up = await run("up");
        wall("failures: redirect", up.ms);
        assert.equal(up.result.ok, false);
        const errors = up.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
        assert.equal(
            errors.some(
                (e) => e.startsWith(`generateToken for ${WHERE}`) && e.includes("answered a redirect (HTTP 307); redirects are refused"),
            ),
            true,
            errors.join("\n"),
        );
        assert.equal(generateTokenCalls(e2e().vars.APIM_E2E_ARM_LOG).length - calls, 1);
        assert.deepEqual(await snapshot(dir), before);
    });

    it("an up killed right after the ARM call: the next up recovers and ends with exactly one token in state, the one the pods use", async () => {
        const env = e2e();
        const calls = generateTokenCalls(env.vars.APIM_E2E_ARM_LOG).length;
        // Azure issues the token, but the answer is held back long enough to kill the up before it arrives.
        await inject({ operation: "generateToken", times: 1, delayMs: 5000 });
        const killer = killAfterTokenIssued(env.vars.APIM_E2E_ARM_LOG, calls, generateTokenCalls);
        const up = await run("up", { onStart: killer.onStart });
        wall("interrupted: the killed up", up.ms);
        assert.equal(killer.killed(), true, "the up was killed after the ARM call");
        assert.equal(up.result.ok, false);

        // The engine's own recovery after a crash: the stack's lock stays behind (`pulumi cancel` removes it),
        // and a crash in the middle of a checkpoint write leaves the file backend's checkpoint unreadable (the
        // backend keeps the previous one as <stack>.json.bak, which `pulumi stack import` restores).
        const recovery = recoverAfterCrash(dir);
        process.stderr.write(`      [e2e] interrupted: recovery steps: ${recovery.join("; ")}\n`);
        const next = await run("up");
        wall("interrupted: the recovering up", next.ms);
        assert.equal(next.result.ok, true, next.result.error);
        process.stderr.write(`      [e2e] interrupted: the recovering up changed ${changes(next.result.steps).join(", ")}\n`);
        type State = {
            deployment: {
                resources: { type: string; outputs?: { expiry?: string } }[];
                pending_operations?: { type: string; resource: { type: string } }[];
            };
        };
        const state = JSON.parse(exportStack(env, dir, STACK)) as State;
        const tokens = state.deployment.resources.filter((r) => r.type === "apim-gateway:index:GatewayToken");
        assert.equal(tokens.length, 1);
        // The engine keeps a record of the create the crash interrupted (Azure issued that token; nobody holds
        // it, and it lapses at its expiry) until a refresh drops it.
        assert.deepEqual(
            (state.deployment.pending_operations ?? []).map((p) => `${p.type} ${p.resource.type}`),
            ["creating apim-gateway:index:GatewayToken"],
        );
        const refresh = await run("refresh", { clearPendingCreates: true });
        wall("interrupted: refresh --clear-pending-creates", refresh.ms);
        assert.equal(refresh.result.ok, true, refresh.result.error);
        assert.deepEqual((JSON.parse(exportStack(env, dir, STACK)) as State).deployment.pending_operations ?? [], []);
        const now = await snapshot(dir);
        const issuedLast = env.arm.issued[env.arm.issued.length - 1];
        assert.equal(now.secretValue, `GatewayKey ${issuedLast.value}`);
        assert.equal(tokens[0].outputs?.expiry, issuedLast.expiry);
    });
});
