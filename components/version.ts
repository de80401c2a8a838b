// This package's version and release site, read from its package.json: the provider plugin reports the version, and
// the resources it serves ask the engine for exactly that plugin version, to be downloaded from the release site
// (package.json `pulumi.server`, set when a release is published: docs/other-languages.md) when it is not installed.
import * as fs from "fs";
import * as path from "path";

interface PackageJson {
    name?: string;
    version?: string;
    pulumi?: { resource?: boolean; name?: string; server?: string };
}

function findPackageJson(from: string): { file: string; pkg: PackageJson } {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as PackageJson;
            if (pkg.name === "apim-gateway" && typeof pkg.version === "string") return { file, pkg };
        }
        if (path.dirname(dir) === dir) throw new Error(`apim-gateway: no package.json of this package above ${from}`);
    }
}

const found = findPackageJson(__dirname);

export const PACKAGE_VERSION = found.pkg.version as string;
/** The folder this package is installed in (holds package.json, bin/ and dist/). */
export const PACKAGE_DIR = path.dirname(found.file);
/** Where the engine downloads the provider plugin from when it is missing; undefined for an unpublished package. */
export const PLUGIN_DOWNLOAD_URL: string | undefined = found.pkg.pulumi?.server || undefined;
