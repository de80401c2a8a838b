// The GitHub Actions workflows, parsed: triggers, jobs, environments, identities, permissions, timeouts,
// concurrency, where secrets reach, action pins, the Pulumi CLI pin, the policy pack in previews, one Azure identity per
// stack and environment, no prod secret for a pull request; and the identity check's, the rotation's and the alert's
// shell scripts, run against stand-in `pulumi`, `gh` and `git` commands. (Running the workflows themselves needs
// GitHub; this checks what can be checked here.)
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ROTATION_CRON } from "../components/rotation";

interface Step {
    id?: string;
    name?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    name: string;
    needs?: string | string[];
    if?: string;
    "runs-on": string;
    "timeout-minutes"?: number;
    environment?: string;
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    strategy?: { "fail-fast"?: boolean; matrix: { include: Record<string, string>[] } };
    env?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    defaults?: unknown;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, Job>;
}

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");
const FILES = ["deploy.yml", "preview.yml", "rotate.yml"];
const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;

/** Every action, pinned to the commit its release tag points to (see docs/ci.md for how each was confirmed). */
const PINS: Record<string, { sha: string; tag: string }> = {
    "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", tag: "v7.0.1" },
    "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", tag: "v7.0.0" },
    "azure/login": { sha: "f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca", tag: "v3.0.1" },
    "azure/use-kubelogin": { sha: "0ce7c36141aa27d4934872cf00b0120804c98a29", tag: "v1.3" },
    "azure/aks-set-context": { sha: "60623acbdcbbdcf799ad50a1adf8703874339f8b", tag: "v5.0.0" },
    "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", tag: "v7.0.0" },
    "actions/setup-go": { sha: "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", tag: "v7.0.0" },
    "actions/cache": { sha: "27d5ce7f107fe9357f9df03efb73ab90386fccae", tag: "v5.0.5" },
};
const pin = (action: string) => `${action}@${PINS[action].sha}`;
const CHECKOUT = pin("actions/checkout");
const SETUP_NODE = pin("actions/setup-node");
const LOGIN = pin("azure/login");
const KUBELOGIN = pin("azure/use-kubelogin");
const AKS = pin("azure/aks-set-context");
const PULUMI = pin("pulumi/actions");

const LOCKED_PULUMI = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
    }
).packages["node_modules/@pulumi/pulumi"].version;

const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const INSTALL = "run: npm ci --ignore-scripts --no-audit --no-fund";
const BUILD = "run: npm run build";

/** The repository variable that holds an environment's Azure client id: `prod-rotation` → AZURE_CLIENT_ID_PROD_ROTATION. */
const identityVariable = (environment: string) => `AZURE_CLIENT_ID_${environment.toUpperCase().replace(/-/g, "_")}`;
/** The six environments that sign in to Azure, each with an identity of its own. */
const IDENTITY_ENVIRONMENTS = ["dev-preview", "prod-preview", "dev", "prod", "dev-rotation", "prod-rotation"];
/** What each identity check compares: every environment's client id, one `<environment>=<client id>` line each. */
const CLIENT_IDS = IDENTITY_ENVIRONMENTS.map((e) => `${e}=\${{ vars.${identityVariable(e)} }}\n`).join("");
const vars = (name: string) => `\${{ vars.${name} }}`;

/** The Pulumi step environment for one identity: state backend, secrets, and the ARM_* sign-in by OIDC. */
const pulumiEnv = (clientId: string) => ({
    PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
    PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    AZURE_STORAGE_ACCOUNT: "${{ vars.AZURE_STORAGE_ACCOUNT }}",
    ARM_USE_OIDC: "true",
    ARM_CLIENT_ID: clientId,
    ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
    ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}",
});
const loginWith = (clientId: string) => ({
    "client-id": clientId,
    "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
    "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
});
const aksWith = (stack: string) => ({
    "use-kubelogin": "true",
    "resource-group": `\${{ vars.AKS_RESOURCE_GROUP_${stack.toUpperCase()} }}`,
    "cluster-name": `\${{ vars.AKS_CLUSTER_${stack.toUpperCase()} }}`,
});

