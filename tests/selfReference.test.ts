// The name under which the stack program reads its own last outputs, on every kind of backend.
import { strict as assert } from "assert";
import { DIY_ORGANIZATION, selfReferenceName } from "../components/stackConfig";

describe("the stack program's reference to itself", () => {
    it("is org/project/stack on Pulumi Cloud, and the plain stack name on DIY backends (both layouts take it)", () => {
        assert.equal(selfReferenceName("contoso", "apim-gateway", "prod"), "contoso/apim-gateway/prod");
        assert.equal(selfReferenceName(DIY_ORGANIZATION, "apim-gateway", "prod"), "prod");
        assert.equal(DIY_ORGANIZATION, "organization");
    });
});
