// Public API of the library: import { SelfHostedGateway } from "apim-gateway".
export * from "./args";
export { SelfHostedGateway, SELF_HOSTED_GATEWAY_TYPE } from "./selfHostedGateway";
export { GatewayToken, GatewayTokenArgs } from "./token/resource";
export { tokenWindow, armExpiry, rotationProblems, TokenWindow, RotationSettings } from "./rotation";
export { validateArgs, formatProblems, ValidationResult } from "./validation";
export { GENERATE_TOKEN_ACTION, GATEWAY_READ_ACTION } from "./token/arm";
