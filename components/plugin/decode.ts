// How the plugin turns the engine's request values (protobuf Structs) into JavaScript objects. A Struct field named
// `__proto__` (a Python, Go or YAML program may send one, in nodeSelector say) is lost twice on the way: google-protobuf
// keeps a Struct's fields in a plain object keyed by name, where that key swaps the object's prototype instead of
// adding an entry, and Pulumi's SDK then decodes with Struct.toJavaScript, which builds objects by assignment. The
// component would never see the key: it would be dropped without a word. This decoder finds such a field where it
// still shows (google-protobuf's field object with another prototype), and refuses it, naming where it is, as the
// component refuses it in any other input (validation/keys.ts); every other value decodes as before.
import { FORBIDDEN_KEY_MESSAGE, keyPath } from "../validation/keys";

/** google-protobuf's Value, ListValue and Struct, as far as this decoder reads them. */
interface ProtoValue {
    getKindCase(): number;
    getNumberValue(): number;
    getStringValue(): string;
    getBoolValue(): boolean;
    getStructValue(): ProtoStruct | undefined;
    getListValue(): { getValuesList(): ProtoValue[] } | undefined;
}
interface ProtoStruct {
    getFieldsMap(): { forEach(fn: (value: ProtoValue, key: string) => void): void };
}

/**
 * Whether google-protobuf's map of a Struct's fields was sent a `__proto__` field: its entries live in a plain object
 * (a minified property of the map) keyed by field name, and that key made an entry, `{ key: "__proto__", ... }`, that
 * object's prototype. Checked on google-protobuf 3.21 (tests/tokenProvider.test.ts sends such a request).
 */
function lostProtoField(fields: object): boolean {
    return Object.values(fields).some((v) => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
        const proto = Object.getPrototypeOf(v) as { key?: unknown } | null;
        return proto !== null && proto !== Object.prototype && proto.key === PROTO;
    });
}

// google.protobuf.Value's kind cases (struct.proto): null 1, number 2, string 3, bool 4, struct 5, list 6.
const NULL = 1;
const NUMBER = 2;
const STRING = 3;
const BOOL = 4;
const STRUCT = 5;
const LIST = 6;

/** The key that cannot be kept: assigning it swaps an object's prototype instead of adding a property. */
const PROTO = "__proto__";

/** A Struct as plain JavaScript, as Struct.toJavaScript gives it; throws at a `__proto__` field, naming its path. */
export function structToJavaScript(struct: ProtoStruct, path: PropertyKey[] = []): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const fields = struct.getFieldsMap();
    if (lostProtoField(fields)) throw new Error(`${keyPath("args", path)}[${JSON.stringify(PROTO)}]: ${FORBIDDEN_KEY_MESSAGE}`);
    fields.forEach((value, key) => {
        if (key === PROTO) throw new Error(`${keyPath("args", path)}[${JSON.stringify(PROTO)}]: ${FORBIDDEN_KEY_MESSAGE}`);
        out[key] = valueToJavaScript(value, [...path, key]);
    });
    return out;
}

function valueToJavaScript(value: ProtoValue, path: PropertyKey[]): unknown {
    switch (value.getKindCase()) {
        case NULL:
            return null;
        case NUMBER:
            return value.getNumberValue();
        case STRING:
            return value.getStringValue();
        case BOOL:
            return value.getBoolValue();
        case STRUCT:
            return structToJavaScript(value.getStructValue() as ProtoStruct, path);
        case LIST:
            return (value.getListValue()?.getValuesList() ?? []).map((v, i) => valueToJavaScript(v, [...path, i]));
        default:
            throw new Error(`${keyPath("args", path)}: a value of an unknown kind`);
    }
}

/**
 * Makes the google-protobuf Struct that Pulumi's SDK decodes requests with use structToJavaScript. Called once, by
 * the plugin's entry point only (the program's own process is left as it is).
 */
export function installStructDecoder(): void {
    // The copy of google-protobuf that @pulumi/pulumi itself loads.
    const sdk = require.resolve("@pulumi/pulumi");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdk] })) as {
        Struct: { prototype: { toJavaScript(): unknown } };
    };
    structPb.Struct.prototype.toJavaScript = function (this: ProtoStruct) {
        return structToJavaScript(this);
    };
}
