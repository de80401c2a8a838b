// Entry point of this package's provider plugin (run by bin/pulumi-resource-apim-gateway, and by Pulumi's
// Node.js plugin host through package.json `main` for `pulumi package add <path-or-git-url>`). Shipped as
// compiled JavaScript, so it starts without type-checking anything.
import * as provider from "@pulumi/pulumi/provider";
import { gatewayTokenMethods, issueToken } from "../token/provider";
import { PACKAGE_VERSION } from "../version";
import { installStructDecoder } from "./decode";
import { engineAddress, engineNotify } from "./engineLog";
import { markServedByPlugin } from "./location";
import { SelfHostedGatewayProvider } from "./provider";

markServedByPlugin();
// A `__proto__` field of a request would be dropped by the SDK's decoding; refused by name instead (decode.ts).
installStructDecoder();
const args = process.argv.slice(2);
const token = gatewayTokenMethods(issueToken, process.env, engineNotify(engineAddress(args)));
void provider.main(new SelfHostedGatewayProvider(PACKAGE_VERSION, token), args);
