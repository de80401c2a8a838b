// The floor program of the real-engine benchmark: it registers, as raw resources, exactly the resources the
// component registered in a prod stack (read from that stack's state, written to $BENCH_FLOOR_RESOURCES), with the
// same inputs. What the component costs on top is its own work: validation, rules, settings, and wiring.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const SIG = "4dabf18193072939515e22adb298388d";

/** State keeps secrets encrypted: the floor registers a secret of its own in their place. */
function revive(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(revive);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (SIG in o) return pulumi.secret("floor-secret");
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

const recorded = JSON.parse(fs.readFileSync(process.env.BENCH_FLOOR_RESOURCES as string, "utf8")) as Recorded[];
// What must exist first: the namespace for namespaced objects, the gateway for its token (as in the component).
const first = new Map<string, Raw>();
for (const r of recorded.filter((x) => x.type === "kubernetes:core/v1:Namespace" || x.type === "azure-native:apimanagement:Gateway")) {
    first.set(r.type, new Raw(r.type, r.name, revive(r.inputs) as pulumi.Inputs));
}
for (const r of recorded.filter((x) => !first.has(x.type))) {
    const after = r.type.startsWith("kubernetes:")
        ? first.get("kubernetes:core/v1:Namespace")
        : first.get("azure-native:apimanagement:Gateway");
    new Raw(r.type, r.name, revive(r.inputs) as pulumi.Inputs, after ? { dependsOn: after } : {});
}
