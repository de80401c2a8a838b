// Rotation maths: exact examples, then properties over random clocks and settings (fast-check).
import { strict as assert } from "assert";
import fc from "fast-check";
import { SelfHostedGateway } from "../components";
import {
    armExpiry,
    CLOCK_SKEW_MARGIN_MS,
    DAY_MS,
    keyForWindow,
    MIN_SLACK_DAYS,
    ROTATION_CRON,
    rotationNotice,
    rotationProblems,
    rotationSlackProblem,
    tokenPlan,
    TokenPlanSettings,
    tokenWindow,
    WINDOW_ANCHOR_MS,
} from "../components/rotation";
import { rotationSlackFindings } from "../components/rules";
import { prodTokenSettingsArb, tokenSettingsArb } from "./arbitraries";
import { buildComponent, byUrnish, diffPaths } from "./harness";

const iso = (d: Date) => d.toISOString();
const MIN = Date.parse("2020-01-01T00:00:00Z");
const MAX = Date.parse("2040-01-01T00:00:00Z");

const settingsArb = tokenSettingsArb;
const clockArb = fc.integer({ min: MIN, max: MAX });

describe("rotation windows (examples)", () => {
    it("cuts time into windows counted from Monday 1970-01-05 and derives the expiry from the window start, less 15 minutes", () => {
        const w = tokenWindow(new Date("2026-11-23T10:00:00Z"), { lifetimeDays: 30, rotateEveryDays: 7 });
        assert.deepEqual(
            { index: w.index, start: iso(w.windowStart), end: iso(w.rotatesAfter), expiry: iso(w.expiry) },
            { index: 2968, start: "2026-11-23T00:00:00.000Z", end: "2026-11-30T00:00:00.000Z", expiry: "2026-12-22T23:45:00.000Z" },
        );
        // The last millisecond of the window still belongs to it; the next one starts a new window.
        assert.equal(tokenWindow(new Date("2026-11-29T23:59:59.999Z"), { lifetimeDays: 30, rotateEveryDays: 7 }).index, 2968);
        assert.equal(tokenWindow(new Date("2026-11-30T00:00:00.000Z"), { lifetimeDays: 30, rotateEveryDays: 7 }).index, 2969);
    });

    it("anchors windows on Monday 1970-01-05 00:00 UTC and keeps a 15-minute clock-skew margin", () => {
        assert.equal(new Date(WINDOW_ANCHOR_MS).toISOString(), "1970-01-05T00:00:00.000Z");
        assert.equal(new Date(WINDOW_ANCHOR_MS).getUTCDay(), 1);
        assert.equal(CLOCK_SKEW_MARGIN_MS, 900_000);
        assert.equal(ROTATION_CRON, "17 5 * * *");
        assert.equal(MIN_SLACK_DAYS, 2);
        // The anchor itself starts window 0; the instant before it belongs to window -1 (Monday 1969-12-29).
        const s = { lifetimeDays: 30, rotateEveryDays: 7 };
        const first = tokenWindow(new Date(WINDOW_ANCHOR_MS), s);
        assert.deepEqual(
            { index: first.index, start: iso(first.windowStart), expiry: iso(first.expiry) },
            { index: 0, start: "1970-01-05T00:00:00.000Z", expiry: "1970-02-03T23:45:00.000Z" },
        );
        const before = tokenWindow(new Date(WINDOW_ANCHOR_MS - 1), s);
        assert.deepEqual({ index: before.index, start: iso(before.windowStart) }, { index: -1, start: "1969-12-29T00:00:00.000Z" });
        // Weekly windows start on Mondays; daily windows start every day at 00:00 UTC.
        const daily = tokenWindow(new Date("2026-11-26T23:59:00Z"), { lifetimeDays: 3, rotateEveryDays: 1 });
        assert.deepEqual(
            { start: iso(daily.windowStart), end: iso(daily.rotatesAfter), expiry: iso(daily.expiry) },
            { start: "2026-11-26T00:00:00.000Z", end: "2026-11-27T00:00:00.000Z", expiry: "2026-11-28T23:45:00.000Z" },
        );
        // A 30-day token asked for at the very start of its window by a clock 5 s ahead is still within Azure's 30 days.
        const plan = tokenPlan(new Date(Date.parse("2026-11-23T00:00:05Z")), { ...s, keyType: "primary", alternateKeys: false });
        assert.equal(plan.expiry, "2026-12-22T23:45:00Z");
        assert.equal(Date.parse(plan.expiry) - Date.parse("2026-11-23T00:00:05Z"), 30 * DAY_MS - CLOCK_SKEW_MARGIN_MS - 5_000);
    });

    it("refuses settings whose token lapses after one failed daily rotation run, naming both keys", () => {
        assert.equal(rotationSlackProblem({ lifetimeDays: 30, rotateEveryDays: 7 }), undefined);
        assert.equal(rotationSlackProblem({ lifetimeDays: 9, rotateEveryDays: 7 }), undefined);
        assert.equal(
            rotationSlackProblem({ lifetimeDays: 8, rotateEveryDays: 7 }),
            "token.rotateEveryDays: got 7 with token.lifetimeDays 8; a token then outlives its rotation by 1 day(s), so one failed " +
                "daily rotation run lets it expire. Keep lifetimeDays - rotateEveryDays at 2 days or more (e.g. lifetimeDays 30, rotateEveryDays 7)",
        );
        assert.equal(
            rotationSlackProblem({ lifetimeDays: 7, rotateEveryDays: 7 }, "gateway.token"),
            "gateway.token.rotateEveryDays: got 7 with gateway.token.lifetimeDays 7; a token then outlives its rotation by 0 day(s), so one " +
                "failed daily rotation run lets it expire. Keep lifetimeDays - rotateEveryDays at 2 days or more (e.g. lifetimeDays 30, rotateEveryDays 7)",
        );
        assert.deepEqual(rotationSlackFindings({ lifetimeDays: 30, rotateEveryDays: 28 }), []);
        assert.deepEqual(rotationSlackFindings({ lifetimeDays: 2, rotateEveryDays: 1 }), [
            {
                rule: "token-rotation-slack",
                key: "token.rotateEveryDays",
                message:
                    "token.rotateEveryDays: got 1 with token.lifetimeDays 2; a token then outlives its rotation by 1 day(s), so one failed " +
                    "daily rotation run lets it expire. Keep lifetimeDays - rotateEveryDays at 2 days or more (e.g. lifetimeDays 30, rotateEveryDays 7)",
            },
        ]);
    });

    it("formats the ARM expiry without milliseconds", () => {
        assert.equal(armExpiry(new Date("2026-12-22T23:45:00.000Z")), "2026-12-22T23:45:00Z");
    });

    it("rejects invalid combinations with a message naming the key", () => {
        assert.deepEqual(rotationProblems({ lifetimeDays: 7, rotateEveryDays: 7 }), [
            "token.rotateEveryDays: got 7; it must be less than token.lifetimeDays (7), or a token expires before the next one is issued",
        ]);
        assert.deepEqual(rotationProblems({ lifetimeDays: 31, rotateEveryDays: 7 }), [
            "token.lifetimeDays: got 31; expected a whole number of days from 1 to 30",
        ]);
        assert.deepEqual(rotationProblems({ lifetimeDays: 10.5, rotateEveryDays: -1 }), [
            "token.lifetimeDays: got 10.5; expected a whole number of days from 1 to 30",
            "token.rotateEveryDays: got -1; expected a whole number of days from 1 to 29",
        ]);
        assert.deepEqual(rotationProblems({ lifetimeDays: 30, rotateEveryDays: 0 }), [
            "token.rotateEveryDays: got 0; expected a whole number of days from 1 to 29",
        ]);
        // A key that is out of range is reported alone: the two are not compared as well.
        assert.deepEqual(rotationProblems({ lifetimeDays: 0, rotateEveryDays: 5 }), [
            "token.lifetimeDays: got 0; expected a whole number of days from 1 to 30",
        ]);
        assert.deepEqual(rotationProblems({ lifetimeDays: 10, rotateEveryDays: 10.5 }), [
            "token.rotateEveryDays: got 10.5; expected a whole number of days from 1 to 29",
        ]);
        assert.deepEqual(rotationProblems({ lifetimeDays: 30, rotateEveryDays: 29 }), []);
        assert.deepEqual(rotationProblems({ lifetimeDays: 1, rotateEveryDays: 1 }, 30, "gateway.token"), [
            "gateway.token.rotateEveryDays: got 1; it must be less than gateway.token.lifetimeDays (1), or a token expires before the next one is issued",
        ]);
        assert.throws(
            () => tokenWindow(new Date(0), { lifetimeDays: 31, rotateEveryDays: 0 }),
            (e: Error) =>
                e.message ===
                "token.lifetimeDays: got 31; expected a whole number of days from 1 to 30; " +
                    "token.rotateEveryDays: got 0; expected a whole number of days from 1 to 29",
        );
        assert.throws(() => tokenWindow(new Date(0), { lifetimeDays: 5, rotateEveryDays: 9 }), /rotateEveryDays: got 9/);
        assert.throws(() => tokenWindow(new Date(NaN), { lifetimeDays: 30, rotateEveryDays: 7 }), /invalid clock value/);
    });

    it("alternates keys only when asked", () => {
        assert.deepEqual(
            [0, 1, 2, 3].map((i) => keyForWindow(i, "primary", true)),
            ["primary", "secondary", "primary", "secondary"],
        );
        assert.deepEqual(
            [0, 1, 2, 3].map((i) => keyForWindow(i, "secondary", true)),
            ["secondary", "primary", "secondary", "primary"],
        );
        assert.deepEqual(
            [0, 1].map((i) => keyForWindow(i, "secondary", false)),
            ["secondary", "secondary"],
        );
    });

    it("has nothing to say without a stored expiry, or when it is the same", () => {
        const next = { expiry: "2026-12-22T23:45:00Z", keyType: "primary" as const, rotatesAfter: "2026-11-30T00:00:00Z" };
        const now = new Date("2026-11-23T00:00:00Z");
        assert.equal(rotationNotice({ next, now, stack: "prod", dryRun: true }), undefined);
        assert.equal(rotationNotice({ stored: next.expiry, next, now, stack: "prod", dryRun: true }), undefined);
        assert.equal(rotationNotice({ stored: "garbage", next, now, stack: "prod", dryRun: true }), undefined);
    });

    it("warns when settings leave a token within 3 days of expiry before the next rotation is due", () => {
        // lifetimeDays 3, rotateEveryDays 2: right before a window ends, the token has 1 day left.
        const next = { expiry: "2026-11-24T00:00:00Z", keyType: "primary" as const, rotatesAfter: "2026-11-23T00:00:00Z" };
        assert.deepEqual(rotationNotice({ stored: next.expiry, next, now: new Date("2026-11-22T12:00:00Z"), stack: "dev", dryRun: true }), {
            level: "warn",
            message:
                "Gateway token is about to expire: the current token expires 2026-11-24T00:00:00Z (36 h left), and no new one is due before " +
                "2026-11-23T00:00:00Z. Keep token.lifetimeDays - token.rotateEveryDays at 3 days or more.",
        });
        assert.equal(
            rotationNotice({ stored: next.expiry, next, now: new Date("2026-11-22T12:00:00Z"), stack: "dev", dryRun: false }),
            undefined,
        );
    });
});

