// Messages: one sentence per problem, `<key path>: got <value>; <what is allowed>`, never a secret value.
import { z } from "zod";
import { redactUrls } from "../redact";
import { keyPath } from "./keys";
import { DEFERRED_MESSAGE } from "./schema";

export const TYPE_NAMES: Record<string, string> = {
    int: "a whole number",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    object: "an object",
    array: "a list",
    record: "an object",
};

const items = (n: number | bigint): string => (Number(n) === 1 ? "1 item" : `${n} items`);

/** Plain-language messages for the generic checks (schema-level messages take precedence). */
export const plainMessages: z.core.$ZodErrorMap = (iss) => {
    switch (iss.code) {
        case "invalid_type": {
            const isInt = (iss.inst as { format?: string } | undefined)?.format === "safeint";
            return `expected ${isInt ? TYPE_NAMES.int : (TYPE_NAMES[iss.expected] ?? iss.expected)}`;
        }
        case "too_big":
            return iss.origin === "string"
                ? `must be at most ${iss.maximum} characters`
                : iss.origin === "array"
                  ? `must have at most ${items(iss.maximum)}`
                  : iss.inclusive === false
                    ? `must be less than ${iss.maximum}`
                    : `must be at most ${iss.maximum}`;
        case "too_small":
            return iss.origin === "string"
                ? Number(iss.minimum) <= 1
                    ? "must not be empty"
                    : `must be at least ${iss.minimum} characters`
                : iss.origin === "array"
                  ? `must have at least ${items(iss.minimum)}`
                  : iss.inclusive === false
                    ? `must be greater than ${iss.minimum}`
                    : `must be at least ${iss.minimum}`;
        default:
            return undefined;
    }
};

/** Longer strings are cut in messages. */
const SHOWN_MAX = 60;

export function shown(v: unknown): string {
    if (v === undefined) return "nothing";
    if (typeof v === "string") {
        // A URL's user:password@ part and its query are where credentials and keys travel: never repeat them.
        const scrubbed = redactUrls(v);
        // A long value is named by its start and length, so one problem stays one line.
        return scrubbed.length > SHOWN_MAX
            ? `${JSON.stringify(scrubbed.slice(0, SHOWN_MAX))}… (${v.length} characters)`
            : JSON.stringify(scrubbed);
    }
    if (typeof v === "object" && v !== null) return Array.isArray(v) ? "a list" : "an object";
    return `${JSON.stringify(v)} (${typeof v})`;
}

/** Walks the schema to list the keys allowed at a path (for "unknown key" messages). */
export function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let s: z.ZodType | undefined = schema;
    const unwrap = (t: z.ZodType): z.ZodType => {
        let cur = t;
        while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault) {
            cur = cur.unwrap() as z.ZodType;
        }
        return cur;
    };
    for (const p of path) {
        s = s && unwrap(s);
        if (s instanceof z.ZodObject) {
            s = (s.shape as Record<string, z.ZodType>)[String(p)];
        } else if (s instanceof z.ZodArray) {
            s = s.element as z.ZodType;
        } else {
            return [];
        }
    }
    s = s && unwrap(s);
    return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const NO_MONITOR_ALERT =
    "Event Grid delivers to Azure Monitor alerts from Azure Key Vault sources only, not API Management's token events " +
    "(learn.microsoft.com/azure/event-grid/event-handlers); remove it and use webhookUrl, azureFunctionIds or serviceBusQueueIds";

/** Keys the arguments had once, and why they are gone (instead of a bare "unknown key"). */
export const RETIRED_KEYS: Record<string, string> = {
    "token.expiryAlerts.actionGroupIds": NO_MONITOR_ALERT,
    "token.expiryAlerts.severity": NO_MONITOR_ALERT,
};

/**
 * Keys whose values are secrets, with what they must be: problems name them but never show their value. A webhook
 * URL is one whole: services put its key in the path as often as in the query.
 */
export const SECRET_KEYS: ReadonlyMap<string, string> = new Map([
    ["clientSecret", "expected a non-empty string (a Pulumi secret)"],
    ["webhookUrl", "expected an https:// URL without user:password@ (a Pulumi secret)"],
]);

/** One sentence per problem: `<key path>: got <value>; <what is allowed>`. */
export function describeIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], prefix: string): string[] {
    const lines: string[] = [];
    for (const issue of issues) {
        const input = (issue as { input?: unknown }).input;
        if (issue.code === "unrecognized_keys") {
            const allowed = allowedKeys(schema, issue.path);
            for (const key of issue.keys) {
                const retired = RETIRED_KEYS[[...issue.path, key].filter((k) => typeof k === "string").join(".")];
                lines.push(
                    `${keyPath(prefix, [...issue.path, key])}: ${retired ?? `unknown key; allowed keys here: ${allowed.join(", ")}`}`,
                );
            }
            continue;
        }
        const secret = SECRET_KEYS.get(String(issue.path[issue.path.length - 1]));
        if (secret !== undefined) {
            // Never echo a secret, even a malformed one.
            lines.push(`${keyPath(prefix, issue.path)}: got a value (hidden: it is a secret); ${secret}`);
            continue;
        }
        if (issue.code === "invalid_union") {
            // A value that may also be an Output: explain the plain branch's problems, not "Invalid input".
            const branches = issue.errors.filter((b) => !b.every((i) => i.code === "custom" && i.message === DEFERRED_MESSAGE));
            if (branches.length === 1) {
                const nested = branches[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
                lines.push(...describeIssues(schema, nested, prefix));
                continue;
            }
        }
        if (issue.code === "invalid_key") {
            // A record key: name the key in brackets and say what keys may look like.
            const key = String(issue.path[issue.path.length - 1]);
            const inner = issue.issues[0]?.message ?? "invalid key";
            lines.push(`${keyPath(prefix, issue.path.slice(0, -1))}["${key}"]: invalid key; ${inner}`);
            continue;
        }
        let what = issue.message.replace(/^Invalid input: /, "");
        if (issue.code === "invalid_value") {
            what = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        } else if (issue.code === "invalid_type" && input === undefined) {
            what = `required (${what})`;
        }
        lines.push(`${keyPath(prefix, issue.path)}: got ${shown(input)}; ${what}`);
    }
    return lines;
}

export { formatProblems } from "./format";
