// Every Kubernetes object the program registers validates against the Kubernetes OpenAPI schema
// (kubernetes-models bundles the upstream JSON schemas and validates with ajv).
import { strict as assert } from "assert";
import { SelfHostedGateway, SelfHostedGatewayArgs } from "../components";
import { CLOCK } from "./expected";
import { buildComponent, importEsm, Registered, runProgram, stackConfig, unwrapSecrets } from "./harness";

interface Model {
    validate(): void;
}
type ModelClass = new (data: unknown) => Model;

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [undefined, apiVersion];
    const mod = await importEsm<Record<string, ModelClass>>(`kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`);
    return mod[kind];
}

async function validateAll(resources: Registered[]): Promise<string[]> {
    const checked: string[] = [];
    for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) {
        const obj = unwrapSecrets(r.inputs) as { apiVersion: string; kind: string };
        const Model = await modelFor(obj.apiVersion, obj.kind);
        try {
            new Model(obj).validate();
        } catch (e) {
            assert.fail(`${r.type} ${r.name} does not validate: ${(e as Error).message}`);
        }
        checked.push(`${obj.kind}/${r.name}`);
    }
    return checked.sort();
}

describe("Kubernetes OpenAPI schema", () => {
    it("the schema check catches a wrong type (it can fail)", async () => {
        const Deployment = await modelFor("apps/v1", "Deployment");
        assert.throws(
            () => new Deployment({ apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: "3", selector: {}, template: {} } }).validate(),
            /replicas must be integer/,
        );
    });

    for (const stack of ["dev", "prod"]) {
        it(`validates every object of the ${stack} stack`, async () => {
            const run = await runProgram(stackConfig(stack), CLOCK, stack);
            const gw = `apim-gw-${stack}`;
            assert.deepEqual(await validateAll(run.resources), [
                `ConfigMap/${gw}-env`,
                `Deployment/${gw}-deployment`,
                `Namespace/${gw}-namespace`,
                `PersistentVolumeClaim/${gw}-config-backup`,
                `Secret/${gw}-token-secret`,
                `Service/${gw}-instance-discovery`,
                `Service/${gw}-live-traffic`,
            ]);
        });
    }

    it("validates the objects built with every option set", async () => {
        const args: SelfHostedGatewayArgs = {
            environment: "dev",
            apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" }, configurationEndpoint: "cfg.contoso.com" },
            namespace: { name: "gw", create: false },
            replicas: 5,
            rollingUpdate: { maxUnavailable: 1, maxSurge: "50%" },
            image: { tag: "2.11.1", digest: `sha256:${"b".repeat(64)}` },
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
            service: { type: "NodePort", externalTrafficPolicy: "Cluster", annotations: { a: "b" }, httpPort: 81, httpsPort: 444 },
            configBackup: { existingClaimName: "backup" },
            dnsPolicy: "None",
            dnsConfig: { nameservers: ["1.1.1.1"], options: [{ name: "ndots", value: "1" }] },
        };
        const { resources } = await buildComponent(() => ({ gw: new SelfHostedGateway("gw", args).deploymentName }), CLOCK);
        assert.deepEqual(await validateAll(resources), [
            "ConfigMap/gw-env",
            "Deployment/gw-deployment",
            "Secret/gw-token-secret",
            "Service/gw-instance-discovery",
            "Service/gw-live-traffic",
        ]);
    });
});
