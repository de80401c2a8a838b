// `npm run demo` end to end, as a newcomer runs it: the toolchain (cached here), an environment of its own, the dev
// stack deployed, the checks and the rotation preview printed, and everything removed: on a normal end, on Ctrl-C
// during the deployment, and on Ctrl-C after --keep (whose shell instructions are followed first). Each run gets a
// temporary folder of its own as TMPDIR; every process the demo starts inherits it, which is how this finds them,
// and the ports they listen on, while it runs, and checks after it ended that none is left and the folder is empty.
import { strict as assert } from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { REPO } from "../env/environment";
import { listeningNow, portsOf, processesWithPathUnder } from "../harness/processes";
import { wall } from "../harness/report";

interface DemoRun {
    child: ChildProcess;
    tmp: string;
    stdout: () => string;
    output: () => string;
    /** How npm ended: npm passes a Ctrl-C on to the demo, waits for it, then ends by the same signal. */
    exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    /** Ports the demo's processes listened on, sampled while it ran. */
    ports: Set<number>;
    /** Commands of the demo's processes seen while it ran. */
    commands: Set<string>;
    started: number;
}

/** Starts `npm run demo` as a terminal would, in a process group of its own (so a Ctrl-C reaches all of it). */
function startDemo(args: string[] = []): DemoRun {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "demo-e2e-"));
    const env = callerEnv();
    const child = spawn("npm", ["run", "--silent", "demo", ...(args.length ? ["--", ...args] : [])], {
        cwd: REPO,
        env: { ...env, TMPDIR: tmp },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    let stdout = "";
    let all = "";
    child.stdout!.on("data", (b: Buffer) => {
        stdout += b.toString();
        all += b.toString();
    });
    child.stderr!.on("data", (b: Buffer) => (all += b.toString()));
    const run: DemoRun = {
        child,
        tmp,
        stdout: () => stdout,
        output: () => all,
        exit: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))),
        ports: new Set(),
        commands: new Set(),
        started: Date.now(),
    };
    const sample = setInterval(() => {
        const listening = listeningNow();
        for (const p of processesWithPathUnder("TMPDIR", tmp)) {
            run.commands.add(path.basename(p.command.split(" ")[0]));
            for (const port of portsOf(p.pid, listening)) run.ports.add(port);
        }
    }, 500);
    void run.exit.then(() => clearInterval(sample));
    return run;
}

/** Resolves once the demo's stdout or stderr matches `re`. */
async function waitForOutput(run: DemoRun, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const m = re.exec(run.output());
        if (m) return m;
        if (Date.now() > deadline || run.child.exitCode !== null) {
            throw new Error(`the demo did not print ${re} (exit ${run.child.exitCode}); its output:\n${run.output()}`);
        }
        await new Promise((r) => setTimeout(r, 250));
    }
}

/**
 * The caller's environment, without the suite's own settings. APIM_E2E_CACHE stays: it is where the caller keeps the
 * toolchain (CI points it at its own folder), and the demo builds nothing that is already there.
 */
function callerEnv(): Record<string, string> {
    return Object.fromEntries(
        Object.entries(process.env).filter(
            (e): e is [string, string] =>
                e[1] !== undefined && (e[0] === "APIM_E2E_CACHE" || !/^(TS_NODE_|APIM_E2E_|PULUMI_|KUBECONFIG$)/.test(e[0])),
        ),
    );
}

/**
 * What the launchers of `npm run demo` leave in the temp folder on their own, before the demo runs any code of its
 * own: npm enables Node.js's module compile cache (node-compile-cache) and ts-node's command keeps its compile cache
 * (v8-compile-cache-<uid>), both kept on purpose and reused by every later run. Measured with a script that does
 * nothing, started the same way.
 */
