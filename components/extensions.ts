// The extension points: extra environment variables, volumes and mounts for the gateway container, init containers
// and sidecars. Pure functions: what goes into the pod, the rules between them and the component's own names, and
// what each Pod Security level forbids of them.
import type * as In from "@pulumi/kubernetes/types/input";
import type { ContainerArgs, ContainerSecurityArgs, EnvVarArgs, SelfHostedGatewayArgs, VolumeArgs, VolumeMountArgs } from "./args";
import { settingOwner } from "./settings";

export interface Extensions {
    env: EnvVarArgs[];
    volumes: VolumeArgs[];
    mounts: VolumeMountArgs[];
    initContainers: ContainerArgs[];
    sidecars: ContainerArgs[];
}

export function extensionsOf(args: SelfHostedGatewayArgs): Extensions {
    return {
        env: args.extraEnv ?? [],
        volumes: args.extraVolumes ?? [],
        mounts: args.extraVolumeMounts ?? [],
        initContainers: args.initContainers ?? [],
        sidecars: args.sidecars ?? [],
    };
}

/** The names of the volumes the component itself may put in the pod. */
export const COMPONENT_VOLUMES = ["config-backup", "configuration-ca", "local-syslog", "azure-ad-certificate"];
/** The paths the component mounts into the gateway container (the backup, and the certificate's directory). */
export const COMPONENT_MOUNT_PATHS = ["/apim/config", "/apim/azure-ad"];
/** The environment variables the component sets itself (besides the settings it owns). */
export const COMPONENT_ENV = ["config.service.auth", "config.service.auth.azureAd.clientSecret", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"];

/** Kubernetes wants quantities as strings; config may give numbers. */
const quantities = (m: Record<string, string | number> | undefined) =>
    m === undefined ? undefined : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));

const envVar = (e: EnvVarArgs): In.core.v1.EnvVar => {
    if (e.valueFrom === undefined) return { name: e.name, ...(e.value !== undefined ? { value: e.value } : {}) };
    const { resourceFieldRef: rf, ...rest } = e.valueFrom;
    const resourceFieldRef =
        rf !== undefined
            ? {
                  resourceFieldRef: {
                      resource: rf.resource,
                      ...(rf.containerName !== undefined ? { containerName: rf.containerName } : {}),
                      ...(rf.divisor !== undefined ? { divisor: String(rf.divisor) } : {}),
                  },
              }
            : {};
    return { name: e.name, valueFrom: { ...rest, ...resourceFieldRef } };
};

export function extraEnvVars(x: Extensions): In.core.v1.EnvVar[] {
    return x.env.map(envVar);
}

export function extraMounts(x: Extensions): In.core.v1.VolumeMount[] {
    return x.mounts.map((m) => ({ ...m }));
}

export function extraVolumes(x: Extensions): In.core.v1.Volume[] {
    return x.volumes.map((v) => ({ ...v }));
}

/**
 * A container's security context: the component's defaults (no privilege escalation, every capability dropped: what
 * the restricted level asks) for what the container leaves out. The pod's own context (non-root, seccomp
 * RuntimeDefault) applies to it too.
 */
export function containerSecurity(given: ContainerSecurityArgs | undefined): ContainerSecurityArgs {
    return {
        allowPrivilegeEscalation: false,
        ...given,
        capabilities: { drop: given?.capabilities?.drop ?? ["ALL"], ...(given?.capabilities?.add ? { add: given.capabilities.add } : {}) },
    };
}

const container = (c: ContainerArgs): In.core.v1.Container => {
    const { env, resources, securityContext, ...rest } = c;
    return {
        ...rest,
        ...(env !== undefined ? { env: env.map(envVar) } : {}),
        ...(resources !== undefined
            ? {
                  resources: {
                      ...(resources.requests ? { requests: quantities(resources.requests) } : {}),
                      ...(resources.limits ? { limits: quantities(resources.limits) } : {}),
                  },
              }
            : {}),
        securityContext: containerSecurity(securityContext),
    };
};

