// TEST DOUBLE: a fake Azure Resource Manager on loopback, for the real-engine e2e suite.
//
// It stands in for management.azure.com, which this machine cannot reach. Every request is checked against the
// operation Microsoft's generated SDK defines for it (e2e/env/contracts.ts: @azure/arm-apimanagement,
// @azure/arm-eventgrid, @azure/arm-authorization, @azure/arm-msi): the path template and its parameters'
// constraints, the api-version, required headers and the body's mapper (required fields, types, enums, lengths,
// polymorphic kinds). A violation gets a 400 in ARM's error shape naming the field. Answers follow the SDKs' response
// mappers: read-only fields filled in by the service, write-only ones left out. Rules the SDK specs do not carry are
// written by hand below, each next to its source. It also:
//   - keeps API Management instances with their SKU (APIM_E2E_RESOURCE_GROUP/APIM_E2E_SERVICE at start; more, or
//     another tier, through the control endpoint) and makes the existence checks Azure makes (resource group,
//     parent resource, the service, the gateway, the system topic, the identity, the role definition);
//   - issues gateway tokens in the format of Microsoft's generateToken example, `<gateway>&<yyyyMMddHHmm>&<signature>`;
//   - publishes API Management's gateway token events from the instance's system topic, applies each event
//     subscription's filter with Event Grid's semantics, performs the webhook validation handshake before it
//     delivers to a webhook, and records each delivery (e2e/env/eventGrid.ts);
//   - serves HTTPS with a CA made at start-up, checks the bearer token the fake `az` hands out, and appends one JSON
//     line per request to a log (method, path, query, body, the contract; never the Authorization header).
//
// Control endpoint (plain HTTP, loopback), see docs/testing.md:
//   POST /            {"operation": "generateToken", "times": 1, "status": 403, ...}: failure injection
//   POST /clock       {"offsetSeconds": N}: the clock it judges token expiries by
//   POST /permissions {"actions": [...], "notActions": [...]}: the answer of .../providers/Microsoft.Authorization/permissions
//   POST /service     {"resourceGroup": "rg", "name": "apim", "sku": "Developer"}: creates or changes an instance
//   POST /events      {"eventType": "Microsoft.ApiManagement.GatewayTokenNearExpiry", "gateway": "gw", ...}: publishes
//   GET  /            injections, tokens issued, resources, instances, published events and deliveries
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import {
    apiVersionsOf,
    atApiVersion,
    Contract,
    contractNamed,
    loadContracts,
    Mapper,
    matchContract,
    scalarProblems,
    serializerLike,
    validateWire,
    WireProblem,
} from "./contracts";
import {
    APIM_TOPIC_TYPE,
    EventGridEvent,
    eventDataMappers,
    filterMatches,
    gatewayTokenEvent,
    KEY_VAULT_TOPIC_TYPE,
    subscriptionProblems,
    TOKEN_EVENT_TYPES,
    validationEvent,
} from "./eventGrid";

export interface Injection {
    operation: string;
    times: number;
    status?: number;
    retryAfter?: number;
    headers?: Record<string, string>;
    body?: string;
    hang?: boolean;
    echoAuthorization?: boolean;
    /** Carry the call out normally, but answer only after this many milliseconds. */
    delayMs?: number;
    /** generateToken: issue the token for this expiry instead of the requested one (Microsoft's example does so). */
    tokenExpiry?: string;
}

export interface IssuedToken {
    gatewayResourceId: string;
    keyType: "primary" | "secondary";
    expiry: string;
    value: string;
    at: string;
}

export interface Instance {
    resourceGroup: string;
    name: string;
    sku: string;
}

export interface Delivery {
    subscription: string;
    endpointType: string;
    /** The webhook's origin and path (never its query), or the handler's resource id. */
    endpoint: string;
    eventType: string;
    subject: string;
    status: number | string;
}

export interface FakeArmOptions {
    cert: string;
    key: string;
    logPath: string;
    /** The bearer tokens the fake `az` hands out; any other bearer gets a 401. */
    acceptedBearers: () => string[];
    /** The clock the server judges expiries by (tests shift the program's clock, not this one). */
    now?: () => number;
    /** API Management instances that exist from the start. */
    instances?: Instance[];
    /** The subscription the instances live in. */
    subscriptionId: string;
    /** The tenant of the identities it creates. */
    tenantId: string;
    /** CA certificates (PEM) it trusts when it calls a webhook, as Event Grid trusts public CAs. */
    webhookCa?: string;
}

export interface FakeArm {
    url: string;
    controlUrl: string;
    issued: IssuedToken[];
    /** Shifts the clock the server judges token expiries by (the suite shifts the program's clock alike). */
    setClockOffset(seconds: number): void;
    close(): Promise<void>;
}

const KNOWN_OPERATIONS = ["generateToken", "listKeys", "regenerateKey"];
/** "Maximum token expiry time is set to 30 days" (GatewayTokenRequestContract.expiry, @azure/arm-apimanagement; REST reference Gateway - Generate Token). */
const MAX_TOKEN_DAYS = 30;
/** Tiers that offer self-hosted gateways: "This feature is available in the Premium and Developer tiers" (learn.microsoft.com/azure/api-management/self-hosted-gateway-overview). */
export const SELF_HOSTED_TIERS = ["Developer", "Premium"];

