// npm run demo [-- --keep]
// The product at work without Azure or a cluster: builds (or reuses) the real-engine toolchain, starts the local
// environment of the e2e suite (a Kubernetes control plane with kwok nodes, and stand-ins for Azure: a fake ARM, a
// fake `az`, a stand-in azure-native plugin; e2e/env/), deploys this repository's dev stack with its committed
// settings (only the APIM names and token.armEndpoint pointed at the stand-ins, in a folder of its own: the stack
// file is not touched), prints what a user checks after a real deployment and a preview in the next rotation
// window, then tears it all down. On Ctrl-C too. With --keep it stays up until Ctrl-C and prints how to open a
// shell in it. Everything it starts runs in a temporary folder that it removes.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { E2eEnvironment, REPO, startEnvironment } from "../../e2e/env/environment";
import { deployment, podsOf, zoneOf } from "../../e2e/harness/objects";
import { alive, descendantsOf } from "../../e2e/harness/processes";
import { FAKETIME_LIB, inline } from "../../e2e/harness/pulumi";
import { PROJECT, repoStack } from "../../e2e/harness/stacks";
import { checkLines, keepLines, parseArgs, PodView, previewLines, shellRc, timingLine } from "./report";

const STACK = "dev";
const HOUR = 3600;

const say = (line = "") => process.stdout.write(line ? `[demo] ${line}\n` : "\n");
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What is missing on this machine, one line each with the fix. */
function missingPrerequisites(): string[] {
    const missing: string[] = [];
    const major = Number(process.versions.node.split(".")[0]);
    if (major < 22) missing.push(`Node.js ${process.versions.node}: the demo needs Node.js 22 or later; fix: source tools/node/use.sh`);
    if (!FAKETIME_LIB) missing.push("libfaketime (for the preview in the next rotation window); fix: sudo apt-get install faketime");
    if (spawnSync("openssl", ["version"]).status !== 0)
        missing.push("openssl (the environment's certificates); fix: sudo apt-get install openssl");
    if (spawnSync("go", ["version"]).status !== 0) {
        missing.push(
            "Go (the toolchain script reads its versions with it, and builds the toolchain from Go modules the first time); " +
                "fix: install Go 1.26 or later (https://go.dev/dl/) and put it on PATH",
        );
    }
    return missing;
}

interface Running {
    /** The process group of what runs now (the toolchain build, or a Pulumi operation with its plugins). */
    group?: number;
    /** Resolves when that process group's leader has exited. */
    done?: Promise<unknown>;
}

/**
 * Stops what runs: its process group, and every descendant of its leader. Pulumi starts each provider plugin in a
 * process group of its own, so a signal to the CLI's group misses them, and once the CLI is gone they belong to no
 * one: they are collected before anything is signalled. SIGTERM first, SIGKILL after `graceMs` for what is left.
 */
