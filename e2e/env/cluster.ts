// A real Kubernetes control plane on loopback for the e2e suite: etcd, kube-apiserver (RBAC, the default
// admission plugins with PodSecurity and ServiceAccount), kube-controller-manager, kube-scheduler, and kwok
// driving three fake nodes in three zones, so Deployments really roll out. Two small stand-ins do what a cloud
// would: a volume provisioner (every StorageClass here, ReadWriteOnce and ReadWriteMany) and a load-balancer
// controller that gives LoadBalancer Services a (loopback) address.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { Ca, makeCa, makeKeyPair, makeLeaf } from "./certs";
import { Kube, ObjectList, waitFor } from "./kube";

export const ZONES = ["zone-a", "zone-b", "zone-c"];
export const PROVISIONER = "e2e.apim-gateway.test/hostpath";
/** The StorageClasses the cluster offers: the default, and the AKS names the stack files use. */
export const STORAGE_CLASSES = ["standard", "azurefile-csi", "managed-csi"];

export interface Cluster {
    kubeconfig: string;
    kube: Kube;
    ca: Ca;
    dir: string;
    stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

interface Proc {
    name: string;
    child: ChildProcess;
}

function start(name: string, bin: string, args: string[], dir: string, procs: Proc[]): Proc {
    const log = fs.openSync(path.join(dir, `${name}.log`), "a");
    const child = spawn(bin, args, { stdio: ["ignore", log, log], detached: false });
    const p = { name, child };
    procs.push(p);
    child.on("exit", (code, signal) => {
        fs.appendFileSync(path.join(dir, `${name}.log`), `\n[e2e] ${name} exited: code ${code} signal ${signal}\n`);
    });
    return p;
}

async function stopAll(procs: Proc[]): Promise<void> {
    for (const p of [...procs].reverse()) {
        if (p.child.exitCode === null && p.child.signalCode === null) {
            const exited = new Promise<void>((r) => p.child.once("exit", () => r()));
            p.child.kill("SIGTERM");
            const timer = setTimeout(() => p.child.kill("SIGKILL"), 5000);
            await exited;
            clearTimeout(timer);
        }
    }
}

function kubeconfigFor(server: string, caFile: string, token: string, user: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: e2e",
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority: ${caFile}`,
        "users:",
        `- name: ${user}`,
        "  user:",
        `    token: ${token}`,
        "contexts:",
        "- name: e2e",
        "  context:",
        "    cluster: e2e",
        `    user: ${user}`,
        "current-context: e2e",
        "",
    ].join("\n");
}

/**
 * Starts the cluster in `dir` with binaries from `bin`; resolves when nodes are Ready and the default ServiceAccount
 * exists. Once `signal` aborts, it stops what it started and rejects.
 */
export async function startCluster(dir: string, bin: string, signal?: AbortSignal): Promise<Cluster> {
    fs.mkdirSync(dir, { recursive: true });
    const procs: Proc[] = [];
    let loop: NodeJS.Timeout | undefined;
    const stop = async () => {
        if (loop) clearInterval(loop);
        await stopAll(procs);
    };
    try {
        const pki = path.join(dir, "pki");
        const ca = makeCa(pki, "apim-gateway e2e cluster CA");
        const serving = makeLeaf(pki, ca, "apiserver", "/CN=kube-apiserver", [
            "DNS:kubernetes",
            "DNS:kubernetes.default.svc",
            "IP:10.96.0.1",
        ]);
        const sa = makeKeyPair(pki, "service-account");
        const adminToken = `e2e-admin-${Math.random().toString(36).slice(2)}`;
        const componentToken = `e2e-components-${Math.random().toString(36).slice(2)}`;
        const tokens = path.join(pki, "tokens.csv");
        fs.writeFileSync(
            tokens,
            `${adminToken},e2e-admin,e2e-admin,"system:masters"\n${componentToken},e2e-components,e2e-components,"system:masters"\n`,
            {
                mode: 0o600,
            },
        );

        const [etcdClient, etcdPeer, apiPort, cmPort, schedPort, kwokPort] = await Promise.all([
            freePort(),
            freePort(),
            freePort(),
            freePort(),
            freePort(),
            freePort(),
        ]);
        start(
            "etcd",
            path.join(bin, "etcd"),
            [
                "--name=e2e",
                `--data-dir=${path.join(dir, "etcd")}`,
                `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
                `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
                `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
                `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
                `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
                "--unsafe-no-fsync",
                "--log-level=warn",
            ],
            dir,
            procs,
        );
        const server = `https://127.0.0.1:${apiPort}`;
        start(
            "kube-apiserver",
            path.join(bin, "kube-apiserver"),
            [
                `--etcd-servers=http://127.0.0.1:${etcdClient}`,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                `--secure-port=${apiPort}`,
                `--tls-cert-file=${serving.cert}`,
                `--tls-private-key-file=${serving.key}`,
                `--client-ca-file=${ca.cert}`,
                `--token-auth-file=${tokens}`,
                "--authorization-mode=RBAC",
                `--service-account-issuer=${server}`,
                `--service-account-key-file=${sa.publicKey}`,
                `--service-account-signing-key-file=${sa.privateKey}`,
                "--service-cluster-ip-range=10.96.0.0/16",
                "--endpoint-reconciler-type=none",
                "--enable-priority-and-fairness=false",
                "--profiling=false",
                "--allow-privileged=true",
            ],
            dir,
            procs,
        );
        const kube = new Kube({ server, token: adminToken, caFile: ca.cert });
        await waitFor(
            "the apiserver to be healthy",
            async () => ((await kube.request<string>("GET", "/readyz")) ? true : undefined),
            120_000,
            500,
            signal,
        );

        const kubeconfig = path.join(dir, "kubeconfig");
        fs.writeFileSync(kubeconfig, kubeconfigFor(server, ca.cert, adminToken, "e2e-admin"), { mode: 0o600 });
        const componentsConfig = path.join(dir, "components.kubeconfig");
        fs.writeFileSync(componentsConfig, kubeconfigFor(server, ca.cert, componentToken, "e2e-components"), { mode: 0o600 });

        start(
            "kube-controller-manager",
            path.join(bin, "kube-controller-manager"),
            [
                `--kubeconfig=${componentsConfig}`,
                `--authentication-kubeconfig=${componentsConfig}`,
                `--authorization-kubeconfig=${componentsConfig}`,
                "--bind-address=127.0.0.1",
                `--secure-port=${cmPort}`,
                "--leader-elect=false",
                `--service-account-private-key-file=${sa.privateKey}`,
                `--root-ca-file=${ca.cert}`,
                "--use-service-account-credentials=false",
                "--controllers=*,-node-ipam-controller",
                "--concurrent-deployment-syncs=5",
                "--node-monitor-grace-period=120s",
            ],
            dir,
            procs,
        );
        start(
            "kube-scheduler",
            path.join(bin, "kube-scheduler"),
            [
                `--kubeconfig=${componentsConfig}`,
                `--authentication-kubeconfig=${componentsConfig}`,
                `--authorization-kubeconfig=${componentsConfig}`,
                "--bind-address=127.0.0.1",
                `--secure-port=${schedPort}`,
                "--leader-elect=false",
            ],
            dir,
            procs,
        );
        start(
            "kwok",
            path.join(bin, "kwok"),
            [
                `--kubeconfig=${componentsConfig}`,
                `--config=${path.join(bin, "..", "share", "kwok-stages.yaml")}`,
                "--manage-all-nodes=false",
                "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
                "--cidr=10.244.0.0/16",
                "--node-ip=127.0.0.1",
                "--server-address=127.0.0.1:" + kwokPort,
            ],
            dir,
            procs,
        );

        for (const [i, zone] of ZONES.entries()) {
            const name = `e2e-node-${String.fromCharCode(97 + i)}`;
            await kube.create("/api/v1/nodes", {
                apiVersion: "v1",
                kind: "Node",
                metadata: {
                    name,
                    annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
                    labels: {
                        "kubernetes.io/hostname": name,
                        "kubernetes.io/os": "linux",
                        "kubernetes.io/arch": "amd64",
                        "topology.kubernetes.io/region": "e2e",
                        "topology.kubernetes.io/zone": zone,
                        type: "kwok",
                    },
                },
                status: {
                    allocatable: { cpu: "32", memory: "128Gi", pods: "110" },
                    capacity: { cpu: "32", memory: "128Gi", pods: "110" },
                    nodeInfo: { kubeletVersion: "fake", architecture: "amd64", operatingSystem: "linux" },
                },
            });
        }
        for (const sc of STORAGE_CLASSES) {
            await kube.create("/apis/storage.k8s.io/v1/storageclasses", {
                apiVersion: "storage.k8s.io/v1",
                kind: "StorageClass",
                metadata: {
                    name: sc,
                    ...(sc === "standard" ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}),
                },
                provisioner: PROVISIONER,
                reclaimPolicy: "Delete",
                volumeBindingMode: "Immediate",
                allowVolumeExpansion: true,
            });
        }

        let busy = false;
        loop = setInterval(() => {
            if (busy) return;
            busy = true;
            void Promise.all([provisionVolumes(kube, dir), assignLoadBalancers(kube)])
                .catch((e) => fs.appendFileSync(path.join(dir, "standins.log"), `${new Date().toISOString()} ${(e as Error).message}\n`))
                .finally(() => (busy = false));
        }, 300);

        await waitFor(
            "3 Ready nodes",
            async () => {
                const nodes = await kube.get<ObjectList<NodeLike>>("/api/v1/nodes");
                const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
                return ready.length === ZONES.length ? true : undefined;
            },
            60_000,
            250,
            signal,
        );
        await waitFor(
            "the default ServiceAccount",
            () => kube.find("/api/v1/namespaces/default/serviceaccounts/default"),
            60_000,
            250,
            signal,
        );
        return { kubeconfig, kube, ca, dir, stop };
    } catch (e) {
        await stop();
        throw e;
    }
}