/** The operation name a request maps to in the log and for injections: generateToken/listKeys/regenerateKey, or `<verb>:<resource type>`. */
export function operationOf(method: string, path: string): string {
    const segments = path.split("/").filter(Boolean);
    const last = segments[segments.length - 1] ?? "";
    if (method === "POST" && KNOWN_OPERATIONS.includes(last)) return last;
    // /subscriptions/s/resourceGroups/rg/providers/Ns/type1/name1/type2/name2 -> type2
    const providers = segments.lastIndexOf("providers");
    const typeSegment = providers >= 0 && segments.length - providers >= 3 ? segments[segments.length - 2] : "resource";
    const verb =
        method === "PUT"
            ? "createOrUpdate"
            : method === "DELETE"
              ? "delete"
              : method === "GET" || method === "HEAD"
                ? "get"
                : method.toLowerCase();
    return `${verb}:${typeSegment}`;
}

const ARM_ERRORS: Record<number, string> = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    409: "Conflict",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
};

/** ARM's error shape (ErrorResponse/ErrorDetail of the SDKs: code, message, target, details). */
function armError(status: number, message: string, code = ARM_ERRORS[status] ?? "Error", target?: string, details?: WireProblem[]): string {
    return JSON.stringify({
        error: {
            code,
            message,
            ...(target !== undefined ? { target } : {}),
            ...(details && details.length > 1 ? { details: details.map((d) => ({ code, target: d.target, message: d.message })) } : {}),
        },
    });
}

/** `yyyyMMddHHmm` of an ISO instant, as the token's middle field. */
export function tokenStamp(expiry: string): string {
    return new Date(expiry)
        .toISOString()
        .replace(/[-:TZ]/g, "")
        .slice(0, 12);
}

/** The ARM resource type of an id: the namespace and the type segments after the last `providers`. */
export function resourceTypeOf(id: string): string {
    const s = id.split("/").filter(Boolean);
    const p = s.map((x) => x.toLowerCase()).lastIndexOf("providers");
    if (p < 0) return s.length === 4 ? "Microsoft.Resources/resourceGroups" : "Microsoft.Resources/subscriptions";
    return [s[p + 1], ...s.slice(p + 2).filter((_, i) => i % 2 === 0)].join("/");
}

/** The id of the resource an id sits under: its parent, or its scope for an extension resource. */
export function parentOf(id: string): string | undefined {
    const s = id.split("/").filter(Boolean);
    const p = s.map((x) => x.toLowerCase()).lastIndexOf("providers");
    if (p < 0) return s.length > 2 ? `/${s.slice(0, 2).join("/")}` : undefined;
    const typed = s.length - (p + 2);
    if (typed > 2) return `/${s.slice(0, s.length - 2).join("/")}`;
    return p > 0 ? `/${s.slice(0, p).join("/")}` : undefined;
}

/** The resource group id of an id, if it has one. */
function resourceGroupOf(id: string): string | undefined {
    const m = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(id);
    return m?.[0];
}

interface Stored {
    id: string;
    wire: Record<string, unknown>;
}

/** The SDK's KnownSkuType values: the API Management tier names Azure has. */
export function apimTierNames(): string[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const known = (require("@azure/arm-apimanagement") as { KnownSkuType: Record<string, string> }).KnownSkuType;
    return Object.values(known);
}

/** The topic type of a system topic's source (system topic docs: one type per source kind). */
const TOPIC_TYPES: Record<string, string> = {
    "microsoft.apimanagement/service": APIM_TOPIC_TYPE,
    "microsoft.keyvault/vaults": KEY_VAULT_TOPIC_TYPE,
};

