import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHECK_SCHEDULE,
  checkIntervalMs,
  firstCheckMs,
  fuzzedIntervalMs,
  nextNominalIntervalMs,
  warmStartCheckMs,
  type CheckSchedule,
} from '../../../sim/model/node/check-schedule.ts';
import { assertionFrom } from '../../assertion-from.ts';

// Hand-fed checks of the schedule's input validation: each bad field is named in the message, in
// the order firstMs, intervalMs, fuzzMs, backoffMaxMs, so a schedule with several bad fields
// reports the first of them; the bounds themselves (0 allowed where the field says >= 0) are
// accepted. Draws: [0, 1] accepted, and the message tells which side of the range was left.

const MINUTE_MS = 60_000;
const schedule = DEFAULT_CHECK_SCHEDULE;

/** The message of the AssertionError that validating `bad` raises (through checkIntervalMs). */
function scheduleError(bad: Partial<CheckSchedule>): string {
  return assertionFrom(() => checkIntervalMs({ ...schedule, ...bad }, 0.5)).message;
}

describe('check schedule validation (hand-fed)', () => {
  it('rejects a negative first delay and names it with its value', () => {
    expect(scheduleError({ firstMs: -1 })).toBe('check schedule firstMs must be >= 0, got -1');
    expect(assertionFrom(() => firstCheckMs({ ...schedule, firstMs: -60_000 }, 0.5)).message).toBe(
      'check schedule firstMs must be >= 0, got -60000',
    );
  });

  it('rejects a zero interval and names it with its value', () => {
    expect(scheduleError({ intervalMs: 0 })).toBe('check schedule intervalMs must be > 0, got 0');
  });

  it('rejects a negative fuzz and names the fuzz, not the first delay of 0 that is allowed', () => {
    // firstMs = 0 is a valid "check right at start"; only the fuzz is wrong here.
    expect(scheduleError({ firstMs: 0, fuzzMs: -1 })).toBe('check schedule fuzzMs must be >= 0, got -1');
  });

  it('rejects a zero backoff cap and names the cap, not the fuzz of 0 that is allowed', () => {
    expect(scheduleError({ backoffMaxMs: 0 })).toBe('check schedule backoffMaxMs must be > 0, got 0');
    expect(scheduleError({ fuzzMs: 0, backoffMaxMs: 0 })).toBe('check schedule backoffMaxMs must be > 0, got 0');
    expect(assertionFrom(() => nextNominalIntervalMs({ ...schedule, backoffMaxMs: -5 }, 0, true)).message).toBe(
      'check schedule backoffMaxMs must be > 0, got -5',
    );
  });

  it('reports the first bad field when several are bad', () => {
    expect(scheduleError({ firstMs: -1, intervalMs: 0, fuzzMs: -1, backoffMaxMs: 0 })).toMatch(/^check schedule firstMs/);
    expect(scheduleError({ intervalMs: 0, fuzzMs: -1 })).toMatch(/^check schedule intervalMs/);
    expect(scheduleError({ fuzzMs: -1, backoffMaxMs: 0 })).toMatch(/^check schedule fuzzMs/);
  });

  it('accepts the edge schedule: first check at start, no fuzz (checks land exactly on the nominal times)', () => {
    const edge: CheckSchedule = { firstMs: 0, intervalMs: 45 * MINUTE_MS, fuzzMs: 0, backoffMaxMs: 45 * MINUTE_MS };
    // max(1 ms, 0 + (2u - 1) * 0) = 1 ms; 45 min + 0.
    expect(firstCheckMs(edge, 0.3)).toBe(1);
    expect(checkIntervalMs(edge, 0.9)).toBe(45 * MINUTE_MS);
    // 2 x 45 min = 90 min capped at 45 min; then raised to the 45 min interval: 45 min.
    expect(nextNominalIntervalMs(edge, 45 * MINUTE_MS, true)).toBe(45 * MINUTE_MS);
  });

  it('rejects a draw above 1 as above the range and one below 0 as below it', () => {
    expect(assertionFrom(() => checkIntervalMs(schedule, 1.5)).message).toBe('uniform draw must be <= 1, got 1.5');
    expect(assertionFrom(() => warmStartCheckMs(schedule, 2)).message).toBe('uniform draw must be <= 1, got 2');
    expect(assertionFrom(() => fuzzedIntervalMs(schedule, 90 * MINUTE_MS, -0.25)).message).toBe('uniform draw must be >= 0, got -0.25');
    expect(assertionFrom(() => firstCheckMs(schedule, Number.NaN)).message).toBe('uniform draw must be >= 0, got NaN');
  });

  it('accepts the closed range ends u = 0 and u = 1 (the fuzz edges, interval -+ 5 min)', () => {
    // 45 min + (2 * 0 - 1) * 5 min = 40 min; 45 min + (2 * 1 - 1) * 5 min = 50 min.
    expect(checkIntervalMs(schedule, 0)).toBe(40 * MINUTE_MS);
    expect(checkIntervalMs(schedule, 1)).toBe(50 * MINUTE_MS);
    // 1 * 45 min.
    expect(warmStartCheckMs(schedule, 1)).toBe(45 * MINUTE_MS);
  });
});
