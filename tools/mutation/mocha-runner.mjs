// A StrykerJS test runner for mocha 12 on Node 20, in process, with per-test coverage.
//
// @stryker-mutator/mocha-runner supports mocha 12 only from 10.0.0 on, which needs Node >= 22 (as does
// @stryker-mutator/core 10); 9.6.1 needs mocha < 12 (it requires mocha's CLI helpers by their old .js paths).
// This runner does what the official one does, with mocha 12's public API only: load the spec files once
// (ts-node, transpile-only), record which test covers which mutant in the dry run, then run each mutant with
// only the tests that cover it. Options: `mochaRunner: { spec: [...] }`, paths relative to the project root.
import path from "path";
import { createRequire } from "module";
import { pathToFileURL } from "url";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import { determineHitLimitReached, DryRunStatus, TestStatus, toMutantRunResult } from "@stryker-mutator/api/test-runner";

const NAMESPACE = "__stryker__";

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

class Reporter {
    static current;
    tests = [];
    constructor(runner) {
        Reporter.current = this;
        let started = Date.now();
        const elapsed = () => {
            const now = Date.now();
            const ms = now - started;
            started = now;
            return ms;
        };
        runner.on("start", () => {
            this.tests = [];
            elapsed();
        });
        runner.on("pass", (test) => {
            const id = test.fullTitle();
            this.tests.push({ id, name: id, status: TestStatus.Success, timeSpentMs: elapsed(), fileName: test.file });
        });
        runner.on("fail", (test, err) => {
            const id = test.ctx?.currentTest?.fullTitle() ?? test.fullTitle();
            const failureMessage = (err && (err.message || err.stack)) || "<empty failure message>";
            this.tests.push({ id, name: id, status: TestStatus.Failed, failureMessage, timeSpentMs: elapsed(), fileName: test.file });
        });
    }
}

export class Mocha12TestRunner {
    static inject = tokens(commonTokens.logger, commonTokens.options);
    loaded = false;
    beforeEach;

    constructor(log, options) {
        this.log = log;
        this.spec = options.mochaRunner?.spec ?? [];
        this.context = globalThis[NAMESPACE] ?? (globalThis[NAMESPACE] = {});
    }

    capabilities() {
        // Test files are loaded once; static mutants get a fresh process from Stryker.
        return { reloadEnvironment: false };
    }

    async init() {
        if (this.spec.length === 0) {
            throw new Error("mochaRunner.spec lists no test file");
        }
        const projectRequire = createRequire(path.join(process.cwd(), "package.json"));
        process.env.TS_NODE_TRANSPILE_ONLY = "1";
        projectRequire("ts-node/register");
        const { default: Mocha } = await import(pathToFileURL(projectRequire.resolve("mocha")).href);
        this.mocha = new Mocha({ reporter: Reporter, timeout: 0 });
        this.mocha.cleanReferencesAfterRun(false);
        for (const file of this.spec) {
            this.mocha.addFile(path.resolve(file));
        }
        const runner = (ctx) => this.beforeEach?.(ctx);
        // A plain function: mocha passes the test context as `this`.
        this.mocha.suite.beforeEach(function () {
            runner(this);
        });
    }

    async dryRun({ coverageAnalysis, disableBail }) {
        if (coverageAnalysis === "perTest") {
            this.beforeEach = (ctx) => {
                this.context.currentTestId = ctx.currentTest?.fullTitle();
            };
        }
        const result = await this.run(disableBail);
        if (result.status === DryRunStatus.Complete && coverageAnalysis !== "off") {
            result.mutantCoverage = this.context.mutantCoverage;
        }
        delete this.beforeEach;
        return result;
    }

    async mutantRun({ activeMutant, testFilter, disableBail, hitLimit, mutantActivation }) {
        this.context.hitLimit = hitLimit;
        this.context.hitCount = hitLimit ? 0 : undefined;
        this.mocha.grep(testFilter ? new RegExp(testFilter.map((id) => `(^${escapeRegExp(id)}$)`).join("|")) : /.*/);
        return toMutantRunResult(await this.run(disableBail, activeMutant.id, mutantActivation));
    }

    async run(disableBail, activeMutantId, mutantActivation) {
        const setBail = (suite) => {
            suite.bail(!disableBail);
            suite.suites.forEach(setBail);
        };
        try {
            if (!this.loaded) {
                this.context.activeMutant = mutantActivation === "static" ? activeMutantId : undefined;
                await this.mocha.loadFilesAsync();
                this.loaded = true;
            }
            setBail(this.mocha.suite);
            this.context.activeMutant = activeMutantId;
            Reporter.current = undefined;
            await new Promise((resolve) => this.mocha.run(() => resolve()));
            const reporter = Reporter.current;
            if (!reporter) {
                return { status: DryRunStatus.Error, errorMessage: "mocha did not create the reporter" };
            }
            const timeout = determineHitLimitReached(this.context.hitCount, this.context.hitLimit);
            return timeout ?? { status: DryRunStatus.Complete, tests: reporter.tests };
        } catch (error) {
            return { status: DryRunStatus.Error, errorMessage: String(error?.stack ?? error) };
        }
    }

    async dispose() {
        try {
            this.mocha?.dispose();
        } catch (error) {
            if (error?.code !== "ERR_MOCHA_INSTANCE_ALREADY_RUNNING") {
                throw error;
            }
        }
    }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, "mocha12", Mocha12TestRunner)];

export const strykerValidationSchema = {
    $schema: "http://json-schema.org/draft-07/schema",
    type: "object",
    properties: {
        mochaRunner: {
            type: "object",
            properties: { spec: { type: "array", items: { type: "string" } } },
            additionalProperties: false,
        },
    },
};
