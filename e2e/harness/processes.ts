// What a command left running on this machine (Linux /proc): the processes that carry a marker in their
// environment, and the TCP ports they listen on. The e2e scenario of `npm run demo` uses them to check that nothing
// of the demo is left behind. The parsers are pure (tests/processes.test.ts).
import * as fs from "fs";

/** TCP sockets in LISTEN state from the text of /proc/net/tcp or /proc/net/tcp6: socket inode → port. */
export function listeningSockets(procNetTcp: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const line of procNetTcp.split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...; st 0A is TCP_LISTEN.
        if (f.length < 10 || f[3] !== "0A") continue;
        const port = parseInt(f[1].split(":").pop() ?? "", 16);
        const inode = Number(f[9]);
        if (Number.isFinite(port) && Number.isFinite(inode)) out.set(inode, port);
    }
    return out;
}

/** The entries of a /proc/<pid>/environ file. */
export function environEntries(raw: string): string[] {
    return raw.split("\0").filter((e) => e !== "");
}

/** Whether an environment has `name` set to `dir` or to a path inside it. */
export function hasPathUnder(entries: string[], name: string, dir: string): boolean {
    return entries.some((e) => e === `${name}=${dir}` || e.startsWith(`${name}=${dir}/`));
}

const read = (file: string): string | undefined => {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
};

export interface Found {
    pid: number;
    command: string;
}

/** The live processes whose environment has `name` set to `dir` or a path inside it. */
export function processesWithPathUnder(name: string, dir: string): Found[] {
    const out: Found[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const environ = read(`/proc/${entry}/environ`);
        if (environ === undefined || !hasPathUnder(environEntries(environ), name, dir)) continue;
        // A zombie has exited already: its parent has not reaped it yet.
        const state = /^State:\s+(\S)/m.exec(read(`/proc/${entry}/status`) ?? "")?.[1];
        if (state === "Z" || state === undefined) continue;
        out.push({ pid: Number(entry), command: (read(`/proc/${entry}/cmdline`) ?? "").split("\0").join(" ").trim() });
    }
    return out;
}

/** The parent's pid from the text of /proc/<pid>/stat (`pid (comm) state ppid ...`; comm may hold spaces and parentheses). */
export function parentPid(stat: string): number | undefined {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
}

/** The live descendants of `root` (children, their children, ...), from /proc. */
export function descendantsOf(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const ppid = parentPid(read(`/proc/${entry}/stat`) ?? "");
        if (ppid === undefined) continue;
        children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    }
    const out: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
        for (const c of children.get(queue.shift()!) ?? []) {
            out.push(c);
            queue.push(c);
        }
    }
    return out;
}

/**
 * SIGKILLs a process and every descendant, found before any is signalled: Pulumi starts each provider plugin in a
 * process group of its own, so killing the CLI's group would leave them running.
 */
export function killTree(root: number): void {
    for (const pid of [root, ...descendantsOf(root)]) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // gone already
        }
    }
}

/**
 * An `onStart` for a run that must die right after Azure issued a token: it polls the fake ARM's log every 20 ms and
 * kills the run's process tree at the first successful generateToken call after `callsBefore`. `killed()` says
 * whether it did.
 */
export function killAfterTokenIssued(
    armLog: string,
    callsBefore: number,
    successfulCalls: (log: string) => { status: number }[],
): { onStart: (pid: number) => void; killed: () => boolean } {
    let killed = false;
    return {
        onStart: (pid) => {
            const timer = setInterval(() => {
                if (
                    successfulCalls(armLog)
                        .slice(callsBefore)
                        .some((c) => c.status === 200)
                ) {
                    clearInterval(timer);
                    killed = true;
                    killTree(pid); // the runner, the CLI and the plugins it started
                }
            }, 20);
        },
        killed: () => killed,
    };
}

/** Whether a process is alive (a zombie is not). */
export function alive(pid: number): boolean {
    const state = /^State:\s+(\S)/m.exec(read(`/proc/${pid}/status`) ?? "")?.[1];
    return state !== undefined && state !== "Z";
}

/** Every listening TCP socket on the machine: inode → port. */
export function listeningNow(): Map<number, number> {
    const all = new Map<number, number>();
    for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
        for (const [inode, port] of listeningSockets(read(f) ?? "")) all.set(inode, port);
    }
    return all;
}

/** The TCP ports process `pid` listens on. */
export function portsOf(pid: number, listening: Map<number, number> = listeningNow()): number[] {
    const ports: number[] = [];
    let fds: string[] = [];
    try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
        return ports;
    }
    for (const fd of fds) {
        let target = "";
        try {
            target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
            continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        const port = inode === undefined ? undefined : listening.get(Number(inode));
        if (port !== undefined) ports.push(port);
    }
    return ports;
}
