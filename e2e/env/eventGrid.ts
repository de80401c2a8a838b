// TEST DOUBLE support: Event Grid as Microsoft documents it, for the fake ARM. Pure functions: API Management's token
// events in their wire schema, the event subscription rules Event Grid applies when a subscription is written, and
// its filter semantics. Each rule names its source.
import * as crypto from "crypto";
import * as path from "path";
import type { Mapper, Serializer, WireProblem } from "./contracts";

/** Event types API Management publishes for a self-hosted gateway's token (learn.microsoft.com/azure/event-grid/event-schema-api-management). */
export const TOKEN_EVENT_TYPES = {
    nearExpiry: "Microsoft.ApiManagement.GatewayTokenNearExpiry",
    expired: "Microsoft.ApiManagement.GatewayTokenExpired",
} as const;

/** The validation event of the webhook handshake (learn.microsoft.com/azure/event-grid/webhook-event-delivery). */
export const SUBSCRIPTION_VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";

/** The topic type of an API Management instance's system topic, and of a key vault's (system-topics and event-handlers docs). */
export const APIM_TOPIC_TYPE = "Microsoft.ApiManagement.Service";
export const KEY_VAULT_TOPIC_TYPE = "Microsoft.KeyVault.vaults";

/** An event in the Event Grid schema, as delivered (an array of these is the request body). */
export interface EventGridEvent {
    id: string;
    topic: string;
    subject: string;
    data: unknown;
    eventType: string;
    dataVersion: string;
    metadataVersion: string;
    eventTime: string;
}

/** The data mappers of Microsoft's @azure/eventgrid package (its generated models; not exported by the package's entry point). */
export function eventDataMappers(): Record<string, Mapper> {
    const entry = require.resolve("@azure/eventgrid");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(path.dirname(entry), "generated", "models", "mappers.js")) as Record<string, Mapper>;
}

/**
 * A gateway token event as API Management publishes it: the data serialized through @azure/eventgrid 5.12.0's
 * mappers (ApiManagementGatewayTokenNearExpiryEventData / ...ExpiredEventData: the model's `gateway` and `token` go
 * on the wire as `gatewayInfo` and `tokenInfo`, `expiresOn` as `expiresAtUtc` / `expiredAtUtc`), the subject
 * `/gateways/{gateway-name}/{instance-name}` and the envelope of the schema page's example.
 */
export function gatewayTokenEvent(
    serializer: Serializer,
    o: {
        kind: keyof typeof TOKEN_EVENT_TYPES;
        serviceId: string;
        gatewayName: string;
        /** What data.gatewayInfo.gatewayId carries (see fakeArm.ts for the two documented forms). */
        gatewayId: string;
        instanceId: string;
        /** The token's expiry (expiresAtUtc) or the instant it expired (expiredAtUtc). */
        at: string;
        now: Date;
    },
): EventGridEvent {
    const className =
        o.kind === "nearExpiry" ? "ApiManagementGatewayTokenNearExpiryEventData" : "ApiManagementGatewayTokenExpiredEventData";
    const mapper = serializer.modelMappers[className];
    if (!mapper) throw new Error(`@azure/eventgrid has no mapper ${className}`);
    const data = serializer.serialize(
        mapper,
        { gateway: { gatewayId: o.gatewayId, instanceId: o.instanceId }, token: { expiresOn: o.at } },
        "data",
    );
    return {
        id: crypto.randomUUID(),
        topic: o.serviceId,
        subject: `/gateways/${o.gatewayName}/${o.instanceId}`,
        data,
        eventType: TOKEN_EVENT_TYPES[o.kind],
        dataVersion: "1",
        metadataVersion: "1",
        eventTime: o.now.toISOString(),
    };
}

/** The validation event Event Grid posts to a webhook before delivering to it (webhook-event-delivery, "Validation details"). */
export function validationEvent(topic: string, validationCode: string, now: Date): EventGridEvent {
    return {
        id: crypto.randomUUID(),
        topic,
        subject: "",
        data: { validationCode },
        eventType: SUBSCRIPTION_VALIDATION_EVENT,
        eventTime: now.toISOString(),
        metadataVersion: "1",
        dataVersion: "1",
    };
}

// --- Rules Event Grid applies when a subscription is written ------------------------------------------------------

interface WireFilter {
    includedEventTypes?: string[];
    subjectBeginsWith?: string;
    subjectEndsWith?: string;
    isSubjectCaseSensitive?: boolean;
    enableAdvancedFilteringOnArrays?: boolean;
    advancedFilters?: { operatorType: string; key?: string; value?: unknown; values?: unknown[] }[];
}