export function extraContainers(x: Extensions): { initContainers: In.core.v1.Container[]; sidecars: In.core.v1.Container[] } {
    return { initContainers: x.initContainers.map(container), sidecars: x.sidecars.map(container) };
}

/** The one source a volume names (exactly one is allowed). */
export const VOLUME_SOURCES = ["configMap", "secret", "emptyDir", "persistentVolumeClaim", "csi", "hostPath"] as const;

/** The rules between the extension points, and between them and the component's own names, as `key: message` lines. */
export function extensionProblems(args: SelfHostedGatewayArgs, prefix: string): string[] {
    const problems: string[] = [];
    const x = extensionsOf(args);
    const dup = (list: string[], key: (i: number) => string, what: string, fold = false) => {
        const seen = new Set<string>();
        list.forEach((v, i) => {
            const k = fold ? v.toLowerCase() : v;
            if (seen.has(k)) problems.push(`${key(i)}: got ${JSON.stringify(v)} twice; each ${what} must be unique`);
            seen.add(k);
        });
    };
    const envProblems = (env: EnvVarArgs[], at: string, gateway: boolean) => {
        env.forEach((e, i) => {
            const key = `${at}[${i}]`;
            if ((e.value === undefined) === (e.valueFrom === undefined)) {
                problems.push(`${key}: set exactly one of value and valueFrom`);
            }
            const sources = Object.values(e.valueFrom ?? {}).filter((v) => v !== undefined).length;
            if (e.valueFrom !== undefined && sources !== 1) {
                problems.push(`${key}.valueFrom: set exactly one of secretKeyRef, configMapKeyRef, fieldRef and resourceFieldRef`);
            }
            if (!gateway) return;
            const owner = settingOwner(e.name);
            if (owner?.kind === "option") {
                problems.push(`${key}.name: ${JSON.stringify(e.name)} is the gateway setting of ${prefix}.${owner.path}; set that instead`);
            } else if (owner !== undefined || COMPONENT_ENV.some((n) => n.toLowerCase() === e.name.toLowerCase())) {
                problems.push(`${key}.name: ${JSON.stringify(e.name)} is set by the component; use another name`);
            } else if (Object.keys(args.additionalSettings ?? {}).some((k) => k.toLowerCase() === e.name.toLowerCase())) {
                problems.push(
                    `${key}.name: ${JSON.stringify(e.name)} is also in ${prefix}.additionalSettings (an environment variable would hide it); set it in one place`,
                );
            }
        });
        dup(
            env.map((e) => e.name),
            (i) => `${at}[${i}].name`,
            "variable",
            gateway,
        );
    };
    envProblems(x.env, `${prefix}.extraEnv`, true);

    const volumes = x.volumes.map((v) => v.name);
    x.volumes.forEach((v, i) => {
        const key = `${prefix}.extraVolumes[${i}]`;
        const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
        if (sources.length !== 1) problems.push(`${key}: set exactly one of ${VOLUME_SOURCES.join(", ")}`);
        if (COMPONENT_VOLUMES.includes(v.name))
            problems.push(`${key}.name: ${JSON.stringify(v.name)} is a volume of the component; use another name`);
    });
    dup(volumes, (i) => `${prefix}.extraVolumes[${i}].name`, "volume");

    const mountProblems = (mounts: VolumeMountArgs[], at: string, gateway: boolean) => {
        mounts.forEach((m, i) => {
            const key = `${at}[${i}]`;
            if (!volumes.includes(m.name)) {
                problems.push(
                    `${key}.name: ${JSON.stringify(m.name)} is not in ${prefix}.extraVolumes; ` +
                        (volumes.length > 0 ? `name one of ${volumes.join(", ")}` : "add the volume there"),
                );
            }
            const taken = COMPONENT_MOUNT_PATHS.find((p) => m.mountPath === p || m.mountPath.startsWith(`${p}/`));
            if (gateway && taken !== undefined) {
                problems.push(
                    `${key}.mountPath: ${JSON.stringify(m.mountPath)} is inside ${taken}, which the component mounts; use another path`,
                );
            }
        });
        dup(
            mounts.map((m) => m.mountPath),
            (i) => `${at}[${i}].mountPath`,
            "mount path",
        );
    };
    mountProblems(x.mounts, `${prefix}.extraVolumeMounts`, true);

    const containers = [
        ...x.initContainers.map((c, i) => ({ c, at: `${prefix}.initContainers[${i}]` })),
        ...x.sidecars.map((c, i) => ({ c, at: `${prefix}.sidecars[${i}]` })),
    ];
    const names = new Set<string>(["gateway"]);
    for (const { c, at } of containers) {
        if (names.has(c.name)) {
            problems.push(
                c.name === "gateway"
                    ? `${at}.name: "gateway" is the gateway's own container; use another name`
                    : `${at}.name: got ${JSON.stringify(c.name)} twice; each container name must be unique`,
            );
        }
        names.add(c.name);
        envProblems(c.env ?? [], `${at}.env`, false);
        mountProblems(c.volumeMounts ?? [], `${at}.volumeMounts`, false);
    }
    return problems;
}