/** The `uses` of every step, with `run` steps shown as `run: <command>`. */
const stepsOf = (job: Job) => job.steps.map((s) => s.uses ?? `run: ${s.run}`);
const stepUsing = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`)) as Step;
const stepById = (job: Job, id: string) => job.steps.find((s) => s.id === id) as Step;
const allJobs = () => FILES.flatMap((file) => Object.entries(load(file).jobs).map(([id, job]) => ({ file, id, job })));
/** A step's environment without the identity check's list of every environment's client id. */
const withoutClientIds = (env: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(env ?? {}).filter(([k]) => k !== "CLIENT_IDS"));
/** The first step of every job that signs in to Azure: the identity check. */
const guardOf = (job: Job) => job.steps[0];

/** The steps of every preview and up job: guard, checkout, install, build, sign in, cluster context, Pulumi. */
const stackJobSteps = (job: Job) => [`run: ${guardOf(job).run}`, CHECKOUT, SETUP_NODE, INSTALL, BUILD, LOGIN, KUBELOGIN, AKS, PULUMI];

const GUARD_NAME = "Check that this job's Azure identity is its own";

/**
 * The rule "one Azure identity per stack and environment", checked on parsed workflows: every job that can sign in
 * (id-token: write) starts with the identity check, signs in (azure/login, ARM_CLIENT_ID) with its own environment's
 * variable and nothing else, and names no variable or secret of the other stack outside the check's list. One line
 * per problem; a matrix job is checked once per leg, with the leg's values in place of `matrix.*`.
 */
function identityProblems(workflows: Record<string, Workflow>): string[] {
    const problems: string[] = [];
    for (const [file, wf] of Object.entries(workflows)) {
        for (const [id, job] of Object.entries(wf.jobs)) {
            if (job.permissions?.["id-token"] !== "write") continue;
            for (const leg of job.strategy?.matrix.include ?? [undefined]) {
                const resolve = (v: unknown) =>
                    typeof v === "string" ? v.replace(/\$\{\{ matrix\.([\w-]+) \}\}/g, (m, k: string) => leg?.[k] ?? m) : v;
                const environment = resolve(job.environment) as string;
                const where = `${file} ${id}${leg ? ` (${environment})` : ""}`;
                const own = vars(identityVariable(environment));
                const other = environment.startsWith("prod") ? "DEV" : "PROD";
                const guard = guardOf(job);
                if (guard.name !== GUARD_NAME) {
                    problems.push(`${where}: does not start with the identity check`);
                } else {
                    if (resolve(guard.env?.ENVIRONMENT) !== environment)
                        problems.push(`${where}: the identity check is not told its environment`);
                    if (resolve(guard.env?.CLIENT_ID) !== own)
                        problems.push(`${where}: the identity check is given ${resolve(guard.env?.CLIENT_ID)}, not ${own}`);
                    if (guard.env?.CLIENT_IDS !== CLIENT_IDS)
                        problems.push(`${where}: the identity check does not list the six identities`);
                }
                for (const step of job.steps) {
                    const used = [step.with?.["client-id"], step.env?.ARM_CLIENT_ID].filter((v) => v !== undefined).map(resolve);
                    for (const v of used) {
                        if (v !== own) problems.push(`${where}: signs in with ${v}, not ${own}`);
                    }
                }
                const guardEnv = withoutClientIds(guard.env);
                const named =
                    JSON.stringify([{ ...guard, env: guardEnv }, ...job.steps.slice(1), leg ?? {}]).match(/(vars|secrets)\.\w+/g) ?? [];
                for (const n of new Set(named)) {
                    if (new RegExp(`_${other}(_|$)`).test(n)) {
                        problems.push(`${where}: names ${n}, a ${other.toLowerCase()} variable`);
                    }
                }
            }
        }
    }
    return problems;
}

describe("GitHub Actions workflows", () => {
    it("has exactly the three workflows", () => {
        assert.deepEqual(fs.readdirSync(DIR).sort(), FILES);
    });

    describe("supply chain", () => {
        it("pins every action by full commit SHA, with its release tag in a comment", () => {
            for (const file of FILES) {
                const lines = text(file)
                    .split("\n")
                    .filter((l) => /^\s*(-\s+)?uses:/.test(l));
                assert.ok(lines.length > 0);
                for (const line of lines) {
                    const m = /^\s*(?:-\s+)?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[0-9.]+)$/.exec(line);
                    assert.ok(m, `${file}: not pinned by SHA with a tag comment: ${line.trim()}`);
                    const [, action, sha, tag] = m;
                    assert.deepEqual({ sha, tag }, PINS[action], `${file}: ${action}`);
                }
                for (const { job } of allJobs().filter((j) => j.file === file)) {
                    for (const step of job.steps.filter((s) => s.uses)) {
                        assert.match(step.uses as string, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
                    }
                }
            }
        });

        it("runs the Pulumi CLI that package-lock.json pins (3.276.0) in every Pulumi step", () => {
            assert.equal(LOCKED_PULUMI, "3.276.0");
            let count = 0;
            for (const { file, id, job } of allJobs()) {
                for (const step of job.steps.filter((s) => s.uses === PULUMI)) {
                    assert.equal(step.with?.["pulumi-version"], LOCKED_PULUMI, `${file} ${id}`);
                    count++;
                }
            }
            assert.equal(count, 5, "two previews, two deploys, one install for the rotation");
        });

        it("installs without install scripts where a job can sign in to Azure, and never caches there", () => {
            for (const { file, id, job } of allJobs()) {
                const checkouts = job.steps.filter((s) => s.uses === CHECKOUT);
                assert.equal(checkouts.length, id === "alert" ? 0 : 1, `${file} ${id}`);
                for (const checkout of checkouts) {
                    assert.equal(checkout.with?.["persist-credentials"], false, `${file} ${id}: no token left in .git/config`);
                }
                if (job.permissions?.["id-token"] !== "write") continue;
                const npm = job.steps.filter((s) => s.run?.startsWith("npm "));
                assert.deepEqual(
                    npm.map((s) => `run: ${s.run}`),
                    [INSTALL, BUILD],
                    `${file} ${id}: dependencies' install scripts would see the OIDC request token`,
                );
                assert.deepEqual(stepUsing(job, "actions/setup-node").with, { "node-version": 22 }, `${file} ${id}: no cache`);
            }
        });
    });

    describe("permissions, timeouts, secrets", () => {
        it("gives the workflow token contents: read, and each job exactly what it needs and a timeout", () => {
            const expected: Record<string, { timeout: number; permissions?: Record<string, string> }> = {
                "preview.yml ci": { timeout: 90 },
                "preview.yml preview-dev": {
                    timeout: 20,
                    permissions: { contents: "read", "id-token": "write", "pull-requests": "write" },
                },
                "deploy.yml up-dev": { timeout: 30, permissions: { contents: "read", "id-token": "write" } },
                "deploy.yml preview-prod": { timeout: 20, permissions: { contents: "read", "id-token": "write" } },
                "deploy.yml up-prod": { timeout: 30, permissions: { contents: "read", "id-token": "write" } },
                "rotate.yml rotate": {
                    timeout: 30,
                    permissions: { contents: "read", actions: "read", deployments: "read", "id-token": "write" },
                },
                "rotate.yml alert": { timeout: 5, permissions: { actions: "read", issues: "write" } },
            };
            const seen: string[] = [];
            for (const { file, id, job } of allJobs()) {
                const key = `${file} ${id}`;
                seen.push(key);
                assert.ok(expected[key], `unexpected job ${key}`);
                assert.equal(job["timeout-minutes"], expected[key].timeout, key);
                assert.deepEqual(job.permissions, expected[key].permissions, key);
                assert.equal(job["runs-on"], "ubuntu-latest", key);
            }
            assert.deepEqual(seen.sort(), Object.keys(expected).sort());
            for (const file of FILES) {
                assert.deepEqual(load(file).permissions, { contents: "read" }, file);
                assert.deepEqual(load(file).defaults, { run: { shell: "bash" } }, file);
            }
        });

        it("sets secrets only on the steps that run Pulumi, never job-wide, never in install steps or scripts' text", () => {
            for (const { file, id, job } of allJobs()) {
                assert.equal(job.env, undefined, `${file} ${id}: job-level env reaches every step, npm ci included`);
                for (const step of job.steps) {
                    const where = `${file} ${id} ${step.id ?? step.uses ?? step.run}`;
                    const secrets = JSON.stringify(step).match(/secrets\.[A-Z_]+/g) ?? [];
                    for (const s of secrets) {
                        assert.ok(
                            ["secrets.PULUMI_ACCESS_TOKEN", "secrets.PULUMI_CONFIG_PASSPHRASE", "secrets.GITHUB_TOKEN"].includes(s),
                            `${where}: unexpected ${s}`,
                        );
                    }
                    const runsPulumi =
                        (step.uses === PULUMI && step.with?.command !== undefined) || /(^|\n)\s*pulumi /.test(step.run ?? "");
                    if (secrets.length > 0) {
                        assert.ok(runsPulumi, `${where}: a secret on a step that does not run Pulumi`);
                    }
                    if (step.run !== undefined) {
                        assert.doesNotMatch(step.run, /\$\{\{/, `${where}: values reach scripts through env, never pasted in`);
                        assert.doesNotMatch(step.run, /printenv|set -x|\benv\s*$/m, `${where}: prints the environment`);
                        if (step.run.startsWith("npm ") || step.run.startsWith("bash .ci/run")) {
                            assert.equal(step.env, undefined, `${where}: install and build steps get no env`);
                        }
                    }
                }
                assert.doesNotMatch(
                    JSON.stringify(job),
                    /client-secret|ARM_CLIENT_SECRET|AZURE_CREDENTIALS|creds/,
                    `${file} ${id}: OIDC only, no long-lived Azure secret`,
                );
            }
        });
    });

    describe("preview.yml", () => {
        const wf = () => load("preview.yml");

        it("runs on pull requests: the CI script with nothing but a read-only token, then one preview job per stack", () => {
            assert.deepEqual(wf().on, { pull_request: { branches: ["main"] } });
            assert.deepEqual(wf().concurrency, {
                group: "preview-${{ github.event.pull_request.number }}",
                "cancel-in-progress": true,
            });
            assert.deepEqual(Object.keys(wf().jobs), ["ci", "preview-dev"]);
            const ci = wf().jobs.ci;
            assert.deepEqual(stepsOf(ci), [CHECKOUT, SETUP_NODE, pin("actions/setup-go"), pin("actions/cache"), "run: bash .ci/run"]);
            // The e2e suite's toolchain, Go modules and venv are cached, keyed by what decides them.
            const cache = (ci.steps ?? []).find((st) => st.uses === pin("actions/cache"))!;
            assert.deepEqual(cache.with, {
                path: "~/.cache/apim-gateway\n~/go/pkg/mod\n",
                key: "e2e-toolchain-${{ runner.os }}-${{ hashFiles('e2e/toolchain/**', 'package-lock.json') }}",
            });
            assert.equal(ci.permissions, undefined, "the CI job keeps the workflow's read-only token");
            assert.equal(ci.environment, undefined);
            assert.doesNotMatch(JSON.stringify(ci), /secrets\.|vars\./);
        });

        it("gives pull requests from forks nothing, same-repo pull requests only the dev preview, and no job anything of prod", () => {
            const jobs = wf().jobs;
            assert.equal(jobs["preview-dev"].if, SAME_REPO);
            assert.equal(jobs["preview-dev"].environment, "dev-preview");
            assert.equal(jobs["preview-dev"].needs, "ci");
            // A pull request runs its own code: no prod environment, no prod variable, no deploy or rotation identity,
            // outside the identity check's list of client ids (which are not secret).
            for (const [id, job] of Object.entries(jobs)) {
                assert.ok(job.environment === undefined || job.environment === "dev-preview", `preview.yml ${id}: ${job.environment}`);
                const guardEnv = withoutClientIds(job.steps[0].env);
                const rest = JSON.stringify([guardEnv, ...job.steps.slice(1).map((st) => ({ ...st, run: undefined })), job.steps[0].run]);
                assert.doesNotMatch(rest, /PROD|prod-|_DEPLOY|ROTATION|AZURE_CLIENT_ID_DEV\b/, `preview.yml ${id}`);
            }
        });

        it("preview (dev): signs in as the read-only dev preview identity and runs the policy pack, every rule advisory", () => {
            const job = wf().jobs["preview-dev"];
            assert.equal(job.name, "preview (dev)");
            assert.deepEqual(stepsOf(job), stackJobSteps(job));
            assert.deepEqual(stepUsing(job, "azure/login").with, loginWith(vars("AZURE_CLIENT_ID_DEV_PREVIEW")));
            assert.deepEqual(stepUsing(job, "azure/use-kubelogin").with, { "kubelogin-version": "v0.1.6" });
            assert.deepEqual(stepUsing(job, "azure/aks-set-context").with, aksWith("dev"));
            const pulumi = stepUsing(job, "pulumi/actions");
            assert.deepEqual(pulumi.env, pulumiEnv(vars("AZURE_CLIENT_ID_DEV_PREVIEW")));
            assert.deepEqual(pulumi.with, {
                "pulumi-version": "3.276.0",
                command: "preview",
                "stack-name": "dev",
                diff: true,
                policyPacks: "policy",
                policyPackConfigs: "policy/dev-config.json",
                "comment-on-pr": true,
                "edit-pr-comment": true,
                "github-token": "${{ secrets.GITHUB_TOKEN }}",
            });
        });

        it("the dev preview's policy config makes every rule advisory, and the pack is where the workflow looks", () => {
            assert.deepEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "dev-config.json"), "utf8")), { all: "advisory" });
            assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
        });
    });

    describe("deploy.yml", () => {
        it("on push to main: pulumi up for dev, then prod behind the prod environment, each stack as its own deploy identity", () => {
            const wf = load("deploy.yml");
            assert.deepEqual(wf.on, { push: { branches: ["main"] } });
            assert.deepEqual(Object.keys(wf.jobs), ["up-dev", "preview-prod", "up-prod"]);
            for (const stack of ["dev", "prod"]) {
                const job = wf.jobs[`up-${stack}`];
                assert.equal(job.name, `up (${stack})`);
                assert.equal(job.environment, stack);
                assert.deepEqual(job.needs, stack === "prod" ? ["up-dev", "preview-prod"] : undefined);
                assert.equal(job.if, undefined);
                assert.deepEqual(job.concurrency, { group: `pulumi-${stack}`, "cancel-in-progress": false });
                assert.deepEqual(stepsOf(job), stackJobSteps(job));
                const clientId = vars(`AZURE_CLIENT_ID_${stack.toUpperCase()}`);
                assert.deepEqual(stepUsing(job, "azure/login").with, loginWith(clientId));
                assert.deepEqual(stepUsing(job, "azure/aks-set-context").with, aksWith(stack));
                const pulumi = stepUsing(job, "pulumi/actions");
                assert.deepEqual(pulumi.env, pulumiEnv(clientId));
                assert.deepEqual(pulumi.with, { "pulumi-version": "3.276.0", command: "up", "stack-name": stack });
            }
        });

        it("previews prod only after the merge: merged code, the read-only prod preview identity, before up (prod) waits for its reviewer", () => {
            const wf = load("deploy.yml");
            const job = wf.jobs["preview-prod"];
            assert.equal(job.name, "preview (prod)");
            // prod-preview accepts main alone (docs/ci.md); this workflow runs on pushes to main only.
            assert.equal(job.environment, "prod-preview");
            assert.equal(job.needs, undefined);
            assert.equal(job.if, undefined);
            assert.equal(job.concurrency, undefined, "a preview takes no lock");
            assert.deepEqual(stepsOf(job), stackJobSteps(job));
            assert.deepEqual(stepUsing(job, "actions/checkout").with, { "persist-credentials": false }, "the pushed commit, nothing else");
            assert.deepEqual(stepUsing(job, "azure/login").with, loginWith(vars("AZURE_CLIENT_ID_PROD_PREVIEW")));
            assert.deepEqual(stepUsing(job, "azure/aks-set-context").with, aksWith("prod"));
            const pulumi = stepUsing(job, "pulumi/actions");
            assert.deepEqual(pulumi.env, pulumiEnv(vars("AZURE_CLIENT_ID_PROD_PREVIEW")));
            assert.deepEqual(pulumi.with, {
                "pulumi-version": "3.276.0",
                command: "preview",
                "stack-name": "prod",
                diff: true,
                policyPacks: "policy",
                "comment-on-summary": true,
            });
            // up (prod) cannot start (nor ask its reviewer) before the preview has succeeded.
            assert.deepEqual(wf.jobs["up-prod"].needs, ["up-dev", "preview-prod"]);
            // No pull-request workflow names a prod environment.
            for (const [id, j] of Object.entries(load("preview.yml").jobs)) {
                assert.ok(!String(j.environment ?? "").startsWith("prod"), `preview.yml ${id}`);
            }
        });
    });

    describe("one Azure identity per stack and environment", () => {
        const workflows = () => Object.fromEntries(FILES.map((f) => [f, load(f)])) as Record<string, Workflow>;

        it("every job that signs in starts with the same identity check, and signs in with its own environment's variable only", () => {
            assert.deepEqual(identityProblems(workflows()), []);
            const guarded = allJobs().filter(({ job }) => job.permissions?.["id-token"] === "write");
            assert.deepEqual(
                guarded.map(({ file, id }) => `${file} ${id}`),
                ["deploy.yml up-dev", "deploy.yml preview-prod", "deploy.yml up-prod", "preview.yml preview-dev", "rotate.yml rotate"],
            );
            const runs = new Set(guarded.map(({ job }) => guardOf(job).run));
            assert.equal(runs.size, 1, "one script everywhere");
            assert.deepEqual(
                load("rotate.yml").jobs.rotate.strategy?.matrix.include.map((leg) => [leg.environment, leg["client-id"]]),
                [
                    ["dev-rotation", vars("AZURE_CLIENT_ID_DEV_ROTATION")],
                    ["prod-rotation", vars("AZURE_CLIENT_ID_PROD_ROTATION")],
                ],
            );
        });

        it("finds a prod job that would use a dev variable or the dev identity", () => {
            const swapped = workflows();
            const upProd = swapped["deploy.yml"].jobs["up-prod"];
            stepUsing(upProd, "azure/login").with!["client-id"] = vars("AZURE_CLIENT_ID_DEV");
            stepUsing(upProd, "azure/aks-set-context").with!["cluster-name"] = vars("AKS_CLUSTER_DEV");
            swapped["rotate.yml"].jobs.rotate.strategy!.matrix.include[1]["client-id"] = vars("AZURE_CLIENT_ID_DEV_ROTATION");
            guardOf(swapped["deploy.yml"].jobs["preview-prod"]).env!.CLIENT_ID = vars("AZURE_CLIENT_ID_DEV_PREVIEW");
            assert.deepEqual(identityProblems(swapped), [
                "deploy.yml preview-prod: the identity check is given ${{ vars.AZURE_CLIENT_ID_DEV_PREVIEW }}, not ${{ vars.AZURE_CLIENT_ID_PROD_PREVIEW }}",
                "deploy.yml preview-prod: names vars.AZURE_CLIENT_ID_DEV_PREVIEW, a dev variable",
                "deploy.yml up-prod: signs in with ${{ vars.AZURE_CLIENT_ID_DEV }}, not ${{ vars.AZURE_CLIENT_ID_PROD }}",
                "deploy.yml up-prod: names vars.AZURE_CLIENT_ID_DEV, a dev variable",
                "deploy.yml up-prod: names vars.AKS_CLUSTER_DEV, a dev variable",
                "rotate.yml rotate (prod-rotation): the identity check is given ${{ vars.AZURE_CLIENT_ID_DEV_ROTATION }}, not ${{ vars.AZURE_CLIENT_ID_PROD_ROTATION }}",
                "rotate.yml rotate (prod-rotation): signs in with ${{ vars.AZURE_CLIENT_ID_DEV_ROTATION }}, not ${{ vars.AZURE_CLIENT_ID_PROD_ROTATION }}",
                "rotate.yml rotate (prod-rotation): signs in with ${{ vars.AZURE_CLIENT_ID_DEV_ROTATION }}, not ${{ vars.AZURE_CLIENT_ID_PROD_ROTATION }}",
                "rotate.yml rotate (prod-rotation): names vars.AZURE_CLIENT_ID_DEV_ROTATION, a dev variable",
            ]);
            const unguarded = workflows();
            unguarded["deploy.yml"].jobs["up-dev"].steps.shift();
            assert.deepEqual(identityProblems(unguarded), ["deploy.yml up-dev: does not start with the identity check"]);
        });
    });

    describe("rotate.yml", () => {
        const wf = () => load("rotate.yml");
        const rotate = () => wf().jobs.rotate;

        it("runs every day on ROTATION_CRON from components/rotation.ts, and by hand", () => {
            assert.equal(ROTATION_CRON, "17 5 * * *", "daily at 05:17 UTC");
            assert.deepEqual(wf().on, { schedule: [{ cron: ROTATION_CRON }], workflow_dispatch: {} });
            assert.deepEqual(Object.keys(wf().jobs), ["rotate", "alert"]);
        });

        it("rotates each stack in its own job: no fail-fast, no ordering, one update of a stack at a time", () => {
            const job = rotate();
            assert.equal(job.name, "rotate (${{ matrix.stack }})");
            assert.equal(job.needs, undefined);
            assert.equal(job.strategy?.["fail-fast"], false);
            assert.deepEqual(job.strategy?.matrix.include, [
                {
                    stack: "dev",
                    environment: "dev-rotation",
                    "deployed-environment": "dev",
                    "client-id": "${{ vars.AZURE_CLIENT_ID_DEV_ROTATION }}",
                    "aks-resource-group": "${{ vars.AKS_RESOURCE_GROUP_DEV }}",
                    "aks-cluster": "${{ vars.AKS_CLUSTER_DEV }}",
                },
                {
                    stack: "prod",
                    environment: "prod-rotation",
                    "deployed-environment": "prod",
                    "client-id": "${{ vars.AZURE_CLIENT_ID_PROD_ROTATION }}",
                    "aks-resource-group": "${{ vars.AKS_RESOURCE_GROUP_PROD }}",
                    "aks-cluster": "${{ vars.AKS_CLUSTER_PROD }}",
                },
            ]);
            assert.equal(job.environment, "${{ matrix.environment }}");
            assert.deepEqual(job.concurrency, { group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false });
            // The group is the deploy's, and the deployments it reads are the deploy jobs' environments.
            const deploy = load("deploy.yml");
            for (const leg of job.strategy?.matrix.include ?? []) {
                const deployJob = deploy.jobs[`up-${leg.stack}`];
                assert.equal(deployJob.environment, leg["deployed-environment"]);
                assert.equal(deployJob.concurrency?.group, `pulumi-${leg.stack}`);
            }
        });

        it("deploys the last successfully deployed commit, and only the token chain, as the rotation identity", () => {
            const job = rotate();
            assert.deepEqual(stepsOf(job), [
                `run: ${guardOf(job).run}`,
                CHECKOUT,
                `run: ${stepById(job, "approved").run}`,
                SETUP_NODE,
                INSTALL,
                BUILD,
                PULUMI,
                LOGIN,
                `run: ${stepById(job, "plan").run}`,
                KUBELOGIN,
                AKS,
                `run: ${stepById(job, "rotate").run}`,
            ]);
            // main's whole history; the checked commit is checked out by the step that checks it.
            assert.deepEqual(stepUsing(job, "actions/checkout").with, { ref: "main", "fetch-depth": 0, "persist-credentials": false });
            assert.match(stepById(job, "approved").run as string, /\ngit checkout --quiet --detach "\$sha"\n/);
            assert.deepEqual(stepUsing(job, "pulumi/actions").with, { "pulumi-version": "3.276.0" }, "install only");
            assert.deepEqual(stepUsing(job, "azure/login").with, loginWith("${{ matrix.client-id }}"));
            assert.deepEqual(stepUsing(job, "azure/aks-set-context").with, {
                "use-kubelogin": "true",
                "resource-group": "${{ matrix.aks-resource-group }}",
                "cluster-name": "${{ matrix.aks-cluster }}",
            });
            for (const action of ["azure/use-kubelogin", "azure/aks-set-context"]) {
                assert.equal(stepUsing(job, action).if, "steps.plan.outputs.due == 'true'");
            }
            assert.deepEqual(stepById(job, "approved").env, {
                GH_TOKEN: "${{ github.token }}",
                STACK: "${{ matrix.stack }}",
                DEPLOYED_ENVIRONMENT: "${{ matrix.deployed-environment }}",
            });
            const { ARM_USE_OIDC, ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID, ...stateEnv } = pulumiEnv("${{ matrix.client-id }}");
            assert.deepEqual(stepById(job, "plan").env, { ...stateEnv, STACK: "${{ matrix.stack }}" });
            assert.deepEqual(stepById(job, "rotate").env, {
                ...stateEnv,
                ARM_USE_OIDC,
                ARM_CLIENT_ID,
                ARM_TENANT_ID,
                ARM_SUBSCRIPTION_ID,
                STACK: "${{ matrix.stack }}",
                TOKEN_URN: "${{ steps.plan.outputs.token-urn }}",
            });
            assert.equal(stepById(job, "rotate").if, "steps.plan.outputs.due == 'true'");
            // Every Pulumi command that can change the stack is targeted at the token and its dependents.
            const commands = (stepById(job, "rotate").run as string).split("\n").filter((l) => /^\s*pulumi (up|preview)\b/.test(l));
            assert.equal(commands.length, 2);
            for (const c of commands) {
                assert.match(c, / --target "\$TOKEN_URN" --target-dependents /);
            }
            assert.doesNotMatch(text("rotate.yml"), /command: up|pulumi refresh|pulumi destroy/);
        });

        it("fails loudly: a failed or cancelled rotation opens or updates an issue, and the run stays failed", () => {
            const job = wf().jobs.alert;
            assert.equal(job.needs, "rotate");
            assert.equal(job.if, "always() && (needs.rotate.result == 'failure' || needs.rotate.result == 'cancelled')");
            assert.equal(job.environment, undefined);
            assert.deepEqual(job.steps.length, 1);
            assert.deepEqual(job.steps[0].env, {
                GH_TOKEN: "${{ github.token }}",
                GH_REPO: "${{ github.repository }}",
                RUN_ID: "${{ github.run_id }}",
                RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
            });
            assert.match(job.steps[0].run as string, /gh issue create --title "\$title"/);
            assert.match(job.steps[0].run as string, /gh issue comment "\$number"/);
        });
    });
});

