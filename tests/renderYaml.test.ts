// `apim-gateway:renderYamlTo`: the Kubernetes side is rendered to a directory by a Kubernetes provider
// with `renderYamlToDirectory`, passed to the component so that every Kubernetes child uses it.
import { strict as assert } from "assert";
import { renderDirProblems } from "../components/validation";
import { CLOCK } from "./expected";
import { one, programError, registered, runProgram, stackConfig } from "./harness";

const RENDERER = "urn:pulumi:prod::apim-gateway::pulumi:providers:kubernetes::apim-gw-prod-render-yaml::apim-gw-prod-render-yaml-id";

/** The token's own instance of this package's provider, as the mock names its reference. */
const TOKEN_PROVIDER =
    "urn:pulumi:prod::apim-gateway::apim-gateway:index:SelfHostedGateway$pulumi:providers:apim-gateway::apim-gw-prod-token-provider::apim-gw-prod-token-provider-id";

describe("renderYamlTo (GitOps rendering)", () => {
    it("renders every Kubernetes object through one provider with renderYamlToDirectory; Azure is still applied", async () => {
        const run = await runProgram({ ...stackConfig("prod"), "apim-gateway:renderYamlTo": "rendered/prod" }, CLOCK, "prod");
        const renderer = one(run.resources, "pulumi:providers:kubernetes");
        assert.equal(renderer.name, "apim-gw-prod-render-yaml");
        assert.equal(renderer.inputs.renderYamlToDirectory, "rendered/prod");
        // Never filled in from $KUBECONFIG: the Kubernetes provider refuses a kubeconfig together with rendering.
        assert.equal(renderer.inputs.kubeconfig, "");
        const byProvider = run.resources
            .filter((r) => r.type !== "pulumi:providers:kubernetes")
            .map((r) => `${r.type}::${r.name} -> ${r.provider ?? "default"}`);
        assert.deepEqual(byProvider, [
            "pulumi:pulumi:StackReference::apim-gw-prod-previous -> default",
            "apim-gateway:index:SelfHostedGateway::apim-gw-prod -> default",
            "pulumi:providers:apim-gateway::apim-gw-prod-token-provider -> default",
            `kubernetes:core/v1:Namespace::apim-gw-prod-namespace -> ${RENDERER}`,
            `kubernetes:core/v1:ConfigMap::apim-gw-prod-env -> ${RENDERER}`,
            `kubernetes:core/v1:PersistentVolumeClaim::apim-gw-prod-config-backup -> ${RENDERER}`,
            `kubernetes:core/v1:Service::apim-gw-prod-instance-discovery -> ${RENDERER}`,
            `kubernetes:core/v1:Service::apim-gw-prod-live-traffic -> ${RENDERER}`,
            `kubernetes:policy/v1:PodDisruptionBudget::apim-gw-prod-pdb -> ${RENDERER}`,
            "azure-native:apimanagement:Gateway::apim-gw-prod-gateway -> default",
            `apim-gateway:index:GatewayToken::apim-gw-prod-token -> ${TOKEN_PROVIDER}`,
            `kubernetes:core/v1:Secret::apim-gw-prod-token-secret -> ${RENDERER}`,
            `kubernetes:apps/v1:Deployment::apim-gw-prod-deployment -> ${RENDERER}`,
        ]);
        assert.deepEqual(run.logs, [
            "warning: [runtime] renderYamlTo: Kubernetes objects are written to rendered/prod, not applied; the token Secret is written there in plaintext. " +
                "Keep that directory out of git, or see docs/gitops.md.",
        ]);
    });

    it("exports where the Kubernetes side went, and refuses to switch a stack that has deployed to a cluster", async () => {
        const config = { ...stackConfig("prod"), "apim-gateway:renderYamlTo": "rendered/prod" };
        assert.equal((await runProgram(config, CLOCK, "prod")).outputs.kubernetesTarget, "yaml:rendered/prod");
        const again = await runProgram(config, CLOCK, "prod", {
            previousOutputs: { kubernetesTarget: "yaml:rendered/prod", deploymentName: "apim-gw-prod" },
        });
        assert.equal(again.outputs.kubernetesTarget, "yaml:rendered/prod");
        assert.equal((await runProgram(stackConfig("prod"), CLOCK, "prod")).outputs.kubernetesTarget, "cluster");
        for (const previousOutputs of [
            { kubernetesTarget: "cluster", deploymentName: "apim-gw-prod" },
            { deploymentName: "apim-gw-prod" },
        ]) {
            assert.equal(
                await programError(config, CLOCK, "prod", { previousOutputs, preview: true, registers: true }),
                // The render provider's directory waits for this check, so no file is written when it fails.
                'error serializing property "renderYamlToDirectory": ' +
                    "renderYamlTo: stack 'prod' has deployed the gateway to a cluster; rendering from it would delete the live Kubernetes objects " +
                    "(their provider would change). Render from a stack of its own: pulumi stack init prod-gitops, copy this stack's config " +
                    "there, and set apim-gateway:renderYamlTo on that stack only.",
            );
        }
    });

    it("renders the same objects as an apply, with the same inputs", async () => {
        const applied = await runProgram(stackConfig("prod"), CLOCK, "prod");
        const rendered = await runProgram({ ...stackConfig("prod"), "apim-gateway:renderYamlTo": "out" }, CLOCK, "prod");
        const k8sOf = (rs: typeof applied.resources) =>
            rs.filter((r) => r.type.startsWith("kubernetes:")).map((r) => [r.type, r.name, r.inputs]);
        assert.deepEqual(k8sOf(rendered.resources), k8sOf(applied.resources));
        assert.deepEqual(
            applied.resources.filter((r) => r.provider !== undefined).map((r) => `${r.type}::${r.name} -> ${r.provider}`),
            [`apim-gateway:index:GatewayToken::apim-gw-prod-token -> ${TOKEN_PROVIDER}`],
            "without renderYamlTo every resource but the token (its own provider instance) uses its default provider",
        );
        assert.deepEqual(applied.logs, []);
    });

    it("rejects an empty or non-path value with one RunError naming the key, before anything is registered", async () => {
        for (const [value, shown] of [
            ["", '""'],
            ["  ", '"  "'],
            ['{"dir":"x"}', '{"dir":"x"}'],
            ["true", "true"],
        ]) {
            assert.equal(
                await programError({ ...stackConfig("prod"), "apim-gateway:renderYamlTo": value }, CLOCK, "prod"),
                "Stack config 'apim-gateway:renderYamlTo' of stack 'prod' is invalid (1 problem):\n" +
                    `  - renderYamlTo: got ${shown}; expected a directory path such as "rendered/prod" (relative to the project), ` +
                    "or remove renderYamlTo to apply to the cluster\n" +
                    "Fix it in Pulumi.prod.yaml (see docs/configuration.md).",
            );
            assert.deepEqual(registered, []);
        }
    });

    it("the check itself refuses an empty value, and JSON that is not a string or a number, naming the key", () => {
        // (The stack program runs the compiled package; this checks the source directly, for the mutation run too.)
        const hint = (key: string) =>
            `expected a directory path such as "rendered/prod" (relative to the project), or remove ${key} to apply to the cluster`;
        assert.deepEqual(renderDirProblems(""), [`renderYamlTo: got ""; ${hint("renderYamlTo")}`]);
        assert.deepEqual(renderDirProblems(" \t"), [`renderYamlTo: got " \\t"; ${hint("renderYamlTo")}`]);
        assert.deepEqual(renderDirProblems('{"dir":"x"}'), [`renderYamlTo: got {"dir":"x"}; ${hint("renderYamlTo")}`]);
        assert.deepEqual(renderDirProblems("[1]"), [`renderYamlTo: got [1]; ${hint("renderYamlTo")}`]);
        assert.deepEqual(renderDirProblems("null"), [`renderYamlTo: got null; ${hint("renderYamlTo")}`]);
        assert.deepEqual(renderDirProblems("false"), [`renderYamlTo: got false; ${hint("renderYamlTo")}`]);
        assert.deepEqual(renderDirProblems("", "gitops.dir"), [`gitops.dir: got ""; ${hint("gitops.dir")}`]);
    });

    it("accepts any non-empty path", () => {
        assert.deepEqual(renderDirProblems(undefined), []);
        assert.deepEqual(renderDirProblems("rendered"), []);
        assert.deepEqual(renderDirProblems("/srv/gitops/apim"), []);
        assert.deepEqual(renderDirProblems("2026"), []);
    });
});
