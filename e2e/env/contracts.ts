// TEST DOUBLE support: Microsoft's published contracts of the ARM operations the e2e stand-ins serve, taken from
// Microsoft's generated SDK packages (devDependencies, pinned):
//   @azure/arm-apimanagement 10.0.0  (api-version 2024-05-01)
//   @azure/arm-eventgrid 14.1.0      (api-version 2022-06-15)
//   @azure/arm-authorization 9.0.0   (api-version 2022-04-01)
//   @azure/arm-msi 2.1.0             (api-version 2023-01-31)
// Each SDK method builds its request from an OperationSpec: the path template, the HTTP method, the api-version, the
// path, query and header parameters with their mappers (serializedName = the wire name, `required`, `constraints`
// such as Pattern/MaxLength, `type` with enums), the request body's mapper and the response mappers. The specs are
// module-private in the SDKs, so `loadContracts` calls each method once on a client whose `sendOperationRequest` only
// records the spec it is given: the fake ARM and the stand-in azure-native plugin read every rule from those
// objects, never from a copy of ours. `validateWire` applies a mapper to a JSON value as it travels on the wire.
//
// Where a rule is not in those specs, it is written by hand next to its source (`EXTRA_RULES` below and in fakeArm.ts).

/** The parts of @azure/core-client's Mapper the stand-ins read (the SDKs' own objects). */
export interface Mapper {
    serializedName?: string;
    required?: boolean;
    readOnly?: boolean;
    isConstant?: boolean;
    defaultValue?: unknown;
    constraints?: {
        Pattern?: RegExp;
        MaxLength?: number;
        MinLength?: number;
        MaxItems?: number;
        MinItems?: number;
        InclusiveMaximum?: number;
        InclusiveMinimum?: number;
        ExclusiveMaximum?: number;
        ExclusiveMinimum?: number;
        UniqueItems?: boolean;
    };
    type: {
        name: string;
        className?: string;
        modelProperties?: Record<string, Mapper>;
        polymorphicDiscriminator?: { serializedName: string; clientName: string };
        uberParent?: string;
        allowedValues?: unknown[];
        element?: Mapper;
        value?: Mapper;
        additionalProperties?: Mapper;
    };
}

export interface Serializer {
    modelMappers: Record<string, Mapper> & { discriminators?: Record<string, Mapper> };
    serialize(mapper: Mapper, object: unknown, objectName?: string): unknown;
    deserialize(mapper: Mapper, responseBody: unknown, objectName: string): unknown;
}

interface Param {
    parameterPath: string | string[] | Record<string, unknown>;
    mapper: Mapper;
    skipEncoding?: boolean;
}

/** The OperationSpec fields the stand-ins read. */
interface OperationSpec {
    path: string;
    httpMethod: string;
    serializer: Serializer;
    urlParameters?: Param[];
    queryParameters?: Param[];
    headerParameters?: Param[];
    requestBody?: Param;
    responses: Record<string, { bodyMapper?: Mapper; headersMapper?: Mapper }>;
}

export interface Contract {
    /** e.g. `apimanagement gateway.createOrUpdate` */
    name: string;
    /** The SDK package and version the spec comes from. */
    sdk: string;
    method: string;
    /** The path template, e.g. /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/... */
    template: string;
    apiVersion: string;
    /** Path parameters in template order (without `$host`). */
    pathParams: { name: string; mapper: Mapper; scope: boolean }[];
    /** Required headers other than constants (e.g. If-Match on the API Management deletes). */
    requiredHeaders: string[];
    body?: { mapper: Mapper; required: boolean };
    /** The mapper of the success answer's body, if it has one. */
    responseMapper?: Mapper;
    /** Success status codes the SDK accepts. */
    statuses: number[];
    serializer: Serializer;
    regex: RegExp;
}

/** The SDK packages of the contracts, with the version each is pinned to in package.json. */
export const CONTRACT_PACKAGES = {
    apimanagement: "@azure/arm-apimanagement",
    eventgrid: "@azure/arm-eventgrid",
    authorization: "@azure/arm-authorization",
    msi: "@azure/arm-msi",
} as const;
type Pkg = keyof typeof CONTRACT_PACKAGES;