async function stopGroup(r: Running, graceMs = 5000): Promise<void> {
    if (r.group === undefined) return;
    const group = r.group;
    const tree = new Set(descendantsOf(group));
    const signal = (s: NodeJS.Signals) => {
        for (const target of [-group, ...tree]) {
            try {
                process.kill(target, s);
            } catch {
                /* gone already */
            }
        }
    };
    signal("SIGTERM");
    const deadline = Date.now() + graceMs;
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    await r.done;
    clearTimeout(timer);
    while ([...tree].some(alive) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    signal("SIGKILL");
}

/** Runs a command in a process group of its own that Ctrl-C stops (`running`); stderr shown, stdout returned. */
async function tracked(running: Running, command: string, args: string[]): Promise<{ code: number; stdout: string }> {
    const child: ChildProcess = spawn(command, args, { cwd: REPO, stdio: ["ignore", "pipe", "inherit"], detached: true });
    let stdout = "";
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    const done = new Promise<number>((resolve) => child.on("close", (c, sig) => resolve(c ?? (sig ? 128 : 1))));
    running.group = child.pid;
    running.done = done;
    const code = await done;
    running.group = undefined;
    return { code, stdout };
}

/** The toolchain's bin directory: the cached one, or built now with the build script's progress on stderr. */
async function toolchain(running: Running): Promise<{ bin: string; built: boolean }> {
    const script = path.join(REPO, "e2e", "toolchain", "build.sh");
    const check = spawnSync("bash", [script, "--check"], { encoding: "utf8" });
    if (check.status === 0) return { bin: check.stdout.trim(), built: false };
    say("the toolchain is not built yet: building it from Go modules now. A cold build takes about half an hour on 2 cores;");
    say("each tool is listed below with its elapsed and expected time. It is cached afterwards (~/.cache/apim-gateway).");
    const { code, stdout } = await tracked(running, "bash", [script]);
    if (code !== 0) throw new Error(`the toolchain build failed (exit ${code}); its messages are above`);
    return { bin: stdout.trim().split("\n").pop() ?? "", built: true };
}

async function main(): Promise<number> {
    const opts = parseArgs(process.argv.slice(2));
    if ("error" in opts) {
        process.stderr.write(`demo: ${opts.error}\n`);
        return 2;
    }
    const missing = missingPrerequisites();
    if (missing.length > 0) {
        for (const m of missing) process.stderr.write(`demo: missing ${m}\n`);
        return 1;
    }

    const started = Date.now();
    const phases: [string, number][] = [];
    const abort = new AbortController();
    const running: Running = {};
    let stopRequested: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stopRequested = r));
    const onSignal = (sig: NodeJS.Signals) => {
        if (abort.signal.aborted) return;
        say(`${sig}: stopping; everything it started is being removed`);
        abort.abort();
        void stopGroup(running);
        stopRequested();
    };
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, onSignal);
    const interrupted = () => abort.signal.aborted;

    say("apim-gateway demo: the dev stack, deployed on LOCAL STAND-INS FOR AZURE (a fake Azure Resource Manager, a fake `az`");
    say("and a stand-in azure-native plugin) and a local Kubernetes control plane with 3 kwok nodes. Nothing reaches Azure;");
    say("the engine, the Kubernetes provider and the control plane are the real ones. Ctrl-C stops it and removes everything.");
    say();

    let t = Date.now();
    say("1/5 toolchain: the Pulumi CLI, the Kubernetes provider and control plane, built from Go modules");
    const tool = await toolchain(running);
    phases.push([tool.built ? "toolchain build" : "toolchain (cached)", Date.now() - t]);
    say(`    ${tool.built ? "built" : "cached"}: ${tool.bin} (${secs(Date.now() - t)})`);
    if (interrupted()) return 130;
    // The stack program and the provider plugin run the compiled package: build it (incremental: seconds when current).
    t = Date.now();
    const build = await tracked(running, process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"]);
    if (interrupted()) return 130;
    if (build.code !== 0) {
        process.stderr.write(build.stdout);
        say("failed: npm run build (dist/) did not compile; its messages are above");
        return 1;
    }
    phases.push(["dist/ build", Date.now() - t]);
    say(`    the package's dist/ built (npm run build, incremental): ${secs(Date.now() - t)}`);

    // Everything the demo and its processes write goes under one temporary folder, removed at the end.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apim-demo-"));
    const tmp = path.join(dir, "tmp");
    fs.mkdirSync(tmp);
    process.env.TMPDIR = tmp;
    let env: E2eEnvironment | undefined;
    let code = 0;
    try {
        t = Date.now();
        say("2/5 environment: etcd, kube-apiserver, controller-manager, scheduler, kwok (3 nodes in 3 zones), the fake ARM");
        env = await startEnvironment({ dir, toolchain: tool.bin, signal: abort.signal });
        env.vars.TMPDIR = tmp;
        phases.push(["environment", Date.now() - t]);
        const api = /server: (\S+)/.exec(fs.readFileSync(env.vars.KUBECONFIG, "utf8"))?.[1];
        say(`    up in ${secs(Date.now() - t)}: Kubernetes API ${api}, fake ARM ${env.vars.APIM_E2E_ARM_ENDPOINT}, files in ${dir}`);
        if (interrupted()) return (code = 130);

        t = Date.now();
        const work = repoStack(env, STACK);
        say(`3/5 pulumi up --stack ${STACK}: Pulumi.${STACK}.yaml as committed, its APIM names and token.armEndpoint pointed at`);
        say(`    the stand-ins (a copy in ${work}); the program runs through the Automation API (no Node.js language host here)`);
        const run = (op: "up" | "preview", clockSeconds?: number) => {
            const r = inline(env!, {
                op,
                stack: STACK,
                project: PROJECT,
                workDir: work,
                clockSeconds,
                echo: op === "up",
                onStart: (pid) => (running.group = pid),
            });
            running.done = r;
            return r.finally(() => (running.group = undefined));
        };
        const up = await run("up");
        phases.push(["pulumi up", Date.now() - t]);
        if (interrupted()) return (code = 130);
        if (!up.result.ok) throw new Error(`pulumi up failed: ${up.result.error}`);
        say(`    deployed in ${secs(Date.now() - t)}`);

        t = Date.now();
        const out = (k: string) => String(up.result.outputs?.[k]?.value ?? "");
        const kube = env.cluster!.kube;
        const d = await deployment(kube, out("namespaceName"), out("deploymentName"));
        const pods: PodView[] = [];
        for (const p of await podsOf(kube, d)) {
            const node = p.spec.nodeName ?? "(not scheduled)";
            pods.push({
                name: p.metadata.name,
                phase: p.status?.phase ?? "Unknown",
                ready: p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
                node,
                zone: p.spec.nodeName ? await zoneOf(kube, node) : "-",
            });
        }
        const svc = await kube.get<{ status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } }>(
            `/api/v1/namespaces/${out("namespaceName")}/services/${out("serviceName")}`,
        );
        const ingress = svc.status?.loadBalancer?.ingress?.[0];
        say("4/5 what you check after a real deployment (read here from the local cluster and the stack's outputs;");
        say("    after each, the command that shows it for a real cluster and stack):");
        for (const line of checkLines({
            namespace: out("namespaceName"),
            deployment: out("deploymentName"),
            replicas: d.spec.replicas,
            readyReplicas: d.status?.readyReplicas ?? 0,
            pods,
            service: out("serviceName"),
            loadBalancerAddress: ingress?.ip ?? ingress?.hostname ?? "(none yet)",
            tokenExpiry: out("tokenExpiry"),
            tokenRotatesAfter: out("tokenRotatesAfter"),
            stack: STACK,
        })) {
            process.stdout.write(`${line}\n`);
        }
        phases.push(["checks", Date.now() - t]);

        t = Date.now();
        const target = Date.parse(out("tokenRotatesAfter")) + HOUR * 1000;
        const clock = Math.round((target - Date.now()) / 1000);
        const when = new Date(target).toISOString().replace(/\.\d+Z$/, "Z");
        say(`5/5 pulumi preview --stack ${STACK} in the next rotation window: the program's clock (libfaketime) and the fake`);
        say(`    ARM's set to ${when}, an hour after tokenRotatesAfter`);
        env.arm.setClockOffset(clock);
        const preview = await run("preview", clock);
        env.arm.setClockOffset(0);
        phases.push(["rotation preview", Date.now() - t]);
        if (interrupted()) return (code = 130);
        if (!preview.result.ok) throw new Error(`pulumi preview failed: ${preview.result.error}`);
        for (const line of previewLines(preview.result.steps)) process.stdout.write(`${line}\n`);
        say("    the token chain is replaced: a new token, its Secret, and the Deployment rolled onto it; nothing else changes.");
        say("    (a pulumi up then applies it; the rotation workflow runs it daily: docs/token-rotation.md)");
        say(timingLine(phases, Date.now() - started));

        if (opts.keep) {
            const rcFile = path.join(dir, "shell.rc");
            fs.writeFileSync(rcFile, shellRc({ ...env.vars }, work), { mode: 0o600 });
            say();
            const lines = keepLines({ rcFile, workDir: work, repo: REPO, stack: STACK, namespace: out("namespaceName") });
            for (const line of lines) say(line);
            await stopped;
        }
        return code;
    } catch (e) {
        // A Ctrl-C also stops a tool the environment runs synchronously (openssl): its error comes first, and the
        // signal's handler runs once the event loop turns.
        await new Promise((r) => setTimeout(r, 200));
        if (interrupted()) return (code = 130);
        say(`failed: ${(e as Error).message}`);
        return (code = 1);
    } finally {
        t = Date.now();
        say("tearing down: the Pulumi run, the cluster and the fake ARM stopped, the temporary folder removed");
        await stopGroup(running);
        await env?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
        say(`removed everything in ${secs(Date.now() - t)}: no process, port or file of the demo is left`);
        if (code === 0) say("to deploy for real: README.md, First deployment");
    }
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`demo: ${(e as Error).message}\n`);
        process.exit(1);
    },
);
