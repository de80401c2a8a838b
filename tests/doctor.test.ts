// The preflight's pure checks (tools/doctor/checks.ts): what each one concludes from a probe's answer, in exact words.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { SelfHostedGatewayArgs } from "../components/args";
import {
    actionMatches,
    allowed,
    answerOf,
    backendCheck,
    canIQuestions,
    CheckResult,
    cliCheck,
    configCheck,
    configurationHost,
    dnsCheck,
    exitCode,
    firstError,
    formatResult,
    gatewayScopes,
    kubeKinds,
    kubePermissionsCheck,
    permissionsCheck,
    serviceUrl,
    tierCheck,
    permissionsUrl,
    pinnedPulumiVersion,
    placeholderKeys,
    readableArgs,
    redact,
    requiredActions,
    sameStack,
    stackCheck,
    storageClassCheck,
    summary,
    imageCheck,
} from "../tools/doctor/checks";
import { parseArgs } from "../tools/doctor/main";

const REPO = path.resolve(__dirname, "..");
const GW = "Microsoft.ApiManagement/service/gateways";
const out = (stdout: string, code = 0, stderr = "") => ({ code, stdout, stderr });
const repoConfig = (stack: string) =>
    (parse(fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
/** A stack file's config with the APIM names filled in. */
function filled(stack: string, edit?: (g: Record<string, unknown> & { apim: Record<string, unknown> }) => void) {
    const config = structuredClone(repoConfig(stack));
    const g = config["apim-gateway:gateway"] as Record<string, unknown> & { apim: Record<string, unknown> };
    Object.assign(g.apim, { resourceGroupName: "rg-apim", serviceName: "apim-contoso" });
    edit?.(g);
    return config;
}
const args = (more: Partial<SelfHostedGatewayArgs> = {}): SelfHostedGatewayArgs => ({
    apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "here" } },
    namespace: { name: "apim" },
    ...more,
});
const NOW = new Date("2026-03-01T00:00:00Z");