/** Each operation the stand-ins serve: the SDK method that sends it, called with placeholder arguments. */
const CAPTURES: [Pkg, string, (c: Record<string, Record<string, (...a: unknown[]) => unknown>>) => unknown][] = [
    ["apimanagement", "apiManagementService.get", (c) => c.apiManagementService.get("rg", "svc")],
    ["apimanagement", "gateway.createOrUpdate", (c) => c.gateway.createOrUpdate("rg", "svc", "gw", {})],
    ["apimanagement", "gateway.get", (c) => c.gateway.get("rg", "svc", "gw")],
    ["apimanagement", "gateway.delete", (c) => c.gateway.delete("rg", "svc", "gw", "*")],
    ["apimanagement", "gateway.generateToken", (c) => c.gateway.generateToken("rg", "svc", "gw", {})],
    ["apimanagement", "gateway.listKeys", (c) => c.gateway.listKeys("rg", "svc", "gw")],
    ["apimanagement", "gateway.regenerateKey", (c) => c.gateway.regenerateKey("rg", "svc", "gw", {})],
    ["apimanagement", "gatewayApi.createOrUpdate", (c) => c.gatewayApi.createOrUpdate("rg", "svc", "gw", "api", {})],
    ["apimanagement", "gatewayApi.getEntityTag", (c) => c.gatewayApi.getEntityTag("rg", "svc", "gw", "api")],
    ["apimanagement", "gatewayApi.delete", (c) => c.gatewayApi.delete("rg", "svc", "gw", "api")],
    [
        "apimanagement",
        "gatewayHostnameConfiguration.createOrUpdate",
        (c) => c.gatewayHostnameConfiguration.createOrUpdate("rg", "svc", "gw", "hc", {}),
    ],
    ["apimanagement", "gatewayHostnameConfiguration.get", (c) => c.gatewayHostnameConfiguration.get("rg", "svc", "gw", "hc")],
    ["apimanagement", "gatewayHostnameConfiguration.delete", (c) => c.gatewayHostnameConfiguration.delete("rg", "svc", "gw", "hc", "*")],
    [
        "apimanagement",
        "gatewayCertificateAuthority.createOrUpdate",
        (c) => c.gatewayCertificateAuthority.createOrUpdate("rg", "svc", "gw", "ca", {}),
    ],
    ["apimanagement", "gatewayCertificateAuthority.get", (c) => c.gatewayCertificateAuthority.get("rg", "svc", "gw", "ca")],
    ["apimanagement", "gatewayCertificateAuthority.delete", (c) => c.gatewayCertificateAuthority.delete("rg", "svc", "gw", "ca", "*")],
    ["eventgrid", "systemTopics.createOrUpdate", (c) => c.systemTopics.beginCreateOrUpdate("rg", "topic", {})],
    ["eventgrid", "systemTopics.get", (c) => c.systemTopics.get("rg", "topic")],
    ["eventgrid", "systemTopics.delete", (c) => c.systemTopics.beginDelete("rg", "topic")],
    [
        "eventgrid",
        "systemTopicEventSubscriptions.createOrUpdate",
        (c) => c.systemTopicEventSubscriptions.beginCreateOrUpdate("rg", "topic", "sub", {}),
    ],
    ["eventgrid", "systemTopicEventSubscriptions.get", (c) => c.systemTopicEventSubscriptions.get("rg", "topic", "sub")],
    ["eventgrid", "systemTopicEventSubscriptions.delete", (c) => c.systemTopicEventSubscriptions.beginDelete("rg", "topic", "sub")],
    ["authorization", "roleDefinitions.createOrUpdate", (c) => c.roleDefinitions.createOrUpdate("/scope", "id", {})],
    ["authorization", "roleDefinitions.get", (c) => c.roleDefinitions.get("/scope", "id")],
    ["authorization", "roleDefinitions.delete", (c) => c.roleDefinitions.delete("/scope", "id")],
    ["authorization", "roleAssignments.create", (c) => c.roleAssignments.create("/scope", "name", {})],
    ["authorization", "roleAssignments.get", (c) => c.roleAssignments.get("/scope", "name")],
    ["authorization", "roleAssignments.delete", (c) => c.roleAssignments.delete("/scope", "name")],
    [
        "authorization",
        "permissions.listForResource",
        (c) => (c.permissions.listForResource("rg", "ns", "", "type", "name") as { next(): unknown }).next(),
    ],
    ["msi", "userAssignedIdentities.createOrUpdate", (c) => c.userAssignedIdentities.createOrUpdate("rg", "id", {})],
    ["msi", "userAssignedIdentities.get", (c) => c.userAssignedIdentities.get("rg", "id")],
    ["msi", "userAssignedIdentities.delete", (c) => c.userAssignedIdentities.delete("rg", "id")],
    ["msi", "federatedIdentityCredentials.createOrUpdate", (c) => c.federatedIdentityCredentials.createOrUpdate("rg", "id", "fic", {})],
    ["msi", "federatedIdentityCredentials.get", (c) => c.federatedIdentityCredentials.get("rg", "id", "fic")],
    ["msi", "federatedIdentityCredentials.delete", (c) => c.federatedIdentityCredentials.delete("rg", "id", "fic")],
];

