// Keys: Kubernetes label keys and values as map keys, and how a key path is written in messages.
import { z } from "zod";
import { LABEL_KEY, LABEL_VALUE } from "./names";

export const labelKey = z.string().regex(LABEL_KEY, "must be a label key such as team or example.com/team");
export const labelMap = z.record(
    labelKey,
    z
        .string()
        .regex(
            LABEL_VALUE,
            "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        ),
);
export const plainAnnotations = z.record(labelKey, z.string());

/** Names the place in the input; prefix is the config key (e.g. `gateway`) or the arg name. */
export function keyPath(prefix: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, p) => {
        if (typeof p === "number") return `${acc}[${p}]`;
        const key = String(p);
        // Map keys such as annotation names contain dots and slashes: bracket them so the path stays readable.
        if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${acc}[${JSON.stringify(key)}]`;
        return acc ? `${acc}.${key}` : key;
    }, prefix);
}
