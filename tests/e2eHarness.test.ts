// Pure parts of the e2e harness that users meet: the state backend APIM_E2E_BACKEND picks, the azblob:// URL it
// gives Pulumi, and the engine's error that `npm run e2e:pulumi` prints when a run fails.
import { strict as assert } from "assert";
import { azblobBackendUrl } from "../e2e/env/azurite";
import { backendFromEnv } from "../e2e/env/environment";
import { engineError } from "../e2e/harness/pulumi";

const LOCK =
    "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
    "  azblob://pulumi-state/.pulumi/locks/organization/apim-gateway/dev/28fb.json?localemu=true: created by root@vm (pid 26392) at 2026-12-06T04:13:54Z";

describe("e2e harness", () => {
    it("APIM_E2E_BACKEND: file by default, azblob on request, anything else refused naming the values", () => {
        assert.equal(backendFromEnv(undefined), "file");
        assert.equal(backendFromEnv(""), "file");
        assert.equal(backendFromEnv("file"), "file");
        assert.equal(backendFromEnv("azblob"), "azblob");
        assert.throws(() => backendFromEnv("s3"), {
            message: 'APIM_E2E_BACKEND: got "s3"; expected "file" (the default) or "azblob" (Azurite)',
        });
    });

    it("points Pulumi's azblob driver at the emulator by path, over http, on loopback", () => {
        assert.equal(azblobBackendUrl("pulumi-state", 41234), "azblob://pulumi-state?localemu=true&domain=127.0.0.1:41234&protocol=http");
    });

    it("e2e:pulumi prints the engine's error, without the Automation API's wrapping", () => {
        // As the Automation API reported a run refused by the stack's lock on Azurite.
        assert.equal(
            engineError(
                "Command failed with exit code 1: pulumi up --yes --skip-preview --client=127.0.0.1:33857 --exec-kind auto.inline --stack dev --non-interactive\n" +
                    LOCK,
            ),
            LOCK,
        );
        // As the Automation API reported it to the e2e suite: the same, wrapped once more.
        const command =
            "Command failed with exit code 1: pulumi up --yes --skip-preview --client=127.0.0.1:35847 --stack race --non-interactive";
        assert.equal(engineError(`code: -2\n stdout: \n stderr: ${command}\n${LOCK}\n err?: Error: ${command}\n${LOCK}\n`), LOCK);
        assert.equal(engineError(`code: 255\n stdout: Updating (dev)\n stderr: ${LOCK}\n\n err?: Error: exit status 255\n`), LOCK);
        assert.equal(engineError("the runner exited with 1 and wrote no result"), "the runner exited with 1 and wrote no result");
        assert.equal(engineError(undefined), "(no reason given)");
    });
});
