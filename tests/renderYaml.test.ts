// `apim-gateway:renderYamlTo`: the Kubernetes side is rendered to a directory by a Kubernetes provider
// with `renderYamlToDirectory`, passed to the component so that every Kubernetes child uses it.
import { strict as assert } from "assert";
import { renderDirProblems } from "../components/validation";
import { CLOCK } from "./expected";
import { one, programError, registered, runProgram, stackConfig } from "./harness";

const RENDERER = "urn:pulumi:prod::apim-gateway::pulumi:providers:kubernetes::apim-gw-prod-render-yaml::apim-gw-prod-render-yaml-id";

/** The KubernetesTarget's own instance of this package's provider, as the mock names its reference. */
const TARGET_PROVIDER =
    "urn:pulumi:prod::apim-gateway::pulumi:providers:apim-gateway::apim-gw-prod-kubernetes-target-provider::apim-gw-prod-kubernetes-target-provider-id";

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
            "pulumi:providers:apim-gateway::apim-gw-prod-kubernetes-target-provider -> default",
            `apim-gateway:index:KubernetesTarget::apim-gw-prod-kubernetes-target -> ${TARGET_PROVIDER}`,
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

    it("records where the Kubernetes side goes in a KubernetesTarget, and exports it", async () => {
        // The refusal to switch a stack that has deployed to a cluster is that resource's provider's check, which
        // sees the last recorded target (tests/kubernetesTarget.test.ts); the program reads no state of its own.
        const rendered = await runProgram({ ...stackConfig("prod"), "apim-gateway:renderYamlTo": "rendered/prod" }, CLOCK, "prod");
        assert.deepEqual(one(rendered.resources, "apim-gateway:index:KubernetesTarget").inputs, { target: "yaml:rendered/prod" });
        assert.equal(rendered.outputs.kubernetesTarget, "yaml:rendered/prod");
        const applied = await runProgram(stackConfig("prod"), CLOCK, "prod");
        assert.deepEqual(one(applied.resources, "apim-gateway:index:KubernetesTarget").inputs, { target: "cluster" });
        assert.equal(applied.outputs.kubernetesTarget, "cluster");
        assert.deepEqual(
            [...rendered.resources, ...applied.resources].filter((r) => r.type === "pulumi:pulumi:StackReference"),
            [],
        );
    });

    it("renders the same objects as an apply, with the same inputs", async () => {
        const applied = await runProgram(stackConfig("prod"), CLOCK, "prod");
        const rendered = await runProgram({ ...stackConfig("prod"), "apim-gateway:renderYamlTo": "out" }, CLOCK, "prod");
        const k8sOf = (rs: typeof applied.resources) =>
            rs.filter((r) => r.type.startsWith("kubernetes:")).map((r) => [r.type, r.name, r.inputs]);
        assert.deepEqual(k8sOf(rendered.resources), k8sOf(applied.resources));
        assert.deepEqual(
            applied.resources.filter((r) => r.provider !== undefined).map((r) => `${r.type}::${r.name} -> ${r.provider}`),
            [
                `apim-gateway:index:KubernetesTarget::apim-gw-prod-kubernetes-target -> ${TARGET_PROVIDER}`,
                `apim-gateway:index:GatewayToken::apim-gw-prod-token -> ${TOKEN_PROVIDER}`,
            ],
            "without renderYamlTo every resource but this package's two (each its own provider instance) uses its default provider",
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
