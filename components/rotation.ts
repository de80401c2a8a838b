// Token rotation maths: pure functions, no Pulumi.
//
// Time is cut into fixed windows of `rotateEveryDays` days, counted in whole UTC days from a Monday
// (1970-01-05), so every window starts at 00:00 UTC and weekly windows start on Mondays. Every evaluation
// inside one window derives the same expiry (window start + lifetime - a clock-skew margin), so previews
// inside a window show no change, and the first `pulumi up` of the next window asks Azure for a fresh
// token. The shipped rotation workflow runs every day (ROTATION_CRON), a few hours after a window can
// start, so a rotation is at most one day late even when windows and runs are out of step.

import type { KeyType } from "./args";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Below this many days of life left, a due rotation is a warning rather than a note. */
export const WARN_DAYS_LEFT = 3;
/** Windows are counted from this instant: Monday 1970-01-05 00:00 UTC. */
export const WINDOW_ANCHOR_MS = Date.UTC(1970, 0, 5);
/**
 * Requested expiries end this long before window start + lifetime, so a 30-day token asked for by a clock
 * a few minutes ahead of Azure's is still within Azure's 30 days.
 */
export const CLOCK_SKEW_MARGIN_MS = 15 * 60 * 1000;
/** The scheduled rotation (.github/workflows/rotate.yml): every day at 05:17 UTC. */
export const ROTATION_CRON = "17 5 * * *";
/** Days between two scheduled rotation runs. */
export const ROTATION_RUN_EVERY_DAYS = 1;
/**
 * In prod, the token must outlive this many days past a due rotation: the scheduled run that is due, and one
 * more in case that one fails.
 */
// Stryker disable next-line ArithmeticOperator: equivalent while runs are daily (2 * 1 === 2 / 1)
export const MIN_SLACK_DAYS = 2 * ROTATION_RUN_EVERY_DAYS;

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
    /** windowStart + lifetimeDays - CLOCK_SKEW_MARGIN_MS. */
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

/**
 * Days a token outlives a due rotation under these settings (lifetime - rotation period), and whether that
 * survives a failed scheduled run: below MIN_SLACK_DAYS, one missed daily run lets the token lapse.
 */
export function rotationSlackProblem(s: RotationSettings, prefix = "token"): string | undefined {
    const slack = s.lifetimeDays - s.rotateEveryDays;
    if (slack >= MIN_SLACK_DAYS) return undefined;
    return (
        `${prefix}.rotateEveryDays: got ${s.rotateEveryDays} with ${prefix}.lifetimeDays ${s.lifetimeDays}; a token then outlives its ` +
        `rotation by ${slack} day(s), so one failed daily rotation run lets it expire. Keep lifetimeDays - rotateEveryDays at ` +
        `${MIN_SLACK_DAYS} days or more (e.g. lifetimeDays 30, rotateEveryDays 7)`
    );
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
    const index = Math.floor((t - WINDOW_ANCHOR_MS) / windowMs);
    const start = WINDOW_ANCHOR_MS + index * windowMs;
    return {
        index,
        windowStart: new Date(start),
        rotatesAfter: new Date(start + windowMs),
        expiry: new Date(start + s.lifetimeDays * DAY_MS - CLOCK_SKEW_MARGIN_MS),
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

export interface TokenPlanSettings extends RotationSettings {
    keyType: KeyType;
    /** Alternate primary/secondary between successive windows. */
    alternateKeys: boolean;
}

/** Everything about the token that the program derives from the clock. */
export interface TokenPlan {
    window: TokenWindow;
    keyType: KeyType;
    /** yyyy-MM-ddTHH:mm:ssZ */
    expiry: string;
    rotatesAfter: string;
}

/** Even windows use the configured key, odd windows the other one when alternating. */
export function keyForWindow(index: number, base: KeyType, alternate: boolean): KeyType {
    if (!alternate || index % 2 === 0) return base;
    return base === "primary" ? "secondary" : "primary";
}

export function tokenPlan(now: Date, s: TokenPlanSettings): TokenPlan {
    const window = tokenWindow(now, s);
    return {
        window,
        keyType: keyForWindow(window.index, s.keyType, s.alternateKeys),
        expiry: armExpiry(window.expiry),
        rotatesAfter: armExpiry(window.rotatesAfter),
    };
}

export interface RotationNotice {
    level: "info" | "warn";
    message: string;
}

function humanLeft(days: number): string {
    if (days <= 0) return "expired";
    const hours = Math.floor(days * 24);
    return hours < 48 ? `${hours} h left` : `${Math.floor(days)} days left`;
}

/**
 * One plain line about the token for this run, or nothing when there is nothing to say.
 * `stored` is the expiry of the token now in state (the stack's last `tokenExpiry` output).
 */
export function rotationNotice(o: {
    stored?: string;
    next: Pick<TokenPlan, "expiry" | "keyType" | "rotatesAfter">;
    now: Date;
    stack: string;
    dryRun: boolean;
}): RotationNotice | undefined {
    if (o.stored === undefined) return undefined;
    const stored = new Date(o.stored);
    if (Number.isNaN(stored.getTime())) return undefined;
    const left = daysLeft(stored, o.now);
    const status = `the current token expires ${o.stored} (${humanLeft(left)})`;
    if (o.stored === o.next.expiry) {
        // Not due: only worth a word when the settings leave too little margin.
        if (!o.dryRun || left > WARN_DAYS_LEFT) return undefined;
        return {
            level: "warn",
            message:
                `Gateway token is about to expire: ${status}, and no new one is due before ${o.next.rotatesAfter}. ` +
                `Keep token.lifetimeDays - token.rotateEveryDays at ${WARN_DAYS_LEFT} days or more.`,
        };
    }
    if (!o.dryRun) {
        return {
            level: "info",
            message: `Token rotation: issuing a new gateway token (${o.next.keyType} key) that expires ${o.next.expiry}; ${status}.`,
        };
    }
    if (left <= WARN_DAYS_LEFT) {
        return {
            level: "warn",
            message:
                `Gateway token ${left <= 0 ? "has expired" : "is about to expire"}: ${status}. Run \`pulumi up --stack ${o.stack}\` now; ` +
                "an expired token stops configuration sync (traffic keeps flowing).",
        };
    }
    return {
        level: "info",
        message: `Token rotation due: the next \`pulumi up\` issues a new token (${o.next.keyType} key) that expires ${o.next.expiry}; ${status}.`,
    };
}