const CLIENTS: Record<Pkg, string> = {
    apimanagement: "ApiManagementClient",
    eventgrid: "EventGridManagementClient",
    authorization: "AuthorizationManagementClient",
    msi: "ManagedServiceIdentityClient",
};

const CAPTURED = Symbol("captured");

/** The version of an installed package. */
function installedVersion(pkg: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${pkg}/package.json`) as { version: string }).version;
}

/** The name of a parameter as the spec's template writes it. */
function paramName(p: Param): string {
    return typeof p.parameterPath === "string" ? p.parameterPath : Array.isArray(p.parameterPath) ? p.parameterPath.join(".") : "";
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A regex for a path template. A parameter the SDK sends unencoded (`skipEncoding`: a scope or a parent path) spans
 * segments: at the start it keeps its leading slash (`/{scope}/...` matches `/subscriptions/...`), in the middle it
 * may be empty (ARM folds the `//` an empty parent path leaves).
 */
export function templateRegex(template: string, spanning: Set<string>): RegExp {
    let re = "";
    let rest = template;
    while (rest.length > 0) {
        const m = /\{([^}]+)\}/.exec(rest);
        if (!m) {
            re += escapeRe(rest);
            break;
        }
        const before = rest.slice(0, m.index);
        const after = rest.slice(m.index + m[0].length);
        const name = m[1];
        if (spanning.has(name) && re === "" && before === "/") {
            re += "(/.+?)";
        } else if (spanning.has(name) && before.endsWith("/") && after.startsWith("/")) {
            re += `${escapeRe(before)}(?:(.+?)/)??`;
            rest = after.slice(1);
            continue;
        } else {
            re += escapeRe(before) + (spanning.has(name) ? "(.+?)" : "([^/]+)");
        }
        rest = after;
    }
    return new RegExp(`^${re}$`, "i");
}