/** Keys of the Event Grid schema an advanced filter may name, besides event data (event-filtering, "Key"). */
const EVENT_GRID_KEYS = ["id", "topic", "subject", "eventtype", "dataversion"];

/** What Event Grid refuses in an event subscription body (wire shape), beyond the SDK's mapper. */
export function subscriptionProblems(
    body: { properties?: { destination?: Record<string, unknown>; filter?: WireFilter; eventDeliverySchema?: string } },
    o: { name: string; apiVersion: string; topicType: string },
): WireProblem[] {
    const p: WireProblem[] = [];
    const say = (target: string, message: string) => p.push({ target, message: `${target}: ${message}` });
    // The name's length: "Event subscription names must be between 3 and 64 characters" (REST reference, System Topic
    // Event Subscriptions - Create Or Update, api-version 2025-02-15; the 2022-06-15 page says 3 and 100).
    const maxName = o.apiVersion >= "2025-02-15" ? 64 : 100;
    if (o.name.length < 3 || o.name.length > maxName) {
        say(
            "eventSubscriptionName",
            `${o.name.length} characters; event subscription names must be between 3 and ${maxName} characters in length ` +
                `(Event Grid REST reference, api-version ${o.apiVersion})`,
        );
    }
    const destination = body.properties?.destination ?? {};
    const endpointType = String(destination.endpointType ?? "");
    // "Azure Monitor alerts (from Azure Key Vault source only)" (learn.microsoft.com/azure/event-grid/event-handlers).
    if (endpointType === "MonitorAlert" && o.topicType.toLowerCase() !== KEY_VAULT_TOPIC_TYPE.toLowerCase()) {
        say(
            "properties.destination.endpointType",
            `MonitorAlert is supported for Azure Key Vault sources only, not for topic type ${o.topicType} ` +
                "(Event Grid event handlers: Azure Monitor alerts, from Azure Key Vault source only)",
        );
    }
    // "Event Grid only supports HTTPS webhook endpoints" (event-handlers).
    const props = (destination.properties ?? {}) as Record<string, unknown>;
    if (endpointType === "WebHook" && typeof props.endpointUrl === "string" && !/^https:\/\//i.test(props.endpointUrl)) {
        say(
            "properties.destination.properties.endpointUrl",
            "Event Grid only supports HTTPS webhook endpoints (Event Grid event handlers)",
        );
    }
    // Advanced filters: "25 advanced filters and 25 filter values across all the filters per Event Grid subscription",
    // "512 characters per string value", and the keys of the schema (learn.microsoft.com/azure/event-grid/event-filtering).
    const filters = body.properties?.filter?.advancedFilters ?? [];
    if (filters.length > 25)
        say(
            "properties.filter.advancedFilters",
            `${filters.length} advanced filters; at most 25 per subscription (Event Grid event filtering, Limitations)`,
        );
    const values = filters.flatMap((f) => (Array.isArray(f.values) ? f.values.flat() : f.value !== undefined ? [f.value] : []));
    if (values.length > 25)
        say(
            "properties.filter.advancedFilters",
            `${values.length} filter values; at most 25 across all filters (Event Grid event filtering, Limitations)`,
        );
    filters.forEach((f, i) => {
        const at = `properties.filter.advancedFilters[${i}]`;
        for (const v of Array.isArray(f.values) ? f.values.flat() : [f.value]) {
            if (typeof v === "string" && v.length > 512)
                say(`${at}.values`, `${v.length} characters; at most 512 per string value (Event Grid event filtering, Limitations)`);
        }
        const schema = body.properties?.eventDeliverySchema ?? "EventGridSchema";
        const key = typeof f.key === "string" ? f.key : "";
        if (schema === "EventGridSchema" && !(EVENT_GRID_KEYS.includes(key.toLowerCase()) || /^data\.[^.]/i.test(key))) {
            say(
                `${at}.key`,
                `${JSON.stringify(key)} is not a key of the Event Grid schema: use ID, Topic, Subject, EventType, DataVersion or event data ` +
                    "(like data.key1) (Event Grid event filtering, Key)",
            );
        }
    });
    return p;
}

// --- Filtering (learn.microsoft.com/azure/event-grid/event-filtering) ----------------------------------------------

/** The value of an advanced filter key in an event: envelope names, or data fields by `.` (names without case). */
export function keyValue(event: EventGridEvent, key: string): unknown {
    const parts = key.split(".");
    let v: unknown = event;
    for (const part of parts) {
        if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
        const entry = Object.entries(v as Record<string, unknown>).find(([k]) => k.toLowerCase() === part.toLowerCase());
        v = entry?.[1];
    }
    return v;
}