export async function startFakeArm(opts: FakeArmOptions): Promise<FakeArm> {
    const contracts = await loadContracts();
    const eventSerializer = serializerLike(contracts[0].serializer, eventDataMappers());
    const serviceGet = contractNamed(contracts, "apimanagement apiManagementService.get");
    let offsetMs = 0;
    const now = () => (opts.now ?? Date.now)() + offsetMs;
    const resources = new Map<string, Stored>();
    const resourceGroups = new Set<string>();
    const keys = new Map<string, { primary: string; secondary: string }>();
    const injections = new Map<string, Injection>();
    const issued: IssuedToken[] = [];
    const published: EventGridEvent[] = [];
    const deliveries: Delivery[] = [];
    let permissions: { actions: string[]; notActions: string[] } = { actions: ["*"], notActions: [] };
    const log = fs.openSync(opts.logPath, "a");
    const hanging = new Set<http.ServerResponse>();
    const webhookAgent = new https.Agent({ ca: opts.webhookCa, keepAlive: false });
    const sub = opts.subscriptionId;
    /** The full webhook URLs of subscriptions (the service keeps them; its answers show only the base URL). */
    const webhookUrls = new Map<string, string>();

    const serviceId = (rg: string, name: string) =>
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/${name}`;
    /**
     * Role definitions are the tenant's, known by their GUID at any scope: Microsoft's example PutRoleDefinition
     * (2022-05-01-preview) answers a definition PUT at a scope with the id /subscriptions/{sub}/providers/
     * Microsoft.Authorization/roleDefinitions/{id}, and assignments name it so. Other resources are known by their path.
     */
    const canonical = (id: string) => {
        const m = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(id);
        return m ? `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${m[1]}` : id;
    };
    const get = (id: string) => resources.get(canonical(id).toLowerCase());
    const put = (id: string, wire: Record<string, unknown>) => resources.set(canonical(id).toLowerCase(), { id: canonical(id), wire });

    /** Creates or changes an instance (the wire shape of ApiManagementServiceResource, checked against its mapper in the tests). */
    const setInstance = (i: Instance) => {
        const id = serviceId(i.resourceGroup, i.name);
        resourceGroups.add(`/subscriptions/${sub}/resourceGroups/${i.resourceGroup}`.toLowerCase());
        put(id, {
            id,
            name: i.name,
            type: "Microsoft.ApiManagement/service",
            location: "West Europe",
            etag: `"${crypto.randomBytes(8).toString("hex")}"`,
            sku: { name: i.sku, capacity: i.sku === "Consumption" ? 0 : 1 },
            properties: {
                publisherEmail: "apim-e2e@example.test",
                publisherName: "apim-gateway e2e",
                provisioningState: "Succeeded",
                gatewayUrl: `https://${i.name}.azure-api.net`,
                managementApiUrl: `https://${i.name}.management.azure-api.net`,
                virtualNetworkType: "None",
            },
        });
    };
    for (const i of opts.instances ?? []) setInstance(i);

    /** Whether a scope or resource exists here (a subscription always does). */
    const exists = (id: string): boolean => {
        const s = id.split("/").filter(Boolean);
        if (s.length === 2 && s[0].toLowerCase() === "subscriptions") return true;
        if (s.length === 4 && s[2].toLowerCase() === "resourcegroups") return resourceGroups.has(id.toLowerCase());
        return get(id) !== undefined;
    };

    const gatewayKeys = (gatewayResourceId: string) => {
        const k = gatewayResourceId.toLowerCase();
        if (!keys.has(k)) {
            keys.set(k, { primary: crypto.randomBytes(64).toString("base64"), secondary: crypto.randomBytes(64).toString("base64") });
        }
        return keys.get(k)!;
    };

    /** The Azure-filled fields of an answer (the read-only fields of the response mappers). */
    const serverFields = (id: string, wire: Record<string, unknown>, previous?: Record<string, unknown>): Record<string, unknown> => {
        const type = resourceTypeOf(id);
        const out: Record<string, unknown> = { ...wire, id: canonical(id), name: id.split("/").pop(), type };
        const props = { ...((wire.properties as Record<string, unknown> | undefined) ?? {}) };
        const prev = (previous?.properties as Record<string, unknown> | undefined) ?? {};
        switch (type.toLowerCase()) {
            case "microsoft.managedidentity/userassignedidentities":
                // Identity.tenantId/principalId/clientId are read-only: the service assigns them (@azure/arm-msi mappers).
                props.tenantId = prev.tenantId ?? opts.tenantId;
                props.principalId = prev.principalId ?? crypto.randomUUID();
                props.clientId = prev.clientId ?? crypto.randomUUID();
                break;
            case "microsoft.authorization/roleassignments":
                // RoleAssignment.scope is read-only (@azure/arm-authorization mappers).
                props.scope = parentOf(id);
                break;
            case "microsoft.eventgrid/systemtopics":
                props.provisioningState = "Succeeded";
                props.metricResourceId = prev.metricResourceId ?? crypto.randomUUID();
                break;
            case "microsoft.eventgrid/systemtopics/eventsubscriptions": {
                // The answer of Microsoft's example SystemTopicEventSubscriptions_CreateOrUpdate (2022-06-15): the
                // webhook's endpointUrl is write-only, endpointBaseUrl (read-only) is the URL without its query; the
                // topic is the system topic; eventDeliverySchema and retryPolicy take their defaults.
                props.provisioningState = "Succeeded";
                props.topic = parentOf(id);
                props.eventDeliverySchema ??= "EventGridSchema";
                props.retryPolicy ??= { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 };
                const d = props.destination as { endpointType?: string; properties?: Record<string, unknown> } | undefined;
                if (d?.endpointType === "WebHook" && typeof d.properties?.endpointUrl === "string") {
                    const { endpointUrl, ...rest } = d.properties;
                    const u = new URL(endpointUrl as string);
                    props.destination = { ...d, properties: { ...rest, endpointBaseUrl: `${u.origin}${u.pathname}` } };
                }
                break;
            }
            case "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials":
            case "microsoft.apimanagement/service/gateways":
            case "microsoft.apimanagement/service/gateways/hostnameconfigurations":
            case "microsoft.apimanagement/service/gateways/certificateauthorities":
            case "microsoft.apimanagement/service/gateways/apis":
            case "microsoft.authorization/roledefinitions":
                break;
        }
        if (Object.keys(props).length > 0) out.properties = props;
        return out;
    };

    /** Event Grid's webhook validation handshake (learn.microsoft.com/azure/event-grid/webhook-event-delivery). */
    const handshake = async (endpointUrl: string, subscriptionName: string, topicId: string): Promise<string | undefined> => {
        const code = crypto.randomUUID();
        const answer = await post(endpointUrl, [validationEvent(topicId, code, new Date(now()))], {
            "aeg-event-type": "SubscriptionValidation",
            "aeg-subscription-name": subscriptionName.toUpperCase(),
        });
        if (typeof answer === "string") return answer;
        // "You must return an HTTP 200 OK response status code. HTTP 202 Accepted is not recognized as a valid Event
        // Grid subscription validation response." The body echoes the code in validationResponse.
        if (answer.status !== 200) return `the endpoint answered HTTP ${answer.status}`;
        let response: unknown;
        try {
            response = (JSON.parse(answer.body) as { validationResponse?: unknown }).validationResponse;
        } catch {
            return "the endpoint's answer is not JSON";
        }
        return response === code ? undefined : "the endpoint did not echo the validationCode in validationResponse";
    };

    /** POSTs events to a webhook (30 s per request: webhook-event-delivery), trusting the e2e CA. */
    const post = (url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string } | string> =>
        new Promise((resolve) => {
            let u: URL;
            try {
                u = new URL(url);
            } catch {
                return resolve("not a URL");
            }
            const req = https.request(
                u,
                { method: "POST", agent: webhookAgent, timeout: 30_000, headers: { "content-type": "application/json", ...headers } },
                (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (c: string) => (text += c));
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
                },
            );
            req.on("timeout", () => req.destroy(new Error("no answer within 30 s")));
            req.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
            req.end(JSON.stringify(body));
        });

    /** Publishes an event from every system topic of its source to every subscription whose filter matches it. */
    const publish = async (event: EventGridEvent, sourceId: string): Promise<Delivery[]> => {
        published.push(event);
        const out: Delivery[] = [];
        const topics = [...resources.values()].filter(
            (r) =>
                resourceTypeOf(r.id).toLowerCase() === "microsoft.eventgrid/systemtopics" &&
                String((r.wire.properties as Record<string, unknown>)?.source ?? "").toLowerCase() === sourceId.toLowerCase(),
        );
        for (const topic of topics) {
            const subscriptions = [...resources.values()].filter((r) => parentOf(r.id)?.toLowerCase() === topic.id.toLowerCase());
            for (const s of subscriptions) {
                const props = (s.wire.properties ?? {}) as {
                    filter?: Parameters<typeof filterMatches>[0];
                    destination?: Record<string, unknown>;
                };
                if (!filterMatches(props.filter, event)) continue;
                const name = s.id.split("/").pop() ?? "";
                const destination = (props.destination ?? {}) as { endpointType?: string; properties?: Record<string, unknown> };
                const endpointType = destination.endpointType ?? "";
                const endpointUrl = webhookUrls.get(s.id.toLowerCase());
                let status: number | string = "recorded";
                let endpoint = String(destination.properties?.resourceId ?? "");
                if (endpointType === "WebHook" && endpointUrl) {
                    const u = new URL(endpointUrl);
                    endpoint = `${u.origin}${u.pathname}`;
                    // Event Grid delivers one event per request by default, as an array (delivery-and-retry), with the
                    // aeg-* headers (Event Grid message headers).
                    const answer = await post(endpointUrl, [event], {
                        "aeg-event-type": "Notification",
                        "aeg-subscription-name": name.toUpperCase(),
                        "aeg-delivery-count": "0",
                        "aeg-data-version": event.dataVersion,
                        "aeg-metadata-version": event.metadataVersion,
                    });
                    status = typeof answer === "string" ? answer : answer.status;
                }
                const d: Delivery = {
                    subscription: s.id,
                    endpointType,
                    endpoint,
                    eventType: event.eventType,
                    subject: event.subject,
                    status,
                };
                deliveries.push(d);
                out.push(d);
            }
        }
        return out;
    };

    type Reply = { status: number; text: string; headers?: Record<string, string> };
    const refuse = (status: number, code: string, message: string, target?: string, details?: WireProblem[]): Reply => ({
        status,
        text: armError(status, message, code, target, details),
    });
    const notFound = (id: string): Reply => {
        const type = resourceTypeOf(id);
        const rg = /resourceGroups\/([^/]+)/i.exec(id)?.[1];
        // ARM's answer for a resource that does not exist.
        return refuse(
            404,
            "ResourceNotFound",
            `The Resource '${type}/${id.split("/").pop()}' under resource group '${rg ?? ""}' was not found.`,
        );
    };

    /** Checks and carries out one ARM request against its contract. */
    const serve = async (
        req: http.IncomingMessage,
        path: string,
        query: URLSearchParams,
        body: unknown,
        raw: string,
        entry: Record<string, unknown>,
    ): Promise<Reply> => {
        const method = req.method ?? "GET";
        const found = matchContract(contracts, method, path);
        if (!found) {
            return refuse(
                404,
                "NotFound",
                `${method} ${path}: no operation of the contracts this fake serves (e2e/env/contracts.ts) has this path`,
            );
        }
        entry.contract = found.contract.name;
        // ARM requires the api-version query parameter of every request; one the resource type does not serve is
        // refused with the ones it serves ("NoRegisteredProviderFound ... The supported api-versions are ...").
        const apiVersion = query.get("api-version");
        if (apiVersion === null) {
            return refuse(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
                "api-version",
            );
        }
        const contract = atApiVersion(found.contract, apiVersion);
        if (!contract) {
            return refuse(
                400,
                "NoRegisteredProviderFound",
                `No registered resource provider found for API version '${apiVersion}' and type '${resourceTypeOf(path)}'. ` +
                    `The supported api-versions are '${apiVersionsOf(found.contract).join(", ")}'.`,
                "api-version",
            );
        }
        const source = contract.sdk;
        // Path parameters: each checked with its mapper (type, Pattern, MaxLength, MinLength).
        const pathProblems = contract.pathParams
            .filter((p) => !p.scope)
            .flatMap((p) => scalarProblems(p.mapper, found.params[p.name], p.name, `${p.name} in ${source}`));
        // "Gateway entity identifier ... Must not have value 'managed'" (REST reference, Gateway - Create Or Update /
        // Generate Token, gatewayId).
        if (typeof found.params.gatewayId === "string" && found.params.gatewayId.toLowerCase() === "managed") {
            pathProblems.push({
                target: "gatewayId",
                message: "gatewayId: must not have value 'managed' (REST reference, API Management Gateway, gatewayId)",
            });
        }
        if (pathProblems.length > 0) {
            return refuse(400, "InvalidParameter", pathProblems.map((p) => p.message).join("; "), pathProblems[0].target, pathProblems);
        }
        for (const h of contract.requiredHeaders) {
            if (req.headers[h.toLowerCase()] === undefined) return refuse(400, "InvalidParameter", `${h}: required header (${source})`, h);
        }
        const id = path;
        const type = resourceTypeOf(id).toLowerCase();

        // Permissions: answered for any scope (what the control endpoint set).
        if (contract.name === "authorization permissions.listForResource") {
            return { status: 200, text: JSON.stringify({ value: [{ actions: permissions.actions, notActions: permissions.notActions }] }) };
        }

        // The body: the operation's mapper.
        let kept: Record<string, unknown> | undefined;
        if (contract.body) {
            if (body === undefined) {
                if (contract.body.required)
                    return refuse(
                        400,
                        "InvalidRequestContent",
                        `the request body is required (${contract.body.mapper.serializedName} in ${source})`,
                    );
            } else if (typeof body === "string" && raw !== "") {
                return refuse(400, "InvalidRequestContent", "the request body is not JSON");
            } else {
                const checked = validateWire(contract.serializer, contract.body.mapper, body, "", source);
                if (checked.problems.length > 0) {
                    return refuse(
                        400,
                        "InvalidRequestContent",
                        checked.problems.map((p) => p.message).join("; "),
                        checked.problems[0].target,
                        checked.problems,
                    );
                }
                if (checked.ignored.length > 0) entry.ignored = checked.ignored;
                kept = checked.kept as Record<string, unknown>;
            }
        }

        // Existence: the resource group, then the resource this one sits under (ARM answers 404 for either).
        const rg = resourceGroupOf(id);
        if (rg && !resourceGroups.has(rg.toLowerCase())) {
            return refuse(404, "ResourceGroupNotFound", `Resource group '${rg.split("/").pop()}' could not be found.`);
        }
        const parent = parentOf(id);
        const service = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+)/i.exec(
            id,
        )?.[1];
        if (service && !get(service)) return notFound(service);
        switch (contract.name) {
            case "apimanagement gateway.generateToken":
            case "apimanagement gateway.listKeys":
            case "apimanagement gateway.regenerateKey":
                return tokens(contract, id.replace(/\/(generateToken|listKeys|regenerateKey)$/i, ""), body, entry);
        }
        if (parent && !exists(parent) && !(contract.name.endsWith(".get") || method === "HEAD" || method === "DELETE"))
            return notFound(parent);
        const stored = get(id);
        if (method === "GET") return stored ? { status: 200, text: JSON.stringify(stored.wire) } : notFound(id);
        if (method === "HEAD") return stored ? { status: 200, text: "" } : notFound(id);
        if (method === "DELETE") {
            if (!stored) return { status: 204, text: "" };
            const key = canonical(id).toLowerCase();
            for (const k of [...resources.keys()]) if (k === key || k.startsWith(`${key}/`)) resources.delete(k);
            keys.delete(id.toLowerCase());
            webhookUrls.delete(id.toLowerCase());
            return { status: 200, text: "" };
        }
        if (method !== "PUT") return refuse(405, "MethodNotAllowed", `${method} is not served for ${type}`);

        // Rules Azure applies on writes that the SDK specs do not carry.
        const wire = kept ?? {};
        const props = (wire.properties ?? {}) as Record<string, unknown>;
        if (type === "microsoft.apimanagement/service/gateways") {
            const tier = String(((get(service!)?.wire.sku ?? {}) as { name?: unknown }).name ?? "");
            if (!SELF_HOSTED_TIERS.includes(tier)) {
                // The rule: self-hosted gateways are available in the Developer and Premium tiers only
                // (self-hosted-gateway-overview). The status and code of the refusal are the fake's choice.
                return refuse(
                    400,
                    "MethodNotAllowedInPricingTier",
                    `Self-hosted gateways are not available in the ${tier} tier of API Management service '${service!.split("/").pop()}'; ` +
                        `they are available in the ${SELF_HOSTED_TIERS.join(" and ")} tiers.`,
                );
            }
        }
        if (type === "microsoft.eventgrid/systemtopics") {
            const src = String(props.source ?? "");
            if (!exists(src))
                return refuse(400, "InvalidRequest", `properties.source: the resource '${src}' does not exist`, "properties.source");
            // The topic type of the source's kind (System topics in Azure Event Grid: API Management, Key Vault, ...).
            const expected = TOPIC_TYPES[resourceTypeOf(src).toLowerCase()];
            if (expected && String(props.topicType ?? "").toLowerCase() !== expected.toLowerCase()) {
                return refuse(
                    400,
                    "InvalidRequest",
                    `properties.topicType: ${JSON.stringify(props.topicType)} is not the topic type of ${resourceTypeOf(src)} (${expected})`,
                    "properties.topicType",
                );
            }
            // "Only one Azure Event Grid system topic is allowed per source" (learn.microsoft.com/azure/event-grid/system-topics).
            const other = [...resources.values()].find(
                (r) =>
                    resourceTypeOf(r.id).toLowerCase() === type &&
                    r.id.toLowerCase() !== id.toLowerCase() &&
                    String((r.wire.properties as Record<string, unknown>)?.source ?? "").toLowerCase() === src.toLowerCase(),
            );
            if (other) {
                return refuse(
                    400,
                    "InvalidRequest",
                    `Only one system topic is allowed per source: ${other.id} already has source ${src}`,
                    "properties.source",
                );
            }
        }
        if (type === "microsoft.eventgrid/systemtopics/eventsubscriptions") {
            const topic = get(parent!)!;
            const topicType = String((topic.wire.properties as Record<string, unknown>)?.topicType ?? "");
            const problems = subscriptionProblems(body as Parameters<typeof subscriptionProblems>[0], {
                name: id.split("/").pop() ?? "",
                apiVersion,
                topicType,
            });
            if (problems.length > 0)
                return refuse(400, "InvalidRequest", problems.map((p) => p.message).join("; "), problems[0].target, problems);
            const d = (props.destination ?? {}) as { endpointType?: string; properties?: Record<string, unknown> };
            if (d.endpointType === "WebHook" && typeof d.properties?.endpointUrl === "string") {
                const url = d.properties.endpointUrl;
                // "At the time of event subscription creation/update, Event Grid posts a subscription validation event
                // to the target endpoint" and delivers nothing until the endpoint has echoed its code.
                const why = await handshake(
                    url,
                    id.split("/").pop() ?? "",
                    String((topic.wire.properties as Record<string, unknown>)?.source ?? topic.id),
                );
                entry.handshake = why ?? "validated";
                if (why) {
                    const u = new URL(url);
                    return refuse(
                        400,
                        "InvalidRequest",
                        `Webhook validation handshake failed for ${u.origin}${u.pathname}: ${why}.`,
                        "properties.destination.properties.endpointUrl",
                    );
                }
                webhookUrls.set(id.toLowerCase(), url);
            }
        }
        if (type === "microsoft.authorization/roleassignments") {
            const roleId = String(props.roleDefinitionId ?? "");
            const role = get(roleId);
            // An assignment names a role definition that exists, whose assignableScopes cover the assignment's scope.
            if (!role)
                return refuse(
                    400,
                    "RoleDefinitionDoesNotExist",
                    `The specified role definition with ID '${roleId.split("/").pop()}' does not exist.`,
                    "properties.roleDefinitionId",
                );
            const scopes = (((role.wire.properties ?? {}) as { assignableScopes?: string[] }).assignableScopes ?? []).map((s) =>
                s.toLowerCase(),
            );
            const scope = (parent ?? "").toLowerCase();
            if (!scopes.some((s) => scope === s || scope.startsWith(`${s}/`))) {
                return refuse(
                    400,
                    "InvalidRoleAssignment",
                    `The role definition's assignableScopes do not include the scope ${parent}.`,
                    "properties.roleDefinitionId",
                );
            }
        }
        const response = serverFields(id, wire, stored?.wire);
        put(id, response);
        const statuses = contract.statuses;
        const status = stored ? (statuses.includes(200) ? 200 : statuses[0]) : statuses.includes(201) ? 201 : statuses[0];
        return { status, text: JSON.stringify(response) };
    };

    /** generateToken, listKeys and regenerateKey of a gateway. */
    const tokens = (contract: Contract, gatewayResourceId: string, body: unknown, entry: Record<string, unknown>): Reply => {
        const stored = get(gatewayResourceId);
        if (!stored) return refuse(404, "ResourceNotFound", "Gateway not found.");
        const k = gatewayKeys(gatewayResourceId);
        if (contract.name.endsWith("listKeys")) return { status: 200, text: JSON.stringify(k) };
        const b = body as { keyType: "primary" | "secondary"; expiry?: string };
        if (contract.name.endsWith("regenerateKey")) {
            k[b.keyType] = crypto.randomBytes(64).toString("base64");
            return { status: 204, text: "" };
        }
        const expiry = String(b.expiry);
        const at = Date.parse(expiry);
        if (at > now() + MAX_TOKEN_DAYS * 86_400_000) {
            return refuse(
                400,
                "ValidationError",
                `expiry: at most ${MAX_TOKEN_DAYS} days ahead (GatewayTokenRequestContract.expiry)`,
                "expiry",
            );
        }
        // The fake's own rule, documented nowhere: an expiry already past is refused, as a token that has expired when
        // issued can never be used.
        if (at <= now()) return refuse(400, "ValidationError", "expiry: must be in the future", "expiry");
        const stamped = typeof entry.tokenExpiry === "string" ? entry.tokenExpiry : expiry;
        const gatewayName = gatewayResourceId.split("/").pop() ?? "";
        const stamp = tokenStamp(stamped);
        const signature = crypto
            .createHmac("sha512", Buffer.from(k[b.keyType], "base64"))
            .update(`${gatewayName}\n${stamp}`)
            .digest("base64");
        const value = `${gatewayName}&${stamp}&${signature}`;
        issued.push({ gatewayResourceId, keyType: b.keyType, expiry, value, at: new Date().toISOString() });
        return { status: 200, text: JSON.stringify({ value }) };
    };

    const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
        // A scope parameter the SDKs send unencoded leaves `//` (/{scope}/providers/... with scope /subscriptions/...).
        const url = new URL((req.url ?? "/").replace(/\/{2,}/g, "/"), "https://127.0.0.1");
        const path = url.pathname.replace(/\/+$/, "");
        const operation = operationOf(req.method ?? "GET", path);
        let body: unknown = raw;
        try {
            body = raw ? JSON.parse(raw) : undefined;
        } catch {
            /* logged as text */
        }
        const entry: Record<string, unknown> = {
            time: new Date().toISOString(),
            method: req.method,
            path,
            query: Object.fromEntries(url.searchParams),
            body,
            operation,
        };
        let delayMs = 0;
        const send = (status: number, text: string, headers: Record<string, string> = {}) => {
            entry.status = status;
            fs.writeSync(log, JSON.stringify(entry) + "\n");
            const answer = () => {
                res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
                res.end(req.method === "HEAD" ? undefined : text);
            };
            if (delayMs > 0) {
                hanging.add(res);
                setTimeout(() => {
                    hanging.delete(res);
                    if (!res.destroyed) answer();
                }, delayMs);
            } else {
                answer();
            }
        };

        const auth = req.headers.authorization ?? "";
        const injection = injections.get(operation);
        if (injection && injection.times > 0 && (injection.delayMs !== undefined || injection.tokenExpiry !== undefined)) {
            injection.times -= 1;
            if (injection.times === 0) injections.delete(operation);
            entry.injected = true;
            if (injection.delayMs !== undefined) {
                entry.delayedMs = injection.delayMs;
                delayMs = injection.delayMs;
            }
            if (injection.tokenExpiry !== undefined) entry.tokenExpiry = injection.tokenExpiry;
        } else if (injection && injection.times > 0) {
            injection.times -= 1;
            if (injection.times === 0) injections.delete(operation);
            entry.injected = true;
            if (injection.hang) {
                entry.status = "hang";
                fs.writeSync(log, JSON.stringify(entry) + "\n");
                hanging.add(res);
                res.on("close", () => hanging.delete(res));
                return;
            }
            const status = injection.status ?? 500;
            const headers: Record<string, string> = { ...(injection.headers ?? {}) };
            if (injection.retryAfter !== undefined) headers["retry-after"] = String(injection.retryAfter);
            const text = injection.echoAuthorization
                ? armError(status, "echoing the request's Authorization header as the error code", auth)
                : (injection.body ?? armError(status, `injected failure of ${operation}`));
            return send(status, text, headers);
        }

        const bearer = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : "";
        if (!opts.acceptedBearers().includes(bearer)) {
            return send(401, armError(401, "The access token is missing or was not issued by the fake az."));
        }
        serve(req, path, url.searchParams, body, raw, entry).then(
            (r) => send(r.status, r.text, r.headers),
            (e: Error) => send(500, armError(500, `the fake ARM failed: ${e.message}`)),
        );
    };

    const server = https.createServer({ cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) }, (req, res) => {
        let raw = "";
        req.setEncoding("utf8");
        req.on("data", (c: string) => (raw += c));
        req.on("end", () => handle(req, res, raw));
    });

    /** POST /events: one gateway token event, published as API Management would, from the instance's system topic. */
    const publishControl = async (p: Record<string, unknown>): Promise<{ status: number; value: unknown }> => {
        const kinds = Object.entries(TOKEN_EVENT_TYPES);
        const kind = kinds.find(([, t]) => t === p.eventType)?.[0] as keyof typeof TOKEN_EVENT_TYPES | undefined;
        if (!kind) return { status: 400, value: { error: `eventType: one of ${kinds.map(([, t]) => t).join(", ")}` } };
        if (typeof p.gateway !== "string" || p.gateway === "")
            return { status: 400, value: { error: "gateway: the gateway's name, required" } };
        const instances = [...resources.values()].filter((r) => resourceTypeOf(r.id).toLowerCase() === "microsoft.apimanagement/service");
        const candidates = instances.filter(
            (r) =>
                (p.service === undefined || String(r.wire.name).toLowerCase() === String(p.service).toLowerCase()) &&
                (p.resourceGroup === undefined || r.id.toLowerCase().includes(`/resourcegroups/${String(p.resourceGroup).toLowerCase()}/`)),
        );
        if (candidates.length !== 1) {
            return {
                status: 400,
                value: {
                    error: `service (and resourceGroup): ${candidates.length} instances match; name one of ${instances.map((i) => i.id).join(", ")}`,
                },
            };
        }
        const svc = candidates[0];
        const gateway = get(`${svc.id}/gateways/${p.gateway}`);
        if (!gateway) return { status: 400, value: { error: `gateway ${p.gateway} does not exist in ${svc.id}` } };
        // data.gatewayInfo.gatewayId: "The fully qualified ID of the gateway resource" (event-schema-api-management,
        // property table; @azure/eventgrid: "the ARM resource ID"); the page's example shows the gateway's name, so
        // `"gatewayIdForm": "name"` publishes that form.
        const gatewayId = p.gatewayIdForm === "name" ? String(gateway.wire.name) : gateway.id;
        const at =
            typeof p.expiresAtUtc === "string"
                ? p.expiresAtUtc
                : new Date(now() + (kind === "nearExpiry" ? 7 * 86_400_000 : 0)).toISOString();
        const event = gatewayTokenEvent(eventSerializer, {
            kind,
            serviceId: svc.id,
            gatewayName: String(gateway.wire.name),
            gatewayId,
            instanceId: typeof p.instanceId === "string" ? p.instanceId : `${String(gateway.wire.name)}-node-1`,
            at,
            now: new Date(now()),
        });
        const delivered = await publish(event, svc.id);
        return { status: 200, value: { event, deliveries: delivered } };
    };

    const control = http.createServer((req, res) => {
        let raw = "";
        req.setEncoding("utf8");
        req.on("data", (c: string) => (raw += c));
        req.on("end", () => {
            const reply = (status: number, value: unknown) => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(value, null, 2) + "\n");
            };
            if (req.method === "GET") {
                return reply(200, {
                    injections: [...injections.values()],
                    issued,
                    resources: [...resources.values()]
                        .filter((r) => resourceTypeOf(r.id).toLowerCase() !== "microsoft.apimanagement/service")
                        .map((r) => r.id),
                    instances: [...resources.values()]
                        .filter((r) => resourceTypeOf(r.id).toLowerCase() === "microsoft.apimanagement/service")
                        .map((r) => ({ id: r.id, sku: (r.wire.sku as { name: string }).name })),
                    events: published,
                    deliveries,
                });
            }
            if (req.method !== "POST") return reply(405, { error: "use GET or POST" });
            let p: Record<string, unknown> = {};
            try {
                p = (JSON.parse(raw || "{}") ?? {}) as Record<string, unknown>;
            } catch {
                return reply(400, { error: "the body must be JSON" });
            }
            if (req.url?.startsWith("/clock")) {
                const seconds = Number(p.offsetSeconds);
                if (!Number.isFinite(seconds)) return reply(400, { error: "offsetSeconds: a number of seconds" });
                offsetMs = seconds * 1000;
                return reply(200, { offsetSeconds: seconds });
            }
            if (req.url?.startsWith("/permissions")) {
                const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
                if (!strings(p.actions) || (p.notActions !== undefined && !strings(p.notActions))) {
                    return reply(400, { error: 'actions (and optional notActions): lists of strings, e.g. {"actions": ["*"]}' });
                }
                permissions = { actions: p.actions as string[], notActions: (p.notActions as string[] | undefined) ?? [] };
                return reply(200, permissions);
            }
            if (req.url?.startsWith("/service")) {
                const tiers = apimTierNames();
                const problems = [
                    ...scalarProblems(
                        serviceGet.pathParams.find((x) => x.name === "resourceGroupName")!.mapper,
                        p.resourceGroup,
                        "resourceGroup",
                        serviceGet.sdk,
                    ),
                    ...scalarProblems(serviceGet.pathParams.find((x) => x.name === "serviceName")!.mapper, p.name, "name", serviceGet.sdk),
                    ...(typeof p.sku === "string" && tiers.includes(p.sku)
                        ? []
                        : [{ target: "sku", message: `sku: one of ${tiers.join(", ")}` }]),
                ];
                if (problems.length > 0) return reply(400, { error: problems.map((x) => x.message).join("; ") });
                setInstance({ resourceGroup: String(p.resourceGroup), name: String(p.name), sku: String(p.sku) });
                return reply(200, get(serviceId(String(p.resourceGroup), String(p.name)))?.wire);
            }
            if (req.url?.startsWith("/events")) {
                publishControl(p).then(
                    (r) => reply(r.status, r.value),
                    (e: Error) => reply(500, { error: e.message }),
                );
                return;
            }
            const problems = injectionProblems(p as Partial<Injection>);
            if (problems.length > 0) return reply(400, { error: problems.join("; ") });
            const parsed = p as unknown as Injection;
            if (parsed.times === 0) injections.delete(parsed.operation);
            else injections.set(parsed.operation, { ...parsed });
            return reply(200, { injections: [...injections.values()] });
        });
    });

    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const controlPort = (control.address() as AddressInfo).port;
    return {
        url: `https://127.0.0.1:${port}`,
        controlUrl: `http://127.0.0.1:${controlPort}/`,
        issued,
        setClockOffset(seconds: number) {
            offsetMs = seconds * 1000;
        },
        async close() {
            for (const res of hanging) res.destroy();
            server.closeAllConnections();
            control.closeAllConnections();
            webhookAgent.destroy();
            await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => control.close(r))]);
            fs.closeSync(log);
        },
    };
}

