// TEST DOUBLE: a stand-in for the `azure-native` resource provider plugin, for the real-engine e2e suite.
//
// The real plugin cannot be built here (its schema is generated from a git submodule, and Azure is out of reach).
// This one speaks the same gRPC protocol to the real Pulumi engine for every resource type the component registers
// (types.ts), and sends each to the fake ARM server (APIM_E2E_ARM_ENDPOINT) as azure-native sends it to Azure:
//   - the path of the operation's template in Microsoft's SDK contract, filled from the inputs of the same names;
//   - the api-version @pulumi/azure-native 3.28.0 uses for the type (its own docs);
//   - the body serialized from the inputs by the SDK's own serializer and mappers (azure-native's inputs are the SDK
//     model's flattened names: `locationData` goes on the wire as `properties.locationData`, a webhook destination's
//     `endpointUrl` as `properties.endpointUrl`), without client-side checks, so the service is the one that refuses;
//   - `check` refuses missing required inputs with azure-native's own message and auto-names the resource's name
//     when it is not given; `read` GETs the resource from ARM and reads its state back through the response mapper;
//     `delete` sends DELETE (with `If-Match: *` where the contract requires the header).
// It signs in through the fake `az` like the real plugin's CLI login, and reports version 3.28.0.
import { AzureCliCredential } from "@azure/identity";
import * as fs from "fs";
import * as provider from "@pulumi/pulumi/provider";
import { unwrapSecrets } from "../../../components/token/provider";
import { Contract, contractNamed, lenientMappers, loadContracts, Serializer, serializerLike } from "../contracts";
import { armPath, checkInputs, covers, hasUnknown, isObject, overlay } from "./state";
import { NATIVE_TYPES, NativeFacts, nativeFacts, NativeType, standInSchema } from "./types";

const VERSION = "3.28.0";

function endpoint(): string {
    const e = process.env.APIM_E2E_ARM_ENDPOINT;
    if (!e) throw new Error("stand-in azure-native: APIM_E2E_ARM_ENDPOINT is not set (run inside `npm run e2e:shell`)");
    return e.replace(/\/+$/, "");
}

/** The signed-in subscription, as `az account show` reports it (the fake az's login file). */
function subscriptionId(): string {
    const file = process.env.APIM_E2E_AZ_TOKEN_FILE;
    if (!file) throw new Error("stand-in azure-native: APIM_E2E_AZ_TOKEN_FILE is not set (run inside `npm run e2e:shell`)");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { subscriptionId: string }).subscriptionId;
}

const credential = new AzureCliCredential();

