// End-to-end test with the Automation API against a real APIM instance and cluster. It runs only
// when everything it needs is present, and otherwise says plainly that it was skipped.
//
//   APIM_IT_RESOURCE_GROUP=rg-apim APIM_IT_SERVICE_NAME=contoso-apim npm test
//
// Needs: the pulumi CLI on PATH, an Azure login (az login or ARM_* variables), a kubeconfig.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./harness";

function missing(): string[] {
    const out: string[] = [];
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore" });
    } catch {
        out.push("the pulumi CLI");
    }
    if (!process.env.APIM_IT_RESOURCE_GROUP || !process.env.APIM_IT_SERVICE_NAME) {
        out.push("APIM_IT_RESOURCE_GROUP and APIM_IT_SERVICE_NAME (an existing APIM instance)");
    }
    const hasAzure = Boolean(process.env.ARM_CLIENT_ID || process.env.ARM_USE_MSI || fs.existsSync(path.join(os.homedir(), ".azure")));
    if (!hasAzure) out.push("an Azure login (az login or ARM_* variables)");
    const kubeconfig = process.env.KUBECONFIG ?? path.join(os.homedir(), ".kube", "config");
    if (!fs.existsSync(kubeconfig)) out.push(`a kubeconfig (${kubeconfig})`);
    return out;
}

describe("integration: pulumi up / preview / destroy against Azure and a cluster", function () {
    this.timeout(30 * 60 * 1000);
    const absent = missing();

    before(function () {
        if (absent.length > 0) {
            console.log(`      integration: SKIPPED (not run, not passed): missing ${absent.join("; ")}`);
            this.skip();
        }
    });

    it("deploys a gateway, then a second preview inside the window shows no change, then destroys it", async () => {
        const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
        const suffix = Date.now().toString(36);
        const backend = fs.mkdtempSync(path.join(os.tmpdir(), "apim-gw-it-"));
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: `it-${suffix}`, workDir: ROOT },
            { envVars: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "integration" } },
        );
        const gateway = {
            environment: "dev",
            apim: {
                resourceGroupName: process.env.APIM_IT_RESOURCE_GROUP,
                serviceName: process.env.APIM_IT_SERVICE_NAME,
                gatewayName: `it-${suffix}`,
                location: { name: "integration test" },
            },
            namespace: { name: `apim-gw-it-${suffix}`, podSecurityLevel: "restricted" },
            replicas: 1,
            resources: { requests: { cpu: "250m", memory: "512Mi" } },
            configBackup: { enabled: false },
            service: { type: "ClusterIP" },
        };
        await stack.setConfig("gateway", { value: JSON.stringify(gateway) });
        try {
            const up = await stack.up({ onOutput: (s) => process.stdout.write(s) });
            assert.equal(up.outputs.namespaceName.value, `apim-gw-it-${suffix}`);
            assert.match(String(up.outputs.tokenExpiry.value), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
            const preview = await stack.preview();
            const changed = Object.entries(preview.changeSummary).filter(([op, n]) => op !== "same" && op !== "read" && n > 0);
            assert.deepEqual(changed, []);
        } finally {
            await stack.destroy({ onOutput: (s) => process.stdout.write(s) });
            await stack.workspace.removeStack(`it-${suffix}`);
            fs.rmSync(backend, { recursive: true, force: true });
        }
    });
});
