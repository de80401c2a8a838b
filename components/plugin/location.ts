// Can the Pulumi engine find this package's provider plugin (pulumi-resource-apim-gateway)? The engine looks, in
// order (sdk/go/common/workspace/plugins.go, getPluginInfoAndPath, Pulumi 3.276): the project's `plugins.providers`
// in Pulumi.yaml, an executable of that name on $PATH (unless PULUMI_IGNORE_AMBIENT_PLUGINS), and its plugin cache
// ($PULUMI_HOME/plugins/resource-apim-gateway-v<version>); when none has it, it downloads the plugin from the
// resource's pluginDownloadURL, if there is one. A TypeScript project that installed this package from a tarball
// or a git URL has none of these until it is told what to run: this check says so in one line, before anything
// is registered, instead of the engine's error after the Azure gateway was created.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const PLUGIN_EXECUTABLE = "pulumi-resource-apim-gateway";

let inPlugin = false;
/** Called by the plugin's entry point: components it constructs for other languages skip the check. */
export function markServedByPlugin(): void {
    inPlugin = true;
}
export const servedByPlugin = (): boolean => inPlugin;

export interface PluginSearch {
    /** The plugin version the resources ask for. */
    version: string;
    /** package.json `pulumi.server` (undefined for an unpublished package). */
    downloadUrl: string | undefined;
    /** The project's directory (holds Pulumi.yaml). */
    projectDir: string;
    /** This package's folder, for the command the message gives. */
    packageDir: string;
    env: NodeJS.ProcessEnv;
}

/** The `plugins:` block of a Pulumi.yaml: its line and the indented lines after it, up to the next top-level key. */
function pluginsBlock(text: string): string {
    const lines = text.split(/\r?\n/);
    const start = lines.findIndex((l) => /^plugins\s*:/.test(l));
    if (start < 0) return "";
    const block = [lines[start].replace(/^plugins\s*:/, "")];
    for (const l of lines.slice(start + 1)) {
        if (/^\S/.test(l) && !l.startsWith("#")) break;
        block.push(l);
    }
    return block.join("\n");
}

/** The project's Pulumi.yaml names a provider plugin `apim-gateway` (any path: the engine refuses a wrong one itself). */
function projectNamesPlugin(s: PluginSearch): boolean {
    for (const file of ["Pulumi.yaml", "Pulumi.yml"]) {
        const p = path.join(s.projectDir, file);
        if (!fs.existsSync(p)) continue;
        // `plugins: providers: - name: apim-gateway`, in block or flow style.
        return /(^|[\s{,-])name\s*:\s*["']?apim-gateway["']?\s*($|[,}\s])/m.test(pluginsBlock(fs.readFileSync(p, "utf8")));
    }
    return false;
}

function onPath(s: PluginSearch): boolean {
    if (/^(1|true)$/i.test(s.env.PULUMI_IGNORE_AMBIENT_PLUGINS ?? "")) return false;
    return (s.env.PATH ?? "")
        .split(path.delimiter)
        .filter((d) => d !== "")
        .some((d) => {
            try {
                fs.accessSync(path.join(d, PLUGIN_EXECUTABLE), fs.constants.X_OK);
                return true;
            } catch {
                return false;
            }
        });
}

function inPluginCache(s: PluginSearch): boolean {
    const home = s.env.PULUMI_HOME || path.join(s.env.HOME || os.homedir(), ".pulumi");
    const dir = path.join(home, "plugins");
    if (!fs.existsSync(dir)) return false;
    // Any installed version of the same major: the engine also takes a compatible newer one.
    const major = s.version.split(".")[0];
    return fs
        .readdirSync(dir)
        .some((n) => n.startsWith(`resource-apim-gateway-v${major}.`) && !n.endsWith(".partial") && !n.endsWith(".lock"));
}

/** One line naming the fix when the engine would not find the plugin; undefined when it would. */
export function pluginLocationProblem(s: PluginSearch): string | undefined {
    if (s.downloadUrl !== undefined || projectNamesPlugin(s) || onPath(s) || inPluginCache(s)) return undefined;
    let launcher = path.relative(s.projectDir, path.join(s.packageDir, "bin", PLUGIN_EXECUTABLE));
    if (launcher.startsWith("..") || path.isAbsolute(launcher)) launcher = path.join(s.packageDir, "bin", PLUGIN_EXECUTABLE);
    return (
        `Pulumi cannot find this package's provider plugin (${PLUGIN_EXECUTABLE} ${s.version}), which issues the gateway's token; ` +
        `install it once on this machine: pulumi plugin install resource apim-gateway ${s.version} --file ${launcher}`
    );
}
