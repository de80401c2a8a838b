// What `npm run demo` prints (tools/demo/report.ts): its options, the checks after a deployment, the rotation
// preview's changes, the shell it leaves with --keep, and its timings. The demo itself runs in the e2e suite
// (e2e/tests/demo.e2e.ts).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkLines, keepLines, parseArgs, previewLines, shellQuote, shellRc, timingLine } from "../tools/demo/report";

describe("npm run demo: what it prints", () => {
    it("takes --keep and nothing else, naming an unknown option and the usage", () => {
        assert.deepEqual(parseArgs([]), { keep: false });
        assert.deepEqual(parseArgs(["--keep"]), { keep: true });
        assert.deepEqual(parseArgs(["--kep"]), { error: 'unknown option "--kep"; usage: npm run demo [-- --keep]' });
    });

    it("the checks: ready replicas, each pod with its node and zone, the load balancer's address, the token's dates, each with its command", () => {
        const lines = checkLines({
            namespace: "apim-gateway-dev",
            deployment: "apim-gw-dev",
            replicas: 1,
            readyReplicas: 1,
            pods: [{ name: "apim-gw-dev-5d8f7c9b4-x2x7q", phase: "Running", ready: true, node: "e2e-node-b", zone: "zone-b" }],
            service: "apim-gw-dev-live-traffic",
            loadBalancerAddress: "127.0.1.10",
            tokenExpiry: "2026-12-29T00:00:00Z",
            tokenRotatesAfter: "2026-12-14T00:00:00Z",
            stack: "dev",
        });
        assert.deepEqual(lines, [
            "  Deployment apim-gateway-dev/apim-gw-dev: 1/1 replicas ready",
            "      $ kubectl -n apim-gateway-dev rollout status deployment/apim-gw-dev",
            "  Pods (1):",
            "    apim-gw-dev-5d8f7c9b4-x2x7q: Running, Ready, node e2e-node-b, zone zone-b",
            "      $ kubectl -n apim-gateway-dev get pods -o wide; kubectl get nodes -L topology.kubernetes.io/zone",
            "  LoadBalancer address (Service apim-gateway-dev/apim-gw-dev-live-traffic): 127.0.1.10",
            "      $ kubectl -n apim-gateway-dev get service apim-gw-dev-live-traffic",
            "  tokenExpiry: 2026-12-29T00:00:00Z",
            "  tokenRotatesAfter: 2026-12-14T00:00:00Z",
            "      $ pulumi stack output --stack dev",
        ]);
    });

    it("a pod not ready says so", () => {
        const lines = checkLines({
            namespace: "n",
            deployment: "d",
            replicas: 1,
            readyReplicas: 0,
            pods: [{ name: "p", phase: "Pending", ready: false, node: "(not scheduled)", zone: "-" }],
            service: "s",
            loadBalancerAddress: "(none yet)",
            tokenExpiry: "e",
            tokenRotatesAfter: "r",
            stack: "dev",
        });
        assert.deepEqual(lines.slice(0, 4), [
            "  Deployment n/d: 0/1 replicas ready",
            "      $ kubectl -n n rollout status deployment/d",
            "  Pods (1):",
            "    p: Pending, not Ready, node (not scheduled), zone -",
        ]);
    });

    it("the preview's changes in the engine's order, one line each; unchanged resources and the halves of a replacement left out", () => {
        const urn = (type: string, name: string) => `urn:pulumi:dev::apim-gateway::apim-gateway:index:SelfHostedGateway$${type}::${name}`;
        const steps = [
            { op: "same", type: "kubernetes:core/v1:Namespace", urn: urn("kubernetes:core/v1:Namespace", "apim-gw-dev-namespace") },
            { op: "replace", type: "apim-gateway:index:GatewayToken", urn: urn("apim-gateway:index:GatewayToken", "apim-gw-dev-token") },
            {
                op: "create-replacement",
                type: "apim-gateway:index:GatewayToken",
                urn: urn("apim-gateway:index:GatewayToken", "apim-gw-dev-token"),
            },
            { op: "replace", type: "kubernetes:core/v1:Secret", urn: urn("kubernetes:core/v1:Secret", "apim-gw-dev-token") },
            { op: "update", type: "kubernetes:apps/v1:Deployment", urn: urn("kubernetes:apps/v1:Deployment", "apim-gw-dev") },
            { op: "delete-replaced", type: "kubernetes:core/v1:Secret", urn: urn("kubernetes:core/v1:Secret", "apim-gw-dev-token") },
            { op: "replace", type: "kubernetes:core/v1:Secret", urn: urn("kubernetes:core/v1:Secret", "apim-gw-dev-token") },
        ];
        assert.deepEqual(previewLines(steps), [
            "  +- replace apim-gateway:index:GatewayToken apim-gw-dev-token",
            "  +- replace kubernetes:core/v1:Secret apim-gw-dev-token",
            "  ~  update  kubernetes:apps/v1:Deployment apim-gw-dev",
        ]);
        assert.deepEqual(previewLines([]), []);
    });

    it("the shell's rc file: the variables quoted for the shell, the stack's folder, a prompt; bash reads it back exactly", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "demo-rc-"));
        try {
            const vars = { PULUMI_BACKEND_URL: "file:///tmp/a b/state", ODD: `it's "quoted" $HOME \\ \`x\`` };
            const rc = shellRc(vars, dir);
            assert.deepEqual(rc.split("\n"), [
                "# A shell inside the apim-gateway demo (npm run demo -- --keep); gone when the demo stops.",
                '[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"',
                `export ODD='it'\\''s "quoted" $HOME \\ \`x\`'`,
                "export PULUMI_BACKEND_URL='file:///tmp/a b/state'",
                `cd '${dir}'`,
                'PS1="(apim-gateway demo) $PS1"',
                "",
            ]);
            const file = path.join(dir, "shell.rc");
            fs.writeFileSync(file, rc);
            const r = spawnSync(
                "bash",
                ["-c", `HOME=${shellQuote(dir)}; . ${shellQuote(file)}; printf '%s\\n' "$ODD" "$PULUMI_BACKEND_URL" "$PWD"`],
                {
                    encoding: "utf8",
                },
            );
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(r.stdout.split("\n"), [vars.ODD, vars.PULUMI_BACKEND_URL, dir, ""]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("--keep prints the shell to open and commands to run in it", () => {
        assert.deepEqual(
            keepLines({ rcFile: "/t/shell.rc", workDir: "/t/repo-dev-1", repo: "/r", stack: "dev", namespace: "apim-gateway-dev" }),
            [
                "The environment keeps running. In another terminal, open a shell inside it (PATH with pulumi and kubectl, KUBECONFIG,",
                "the stack's backend and passphrase, in the stack's folder):",
                "  bash --rcfile /t/shell.rc",
                "and there, for example:",
                "  kubectl -n apim-gateway-dev get deployment,pods,services -o wide",
                "  pulumi stack output --stack dev",
                "  pulumi stack --stack dev --show-urns",
                "The Pulumi CLI here has no Node.js language host, so a command that runs the program goes through the Automation API:",
                "  npm --prefix /r run e2e:pulumi -- preview --stack dev --cwd /t/repo-dev-1",
                "Press Ctrl-C here to stop it and remove everything.",
            ],
        );
    });

    it("the timings in one line", () => {
        assert.equal(
            timingLine(
                [
                    ["toolchain (cached)", 240],
                    ["environment", 6060],
                    ["pulumi up", 18_349],
                ],
                31_000,
            ),
            "timings: toolchain (cached) 0.2 s, environment 6.1 s, pulumi up 18.3 s; total 31.0 s",
        );
    });
});
