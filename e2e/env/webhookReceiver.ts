// TEST DOUBLE: a webhook receiver for Event Grid deliveries, on loopback, for the e2e environment. It serves HTTPS with
// a certificate of the e2e CA (Event Grid calls HTTPS endpoints only, with a certificate a CA signed), answers Event
// Grid's subscription validation handshake by echoing the validation code (learn.microsoft.com/azure/event-grid/
// webhook-event-delivery), accepts every other delivery with 200, and appends one JSON line per request to a log:
// the aeg-* headers and, for each event of the request, its eventType, subject and data.
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import { SUBSCRIPTION_VALIDATION_EVENT } from "./eventGrid";

export interface WebhookReceiver {
    /** The URL to subscribe (any path under it is accepted). */
    url: string;
    logPath: string;
    close(): Promise<void>;
}

export interface ReceivedRequest {
    time: string;
    path: string;
    /** aeg-event-type: SubscriptionValidation or Notification. */
    aegEventType?: string;
    aegSubscriptionName?: string;
    eventType?: string;
    subject?: string;
    data?: unknown;
    /** How many events the request carried (Event Grid sends one by default). */
    events: number;
}

export async function startWebhookReceiver(o: { cert: string; key: string; logPath: string }): Promise<WebhookReceiver> {
    fs.writeFileSync(o.logPath, "");
    const log = fs.openSync(o.logPath, "a");
    const server = https.createServer({ cert: fs.readFileSync(o.cert), key: fs.readFileSync(o.key) }, (req, res) => {
        let raw = "";
        req.setEncoding("utf8");
        req.on("data", (c: string) => (raw += c));
        req.on("end", () => {
            let events: { eventType?: string; subject?: string; data?: unknown }[] = [];
            try {
                const parsed = JSON.parse(raw) as unknown;
                events = Array.isArray(parsed) ? (parsed as typeof events) : [parsed as (typeof events)[number]];
            } catch {
                /* logged with no event */
            }
            const header = (n: string) => (typeof req.headers[n] === "string" ? (req.headers[n] as string) : undefined);
            const first = events[0] ?? {};
            const line: ReceivedRequest = {
                time: new Date().toISOString(),
                path: new URL(req.url ?? "/", "https://127.0.0.1").pathname,
                aegEventType: header("aeg-event-type"),
                aegSubscriptionName: header("aeg-subscription-name"),
                eventType: first.eventType,
                subject: first.subject,
                data: first.data,
                events: events.length,
            };
            fs.writeSync(log, JSON.stringify(line) + "\n");
            res.writeHead(200, { "content-type": "application/json" });
            const code = (first.data as { validationCode?: unknown } | undefined)?.validationCode;
            res.end(first.eventType === SUBSCRIPTION_VALIDATION_EVENT ? JSON.stringify({ validationResponse: code }) : undefined);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `https://127.0.0.1:${port}/hooks/token-expiry`,
        logPath: o.logPath,
        async close() {
            server.closeAllConnections();
            await new Promise((r) => server.close(r));
            fs.closeSync(log);
        },
    };
}

/** The requests a receiver logged. */
export function receivedRequests(logPath: string): ReceivedRequest[] {
    return fs
        .readFileSync(logPath, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ReceivedRequest);
}