async function capture(pkg: Pkg, call: (c: Record<string, Record<string, (...a: unknown[]) => unknown>>) => unknown) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(CONTRACT_PACKAGES[pkg]) as Record<string, new (...a: unknown[]) => Record<string, unknown>>;
    const credential = { getToken: async () => ({ token: "unused", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const client = new mod[CLIENTS[pkg]](credential, "00000000-0000-4000-8000-000000000000");
    let spec: OperationSpec | undefined;
    client.sendOperationRequest = async (_args: unknown, s: OperationSpec) => {
        spec = s;
        throw CAPTURED;
    };
    try {
        await call(client as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>);
    } catch (e) {
        if (e !== CAPTURED) throw e;
    }
    // Long-running operations (Event Grid) start the request inside their poller: the first poll sends it.
    if (spec === undefined) throw new Error(`${CONTRACT_PACKAGES[pkg]}: the call sent no request`);
    return spec;
}

let loaded: Promise<Contract[]> | undefined;

/** Every contract, captured once per process from the SDK packages. */
export function loadContracts(): Promise<Contract[]> {
    loaded ??= (async () => {
        const out: Contract[] = [];
        for (const [pkg, name, call] of CAPTURES) {
            const spec = await capture(pkg, call);
            const url = (spec.urlParameters ?? []).filter((p) => paramName(p) !== "$host");
            const spanning = new Set(url.filter((p) => p.skipEncoding).map(paramName));
            const apiVersion = (spec.queryParameters ?? []).find((q) => q.mapper.serializedName === "api-version")?.mapper.defaultValue;
            if (typeof apiVersion !== "string") throw new Error(`${pkg} ${name}: no api-version in its spec`);
            const order = [...spec.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
            const statuses = Object.keys(spec.responses)
                .filter((k) => /^\d+$/.test(k))
                .map(Number);
            const ok = statuses.find((s) => spec.responses[String(s)]?.bodyMapper !== undefined);
            out.push({
                name: `${pkg} ${name}`,
                sdk: `${CONTRACT_PACKAGES[pkg]} ${installedVersion(CONTRACT_PACKAGES[pkg])}`,
                method: spec.httpMethod,
                template: spec.path,
                apiVersion,
                pathParams: order.map((n) => {
                    const p = url.find((u) => paramName(u) === n || u.mapper.serializedName === n);
                    if (!p) throw new Error(`${pkg} ${name}: no parameter for {${n}}`);
                    return { name: n, mapper: p.mapper, scope: spanning.has(n) };
                }),
                requiredHeaders: (spec.headerParameters ?? [])
                    .filter((h) => h.mapper.required && !h.mapper.isConstant)
                    .map((h) => h.mapper.serializedName ?? ""),
                body: spec.requestBody
                    ? {
                          mapper: spec.requestBody.mapper,
                          required: spec.requestBody.mapper.required === true || !Array.isArray(spec.requestBody.parameterPath),
                      }
                    : undefined,
                responseMapper: ok !== undefined ? spec.responses[String(ok)].bodyMapper : undefined,
                statuses,
                serializer: spec.serializer,
                regex: templateRegex(spec.path, spanning),
            });
        }
        return out;
    })();
    return loaded;
}

/** The contract of a request, and its path parameters by name (a scope parameter keeps its leading slash). */
export function matchContract(
    contracts: Contract[],
    method: string,
    path: string,
): { contract: Contract; params: Record<string, string> } | undefined {
    // The most specific template wins (the most literal characters), so /{scope}/... never shadows a longer one.
    const literal = (c: Contract) => c.template.replace(/\{[^}]+\}/g, "").length;
    const candidates = contracts.filter((c) => c.method === method.toUpperCase()).sort((a, b) => literal(b) - literal(a));
    for (const contract of candidates) {
        const m = contract.regex.exec(path);
        if (!m) continue;
        const params: Record<string, string> = {};
        contract.pathParams.forEach((p, i) => (params[p.name] = decodeURIComponent(m[i + 1] ?? "")));
        return { contract, params };
    }
    return undefined;
}

// --- The wire, read through a mapper ------------------------------------------------------------------------------

/** A mapper's wire path, split as @azure/core-client splits it (`a.b` nests; `a\\.b` is one name). */
export function wirePath(serializedName: string): string[] {
    const out: string[] = [];
    let partial = "";
    for (const word of serializedName.split(".")) {
        if (word.endsWith("\\")) partial += `${word.slice(0, -1)}.`;
        else {
            out.push(partial + word);
            partial = "";
        }
    }
    return out;
}

function getPath(obj: unknown, parts: string[]): unknown {
    let v = obj;
    for (const p of parts) {
        if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
        v = (v as Record<string, unknown>)[p];
    }
    return v;
}

function setPath(obj: Record<string, unknown>, parts: string[], value: unknown): void {
    let o = obj;
    for (const p of parts.slice(0, -1)) {
        if (o[p] === undefined || typeof o[p] !== "object" || o[p] === null) o[p] = {};
        o = o[p] as Record<string, unknown>;
    }
    o[parts[parts.length - 1]] = value;
}

/** The composite mapper a reference resolves to, and the subtype a polymorphic value names. */
export function resolveComposite(serializer: Serializer, mapper: Mapper, value?: unknown): { mapper: Mapper; unknownKind?: string } {
    let m = mapper;
    if (!m.type.modelProperties && m.type.className) m = serializer.modelMappers[m.type.className] ?? m;
    const poly = m.type.polymorphicDiscriminator;
    if (poly && value !== null && typeof value === "object") {
        const kind = (value as Record<string, unknown>)[poly.serializedName];
        if (typeof kind === "string") {
            const parent = m.type.uberParent ?? m.type.className;
            const sub = serializer.modelMappers.discriminators?.[`${parent}.${kind}`];
            if (sub) return { mapper: sub };
            if (kind !== parent) return { mapper: m, unknownKind: kind };
        }
    }
    return { mapper: m };
}

/** The kinds a polymorphic mapper accepts (the SDK's `discriminators`). */
export function kindsOf(serializer: Serializer, mapper: Mapper): string[] {
    const m = resolveComposite(serializer, mapper).mapper;
    const parent = m.type.uberParent ?? m.type.className ?? "";
    return Object.keys(serializer.modelMappers.discriminators ?? {})
        .filter((k) => k.startsWith(`${parent}.`))
        .map((k) => k.slice(parent.length + 1));
}

export interface WireProblem {
    /** The wire path of the field, e.g. properties.locationData.name. */
    target: string;
    message: string;
}

export interface WireResult {
    problems: WireProblem[];
    /** The value with only the fields the contract defines and the client may write (what the service keeps). */
    kept: unknown;
    /** Wire paths the contract does not define: ignored, not stored. */
    ignored: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const describe = (v: unknown) =>
    Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "object" ? "an object" : JSON.stringify(v);

/** The problems of a scalar under a mapper's type and constraints (`at` names the field). */
export function scalarProblems(mapper: Mapper, value: unknown, at: string, source: string): WireProblem[] {
    const p: WireProblem[] = [];
    const c = mapper.constraints ?? {};
    const say = (message: string) => p.push({ target: at, message: `${at}: ${message} (${source})` });
    switch (mapper.type.name) {
        case "String":
            if (typeof value !== "string") {
                say(`must be a string, got ${describe(value)}`);
                break;
            }
            if (c.MaxLength !== undefined && value.length > c.MaxLength)
                say(`${value.length} characters; at most ${c.MaxLength} are allowed`);
            if (c.MinLength !== undefined && value.length < c.MinLength)
                say(`${value.length} characters; at least ${c.MinLength} are required`);
            if (c.Pattern !== undefined && !new RegExp(c.Pattern).test(value)) say(`${JSON.stringify(value)} does not match ${c.Pattern}`);
            break;
        case "Uuid":
            if (typeof value !== "string" || !UUID.test(value)) say(`must be a UUID, got ${describe(value)}`);
            break;
        case "Enum": {
            const allowed = mapper.type.allowedValues ?? [];
            // @azure/core-client compares enum strings without case.
            const ok = allowed.some((a) =>
                typeof a === "string" && typeof value === "string" ? a.toLowerCase() === value.toLowerCase() : a === value,
            );
            if (!ok) say(`${describe(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
            break;
        }
        case "Boolean":
            if (typeof value !== "boolean") say(`must be true or false, got ${describe(value)}`);
            break;
        case "Number":
            if (typeof value !== "number" || !Number.isFinite(value)) {
                say(`must be a number, got ${describe(value)}`);
                break;
            }
            if (c.InclusiveMaximum !== undefined && value > c.InclusiveMaximum) say(`${value} is above the maximum ${c.InclusiveMaximum}`);
            if (c.InclusiveMinimum !== undefined && value < c.InclusiveMinimum) say(`${value} is below the minimum ${c.InclusiveMinimum}`);
            break;
        case "DateTime":
        case "Date":
            if (typeof value !== "string" || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))
                say(`must be an ISO 8601 date-time, got ${describe(value)}`);
            break;
        default:
            break;
    }
    return p;
}

/**
 * Checks a JSON value as it travels on the wire against a mapper: required fields, types, enums, constraints,
 * polymorphic kinds; read-only and unknown fields are ignored (left out of `kept`), as the service ignores them.
 */
export function validateWire(serializer: Serializer, mapper: Mapper, value: unknown, at: string, source: string): WireResult {
    const problems: WireProblem[] = [];
    const ignored: string[] = [];
    const walk = (m: Mapper, v: unknown, path: string): unknown => {
        const name = m.type.name;
        if (name === "Composite") {
            if (v === null || typeof v !== "object" || Array.isArray(v)) {
                problems.push({ target: path, message: `${path || "the body"}: must be a JSON object, got ${describe(v)} (${source})` });
                return undefined;
            }
            const { mapper: cm, unknownKind } = resolveComposite(serializer, m, v);
            const poly = cm.type.polymorphicDiscriminator;
            if (unknownKind !== undefined && poly) {
                const kinds = kindsOf(serializer, cm);
                const field = path ? `${path}.${poly.serializedName}` : poly.serializedName;
                problems.push({
                    target: field,
                    message: `${field}: ${JSON.stringify(unknownKind)} is not one of ${kinds.join(", ")} (${cm.type.className} in ${source})`,
                });
                return undefined;
            }
            const kept: Record<string, unknown> = {};
            const known = new Set<string>();
            const props = cm.type.modelProperties ?? {};
            for (const [, pm] of Object.entries(props)) {
                if (!pm.serializedName) continue;
                const parts = wirePath(pm.serializedName);
                known.add(parts.join("\u0000"));
                parts.slice(0, -1).forEach((_, i) => known.add(parts.slice(0, i + 1).join("\u0000")));
                const field = path ? `${path}.${parts.join(".")}` : parts.join(".");
                const pv = getPath(v, parts);
                if (pm.readOnly) continue;
                if (pv === undefined || pv === null) {
                    if (pm.required && !pm.isConstant) {
                        problems.push({ target: field, message: `${field}: required (${cm.type.className} in ${source})` });
                    }
                    continue;
                }
                if (pm.isConstant && pm.defaultValue !== undefined && pv !== pm.defaultValue) {
                    problems.push({
                        target: field,
                        message: `${field}: must be ${JSON.stringify(pm.defaultValue)} (${cm.type.className} in ${source})`,
                    });
                    continue;
                }
                const out = walk(pm, pv, field);
                if (out !== undefined) setPath(kept, parts, out);
            }
            // Fields the contract does not define (additionalProperties kept when the mapper allows them).
            const scan = (o: Record<string, unknown>, prefix: string[]) => {
                for (const [k, x] of Object.entries(o)) {
                    const here = [...prefix, k];
                    if (known.has(here.join("\u0000"))) {
                        const isLeaf = [...Object.values(props)].some(
                            (pm) => pm.serializedName && wirePath(pm.serializedName).join("\u0000") === here.join("\u0000"),
                        );
                        if (!isLeaf && x !== null && typeof x === "object" && !Array.isArray(x)) scan(x as Record<string, unknown>, here);
                        continue;
                    }
                    if (poly && here.length === 1 && k === poly.serializedName) continue;
                    if (cm.type.additionalProperties) {
                        kept[k] = x;
                        continue;
                    }
                    ignored.push(path ? `${path}.${here.join(".")}` : here.join("."));
                }
            };
            scan(v as Record<string, unknown>, []);
            if (poly) kept[poly.serializedName] = (v as Record<string, unknown>)[poly.serializedName];
            return kept;
        }
        if (name === "Sequence") {
            if (!Array.isArray(v)) {
                problems.push({ target: path, message: `${path}: must be an array, got ${describe(v)} (${source})` });
                return undefined;
            }
            const c = m.constraints ?? {};
            if (c.MaxItems !== undefined && v.length > c.MaxItems)
                problems.push({ target: path, message: `${path}: ${v.length} items; at most ${c.MaxItems} are allowed (${source})` });
            if (c.MinItems !== undefined && v.length < c.MinItems)
                problems.push({ target: path, message: `${path}: ${v.length} items; at least ${c.MinItems} are required (${source})` });
            return v.map((x, i) => (m.type.element ? walk(m.type.element, x, `${path}[${i}]`) : x));
        }
        if (name === "Dictionary") {
            if (v === null || typeof v !== "object" || Array.isArray(v)) {
                problems.push({ target: path, message: `${path}: must be a JSON object, got ${describe(v)} (${source})` });
                return undefined;
            }
            return Object.fromEntries(
                Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, m.type.value ? walk(m.type.value, x, `${path}.${k}`) : x]),
            );
        }
        const sp = scalarProblems(m, v, path, source);
        problems.push(...sp);
        return sp.length === 0 ? v : undefined;
    };
    const kept = walk(mapper, value, at);
    return { problems, kept, ignored };
}

/** A copy of a mapper tree without `required` and `constraints`: the stand-in plugin serializes as azure-native does, and leaves refusing to the service. */
export function lenientMappers(models: Record<string, Mapper>): Record<string, Mapper> {
    const strip = (v: unknown): unknown => {
        if (v instanceof RegExp) return v;
        if (Array.isArray(v)) return v.map(strip);
        if (v !== null && typeof v === "object") {
            return Object.fromEntries(
                Object.entries(v as Record<string, unknown>)
                    .filter(([k]) => k !== "required" && k !== "constraints")
                    .map(([k, x]) => [k, strip(x)]),
            );
        }
        return v;
    };
    const copy = strip(models) as Record<string, Mapper>;
    // The subtypes the serializer looks up by kind (an api-version's own, e.g. 2025-02-15's webhook destination).
    const d = (models as { discriminators?: Record<string, Mapper> }).discriminators;
    if (d) {
        (copy as { discriminators?: Record<string, unknown> }).discriminators = Object.fromEntries(
            Object.keys(d).map((k) => [k, strip(d[k])]),
        );
    }
    return copy;
}

/** A serializer of the same class as an SDK's, over other mappers. */
export function serializerLike(original: Serializer, models: Record<string, Mapper>): Serializer {
    const Ctor = Object.getPrototypeOf(original).constructor as new (m: Record<string, Mapper>, isXML: boolean) => Serializer;
    return new Ctor(models, false);
}

// --- Api-versions Azure serves besides the SDKs' ------------------------------------------------------------------

/**
 * The api-versions @pulumi/azure-native 3.28.0 sends where they differ from the SDK contracts above (its own docs:
 * "Uses Azure REST API version ..." on each resource). Azure serves them too; the fake accepts each with the SDK's
 * contract plus the differences listed here, each from its source. Anything else is refused as ARM refuses an
 * api-version it does not serve.
 */
export const MORE_API_VERSIONS: { group: string; apiVersion: string; source: string; extend?: (m: Record<string, Mapper>) => void }[] = [
    {
        // Microsoft REST reference "System Topics - Create Or Update" / "System Topic Event Subscriptions - Create Or
        // Update", api-version=2025-02-15 (learn.microsoft.com/rest/api/eventgrid/controlplane/...), and
        // Azure/azure-rest-api-specs specification/eventgrid/resource-manager/Microsoft.EventGrid/stable/2025-02-15.
        group: "eventgrid systemTopics",
        apiVersion: "2025-02-15",
        source: "Event Grid REST reference, api-version 2025-02-15",
    },
    {
        group: "eventgrid systemTopicEventSubscriptions",
        apiVersion: "2025-02-15",
        source: "Event Grid REST reference, api-version 2025-02-15",
        extend: (m) => {
            const d = m.discriminators as unknown as Record<string, Mapper>;
            const base = d.EventSubscriptionDestination.type.modelProperties ?? {};
            // WebHookEventSubscriptionDestination.minimumTlsVersionAllowed ("1.0" | "1.1" | "1.2"): @azure/arm-eventgrid
            // reference (learn.microsoft.com/javascript/api/@azure/arm-eventgrid/webhookeventsubscriptiondestination,
            // view=azure-node-latest), REST reference 2025-02-15 (TlsVersion).
            const webhook = d["EventSubscriptionDestination.WebHook"];
            d["EventSubscriptionDestination.WebHook"] = {
                ...webhook,
                type: {
                    ...webhook.type,
                    modelProperties: {
                        ...webhook.type.modelProperties,
                        minimumTlsVersionAllowed: {
                            serializedName: "properties.minimumTlsVersionAllowed",
                            type: { name: "Enum", allowedValues: ["1.0", "1.1", "1.2"] },
                        },
                    },
                },
            };
            // MonitorAlertEventSubscriptionDestination (endpointType "MonitorAlert": properties.severity Sev0-Sev4,
            // properties.actionGroups, properties.description): @azure/arm-eventgrid reference
            // (learn.microsoft.com/javascript/api/@azure/arm-eventgrid/monitoralerteventsubscriptiondestination),
            // MonitorAlertSeverity (learn.microsoft.com/dotnet/api/azure.resourcemanager.eventgrid.models.monitoralertseverity).
            d["EventSubscriptionDestination.MonitorAlert"] = {
                serializedName: "MonitorAlert",
                type: {
                    name: "Composite",
                    className: "MonitorAlertEventSubscriptionDestination",
                    uberParent: "EventSubscriptionDestination",
                    polymorphicDiscriminator: d.EventSubscriptionDestination.type.polymorphicDiscriminator,
                    modelProperties: {
                        ...base,
                        severity: {
                            serializedName: "properties.severity",
                            type: { name: "Enum", allowedValues: ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"] },
                        },
                        actionGroups: {
                            serializedName: "properties.actionGroups",
                            type: { name: "Sequence", element: { type: { name: "String" } } },
                        },
                        description: { serializedName: "properties.description", type: { name: "String" } },
                    },
                },
            };
            // NamespaceTopicEventSubscriptionDestination (endpointType "NamespaceTopic", properties.resourceId): Event
            // Grid event handlers (learn.microsoft.com/azure/event-grid/event-handlers: "Event Grid namespace topics").
            d["EventSubscriptionDestination.NamespaceTopic"] = {
                serializedName: "NamespaceTopic",
                type: {
                    name: "Composite",
                    className: "NamespaceTopicEventSubscriptionDestination",
                    uberParent: "EventSubscriptionDestination",
                    polymorphicDiscriminator: d.EventSubscriptionDestination.type.polymorphicDiscriminator,
                    modelProperties: { ...base, resourceId: { serializedName: "properties.resourceId", type: { name: "String" } } },
                },
            };
        },
    },
    {
        // Azure/azure-rest-api-specs .../Microsoft.Authorization/preview/2022-05-01-preview/examples/PutRoleDefinition.json:
        // the same body as 2022-04-01 (roleName, type, description, assignableScopes, permissions).
        group: "authorization roleDefinitions",
        apiVersion: "2022-05-01-preview",
        source: "Authorization REST reference, api-version 2022-05-01-preview",
    },
];

/** The operation's group, e.g. `eventgrid systemTopicEventSubscriptions` of `eventgrid systemTopicEventSubscriptions.get`. */
export const groupOf = (c: Contract) => c.name.slice(0, c.name.lastIndexOf("."));

/** The api-versions Azure serves for an operation: the SDK's, and the documented others. */
export function apiVersionsOf(c: Contract): string[] {
    return [c.apiVersion, ...MORE_API_VERSIONS.filter((v) => v.group === groupOf(c)).map((v) => v.apiVersion)];
}

const versioned = new Map<string, Contract>();

/** The contract of an operation at an api-version it serves (the SDK's contract, extended as documented), or undefined. */
export function atApiVersion(c: Contract, apiVersion: string): Contract | undefined {
    if (apiVersion === c.apiVersion) return c;
    const more = MORE_API_VERSIONS.find((v) => v.group === groupOf(c) && v.apiVersion === apiVersion);
    if (!more) return undefined;
    const key = `${c.name}@${apiVersion}`;
    if (!versioned.has(key)) {
        const models: Record<string, Mapper> & { discriminators?: Record<string, Mapper> } = { ...c.serializer.modelMappers };
        if (c.serializer.modelMappers.discriminators) models.discriminators = { ...c.serializer.modelMappers.discriminators };
        more.extend?.(models);
        versioned.set(key, { ...c, apiVersion, sdk: `${c.sdk} + ${more.source}`, serializer: serializerLike(c.serializer, models) });
    }
    return versioned.get(key);
}

/** A contract by name (e.g. `apimanagement gateway.get`), at an api-version it serves. */
export function contractNamed(contracts: Contract[], name: string, apiVersion?: string): Contract {
    const c = contracts.find((x) => x.name === name);
    if (!c) throw new Error(`no contract ${name}`);
    const v = atApiVersion(c, apiVersion ?? c.apiVersion);
    if (!v) throw new Error(`${name} is not served at api-version ${apiVersion}`);
    return v;
}
