// One message for a list of problems (no schema library here: the package's public types import this).

/** `title (N problems):` then one `  - problem` line each. */
export function formatProblems(title: string, problems: string[]): string {
    return `${title} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}
