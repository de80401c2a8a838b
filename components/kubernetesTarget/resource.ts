// KubernetesTarget: where a stack's Kubernetes objects go ("cluster" or "yaml:<dir>"), kept in the stack's state by
// this package's provider plugin, which refuses a switch from a cluster to rendering (provider.ts).
import * as pulumi from "@pulumi/pulumi";
import { TokenProvider } from "../token/resource";
import { KUBERNETES_TARGET_TYPE } from "../typeTokens";
import { PACKAGE_VERSION, PLUGIN_DOWNLOAD_URL } from "../version";

export interface KubernetesTargetArgs {
    /** "cluster", or "yaml:<dir>" when the objects are rendered to a directory. */
    target: pulumi.Input<string>;
}

export class KubernetesTarget extends pulumi.CustomResource {
    declare public readonly target: pulumi.Output<string>;

    constructor(name: string, args: KubernetesTargetArgs, opts?: pulumi.CustomResourceOptions) {
        // An explicit instance of the package's provider, with no inputs (see TokenProvider).
        const provider = opts?.provider ?? new TokenProvider(`${name}-provider`, { parent: opts?.parent });
        super(
            KUBERNETES_TARGET_TYPE,
            name,
            { target: args.target },
            pulumi.mergeOptions(opts, {
                version: PACKAGE_VERSION,
                provider,
                ...(PLUGIN_DOWNLOAD_URL !== undefined ? { pluginDownloadURL: PLUGIN_DOWNLOAD_URL } : {}),
            }),
        );
    }
}
