// What the e2e scenarios read back from the apiserver: the gateway's Deployment, its pods and their zones,
// the Secret and ConfigMap it reads, its claim, and a watcher of availability during a rollout.
import * as fs from "fs";
import { Kube, ObjectList } from "../env/kube";

export interface Deployment {
    metadata: { name: string; namespace: string; generation?: number; annotations?: Record<string, string> };
    spec: {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        strategy?: { rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
        template: {
            metadata?: { annotations?: Record<string, string> };
            spec: {
                containers: {
                    env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
                    envFrom?: { configMapRef?: { name: string } }[];
                    volumeMounts?: { name: string; mountPath: string }[];
                }[];
                volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
            };
        };
    };
    status?: {
        replicas?: number;
        availableReplicas?: number;
        updatedReplicas?: number;
        readyReplicas?: number;
        observedGeneration?: number;
        conditions?: { type: string; status: string }[];
    };
}

export interface Pod {
    metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { name: string }[]; deletionTimestamp?: string };
    spec: { nodeName?: string; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
    status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

export const deployment = (kube: Kube, ns: string, name: string) =>
    kube.get<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);

export async function podsOf(kube: Kube, d: Deployment): Promise<Pod[]> {
    const selector = Object.entries(d.spec.selector.matchLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    const pods = await kube.get<ObjectList<Pod>>(
        `/api/v1/namespaces/${d.metadata.namespace}/pods?labelSelector=${encodeURIComponent(selector)}`,
    );
    return pods.items.filter((p) => !p.metadata.deletionTimestamp);
}

export async function zoneOf(kube: Kube, node: string): Promise<string> {
    const n = await kube.get<{ metadata: { labels: Record<string, string> } }>(`/api/v1/nodes/${node}`);
    return n.metadata.labels["topology.kubernetes.io/zone"];
}

/** The Secret and key the gateway container reads `config.service.auth` from. */
export function tokenSecretRef(d: Deployment): { name: string; key: string } | undefined {
    const env = d.spec.template.spec.containers[0].env ?? [];
    return env.find((e) => e.name === "config.service.auth")?.valueFrom?.secretKeyRef;
}

export async function secretValue(kube: Kube, ns: string, name: string, key: string): Promise<string> {
    const s = await kube.get<{ data: Record<string, string> }>(`/api/v1/namespaces/${ns}/secrets/${name}`);
    return Buffer.from(s.data[key], "base64").toString("utf8");
}

export async function configMapData(kube: Kube, ns: string, d: Deployment): Promise<Record<string, string>> {
    const name = d.spec.template.spec.containers[0].envFrom?.find((e) => e.configMapRef)?.configMapRef?.name;
    if (!name) throw new Error("the Deployment reads no ConfigMap");
    return (await kube.get<{ data: Record<string, string> }>(`/api/v1/namespaces/${ns}/configmaps/${name}`)).data;
}

export const isAvailable = (d: Deployment) =>
    (d.status?.conditions ?? []).some((c) => c.type === "Available" && c.status === "True") &&
    d.status?.availableReplicas === d.spec.replicas &&
    d.status?.updatedReplicas === d.spec.replicas &&
    (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);

/** Polls a Deployment until stopped; records the fewest available replicas seen and the ReplicaSets it went through. */
export function watchAvailability(kube: Kube, ns: string, name: string, everyMs = 100) {
    let min = Number.POSITIVE_INFINITY;
    let samples = 0;
    let running = true;
    const loop = (async () => {
        while (running) {
            try {
                const d = await deployment(kube, ns, name);
                min = Math.min(min, d.status?.availableReplicas ?? 0);
                samples++;
            } catch {
                /* not there yet */
            }
            await new Promise((r) => setTimeout(r, everyMs));
        }
    })();
    return {
        async stop() {
            running = false;
            await loop;
            return { minAvailable: min, samples };
        },
    };
}

/** generateToken calls in the fake ARM's request log. */
export function generateTokenCalls(logPath: string): { path: string; body: { keyType: string; expiry: string }; status: number }[] {
    return fs
        .readFileSync(logPath, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { operation: string; path: string; body: { keyType: string; expiry: string }; status: number })
        .filter((e) => e.operation === "generateToken");
}

/** Every object in a namespace of the kinds the component creates (to prove a clean-up). */
export async function leftovers(kube: Kube, ns: string): Promise<string[]> {
    const kinds = [
        ["apps/v1", "deployments"],
        ["apps/v1", "replicasets"],
        ["v1", "pods"],
        ["v1", "secrets"],
        ["v1", "configmaps"],
        ["v1", "services"],
        ["v1", "persistentvolumeclaims"],
        ["policy/v1", "poddisruptionbudgets"],
    ];
    const out: string[] = [];
    for (const [group, kind] of kinds) {
        const base = group === "v1" ? "/api/v1" : `/apis/${group}`;
        const list = await kube.find<ObjectList<{ metadata: { name: string } }>>(`${base}/namespaces/${ns}/${kind}`);
        for (const o of list?.items ?? []) {
            if (kind === "configmaps" && o.metadata.name === "kube-root-ca.crt") continue;
            out.push(`${kind}/${o.metadata.name}`);
        }
    }
    return out;
}
