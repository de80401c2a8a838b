// The /proc readers the e2e suite uses to check that `npm run demo` leaves nothing running (e2e/harness/processes.ts).
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as net from "net";
import {
    alive,
    descendantsOf,
    environEntries,
    hasPathUnder,
    listeningSockets,
    parentPid,
    portsOf,
    processesWithPathUnder,
} from "../e2e/harness/processes";

describe("what is left running: /proc readers", () => {
    it("listening sockets from /proc/net/tcp and tcp6: inode and port of the LISTEN rows only", () => {
        const tcp = [
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:A3F1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 205249 2 00000000777254f9 100 0 0 10 0",
            "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 140311 1 000000002fa96d2a 20 4 30 10 -1",
            "",
        ].join("\n");
        assert.deepEqual([...listeningSockets(tcp)], [[205249, 0xa3f1]]);
        const tcp6 = [
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9182 1 0000000000000000 100 0 0 10 0",
        ].join("\n");
        assert.deepEqual([...listeningSockets(tcp6)], [[9182, 80]]);
        assert.deepEqual([...listeningSockets("")], []);
    });

    it("an environment variable set to a folder or a path inside it, not to a sibling with the same prefix", () => {
        const entries = environEntries("HOME=/root\0TMPDIR=/tmp/demo-e2e-abc/apim-demo-x/tmp\0\0");
        assert.deepEqual(entries, ["HOME=/root", "TMPDIR=/tmp/demo-e2e-abc/apim-demo-x/tmp"]);
        assert.equal(hasPathUnder(entries, "TMPDIR", "/tmp/demo-e2e-abc"), true);
        assert.equal(hasPathUnder(["TMPDIR=/tmp/demo-e2e-abc"], "TMPDIR", "/tmp/demo-e2e-abc"), true);
        assert.equal(hasPathUnder(["TMPDIR=/tmp/demo-e2e-abcdef"], "TMPDIR", "/tmp/demo-e2e-abc"), false);
        assert.equal(hasPathUnder(["XTMPDIR=/tmp/demo-e2e-abc"], "TMPDIR", "/tmp/demo-e2e-abc"), false);
    });

    it("the parent's pid from /proc/<pid>/stat, also when the command's name holds spaces and parentheses", () => {
        assert.equal(parentPid("4242 (node) S 4100 4242 4100 0 -1 4194560 1234 0 0 0 10 2 0 0 20 0 11 0"), 4100);
        assert.equal(parentPid("4243 (a (b) c) R 1 4243 4243 0 -1"), 1);
        assert.equal(parentPid(""), undefined);
    });

    it("finds a process's descendants, also one in a process group of its own; after they exit, none", async () => {
        // A shell whose child starts a grandchild in a new session (as Pulumi starts its plugins), then waits.
        const child = spawn("bash", ["-c", "setsid sleep 30 & echo $!; wait"], { stdio: ["ignore", "pipe", "ignore"] });
        try {
            const grandchild = await new Promise<number>((resolve) =>
                child.stdout.once("data", (b: Buffer) => resolve(Number(b.toString().trim()))),
            );
            const found = descendantsOf(child.pid!);
            assert.equal(found.includes(grandchild), true, `${grandchild} in ${found.join(", ")}`);
            assert.equal(alive(grandchild), true);
            process.kill(grandchild, "SIGKILL");
            await new Promise((r) => child.once("exit", r));
            assert.deepEqual(descendantsOf(child.pid!), []);
            assert.equal(alive(grandchild), false);
        } finally {
            child.kill("SIGKILL");
        }
    });

    it("finds a live process by its environment and the port it listens on; after it exits, neither", async () => {
        const marker = `/tmp/processes-test-${process.pid}-${Date.now()}`;
        const child = spawn(
            process.execPath,
            ["-e", "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port))"],
            { env: { ...process.env, TMPDIR: `${marker}/tmp` }, stdio: ["ignore", "pipe", "inherit"] },
        );
        try {
            const port = await new Promise<number>((resolve) =>
                child.stdout.once("data", (b: Buffer) => resolve(Number(b.toString().trim()))),
            );
            const found = processesWithPathUnder("TMPDIR", marker);
            assert.deepEqual(
                found.map((f) => f.pid),
                [child.pid],
            );
            assert.deepEqual(portsOf(child.pid!), [port]);
            const exited = new Promise((r) => child.once("exit", r));
            child.kill();
            await exited;
            assert.deepEqual(processesWithPathUnder("TMPDIR", marker), []);
            assert.deepEqual(portsOf(child.pid!), []);
            // And the port is free again.
            await new Promise<void>((resolve, reject) => {
                const s = net.createServer().once("error", reject);
                s.listen(port, "127.0.0.1", () => s.close(() => resolve()));
            });
        } finally {
            child.kill("SIGKILL");
        }
    });
});
