// TEST DOUBLE support: pure helpers of the stand-in azure-native plugin (main.ts): the ARM path of a resource from
// its inputs, the state kept from inputs and ARM's answer, and the comparison its diff makes.
import * as crypto from "crypto";
import { secretValue, unwrapSecrets } from "../../../components/token/provider";
import type { Contract } from "../contracts";

/** How the engine passes a value not known yet (during a preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";

/** The ARM path of a resource: the create contract's template filled from the inputs (and the signed-in subscription). */
export function armPath(c: Contract, inputs: Record<string, unknown>, subscription: string): string {
    let path = c.template;
    for (const p of c.pathParams) {
        const v = p.name === "subscriptionId" ? subscription : inputs[p.name];
        if (typeof v !== "string") throw new Error(`azure-native (stand-in): ${p.name} is not known`);
        path = path.replace(`{${p.name}}`, p.scope ? v.replace(/^\/+/, "") : encodeURIComponent(v));
    }
    return path.replace(/\/{2,}/g, "/");
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
export const isSecret = (v: unknown) => isObject(v) && v[SIG] !== undefined;

/** `base` with `over` laid on it: a value `over` has replaces `base`'s; a key only `base` has stays. */
export function overlay(base: unknown, over: unknown): unknown {
    if (over === undefined) return base;
    if (isSecret(base)) {
        const plain = unwrapSecrets(base);
        const merged = overlay(plain, over);
        return JSON.stringify(merged) === JSON.stringify(plain) ? base : secretValue(merged);
    }
    if (isObject(base) && isObject(over)) {
        const out: Record<string, unknown> = { ...base };
        for (const [k, v] of Object.entries(over)) out[k] = overlay(base[k], v);
        return out;
    }
    return over;
}

/** Whether every value the new inputs set is what the old state has (the state may hold more, e.g. server fields). */
export function covers(news: unknown, olds: unknown): boolean {
    const n = unwrapSecrets(news);
    const o = unwrapSecrets(olds);
    if (isObject(n)) return isObject(o) && Object.entries(n).every(([k, v]) => v === undefined || covers(v, o[k]));
    if (Array.isArray(n)) return Array.isArray(o) && n.length === o.length && n.every((v, i) => covers(v, o[i]));
    return JSON.stringify(n) === JSON.stringify(o);
}

export const hasUnknown = (v: unknown): boolean =>
    v === UNKNOWN || (Array.isArray(v) ? v.some(hasUnknown) : isObject(v) ? Object.values(v).some(hasUnknown) : false);

/**
 * azure-native's check: "Missing required property '<name>'" for each required input that is absent; the resource's
 * own name (the template's last parameter) auto-named when not given, once (a later check keeps the state's name):
 * a GUID where the name is one (role assignments and definitions), else the resource name and 8 random hex digits.
 */
export function checkInputs(
    required: string[],
    create: Contract,
    urn: string,
    olds: Record<string, unknown> | undefined,
    news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: { property: string; reason: string }[] } {
    const inputs = { ...news };
    const failures = required
        .filter((k) => inputs[k] === undefined || inputs[k] === null)
        .map((k) => ({ property: k, reason: `Missing required property '${k}'` }));
    const last = create.pathParams[create.pathParams.length - 1];
    if (inputs[last.name] === undefined && failures.length === 0) {
        const old = olds?.[last.name];
        const urnName = urn.split("::").pop() ?? "resource";
        inputs[last.name] =
            typeof old === "string"
                ? old
                : last.mapper.type.name === "Uuid" || /^role/i.test(last.name)
                  ? crypto.randomUUID()
                  : `${urnName}${crypto.randomBytes(4).toString("hex")}`;
    }
    return { inputs, failures };
}
