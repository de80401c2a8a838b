// The KubernetesTarget resource's provider: where a stack's Kubernetes objects go, and the refusal to switch a stack
// that has applied to a cluster over to rendering YAML, from the last inputs the engine hands its check. In-process,
// and served by the plugin process as the engine calls it.
import { strict as assert } from "assert";
import { kubernetesTargetMethods, targetSwitchProblem } from "../components/kubernetesTarget/provider";
import { KUBERNETES_TARGET_TYPE } from "../components/typeTokens";
import { startPlugin } from "./servedPlugin";

const URN = `urn:pulumi:prod::apim-gateway::${KUBERNETES_TARGET_TYPE}::apim-gw-prod-kubernetes-target`;
const REFUSAL =
    "renderYamlTo: stack 'prod' has deployed the gateway to a cluster; rendering from it would delete the live Kubernetes objects " +
    "(their provider would change). Render from a stack of its own: pulumi stack init prod-gitops, copy this stack's config " +
    "there, and set apim-gateway:renderYamlTo on that stack only.";

describe("KubernetesTarget provider (the render guard)", () => {
    const methods = kubernetesTargetMethods();

    it("refuses to switch a stack that has deployed to a cluster over to rendering, naming the stack and what to do", async () => {
        assert.deepEqual(await methods.check({ target: "cluster" }, { target: "yaml:rendered/prod" }, URN), {
            inputs: { target: "yaml:rendered/prod" },
            failures: [{ property: "", reason: REFUSAL }],
        });
        assert.equal(targetSwitchProblem("cluster", "yaml:out", "prod"), REFUSAL.replace("rendered/prod", "out"));
    });

    it("accepts a first deployment either way, staying put, changing directory, and going back to a cluster", async () => {
        for (const [olds, target] of [
            [{}, "cluster"],
            [{}, "yaml:rendered/prod"],
            [{ target: "cluster" }, "cluster"],
            [{ target: "yaml:rendered/prod" }, "yaml:rendered/prod"],
            [{ target: "yaml:rendered/prod" }, "yaml:elsewhere"],
            [{ target: "yaml:rendered/prod" }, "cluster"],
        ] as const) {
            assert.deepEqual(
                await methods.check(olds, { target }, URN),
                { inputs: { target }, failures: [] },
                `${JSON.stringify(olds)} -> ${target}`,
            );
        }
    });

    it("checks the target itself", async () => {
        for (const target of [undefined, "", "yaml:", "kubernetes", 3]) {
            assert.deepEqual((await methods.check({}, { target }, URN)).failures, [
                { property: "target", reason: `got ${JSON.stringify(target)}; expected "cluster" or "yaml:<directory>"` },
            ]);
        }
    });

    it("records the target in state: created, updated in place (never replaced), read back as stored, nothing to delete", async () => {
        assert.deepEqual(await methods.create(URN, { target: "cluster" }), {
            id: "apim-gw-prod-kubernetes-target",
            outs: { target: "cluster" },
        });
        assert.deepEqual(await methods.diff({ target: "cluster" }, { target: "cluster" }), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
        assert.deepEqual(await methods.diff({ target: "yaml:a" }, { target: "cluster" }), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
        assert.deepEqual(await methods.update({ target: "yaml:b" }), { outs: { target: "yaml:b" } });
        assert.deepEqual(await methods.read("x", { target: "cluster" }), { id: "x", props: { target: "cluster" } });
        assert.equal(await methods.delete(), undefined);
    });

    it("is served by the plugin process: the engine gets the refusal as the check's failure", async () => {
        const plugin = await startPlugin();
        try {
            assert.deepEqual(await plugin.check(URN, { target: "yaml:rendered/prod" }, { target: "cluster" }), {
                inputs: { target: "yaml:rendered/prod" },
                failures: [{ property: "", reason: REFUSAL }],
            });
            assert.deepEqual(await plugin.create(URN, { target: "cluster" }), {
                id: "apim-gw-prod-kubernetes-target",
                properties: { target: "cluster" },
            });
        } finally {
            plugin.stop();
        }
    });
});
