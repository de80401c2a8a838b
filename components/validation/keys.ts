// Keys: Kubernetes qualified names (label, annotation and resource keys) and label values as map keys, keys that
// JavaScript objects cannot hold safely, and how a key path is written in messages.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DNS1123_SUBDOMAIN, LABEL_KEY, LABEL_VALUE } from "./names";

/** A Kubernetes qualified name: an optional DNS-subdomain prefix (at most 253 characters) and `/`, then a name of at most 63. */
export function isQualifiedName(key: string): boolean {
    if (!LABEL_KEY.test(key)) return false;
    const slash = key.indexOf("/");
    return slash < 0 || (slash <= 253 && DNS1123_SUBDOMAIN.test(key.slice(0, slash)));
}

export const labelKey = z.string().refine(isQualifiedName, "must be a label key such as team or example.com/team");
/** Annotation keys follow the label-key rules (a qualified name). */
export const annotationKey = z
    .string()
    .refine(
        isQualifiedName,
        "must be an annotation key such as example.com/owner (a prefix of at most 253 characters, then / and a name of at most 63)",
    );
/** Resource names in requests and limits (cpu, memory, ephemeral-storage, example.com/gpu) are qualified names too. */
export const resourceName = z.string().refine(isQualifiedName, "must be a resource name such as cpu, memory or example.com/gpu");
export const labelMap = z.record(
    labelKey,
    z
        .string()
        .regex(
            LABEL_VALUE,
            "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        ),
);
export const plainAnnotations = z.record(annotationKey, z.string());

/** Keys a JavaScript object cannot hold as data: they change or hide the object's prototype. */
export const FORBIDDEN_KEYS = ["__proto__", "constructor", "prototype"];
/** What a problem about such a key says after its path. */
export const FORBIDDEN_KEY_MESSAGE =
    "this key is not allowed (it names JavaScript object machinery and would be dropped or misread); remove it";

/**
 * Keys named `__proto__`, `constructor` or `prototype`, anywhere in the input (zod drops them silently, and a map
 * such as nodeSelector would pass them on), and objects that are not plain (a `__proto__:` in an object literal
 * gives an object another prototype). Outputs and promises are left for later.
 */
export function forbiddenKeyProblems(raw: unknown, prefix: string): string[] {
    const problems: string[] = [];
    const walk = (v: unknown, path: PropertyKey[]) => {
        if (typeof v !== "object" || v === null || pulumi.Output.isInstance(v) || typeof (v as { then?: unknown }).then === "function") {
            return;
        }
        if (Array.isArray(v)) {
            v.forEach((item, i) => walk(item, [...path, i]));
            return;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
            problems.push(
                `${keyPath(prefix, path)}: must be a plain object (it has another prototype, e.g. from a __proto__ key); use a plain { } object`,
            );
            return;
        }
        for (const key of Object.keys(v)) {
            if (FORBIDDEN_KEYS.includes(key)) {
                problems.push(`${keyPath(prefix, path)}[${JSON.stringify(key)}]: ${FORBIDDEN_KEY_MESSAGE}`);
                continue;
            }
            walk((v as Record<string, unknown>)[key], [...path, key]);
        }
    };
    walk(raw, []);
    return problems;
}

/**
 * A map whose value arrived later (an Output), checked once resolved: no JavaScript machinery key, and each key an
 * annotation key. One line per problem, under `key` (e.g. `args.service.annotations`).
 */
export function resolvedAnnotationProblems(map: unknown, key: string): string[] {
    if (typeof map !== "object" || map === null || Array.isArray(map)) return [`${key}: got ${typeof map}; expected an object`];
    const problems = forbiddenKeyProblems(map, key);
    for (const k of Object.keys(map)) {
        if (FORBIDDEN_KEYS.includes(k)) continue;
        const r = annotationKey.safeParse(k);
        if (!r.success) problems.push(`${keyPath(key, [k])}: invalid key; ${r.error.issues[0]?.message}`);
    }
    return problems;
}

/** Names the place in the input; prefix is the config key (e.g. `gateway`) or the arg name. */
export function keyPath(prefix: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, p) => {
        if (typeof p === "number") return `${acc}[${p}]`;
        const key = String(p);
        // Map keys such as annotation names contain dots and slashes: bracket them so the path stays readable.
        if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${acc}[${JSON.stringify(key)}]`;
        return acc ? `${acc}.${key}` : key;
    }, prefix);
}
