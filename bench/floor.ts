// The floor program of the real-engine benchmark: it registers, as raw resources, exactly the resources the
// component registered in a prod stack (read from that stack's state, written to $BENCH_FLOOR_RESOURCES), with the
// same inputs. What the component costs on top is its own work: validation, rules, settings, and wiring.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { dependencyOf, FloorResource, SECRET_SIG } from "./floors";

/** State keeps secrets encrypted: the floor registers a secret of its own in their place. */
function revive(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(revive);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (SECRET_SIG in o) return pulumi.secret("floor-secret");
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
    }
    return v;
}

/** A resource of any registered type, registered by its type token. */
class Raw extends pulumi.CustomResource {
    constructor(type: string, name: string, inputs: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super(type, name, inputs, opts);
    }
}

const recorded = JSON.parse(fs.readFileSync(process.env.BENCH_FLOOR_RESOURCES as string, "utf8")) as FloorResource[];
const registered = new Map<FloorResource, Raw>();
// In order: what must exist first (the namespace, the gateway) comes before what depends on it.
for (const r of [...recorded].sort(
    (a, b) => Number(dependencyOf(a, recorded) !== undefined) - Number(dependencyOf(b, recorded) !== undefined),
)) {
    const after = dependencyOf(r, recorded);
    registered.set(r, new Raw(r.type, r.name, revive(r.inputs) as pulumi.Inputs, after ? { dependsOn: registered.get(after) } : {}));
}
