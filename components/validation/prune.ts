// The part of an input that the schema accepts: values it refused are left out (their defaults apply instead),
// so the checks beyond the schema (cross-field rules, the production rules) still run in the same round.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { SelfHostedGatewayArgs } from "../args";
import { FORBIDDEN_KEYS } from "./keys";
import { argsSchema } from "./schema";

export type Path = readonly PropertyKey[];

/** Stand-ins for required values the schema refused: they only let the other checks run, and are never reported. */
const STAND_INS: Record<string, unknown> = {
    apim: {},
    "apim.resourceGroupName": "stand-in",
    "apim.serviceName": "stand-in",
    "apim.gatewayName": "stand-in",
    "apim.location": {},
    "apim.location.name": "stand-in",
    namespace: {},
    "namespace.name": "stand-in",
};

const isPlain = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !pulumi.Output.isInstance(v) &&
    typeof (v as { then?: unknown }).then !== "function";

/** A copy of plain objects and lists (Outputs and other values shared), without the keys JavaScript objects cannot hold. */
function copy(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(copy);
    if (!isPlain(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
        if (!FORBIDDEN_KEYS.includes(k)) out[k] = copy(v[k]);
    }
    return out;
}

function at(root: unknown, path: Path): unknown {
    return path.reduce<unknown>(
        (cur, p) => (isPlain(cur) || Array.isArray(cur) ? (cur as Record<PropertyKey, unknown>)[p] : undefined),
        root,
    );
}

/** Removes the value at a path; a list loses the whole list (its default applies), a missing value its parent. */
function remove(root: Record<string, unknown>, path: Path, pruned: Set<Path>): void {
    let p = [...path];
    const index = p.findIndex((x) => typeof x === "number");
    if (index >= 0) p = p.slice(0, index);
    if (p.length > 1 && at(root, p) === undefined) p = p.slice(0, -1);
    if (p.length === 0) return;
    const parent = at(root, p.slice(0, -1));
    if (isPlain(parent)) {
        delete parent[String(p[p.length - 1])];
        pruned.add(p);
    }
}

/** Puts stand-ins where required values are missing. */
function fillStandIns(root: Record<string, unknown>): void {
    for (const [dotted, value] of Object.entries(STAND_INS)) {
        const path = dotted.split(".");
        const parent = at(root, path.slice(0, -1));
        if (isPlain(parent) && parent[path[path.length - 1]] === undefined) parent[path[path.length - 1]] = copy(value);
    }
}

export interface CheckablePart {
    /** The input without what the schema refused, valid as a whole; undefined when no such part could be found. */
    args?: SelfHostedGatewayArgs;
    /** Key paths left out (checks about them, or about what contains them, are not repeated beyond the schema). */
    pruned: Path[];
}

/** The valid part of an input the schema refused (issues from argsSchema.safeParse). */
export function checkablePart(raw: unknown, issues: readonly z.core.$ZodIssue[]): CheckablePart {
    // Stryker disable next-line ConditionalExpression: a shortcut; an input that is not an object fails every round and ends the same
    if (!isPlain(raw)) return { pruned: [] };
    const root = copy(raw) as Record<string, unknown>;
    const pruned = new Set<Path>();
    let pending = issues;
    // Stryker disable next-line EqualityOperator: a bound on the rounds; an input settles in one or two, so 5 or 6 makes no difference
    for (let round = 0; round < 5; round++) {
        for (const issue of pending) {
            if (issue.code === "unrecognized_keys") {
                for (const key of issue.keys) remove(root, [...issue.path, key], pruned);
            } else {
                remove(root, issue.path, pruned);
            }
        }
        fillStandIns(root);
        const again = argsSchema.safeParse(root);
        if (again.success) return { args: root as unknown as SelfHostedGatewayArgs, pruned: [...pruned] };
        pending = again.error.issues;
    }
    return { pruned: [...pruned] };
}