async function arm(
    method: string,
    path: string,
    apiVersion: string,
    body?: unknown,
    headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
    const token = await credential.getToken(`${endpoint()}/.default`);
    const res = await fetch(`${endpoint()}${path}?api-version=${apiVersion}`, {
        method,
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "error",
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
        json = text ? JSON.parse(text) : undefined;
    } catch {
        json = text;
    }
    if (res.status >= 400 && !((method === "GET" || method === "HEAD") && res.status === 404)) {
        const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
        throw new Error(`azure-native (stand-in): ${method} ${path} answered HTTP ${res.status} ${err?.code ?? ""}: ${err?.message ?? ""}`);
    }
    return { status: res.status, json };
}

interface Served {
    type: NativeType;
    facts: NativeFacts;
    create: Contract;
    read: Contract;
    remove: Contract;
    /** The SDK serializer over mappers without required/constraints (azure-native checks neither). */
    lenient: Serializer;
}

let served: Promise<Map<string, Served>> | undefined;
function types(): Promise<Map<string, Served>> {
    served ??= (async () => {
        const contracts = await loadContracts();
        const out = new Map<string, Served>();
        for (const t of NATIVE_TYPES) {
            const facts = nativeFacts(t.token);
            const create = contractNamed(contracts, `${t.group}.${t.create}`, facts.apiVersion);
            out.set(t.token, {
                type: t,
                facts,
                create,
                read: contractNamed(contracts, `${t.group}.${t.read}`, facts.apiVersion),
                remove: contractNamed(contracts, `${t.group}.${t.delete}`, facts.apiVersion),
                lenient: serializerLike(create.serializer, lenientMappers(create.serializer.modelMappers)),
            });
        }
        return out;
    })();
    return served;
}

async function typeOf(urn: string): Promise<Served> {
    const token = (urn.split("::")[2] ?? "").split("$").pop() ?? "";
    const t = (await types()).get(token);
    if (!t) throw new Error(`azure-native (stand-in): resource type ${token} is not implemented by the e2e test double`);
    return t;
}

const pathNames = (s: Served) => new Set(s.create.pathParams.map((p) => p.name));

/** The wire body of a resource from its inputs (the path parameters are not part of it). */
function body(s: Served, inputs: Record<string, unknown>): unknown {
    if (!s.create.body) return undefined;
    const model = Object.fromEntries(Object.entries(inputs).filter(([k]) => !pathNames(s).has(k)));
    return s.lenient.serialize(s.create.body.mapper, model, "body");
}

/** The response body read through the response mapper: azure-native's flattened names; dates as ISO strings. */
function fromWire(c: Contract, json: unknown): Record<string, unknown> {
    if (!c.responseMapper || !isObject(json)) return {};
    const model = c.serializer.deserialize(c.responseMapper, json, "body");
    return JSON.parse(JSON.stringify(model ?? {})) as Record<string, unknown>;
}

/** The state azure-native keeps: the inputs with what ARM answered laid over them, and the api-version. */
/**
 * The state: the inputs with ARM's answer laid over them, the api-version, and `__inputs`, the names of the inputs
 * (the stand-in's own bookkeeping: the engine hands `diff` the old state only, and an answer may carry fields named
 * like inputs the program never set, such as a provisioningState).
 */
function state(s: Served, inputs: Record<string, unknown>, c: Contract, json: unknown, inputKeys?: unknown): Record<string, unknown> {
    const answered = fromWire(c, json);
    delete answered.id;
    const keys = Array.isArray(inputKeys) ? inputKeys : Object.keys(inputs).filter((k) => s.facts.inputs.includes(k));
    return { ...(overlay(inputs, answered) as Record<string, unknown>), azureApiVersion: s.facts.apiVersion, __inputs: keys };
}

const standIn: provider.Provider = {
    version: VERSION,
    async getSchema() {
        return JSON.stringify(standInSchema(VERSION));
    },
    async check(urn, olds, news) {
        const s = await typeOf(urn);
        return checkInputs(s.facts.required, s.create, urn, olds as Record<string, unknown> | undefined, news as Record<string, unknown>);
    },
    async diff(_id, urn, olds, news) {
        const s = await typeOf(urn);
        const n = news as Record<string, unknown>;
        const o = olds as Record<string, unknown>;
        const changed = s.facts.inputs.filter((k) => n[k] !== undefined && (hasUnknown(n[k]) || !covers(n[k], o[k])));
        const before = Array.isArray(o.__inputs) ? (o.__inputs as string[]) : [];
        const removed = before.filter((k) => n[k] === undefined && !pathNames(s).has(k));
        // A path parameter names the resource: a new value is a new resource. So is a new location (tracked resources).
        const replaces = changed.filter((k) => pathNames(s).has(k) || k === "location");
        return { changes: changed.length + removed.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(urn, inputs) {
        const s = await typeOf(urn);
        const i = unwrapSecrets(inputs) as Record<string, unknown>;
        const path = armPath(s.create, i, subscriptionId());
        const { json } = await arm(s.create.method, path, s.facts.apiVersion, body(s, i));
        return { id: path, outs: state(s, inputs as Record<string, unknown>, s.create, json) };
    },
    async update(id, urn, _olds, news) {
        const s = await typeOf(urn);
        const i = unwrapSecrets(news) as Record<string, unknown>;
        const { json } = await arm(s.create.method, id, s.facts.apiVersion, body(s, i));
        return { outs: state(s, news as Record<string, unknown>, s.create, json) };
    },
    async read(id, urn, props) {
        const s = await typeOf(urn);
        const { status, json } = await arm(s.read.method, id, s.facts.apiVersion);
        if (status === 404) return { id: "", props: {} };
        const old = (props ?? {}) as Record<string, unknown>;
        const outs = state(s, old, s.read, json, old.__inputs);
        const keys = outs.__inputs as string[];
        const inputs = Object.fromEntries(keys.filter((k) => outs[k] !== undefined).map((k) => [k, outs[k]]));
        return { id, props: outs, inputs };
    },
    async delete(id, urn) {
        const s = await typeOf(urn);
        const headers = Object.fromEntries(s.remove.requiredHeaders.map((h) => [h, h.toLowerCase() === "if-match" ? "*" : ""]));
        await arm(s.remove.method, id, s.facts.apiVersion, undefined, headers);
    },
};

void provider.main(standIn, process.argv.slice(2));
