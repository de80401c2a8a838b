// Public API of the library: import { SelfHostedGateway } from "apim-gateway".
export * from "./args";
export { SelfHostedGateway, SELF_HOSTED_GATEWAY_TYPE } from "./selfHostedGateway";
export { GatewayToken, GatewayTokenArgs } from "./token/resource";
export { tokenWindow, armExpiry, rotationProblems, TokenWindow, RotationSettings } from "./rotation";
// From the modules whose declarations name no zod type: the public types load without the schema library.
export { validateArgs, ValidationResult } from "./validation/validate";
export { formatProblems } from "./validation/format";
export { GENERATE_TOKEN_ACTION, GATEWAY_READ_ACTION } from "./token/arm";
