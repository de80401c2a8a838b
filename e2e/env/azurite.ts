// An `azblob://` Pulumi state backend for the e2e environment: Azurite (Microsoft's Azure Storage emulator, the npm
// package `azurite`) serving its blob service on loopback, with one container created for the state.
// `APIM_E2E_BACKEND=azblob` selects it (environment.ts); docs/testing.md says how to use it.
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";

/**
 * Azurite's well-known development account and key (Microsoft Learn, "Use the Azurite emulator for local Azure
 * Storage development", section "Well-known storage account and key"). Public by design: it opens only an emulator.
 */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
/** The container that holds the state. */
export const STATE_CONTAINER = "pulumi-state";
/** x-ms-version of the one request made here (Create Container); Azurite 3.37.0 accepts it. */
const STORAGE_API_VERSION = "2021-12-02";

export interface Azurite {
    /** The blob endpoint, e.g. http://127.0.0.1:41234/devstoreaccount1 */
    endpoint: string;
    port: number;
    /** `azblob://<container>?localemu=true&domain=127.0.0.1:<port>&protocol=http`: what PULUMI_BACKEND_URL gets. */
    backendUrl: string;
    /** The variables a Pulumi command needs for that backend. */
    vars: Record<string, string>;
    /** Azurite's own log (its access log included). */
    log: string;
    stop(): Promise<void>;
}

/**
 * The backend URL for the Pulumi CLI's gocloud.dev azureblob driver: `localemu=true` makes it address the account by
 * path (http://<domain>/<account>/<container>), as the emulator expects; `domain` and `protocol` point it at Azurite.
 */
export function azblobBackendUrl(container: string, port: number): string {
    return `azblob://${container}?localemu=true&domain=127.0.0.1:${port}&protocol=http`;
}

/**
 * The Shared Key signature of a Blob service request (Microsoft Learn, "Authorize with Shared Key": the string to
 * sign for the Blob, Queue and File services, version 2009-09-19 and later). For the emulator's path-style URL the
 * canonicalized resource is /<account>/<account>/<container> ("Authorize with Shared Key", section "Shared Key format
 * for 2009-09-19 and later": the account name, then the URI's encoded path, which starts with the account here).
 */
export function sharedKeySignature(o: {
    method: string;
    account: string;
    key: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
}): string {
    const h = Object.fromEntries(Object.entries(o.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const contentLength = h["content-length"] === "0" ? "" : (h["content-length"] ?? ""); // empty for 0 since 2015-02-21
    const canonicalHeaders = Object.keys(h)
        .filter((k) => k.startsWith("x-ms-"))
        .sort()
        .map((k) => `${k}:${h[k].trim()}\n`)
        .join("");
    const canonicalResource =
        `/${o.account}${o.path}` +
        Object.keys(o.query)
            .map((k) => k.toLowerCase())
            .sort()
            .map((k) => `\n${k}:${o.query[k]}`)
            .join("");
    const stringToSign = [
        o.method,
        h["content-encoding"] ?? "",
        h["content-language"] ?? "",
        contentLength,
        h["content-md5"] ?? "",
        h["content-type"] ?? "",
        "", // Date: x-ms-date is sent instead
        h["if-modified-since"] ?? "",
        h["if-match"] ?? "",
        h["if-none-match"] ?? "",
        h["if-unmodified-since"] ?? "",
        h["range"] ?? "",
        canonicalHeaders + canonicalResource,
    ].join("\n");
    return crypto.createHmac("sha256", Buffer.from(o.key, "base64")).update(stringToSign, "utf8").digest("base64");
}

/** Create Container (Microsoft Learn, "Create Container": PUT <endpoint>/<container>?restype=container, 201 Created). */
export async function createContainer(endpoint: string, container: string, account = AZURITE_ACCOUNT, key = AZURITE_KEY): Promise<void> {
    const url = new URL(`${endpoint}/${container}?restype=container`);
    const headers: Record<string, string> = {
        "x-ms-date": new Date().toUTCString(),
        "x-ms-version": STORAGE_API_VERSION,
        "Content-Length": "0",
    };
    const signature = sharedKeySignature({ method: "PUT", account, key, path: url.pathname, query: { restype: "container" }, headers });
    headers.Authorization = `SharedKey ${account}:${signature}`;
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(url, { method: "PUT", headers }, (res) => {
            let text = "";
            res.on("data", (b: Buffer) => (text += b.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        req.end();
    });
    if (status !== 201) throw new Error(`Azurite: creating container ${container} answered ${status}: ${body}`);
}

/** Starts Azurite's blob service on 127.0.0.1 (a free port), its data in `dir`, and creates the state container. */
export async function startAzurite(dir: string): Promise<Azurite> {
    fs.mkdirSync(dir, { recursive: true });
    const main = require.resolve("azurite/dist/src/blob/main.js");
    const log = path.join(dir, "azurite.log");
    const out = fs.openSync(log, "a");
    // Loopback only; no telemetry (Azurite otherwise reports usage over the network).
    const child: ChildProcess = spawn(
        process.execPath,
        [main, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dir, "--disableTelemetry"],
        { stdio: ["ignore", "pipe", out] },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
        const port = await new Promise<number>((resolve, reject) => {
            let text = "";
            const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 s (log: ${log})`)), 30_000);
            child.stdout!.on("data", (b: Buffer) => {
                fs.appendFileSync(log, b);
                text += b.toString();
                const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
                if (m) {
                    clearTimeout(timer);
                    resolve(Number(m[1]));
                }
            });
            child.once("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`Azurite exited with ${code} before listening (log: ${log})`));
            });
        });
        const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
        await createContainer(endpoint, STATE_CONTAINER);
        const backendUrl = azblobBackendUrl(STATE_CONTAINER, port);
        return {
            endpoint,
            port,
            backendUrl,
            vars: { PULUMI_BACKEND_URL: backendUrl, AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT, AZURE_STORAGE_KEY: AZURITE_KEY },
            log,
            async stop() {
                if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
                await exited;
                fs.closeSync(out);
            },
        };
    } catch (e) {
        if (child.exitCode === null) child.kill("SIGTERM");
        await exited;
        fs.closeSync(out);
        throw e;
    }
}
