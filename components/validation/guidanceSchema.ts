// The zod schema of the options that follow Microsoft's current guidance: the node architecture, the Entra client
// certificate, KEDA autoscaling, the typed gateway settings and ports, and the extension points (extra env, volumes,
// mounts, init containers, sidecars). schema.ts puts each in its place; the plugin's schema derives from them.
// schema.ts builds them with its own primitives (so neither module imports the other).
import { z } from "zod";
import { resourceName } from "./keys";
import type * as schema from "./schema";
import { QUANTITY } from "./names";
import { httpsUrl, url } from "./urls";

/** Kubernetes' environment variable names: letters, digits, '_', '-' and '.', not starting with a digit. */
export const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The building blocks of schema.ts these options share. */
export type Primitives = Pick<
    typeof schema,
    "dnsLabel" | "dnsSubdomain" | "nonEmpty" | "port" | "quantity" | "secretKeyRef" | "input" | "NO_CONTROL" | "NO_CONTROL_CHARACTERS"
>;

/** The schemas of these options, from schema.ts's primitives. */
export function guidanceSchemas(p: Primitives) {
    const { dnsLabel, dnsSubdomain, nonEmpty, port, quantity, secretKeyRef, input, NO_CONTROL, NO_CONTROL_CHARACTERS } = p;
    const architecture = z.enum(["amd64", "arm64"]);

    /** One line of text: no line breaks or other control characters. */
    const line = nonEmpty.regex(NO_CONTROL_CHARACTERS, NO_CONTROL);
    const absolutePath = z.string().regex(/^\/[^\u0000-\u001f\u007f]*$/, "must be an absolute path such as /etc/ssl/bundle");

    const azureAdCertificate = z.strictObject({
        existingSecret: secretKeyRef.optional(),
        keyVault: z
            .strictObject({
                vaultName: z
                    .string()
                    .regex(
                        /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
                        "must be a key vault name: 3 to 24 letters, digits and '-', starting with a letter",
                    ),
                certificateName: z
                    .string()
                    .regex(/^[a-zA-Z0-9-]{1,127}$/, "must be a Key Vault object name: at most 127 letters, digits and '-'"),
                identityClientId: input(
                    z
                        .string()
                        .regex(
                            /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/,
                            "must be a GUID such as 00000000-0000-0000-0000-000000000000",
                        ),
                ),
                tenantId: input(
                    z
                        .string()
                        .regex(
                            /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/,
                            "must be a GUID such as 00000000-0000-0000-0000-000000000000",
                        ),
                ).optional(),
                format: z.enum(["pfx", "pem"]).optional(),
            })
            .optional(),
    });

    const keda = z.strictObject({
        pollingInterval: z.int().min(1).max(3600).optional(),
        requestsPerSecond: z
            .strictObject({
                serverAddress: url(/^https?$/, "expected a URL such as http://prometheus-server.monitoring.svc:9090"),
                query: line,
                threshold: z.number().positive(),
            })
            .optional(),
    });

    const backendProtocols = z.strictObject({
        tls13: z.boolean().optional(),
        tls12: z.boolean().optional(),
        tls11: z.boolean().optional(),
        tls10: z.boolean().optional(),
        ssl30: z.boolean().optional(),
    });

    const instanceDiscovery = z.strictObject({ rateLimitPort: port.optional(), heartbeatPort: port.optional() });

    const applicationInsights = z.strictObject({ endpoint: httpsUrl.optional() });

    const envVar = z.strictObject({
        name: z
            .string()
            .max(253)
            .regex(ENV_NAME, "must be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit"),
        value: z.string().regex(NO_CONTROL_CHARACTERS, NO_CONTROL).optional(),
        valueFrom: z
            .strictObject({
                secretKeyRef: z
                    .strictObject({
                        name: dnsSubdomain,
                        key: z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a key: letters, digits, '-', '_' and '.'"),
                        optional: z.boolean().optional(),
                    })
                    .optional(),
                configMapKeyRef: z
                    .strictObject({
                        name: dnsSubdomain,
                        key: z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a key: letters, digits, '-', '_' and '.'"),
                        optional: z.boolean().optional(),
                    })
                    .optional(),
                fieldRef: z.strictObject({ fieldPath: line }).optional(),
                resourceFieldRef: z
                    .strictObject({ resource: resourceName, containerName: dnsLabel.optional(), divisor: quantity.optional() })
                    .optional(),
            })
            .optional(),
    });

    const mode = z.int().min(0).max(0o777);
    const keyToPath = z.strictObject({
        key: z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a key: letters, digits, '-', '_' and '.'"),
        path: z.string().regex(/^[^/\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$/, "must be a relative path"),
        mode: mode.optional(),
    });

    const volume = z.strictObject({
        name: dnsLabel,
        configMap: z
            .strictObject({
                name: dnsSubdomain,
                items: z.array(keyToPath).min(1).optional(),
                defaultMode: mode.optional(),
                optional: z.boolean().optional(),
            })
            .optional(),
        secret: z
            .strictObject({
                secretName: dnsSubdomain,
                items: z.array(keyToPath).min(1).optional(),
                defaultMode: mode.optional(),
                optional: z.boolean().optional(),
            })
            .optional(),
        emptyDir: z
            .strictObject({
                medium: z.enum(["Memory"]).optional(),
                sizeLimit: z.string().regex(QUANTITY, 'expected a Kubernetes quantity such as "64Mi"').optional(),
            })
            .optional(),
        persistentVolumeClaim: z.strictObject({ claimName: dnsSubdomain, readOnly: z.boolean().optional() }).optional(),
        csi: z
            .strictObject({
                driver: dnsSubdomain,
                readOnly: z.boolean().optional(),
                volumeAttributes: z.record(z.string().regex(/^[-._a-zA-Z0-9/]+$/, "must be an attribute name"), line).optional(),
            })
            .optional(),
        hostPath: z
            .strictObject({
                path: absolutePath,
                type: z.enum(["DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]).optional(),
            })
            .optional(),
    });

    const volumeMount = z.strictObject({
        name: dnsLabel,
        mountPath: absolutePath,
        subPath: z
            .string()
            .regex(/^[^/\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$/, "must be a relative path")
            .optional(),
        readOnly: z.boolean().optional(),
    });

    const containerSecurity = z.strictObject({
        runAsUser: z.int().min(0).optional(),
        runAsGroup: z.int().min(0).optional(),
        runAsNonRoot: z.boolean().optional(),
        allowPrivilegeEscalation: z.boolean().optional(),
        privileged: z.boolean().optional(),
        readOnlyRootFilesystem: z.boolean().optional(),
        capabilities: z
            .strictObject({
                add: z.array(z.string().regex(/^[A-Z_]+$/, "must be a capability such as NET_BIND_SERVICE")).optional(),
                drop: z.array(z.string().regex(/^[A-Z_]+$/, "must be a capability such as ALL")).optional(),
            })
            .optional(),
        seccompProfile: z
            .strictObject({ type: z.enum(["RuntimeDefault", "Localhost", "Unconfined"]), localhostProfile: line.optional() })
            .optional(),
    });

    const container = z.strictObject({
        name: dnsLabel,
        image: z.string().regex(/^[^\s]+$/, "must be an image reference such as busybox:1.36 (no spaces)"),
        imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).optional(),
        command: z.array(z.string()).min(1).optional(),
        args: z.array(z.string()).min(1).optional(),
        workingDir: absolutePath.optional(),
        env: z.array(envVar).min(1).optional(),
        ports: z
            .array(
                z.strictObject({
                    name: z
                        .string()
                        .regex(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, "must be a port name: at most 15 lower-case letters, digits and '-'")
                        .optional(),
                    containerPort: port,
                    protocol: z.enum(["TCP", "UDP", "SCTP"]).optional(),
                    hostPort: port.optional(),
                }),
            )
            .min(1)
            .optional(),
        resources: z
            .strictObject({ requests: z.record(resourceName, quantity).optional(), limits: z.record(resourceName, quantity).optional() })
            .optional(),
        volumeMounts: z.array(volumeMount).min(1).optional(),
        securityContext: containerSecurity.optional(),
    });

    return {
        architecture,
        azureAdCertificate,
        keda,
        backendProtocols,
        instanceDiscovery,
        applicationInsights,
        envVar,
        volume,
        volumeMount,
        containerSecurity,
        container,
        /** The extension points, as top-level options. */
        extensionShape: () => ({
            extraEnv: z.array(envVar).min(1).optional(),
            extraVolumes: z.array(volume).min(1).optional(),
            extraVolumeMounts: z.array(volumeMount).min(1).optional(),
            initContainers: z.array(container).min(1).optional(),
            sidecars: z.array(container).min(1).optional(),
        }),
    };
}
