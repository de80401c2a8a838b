// StrykerJS: mutation testing of the pure modules, one module per run (tools/mutation/run.mjs sets
// MUTATION_MODULE), each with only the tests that exercise it. See docs/testing-mutation.md.
// MUTATION_FILES (comma-separated) narrows a run to some of the module's files; its reports are then named
// <module>-part, so they do not replace the module's.
import { MODULES } from "./tools/mutation/modules.mjs";

const name = process.env.MUTATION_MODULE ?? "rotation";
const module = MODULES[name];
if (!module) {
    throw new Error(`MUTATION_MODULE=${name}: not one of ${Object.keys(MODULES).join(", ")}`);
}
const files = process.env.MUTATION_FILES?.split(",").filter((f) => f !== "");
const report = files?.length ? `${name}-part` : name;

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    plugins: ["@stryker-mutator/typescript-checker", "./tools/mutation/mocha-runner.mjs"],
    testRunner: "mocha12",
    mochaRunner: { spec: module.spec },
    mutate: files?.length ? files : module.mutate,
    checkers: ["typescript"],
    tsconfigFile: "tools/mutation/tsconfig.json",
    coverageAnalysis: "perTest",
    incremental: true,
    incrementalFile: `reports/mutation/${report}.incremental.json`,
    concurrency: 2,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `reports/mutation/${report}.html` },
    jsonReporter: { fileName: `reports/mutation/${report}.json` },
    thresholds: { high: 95, low: 90, break: 90 },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
};