/** The operations the fake ARM knows, as `operationOf` names them. */
const OPERATION = /^(generateToken|listKeys|regenerateKey|(createOrUpdate|get|delete):[A-Za-z]+)$/;

/** What is wrong with a control request, in words (empty when it is fine). */
export function injectionProblems(i: Partial<Injection>): string[] {
    const problems: string[] = [];
    if (typeof i.operation !== "string" || !OPERATION.test(i.operation)) {
        problems.push(
            "operation: required: generateToken, listKeys, regenerateKey, or <createOrUpdate|get|delete>:<resource type> " +
                'such as "createOrUpdate:gateways" (the request log names each call\'s operation)',
        );
    }
    if (!Number.isInteger(i.times) || (i.times as number) < 0) problems.push("times: required, a whole number >= 0");
    if (i.status !== undefined && (!Number.isInteger(i.status) || i.status < 100 || i.status > 599))
        problems.push("status: an HTTP status 100-599");
    if (i.retryAfter !== undefined && typeof i.retryAfter !== "number") problems.push("retryAfter: seconds, a number");
    if (i.headers !== undefined && (typeof i.headers !== "object" || i.headers === null)) problems.push("headers: an object of strings");
    if (i.body !== undefined && typeof i.body !== "string") problems.push("body: the raw response text, a string");
    if (i.delayMs !== undefined && (!Number.isInteger(i.delayMs) || i.delayMs < 0)) problems.push("delayMs: whole milliseconds >= 0");
    if (i.tokenExpiry !== undefined && (typeof i.tokenExpiry !== "string" || Number.isNaN(Date.parse(i.tokenExpiry))))
        problems.push("tokenExpiry: an ISO 8601 instant");
    if (i.tokenExpiry !== undefined && i.operation !== "generateToken") problems.push("tokenExpiry: only for generateToken");
    return problems;
}

export type { Mapper };
