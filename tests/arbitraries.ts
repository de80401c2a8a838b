// fast-check arbitraries shared by the property tests.
import fc from "fast-check";

/** Valid token settings: lifetime 2..30, rotate 1..lifetime-1, either key, alternating or not. */
export const tokenSettingsArb = fc.integer({ min: 2, max: 30 }).chain((lifetimeDays) =>
    fc.record({
        lifetimeDays: fc.constant(lifetimeDays),
        rotateEveryDays: fc.integer({ min: 1, max: lifetimeDays - 1 }),
        keyType: fc.constantFrom("primary" as const, "secondary" as const),
        alternateKeys: fc.boolean(),
    }),
);

/**
 * Token settings the prod profile accepts: the token outlives a due rotation by at least 2 days
 * (lifetime 3..30, rotate 1..lifetime-2), so one failed daily rotation run cannot let it lapse.
 */
export const prodTokenSettingsArb = fc.integer({ min: 3, max: 30 }).chain((lifetimeDays) =>
    fc.record({
        lifetimeDays: fc.constant(lifetimeDays),
        rotateEveryDays: fc.integer({ min: 1, max: lifetimeDays - 2 }),
        keyType: fc.constantFrom("primary" as const, "secondary" as const),
        alternateKeys: fc.boolean(),
    }),
);
