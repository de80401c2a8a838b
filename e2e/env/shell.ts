// npm run e2e:shell -- <command...>            (APIM_E2E_BACKEND=azblob: the state on Azurite, azblob://)
// Starts the real-engine environment (e2e/env/environment.ts), runs the command inside it, tears it all down,
// and exits with the command's status. Without a command it opens $SHELL there.
import { spawn } from "child_process";
import { startEnvironment } from "./environment";

async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    const command = argv.length > 0 ? argv : [process.env.SHELL ?? "bash"];
    const started = Date.now();
    const env = await startEnvironment();
    process.stderr.write(
        [
            `[e2e] environment up in ${((Date.now() - started) / 1000).toFixed(1)} s (${env.dir})`,
            `[e2e]   KUBECONFIG=${env.vars.KUBECONFIG ?? "(no cluster)"}`,
            `[e2e]   PULUMI_BACKEND_URL=${env.vars.PULUMI_BACKEND_URL}` +
                (env.azurite ? `   (Azurite ${env.azurite.endpoint}, log ${env.azurite.log}; AZURE_STORAGE_ACCOUNT/KEY set)` : ""),
            `[e2e]   APIM_E2E_ARM_ENDPOINT=${env.vars.APIM_E2E_ARM_ENDPOINT}   (fake ARM, a test double)`,
            `[e2e]   APIM_E2E_ARM_CONTROL=${env.vars.APIM_E2E_ARM_CONTROL}`,
            `[e2e]   APIM_E2E_ARM_LOG=${env.vars.APIM_E2E_ARM_LOG}`,
            `[e2e]   APIM_E2E_RESOURCE_GROUP=${env.vars.APIM_E2E_RESOURCE_GROUP} APIM_E2E_SERVICE=${env.vars.APIM_E2E_SERVICE}   (the instance the fake ARM has, Developer tier)`,
            `[e2e]   APIM_E2E_WEBHOOK_URL=${env.vars.APIM_E2E_WEBHOOK_URL}   (webhook receiver, a test double)`,
            `[e2e]   APIM_E2E_WEBHOOK_LOG=${env.vars.APIM_E2E_WEBHOOK_LOG}`,
            "",
        ].join("\n"),
    );
    let code = 1;
    try {
        code = await new Promise<number>((resolve) => {
            const child = spawn(command[0], command.slice(1), { stdio: "inherit", env: { ...process.env, ...env.vars } });
            const forward = (sig: NodeJS.Signals) => child.kill(sig);
            process.on("SIGINT", forward);
            process.on("SIGTERM", forward);
            child.on("error", (e) => {
                process.stderr.write(`[e2e] could not run ${command[0]}: ${e.message}\n`);
                resolve(127);
            });
            child.on("exit", (c, sig) => resolve(c ?? (sig ? 128 : 1)));
        });
    } finally {
        await env.stop();
    }
    return code;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`[e2e] ${(e as Error).message}\n`);
        process.exit(1);
    },
);
