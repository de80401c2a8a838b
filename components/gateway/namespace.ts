// Kubernetes: the dedicated namespace (created, or an existing one whose name is checked).
import * as k8s from "@pulumi/kubernetes";
import { namespaceLabels } from "../specs";
import type { SelfHostedGateway } from "../selfHostedGateway";
import type { NamespaceStage, Plan } from "./types";

// `self` is the parent of the namespace (through `p.child`); taken like every stage's, for one calling convention.
export function createNamespace(_self: SelfHostedGateway, p: Plan): NamespaceStage {
    const { name, args, s, child } = p;
    if (!s.createNamespace) {
        return { namespaceName: p.checked("namespace.name", args.namespace.name, "dnsLabel") };
    }
    const level = args.namespace.podSecurityLevel;
    const namespace = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        {
            metadata: {
                name: p.checked("namespace.name", args.namespace.name, "dnsLabel"),
                labels: { ...p.labels, ...namespaceLabels(level) },
                ...p.annotations,
            },
        },
        child,
    );
    return { namespace, namespaceName: namespace.metadata.name };
}
