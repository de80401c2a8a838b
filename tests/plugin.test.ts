// The multi-language package (PulumiPlugin.yaml -> components/plugin/main.ts): the declared schema matches the arguments the
// component accepts, the entry point serves it over Pulumi's provider gRPC protocol, and `construct` builds the
// same component TypeScript programs use. `pulumi package add` itself needs the Pulumi CLI and is not run here.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as rpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { SelfHostedGatewayProvider } from "../components/plugin/provider";
import { EnumTypeSpec, ObjectTypeSpec, packageSchema, PackageSpec, PropertySpec } from "../components/plugin/schema";
import { SELF_HOSTED_GATEWAY_TYPE as COMPONENT_TOKEN } from "../components/typeTokens";
import { argsSchema } from "../components/validation";
import { CLOCK } from "./expected";
import { atClock, mockAutoName, promiseOf, registered, reset, ROOT, settle, useMocks } from "./harness";

/** gRPC as @pulumi/pulumi itself loads it (not a dependency of this project). */
type GrpcModule = typeof import("@grpc/grpc-js");

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** Walks the validator (zod) and the declared schema side by side; returns every mismatch. */
function mismatches(schema: PackageSpec, zt: z.ZodType, spec: PropertySpec, at: string): string[] {
    let t = zt;
    while (t instanceof z.ZodOptional) t = t.unwrap() as z.ZodType;
    // `input(plain)` is plain | Output: the schema describes the plain side.
    if (t instanceof z.ZodUnion && !spec.oneOf) t = (t.options as z.ZodType[])[0];
    const resolved = spec.$ref ? schema.types[spec.$ref.replace("#/types/", "")] : undefined;
    if (t instanceof z.ZodObject) {
        const type = resolved as ObjectTypeSpec | undefined;
        if (!type || type.type !== "object" || !("properties" in type))
            return [`${at}: the schema has no object type (${JSON.stringify(spec)})`];
        const shape = t.shape as Record<string, z.ZodType>;
        const out: string[] = [];
        const keys = Object.keys(shape).sort();
        if (JSON.stringify(keys) !== JSON.stringify(Object.keys(type.properties).sort())) {
            out.push(`${at}: keys ${keys.join(",")} vs schema ${Object.keys(type.properties).sort().join(",")}`);
        }
        const required = keys.filter((k) => !(shape[k] instanceof z.ZodOptional));
        if (JSON.stringify(required) !== JSON.stringify([...(type.required ?? [])].sort())) {
            out.push(`${at}: required ${required.join(",")} vs schema ${(type.required ?? []).join(",")}`);
        }
        for (const k of keys) if (type.properties[k]) out.push(...mismatches(schema, shape[k], type.properties[k], `${at}.${k}`));
        return out;
    }
    if (t instanceof z.ZodEnum) {
        const values = (resolved as EnumTypeSpec | undefined)?.enum?.map((e) => e.value);
        return JSON.stringify(values) === JSON.stringify(t.options) ? [] : [`${at}: enum ${t.options.join(",")} vs schema ${values}`];
    }
    if (t instanceof z.ZodArray) {
        return spec.type === "array" && spec.items
            ? mismatches(schema, t.element as z.ZodType, spec.items, `${at}[]`)
            : [`${at}: not an array in the schema`];
    }
    if (t instanceof z.ZodRecord) return spec.type === "object" && spec.additionalProperties ? [] : [`${at}: not a map in the schema`];
    if (t instanceof z.ZodUnion) {
        // int | percentage and number | quantity are oneOf in the schema; ipv4 | ipv6 is one string.
        if (spec.oneOf) return spec.oneOf.length === 2 ? [] : [`${at}: oneOf of ${spec.oneOf.length}`];
        return (t.options as z.ZodType[]).flatMap((o) => mismatches(schema, o, spec, at));
    }
    const kind =
        t instanceof z.ZodBoolean ? "boolean" : t instanceof z.ZodNumber ? (t.format === "safeint" ? "integer" : "number") : "string";
    return spec.type === kind ? [] : [`${at}: ${kind} vs schema ${JSON.stringify(spec)}`];
}

