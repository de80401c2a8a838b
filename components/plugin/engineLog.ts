// Notices from the provider plugin to the engine's log. The engine starts a plugin with its own gRPC address as the
// first argument that is not a flag; a message sent there with a resource's URN is shown under that resource, at its
// level (info or warning), like a program's `pulumi.log` line.
import * as pulumi from "@pulumi/pulumi";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import type { Notify } from "../token/provider";

/** The engine's address among a plugin's arguments (skipping the flags the engine adds: --logtostderr, -v=N, --tracing X). */
export function engineAddress(args: string[]): string | undefined {
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === "--tracing") i++;
        else if (a !== "--logtostderr" && !a.startsWith("-v=")) return a;
    }
    return undefined;
}

/** Sends each notice to the engine at `address`; without an engine (a plugin started by hand), to stderr. */
export function engineNotify(address: string | undefined): Notify {
    // The SDK's engine client, pointed at this engine: the resource methods run outside any program's runtime.
    if (address !== undefined) pulumi.runtime.resetOptions("", "", -1, address, "", false, "");
    return (notice, urn) =>
        new Promise<void>((resolve) => {
            const engine = address !== undefined ? pulumi.runtime.getEngine() : undefined;
            if (engine === undefined) {
                process.stderr.write(`${notice.level === "warn" ? "warning" : "info"}: ${notice.message}\n`);
                resolve();
                return;
            }
            const req = new engineProto.LogRequest();
            req.setSeverity(notice.level === "warn" ? engineProto.LogSeverity.WARNING : engineProto.LogSeverity.INFO);
            req.setMessage(notice.message);
            req.setUrn(urn);
            // A notice that does not arrive must not fail the check.
            engine.log(req, () => resolve());
        });
}