// ---- The rotation's and the alert's scripts, run with stand-in `gh` and `pulumi` commands ----

const STACK_URN = "urn:pulumi:prod::apim-gateway::pulumi:pulumi:Stack::apim-gateway-prod";
const TOKEN_URN = "urn:pulumi:prod::apim-gateway::apim-gateway:index:SelfHostedGateway$apim-gateway:index:GatewayToken::apim-gw-prod-token";
const SECRET_URN =
    "urn:pulumi:prod::apim-gateway::apim-gateway:index:SelfHostedGateway$kubernetes:core/v1:Secret::apim-gw-prod-token-secret";
const DEPLOYMENT_URN =
    "urn:pulumi:prod::apim-gateway::apim-gateway:index:SelfHostedGateway$kubernetes:apps/v1:Deployment::apim-gw-prod-deployment";
const CONFIGMAP_URN =
    "urn:pulumi:prod::apim-gateway::apim-gateway:index:SelfHostedGateway$kubernetes:core/v1:ConfigMap::apim-gw-prod-config";
const OTHER_SECRET_URN = "urn:pulumi:prod::apim-gateway::apim-gateway:index:SelfHostedGateway$kubernetes:core/v1:Secret::apim-gw-prod-ca";
const PAST = "2000-01-03T00:00:00.000Z";
const FUTURE = "2999-01-07T00:00:00.000Z";