interface NodeLike {
    status?: { conditions?: { type: string; status: string }[] };
}

interface ClaimLike {
    metadata: { name: string; namespace: string; uid: string };
    spec: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } }; volumeName?: string };
    status?: { phase?: string };
}

interface VolumeLike {
    metadata: { name: string; annotations?: Record<string, string> };
    spec: { persistentVolumeReclaimPolicy?: string };
    status?: { phase?: string };
}

interface ServiceLike {
    metadata: { name: string; namespace: string };
    spec: { type?: string };
    status?: { loadBalancer?: { ingress?: unknown[] } };
}

/** The volume provisioner stand-in: a PV for each pending claim of one of our classes; Released ones are deleted. */
async function provisionVolumes(kube: Kube, dir: string): Promise<void> {
    const claims = await kube.get<ObjectList<ClaimLike>>("/api/v1/persistentvolumeclaims");
    const volumes = await kube.get<ObjectList<VolumeLike>>("/api/v1/persistentvolumes");
    const existing = new Set(volumes.items.map((v) => v.metadata.name));
    for (const c of claims.items) {
        const sc = c.spec.storageClassName;
        if (c.status?.phase !== "Pending" || !sc || !STORAGE_CLASSES.includes(sc) || c.spec.volumeName) continue;
        const name = `pvc-${c.metadata.uid}`;
        if (existing.has(name)) continue;
        const hostPath = path.join(dir, "volumes", name);
        fs.mkdirSync(hostPath, { recursive: true });
        await kube.create("/api/v1/persistentvolumes", {
            apiVersion: "v1",
            kind: "PersistentVolume",
            metadata: { name, annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER } },
            spec: {
                capacity: { storage: c.spec.resources?.requests?.storage ?? "1Gi" },
                accessModes: c.spec.accessModes ?? ["ReadWriteOnce"],
                persistentVolumeReclaimPolicy: "Delete",
                storageClassName: sc,
                hostPath: { path: hostPath, type: "DirectoryOrCreate" },
                claimRef: {
                    apiVersion: "v1",
                    kind: "PersistentVolumeClaim",
                    namespace: c.metadata.namespace,
                    name: c.metadata.name,
                    uid: c.metadata.uid,
                },
            },
        });
    }
    for (const v of volumes.items) {
        if (v.metadata.annotations?.["pv.kubernetes.io/provisioned-by"] === PROVISIONER && v.status?.phase === "Released") {
            await kube.request("DELETE", `/api/v1/persistentvolumes/${v.metadata.name}`);
        }
    }
}

let nextAddress = 10;

/** The load-balancer stand-in: each LoadBalancer Service gets a loopback address, as a cloud controller would. */
async function assignLoadBalancers(kube: Kube): Promise<void> {
    const services = await kube.get<ObjectList<ServiceLike>>("/api/v1/services");
    for (const s of services.items) {
        if (s.spec.type !== "LoadBalancer" || (s.status?.loadBalancer?.ingress?.length ?? 0) > 0) continue;
        const ip = `127.0.1.${nextAddress++}`;
        await kube.mergePatch(`/api/v1/namespaces/${s.metadata.namespace}/services/${s.metadata.name}/status`, {
            status: { loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } },
        });
    }
}
