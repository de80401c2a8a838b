// Root hooks of the real-engine e2e suite: one environment (toolchain, cluster, stand-ins) for the whole run.
import { E2eEnvironment, startEnvironment } from "../env/environment";

let current: E2eEnvironment | undefined;

/** The running environment (started by the root hook). */
export function e2e(): E2eEnvironment {
    if (!current) throw new Error("the e2e environment is not running (mocha must load e2e/tests/setup.ts)");
    return current;
}

const started = Date.now();

export const mochaHooks = {
    async beforeAll(this: Mocha.Context) {
        this.timeout(60 * 60 * 1000);
        const t = Date.now();
        current = await startEnvironment();
        process.stderr.write(`[e2e] environment up in ${((Date.now() - t) / 1000).toFixed(1)} s (${current.dir})\n`);
    },
    async afterAll(this: Mocha.Context) {
        this.timeout(120_000);
        await current?.stop();
        process.stderr.write(`[e2e] suite wall time ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
};
