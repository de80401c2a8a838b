// The smallest valid "edge" gateway, built under mocks: shared by the component, option and guidance tests.
import { SelfHostedGateway, SelfHostedGatewayArgs } from "../components";
import { CLOCK } from "./expected";
import { buildComponent } from "./harness";

/** Instance, gateway and location, in namespace `gw`; production requires a Pod Security level on a namespace the component creates. */
export function minimal(extra: Partial<SelfHostedGatewayArgs> = {}): SelfHostedGatewayArgs {
    return {
        apim: { resourceGroupName: "rg-apim", serviceName: "contoso-apim", gatewayName: "edge", location: { name: "aks-weu" } },
        namespace: { name: "gw", podSecurityLevel: "restricted" },
        ...extra,
    };
}

/** Builds `new SelfHostedGateway("edge", args)` at the tests' clock and returns what it registered. */
export async function build(args: SelfHostedGatewayArgs) {
    return buildComponent(() => {
        const gw = new SelfHostedGateway("edge", args);
        return { gw, a: gw.deploymentName, b: gw.serviceName, c: gw.configMapName, d: gw.namespaceName };
    }, CLOCK);
}
