// Token rotation maths: pure functions, no Pulumi.
//
// Time is cut into fixed windows of `rotateEveryDays` days counted from the Unix epoch
// (midnight UTC). Every evaluation inside one window derives the same expiry
// (window start + lifetime), so previews inside a window show no change, and the first
// `pulumi up` of the next window asks Azure for a fresh token.

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface RotationSettings {
    lifetimeDays: number;
    rotateEveryDays: number;
}

export interface TokenWindow {
    /** Zero-based index of the window since the epoch. */
    index: number;
    windowStart: Date;
    /** End of the window: the first instant at which a new token is due. */
    rotatesAfter: Date;
    /** windowStart + lifetimeDays. */
    expiry: Date;
}

/** Problems with the rotation settings, one sentence each naming the key; empty when valid. */
export function rotationProblems(s: RotationSettings, maxLifetimeDays = 30, prefix = "token"): string[] {
    const problems: string[] = [];
    const whole = (key: keyof RotationSettings, v: number, max: number) => {
        if (!Number.isInteger(v) || v < 1 || v > max) {
            problems.push(`${prefix}.${key}: got ${JSON.stringify(v)}; expected a whole number of days from 1 to ${max}`);
            return false;
        }
        return true;
    };
    const okLife = whole("lifetimeDays", s.lifetimeDays, maxLifetimeDays);
    const okRotate = whole("rotateEveryDays", s.rotateEveryDays, maxLifetimeDays - 1);
    if (okLife && okRotate && s.rotateEveryDays >= s.lifetimeDays) {
        problems.push(
            `${prefix}.rotateEveryDays: got ${s.rotateEveryDays}; it must be less than ${prefix}.lifetimeDays ` +
                `(${s.lifetimeDays}), or a token expires before the next one is issued`,
        );
    }
    return problems;
}

/** The rotation window that contains `now`. Settings must be valid (see rotationProblems). */
export function tokenWindow(now: Date, s: RotationSettings): TokenWindow {
    const t = now.getTime();
    if (!Number.isFinite(t)) {
        throw new Error(`tokenWindow: invalid clock value ${String(now)}`);
    }
    const problems = rotationProblems(s);
    if (problems.length > 0) {
        throw new Error(problems.join("; "));
    }
    const windowMs = s.rotateEveryDays * DAY_MS;
    const index = Math.floor(t / windowMs);
    const start = index * windowMs;
    return {
        index,
        windowStart: new Date(start),
        rotatesAfter: new Date(start + windowMs),
        expiry: new Date(start + s.lifetimeDays * DAY_MS),
    };
}

/** The expiry format of the ARM generateToken contract: yyyy-MM-ddTHH:mm:ssZ. */
export function armExpiry(d: Date): string {
    return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Days (fractional) left on a token with this expiry at `now`. Negative when expired. */
export function daysLeft(expiry: Date, now: Date): number {
    return (expiry.getTime() - now.getTime()) / DAY_MS;
}
