// Validation of the component's arguments and the stack config, with a schema library (zod).
// Every problem names the full key path, the value received and what is allowed; all problems of one input are
// reported together, in one round: the schema's, the cross-field rules' and (in prod) the deployment guide's rules,
// the latter two on the part of the input the schema accepts. Split by concern: the schema (schema.ts), map keys
// (keys.ts), URLs (urls.ts), name grammars (names.ts), cross-field rules (crossField.ts), the checkable part of a
// refused input (prune.ts), messages (messages.ts, format.ts), the stack's other settings (stack.ts), and the
// entry point (validate.ts).
export { apimSchema, argsSchema, tokenSchema } from "./schema";
export { describeIssues } from "./messages";
export { formatProblems } from "./format";
export { checkResolved, MAX_NAME_LENGTH, nameProblems } from "./names";
export { renderDirProblems } from "./stack";
export { ARGS_PREFIX, prefixOf, STACK_PREFIX, validateArgs, ValidationResult } from "./validate";
