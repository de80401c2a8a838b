// validateArgs: the component's arguments, checked in one round (see index.ts). Its declarations name no schema
// library type, so the package's public types load without zod's.
import type { z } from "zod";
import { SelfHostedGatewayArgs } from "../args";
import { describeFindings, profileFindings } from "../profile";
import { rotationProblems, tokenPlan } from "../rotation";
import { resolveSettings } from "../specs";
import { crossFieldProblems } from "./crossField";
import { FORBIDDEN_KEYS, forbiddenKeyProblems, keyPath } from "./keys";
import { describeIssues, plainMessages } from "./messages";
import { nameProblems } from "./names";
import { checkablePart } from "./prune";
import { argsSchema } from "./schema";

/** How the stack program names the arguments: its config key. There, apim.gatewayName also names the Kubernetes objects. */
export const STACK_PREFIX = "gateway";
/** How the component names its arguments when used directly (from TypeScript or another language). */
export const ARGS_PREFIX = "args";

/** Arguments validated under a prefix carry it, so the component names their keys the same way in its own messages. */
// Stryker disable next-line StringLiteral: any registry key works while this module alone reads and writes it
const PREFIX = Symbol.for("apim-gateway.validation.prefix");

/** The prefix the arguments were validated under (`gateway` from the stack program), else `args`. */
export function prefixOf(args: SelfHostedGatewayArgs): string {
    const p = (args as { [PREFIX]?: unknown })[PREFIX];
    return typeof p === "string" ? p : ARGS_PREFIX;
}

export type ValidationResult =
    /** `warnings`: in dev, one line per production rule broken. */
    { ok: true; args: SelfHostedGatewayArgs; warnings: string[] } | { ok: false; problems: string[] };

/**
 * Validates component args (plain values now; Outputs are checked later inside `apply`). `prefix` names the
 * arguments in messages: `gateway` for the stack config key, `args` for the component. In prod (the default) the
 * deployment guide's rules are problems too, followed by one line saying how to relax them; in dev they are
 * warnings. `now` is the clock the token rule reads.
 */
export function validateArgs(raw: unknown, prefix = ARGS_PREFIX, now: Date = new Date(Date.now())): ValidationResult {
    // zod drops keys such as __proto__ without a word; they are refused here, wherever they are.
    const forbidden = forbiddenKeyProblems(raw, prefix);
    const parsed = argsSchema.safeParse(raw, { reportInput: true, error: plainMessages });
    const issues = parsed.success ? [] : parsed.error.issues.filter((i) => !i.path.some((p) => FORBIDDEN_KEYS.includes(String(p))));
    const schemaProblems = describeIssues(
        argsSchema,
        issues.flatMap((i): z.core.$ZodIssue[] => {
            if (i.code !== "unrecognized_keys") return [i];
            const keys = i.keys.filter((k) => !FORBIDDEN_KEYS.includes(k));
            // Stryker disable next-line ConditionalExpression,EqualityOperator: an issue with no keys left describes nothing either
            return keys.length > 0 ? [{ ...i, keys }] : [];
        }),
        prefix,
    );
    const refused = forbidden.length > 0 || !parsed.success;
    const part = refused
        ? checkablePart(raw, parsed.success ? [] : parsed.error.issues)
        : { args: raw as SelfHostedGatewayArgs, pruned: [] };
    const args = part.args;
    // A problem about a value the schema refused (or about what contains it, now missing it) is not repeated, and a
    // production rule is not repeated for a key that already has a problem.
    const prunedKeys = part.pruned.map((p) => keyPath(prefix, p));
    const reported = new Set<string>();
    const fresh = (lines: string[]) =>
        lines.filter((l) => {
            const key = keyOf(l);
            return !prunedKeys.some((p) => related(p, key)) && !reported.has(key);
        });
    const names =
        prefix === STACK_PREFIX && args && typeof args.apim.gatewayName === "string"
            ? fresh(nameProblems(args.apim.gatewayName, `${prefix}.apim.gatewayName`))
            : [];
    const cross = args ? fresh(crossFieldProblems(args, prefix)) : [];
    for (const line of [...forbidden, ...schemaProblems, ...names, ...cross]) reported.add(keyOf(line));
    const rules = args ? fresh(ruleLines(args, prefix, now)) : [];
    const prod = (args?.environment ?? "prod") === "prod";
    // A refused environment counts as prod (the safe side); say so instead of calling it the default.
    const givenEnvironment = (raw as { environment?: unknown } | null | undefined)?.environment;
    const environmentLine =
        givenEnvironment !== undefined && givenEnvironment !== "prod"
            ? `${prefix}.environment: is not "dev" or "prod" (see above), so these rules are errors as in prod`
            : `${prefix}.environment: is "prod" (the default), so these rules are errors; set it to "dev" only for a non-production stack`;
    const problems = [
        ...forbidden,
        ...schemaProblems,
        ...names,
        ...cross,
        ...(prod ? rules : []),
        ...(prod && rules.length > 0 ? [environmentLine] : []),
    ];
    if (problems.length > 0 || args === undefined) return { ok: false, problems };
    return { ok: true, args: Object.assign({ ...args }, { [PREFIX]: prefix }), warnings: prod ? [] : rules };
}

/** The key path a problem line starts with (`gateway.replicas: got …` → `gateway.replicas`). */
const keyOf = (line: string) => line.slice(0, Math.max(0, line.indexOf(": ")));
/** Whether one key path contains the other (or is it). */
const related = (a: string, b: string) =>
    a === b || b.startsWith(`${a}.`) || b.startsWith(`${a}[`) || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);

/** The deployment guide's rules on the objects these arguments would build, as `prefix.key: message` lines. */
function ruleLines(args: SelfHostedGatewayArgs, prefix: string, now: Date): string[] {
    const s = resolveSettings(args);
    // Invalid rotation settings are a cross-field problem already; the token rules need valid ones.
    const expiry = s.authType === "token" && rotationProblems(s).length === 0 ? tokenPlan(now, s).expiry : undefined;
    const name = typeof args.apim.gatewayName === "string" ? args.apim.gatewayName : "gateway";
    return describeFindings(profileFindings(name, args, s, expiry, now), prefix);
}
