// The GitHub Actions workflows, parsed: triggers, jobs, permissions, environments, concurrency, authentication,
// and that no step prints a secret. (Running them needs GitHub; this checks what can be checked here.)
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "./harness";

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    name: string;
    needs?: string;
    if?: string;
    environment?: string;
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    strategy?: { matrix: { include: Record<string, string>[] } };
    env?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, Job>;
}

const DIR = path.join(ROOT, ".github", "workflows");
const load = (file: string) => parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;

const PULUMI_ENV = {
    PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
    PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    AZURE_STORAGE_ACCOUNT: "${{ vars.AZURE_STORAGE_ACCOUNT }}",
    ARM_USE_OIDC: "true",
    ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
    ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
    ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}",
};
const OIDC_LOGIN = {
    uses: "azure/login@v2",
    with: {
        "client-id": "${{ vars.AZURE_CLIENT_ID }}",
        "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
        "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
    },
};
const DEPLOY_PERMISSIONS = { contents: "read", "id-token": "write" };

/** The `uses` of every step, with `run` steps shown as `run: <command>`. */
const stepsOf = (job: Job) => job.steps.map((s) => s.uses ?? `run: ${s.run}`);
const pulumiStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@")) as Step;

function checkDeployJob(job: Job, stack: string, environment: string, needs?: string): void {
    assert.equal(job.environment, environment);
    assert.equal(job.needs, needs);
    assert.deepEqual(job.permissions, DEPLOY_PERMISSIONS);
    assert.deepEqual(job.concurrency, { group: `pulumi-${stack}`, "cancel-in-progress": false });
    assert.deepEqual(job.env, PULUMI_ENV);
    assert.deepEqual(stepsOf(job), [
        "actions/checkout@v4",
        "actions/setup-node@v4",
        "run: npm ci --no-audit --no-fund",
        "azure/login@v2",
        "azure/use-kubelogin@v1",
        "azure/aks-set-context@v4",
        "pulumi/actions@v6",
    ]);
    assert.deepEqual(job.steps[3], OIDC_LOGIN);
    assert.deepEqual(job.steps[4].with, { "kubelogin-version": "v0.1.6" });
    const S = stack.toUpperCase();
    assert.deepEqual(job.steps[5].with, {
        "use-kubelogin": "true",
        "resource-group": `\${{ vars.AKS_RESOURCE_GROUP_${S} }}`,
        "cluster-name": `\${{ vars.AKS_CLUSTER_${S} }}`,
    });
    assert.deepEqual(pulumiStep(job).with, { command: "up", "stack-name": stack });
}

describe("GitHub Actions workflows", () => {
    it("has exactly the three workflows", () => {
        assert.deepEqual(fs.readdirSync(DIR).sort(), ["deploy.yml", "preview.yml", "rotate.yml"]);
    });

    it("preview: on pull requests, runs .ci/run, then pulumi preview --diff per stack, commented on the PR", () => {
        const wf = load("preview.yml");
        assert.deepEqual(wf.on, { pull_request: { branches: ["main"] } });
        assert.deepEqual(wf.permissions, { contents: "read" });
        assert.deepEqual(wf.concurrency, { group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
        assert.deepEqual(Object.keys(wf.jobs), ["ci", "preview"]);
        assert.deepEqual(stepsOf(wf.jobs.ci), ["actions/checkout@v4", "actions/setup-node@v4", "run: bash .ci/run"]);
        assert.equal(wf.jobs.ci.permissions, undefined, "the CI job keeps the workflow's read-only token");

        const job = wf.jobs.preview;
        assert.equal(job.needs, "ci");
        assert.equal(job.if, "github.event.pull_request.head.repo.full_name == github.repository");
        assert.equal(job.environment, undefined, "previews are not gated");
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.deepEqual(
            job.strategy?.matrix.include.map((m) => m.stack),
            ["dev", "prod"],
        );
        assert.deepEqual(job.env, PULUMI_ENV);
        assert.deepEqual(job.steps[3], OIDC_LOGIN);
        assert.deepEqual(job.steps[4].with, { "kubelogin-version": "v0.1.6" });
        assert.deepEqual(job.steps[5].with, {
            "use-kubelogin": "true",
            "resource-group": "${{ matrix.aks-resource-group }}",
            "cluster-name": "${{ matrix.aks-cluster }}",
        });
        assert.deepEqual(pulumiStep(job).with, {
            command: "preview",
            "stack-name": "${{ matrix.stack }}",
            diff: true,
            "comment-on-pr": true,
            "edit-pr-comment": true,
            "github-token": "${{ secrets.GITHUB_TOKEN }}",
        });
    });

    it("deploy: on push to main, pulumi up for dev, then prod behind the production environment", () => {
        const wf = load("deploy.yml");
        assert.deepEqual(wf.on, { push: { branches: ["main"] } });
        assert.deepEqual(wf.permissions, { contents: "read" });
        assert.deepEqual(Object.keys(wf.jobs), ["up-dev", "up-prod"]);
        checkDeployJob(wf.jobs["up-dev"], "dev", "development");
        checkDeployJob(wf.jobs["up-prod"], "prod", "production", "up-dev");
    });

    it("rotate-tokens: a weekly schedule and a manual trigger run pulumi up per stack", () => {
        const wf = load("rotate.yml");
        assert.deepEqual(wf.on, { schedule: [{ cron: "17 5 * * 1" }], workflow_dispatch: {} });
        assert.deepEqual(wf.permissions, { contents: "read" });
        assert.deepEqual(Object.keys(wf.jobs), ["rotate-dev", "rotate-prod"]);
        checkDeployJob(wf.jobs["rotate-dev"], "dev", "development");
        checkDeployJob(wf.jobs["rotate-prod"], "prod", "${{ vars.ROTATION_ENVIRONMENT_PROD || 'production' }}", "rotate-dev");
        // Weekly is within the default rotateEveryDays (7) of both stacks.
        for (const stack of ["dev", "prod"]) {
            const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
                config: Record<string, { token: { rotateEveryDays: number } }>;
            };
            assert.ok(
                doc.config["apim-gateway:gateway"].token.rotateEveryDays >= 7,
                `${stack} rotates no more often than the schedule runs`,
            );
        }
    });

    it("no step prints or handles a secret itself; secrets reach only env and action inputs", () => {
        for (const file of ["preview.yml", "deploy.yml", "rotate.yml"]) {
            const wf = load(file);
            for (const [id, job] of Object.entries(wf.jobs)) {
                for (const step of job.steps) {
                    if (step.run !== undefined) {
                        assert.doesNotMatch(
                            step.run,
                            /secrets\.|\$\{\{|echo|printenv|env\b|set -x/,
                            `${file} ${id}: a run step must not touch secrets`,
                        );
                        assert.equal(step.env, undefined, `${file} ${id}: run steps get no extra env`);
                    }
                }
                const text = JSON.stringify(job);
                const secrets = [...new Set(text.match(/secrets\.[A-Z_]+/g) ?? [])].sort();
                assert.ok(
                    secrets.every((s) =>
                        ["secrets.GITHUB_TOKEN", "secrets.PULUMI_ACCESS_TOKEN", "secrets.PULUMI_CONFIG_PASSPHRASE"].includes(s),
                    ),
                    `${file} ${id}: unexpected ${secrets}`,
                );
                assert.doesNotMatch(
                    text,
                    /client-secret|ARM_CLIENT_SECRET|AZURE_CREDENTIALS|creds/,
                    `${file} ${id}: OIDC only, no long-lived Azure secret`,
                );
            }
        }
    });
});