/** Capabilities the baseline level allows a container to add (Kubernetes' Pod Security Standards). */
export const BASELINE_CAPABILITIES = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/**
 * What a Pod Security level forbids of the extension points, as `key: message` lines, each naming the fix. The rules
 * are Kubernetes' Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/) for
 * the fields these options offer; the component's own pod settings already meet `restricted`.
 */
export function podSecurityProblems(args: SelfHostedGatewayArgs, level: "baseline" | "restricted", prefix: string): string[] {
    const problems: string[] = [];
    const why = `the "${level}" Pod Security level (${prefix}.namespace.podSecurityLevel) forbids it`;
    const x = extensionsOf(args);
    x.volumes.forEach((v, i) => {
        if (v.hostPath !== undefined) {
            problems.push(
                `${prefix}.extraVolumes[${i}].hostPath: a node directory; ${why}. Use a configMap, secret, emptyDir, csi or persistentVolumeClaim volume`,
            );
        }
    });
    const containers = [
        ...x.initContainers.map((c, i) => ({ c, at: `${prefix}.initContainers[${i}]` })),
        ...x.sidecars.map((c, i) => ({ c, at: `${prefix}.sidecars[${i}]` })),
    ];
    for (const { c, at } of containers) {
        const sc = containerSecurity(c.securityContext);
        const k = `${at}.securityContext`;
        if (sc.privileged === true) problems.push(`${k}.privileged: is true; ${why}. Remove it`);
        (c.ports ?? []).forEach((p, i) => {
            if (p.hostPort !== undefined) problems.push(`${at}.ports[${i}].hostPort: opens a node port; ${why}. Remove it (use a Service)`);
        });
        const allowed = level === "restricted" ? ["NET_BIND_SERVICE"] : BASELINE_CAPABILITIES;
        const added = (sc.capabilities?.add ?? []).filter((cap) => !allowed.includes(cap));
        if (added.length > 0) {
            problems.push(
                `${k}.capabilities.add: ${added.join(", ")}; ${why}. Add only ${level === "restricted" ? "NET_BIND_SERVICE" : "the baseline capabilities"}`,
            );
        }
        if (sc.seccompProfile?.type === "Unconfined") problems.push(`${k}.seccompProfile.type: is Unconfined; ${why}. Use RuntimeDefault`);
        if (level !== "restricted") continue;
        if (sc.allowPrivilegeEscalation === true) problems.push(`${k}.allowPrivilegeEscalation: is true; ${why}. Remove it`);
        if (sc.runAsNonRoot === false) problems.push(`${k}.runAsNonRoot: is false; ${why}. Remove it`);
        if (sc.runAsUser === 0) problems.push(`${k}.runAsUser: is 0 (root); ${why}. Use a non-zero user id`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL"))
            problems.push(`${k}.capabilities.drop: must include ALL; ${why} otherwise. Add ALL`);
    }
    return problems;
}