/**
 * Starts the package the way Pulumi's Node.js plugin host does: `@pulumi/pulumi/cmd/run-plugin <dir>`, which
 * registers ts-node (type-checked) and requires the folder, i.e. package.json `main`. Returns the gRPC port.
 */
function startPlugin(): Promise<{ child: ChildProcess; port: number }> {
    const runPlugin = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run-plugin");
    const child = spawn(process.execPath, [runPlugin, ROOT], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
        child.stdout?.on("data", (d: Buffer) => {
            out += d.toString();
            const line = out.split("\n")[0];
            if (out.includes("\n")) resolve({ child, port: Number(line) });
        });
        child.on("exit", (code) => reject(new Error(`the plugin host exited with ${code}: ${err}`)));
    });
}

describe("multi-language package (PulumiPlugin.yaml)", () => {
    const schema = packageSchema(VERSION);
    const component = schema.resources[COMPONENT_TOKEN];

    it("declares every argument the component accepts, with the same names, required keys, enums and lists", () => {
        const inputs: ObjectTypeSpec = { type: "object", properties: component.inputProperties, required: component.requiredInputs };
        const withArgs: PackageSpec = { ...schema, types: { ...schema.types, "apim-gateway:index:SelfHostedGatewayArgs": inputs } };
        assert.deepEqual(mismatches(withArgs, argsSchema, { $ref: "#/types/apim-gateway:index:SelfHostedGatewayArgs" }, "args"), []);
    });

    it("types the int-or-percentage and quantity unions with oneOf, which inference cannot express", () => {
        assert.deepEqual(schema.types["apim-gateway:index:RollingUpdate"], {
            type: "object",
            properties: {
                maxUnavailable: { oneOf: [{ type: "integer" }, { type: "string" }], plain: true },
                maxSurge: { oneOf: [{ type: "integer" }, { type: "string" }], plain: true },
            },
        });
        assert.deepEqual((schema.types["apim-gateway:index:Resources"] as ObjectTypeSpec).properties.requests, {
            type: "object",
            additionalProperties: { oneOf: [{ type: "number" }, { type: "string" }] },
            plain: true,
        });
        // An `input(...)` string may be an Output; an enum is a named type; an element type is singular.
        assert.deepEqual((schema.types["apim-gateway:index:Apim"] as ObjectTypeSpec).properties.serviceName, { type: "string" });
        assert.deepEqual(schema.types["apim-gateway:index:TokenKeyType"], {
            type: "string",
            enum: [
                { value: "primary", name: "Primary" },
                { value: "secondary", name: "Secondary" },
            ],
        });
        assert.deepEqual((schema.types["apim-gateway:index:DnsConfig"] as ObjectTypeSpec).properties.options, {
            type: "array",
            items: { $ref: "#/types/apim-gateway:index:DnsConfigOption" },
            plain: true,
        });
        assert.equal("apim-gateway:index:HostAlias" in schema.types, true);
        assert.deepEqual(component.requiredInputs, ["apim", "namespace"]);
        assert.deepEqual(Object.keys(component.properties), [
            "gatewayId",
            "namespaceName",
            "configurationEndpoint",
            "tokenExpiry",
            "tokenRotatesAfter",
            "tokenKeyType",
            "deploymentName",
            "serviceName",
            "discoveryServiceName",
            "configMapName",
            "secretName",
            "loadBalancerAddress",
            "authType",
            "serviceAccountName",
            "workloadIdentityClientId",
        ]);
        assert.equal(component.isComponent, true);
        assert.equal(schema.name, "apim-gateway");
        assert.equal(schema.version, VERSION);
        // Every $ref points at a declared type.
        const refs = JSON.stringify(schema).match(/#\/types\/[^"]+/g) ?? [];
        assert.deepEqual([...new Set(refs.map((r) => r.slice("#/types/".length)).filter((r) => !(r in schema.types)))], []);
    });

    it("the plugin host (cmd/run-plugin on this folder) starts components/plugin/main.ts and serves that schema over gRPC", async function () {
        this.timeout(180000);
        const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        const grpc = (await import(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }))) as GrpcModule;
        const { child, port } = await startPlugin();
        try {
            assert.ok(port > 0, "prints its port");
            const client = new rpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            const served = await new Promise<string>((resolve, reject) =>
                client.getSchema(new proto.GetSchemaRequest(), (e, r) => (e ? reject(e) : resolve(r.getSchema()))),
            );
            client.close();
            assert.deepEqual(JSON.parse(served), schema);
        } finally {
            child.kill();
        }
    });

    it("constructs the component from YAML-style inputs and returns the declared outputs", async () => {
        await useMocks({});
        reset();
        const provider = new SelfHostedGatewayProvider(VERSION);
        const inputs = {
            apim: { resourceGroupName: "rg-apim", serviceName: "contoso-apim", gatewayName: "edge", location: { name: "aks-weu" } },
            namespace: { name: "gw", podSecurityLevel: "restricted" },
            rollingUpdate: { maxUnavailable: "10%", maxSurge: 1 },
            resources: { requests: { cpu: 1, memory: "1Gi" } },
            service: { type: "ClusterIP" },
        };
        const result = await atClock(CLOCK, () => provider.construct("edge", COMPONENT_TOKEN, inputs, {}));
        const state = result.state as Record<string, pulumi.Output<unknown>>;
        await settle(Object.values(state));
        const values: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(state)) values[k] = await promiseOf(v);
        assert.deepEqual(values, {
            gatewayId:
                "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim/gateways/edge",
            namespaceName: "gw",
            configurationEndpoint: "contoso-apim.configuration.azure-api.net",
            tokenExpiry: "2026-12-22T23:45:00Z",
            tokenRotatesAfter: "2026-11-30T00:00:00Z",
            tokenKeyType: "primary",
            deploymentName: "edge",
            serviceName: "edge-live-traffic",
            discoveryServiceName: "edge-instance-discovery",
            configMapName: values.configMapName,
            secretName: values.secretName,
            loadBalancerAddress: undefined,
            authType: "token",
            serviceAccountName: undefined,
            workloadIdentityClientId: undefined,
        });
        assert.match(String(values.configMapName), /^edge-env-[0-9a-f]{8}$/);
        const secret = registered.find((r) => r.name === "edge-token-secret");
        assert.equal(values.secretName, mockAutoName("edge-token-secret", secret?.inputs.stringData));
        assert.match(String(values.secretName), /^edge-token-secret-[0-9a-f]{8}$/);
        assert.deepEqual(Object.keys(state), Object.keys(component.properties));
        assert.equal(
            await promiseOf(pulumi.output(result.urn)),
            "urn:pulumi:test::apim-gateway::apim-gateway:index:SelfHostedGateway::edge",
        );
        assert.deepEqual(registered.map((r) => r.name).sort(), [
            "edge",
            "edge-config-backup",
            "edge-deployment",
            "edge-env",
            "edge-gateway",
            "edge-instance-discovery",
            "edge-live-traffic",
            "edge-namespace",
            "edge-pdb",
            "edge-token",
            "edge-token-provider",
            "edge-token-secret",
        ]);
    });

    it("rejects an unknown type and bad arguments with the component's own message", async () => {
        await useMocks({});
        reset();
        const provider = new SelfHostedGatewayProvider(VERSION);
        await assert.rejects(provider.construct("edge", "apim-gateway:index:Gateway", {}, {}), {
            message: 'unknown resource type "apim-gateway:index:Gateway"; this package provides apim-gateway:index:SelfHostedGateway',
        });
        await assert.rejects(
            provider.construct(
                "edge",
                COMPONENT_TOKEN,
                {
                    apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "edge", location: { name: "x" } },
                    namespace: { name: "gw", podSecurityLevel: "restricted" },
                    replicas: 0,
                },
                {},
            ),
            { message: 'SelfHostedGateway "edge": invalid arguments (1 problem):\n  - args.replicas: got 0 (number); must be at least 1' },
        );
    });
});