function launcherLeftovers(): string[] {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "demo-e2e-launchers-"));
    try {
        const r = spawnSync("npm", ["exec", "--no", "--", "ts-node", "-T", "-e", "0"], {
            cwd: REPO,
            env: { ...callerEnv(), TMPDIR: tmp },
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        return fs.readdirSync(tmp).sort();
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/**
 * Nothing of the demo is left: no process, no listening port it had, and in its temporary folder nothing but what
 * its launchers leave anyway (`launchers`).
 */
function assertNothingLeft(run: DemoRun, launchers: string[]): void {
    assert.deepEqual(processesWithPathUnder("TMPDIR", run.tmp), [], "no process of the demo is left");
    const listening = new Set(listeningNow().values());
    assert.deepEqual(
        [...run.ports].filter((p) => listening.has(p)),
        [],
        `no port the demo listened on (${[...run.ports].join(", ")}) is still listening`,
    );
    assert.deepEqual(fs.readdirSync(run.tmp).sort(), launchers, "its temporary folder holds only the launchers' caches");
    fs.rmSync(run.tmp, { recursive: true, force: true });
}

/** What the environment runs: the demo's processes must have included these, each listening on its ports. */
const CLUSTER = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"];

/** The dev stack's token settings, from the committed stack file. */
function devTokenSettings(): { lifetimeDays: number; rotateEveryDays: number } {
    const file = parse(fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8")) as {
        config: { "apim-gateway:gateway": { token: { lifetimeDays: number; rotateEveryDays: number } } };
    };
    return file.config["apim-gateway:gateway"].token;
}

const DAY = 24 * 3600 * 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("npm run demo: the dev stack on the local stand-ins, from one command", function () {
    this.timeout(20 * 60 * 1000);
    let runs: DemoRun[] = [];
    let launchers: string[] = [];
    before(() => {
        launchers = launcherLeftovers();
        process.stderr.write(
            `      [e2e] what npm and ts-node leave in the temp folder on their own: ${launchers.join(", ") || "nothing"}\n`,
        );
    });
    afterEach(async () => {
        // A failed scenario must not leave a demo running.
        for (const r of runs) {
            if (r.child.exitCode === null && r.child.signalCode === null) {
                process.kill(-r.child.pid!, "SIGINT");
                await r.exit;
            }
            // (Removed by assertNothingLeft when the scenario passed; after a failure, what it found is reported above.)
            fs.rmSync(r.tmp, { recursive: true, force: true });
        }
        runs = [];
    });

    it("deploys, prints the checks and a rotation preview of the token chain, tears down, and leaves no process, port or file", async () => {
        const run = startDemo();
        runs.push(run);
        const exit = await run.exit;
        wall("npm run demo (warm toolchain)", Date.now() - run.started);
        const out = run.stdout();
        assert.deepEqual(exit, { code: 0, signal: null }, run.output());
        const lines = out.split("\n");

        assert.match(lines[0], /^\[demo\] apim-gateway demo: the dev stack, deployed on LOCAL STAND-INS FOR AZURE /);
        assert.match(out, /\[demo\] 1\/5 toolchain: .*\n\[demo\] {5}cached: \S+\/bin \(\d+\.\d s\)\n/);
        assert.match(out, /\n\[demo\] {5}the package's dist\/ built \(npm run build, incremental\): \d+\.\d s\n/);
        const envLine =
            /\[demo\] {5}up in [\d.]+ s: Kubernetes API https:\/\/127\.0\.0\.1:(\d+), fake ARM https:\/\/127\.0\.0\.1:(\d+)\/?, files in (\S+)\n/.exec(
                out,
            );
        assert.ok(envLine, out);
        assert.equal(path.dirname(envLine[3]), run.tmp, "the environment's files are in the demo's temporary folder");

        // What a user checks after a deployment, as the demo read it from the cluster and the stack's outputs.
        const checks = lines.slice(lines.findIndex((l) => l.startsWith("[demo] 4/5")) + 2);
        assert.equal(checks[0], "  Deployment apim-gateway-dev/apim-gw-dev: 1/1 replicas ready");
        assert.equal(checks[1], "      $ kubectl -n apim-gateway-dev rollout status deployment/apim-gw-dev");
        assert.equal(checks[2], "  Pods (1):");
        const pod = /^ {4}apim-gw-dev-[a-z0-9]+-[a-z0-9]+: Running, Ready, node e2e-node-([abc]), zone zone-([abc])$/.exec(checks[3]);
        assert.ok(pod, checks[3]);
        assert.equal(pod[1], pod[2], "the node's zone (node e2e-node-a is in zone-a, ...)");
        assert.equal(checks[4], "      $ kubectl -n apim-gateway-dev get pods -o wide; kubectl get nodes -L topology.kubernetes.io/zone");
        assert.match(checks[5], /^ {2}LoadBalancer address \(Service apim-gateway-dev\/apim-gw-dev-live-traffic\): 127\.0\.1\.\d+$/);
        // The token's window: rotateEveryDays-long windows from Monday 1970-01-05; the token rotates at the end of the
        // current one (the next Monday 00:00 UTC for 7 days) and expires lifetimeDays after its start, less 15 minutes.
        const t = devTokenSettings();
        assert.deepEqual(t, { lifetimeDays: 30, rotateEveryDays: 7 });
        const midnight = new Date(run.started);
        midnight.setUTCHours(0, 0, 0, 0);
        const nextMonday = midnight.getTime() + ((8 - midnight.getUTCDay()) % 7 || 7) * DAY;
        assert.equal(checks[7], `  tokenExpiry: ${iso(nextMonday - 7 * DAY + 30 * DAY - 15 * 60 * 1000)}`);
        assert.equal(checks[8], `  tokenRotatesAfter: ${iso(nextMonday)}`);
        assert.equal(checks[9], "      $ pulumi stack output --stack dev");

        // The preview an hour after tokenRotatesAfter: the token chain, and nothing else.
        assert.ok(out.includes(`[demo]     ARM's set to ${iso(nextMonday + 3600 * 1000)}, an hour after tokenRotatesAfter\n`), out);
        const preview = lines.slice(lines.findIndex((l) => l.startsWith("[demo]     ARM's set to")) + 1);
        assert.deepEqual(preview.slice(0, 4), [
            "  +- replace apim-gateway:index:GatewayToken apim-gw-dev-token",
            "  +- replace kubernetes:core/v1:Secret apim-gw-dev-token-secret",
            "  ~  update  kubernetes:apps/v1:Deployment apim-gw-dev-deployment",
            "[demo]     the token chain is replaced: a new token, its Secret, and the Deployment rolled onto it; nothing else changes.",
        ]);
        const timings =
            /\[demo\] timings: toolchain \(cached\) [\d.]+ s, dist\/ build [\d.]+ s, environment [\d.]+ s, pulumi up [\d.]+ s, checks [\d.]+ s, rotation preview [\d.]+ s; total [\d.]+ s\n/.exec(
                out,
            );
        assert.ok(timings, out);
        const teardown = /\[demo\] removed everything in ([\d.]+) s: no process, port or file of the demo is left\n/.exec(out);
        assert.ok(teardown, out);
        process.stderr.write(`      [e2e] demo ${timings[0].slice(7).trim()}; teardown ${teardown[1]} s\n`);

        // It ran the environment (seen while it ran) and left none of it.
        for (const c of CLUSTER) assert.equal(run.commands.has(c), true, `${c} ran (seen: ${[...run.commands].join(", ")})`);
        assert.equal(run.ports.has(Number(envLine[1])), true, "the apiserver's port was seen listening");
        assert.equal(run.ports.has(Number(envLine[2])), true, "the fake ARM's port was seen listening");
        assertNothingLeft(run, launchers);
    });

    it("Ctrl-C during pulumi up: stops the deployment and removes everything", async () => {
        const run = startDemo();
        runs.push(run);
        await waitForOutput(run, /kubernetes:apps\/v1:Deployment \S+ creating/, 10 * 60 * 1000);
        const t0 = Date.now();
        process.kill(-run.child.pid!, "SIGINT");
        const exit = await run.exit;
        wall("demo: Ctrl-C during pulumi up, to exit", Date.now() - t0);
        assert.deepEqual(exit, { code: null, signal: "SIGINT" }, run.output());
        assert.match(run.stdout(), /\[demo\] SIGINT: stopping; everything it started is being removed\n/);
        assert.match(run.stdout(), /\[demo\] removed everything in [\d.]+ s: no process, port or file of the demo is left\n/);
        assert.equal(run.stdout().includes("4/5"), false, "it stopped before the checks");
        assert.equal(run.commands.has("pulumi"), true, "pulumi was running when interrupted");
        assertNothingLeft(run, launchers);
    });

    it("Ctrl-C while the environment starts: stops what started and removes everything", async () => {
        const run = startDemo();
        runs.push(run);
        await waitForOutput(run, /\[demo\] 2\/5 environment: /, 5 * 60 * 1000);
        process.kill(-run.child.pid!, "SIGINT");
        const exit = await run.exit;
        assert.deepEqual(exit, { code: null, signal: "SIGINT" }, run.output());
        assert.match(run.stdout(), /\[demo\] SIGINT: stopping; everything it started is being removed\n/);
        assert.match(run.stdout(), /\[demo\] removed everything in [\d.]+ s: no process, port or file of the demo is left\n/);
        assert.equal(run.stdout().includes("3/5"), false, "it stopped before the deployment");
        assertNothingLeft(run, launchers);
    });

    it("SIGTERM to the demo's own process alone during pulumi up (as a process manager stops it): it stops everything itself", async () => {
        const run = startDemo();
        runs.push(run);
        await waitForOutput(run, /kubernetes:apps\/v1:Deployment \S+ creating/, 10 * 60 * 1000);
        // The demo's node process (npm starts it through sh): the only one signalled; the cluster and Pulumi keep running.
        const demo = processesWithPathUnder("TMPDIR", run.tmp).filter(
            (p) => p.command.includes("tools/demo/main.ts") && p.command.startsWith("node"),
        );
        assert.equal(demo.length, 1, JSON.stringify(demo));
        process.kill(demo[0].pid, "SIGTERM");
        const exit = await run.exit;
        assert.equal(exit.code !== 0, true, JSON.stringify(exit));
        assert.match(run.stdout(), /\[demo\] SIGTERM: stopping; everything it started is being removed\n/);
        assert.match(run.stdout(), /\[demo\] removed everything in [\d.]+ s: no process, port or file of the demo is left\n/);
        assertNothingLeft(run, launchers);
    });

    it("--keep: stays up; the printed shell reaches the cluster and the stack, and the program through the Automation API; Ctrl-C then removes everything", async () => {
        const run = startDemo(["--keep"]);
        runs.push(run);
        await waitForOutput(run, /Press Ctrl-C here to stop it and remove everything\.\n/, 10 * 60 * 1000);
        const rc = /\n\[demo\] {3}bash --rcfile (\S+)\n/.exec(run.stdout())![1];
        const programCommand = /\n\[demo\] {3}(npm --prefix \S+ run e2e:pulumi -- preview --stack dev --cwd \S+)\n/.exec(run.stdout())![1];
        const shell = (command: string) => spawnSync("bash", ["-c", `. ${rc} >/dev/null 2>&1 && ${command}`], { encoding: "utf8" });

        const kubectl = shell("kubectl -n apim-gateway-dev get deployment apim-gw-dev -o jsonpath='{.status.readyReplicas}'");
        assert.equal(kubectl.status, 0, kubectl.stderr);
        assert.equal(kubectl.stdout, "1");
        const outputs = shell("pulumi stack output --stack dev --json");
        assert.equal(outputs.status, 0, outputs.stderr);
        const o = JSON.parse(outputs.stdout) as Record<string, string>;
        assert.equal(run.stdout().includes(`  tokenExpiry: ${o.tokenExpiry}\n`), true);
        const preview = shell(`${programCommand} --expect-no-changes`);
        assert.equal(preview.status, 0, preview.stdout + preview.stderr);
        assert.match(preview.stdout + preview.stderr, /Previewing update \(dev\)/);

        process.kill(-run.child.pid!, "SIGINT");
        const exit = await run.exit;
        assert.deepEqual(exit, { code: null, signal: "SIGINT" }, run.output());
        assert.match(run.stdout(), /\[demo\] SIGINT: stopping; everything it started is being removed\n/);
        for (const c of CLUSTER) assert.equal(run.commands.has(c), true, `${c} ran`);
        assertNothingLeft(run, launchers);
    });
});
