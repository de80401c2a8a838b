// Runs StrykerJS once per pure module (all of them, or those named on the command line), then prints the
// mutation score of each. Exit code 1 when a run fails or a score is under the break threshold (90%).
// Usage: npm run test:mutation [-- [--force] rotation arm ...]; options (--force: ignore the incremental results) go to
// every Stryker run.
import { spawnSync } from "child_process";
import fs from "fs";
import { calculateMetrics } from "mutation-testing-metrics";
import { MODULES } from "./modules.mjs";

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const names = args.filter((a) => !a.startsWith("--"));
for (const name of names) {
    if (!MODULES[name]) {
        console.error(`unknown module ${name}: one of ${Object.keys(MODULES).join(", ")}`);
        process.exit(2);
    }
}
const rows = [];
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(MODULES)) {
    const started = Date.now();
    const run = spawnSync("npx", ["stryker", "run", ...flags], { stdio: "inherit", env: { ...process.env, MUTATION_MODULE: name } });
    const seconds = Math.round((Date.now() - started) / 1000);
    const report = `reports/mutation/${name}.json`;
    const metrics = fs.existsSync(report) ? calculateMetrics(JSON.parse(fs.readFileSync(report, "utf8")).files).metrics : undefined;
    failed ||= run.status !== 0;
    rows.push({
        name,
        score: metrics ? metrics.mutationScore.toFixed(2) : "-",
        survived: metrics?.survived ?? "-",
        noCoverage: metrics?.noCoverage ?? "-",
        seconds,
        status: run.status,
    });
}
console.log("\nmodule          score  survived  no-coverage  time(s)  exit");
for (const r of rows) {
    console.log(
        `${r.name.padEnd(14)} ${String(r.score).padStart(6)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(11)}  ${String(r.seconds).padStart(7)}  ${r.status}`,
    );
}
process.exit(failed ? 1 : 0);
