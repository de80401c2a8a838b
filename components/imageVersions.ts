// What the gateway's version numbers say: which releases Microsoft supports, and which run on arm64. Pure functions
// over the image tag; the newest release the project knows is DEFAULT_IMAGE_TAG (args.ts), which Renovate keeps
// current (renovate.json), so these move with it.
import { DEFAULT_IMAGE_TAG } from "./args";

export interface Version {
    major: number;
    minor: number;
    patch: number;
}

/**
 * The first release whose image is multi-architecture (linux/amd64 and linux/arm64). Source: the container release
 * notes of v2.13.0, "Support for ARM architecture"
 * (https://github.com/Azure/api-management-self-hosted-gateway/releases/tag/Container-v2.13.0).
 */
export const MULTI_ARCH_SINCE = "2.13.0";

/**
 * How many minor releases Microsoft supports: "Last major version and the last three minor releases" (if the latest
 * is 2.2.0, every 2.2.x, 2.1.x and 2.0.x). Source: "Support policies for self-hosted gateway",
 * https://learn.microsoft.com/azure/api-management/self-hosted-gateway-support-policies.
 */
export const SUPPORTED_MINORS = 3;

/** `2.13.2` (optionally `v2.13.2`, or with a suffix such as `-preview`) as numbers; undefined for a rolling tag. */
export function parseVersionTag(tag: string): Version | undefined {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-.][0-9A-Za-z.-]+)?$/.exec(tag);
    return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareVersions(a: Version, b: Version): number {
    return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

const must = (tag: string): Version => {
    const v = parseVersionTag(tag);
    if (v === undefined) throw new Error(`not a version: ${tag}`);
    return v;
};

/** Whether the image of this tag runs on arm64: a release from MULTI_ARCH_SINCE on; undefined for a rolling tag. */
export function isMultiArch(tag: string): boolean | undefined {
    const v = parseVersionTag(tag);
    return v === undefined ? undefined : compareVersions(v, must(MULTI_ARCH_SINCE)) >= 0;
}

/** The supported minor lines (`2.13`, `2.12`, `2.11`), newest first, when `newest` is the latest release. */
export function supportedMinors(newest: string = DEFAULT_IMAGE_TAG): string[] {
    const n = must(newest);
    return Array.from({ length: Math.min(SUPPORTED_MINORS, n.minor + 1) }, (_, i) => `${n.major}.${n.minor - i}`);
}

/**
 * Whether Microsoft still supports this release, judged against `newest`: "supported", "unsupported" (an older major,
 * or a minor below the last three), or "unknown" (a rolling tag such as `v2`, which follows the newest release).
 */
export function supportOf(tag: string, newest: string = DEFAULT_IMAGE_TAG): "supported" | "unsupported" | "unknown" {
    const v = parseVersionTag(tag);
    if (v === undefined) return "unknown";
    const n = must(newest);
    if (v.major !== n.major) return v.major < n.major ? "unsupported" : "supported";
    return v.minor > n.minor - SUPPORTED_MINORS ? "supported" : "unsupported";
}
