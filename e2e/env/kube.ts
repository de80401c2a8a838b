// A minimal Kubernetes REST client for the e2e environment and its checks: JSON over HTTPS to the local
// apiserver with the admin token. (The product itself talks to the cluster only through the Pulumi provider.)
import * as fs from "fs";
import * as https from "https";

export interface KubeAccess {
    server: string;
    token: string;
    caFile: string;
}

export class KubeError extends Error {
    constructor(
        message: string,
        readonly status: number,
    ) {
        super(message);
    }
}

export class Kube {
    private readonly ca: Buffer;
    constructor(readonly access: KubeAccess) {
        this.ca = fs.readFileSync(access.caFile);
    }

    request<T = unknown>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
        const url = new URL(path, this.access.server);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        return new Promise<T>((resolve, reject) => {
            const req = https.request(
                url,
                {
                    method,
                    ca: this.ca,
                    headers: {
                        authorization: `Bearer ${this.access.token}`,
                        accept: "application/json",
                        ...(payload !== undefined ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}),
                    },
                    timeout: 15_000,
                },
                (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (c: string) => (text += c));
                    res.on("end", () => {
                        const status = res.statusCode ?? 0;
                        if (status >= 200 && status < 300) {
                            try {
                                resolve((text ? JSON.parse(text) : undefined) as T);
                            } catch {
                                resolve(text as T);
                            }
                        } else {
                            let message = text;
                            try {
                                message = (JSON.parse(text) as { message?: string }).message ?? text;
                            } catch {
                                /* plain text */
                            }
                            reject(new KubeError(`${method} ${path}: HTTP ${status}: ${message}`, status));
                        }
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
            req.on("error", reject);
            if (payload !== undefined) req.write(payload);
            req.end();
        });
    }

    get<T = unknown>(path: string): Promise<T> {
        return this.request<T>("GET", path);
    }

    /** GET that answers undefined on 404. */
    async find<T = unknown>(path: string): Promise<T | undefined> {
        try {
            return await this.get<T>(path);
        } catch (e) {
            if (e instanceof KubeError && e.status === 404) return undefined;
            throw e;
        }
    }

    create<T = unknown>(path: string, body: unknown): Promise<T> {
        return this.request<T>("POST", path, body);
    }

    mergePatch<T = unknown>(path: string, body: unknown): Promise<T> {
        return this.request<T>("PATCH", path, body, "application/merge-patch+json");
    }
}

export interface ObjectList<T> {
    items: T[];
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` (or once `signal` aborts). */
export async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs = 60_000,
    everyMs = 250,
    signal?: AbortSignal,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        if (signal?.aborted) throw new Error(`stopped while waiting for ${what}`);
        try {
            const v = await check();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
        }
        await new Promise((r) => setTimeout(r, everyMs));
    }
}
