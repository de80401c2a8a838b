// Entry point of the multi-language package (package.json `main`, which Pulumi's Node.js plugin host loads for
// PulumiPlugin.yaml): `pulumi package add` runs this file to
// read the schema and generate a Python, Go, C# or Java SDK; programs in those languages and YAML then construct
// SelfHostedGateway through it. Not the stack program (index.ts) and not the TypeScript library (dist/components).
import * as fs from "fs";
import * as path from "path";
import * as provider from "@pulumi/pulumi/provider";
import { SelfHostedGatewayProvider } from "./components/plugin/provider";

const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8")) as { version: string };
void provider.main(new SelfHostedGatewayProvider(version), process.argv.slice(2));
