// The KubernetesTarget resource's provider logic, served by this package's provider plugin: the record, in the
// stack's own state, of where the stack's Kubernetes objects go ("cluster", or "yaml:<dir>" with
// `apim-gateway:renderYamlTo`), and the guard on switching it.
//
// Switching a stack that has applied to a cluster over to rendering would make Pulumi replace, i.e. delete, the live
// objects (their provider changes). The engine hands `check` this resource's inputs from the last update (`olds`), so
// the refusal needs nothing but what the engine already knows: no read of the stack's checkpoint while the engine
// writes it. A check failure stops a preview and an update before anything changes.
import type * as provider from "@pulumi/pulumi/provider";
import { stackOfUrn } from "../token/provider";

export const CLUSTER_TARGET = "cluster";
/** The target when the Kubernetes objects are rendered to `dir`. */
export const yamlTarget = (dir: string): string => `yaml:${dir}`;

/** Why the stack may not move from `previous` to `next`, or undefined when it may. */
export function targetSwitchProblem(previous: unknown, next: unknown, stack: string): string | undefined {
    if (previous !== CLUSTER_TARGET || typeof next !== "string" || !next.startsWith("yaml:")) return undefined;
    return (
        `renderYamlTo: stack '${stack}' has deployed the gateway to a cluster; rendering from it would delete the live ` +
        `Kubernetes objects (their provider would change). Render from a stack of its own: pulumi stack init ${stack}-gitops, ` +
        `copy this stack's config there, and set apim-gateway:renderYamlTo on that stack only.`
    );
}

/** Checks a target: a string, "cluster" or "yaml:<dir>". */
function targetFailures(target: unknown): provider.CheckFailure[] {
    if (typeof target === "string" && (target === CLUSTER_TARGET || /^yaml:\S/.test(target))) return [];
    return [{ property: "target", reason: `got ${JSON.stringify(target)}; expected "cluster" or "yaml:<directory>"` }];
}

/** The resource provider methods for KubernetesTarget. */
export function kubernetesTargetMethods() {
    return {
        async check(olds: unknown, news: unknown, urn: string): Promise<provider.CheckResult> {
            const next = (news as { target?: unknown } | undefined)?.target;
            const failures = targetFailures(next);
            const problem = targetSwitchProblem((olds as { target?: unknown } | undefined)?.target, next, stackOfUrn(urn));
            // No property: the engine prints the reason as it is ("<type> resource '<name>' has a problem: <reason>").
            if (problem !== undefined) failures.push({ property: "", reason: problem });
            return { inputs: news, failures };
        },
        async diff(olds: unknown, news: unknown): Promise<provider.DiffResult> {
            const changed = (olds as { target?: unknown }).target !== (news as { target?: unknown }).target;
            return { changes: changed, replaces: [], deleteBeforeReplace: false };
        },
        async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
            return { id: urn.split("::").pop() ?? "kubernetes-target", outs: { target: (inputs as { target: string }).target } };
        },
        async update(news: unknown): Promise<provider.UpdateResult> {
            return { outs: { target: (news as { target: string }).target } };
        },
        async read(id: string, props: unknown): Promise<provider.ReadResult> {
            // Nothing outside the state records it.
            return { id, props };
        },
        async delete(): Promise<void> {
            // Nothing to delete outside the state.
        },
    };
}