describe("rotation notice", () => {
    const next = { expiry: "2026-12-22T23:45:00Z", keyType: "secondary" as const, rotatesAfter: "2026-11-30T00:00:00Z" };
    const stored = "2026-12-15T23:45:00Z";
    const at = (daysBefore: number) => new Date(Date.parse(stored) - daysBefore * DAY_MS);
    const notice = (now: Date, dryRun: boolean, s = stored) => rotationNotice({ stored: s, next, now, stack: "prod", dryRun });

    it("on an up that issues a new token, names its key and expiry and the current one", () => {
        assert.deepEqual(notice(at(10), false), {
            level: "info",
            message:
                "Token rotation: issuing a new gateway token (secondary key) that expires 2026-12-22T23:45:00Z; " +
                "the current token expires 2026-12-15T23:45:00Z (10 days left).",
        });
        // Even a token that has expired is only a note on the up that replaces it.
        assert.deepEqual(notice(at(-1), false), {
            level: "info",
            message:
                "Token rotation: issuing a new gateway token (secondary key) that expires 2026-12-22T23:45:00Z; " +
                "the current token expires 2026-12-15T23:45:00Z (expired).",
        });
    });

    it("on a preview with a rotation due, is a note while more than 3 days are left", () => {
        assert.deepEqual(notice(at(3.5), true), {
            level: "info",
            message:
                "Token rotation due: the next `pulumi up` issues a new token (secondary key) that expires 2026-12-22T23:45:00Z; " +
                "the current token expires 2026-12-15T23:45:00Z (3 days left).",
        });
    });

    it("on a preview with a rotation due, warns from 3 days left on, and says when the token has expired", () => {
        const warning = (human: string, state: string) => ({
            level: "warn",
            message:
                `Gateway token ${state}: the current token expires 2026-12-15T23:45:00Z (${human}). Run \`pulumi up --stack prod\` now; ` +
                "an expired token stops configuration sync (traffic keeps flowing).",
        });
        assert.deepEqual(notice(at(3), true), warning("3 days left", "is about to expire"));
        assert.deepEqual(notice(at(1 / 24 / 60), true), warning("0 h left", "is about to expire"));
        assert.deepEqual(notice(at(0), true), warning("expired", "has expired"));
        assert.deepEqual(notice(at(-2), true), warning("expired", "has expired"));
    });

    it("counts hours below 48 h left and whole days from 48 h on", () => {
        const human = (daysBefore: number) => notice(at(daysBefore), false)?.message.replace(/^.*\((.*)\)\.$/, "$1");
        assert.deepEqual([47 / 24 + 0.01, 2, 2.99, 1.5, 30].map(human), [
            "47 h left",
            "2 days left",
            "2 days left",
            "36 h left",
            "30 days left",
        ]);
    });

    it("when the token in state is the one this window asks for, warns on a preview at 3 days left and no earlier", () => {
        const same = (daysBefore: number, dryRun = true) =>
            rotationNotice({
                stored: next.expiry,
                next,
                now: new Date(Date.parse(next.expiry) - daysBefore * DAY_MS),
                stack: "prod",
                dryRun,
            });
        assert.deepEqual(same(3), {
            level: "warn",
            message:
                "Gateway token is about to expire: the current token expires 2026-12-22T23:45:00Z (3 days left), and no new one is due before " +
                "2026-11-30T00:00:00Z. Keep token.lifetimeDays - token.rotateEveryDays at 3 days or more.",
        });
        assert.equal(same(3.01), undefined);
        assert.equal(same(3, false), undefined);
    });
});