// git: `merge-base --is-ancestor <sha> refs/remotes/origin/main` succeeds when $FIX/main-commits lists <sha>;
// `checkout` succeeds. Every call is logged.
const GIT_STUB = `#!/usr/bin/env bash
set -euo pipefail
{ printf '%s' "$(basename "$0")" | base64 -w0; for a in "$@"; do printf ' '; printf '%s' "$a" | base64 -w0; done; echo; } >> "$STUB_LOG"
case "$1" in
  merge-base)
    [ "$2" = "--is-ancestor" ] && [ "$4" = "refs/remotes/origin/main" ] || exit 2
    grep -qxF "$3" "$FIX/main-commits" ;;
  checkout) ;;
  *) exit 2 ;;
esac
`;
// gh: `api <path> [--jq f]` answers from $FIX/api/<path with / ? & = turned into _>.json; issue commands are logged.
const GH_STUB = `#!/usr/bin/env bash
set -euo pipefail
{ printf '%s' "$(basename "$0")" | base64 -w0; for a in "$@"; do printf ' '; printf '%s' "$a" | base64 -w0; done; echo; } >> "$STUB_LOG"
case "$1" in
  api)
    file="$FIX/api/$(printf '%s' "$2" | tr '/?&=' '____').json"
    if [ "\${3:-}" = "--jq" ]; then jq -r "$4" "$file"; else cat "$file"; fi ;;
  issue)
    case "$2" in
      list) cat "$FIX/issues.json" ;;
      comment|create) ;;
      *) exit 2 ;;
    esac ;;
  *) exit 2 ;;
esac
`;
// pulumi: `stack export --file` copies $FIX/state.json; `preview --json` prints $FIX/preview.json; `stack output`
// prints $FIX/next; `up` succeeds, or fails printing $FIX/up.stderr when there is one. Every call is logged.
const PULUMI_STUB = `#!/usr/bin/env bash
set -euo pipefail
{ printf '%s' "$(basename "$0")" | base64 -w0; for a in "$@"; do printf ' '; printf '%s' "$a" | base64 -w0; done; echo; } >> "$STUB_LOG"
case "$1 \${2:-}" in
  "stack export")
    out=""; while [ $# -gt 0 ]; do if [ "$1" = "--file" ]; then out="$2"; fi; shift; done
    cp "$FIX/state.json" "$out" ;;
  "stack output") cat "$FIX/next" ;;
  preview*) cat "$FIX/preview.json" ;;
  up*) if [ -f "$FIX/up.stderr" ]; then cat "$FIX/up.stderr" >&2; exit 255; fi ;;
  *) exit 2 ;;
esac
`;