const POSITIVE_WHEN_MISSING = new Set(["NumberNotIn", "StringNotIn", "IsNullOrUndefined"]);

/** One advanced filter on one event, by the operators' pseudo code on the event-filtering page. */
export function advancedFilterMatches(
    f: NonNullable<WireFilter["advancedFilters"]>[number],
    event: EventGridEvent,
    onArrays: boolean,
): boolean {
    const raw = keyValue(event, f.key ?? "");
    const op = f.operatorType;
    if (op === "IsNullOrUndefined") return raw === undefined || raw === null;
    if (op === "IsNotNull") return raw !== undefined && raw !== null;
    // "If the event JSON doesn't contain the advanced filter key, filter is evaluated as not matched ... matched for
    // NumberNotIn, StringNotIn."
    if (raw === undefined || raw === null) return POSITIVE_WHEN_MISSING.has(op);
    // Arrays are filtered only with enableAdvancedFilteringOnArrays; otherwise an array value does not match.
    if (Array.isArray(raw) && !onArrays) return false;
    const keys = Array.isArray(raw) ? raw : [raw];
    const filterValues = Array.isArray(f.values) ? f.values : f.value !== undefined ? [f.value] : [];
    // "All string comparisons aren't case-sensitive." Key values of another type than the filter's are ignored.
    const strings = keys.filter((k): k is string => typeof k === "string").map((k) => k.toLowerCase());
    const fs = filterValues.filter((x): x is string => typeof x === "string").map((x) => x.toLowerCase());
    const numbers = keys.filter((k): k is number => typeof k === "number");
    const num = typeof f.value === "number" ? f.value : NaN;
    const anyPair = (test: (k: string, x: string) => boolean) => fs.some((x) => strings.some((k) => test(k, x)));
    switch (op) {
        case "StringIn":
            return anyPair((k, x) => k === x);
        case "StringNotIn":
            return !anyPair((k, x) => k === x);
        case "StringContains":
            return anyPair((k, x) => k.includes(x));
        case "StringNotContains":
            return !anyPair((k, x) => k.includes(x));
        case "StringBeginsWith":
            return anyPair((k, x) => k.startsWith(x));
        case "StringNotBeginsWith":
            return !anyPair((k, x) => k.startsWith(x));
        case "StringEndsWith":
            return anyPair((k, x) => k.endsWith(x));
        case "StringNotEndsWith":
            return !anyPair((k, x) => k.endsWith(x));
        case "NumberIn":
            return filterValues.some((x) => numbers.includes(x as number));
        case "NumberNotIn":
            return !filterValues.some((x) => numbers.includes(x as number));
        case "NumberLessThan":
            return numbers.some((k) => k < num);
        case "NumberGreaterThan":
            return numbers.some((k) => k > num);
        case "NumberLessThanOrEquals":
            return numbers.some((k) => k <= num);
        case "NumberGreaterThanOrEquals":
            return numbers.some((k) => k >= num);
        case "NumberInRange":
            return (filterValues as number[][]).some(([a, b]) => numbers.some((k) => k >= a && k <= b));
        case "NumberNotInRange":
            return !(filterValues as number[][]).some(([a, b]) => numbers.some((k) => k >= a && k <= b));
        case "BoolEquals":
            return keys.some((k) => typeof k === "boolean" && k === f.value);
        default:
            return false;
    }
}

/** Whether a subscription's filter lets an event through: event types, subject, then every advanced filter (AND). */
export function filterMatches(filter: WireFilter | undefined, event: EventGridEvent): boolean {
    const f = filter ?? {};
    // "Provide an array with the event types, or specify All to get all event types" (event types compared without case here).
    const types = f.includedEventTypes;
    if (types && types.length > 0 && !types.some((t) => t === "All" || t.toLowerCase() === event.eventType.toLowerCase())) return false;
    // Subject filters: case-insensitive unless isSubjectCaseSensitive (EventSubscriptionFilter.isSubjectCaseSensitive, default false).
    const fold = (s: string) => (f.isSubjectCaseSensitive ? s : s.toLowerCase());
    if (f.subjectBeginsWith && !fold(event.subject).startsWith(fold(f.subjectBeginsWith))) return false;
    if (f.subjectEndsWith && !fold(event.subject).endsWith(fold(f.subjectEndsWith))) return false;
    return (f.advancedFilters ?? []).every((a) => advancedFilterMatches(a, event, f.enableAdvancedFilteringOnArrays === true));
}
