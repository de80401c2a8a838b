// Packs a release: the npm package and the provider plugin's release archives.
//
//   npm run release:pack -- --server <release site> [--out <dir>]
//
// The npm package (apim-gateway-<version>.tgz, `npm pack` of this repository) gets a `pulumi` section in its
// package.json naming the release site:
//   "pulumi": { "resource": true, "name": "apim-gateway", "version": "<version>", "server": "<release site>" }
// That is how a Pulumi package with a provider plugin is found: Pulumi's Node.js language host reports it as a
// required plugin, and the component's provider resources carry it as pluginDownloadURL, so the engine downloads
// a missing plugin from `<release site>/pulumi-resource-apim-gateway-v<version>-<os>-<arch>.tar.gz`.
// The archives hold the plugin launcher (bin/pulumi-resource-apim-gateway), which runs the apim-gateway package the
// deploying project has installed: one archive per OS and architecture the engine asks for, all alike.
// Upload the archives to the release site (e.g. a GitHub release: github://api.github.com/<owner>/<repo>) and
// publish the npm package.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const args = process.argv.slice(2);
const opt = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
};
const server = opt("server");
const out = path.resolve(opt("out") ?? path.join(repo, "release"));
if (!server || !/^(https?|github|gitlab):\/\/\S+$/.test(server)) {
    console.error(
        "release:pack: --server <release site> is required: an https://, github:// or gitlab:// URL the engine downloads plugins from",
    );
    process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const { version } = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "apim-gateway-release-"));
try {
    // The npm package, with the release site in its package.json.
    const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: repo, encoding: "utf8" })
        .trim()
        .split("\n")
        .pop();
    const unpacked = path.join(work, "unpacked");
    fs.mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", path.join(work, packed), "-C", unpacked]);
    const pkgFile = path.join(unpacked, "package", "package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
    pkg.pulumi = { resource: true, name: "apim-gateway", version, server };
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + "\n");
    const tgz = path.join(out, `apim-gateway-${version}.tgz`);
    execFileSync("tar", ["-czf", tgz, "-C", unpacked, "package"]);
    console.log(tgz);

    // The plugin archives: the launcher at the archive's root, executable.
    const plugin = path.join(work, "plugin");
    fs.mkdirSync(plugin);
    fs.copyFileSync(path.join(repo, "bin", "pulumi-resource-apim-gateway"), path.join(plugin, "pulumi-resource-apim-gateway"));
    fs.chmodSync(path.join(plugin, "pulumi-resource-apim-gateway"), 0o755);
    for (const osName of ["linux", "darwin"]) {
        for (const arch of ["amd64", "arm64"]) {
            const archive = path.join(out, `pulumi-resource-apim-gateway-v${version}-${osName}-${arch}.tar.gz`);
            execFileSync("tar", ["-czf", archive, "-C", plugin, "pulumi-resource-apim-gateway"]);
            console.log(archive);
        }
    }
} finally {
    fs.rmSync(work, { recursive: true, force: true });
}
