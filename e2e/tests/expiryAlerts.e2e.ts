// Token expiry alerts on the real engine, through the stand-ins: the Event Grid system topic and the subscriptions
// reach (fake) ARM with the event filter and receivers, the webhook URL (its own secret stack key) stays out of the
// stack file and the state in plaintext, and destroy removes them.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { exportStack, inline, pulumiCli } from "../harness/pulumi";
import { wall } from "../harness/report";
import { PROJECT, repoStack } from "../harness/stacks";
import { e2e } from "./setup";

const WEBHOOK = "https://alerts.contoso.example/hooks/apim?code=e2e-webhook-k3y";
const ACTION_GROUP =
    "/subscriptions/00000000-0000-4000-8000-0000000000e2/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/on-call";

interface Logged {
    method: string;
    path: string;
    operation: string;
    body?: { properties?: Record<string, unknown> };
}

describe("token expiry alerts through the stand-ins, on the real engine", function () {
    it("creates the system topic and a webhook and an action-group subscription for this gateway's token events; destroy removes them", async () => {
        const env = e2e();
        env.arm.setClockOffset(0);
        const [gw, ns, stack] = ["apim-gw-alerts", "apim-gateway-alerts", "alerts"];
        const dir = repoStack(
            env,
            "dev",
            (g) => {
                g.apim.gatewayName = gw;
                (g.namespace as Record<string, unknown>).name = ns;
                g.token = {
                    ...g.token,
                    expiryAlerts: {
                        actionGroupIds: [ACTION_GROUP],
                        systemTopic: { name: "apim-e2e-events", location: "westeurope" },
                    },
                };
            },
            {},
            stack,
        );
        // The webhook URL carries its key: the stack program takes it only from its own secret key.
        assert.equal(pulumiCli(env, ["stack", "init", stack], dir).code, 0);
        const set = pulumiCli(env, ["config", "set", "--secret", `${PROJECT}:expiryAlertWebhookUrl`, WEBHOOK, "--stack", stack], dir);
        assert.equal(set.code, 0, set.stderr);
        assert.equal(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8").includes("e2e-webhook-k3y"), false);
        const logFrom = fs.readFileSync(env.vars.APIM_E2E_ARM_LOG, "utf8").length;
        const logged = () =>
            fs
                .readFileSync(env.vars.APIM_E2E_ARM_LOG, "utf8")
                .slice(logFrom)
                .split("\n")
                .filter(Boolean)
                .map((l) => JSON.parse(l) as Logged);
        const up = await inline(env, { op: "up", stack, project: PROJECT, workDir: dir });
        wall("alerts: up", up.ms);
        assert.equal(up.result.ok, true, up.result.error);

        const puts = logged().filter((e) => e.method === "PUT" && e.path.includes("Microsoft.EventGrid"));
        const topic = puts.find((e) => e.operation === "createOrUpdate:systemTopics")!;
        assert.equal(
            topic.path,
            "/subscriptions/00000000-0000-4000-8000-0000000000e2/resourceGroups/rg-apim-e2e/providers/Microsoft.EventGrid/systemTopics/apim-e2e-events",
        );
        assert.deepEqual(topic.body?.properties, {
            source: "/subscriptions/00000000-0000-4000-8000-0000000000e2/resourceGroups/rg-apim-e2e/providers/Microsoft.ApiManagement/service/apim-e2e",
            topicType: "Microsoft.ApiManagement.Service",
        });
        const subscriptions = puts.filter((e) => e.operation === "createOrUpdate:eventSubscriptions");
        assert.deepEqual(subscriptions.map((e) => e.path.split("/").pop()).sort(), [`${gw}-token-expiry`, `${gw}-token-expiry-alert`]);
        const filter = {
            includedEventTypes: ["Microsoft.ApiManagement.GatewayTokenNearExpiry", "Microsoft.ApiManagement.GatewayTokenExpired"],
            advancedFilters: [{ operatorType: "StringContains", key: "data.gateway.gatewayId", values: [gw] }],
            isSubjectCaseSensitive: false,
        };
        for (const s of subscriptions) assert.deepEqual(s.body?.properties?.filter, filter);
        const byName = (n: string) => subscriptions.find((e) => e.path.endsWith(`/${n}`))!.body?.properties?.destination;
        assert.deepEqual(byName(`${gw}-token-expiry`), { endpointType: "WebHook", endpointUrl: WEBHOOK, minimumTlsVersionAllowed: "1.2" });
        assert.deepEqual(byName(`${gw}-token-expiry-alert`), {
            endpointType: "MonitorAlert",
            actionGroups: [ACTION_GROUP],
            severity: "Sev1",
            description: `API Management gateway ${gw}: its access token is about to expire or has expired`,
        });
        assert.equal(exportStack(env, dir, stack).includes("e2e-webhook-k3y"), false, "the webhook URL is in state in plaintext");

        const destroy = await inline(env, { op: "destroy", stack, project: PROJECT, workDir: dir });
        wall("alerts: destroy", destroy.ms);
        assert.equal(destroy.result.ok, true, destroy.result.error);
        const state = (await (await fetch(env.arm.controlUrl)).json()) as { resources: string[] };
        assert.deepEqual(
            state.resources.filter((r) => r.includes("Microsoft.EventGrid")),
            [],
        );
    });
});
