import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECK_GAP_MIN_MS,
  DEFAULT_CHECK_SCHEDULE,
  checkIntervalMs,
  firstCheckMs,
  fuzzedIntervalMs,
  nextNominalIntervalMs,
  warmStartCheckMs,
} from '../../../sim/model/node/check-schedule.ts';
import { reach } from '../../reach.ts';

// The update check schedule of update_check_scheduler.cc: nominal values at u = 0.5, the fuzz
// bounds at u = 0 and u -> 1, the doubling after HTTP 500/503 up to the cap, and properties over
// random draws (bounds).

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const schedule = DEFAULT_CHECK_SCHEDULE;
const uniform = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('check schedule (update_check_scheduler.cc)', () => {
  it('defaults to a first check at 7 min, then every 45 min, fuzz +-5 min, backoff cap 4 h', () => {
    expect(schedule).toEqual({ firstMs: 7 * MINUTE_MS, intervalMs: 45 * MINUTE_MS, fuzzMs: 5 * MINUTE_MS, backoffMaxMs: 4 * HOUR_MS });
  });

  it('firstCheckMs lands on 7 min at u = 0.5 and spans 2 to 12 min', () => {
    expect(firstCheckMs(schedule, 0.5)).toBe(7 * MINUTE_MS);
    expect(firstCheckMs(schedule, 0)).toBe(2 * MINUTE_MS);
    expect(firstCheckMs(schedule, 0.999999)).toBeCloseTo(12 * MINUTE_MS, -1);
  });

  it('checkIntervalMs after a success stays within 45 min +- 5 min for every draw', () => {
    fc.assert(
      fc.property(uniform, (u) => {
        const ms = checkIntervalMs(schedule, u);
        return ms >= 40 * MINUTE_MS && ms <= 50 * MINUTE_MS; // floating point may round u -> 1 up to the bound
      }),
    );
  });

  it('update_check_scheduler.cc ComputeNextIntervalAndFuzz: HTTP 500/503 doubles the last nominal interval, raised to 45 min, capped at 4 h', () => {
    // last_interval_ after the first check is kTimeoutInitialInterval (7 min): 14 min -> 45 min.
    expect(nextNominalIntervalMs(schedule, 7 * MINUTE_MS, true)).toBe(45 * MINUTE_MS);
    expect(nextNominalIntervalMs(schedule, 45 * MINUTE_MS, true)).toBe(90 * MINUTE_MS);
    expect(nextNominalIntervalMs(schedule, 90 * MINUTE_MS, true)).toBe(180 * MINUTE_MS);
    expect(nextNominalIntervalMs(schedule, 180 * MINUTE_MS, true)).toBe(4 * HOUR_MS);
    expect(nextNominalIntervalMs(schedule, 4 * HOUR_MS, true)).toBe(4 * HOUR_MS);
  });

  it('update_check_scheduler.cc ComputeNextIntervalAndFuzz: no HTTP error (success, or no answer at all) means the periodic 45 min, whatever came before', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10 * HOUR_MS, noNaN: true }), (lastMs) => nextNominalIntervalMs(schedule, lastMs, false) === 45 * MINUTE_MS),
    );
  });

  it('utils::FuzzInt: the periodic interval gets +- 5 min, a backed-off one +- half of itself', () => {
    expect(fuzzedIntervalMs(schedule, 45 * MINUTE_MS, 0)).toBe(40 * MINUTE_MS);
    expect(fuzzedIntervalMs(schedule, 90 * MINUTE_MS, 0)).toBe(45 * MINUTE_MS);
    expect(fuzzedIntervalMs(schedule, 4 * HOUR_MS, 0)).toBe(2 * HOUR_MS);
    fc.assert(
      fc.property(fc.constantFrom(90, 180, 240), uniform, (minutes, u) => {
        const ms = fuzzedIntervalMs(schedule, minutes * MINUTE_MS, u);
        return ms >= (minutes * MINUTE_MS) / 2 && ms <= minutes * MINUTE_MS * 1.5;
      }),
    );
  });

  it('keeps checks at least 1 ms apart when the fuzz exceeds the interval', () => {
    const wild = { firstMs: 1_000, intervalMs: 1_000, fuzzMs: 10_000, backoffMaxMs: 4_000 };
    expect(checkIntervalMs(wild, 0)).toBe(CHECK_GAP_MIN_MS);
    expect(firstCheckMs(wild, 0)).toBe(CHECK_GAP_MIN_MS);
    expect(warmStartCheckMs(wild, 0)).toBe(CHECK_GAP_MIN_MS);
  });

  it('warmStartCheckMs places a node that has been up a while uniformly in its 45-minute cycle', () => {
    expect(warmStartCheckMs(schedule, 0.5)).toBe(22.5 * MINUTE_MS);
    fc.assert(fc.property(uniform, (u) => warmStartCheckMs(schedule, u) <= 45 * MINUTE_MS));
  });

  it('rejects draws outside [0, 1] and a negative last interval', () => {
    expect(() => checkIntervalMs(schedule, 1.5)).toThrow(/uniform/);
    expect(() => firstCheckMs(schedule, -0.1)).toThrow(/uniform/);
    expect(() => nextNominalIntervalMs(schedule, -1, true)).toThrow(/lastIntervalMs/);
    expect(() => checkIntervalMs({ ...schedule, intervalMs: 0 }, 0.5)).toThrow(/intervalMs/);
  });

  it('follows update_check_scheduler.cc over long runs of successes and server errors, past the 4 h cap', () => {
    // Sized explicitly: 100-500 responses per case (fast-check's default size would give about
    // 10), error streaks long enough to reach the cap. Expected intervals from the scheduler's
    // rule written out here: after a success 45 min + (2u - 1) * 5 min; after the f-th error in a
    // row min(4 h, 45 min * 2^f) fuzzed by +- half of it.
    const streaks = reach();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), uniform), { minLength: 100, maxLength: 500 }), (responses) => {
        let failures = 0;
        let longest = 0;
        // The streaks start from a node on its regular cycle: the last nominal interval is 45 min.
        let lastIntervalMs = 45 * MINUTE_MS;
        let atMs = 0;
        let expectedAtMs = 0;
        for (const [kind, u] of responses) {
          // Errors come in streaks: two in three responses fail.
          failures = kind === 0 ? 0 : failures + 1;
          longest = Math.max(longest, failures);
          const nominalMs = failures === 0 ? 45 * MINUTE_MS : Math.min(4 * HOUR_MS, 45 * MINUTE_MS * 2 ** failures);
          const halfWidthMs = failures === 0 ? 5 * MINUTE_MS : nominalMs / 2;
          expectedAtMs += nominalMs + (2 * u - 1) * halfWidthMs;
          lastIntervalMs = nextNominalIntervalMs(schedule, lastIntervalMs, kind !== 0);
          atMs += fuzzedIntervalMs(schedule, lastIntervalMs, u);
        }
        streaks.record(longest);
        expect(atMs).toBeCloseTo(expectedAtMs, 3);
      }),
      { numRuns: 200 },
    );
    expect(streaks.summary().median, 'the median case must reach the cap (3 errors in a row)').toBeGreaterThanOrEqual(4);
  });
});
