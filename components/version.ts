// This package's version, read from its package.json: the provider plugin reports it, and the resources it
// serves ask the engine for exactly that plugin version.
import * as fs from "fs";
import * as path from "path";

function findPackageVersion(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "apim-gateway" && typeof pkg.version === "string") return pkg.version;
        }
        if (path.dirname(dir) === dir) throw new Error(`apim-gateway: no package.json of this package above ${from}`);
    }
}

export const PACKAGE_VERSION = findPackageVersion(__dirname);
