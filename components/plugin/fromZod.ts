// Derives the Pulumi package schema of the component's arguments from the same zod schema that
// validates them, so the multi-language package can never drift from what the component accepts.
//
// Mapping: strings, whole numbers, numbers and booleans map to their schema types; a union of one
// type with an Output placeholder (`input(...)` in validation/schema.ts) is that type and may be an Output,
// every other value is plain; other unions become `oneOf`; records become maps; arrays keep their
// element type; every object and every enum becomes a named type, named from its key path
// (`apim.location` -> `ApimLocation`, list elements singular: `dnsConfig.options` -> `DnsConfigOption`).
import { z } from "zod";

/** A property or type reference in Pulumi's package schema (the subset used here). */
export interface PropertySpec {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    $ref?: string;
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
    oneOf?: PropertySpec[];
    description?: string;
    plain?: boolean;
}

export interface ObjectTypeSpec {
    type: "object";
    description?: string;
    properties: Record<string, PropertySpec>;
    required?: string[];
}

export interface EnumTypeSpec {
    type: "string" | "integer" | "boolean";
    description?: string;
    enum: { value: string | number | boolean; name?: string }[];
}

export type TypeSpec = ObjectTypeSpec | EnumTypeSpec;

interface Def {
    type: string;
    innerType?: z.ZodType;
    options?: z.ZodType[];
    shape?: Record<string, z.ZodType>;
    element?: z.ZodType;
    valueType?: z.ZodType;
    entries?: Record<string, string | number>;
    values?: unknown[];
    in?: z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const pascal = (parts: string[]) => parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
const singular = (word: string) =>
    word.endsWith("ies")
        ? `${word.slice(0, -3)}y`
        : word.endsWith("ases")
          ? word.slice(0, -2)
          : word.endsWith("s")
            ? word.slice(0, -1)
            : word;

export class SchemaBuilder {
    readonly types: Record<string, TypeSpec> = {};

    constructor(private readonly typePrefix: string) {}

    private ref(name: string): PropertySpec {
        return { $ref: `#/types/${this.typePrefix}${name}` };
    }

    /** Unwraps optional/default; says whether the key may be omitted. */
    private unwrap(s: z.ZodType): { schema: z.ZodType; optional: boolean } {
        let cur = s;
        let optional = false;
        for (;;) {
            const d = defOf(cur);
            if ((d.type === "optional" || d.type === "default" || d.type === "nullable") && d.innerType) {
                optional = optional || d.type !== "nullable";
                cur = d.innerType;
            } else if (d.type === "pipe" && d.in) {
                cur = d.in;
            } else {
                return { schema: cur, optional };
            }
        }
    }

    /** An object schema as a named type; returns the properties and required keys. */
    objectType(s: z.ZodType, path: string[]): { properties: Record<string, PropertySpec>; required: string[] } {
        const shape = defOf(s).shape ?? {};
        const properties: Record<string, PropertySpec> = {};
        const required: string[] = [];
        for (const [key, child] of Object.entries(shape)) {
            const { schema, optional } = this.unwrap(child);
            properties[key] = this.property(schema, [...path, key]);
            if (!optional) required.push(key);
        }
        return { properties, required };
    }

    /** The schema of one value at a key path (plain unless it may be an Output). */
    property(s: z.ZodType, path: string[]): PropertySpec {
        const d = defOf(s);
        if (d.type === "union") {
            const members = (d.options ?? []).map((o) => this.unwrap(o).schema);
            const mayBeOutput = members.some((m) => defOf(m).type === "custom");
            const specs = members.filter((m) => defOf(m).type !== "custom").map((m) => this.value(m, path));
            const distinct = [...new Map(specs.map((x) => [JSON.stringify(x), x])).values()];
            const spec = distinct.length === 1 ? distinct[0] : { oneOf: distinct };
            return mayBeOutput ? spec : { ...spec, plain: true };
        }
        return { ...this.value(s, path), plain: true };
    }

    /** The type of a value, without the plain flag. */
    private value(s: z.ZodType, path: string[]): PropertySpec {
        const d = defOf(s);
        const name = () => {
            const last = path[path.length - 1] ?? "";
            return pascal([...path.slice(0, -1), last]);
        };
        switch (d.type) {
            case "string":
                return { type: "string" };
            case "number":
                return (s as unknown as { format?: string | null }).format === "safeint" ? { type: "integer" } : { type: "number" };
            case "boolean":
                return { type: "boolean" };
            case "unknown":
            case "any":
                return { $ref: "pulumi.json#/Any" };
            case "custom":
                return { type: "string" };
            case "literal": {
                const v = (d.values ?? [])[0];
                return { type: typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string" };
            }
            case "enum": {
                const values = Object.values(d.entries ?? {});
                const typeName = name();
                this.types[typeName] = {
                    type: typeof values[0] === "number" ? "integer" : "string",
                    enum: values.map((v) => ({ value: v, name: pascal([String(v).replace(/[^A-Za-z0-9]+/g, "")]) })),
                };
                return this.ref(typeName);
            }
            case "record":
                return {
                    type: "object",
                    additionalProperties: this.inner(d.valueType as z.ZodType, [...path.slice(0, -1), `${path[path.length - 1]}Value`]),
                };
            case "array": {
                const last = path[path.length - 1] ?? "item";
                return { type: "array", items: this.inner(d.element as z.ZodType, [...path.slice(0, -1), singular(last)]) };
            }
            case "object": {
                const typeName = name();
                const { properties, required } = this.objectType(s, path);
                this.types[typeName] = { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
                return this.ref(typeName);
            }
            case "union":
                return this.property(s, path);
            default:
                throw new Error(`schema for ${path.join(".")}: no package-schema mapping for zod type "${d.type}"`);
        }
    }

    /** Element and map value types: an Output placeholder union collapses to its plain type. */
    private inner(s: z.ZodType, path: string[]): PropertySpec {
        const { plain: _plain, ...spec } = this.property(this.unwrap(s).schema, path);
        void _plain;
        return spec;
    }
}
