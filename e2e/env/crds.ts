// The CustomResourceDefinitions the e2e cluster installs at start-up (KEDA's ScaledObject, the Secrets Store CSI
// driver's SecretProviderClass), from the published Go modules that e2e/toolchain/crds.sh collects, so that the
// apiserver validates the custom objects the component creates against their real schemas.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { Kube, waitFor } from "./kube";

/** The folder of the CRD files (collected once, then cached: a warm run answers at once). */
export function crdDir(repo: string): string {
    if (process.env.APIM_E2E_CRDS) return process.env.APIM_E2E_CRDS;
    return execFileSync("bash", [path.join(repo, "e2e", "toolchain", "crds.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
}

interface Crd {
    metadata: { name: string };
    status?: { conditions?: { type: string; status: string }[] };
}

/** Creates every CRD of the folder and waits until the apiserver serves each (condition Established). */
export async function installCrds(kube: Kube, dir: string): Promise<string[]> {
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort();
    const names: string[] = [];
    for (const f of files) {
        for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, f), "utf8"))) {
            const crd = doc.toJS() as Crd | null;
            if (crd === null) continue;
            await kube.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
            names.push(crd.metadata.name);
        }
    }
    for (const name of names) {
        await waitFor(
            `the CRD ${name} to be established`,
            async () => {
                const c = await kube.get<Crd>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
                return c.status?.conditions?.some((x) => x.type === "Established" && x.status === "True") ? true : undefined;
            },
            60_000,
        );
    }
    return names;
}