describe("rotation windows (properties over random clocks and settings)", () => {
    it("gives the same plan at any two instants of one window", () => {
        fc.assert(
            fc.property(clockArb, settingsArb, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (t, s, f) => {
                const a = tokenPlan(new Date(t), s);
                const start = a.window.windowStart.getTime();
                const other = start + Math.floor(f * s.rotateEveryDays * DAY_MS);
                assert.deepEqual(tokenPlan(new Date(other), s), a);
            }),
            { numRuns: 500 },
        );
    });

    it("crossing into the next window moves the expiry by exactly rotateEveryDays (and flips the key when alternating)", () => {
        fc.assert(
            fc.property(clockArb, settingsArb, (t, s) => {
                const a = tokenPlan(new Date(t), s);
                const b = tokenPlan(a.window.rotatesAfter, s);
                assert.equal(b.window.index, a.window.index + 1);
                assert.equal(Date.parse(b.expiry) - Date.parse(a.expiry), s.rotateEveryDays * DAY_MS);
                assert.equal(b.keyType === a.keyType, !s.alternateKeys);
            }),
            { numRuns: 500 },
        );
    });

    it("never asks for an expiry more than 30 days (nor more than the lifetime) after the call", () => {
        fc.assert(
            fc.property(clockArb, settingsArb, (t, s) => {
                const ahead = Date.parse(tokenPlan(new Date(t), s).expiry) - t;
                assert.ok(ahead <= 30 * DAY_MS && ahead <= s.lifetimeDays * DAY_MS, `${ahead / DAY_MS} days ahead`);
            }),
            { numRuns: 1000 },
        );
    });

    it("right after an up, leaves at least lifetimeDays - rotateEveryDays of life, less the clock-skew margin", () => {
        fc.assert(
            fc.property(clockArb, settingsArb, (t, s) => {
                const left = Date.parse(tokenPlan(new Date(t), s).expiry) - t;
                assert.ok(left > (s.lifetimeDays - s.rotateEveryDays) * DAY_MS - CLOCK_SKEW_MARGIN_MS, `${left / DAY_MS} days left`);
            }),
            { numRuns: 1000 },
        );
    });

    it("rejects every invalid combination", () => {
        const bad = fc.oneof(
            fc.record({ lifetimeDays: fc.integer({ min: 31, max: 1000 }), rotateEveryDays: fc.integer({ min: 1, max: 29 }) }),
            fc.record({ lifetimeDays: fc.integer({ min: -100, max: 0 }), rotateEveryDays: fc.integer({ min: 1, max: 29 }) }),
            fc.record({ lifetimeDays: fc.integer({ min: 1, max: 30 }), rotateEveryDays: fc.integer({ min: -100, max: 0 }) }),
            fc
                .integer({ min: 1, max: 29 })
                .chain((l) => fc.record({ lifetimeDays: fc.constant(l), rotateEveryDays: fc.integer({ min: l, max: 29 }) })),
            fc.record({
                lifetimeDays: fc.double({ min: 1, max: 30, noNaN: true }).filter((x) => !Number.isInteger(x)),
                rotateEveryDays: fc.integer({ min: 1, max: 29 }),
            }),
        );
        fc.assert(
            fc.property(bad, (s) => {
                const problems = rotationProblems(s);
                assert.ok(problems.length >= 1);
                assert.ok(
                    problems.every((p) => /^token\.(lifetimeDays|rotateEveryDays): got /.test(p)),
                    problems.join("; "),
                );
            }),
            { numRuns: 500 },
        );
    });

    it("under mocks: the component's registered inputs are identical within a window, and only token fields change across one", async () => {
        const args = (s: TokenPlanSettings) => ({
            apim: { resourceGroupName: "rg", serviceName: "svc", gatewayName: "gw", location: { name: "x" } },
            namespace: { name: "gw", podSecurityLevel: "restricted" as const },
            token: s,
        });
        const build = async (t: number, s: TokenPlanSettings) =>
            byUrnish(
                (await buildComponent(() => ({ d: new SelfHostedGateway("gw", args(s)).deploymentName }), new Date(t).toISOString()))
                    .resources,
            );
        await fc.assert(
            fc.asyncProperty(clockArb, prodTokenSettingsArb, async (t, s) => {
                const plan = tokenPlan(new Date(t), s);
                const a = await build(t, s);
                const same = await build(plan.window.rotatesAfter.getTime() - 1, s);
                assert.deepEqual(diffPaths(a, same), []);
                const next = await build(plan.window.rotatesAfter.getTime(), s);
                const changed = diffPaths(a, next);
                const expected = [
                    "apim-gateway:index:GatewayToken::gw-token.expiry",
                    ...(s.alternateKeys ? ["apim-gateway:index:GatewayToken::gw-token.keyType"] : []),
                    // What the token's notice says is due next (not kept in state: the provider's check takes it out).
                    "apim-gateway:index:GatewayToken::gw-token.rotationNotice.rotatesAfter",
                    "kubernetes:apps/v1:Deployment::gw-deployment.spec.template.metadata.annotations.apim-gateway/token-expiry",
                    ...(s.alternateKeys
                        ? ["kubernetes:apps/v1:Deployment::gw-deployment.spec.template.metadata.annotations.apim-gateway/token-key"]
                        : []),
                    "kubernetes:apps/v1:Deployment::gw-deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name",
                    "kubernetes:core/v1:Secret::gw-token-secret.stringData.value.value",
                ];
                assert.deepEqual(changed, expected);
            }),
            { numRuns: 25 },
        );
    });
});
