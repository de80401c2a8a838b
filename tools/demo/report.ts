// What `npm run demo` prints: its options, the checks a user makes after a deployment, the rotation preview, the
// shell it leaves with --keep, and its timings. Pure functions (tests/demo.test.ts); main.ts does the work.

export const USAGE = "usage: npm run demo [-- --keep]";

/** The demo's options, or one line naming what is wrong. */
export function parseArgs(argv: string[]): { keep: boolean } | { error: string } {
    let keep = false;
    for (const a of argv) {
        if (a === "--keep") keep = true;
        else return { error: `unknown option ${JSON.stringify(a)}; ${USAGE}` };
    }
    return { keep };
}

export interface PodView {
    name: string;
    phase: string;
    ready: boolean;
    node: string;
    zone: string;
}

/** What a user checks after a real deployment, read from the cluster and the stack's outputs. */
export interface Checks {
    namespace: string;
    deployment: string;
    replicas: number;
    readyReplicas: number;
    pods: PodView[];
    service: string;
    loadBalancerAddress: string;
    tokenExpiry: string;
    tokenRotatesAfter: string;
    stack: string;
}

/** Each check, then (after `$`) the command that shows it for a real cluster and stack. */
export function checkLines(c: Checks): string[] {
    const ns = c.namespace;
    return [
        `  Deployment ${ns}/${c.deployment}: ${c.readyReplicas}/${c.replicas} replicas ready`,
        `      $ kubectl -n ${ns} rollout status deployment/${c.deployment}`,
        `  Pods (${c.pods.length}):`,
        ...c.pods.map((p) => `    ${p.name}: ${p.phase}, ${p.ready ? "Ready" : "not Ready"}, node ${p.node}, zone ${p.zone}`),
        `      $ kubectl -n ${ns} get pods -o wide; kubectl get nodes -L topology.kubernetes.io/zone`,
        `  LoadBalancer address (Service ${ns}/${c.service}): ${c.loadBalancerAddress}`,
        `      $ kubectl -n ${ns} get service ${c.service}`,
        `  tokenExpiry: ${c.tokenExpiry}`,
        `  tokenRotatesAfter: ${c.tokenRotatesAfter}`,
        `      $ pulumi stack output --stack ${c.stack}`,
    ];
}

const OPS: Record<string, string> = { replace: "+-", update: "~", create: "+", delete: "-" };

/**
 * The changes a preview shows, one line each (`+- replace <type> <name>`), in the engine's order; the halves of a
 * replacement and unchanged resources left out.
 */
export function previewLines(steps: { op: string; type: string; urn: string }[]): string[] {
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const s of steps) {
        if (["same", "read", "create-replacement", "delete-replaced", "discard-replaced"].includes(s.op)) continue;
        const line = `  ${(OPS[s.op] ?? s.op).padEnd(2)} ${s.op.padEnd(7)} ${s.type} ${s.urn.split("::").pop()}`;
        if (!seen.has(line)) lines.push(line);
        seen.add(line);
    }
    return lines;
}

/** A value quoted for a POSIX shell. */
export function shellQuote(v: string): string {
    return `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * The rc file of a shell inside the environment: the user's own ~/.bashrc, then the environment's variables, the
 * stack's folder, and a prompt that says where it is.
 */
export function shellRc(vars: Record<string, string>, workDir: string): string {
    return [
        "# A shell inside the apim-gateway demo (npm run demo -- --keep); gone when the demo stops.",
        '[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"',
        ...Object.entries(vars)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => `export ${k}=${shellQuote(v)}`),
        `cd ${shellQuote(workDir)}`,
        `PS1="(apim-gateway demo) $PS1"`,
        "",
    ].join("\n");
}

/** What --keep prints: how to open a shell in the environment, and what to run there. */
export function keepLines(o: { rcFile: string; workDir: string; repo: string; stack: string; namespace: string }): string[] {
    return [
        "The environment keeps running. In another terminal, open a shell inside it (PATH with pulumi and kubectl, KUBECONFIG,",
        "the stack's backend and passphrase, in the stack's folder):",
        `  bash --rcfile ${o.rcFile}`,
        "and there, for example:",
        `  kubectl -n ${o.namespace} get deployment,pods,services -o wide`,
        `  pulumi stack output --stack ${o.stack}`,
        `  pulumi stack --stack ${o.stack} --show-urns`,
        "The Pulumi CLI here has no Node.js language host, so a command that runs the program goes through the Automation API:",
        `  npm --prefix ${o.repo} run e2e:pulumi -- preview --stack ${o.stack} --cwd ${o.workDir}`,
        "Press Ctrl-C here to stop it and remove everything.",
    ];
}

/** The demo's timings in one line. */
export function timingLine(phases: [string, number][], totalMs: number): string {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return `timings: ${phases.map(([k, ms]) => `${k} ${s(ms)}`).join(", ")}; total ${s(totalMs)}`;
}
