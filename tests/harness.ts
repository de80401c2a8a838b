// Test harness: Pulumi's mock runtime, a record of every registered resource, a fixed clock,
// and loaders for the stack config files. Import this before the program or the component.
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { tokenExpiryOf } from "../components/token/arm";

export const PROJECT = "apim-gateway";
export const FAKE_SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";
export const ROOT = path.resolve(__dirname, "..");

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** The provider reference (`<urn>::<id>`) the resource was registered with; undefined means the default provider. */
    provider?: string;
}

/** Every resource registered since the last `reset()`, in order. */
export const registered: Registered[] = [];
/** Invokes the program made since the last reset (mocks throw on any). */
export const invokes: string[] = [];
/** Every line the program logged since the last reset. */
export const logs: string[] = [];

/** A token-shaped fake whose bytes are easy to search for: `<gw>&<yyyyMMddHHmm>&<signature>`. */
/** When set, the mock's generateToken answers tokens carrying this date instead of the requested expiry (as Azure may). */
let tokenDateOverride: string | undefined;
export function answerTokensDated(date: string | undefined): void {
    tokenDateOverride = date;
}

export function fakeToken(gatewayId: string, expiry: string): string {
    const stamp = expiry.replace(/[-:TZ]/g, "").slice(0, 12);
    const sig = crypto.createHash("sha256").update(`${gatewayId}|${expiry}`).digest("base64");
    return `${gatewayId}&${stamp}&FAKESIG${sig}`;
}

export const FAKE_TOKEN_MARKER = "FAKESIG";

/** A fake client secret whose bytes the secrecy tests search for. */
export const FAKE_CLIENT_SECRET = "FAKECLIENTSECRET~q8R.z3v_Kp0Lw";

/** The client and principal ids the mock gives a user-assigned identity (deterministic per resource name). */
export function fakeIdentity(resourceName: string): { clientId: string; principalId: string } {
    const guid = (seed: string) => {
        const h = crypto.createHash("sha256").update(seed).digest("hex");
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    };
    return { clientId: guid(`client|${resourceName}`), principalId: guid(`principal|${resourceName}`) };
}

function shortHash(v: unknown): string {
    return crypto.createHash("sha256").update(JSON.stringify(v)).digest("hex").slice(0, 8);
}

/** The name the mock gives an auto-named Kubernetes object (what the tests expect it to be referenced by). */
export function mockAutoName(resourceName: string, dataOrSpec: unknown = {}): string {
    return `${resourceName}-${shortHash(dataOrSpec)}`;
}