interface ScriptRun {
    code: number;
    stdout: string;
    outputs: Record<string, string>;
    /** Every stand-in call, as its argument vector: ["pulumi", "up", ...]. */
    calls: string[][];
}

/** Runs one workflow step's script as GitHub runs it (bash -eo pipefail), with the stand-ins first on PATH. */
function runStep(step: Step, env: Record<string, string>, fixtures: Record<string, unknown>): ScriptRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-step-"));
    try {
        const bin = path.join(dir, "bin");
        const fix = path.join(dir, "fix");
        fs.mkdirSync(bin);
        fs.mkdirSync(path.join(fix, "api"), { recursive: true });
        fs.writeFileSync(path.join(bin, "gh"), GH_STUB, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "pulumi"), PULUMI_STUB, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "git"), GIT_STUB, { mode: 0o755 });
        for (const [name, value] of Object.entries(fixtures)) {
            fs.writeFileSync(path.join(fix, name), typeof value === "string" ? value : JSON.stringify(value));
        }
        const output = path.join(dir, "github-output");
        const log = path.join(dir, "calls");
        fs.writeFileSync(output, "");
        fs.writeFileSync(log, "");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run as string], {
            env: {
                PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
                HOME: dir,
                RUNNER_TEMP: dir,
                GITHUB_OUTPUT: output,
                GITHUB_REPOSITORY: "contoso/apim-gateway",
                GITHUB_SERVER_URL: "https://github.com",
                STUB_LOG: log,
                FIX: fix,
                ...env,
            },
            encoding: "utf8",
        });
        const outputs: Record<string, string> = {};
        for (const line of fs.readFileSync(output, "utf8").split("\n").filter(Boolean)) {
            const i = line.indexOf("=");
            outputs[line.slice(0, i)] = line.slice(i + 1);
        }
        const calls = fs
            .readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split(" ").map((a) => Buffer.from(a, "base64").toString("utf8")));
        return { code: r.status ?? 1, stdout: `${r.stdout}${r.stderr}`, outputs, calls };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const api = (p: string) => `api/${p.replace(/[/?&=]/g, "_")}.json`;
