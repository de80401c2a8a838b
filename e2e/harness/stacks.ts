// Projects the e2e suite deploys: this repository's own stacks (their committed settings, with only the APIM
// names and token.armEndpoint pointed at the stand-ins), in a work directory of their own so the repository's
// stack files are never touched.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { E2E_INSTANCE, E2eEnvironment, REPO } from "../env/environment";

export const PROJECT = "apim-gateway";
/** The APIM names the e2e stacks use: the instance the fake ARM starts with. */
export const E2E_APIM = { resourceGroupName: E2E_INSTANCE.resourceGroup, serviceName: E2E_INSTANCE.service };

type Gateway = Record<string, unknown> & { apim: Record<string, unknown>; token?: Record<string, unknown> };

/**
 * A work directory for this repository's `stack` (dev or prod): Pulumi.yaml as committed but with the plugin
 * path made absolute, and Pulumi.<stack>.yaml as committed with the APIM names and token.armEndpoint replaced.
 * `edit` may change the gateway config further; `extra` adds other config keys.
 */
export function repoStack(
    env: E2eEnvironment,
    stack: string,
    edit?: (g: Gateway) => void,
    extra: Record<string, unknown> = {},
    /** The stack's name, when it differs from the committed stack file it starts from. */
    name: string = stack,
): string {
    const dir = fs.mkdtempSync(path.join(env.dir, `repo-${name}-`));
    const project = parse(fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8")) as {
        main?: string;
        plugins?: { providers?: { name: string; path: string }[] };
    };
    // The program is served inline (e2e/harness/inline.ts runs index.ts), so `main` points back to the repository.
    if (project.main) project.main = path.join(REPO, project.main);
    for (const p of project.plugins?.providers ?? []) p.path = path.resolve(REPO, p.path);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(project));
    writeStackConfig(env, dir, stack, edit, extra, name);
    return dir;
}

/** (Re)writes the stack file of a repo stack work directory. */
export function writeStackConfig(
    env: E2eEnvironment,
    dir: string,
    stack: string,
    edit?: (g: Gateway) => void,
    extra: Record<string, unknown> = {},
    name: string = stack,
): void {
    const file = parse(fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const gateway = file.config[`${PROJECT}:gateway`] as Gateway;
    Object.assign(gateway.apim, E2E_APIM);
    gateway.token = { ...(gateway.token ?? {}), armEndpoint: env.vars.APIM_E2E_ARM_ENDPOINT };
    edit?.(gateway);
    Object.assign(file.config, extra);
    // Keep the secure config (encryption salt) the first run wrote, if any.
    const target = path.join(dir, `Pulumi.${name}.yaml`);
    if (fs.existsSync(target)) {
        const previous = parse(fs.readFileSync(target, "utf8")) as Record<string, unknown>;
        if (previous.encryptionsalt) (file as Record<string, unknown>).encryptionsalt = previous.encryptionsalt;
    }
    fs.writeFileSync(target, stringify(file));
}