describe("doctor: Pulumi CLI, backend and stack", () => {
    it("reads the pinned SDK version from package-lock.json", () => {
        assert.equal(pinnedPulumiVersion({ packages: { "node_modules/@pulumi/pulumi": { version: "3.276.0" } } }), "3.276.0");
        assert.equal(pinnedPulumiVersion({ packages: {} }), undefined);
        assert.equal(pinnedPulumiVersion(JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8"))), "3.276.0");
    });

    it("judges the CLI's version against the pin: another major fails, an older minor warns, a newer one is fine", () => {
        assert.deepEqual(cliCheck(out("v3.276.0\n"), "3.276.0"), {
            check: "pulumi CLI",
            status: "ok",
            message: "v3.276.0 (the project pins @pulumi/pulumi 3.276.0)",
        });
        assert.deepEqual(cliCheck(out("v3.278.2\n"), "3.276.0").status, "ok");
        assert.deepEqual(cliCheck(out("v3.275.9\n"), "3.276.0"), {
            check: "pulumi CLI",
            status: "warn",
            message: "v3.275.9 is older than the pinned @pulumi/pulumi 3.276.0",
            fix: "upgrade: install it from https://www.pulumi.com/docs/install/ (e.g. curl -fsSL https://get.pulumi.com | sh -s -- --version 3.276.0)",
        });
        assert.deepEqual(cliCheck(out("v4.0.0\n"), "3.276.0"), {
            check: "pulumi CLI",
            status: "fail",
            message: "v4.0.0, but the project pins @pulumi/pulumi 3.276.0 (major 3)",
            fix: "install it from https://www.pulumi.com/docs/install/ (e.g. curl -fsSL https://get.pulumi.com | sh -s -- --version 3.276.0)",
        });
        assert.equal(cliCheck({ missing: true }, "3.276.0").message, "pulumi is not on PATH");
        assert.equal(cliCheck(out("", 1, "error: boom\n"), "3.276.0").message, "pulumi version failed: boom");
    });

    it("names the backend from whoami, and the missing login otherwise", () => {
        assert.deepEqual(backendCheck(out('{"user": "alice", "url": "https://api.pulumi.com"}'), undefined), {
            check: "backend",
            status: "ok",
            message: "alice at https://api.pulumi.com",
        });
        const failed = backendCheck(
            out("", 255, "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n"),
            undefined,
        );
        assert.equal(
            failed.message,
            "not logged in (no PULUMI_BACKEND_URL and no stored login): PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
        );
        assert.equal(failed.status, "fail");
        assert.equal(
            backendCheck(out("", 255, "error: no"), "azblob://state").message,
            "not logged in (PULUMI_BACKEND_URL=azblob://state): no",
        );
        assert.deepEqual(backendCheck({ missing: true }, undefined), {
            check: "backend",
            status: "skip",
            message: "not checked: needs the pulumi CLI",
        });
    });

    it("finds the given or selected stack in the backend's list", () => {
        const list = out(JSON.stringify([{ name: "dev", current: true }, { name: "contoso/prod" }]));
        assert.deepEqual(stackCheck(undefined, list), { check: "stack", status: "ok", message: "dev (selected)" });
        assert.deepEqual(stackCheck("prod", list), { check: "stack", status: "ok", message: "prod (given with --stack)" });
        assert.deepEqual(stackCheck("qa", list), {
            check: "stack",
            status: "fail",
            message: "stack qa does not exist in the backend yet",
            fix: "pulumi stack init qa",
        });
        assert.equal(stackCheck(undefined, out('[{"name": "dev"}]')).message, "no stack selected (stacks: dev)");
        assert.equal(stackCheck(undefined, out("[]")).message, "no stack selected, and the project has none yet");
        assert.equal(stackCheck(undefined, out("", 1, "error: no Pulumi.yaml")).message, "pulumi stack ls failed: no Pulumi.yaml");
        assert.equal(sameStack("contoso/prod", "prod"), true);
        assert.equal(sameStack("contoso/apim-gateway/prod", "prod"), true);
        assert.equal(sameStack("contoso/preprod", "prod"), false);
        assert.equal(sameStack("fabrikam/prod", "contoso/prod"), false);
    });

    it("parses its own arguments", () => {
        assert.deepEqual(parseArgs(["--stack", "dev", "--cwd", "/tmp/x"]), { cwd: "/tmp/x", stack: "dev" });
        assert.deepEqual(parseArgs(["--stack=prod", "-C", "/srv/p"]), { cwd: "/srv/p", stack: "prod" });
        assert.deepEqual(parseArgs(["--help"]), "help");
        assert.deepEqual(parseArgs(["--stack"]), { error: "--stack needs a stack name" });
        assert.deepEqual(parseArgs(["--stak", "dev"]), { error: 'unknown argument "--stak"' });
    });
});

describe("doctor: the stack file", () => {
    it("names every REPLACE-ME key path of the shipped stack files, skipping secure values", () => {
        assert.deepEqual(placeholderKeys(repoConfig("dev"), "apim-gateway"), [
            "gateway.apim.resourceGroupName",
            "gateway.apim.serviceName",
        ]);
        assert.deepEqual(placeholderKeys(filled("prod"), "apim-gateway"), []);
        const config = {
            ...filled("dev", (g) => (g.hostnames = [{ id: "h1", hostname: "REPLACE-ME.contoso.com" }])),
            "azure-native:subscriptionId": "REPLACE-ME",
            "azure-native:clientSecret": { secure: "v1:REPLACE-ME-looking-ciphertext" },
        };
        assert.deepEqual(placeholderKeys(config, "apim-gateway"), ["gateway.hostnames[0].hostname", "azure-native:subscriptionId"]);
    });

    it("passes the stack config through the project's validator: the dev rules relaxed, problems listed, placeholders left to their check", () => {
        assert.deepEqual(configCheck(filled("dev"), "apim-gateway", "dev", [], NOW).result, {
            check: "config",
            status: "ok",
            message: "gateway is valid (dev: 2 production rules relaxed: gateway.replicas, gateway.image.tag)",
        });
        assert.deepEqual(configCheck(filled("prod"), "apim-gateway", "prod", [], NOW).result, {
            check: "config",
            status: "ok",
            message: "gateway is valid",
        });
        // prod refuses placeholders; the placeholders check already names them, so config does not repeat them.
        const placeholders = ["gateway.apim.resourceGroupName", "gateway.apim.serviceName"];
        assert.deepEqual(configCheck(repoConfig("prod"), "apim-gateway", "prod", placeholders, NOW).result, {
            check: "config",
            status: "ok",
            message: "gateway is valid apart from the placeholders",
        });
        const bad = configCheck(
            { ...filled("dev", (g) => (g.replicas = 0)), "apim-gateway:renderYamlTo": "" },
            "apim-gateway",
            "dev",
            [],
            NOW,
        );
        assert.deepEqual(bad.result, {
            check: "config",
            status: "fail",
            message: "Pulumi.dev.yaml: 2 problems (the stack program refuses it)",
            fix: "fix them in Pulumi.dev.yaml (docs: configuration reference)",
            details: [
                "gateway.replicas: got 0 (number); must be at least 1",
                'renderYamlTo: got ""; expected a directory path such as "rendered/prod" (relative to the project), or remove renderYamlTo to apply to the cluster',
            ],
        });
        assert.equal(bad.args, undefined);
        assert.deepEqual(configCheck({}, "apim-gateway", "qa", [], NOW).result, {
            check: "config",
            status: "fail",
            message: "Pulumi.qa.yaml has no apim-gateway:gateway key",
            fix: "copy Pulumi.dev.yaml to Pulumi.qa.yaml and edit it (or pulumi config set --path ...)",
        });
    });

    it("refuses a client secret in the plain gateway object without ever showing it", () => {
        const config = filled("dev", (g) => {
            g.auth = { type: "azureAdApp", azureAdApp: { tenantId: "t", clientId: "c", clientSecret: "s3cr3t-value-123" } };
            delete g.token;
        });
        const r = configCheck(config, "apim-gateway", "dev", [], NOW).result;
        assert.equal(r.status, "fail");
        assert.equal(JSON.stringify(r).includes("s3cr3t-value-123"), false);
        assert.equal(
            r.details?.[0],
            "gateway.auth.azureAdApp.clientSecret: must not be in the plain 'gateway' object (stack config keeps it in clear text); " +
                "remove it and run: pulumi config set --secret apim-gateway:azureAdClientSecret <client-secret> --stack dev",
        );
    });

    it("takes the webhook URL from its own secret key only, and refuses it in plain text anywhere, never showing it", () => {
        const alerts = (g: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
            ((g.token as Record<string, unknown>).expiryAlerts = { systemTopic: { name: "t", create: false }, ...extra });
        const encrypted = { ...filled("dev", (g) => alerts(g)), "apim-gateway:expiryAlertWebhookUrl": { secure: "v1:ciphertext" } };
        assert.deepEqual(configCheck(encrypted, "apim-gateway", "dev", [], NOW).result.status, "ok");
        const plainKey = {
            ...filled("dev", (g) => alerts(g)),
            "apim-gateway:expiryAlertWebhookUrl": "https://hooks.example/x?code=SECRETCODE1",
        };
        const inObject = filled("dev", (g) => alerts(g, { webhookUrl: "https://hooks.example/x?code=SECRETCODE2" }));
        const [key, object] = [plainKey, inObject].map((c) => configCheck(c, "apim-gateway", "dev", [], NOW).result);
        assert.deepEqual(key.details, [
            "expiryAlertWebhookUrl: is in plain text in Pulumi.dev.yaml; set it again as a secret: " +
                "pulumi config set --secret apim-gateway:expiryAlertWebhookUrl <https-url> --stack dev",
        ]);
        assert.deepEqual(object.details, [
            "gateway.token.expiryAlerts.webhookUrl: must not be in the plain 'gateway' object (stack config keeps it in clear text, and a " +
                "webhook URL carries its key); remove it and run: pulumi config set --secret apim-gateway:expiryAlertWebhookUrl <https-url> --stack dev",
        ]);
        assert.doesNotMatch(JSON.stringify([key, object]), /SECRETCODE|hooks\.example/);
    });

    it("reads the arguments of a config the validator refused, when they have the basics", () => {
        const config = filled("dev", (g) => (g.replicas = 0));
        assert.equal(readableArgs(config, "apim-gateway")?.namespace.name, "apim-gateway-dev");
        assert.equal(readableArgs({ "apim-gateway:gateway": { apim: {} } }, "apim-gateway"), undefined);
        assert.equal(readableArgs({}, "apim-gateway"), undefined);
    });
});

describe("doctor: the gateway image", () => {
    it("ok for a supported release, a warning naming the fix for an older one, ok for a rolling tag", () => {
        assert.deepEqual(imageCheck({ image: { tag: "2.11.0" } }, "2.13.2"), {
            check: "image",
            status: "ok",
            message: "gateway 2.11.0 is supported (Microsoft supports 2.13, 2.12 and 2.11)",
        });
        assert.deepEqual(imageCheck({ image: { tag: "2.10.3" } }, "2.13.2"), {
            check: "image",
            status: "warn",
            message: "gateway 2.10.3 is older than the releases Microsoft supports (2.13, 2.12 and 2.11: the last three minor releases)",
            fix: "set image.tag to 2.13.2 (or another supported release) and roll it out",
        });
        assert.deepEqual(imageCheck({ image: { tag: "v2" } }, "2.13.2"), {
            check: "image",
            status: "ok",
            message: "gateway v2 is a rolling tag (it follows the newest release, 2.13.2 here)",
        });
        assert.equal(imageCheck({}, "2.13.2").message, "gateway 2.13.2 is supported (Microsoft supports 2.13, 2.12 and 2.11)");
    });
});

describe("doctor: Azure permissions", () => {
    it("matches role actions with wildcards, case-insensitively, and nothing else", () => {
        assert.equal(actionMatches("*", `${GW}/generateToken/action`), true);
        assert.equal(actionMatches("Microsoft.ApiManagement/service/*", `${GW}/write`), true);
        assert.equal(actionMatches("microsoft.apimanagement/service/gateways/READ", `${GW}/read`), true);
        assert.equal(actionMatches(`${GW}/read`, `${GW}/readx`), false);
        assert.equal(actionMatches("Microsoft.ApiManagement/service/*/read", `${GW}/read`), true);
        assert.equal(actionMatches("Microsoft.ApiManagement/service/*/read", `${GW}/write`), false);
        assert.equal(actionMatches("Microsoft.ApiManagement.service/*", `${GW}/write`), false);
    });

    it("applies notActions within their own entry only, as Azure does", () => {
        const contributorButToken = { actions: ["*"], notActions: [`${GW}/generateToken/action`] };
        assert.equal(allowed([contributorButToken], `${GW}/write`), true);
        assert.equal(allowed([contributorButToken], `${GW}/generateToken/action`), false);
        assert.equal(allowed([contributorButToken, { actions: [`${GW}/generateToken/action`] }], `${GW}/generateToken/action`), true);
        assert.equal(allowed([], `${GW}/read`), false);
    });

    it("asks for generateToken only with token authentication, and for the gateway's children when the stack has them", () => {
        assert.deepEqual(requiredActions(args()), [`${GW}/write`, `${GW}/read`, `${GW}/generateToken/action`]);
        assert.deepEqual(
            requiredActions(args({ auth: { type: "existingSecret", existingSecret: { name: "s" } }, apis: [{ apiId: "echo" }] })),
            [`${GW}/write`, `${GW}/read`, `${GW}/apis/write`],
        );
    });

    it("builds the permissions URL of the gateway's scope under the ARM endpoint", () => {
        const scopes = gatewayScopes("sub-1", args());
        assert.deepEqual(scopes, {
            service: "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc",
            gateway: "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/gateways/gw",
        });
        assert.equal(
            permissionsUrl("https://management.azure.com", scopes.service),
            "https://management.azure.com/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/providers/Microsoft.Authorization/permissions?api-version=2022-04-01",
        );
        assert.equal(
            permissionsUrl("https://arm.contoso.test/proxy/", "/subscriptions/s"),
            "https://arm.contoso.test/proxy/subscriptions/s/providers/Microsoft.Authorization/permissions?api-version=2022-04-01",
        );
    });

    it("names each missing action with the fix", () => {
        const needed = requiredActions(args());
        assert.deepEqual(permissionsCheck("user a@contoso.com", "service svc", "gw", [{ actions: [`${GW}/*`] }], needed), {
            check: "azure permissions",
            status: "ok",
            message: "user a@contoso.com may create gateway gw and call generateToken on it (service svc)",
        });
        assert.deepEqual(permissionsCheck("user a@contoso.com", "service svc", "gw", [{ actions: [`${GW}/read`] }], needed), {
            check: "azure permissions",
            status: "fail",
            message: `user a@contoso.com lacks ${GW}/write, ${GW}/generateToken/action (service svc)`,
            fix:
                "grant that identity a role with these actions on the API Management service or the gateway " +
                "(docs: authentication, least-privilege role), or sign in as one that has them",
        });
    });
});

describe("doctor: the API Management tier", () => {
    const where = "service svc, resource group rg, subscription s";
    it("passes the tiers that offer self-hosted gateways (Developer, Premium) and fails the others with the fix", () => {
        assert.deepEqual(tierCheck(where, { ok: true, sku: "Developer" }), {
            check: "apim tier",
            status: "ok",
            message: "Developer, a tier that offers self-hosted gateways (service svc, resource group rg, subscription s)",
        });
        assert.equal(tierCheck(where, { ok: true, sku: "Premium" }).status, "ok");
        for (const sku of ["Basic", "Standard", "Consumption", "BasicV2", "StandardV2", "Isolated"]) {
            assert.deepEqual(tierCheck(where, { ok: true, sku }), {
                check: "apim tier",
                status: "fail",
                message: `the instance is on the ${sku} tier; self-hosted gateways need the Developer or Premium tier (${where})`,
                fix:
                    "use an API Management instance on the Developer or Premium tier (Developer is for non-production), or change this one's tier " +
                    "(Azure portal: the instance's Pricing tier)",
            });
        }
    });

    it("names the names to check when the instance is not found, and the read permission otherwise", () => {
        assert.deepEqual(tierCheck(where, { ok: false, status: 404, error: "HTTP 404 ResourceNotFound" }), {
            check: "apim tier",
            status: "fail",
            message: `could not read the API Management instance (${where}): HTTP 404 ResourceNotFound`,
            fix: "check apim.resourceGroupName, apim.serviceName and the subscription (azure-native:subscriptionId, ARM_SUBSCRIPTION_ID or az account set)",
        });
        assert.equal(
            tierCheck(where, { ok: false, status: 403, error: "HTTP 403" }).fix,
            "grant the identity read access to the API Management instance (Microsoft.ApiManagement/service/read), or check the network path to ARM",
        );
    });

    it("reads the instance at its ARM id under the ARM endpoint, with the SDK's api-version", () => {
        assert.equal(
            serviceUrl("https://management.azure.com/", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc"),
            "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc?api-version=2024-05-01",
        );
    });
});

describe("doctor: Kubernetes", () => {
    it("lists the kinds the stack creates: the shipped stacks, and the optional ones when enabled", () => {
        const kinds = (a: SelfHostedGatewayArgs) => kubeKinds(a).map((k) => (k.namespaced ? k.resource : `${k.resource} (cluster)`));
        const dev = filled("dev")["apim-gateway:gateway"] as SelfHostedGatewayArgs;
        assert.deepEqual(kinds(dev), [
            "namespaces (cluster)",
            "secrets",
            "configmaps",
            "persistentvolumeclaims",
            "deployments.apps",
            "services",
        ]);
        const prod = filled("prod")["apim-gateway:gateway"] as SelfHostedGatewayArgs;
        assert.deepEqual(kinds(prod), [
            "namespaces (cluster)",
            "secrets",
            "configmaps",
            "persistentvolumeclaims",
            "deployments.apps",
            "services",
            "poddisruptionbudgets.policy",
        ]);
        assert.deepEqual(
            kinds(
                args({
                    namespace: { name: "apim", create: false },
                    auth: { type: "workloadIdentity", workloadIdentity: { clientId: "c" } },
                    configBackup: { existingClaimName: "claim" },
                    autoscaling: { maxReplicas: 4 },
                    networkPolicy: { enabled: true },
                }),
            ),
            [
                "configmaps",
                "serviceaccounts",
                "deployments.apps",
                "services",
                "poddisruptionbudgets.policy",
                "horizontalpodautoscalers.autoscaling",
                "networkpolicies.networking.k8s.io",
            ],
        );
        // A Key Vault certificate (no Secret of the component's) and KEDA (its ScaledObject instead of an autoscaler).
        assert.deepEqual(
            kinds(
                args({
                    auth: {
                        type: "azureAdApp",
                        azureAdApp: {
                            tenantId: "t",
                            clientId: "c",
                            certificate: { keyVault: { vaultName: "kv-apim", certificateName: "c", identityClientId: "i" } },
                        },
                    },
                    autoscaling: { maxReplicas: 4, keda: {} },
                }),
            ),
            [
                "namespaces (cluster)",
                "configmaps",
                "persistentvolumeclaims",
                "deployments.apps",
                "services",
                "poddisruptionbudgets.policy",
                "scaledobjects.keda.sh",
                "secretproviderclasses.secrets-store.csi.x-k8s.io",
            ],
        );
    });

    it("asks every verb of every kind, namespaces cluster-wide", () => {
        const q = canIQuestions(kubeKinds(args({ replicas: 1 })), "apim");
        assert.equal(q.length, 30);
        assert.deepEqual(q[0], { verb: "create", resource: "namespaces" });
        assert.deepEqual(q[5], { verb: "create", resource: "secrets", namespace: "apim" });
    });

    it("reads kubectl auth can-i's answers", () => {
        assert.equal(answerOf(out("yes\n")), "yes");
        assert.equal(answerOf(out("no\n", 1)), "no");
        assert.equal(answerOf(out("no - RBAC: role not found\n", 1)), "no");
        assert.deepEqual(answerOf(out("", 1, "error: You must be logged in to the server (Unauthorized)\n")), {
            error: "You must be logged in to the server (Unauthorized)",
        });
        assert.deepEqual(answerOf({ missing: true }), { error: "kubectl is not on PATH" });
    });

    it("names what this context may not do, grouped by verb", () => {
        const yes = (verb: string, resource: string, namespace?: string) => ({ verb, resource, namespace, answer: "yes" as const });
        const no = (verb: string, resource: string, namespace?: string) => ({ verb, resource, namespace, answer: "no" as const });
        const r = kubePermissionsCheck("apim", [
            no("create", "namespaces"),
            no("create", "deployments.apps", "apim"),
            no("create", "secrets", "apim"),
            no("delete", "secrets", "apim"),
            yes("get", "secrets", "apim"),
        ]);
        assert.equal(
            r.message,
            "this context may not create deployments.apps, secrets; delete secrets in namespace apim; create namespaces (cluster-wide)",
        );
        assert.equal(
            r.fix,
            "ask a cluster admin for a Role (and, for namespaces, a ClusterRole) granting these verbs, or use a context that has them; " +
                "or create the namespace beforehand and set namespace.create: false",
        );
        assert.deepEqual(kubePermissionsCheck("apim", [yes("get", "secrets", "apim"), yes("create", "configmaps", "apim")]), {
            check: "kube permissions",
            status: "ok",
            message: "create, get, update, patch, delete on secrets, configmaps in namespace apim",
        });
        assert.equal(
            kubePermissionsCheck("apim", [{ verb: "get", resource: "secrets", namespace: "apim", answer: { error: "connection refused" } }])
                .message,
            "kubectl auth can-i failed (1 of 1): connection refused",
        );
    });

    it("finds the storage class the claim asks for, and refuses ReadWriteMany on single-node disks", () => {
        const classes = [
            {
                metadata: { name: "default", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "disk.csi.azure.com",
            },
            { metadata: { name: "managed-csi" }, provisioner: "disk.csi.azure.com" },
            { metadata: { name: "azurefile-csi" }, provisioner: "file.csi.azure.com" },
            { metadata: { name: "local" }, provisioner: "example.com/local" },
        ];
        assert.deepEqual(storageClassCheck(classes, "azurefile-csi", "ReadWriteMany"), {
            check: "storage class",
            status: "ok",
            message: "azurefile-csi for ReadWriteMany (provisioner file.csi.azure.com)",
        });
        assert.equal(
            storageClassCheck(classes, undefined, "ReadWriteOnce").message,
            "default (the default class) for ReadWriteOnce (provisioner disk.csi.azure.com)",
        );
        assert.equal(
            storageClassCheck(classes, "local", "ReadWriteMany").message,
            "local for ReadWriteMany (access mode not checked: provisioner example.com/local)",
        );
        assert.deepEqual(storageClassCheck(classes, "managed-csi", "ReadWriteMany"), {
            check: "storage class",
            status: "fail",
            message: "managed-csi (provisioner disk.csi.azure.com) gives single-node volumes; a ReadWriteMany claim stays Pending",
            fix: "use a class of shared storage (on AKS: azurefile-csi), or configBackup.accessMode ReadWriteOnce with one replica",
        });
        assert.equal(
            storageClassCheck(classes, "premium", "ReadWriteOnce").message,
            "configBackup.storageClassName premium does not exist (the cluster has azurefile-csi, default, local, managed-csi)",
        );
        assert.equal(
            storageClassCheck(classes.slice(1), undefined, "ReadWriteOnce").message,
            "configBackup.storageClassName is unset and the cluster has no default storage class (the cluster has azurefile-csi, local, managed-csi)",
        );
    });
});

describe("doctor: DNS and the output", () => {
    it("resolves the configuration endpoint the gateway will use", () => {
        assert.equal(configurationHost(args(), "public"), "svc.configuration.azure-api.net");
        assert.equal(configurationHost(args(), "china"), "svc.configuration.azure-api.cn");
        assert.equal(
            configurationHost(
                args({
                    apim: { ...args().apim, configurationEndpoint: "cfg.contoso.com" },
                }),
                "public",
            ),
            "cfg.contoso.com",
        );
        assert.deepEqual(dnsCheck("svc.configuration.invalid", { error: "ENOTFOUND" }), {
            check: "dns",
            status: "fail",
            message: "svc.configuration.invalid does not resolve (ENOTFOUND)",
            fix: "check apim.serviceName / configurationEndpoint, or the network's DNS",
        });
        assert.equal(dnsCheck("localhost", { addresses: ["127.0.0.1", "::1"] }).message, "localhost resolves (127.0.0.1, ::1)");
    });

    it("prints one line per check, the fix on warn and FAIL, details indented under it", () => {
        const failed: CheckResult = { check: "config", status: "fail", message: "2 problems", fix: "fix them", details: ["a: x", "b: y"] };
        assert.deepEqual(formatResult(failed), [
            "FAIL  config             2 problems; fix: fix them",
            "                         a: x",
            "                         b: y",
        ]);
        assert.deepEqual(formatResult({ check: "dns", status: "ok", message: "localhost resolves (127.0.0.1)" }), [
            "ok    dns                localhost resolves (127.0.0.1)",
        ]);
        assert.deepEqual(formatResult({ check: "storage class", status: "warn", message: "could not list", fix: "ask" }), [
            "warn  storage class      could not list; fix: ask",
        ]);
    });

    it("exits 1 on a FAIL only: warnings and skips alone exit 0", () => {
        const r = (status: CheckResult["status"]): CheckResult => ({ check: "dns", status, message: "m" });
        assert.equal(exitCode([r("ok"), r("warn"), r("skip")]), 0);
        assert.equal(exitCode([r("ok"), r("fail")]), 1);
        assert.equal(summary([r("ok"), r("warn")], 1.234), "1 ok, 1 warn, 0 FAIL (1.2 s)");
        assert.equal(
            summary([r("fail"), r("skip")], 2),
            "0 ok, 0 warn, 1 FAIL, 1 skipped (2.0 s): fix the FAIL lines, then run npm run doctor again",
        );
    });

    it("never prints a secret: known values, bearer tokens and JWTs are redacted", () => {
        const jwt = "eyJ0eXAiOiJKV1QifQ.eyJvaWQiOiJ4In0.c2lnbmF0dXJl";
        assert.equal(
            redact(`pass hunter2-passphrase, Authorization: Bearer abc.def and token ${jwt}`, ["hunter2-passphrase"]),
            "pass [redacted], Authorization: Bearer [redacted] and token [redacted]",
        );
        assert.equal(firstError(out("", 1, "error: bad secret sekrit-value-1\nmore\n"), ["sekrit-value-1"]), "bad secret [redacted]");
        assert.equal(
            firstError(out("", 1, 'Error from server (Forbidden): secrets is forbidden: User "u"\n')),
            'secrets is forbidden: User "u"',
        );
    });
});