const state = (resources: Record<string, unknown>[]) => ({ version: 3, deployment: { resources } });
const stackResource = (rotatesAfter?: string) => ({
    urn: STACK_URN,
    type: "pulumi:pulumi:Stack",
    outputs: rotatesAfter ? { tokenRotatesAfter: rotatesAfter, tokenExpiry: "2999-02-01T00:00:00.000Z" } : {},
});
const token = (extra: Record<string, unknown> = {}) => ({ urn: TOKEN_URN, type: "apim-gateway:index:GatewayToken", ...extra });
const rotationPreview = (...extra: { op: string; urn: string }[]) => ({
    steps: [
        { op: "same", urn: STACK_URN },
        { op: "create-replacement", urn: TOKEN_URN },
        { op: "replace", urn: TOKEN_URN },
        { op: "create-replacement", urn: SECRET_URN },
        { op: "replace", urn: SECRET_URN },
        { op: "update", urn: DEPLOYMENT_URN },
        { op: "delete-replaced", urn: SECRET_URN },
        { op: "delete-replaced", urn: TOKEN_URN },
        { op: "same", urn: CONFIGMAP_URN },
        { op: "same", urn: "urn:pulumi:prod::apim-gateway::apim-gateway:index:KubernetesTarget::apim-gw-prod-kubernetes-target" },
        ...extra,
    ],
    changeSummary: { replace: 2, update: 1, same: 3 },
});

