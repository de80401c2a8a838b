// CrossGuard entry point:  pulumi preview --policy-pack policy
// (run `npm install` in this folder once). For dev stacks, make every rule advisory:
//   pulumi preview --policy-pack policy --policy-pack-config policy/dev-config.json
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("apim-gateway", { enforcementLevel: "mandatory", policies });
