// Starts this package's provider plugin the way the Pulumi engine does (bin/pulumi-resource-apim-gateway, a
// separate process speaking gRPC) and calls it as the engine would. Used by the tests of the token's error paths,
// so they run the form the engine runs, not only the classes in-process.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as emptyProto from "google-protobuf/google/protobuf/empty_pb";
import * as structProto from "google-protobuf/google/protobuf/struct_pb";
import { ROOT } from "./harness";

export const PLUGIN = path.join(ROOT, "bin", "pulumi-resource-apim-gateway");

export interface ServedPlugin {
    /** Milliseconds from process start until the plugin printed its port. */
    startMs: number;
    getSchema(): Promise<string>;
    check(
        urn: string,
        news: Record<string, unknown>,
        olds?: Record<string, unknown>,
    ): Promise<{ inputs: unknown; failures: { property: string; reason: string }[] }>;
    /** A CheckRequest sent as these bytes, as another language's SDK may write them. */
    checkWire(request: Buffer): Promise<{ failures: { property: string; reason: string }[] }>;
    create(urn: string, props: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
    read(urn: string, id: string, props: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
    stderr(): string;
    stop(): void;
}

export interface GrpcFailure {
    code: number;
    details: string;
}

export async function startPlugin(
    env: Record<string, string | undefined> = {},
    plugin: string = PLUGIN,
    cwd?: string,
    /** The plugin's arguments; the engine passes its own address first. */
    args: string[] = [],
): Promise<ServedPlugin> {
    const started = Date.now();
    const child: ChildProcess = spawn(plugin, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], cwd });
    let err = "";
    child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (b: Buffer) => {
            out += b.toString();
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve(Number(m[1]));
        });
        child.on("exit", (code) => reject(new Error(`plugin exited with ${code} before serving: ${err}`)));
    });
    const startMs = Date.now() - started;
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req) =>
        new Promise<Res>((resolve, reject) =>
            method.call(client, req, (e: grpc.ServiceError | null, r: Res) =>
                e ? reject({ code: e.code, details: e.details } satisfies GrpcFailure) : resolve(r),
            ),
        );
    return {
        startMs,
        async getSchema() {
            const r = await call<providerProto.GetSchemaRequest, providerProto.GetSchemaResponse>(
                client.getSchema,
                new providerProto.GetSchemaRequest(),
            );
            return r.getSchema();
        },
        async check(urn, news, olds = {}) {
            const req = new providerProto.CheckRequest();
            req.setUrn(urn);
            req.setOlds(structProto.Struct.fromJavaScript(olds as Record<string, structProto.JavaScriptValue>));
            req.setNews(structProto.Struct.fromJavaScript(news as Record<string, structProto.JavaScriptValue>));
            const r = await call<providerProto.CheckRequest, providerProto.CheckResponse>(client.check, req);
            return {
                inputs: r.getInputs()?.toJavaScript(),
                failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
            };
        },
        async create(urn, props) {
            const req = new providerProto.CreateRequest();
            req.setUrn(urn);
            req.setProperties(structProto.Struct.fromJavaScript(props as Record<string, structProto.JavaScriptValue>));
            const r = await call<providerProto.CreateRequest, providerProto.CreateResponse>(client.create, req);
            return { id: r.getId(), properties: (r.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> };
        },
        async checkWire(request) {
            // grpc-js writes a request with its serializeBinary(): these bytes, untouched by google-protobuf.
            const req = new providerProto.CheckRequest();
            req.serializeBinary = () => new Uint8Array(request);
            const r = await call<providerProto.CheckRequest, providerProto.CheckResponse>(client.check, req);
            return { failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
        },
        async read(urn, id, props) {
            const req = new providerProto.ReadRequest();
            req.setUrn(urn);
            req.setId(id);
            req.setProperties(structProto.Struct.fromJavaScript(props as Record<string, structProto.JavaScriptValue>));
            const r = await call<providerProto.ReadRequest, providerProto.ReadResponse>(client.read, req);
            return { id: r.getId(), properties: (r.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> };
        },
        stderr: () => err,
        stop() {
            client.close();
            child.kill("SIGTERM");
        },
    };
}

export interface FakeEngine {
    /** host:port, what the engine passes a plugin as its first argument. */
    address: string;
    /** Every Log call the engine received: [severity, message, urn]. */
    logs: { severity: string; message: string; urn: string }[];
    stop(): void;
}

/** The engine's side of a plugin's Log calls (pulumirpc.Engine), recording what it receives. */
export async function startFakeEngine(): Promise<FakeEngine> {
    const logs: FakeEngine["logs"] = [];
    const server = new grpc.Server();
    const severities = Object.fromEntries(Object.entries(engineProto.LogSeverity).map(([k, v]) => [v, k]));
    const unimplemented = (_call: unknown, cb: (e: { code: number; details: string }) => void) =>
        cb({ code: grpc.status.UNIMPLEMENTED, details: "not in this fake" });
    server.addService(engineRpc.EngineService, {
        log(call: grpc.ServerUnaryCall<engineProto.LogRequest, emptyProto.Empty>, cb: grpc.sendUnaryData<emptyProto.Empty>) {
            const r = call.request;
            logs.push({ severity: severities[r.getSeverity()], message: r.getMessage(), urn: r.getUrn() });
            cb(null, new emptyProto.Empty());
        },
        getRootResource: unimplemented,
        setRootResource: unimplemented,
        startDebugging: unimplemented,
        requirePulumiVersion: unimplemented,
    } as unknown as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    return { address: `127.0.0.1:${port}`, logs, stop: () => server.forceShutdown() };
}
