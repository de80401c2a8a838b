// Validation of the component's arguments and the stack config, with a schema library (zod).
// Every problem names the full key path, the value received and what is allowed; all problems
// of one input are reported together. Split by concern: the schema (schema.ts), map keys (keys.ts),
// URLs (urls.ts), name grammars (names.ts), cross-field rules (crossField.ts), messages (messages.ts)
// and the stack's other settings (stack.ts).
import { SelfHostedGatewayArgs } from "../args";
import { crossFieldProblems } from "./crossField";
import { describeIssues, plainMessages } from "./messages";
import { argsSchema } from "./schema";

export { apimSchema, argsSchema, tokenSchema } from "./schema";
export { describeIssues, formatProblems } from "./messages";
export { checkResolved, MAX_NAME_LENGTH, nameProblems } from "./names";
export { renderDirProblems } from "./stack";

export type ValidationResult = { ok: true; args: SelfHostedGatewayArgs } | { ok: false; problems: string[] };

/**
 * Validates component args (plain values now; Outputs are checked later inside `apply`).
 * `prefix` names the arguments in messages: `gateway` for the stack config key.
 */
export function validateArgs(raw: unknown, prefix = "args"): ValidationResult {
    const parsed = argsSchema.safeParse(raw, { reportInput: true, error: plainMessages });
    if (!parsed.success) {
        return { ok: false, problems: describeIssues(argsSchema, parsed.error.issues, prefix) };
    }
    const args = raw as SelfHostedGatewayArgs;
    const problems = crossFieldProblems(args, prefix);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, args };
}
