// Secret hygiene: with fake secrets in play, scan every registered resource's inputs, every stack
// output and every captured log line, in a preview and in an update, for dev and prod. The secret
// bytes may appear only inside the Kubernetes Secret (marked secret) and the token resource's
// secret output.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SelfHostedGateway } from "../components";
import { CLOCK, NEXT_WINDOW_CLOCK, SECRET_SIG } from "./expected";
import { buildComponent, FAKE_TOKEN_MARKER, Registered, runProgram, stackConfig } from "./harness";

/** Every fake secret the mocks hand out, by a marker that appears in nothing else. */
const MARKERS = [FAKE_TOKEN_MARKER];

function holders(resources: Registered[]): string[] {
    return resources.filter((r) => MARKERS.some((m) => JSON.stringify(r.inputs).includes(m))).map((r) => `${r.type}::${r.name}`);
}

/** Paths (inside a value) where a marker appears, and whether each sits inside a secret wrapper. */
function placements(v: unknown, path = "", inSecret = false): { path: string; secret: boolean }[] {
    if (typeof v === "string") return MARKERS.some((m) => v.includes(m)) ? [{ path, secret: inSecret }] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => placements(x, `${path}[${i}]`, inSecret));
    if (typeof v === "object" && v !== null) {
        const o = v as Record<string, unknown>;
        const wrapped = inSecret || SECRET_SIG in o;
        return Object.entries(o).flatMap(([k, x]) => placements(x, path ? `${path}.${k}` : k, wrapped));
    }
    return [];
}

describe("secret hygiene", () => {
    for (const stack of ["dev", "prod"]) {
        for (const mode of ["preview", "update"] as const) {
            it(`${stack} ${mode}: the token appears only in the Secret, wrapped as secret; never in outputs or logs`, async () => {
                const run = await runProgram(stackConfig(stack), NEXT_WINDOW_CLOCK, stack, { preview: mode === "preview" });
                const gw = `apim-gw-${stack}`;
                assert.deepEqual(holders(run.resources), [`kubernetes:core/v1:Secret::${gw}-token-secret`]);
                const secret = run.resources.find((r) => r.name === `${gw}-token-secret`) as Registered;
                assert.deepEqual(placements(secret.inputs), [{ path: "stringData.value.value", secret: true }]);
                assert.equal(
                    MARKERS.some((m) => JSON.stringify(run.outputs).includes(m)),
                    false,
                );
                assert.deepEqual(run.secretOutputs, []);
                // The rotation notice comes from the token's provider (tests/tokenProvider.test.ts), not the program.
                assert.deepEqual(
                    run.logs.filter((l) => /token/i.test(l)),
                    [],
                );
                assert.deepEqual(
                    run.logs.filter((l) => MARKERS.some((m) => l.includes(m))),
                    [],
                );
            });
        }
    }

    it("the token resource declares `value` a secret output, and the Secret's data is secret", async () => {
        const seen: Record<string, string[] | undefined> = {};
        const { built } = await buildComponent(() => {
            const gw = new SelfHostedGateway(
                "gw",
                {
                    apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } },
                    namespace: { name: "gw", podSecurityLevel: "restricted" },
                },
                { transformations: [(a) => void (seen[a.name] = (a.opts as pulumi.CustomResourceOptions).additionalSecretOutputs)] },
            );
            return { gw, d: gw.deploymentName };
        }, CLOCK);
        assert.deepEqual(seen["gw-token"], ["value"]);
        // No public output of the component is secret or carries the token.
        for (const key of [
            "namespaceName",
            "configurationEndpoint",
            "tokenExpiry",
            "tokenRotatesAfter",
            "tokenKeyType",
            "secretName",
        ] as const) {
            assert.equal(await pulumi.isSecret(built.gw[key]), false, key);
        }
    });
});
