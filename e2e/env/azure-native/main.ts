// TEST DOUBLE: a stand-in for the `azure-native` resource provider plugin, for the real-engine e2e suite.
//
// The real plugin cannot be built here (its schema is generated from a git submodule, and Azure is out of
// reach). This one speaks the same gRPC protocol to the real Pulumi engine, for the resource types the
// component registers, and backs each with the fake ARM server (APIM_E2E_ARM_ENDPOINT): PUT on create and
// update, GET on read, DELETE on delete, signed in through the fake `az` like the real plugin's CLI login.
// It reports version 3.28.0, the @pulumi/azure-native version the program asks for.
import { AzureCliCredential } from "@azure/identity";
import * as provider from "@pulumi/pulumi/provider";
import { unwrapSecrets } from "../../../components/token/provider";
import { ARM_TYPES, armBody, armOutputs, armPath, ArmType, ownInputs, replaceKeys, standInSchema } from "./types";

const VERSION = "3.28.0";

function endpoint(): string {
    const e = process.env.APIM_E2E_ARM_ENDPOINT;
    if (!e) throw new Error("stand-in azure-native: APIM_E2E_ARM_ENDPOINT is not set (run inside `npm run e2e:shell`)");
    return e.replace(/\/+$/, "");
}

const credential = new AzureCliCredential();

async function arm(method: string, path: string, apiVersion: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const token = await credential.getToken(`${endpoint()}/.default`);
    const res = await fetch(`${endpoint()}${path}?api-version=${apiVersion}`, {
        method,
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
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
    if (res.status >= 400 && !(method === "GET" && res.status === 404)) {
        const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
        throw new Error(`azure-native (stand-in): ${method} ${path} answered HTTP ${res.status} ${err?.code ?? ""}: ${err?.message ?? ""}`);
    }
    return { status: res.status, json };
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The engine's secret wrappers removed (the product's own helper). */
const plain = unwrapSecrets;

function typeOf(urn: string): ArmType {
    const token = (urn.split("::")[2] ?? "").split("$").pop() ?? "";
    const t = ARM_TYPES[token];
    if (!t) throw new Error(`azure-native (stand-in): resource type ${token} is not implemented by the e2e test double`);
    return t;
}

const standIn: provider.Provider = {
    version: VERSION,
    async getSchema() {
        return JSON.stringify(standInSchema(VERSION));
    },
    async check(_urn, _olds, news) {
        return { inputs: news };
    },
    async diff(_id, urn, olds, news) {
        const t = typeOf(urn);
        const o = plain(olds) as Record<string, unknown>;
        const n = plain(news) as Record<string, unknown>;
        const keys = [...new Set([...Object.keys(ownInputs(t, n)), ...Object.keys(ownInputs(t, o))])];
        const changed = keys.filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k]) && n[k] !== UNKNOWN);
        const unknown = keys.some((k) => n[k] === UNKNOWN);
        const replaces = replaceKeys(t).filter((k) => changed.includes(k) || n[k] === UNKNOWN);
        return { changes: changed.length > 0 || unknown, replaces };
    },
    async create(urn, inputs) {
        const t = typeOf(urn);
        const i = plain(inputs) as Record<string, unknown>;
        const path = armPath(t, i);
        const { json } = await arm("PUT", path, t.apiVersion, armBody(t, i));
        return { id: path, outs: armOutputs(t, i, json as Record<string, unknown>) };
    },
    async update(id, urn, _olds, news) {
        const t = typeOf(urn);
        const i = plain(news) as Record<string, unknown>;
        const { json } = await arm("PUT", id, t.apiVersion, armBody(t, i));
        return { outs: armOutputs(t, i, json as Record<string, unknown>) };
    },
    async read(id, urn, props) {
        const t = typeOf(urn);
        const { status } = await arm("GET", id, t.apiVersion);
        if (status === 404) return { id: "", props: {} };
        return { id, props };
    },
    async delete(id, urn) {
        const t = typeOf(urn);
        await arm("DELETE", id, t.apiVersion);
    },
};

void provider.main(standIn, process.argv.slice(2));