describe("rotate.yml scripts (stand-in gh and pulumi)", function () {
    const have = (cmd: string) => spawnSync("bash", ["-c", `command -v ${cmd}`]).status === 0;
    before(function () {
        if (!have("jq") || spawnSync("date", ["-u", "-d", PAST, "+%s"]).status !== 0) {
            console.log("    rotate.yml scripts: SKIPPED (not run, not passed): they need jq and GNU date, as on GitHub's runners");
            this.skip();
        }
    });
    const job = () => load("rotate.yml").jobs.rotate;
    const step = (id: string) => stepById(job(), id);
    const A = "a".repeat(40);
    const B = "b".repeat(40);
    const C = "c".repeat(40);
    const deploymentsPath = "repos/contoso/apim-gateway/deployments?environment=prod&per_page=100";
    const statusesPath = (id: number) => `repos/contoso/apim-gateway/deployments/${id}/statuses?per_page=1`;
    const approvedEnv = { STACK: "prod", DEPLOYED_ENVIRONMENT: "prod", GH_TOKEN: "x" };

    const runsPath = (run: number) => `repos/contoso/apim-gateway/actions/runs/${run}`;
    const jobLog = (run: number) => `https://github.com/contoso/apim-gateway/actions/runs/${run}/job/${run}0`;
    /** deploy.yml's run 902 deployed B from a push to main; C is a commit on a branch. */
    const deployRun = { path: ".github/workflows/deploy.yml", event: "push", head_branch: "main", head_sha: B };
    /** The newest successful record names B (or `sha`), and links to run 902 (or `log`). */
    const history = (record: { sha?: string; log?: string } = {}, run: Record<string, string> = deployRun) => ({
        [api(deploymentsPath)]: [
            { id: 3, sha: C },
            { id: 2, sha: record.sha ?? B },
            { id: 1, sha: A },
        ],
        [api(statusesPath(3))]: [{ state: "waiting", log_url: jobLog(903) }],
        [api(statusesPath(2))]: [{ state: "success", log_url: record.log ?? jobLog(902), target_url: record.log ?? jobLog(902) }],
        [api(statusesPath(1))]: [{ state: "inactive", log_url: jobLog(901) }],
        [api(runsPath(902))]: run,
        "main-commits": `${A}\n${B}\n`,
    });
    const refused = (r: ScriptRun, why: string) => {
        assert.equal(r.code, 1, r.stdout);
        assert.equal(r.stdout.trim().split("\n").pop(), `::error::prod: ${why}; nothing was rotated. See docs/ci.md, 'Rotation'.`);
        assert.deepEqual(r.outputs, {}, "no commit for the steps after it");
        assert.ok(!r.calls.some((c) => c[0] === "git" && c[1] === "checkout"), "nothing checked out");
    };

    it("approved: takes the newest successful deployment, checks it is deploy.yml's from main, and checks its commit out", () => {
        const r = runStep(step("approved"), approvedEnv, history());
        assert.equal(r.code, 0, r.stdout);
        assert.deepEqual(r.outputs, { sha: B });
        assert.match(r.stdout, new RegExp(`prod: rotating as deployed at ${B} \\(deployment 2, deploy workflow run 902\\)`));
        assert.deepEqual(
            r.calls.map((c) => c.slice(0, 3)),
            [
                ["gh", "api", deploymentsPath],
                ["gh", "api", statusesPath(3)],
                ["gh", "api", statusesPath(2)],
                ["gh", "api", runsPath(902)],
                ["git", "merge-base", "--is-ancestor"],
                ["git", "checkout", "--quiet"],
            ],
        );
        assert.deepEqual(r.calls[4], ["git", "merge-base", "--is-ancestor", B, "refs/remotes/origin/main"]);
        assert.deepEqual(r.calls[5], ["git", "checkout", "--quiet", "--detach", B]);
    });

    it("approved: refuses a record from another commit: one that is not on main, or not the one its run deployed", () => {
        refused(
            runStep(step("approved"), approvedEnv, history({ sha: C }, { ...deployRun, head_sha: C })),
            `commit ${C} of deployment 2 is not on main`,
        );
        refused(
            runStep(step("approved"), approvedEnv, history({ sha: A })),
            `deployment 2 names commit ${A}, but its run 902 deployed ${B}`,
        );
    });

    it("approved: refuses a record from another workflow, or one that links to no run of this repository", () => {
        refused(
            runStep(step("approved"), approvedEnv, history({}, { ...deployRun, path: ".github/workflows/preview.yml" })),
            `deployment 2 (commit ${B}) was made by run 902 of .github/workflows/preview.yml, not of .github/workflows/deploy.yml`,
        );
        refused(
            runStep(step("approved"), approvedEnv, history({}, { ...deployRun, path: ".github/workflows/x;$(id)\n::warning::y.yml" })),
            `deployment 2 (commit ${B}) was made by run 902 of .github/workflows/x???id??n??warning??y.yml, not of .github/workflows/deploy.yml`,
        );
        for (const log of [
            "",
            "https://example.com/x",
            "https://github.com/mallory/apim-gateway/actions/runs/902",
            jobLog(902).replace("/902/", "/x/"),
        ]) {
            refused(
                runStep(step("approved"), approvedEnv, history({ log })),
                `deployment 2 (commit ${B}) links to no workflow run of this repository, so the deploy workflow did not make it`,
            );
        }
    });

    it("approved: refuses a record from another branch, or from a run that was not a push", () => {
        refused(
            runStep(step("approved"), approvedEnv, history({}, { ...deployRun, head_branch: "feature/x" })),
            `deployment 2 (commit ${B}) was made by run 902 on push of feature/x, not on a push to main`,
        );
        refused(
            runStep(step("approved"), approvedEnv, history({}, { ...deployRun, event: "workflow_dispatch" })),
            `deployment 2 (commit ${B}) was made by run 902 on workflow_dispatch of main, not on a push to main`,
        );
    });

    it("approved: fails when the stack was never deployed successfully", () => {
        const r = runStep(step("approved"), approvedEnv, {
            [api(deploymentsPath)]: [{ id: 1, sha: A }],
            [api(statusesPath(1))]: [{ state: "failure" }],
        });
        assert.equal(r.code, 1);
        assert.match(r.stdout, /::error::prod: no successful deployment to the prod environment/);
        assert.deepEqual(r.outputs, {});
        const none = runStep(step("approved"), approvedEnv, { [api(deploymentsPath)]: [] });
        assert.equal(none.code, 1);
    });

    it("a refused record fails the rotation job, which the alert job reports", () => {
        const alert = load("rotate.yml").jobs.alert;
        assert.equal(alert.needs, "rotate");
        assert.match(alert.if as string, /needs\.rotate\.result == 'failure'/);
        assert.equal(stepById(job(), "approved").if, undefined, "runs on every rotation");
        assert.equal(stepById(job(), "approved")["continue-on-error" as keyof Step], undefined);
    });

    // The identity check, as each job that signs in runs it (prod here).
    const GUIDS = {
        "dev-preview": "11111111-1111-1111-1111-111111111111",
        "prod-preview": "22222222-2222-2222-2222-222222222222",
        dev: "33333333-3333-3333-3333-333333333333",
        prod: "44444444-4444-4444-4444-444444444444",
        "dev-rotation": "55555555-5555-5555-5555-555555555555",
        "prod-rotation": "66666666-6666-6666-6666-666666666666",
    } as Record<string, string>;
    const clientIds = (ids: Record<string, string>) =>
        Object.entries(ids)
            .map(([e, id]) => `${e}=${id}\n`)
            .join("");
    const guard = () => guardOf(load("deploy.yml").jobs["up-prod"]);
    const check = (clientId: string, ids = GUIDS) =>
        runStep(guard(), { ENVIRONMENT: "prod", CLIENT_ID: clientId, CLIENT_IDS: clientIds(ids) }, {});

    it("identity check: passes when the job signs in with its own environment's identity and no other holds it", () => {
        const r = check(GUIDS.prod);
        assert.equal(r.code, 0, r.stdout);
        assert.equal(r.stdout, "");
        assert.equal(check(GUIDS.prod.toUpperCase(), { ...GUIDS, prod: GUIDS.prod.toUpperCase() }).code, 0);
    });

    it("identity check: fails a prod job that would use a dev variable, or an identity that dev also holds", () => {
        for (const env of ["dev", "dev-preview", "dev-rotation", "prod-preview"]) {
            const r = check(GUIDS[env]);
            assert.equal(r.code, 1, env);
            assert.equal(
                r.stdout.trim(),
                `::error::prod would sign in as the ${env} identity (${GUIDS[env]}); each stack and environment needs its own identity and its own variable (AZURE_CLIENT_ID_PROD)`,
            );
        }
        const shared = check(GUIDS.prod, { ...GUIDS, dev: GUIDS.prod.toUpperCase() });
        assert.equal(shared.code, 1);
        assert.equal(
            shared.stdout.trim(),
            `::error::prod would sign in as the dev identity (${GUIDS.prod}); each stack and environment needs its own identity and its own variable (AZURE_CLIENT_ID_PROD)`,
        );
    });

    it("identity check: fails when the environment's variable is unset, or the job signs in with another", () => {
        const unset = check("", { ...GUIDS, prod: "" });
        assert.equal(unset.code, 1);
        assert.equal(
            unset.stdout.trim(),
            "::error::prod: the repository variable AZURE_CLIENT_ID_PROD does not hold a client id (a GUID); set it to the prod identity's",
        );
        const other = check("77777777-7777-7777-7777-777777777777");
        assert.equal(other.code, 1);
        assert.equal(
            other.stdout.trim(),
            "::error::prod signs in with a client id that is not AZURE_CLIENT_ID_PROD's; use vars.AZURE_CLIENT_ID_PROD in this job",
        );
    });

    it("plan: due when tokenRotatesAfter has passed, with the one live token's URN", () => {
        const r = runStep(
            step("plan"),
            { STACK: "prod" },
            {
                "state.json": state([stackResource(PAST), token(), token({ urn: `${TOKEN_URN}-old`, delete: true })]),
            },
        );
        assert.equal(r.code, 0, r.stdout);
        assert.deepEqual(r.outputs, { due: "true", "token-urn": TOKEN_URN });
        assert.equal(r.calls.length, 1);
        assert.deepEqual(r.calls[0].slice(0, 5), ["pulumi", "stack", "export", "--stack", "prod"]);
        assert.match(r.calls[0][5], /^--file$/);
        assert.equal(r.calls[0][7], "--non-interactive");
    });

    it("plan: skips the stack until tokenRotatesAfter, and a stack without a token", () => {
        const notDue = runStep(step("plan"), { STACK: "prod" }, { "state.json": state([stackResource(FUTURE), token()]) });
        assert.equal(notDue.code, 0, notDue.stdout);
        assert.deepEqual(notDue.outputs, { due: "false" });
        assert.match(notDue.stdout, /::notice::prod: the token is not due for rotation until 2999-01-07/);
        const noToken = runStep(step("plan"), { STACK: "prod" }, { "state.json": state([stackResource()]) });
        assert.equal(noToken.code, 0, noToken.stdout);
        assert.deepEqual(noToken.outputs, { due: "false" });
    });

    it("plan: fails on a state it does not understand", () => {
        for (const resources of [
            [stackResource(PAST)],
            [stackResource(), token()],
            [stackResource(PAST), token(), token({ urn: `${TOKEN_URN}2` })],
        ]) {
            const r = runStep(step("plan"), { STACK: "prod" }, { "state.json": state(resources) });
            assert.equal(r.code, 1, JSON.stringify(resources));
            assert.match(r.stdout, /::error::prod: expected one apim-gateway:index:GatewayToken/);
            assert.deepEqual(r.outputs, {});
        }
        const bad = runStep(step("plan"), { STACK: "prod" }, { "state.json": state([stackResource("not a time"), token()]) });
        assert.equal(bad.code, 1);
    });

    const rotateEnv = { STACK: "prod", TOKEN_URN };

    it("rotate: previews the targeted chain, then runs the same targeted up and checks the next rotation time", () => {
        const r = runStep(step("rotate"), rotateEnv, { "preview.json": rotationPreview(), next: FUTURE });
        assert.equal(r.code, 0, r.stdout);
        assert.deepEqual(r.calls, [
            ["pulumi", "preview", "--stack", "prod", "--target", TOKEN_URN, "--target-dependents", "--json", "--non-interactive"],
            ["pulumi", "up", "--stack", "prod", "--target", TOKEN_URN, "--target-dependents", "--yes", "--non-interactive"],
            ["pulumi", "stack", "output", "tokenRotatesAfter", "--stack", "prod", "--non-interactive"],
        ]);
        assert.match(r.stdout, /::notice::prod: token rotated; the next rotation is due after 2999-01-07/);
    });

    it("rotate: refuses, before any update, when anything outside the token chain would change", () => {
        for (const extra of [
            { op: "update", urn: CONFIGMAP_URN },
            { op: "replace", urn: OTHER_SECRET_URN },
            { op: "update", urn: "urn:pulumi:prod::apim-gateway::pulumi:providers:kubernetes::default_4_25_0" },
            { op: "delete", urn: DEPLOYMENT_URN.replace("apim-gw-prod-deployment", "other-deployment") },
        ]) {
            const r = runStep(step("rotate"), rotateEnv, { "preview.json": rotationPreview(extra), next: FUTURE });
            assert.equal(r.code, 1, JSON.stringify(extra));
            assert.match(r.stdout, /::error::prod: rotating would also change resources outside the token chain/);
            assert.deepEqual(
                r.calls.map((c) => c.slice(0, 2)),
                [["pulumi", "preview"]],
                "no pulumi up",
            );
        }
    });

    it("rotate: refused by another run's lock, says what to do; other failures fail without that advice", () => {
        // The engine's words, as the e2e suite saw them on an azblob:// backend (teamBackend.e2e.ts), and Pulumi Cloud's.
        for (const refusal of [
            "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
                "  azblob://state/.pulumi/locks/organization/apim-gateway/prod/1.json: created by runner@host (pid 7) at 2026-12-06T04:13:54Z\n",
            "error: [409] Conflict: Another update is currently in progress.\n",
        ]) {
            const r = runStep(step("rotate"), rotateEnv, { "preview.json": rotationPreview(), next: FUTURE, "up.stderr": refusal });
            assert.equal(r.code, 255);
            assert.equal(r.stdout.includes(refusal), true, "Pulumi's own error is shown");
            assert.match(
                r.stdout,
                /::error::prod: another Pulumi run holds the stack's lock \(a deploy, or a pulumi up from elsewhere\), so this rotation changed nothing\. Run rotate-tokens again once that run has ended\. If none is running, a cancelled or crashed run left its lock behind: follow docs\/token-rotation\.md, 'After a crashed pulumi up' \(pulumi cancel --yes --stack prod\), then run rotate-tokens again\./,
            );
            assert.deepEqual(
                r.calls.map((c) => c.slice(0, 2)),
                [
                    ["pulumi", "preview"],
                    ["pulumi", "up"],
                ],
            );
        }
        const other = runStep(step("rotate"), rotateEnv, { "preview.json": rotationPreview(), next: FUTURE, "up.stderr": "error: 403\n" });
        assert.equal(other.code, 255);
        assert.doesNotMatch(other.stdout, /holds the stack's lock/);
    });

    it("rotate: fails when the update leaves tokenRotatesAfter in the past", () => {
        const r = runStep(step("rotate"), rotateEnv, { "preview.json": rotationPreview(), next: PAST });
        assert.equal(r.code, 1);
        assert.match(r.stdout, /::error::prod: after the update, tokenRotatesAfter is 2000-01-03T00:00:00.000Z, not in the future/);
    });

    const alertEnv = {
        GH_TOKEN: "x",
        GH_REPO: "contoso/apim-gateway",
        RUN_ID: "42",
        RUN_URL: "https://github.com/contoso/apim-gateway/actions/runs/42",
    };
    const jobs = {
        jobs: [
            { name: "rotate (dev)", conclusion: "success" },
            { name: "rotate (prod)", conclusion: "failure" },
            { name: "alert on failure", conclusion: null },
        ],
    };

    it("alert: opens an issue naming the failed stack when none is open", () => {
        const r = runStep(load("rotate.yml").jobs.alert.steps[0], alertEnv, {
            [api("repos/contoso/apim-gateway/actions/runs/42/jobs")]: jobs,
            "issues.json": [{ number: 7, title: "Gateway token rotation failed (old)" }],
        });
        assert.equal(r.code, 0, r.stdout);
        const issueCalls = r.calls.filter((c) => c[1] === "issue" && c[2] !== "list");
        assert.equal(issueCalls.length, 1, JSON.stringify(r.calls));
        const [create] = issueCalls;
        assert.deepEqual(create.slice(0, 6), ["gh", "issue", "create", "--title", "Gateway token rotation failed", "--body"]);
        assert.match(
            create[6],
            /^The token rotation run https:\/\/github\.com\/contoso\/apim-gateway\/actions\/runs\/42 did not complete:\n\n- rotate \(prod\): failure\n\n/,
        );
        assert.doesNotMatch(create[6], /rotate \(dev\)|alert on failure/);
    });

    it("alert: comments on the open issue instead of opening another", () => {
        const r = runStep(load("rotate.yml").jobs.alert.steps[0], alertEnv, {
            [api("repos/contoso/apim-gateway/actions/runs/42/jobs")]: jobs,
            "issues.json": [{ number: 12, title: "Gateway token rotation failed" }],
        });
        assert.equal(r.code, 0, r.stdout);
        const issueCalls = r.calls.filter((c) => c[1] === "issue" && c[2] !== "list");
        assert.deepEqual(
            issueCalls.map((c) => c.slice(0, 5)),
            [["gh", "issue", "comment", "12", "--body"]],
        );
        assert.match(issueCalls[0][5], /- rotate \(prod\): failure/);
    });
});
