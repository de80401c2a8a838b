// Stack settings beside the `gateway` object.

/**
 * Checks the `renderYamlTo` stack setting: a directory to write Kubernetes manifests to instead of applying them.
 * `raw` is the config value as Pulumi stores it (always a string; objects and lists arrive as JSON).
 */
export function renderDirProblems(raw: string | undefined, key = "renderYamlTo"): string[] {
    if (raw === undefined) return [];
    const hint = `expected a directory path such as "rendered/prod" (relative to the project), or remove ${key} to apply to the cluster`;
    if (raw.trim() === "") return [`${key}: got ${JSON.stringify(raw)}; ${hint}`];
    let parsed: unknown = raw;
    try {
        parsed = JSON.parse(raw);
    } catch {
        // A plain string: a path.
    }
    if (parsed === null || typeof parsed === "boolean" || typeof parsed === "object") {
        return [`${key}: got ${raw}; ${hint}`];
    }
    return [];
}
