// npm run e2e:pulumi -- <up|preview|refresh|destroy> --stack <name> [--cwd <project dir>] [--program <file>] [--expect-no-changes]
// The `pulumi` command this machine can run: an operation on this repository's program (or another TypeScript
// program) through the Automation API over the real CLI, as the e2e suite runs it (the Node.js language host is not
// available here: docs/testing.md). Run it inside the e2e environment, which brings the CLI, the cluster and the
// Azure stand-ins:
//   npm run e2e:shell -- npm run e2e:pulumi -- up --stack dev
import * as fs from "fs";
import * as path from "path";
import { REPO, type E2eEnvironment } from "../env/environment";
import { engineError, inline } from "./pulumi";

const USAGE =
    "usage: npm run e2e:pulumi -- <up|preview|refresh|destroy> --stack <name> [--cwd <project dir>] [--program <file>] [--expect-no-changes]";

function fail(message: string): never {
    process.stderr.write(`e2e:pulumi: ${message}\n${USAGE}\n`);
    process.exit(2);
}

async function main(): Promise<number> {
    const [op, ...rest] = process.argv.slice(2);
    if (op !== "up" && op !== "preview" && op !== "refresh" && op !== "destroy") fail(`unknown operation ${JSON.stringify(op)}`);
    let stack: string | undefined;
    let cwd = process.cwd();
    let program = path.join(REPO, "index.ts");
    let expectNoChanges = false;
    for (let i = 0; i < rest.length; i++) {
        const flag = rest[i];
        const value = () => rest[++i] ?? fail(`${flag} needs a value`);
        if (flag === "--stack") stack = value();
        else if (flag === "--cwd") cwd = path.resolve(value());
        else if (flag === "--program") program = path.resolve(value());
        else if (flag === "--expect-no-changes") expectNoChanges = true;
        else fail(`unknown option ${JSON.stringify(flag)}`);
    }
    if (!stack) fail("--stack is required");
    if (!process.env.APIM_E2E_DIR) fail("run it inside the e2e environment: npm run e2e:shell -- npm run e2e:pulumi -- ...");
    const vars = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    const env = { dir: process.env.APIM_E2E_DIR, vars } as unknown as E2eEnvironment;
    const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(cwd, "Pulumi.yaml"), "utf8"))?.[1];
    if (!project) fail(`no project name in ${path.join(cwd, "Pulumi.yaml")}`);
    const run = await inline(env, { op, stack, project, workDir: cwd, program, expectNoChanges, echo: true });
    if (!run.result.ok) process.stderr.write(`\ne2e:pulumi: ${op} failed: ${engineError(run.result.error)}\n`);
    return run.result.ok ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`e2e:pulumi: ${(e as Error).message}\n`);
        process.exit(1);
    },
);
