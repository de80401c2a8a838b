// GatewayToken used directly, with the identity config's secret keys passed as plain strings: on the real engine,
// the provider plugin returns them (and the token) as secrets from check, so `pulumi stack export` holds none of them
// in plaintext.
import { strict as assert } from "assert";
import * as path from "path";
import { exportStack, inline } from "../harness/pulumi";
import { wall } from "../harness/report";
import { PROJECT, repoStack } from "../harness/stacks";
import { e2e } from "./setup";

const PROGRAM = path.resolve(__dirname, "..", "programs", "gatewayToken.ts");
const PLAIN = ["plain-pfx-password-e2e", "plain-request-token-e2e"];

describe("GatewayToken with plain secret inputs, on the real engine", function () {
    it("keeps the identity config's secret keys and the token out of the state in plaintext", async () => {
        const env = e2e();
        env.arm.setClockOffset(0);
        const stack = "token-secrets";
        const dir = repoStack(env, "dev", undefined, {}, stack);
        const up = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir, program: PROGRAM });
        wall("token secrets: up", up.ms);
        assert.equal(up.result.ok, true, up.result.error);
        const issued = up.result.outputs?.value;
        assert.equal(issued?.secret, true);
        assert.match(String(issued?.value), /^apim-gw-secrets&\d{12}&/);
        const state = exportStack(env, dir, stack);
        for (const plain of [...PLAIN, String(issued?.value)]) {
            assert.equal(state.includes(plain), false, `${plain.slice(0, 12)}… is in the state in plaintext`);
        }
        // The inputs are there, as secrets: the engine keeps them encrypted.
        const token = (
            JSON.parse(state) as { deployment: { resources: { type: string; inputs?: { azureNative?: Record<string, unknown> } }[] } }
        ).deployment.resources.find((r) => r.type === "apim-gateway:index:GatewayToken");
        assert.deepEqual(Object.keys(token?.inputs?.azureNative ?? {}).sort(), ["clientCertificatePassword", "oidcRequestToken"]);
        for (const v of Object.values(token?.inputs?.azureNative ?? {})) {
            assert.equal((v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        }

        const destroy = await inline(env, { op: "destroy", stack, project: PROJECT, workDir: dir, program: PROGRAM });
        assert.equal(destroy.result.ok, true, destroy.result.error);
    });
});
