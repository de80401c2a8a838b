// How e2e scenarios report: wall times on stderr, and the resources a run changed.

/** Logs a scenario's wall time the way every scenario of the suite does. */
export function wall(label: string, ms: number): void {
    process.stderr.write(`      [e2e] ${label}: ${(ms / 1000).toFixed(1)} s\n`);
}

/** The resources a run changes, as `<op> <type>` (a replacement's create/delete halves folded into `replace`). */
export function changes(steps: { op: string; type: string }[]): string[] {
    const folded = steps
        .filter((s) => !["same", "read", "create-replacement", "delete-replaced", "discard-replaced"].includes(s.op))
        .map((s) => `${s.op} ${s.type}`);
    return [...new Set(folded)].sort();
}