export const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const inputs = args.inputs as Record<string, unknown>;
        registered.push({ type: args.type, name: args.name, inputs, ...(args.provider ? { provider: args.provider } : {}) });
        if (args.type === "azure-native:apimanagement:Gateway") {
            const id =
                `/subscriptions/${FAKE_SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}` +
                `/providers/Microsoft.ApiManagement/service/${inputs.serviceName}/gateways/${inputs.gatewayId}`;
            return { id, state: { ...inputs, name: inputs.gatewayId } };
        }
        if (args.type === "azure-native:managedidentity:UserAssignedIdentity") {
            const name = String(inputs.resourceName ?? `${args.name}-abc123`);
            const id = `/subscriptions/${FAKE_SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
            return { id, state: { ...inputs, name, ...fakeIdentity(args.name) } };
        }
        if (args.type === "azure-native:authorization:RoleDefinition") {
            return { id: `${inputs.scope}/providers/Microsoft.Authorization/roleDefinitions/${inputs.roleDefinitionId}`, state: inputs };
        }
        if (args.type === "apim-gateway:index:GatewayToken") {
            const gatewayId = String(inputs.gatewayResourceId).split("/").pop() as string;
            return {
                id: `${inputs.gatewayResourceId}/tokens/${inputs.keyType}/${inputs.expiry}`,
                state: {
                    ...inputs,
                    value: fakeToken(gatewayId, String(tokenDateOverride ?? inputs.expiry)),
                    expiresAt: tokenExpiryOf(fakeToken(gatewayId, String(tokenDateOverride ?? inputs.expiry))),
                },
            };
        }
        if (args.type.startsWith("kubernetes:")) {
            const metadata = { ...((inputs.metadata as Record<string, unknown>) ?? {}) };
            if (metadata.name === undefined) {
                // Like the provider's auto-naming, and a new name whenever the content changes
                // (the provider replaces an auto-named ConfigMap on change).
                metadata.name = mockAutoName(args.name, inputs.data ?? inputs.stringData ?? inputs.spec ?? {});
            }
            // A Service's status is output-only: unknown in a preview unless the mock gives one.
            const status = inputs.kind === "Service" ? { status: { loadBalancer: {} } } : {};
            return { id: `${metadata.namespace ?? ""}/${metadata.name}`, state: { ...inputs, metadata, ...status } };
        }
        return { id: `${args.name}-id`, state: inputs };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        invokes.push(args.token);
        throw new Error(`unexpected invoke ${args.token}: the program must not call functions at plan time`);
    },
};

export function reset(): void {
    registered.length = 0;
    invokes.length = 0;
    logs.length = 0;
}

/** Runs fn with console output captured into `logs` (the runtime logs to the console under mocks). */
export async function capturingLogs<T>(fn: () => Promise<T>): Promise<T> {
    const saved = { log: console.log, warn: console.warn, error: console.error };
    const keep = (...a: unknown[]) => void logs.push(a.map(String).join(" "));
    console.log = keep;
    console.warn = keep;
    console.error = keep;
    try {
        return await fn();
    } finally {
        Object.assign(console, saved);
    }
}

/** The names the tests put in place of the stack files' REPLACE-ME placeholders (as a user would). */
export const FILLED_PLACEHOLDERS: Record<string, string> = {
    "REPLACE-ME-resource-group": "rg-apim",
    "REPLACE-ME-apim-service": "contoso-apim",
};

/** Reads a stack file's `apim-gateway:*` keys as shipped, REPLACE-ME placeholders included. */
export function shippedStackConfig(stack: string): Record<string, unknown> {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    return doc.config ?? {};
}

/** Reads a stack file's `apim-gateway:*` keys as plain values, with the placeholders filled in (FILLED_PLACEHOLDERS). */
export function stackConfig(stack: string): Record<string, unknown> {
    let text = JSON.stringify(shippedStackConfig(stack));
    for (const [placeholder, value] of Object.entries(FILLED_PLACEHOLDERS)) text = text.split(placeholder).join(value);
    assert.equal(text.includes("REPLACE-ME"), false, `Pulumi.${stack}.yaml has a placeholder the tests do not fill`);
    return JSON.parse(text) as Record<string, unknown>;
}

/** Sets mocks and config; config values are JSON-encoded like the CLI does. */
export async function useMocks(config: Record<string, unknown>, stack = "test", preview = false, project = PROJECT): Promise<void> {
    await pulumi.runtime.setMocks(mocks, project, stack, preview, "organization");
    const encoded: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
        encoded[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    pulumi.runtime.setAllConfig(encoded, []);
}

/** The value of an Output; rejects when computing it threw (Outputs expose no catch, so the SDK's own promise is used). */
export function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve, reject) => {
        o.apply((v) => resolve(v));
        (o as unknown as { promise(): Promise<unknown> }).promise().catch(reject);
    });
}

/** Whether an Output is marked secret. */
export function isSecret(o: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(o);
}

/** Runs `fn` with Date.now() pinned to `iso`, then restores the clock. */
export function atClock<T>(iso: string, fn: () => T): T {
    const realNow = Date.now;
    const fixed = Date.parse(iso);
    if (Number.isNaN(fixed)) throw new Error(`bad clock ${iso}`);
    Date.now = () => fixed;
    try {
        return fn();
    } finally {
        Date.now = realNow;
    }
}

/** Waits for outputs (and so for every resource upstream of them) to resolve. */
export async function settle(outputs: pulumi.Output<unknown>[]): Promise<void> {
    await Promise.all(outputs.map((o) => promiseOf(o)));
    await new Promise((r) => setImmediate(r));
}

/** Runs the real stack program (index.ts) for a stack's config at a given clock. */
export async function runProgram(
    config: Record<string, unknown>,
    clock: string,
    stack = "test",
    opts: { preview?: boolean; program?: string; project?: string } = {},
): Promise<{ resources: Registered[]; outputs: Record<string, unknown>; secretOutputs: string[]; logs: string[] }> {
    await useMocks(config, stack, opts.preview ?? false, opts.project);
    reset();
    // The stack program by default; `program` runs another project's entry file (e.g. examples/consumer).
    const programPath = require.resolve(opts.program ?? "../index");
    delete require.cache[programPath];
    // Date.now stays pinned while the program's applies run, so notices see the same clock.
    const realNow = Date.now;
    const fixed = Date.parse(clock);
    Date.now = () => fixed;
    let program: Record<string, pulumi.Output<unknown>>;
    try {
        program = await capturingLogs(async () => {
            // Compiled to require() (CommonJS), so deleting the cache entry above re-runs the program.
            const p = (await import(programPath)) as Record<string, pulumi.Output<unknown>>;
            await settle(Object.values(p));
            return p;
        });
    } finally {
        Date.now = realNow;
    }
    const names = Object.keys(program);
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const n of names) {
        outputs[n] = await promiseOf(program[n]);
        if (await isSecret(program[n])) secretOutputs.push(n);
    }
    return { resources: [...registered], outputs, secretOutputs, logs: [...logs] };
}

/** Resources of one type (and optionally one name). */
export function ofType(resources: Registered[], type: string, name?: string): Registered[] {
    return resources.filter((r) => r.type === type && (name === undefined || r.name === name));
}

export function one(resources: Registered[], type: string, name?: string): Registered {
    const found = ofType(resources, type, name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    }
    return found[0];
}

/** Paths (a.b[0].c) whose values differ between two plain values. */
export function diffPaths(a: unknown, b: unknown, prefix = ""): string[] {
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    if (typeof a === "object" && a !== null && typeof b === "object" && b !== null && Array.isArray(a) === Array.isArray(b)) {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        const out: string[] = [];
        for (const k of [...keys].sort()) {
            const p = Array.isArray(a) ? `${prefix}[${k}]` : prefix ? `${prefix}.${k}` : k;
            out.push(...diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p));
        }
        return out;
    }
    return [prefix];
}

/** Plain-object view of resources keyed by `type::name` (for comparing evaluations). */
export function byUrnish(resources: Registered[]): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const r of resources) {
        out[`${r.type}::${r.name}`] = r.inputs;
    }
    return out;
}

/** Imports an ESM-only package from CommonJS tests. */
export const importEsm = new Function("specifier", "return import(specifier)") as <T>(specifier: string) => Promise<T>;

/** Builds the component directly (no stack program) at a clock, and waits for its children. */
export async function buildComponent<T extends { [k: string]: unknown }>(
    make: () => T,
    clock: string,
    config: Record<string, unknown> = {},
): Promise<{ built: T; resources: Registered[] }> {
    await useMocks(config);
    reset();
    const built = atClock(clock, make);
    const outputs = Object.values(built).filter((v): v is pulumi.Output<unknown> => pulumi.Output.isInstance(v));
    await settle(outputs);
    return { built, resources: [...registered] };
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replaces the mock runtime's secret wrappers with their plain values. */
export function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (typeof v === "object" && v !== null) {
        const o = v as Record<string, unknown>;
        if (SECRET_SIG in o) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** Runs a constructor that is expected to throw; returns the error and what was registered. */
export async function constructionError(
    make: () => unknown,
    config: Record<string, unknown> = {},
): Promise<{ error?: Error; resources: Registered[] }> {
    let error: Error | undefined;
    const { resources } = await buildComponent(
        () => {
            try {
                make();
            } catch (e) {
                error = e as Error;
            }
            return {};
        },
        "2026-11-23T10:00:00Z",
        config,
    );
    return { error, resources };
}

/**
 * Runs the stack program expecting it to stop with a RunError (a clean message, no stack trace) and returns the
 * message. Unless `registers` is set (a check that runs once outputs are known), nothing may have been registered.
 */
export async function programError(
    config: Record<string, unknown>,
    clock: string,
    stack: string,
    opts: { preview?: boolean; registers?: boolean; label?: string } = {},
): Promise<string> {
    const label = opts.label ? `${opts.label}: ` : "";
    try {
        await runProgram(config, clock, stack, opts);
    } catch (e) {
        const error = e as Error;
        assert.equal(error.constructor.name, "RunError", `${label}expected a RunError (no stack trace), got ${error.stack}`);
        if (!opts.registers) assert.deepEqual(registered, [], `${label}nothing may be registered before the config is valid`);
        return error.message;
    }
    assert.fail(`${label}the program accepted the config`);
}
