// Plan: the arguments, the component name and (in prod) the deployment guide's rules are checked before anything
// is registered; dev relaxes the rules to one warning line each. Then the cloud is resolved where a default
// depends on it, and the token window planned. Returns everything the later stages derive.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { SelfHostedGatewayArgs } from "../args";
import { tokenPlan } from "../rotation";
import { objectLabels, objectNames, resolveSettings } from "../specs";
import { pluginLocationProblem, servedByPlugin } from "../plugin/location";
import { AzureEnvironment, CLOUDS, cloudFor } from "../token/credential";
import { PACKAGE_DIR, PACKAGE_VERSION, PLUGIN_DOWNLOAD_URL } from "../version";
import { checkResolved, formatProblems, nameProblems, prefixOf, validateArgs } from "../validation";
import { resolvedAnnotationProblems } from "../validation/keys";
import type { SelfHostedGateway } from "../selfHostedGateway";
import type { Plan } from "./types";
import { planWarnings } from "./warnings";

export function createPlan(self: SelfHostedGateway, name: string, args: SelfHostedGatewayArgs): Plan {
    // One round: schema, cross-field and (in prod) the deployment guide's rules; keys named as the caller names them.
    const now = new Date(Date.now());
    const validation = validateArgs(args, prefixOf(args), now);
    const problems = [...nameProblems(name), ...(validation.ok ? [] : validation.problems)];
    if (!validation.ok || problems.length > 0) {
        throw new pulumi.ResourceError(formatProblems(`SelfHostedGateway "${name}": invalid arguments`, problems), self, true);
    }
    const s = resolveSettings(args);
    const names = objectNames(name);
    const fail = (message: string): never => {
        throw new pulumi.ResourceError(`SelfHostedGateway "${name}": ${message}`, self, true);
    };
    // The token comes from this package's provider plugin: say how to install it before the engine fails on it,
    // after the gateway was created. (Inside the plugin, serving another language, the engine has found it already.)
    if (s.authType === "token" && !servedByPlugin()) {
        const problem = pluginLocationProblem({
            version: PACKAGE_VERSION,
            downloadUrl: PLUGIN_DOWNLOAD_URL,
            projectDir: projectDirectory(),
            packageDir: PACKAGE_DIR,
            env: process.env,
        });
        if (problem !== undefined) fail(problem);
    }
    // The azure-native cloud, read only when a default depends on it: an unknown cloud fails here, before any
    // child exists, naming the keys that would make it unnecessary.
    const prefix = prefixOf(args);
    const entra = s.authType === "azureAdApp" || s.authType === "workloadIdentity";
    const cloudKeys = [
        ...(s.authType === "token" && args.token?.armEndpoint === undefined ? ["token.armEndpoint"] : []),
        ...(args.apim.configurationEndpoint === undefined ? ["apim.configurationEndpoint"] : []),
        ...(entra && args.auth?.tokenAudience === undefined ? ["auth.tokenAudience"] : []),
        ...(s.authType === "azureAdApp" && args.auth?.azureAdApp?.authority === undefined ? ["auth.azureAdApp.authority"] : []),
        ...(args.observability?.applicationInsights?.endpoint === undefined ? ["observability.applicationInsights.endpoint"] : []),
    ].map((k) => `${prefix}.${k}`);
    let knownCloud: AzureEnvironment | undefined;
    if (cloudKeys.length > 0) {
        const environment = new pulumi.Config("azure-native").get("environment") ?? process.env.ARM_ENVIRONMENT;
        try {
            knownCloud = cloudFor(environment);
        } catch {
            fail(
                `azure-native environment ${JSON.stringify(environment)} is not one of public, usgovernment, china; ` +
                    `set ${cloudKeys.join(", ")} explicitly for other clouds`,
            );
        }
    }
    const cloud = (): AzureEnvironment => {
        if (knownCloud === undefined) throw new Error("SelfHostedGateway: the cloud was not resolved where it is needed");
        return knownCloud;
    };

    const warnings = planWarnings({
        prefix,
        s,
        disableCertificateValidation: args.configurationTrust?.disableCertificateValidation,
        relaxedRules: validation.warnings,
        discoveryName: names.discovery,
    });
    for (const w of warnings) {
        pulumi.log.warn(w, self);
    }

    const token = s.authType === "token" ? tokenPlan(now, s) : undefined;
    const armEndpoint = token ? (args.token?.armEndpoint ?? CLOUDS[cloud()].arm) : undefined;

    return {
        name,
        args,
        prefix,
        s,
        names,
        labels: objectLabels(name, s),
        annotations: Object.keys(s.commonAnnotations).length > 0 ? { annotations: s.commonAnnotations } : {},
        child: { parent: self },
        token: token && armEndpoint !== undefined ? { ...token, armEndpoint } : undefined,
        cloud,
        checked: (key, v, rule) =>
            pulumi.output(v).apply((value) => {
                const problem = checkResolved(key, value, rule);
                return problem ? fail(problem) : value;
            }),
        checkedAnnotations: (key, v) =>
            pulumi.output(v).apply((map) => {
                const problems = resolvedAnnotationProblems(map, `${prefix}.${key}`);
                return problems.length > 0 ? fail(problems.join("; ")) : (map as Record<string, string>);
            }),
    };
}

/**
 * The project's folder: the engine's root directory, else the working directory (where the Node.js runner starts the
 * program). Inline Automation API programs get no root directory: @pulumi/pulumi 3.276's getRootDirectory() then
 * answers the literal "rootDirectory", so only an absolute path counts.
 */
function projectDirectory(): string {
    const root = pulumi.getRootDirectory();
    return path.isAbsolute(root) ? root : process.cwd();
}
