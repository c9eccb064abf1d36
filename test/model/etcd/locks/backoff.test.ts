// locksmithd's lock retry schedule (coreos/locksmith locksmithctl/daemon.go expBackoff,
// lockAndReboot) as backoff.ts computes it: the delay after the n-th consecutive failure, and
// pollAtOrAfter, the first scheduled poll at or after a time with the polls skipped on the way.
// Expected values come from the rule itself: after the n-th failure locksmithd sleeps
// min(5 s * 2^n, 5 min), retries anchored on poll start times.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locksmithRetryDelayMs, pollAtOrAfter } from '../../../../sim/model/etcd/locks/backoff.ts';
import { assertionFrom } from '../../../assertion-from.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** daemon.go: interval starts at 5 s and expBackoff doubles it (capped at 5 min) before each sleep. */
function sleepAfterFailure(n: number): number {
  return Math.min(5 * SECOND * 2 ** n, 5 * MINUTE);
}

/** The schedule walked one poll at a time: every poll before `atMs` fails. */
function walkSchedule(lastPollMs: number, failures: number, atMs: number): { pollMs: number; skippedPolls: number; failures: number } {
  let pollMs = lastPollMs + sleepAfterFailure(failures);
  let f = failures;
  let skippedPolls = 0;
  while (pollMs < atMs) {
    f++;
    skippedPolls++;
    pollMs += sleepAfterFailure(f);
  }
  return { pollMs, skippedPolls, failures: f };
}

describe('locksmithRetryDelayMs (locksmithctl/daemon.go expBackoff)', () => {
  it('counts failures from 1: 0, negative and fractional counts are assertion failures', () => {
    expect(assertionFrom(() => locksmithRetryDelayMs(0)).message).toBe('failures must be an integer >= 1, got 0');
    expect(assertionFrom(() => locksmithRetryDelayMs(-3)).message).toBe('failures must be an integer >= 1, got -3');
    expect(assertionFrom(() => locksmithRetryDelayMs(1.5)).message).toBe('failures must be an integer >= 1, got 1.5');
    expect(assertionFrom(() => locksmithRetryDelayMs(Number.NaN)).message).toBe('failures must be an integer >= 1, got NaN');
  });

  it('stays at 5 min however many failures follow (the cap, past the end of its table)', () => {
    expect(locksmithRetryDelayMs(1)).toBe(10 * SECOND);
    expect(locksmithRetryDelayMs(17)).toBe(5 * MINUTE);
    expect(locksmithRetryDelayMs(18)).toBe(5 * MINUTE);
    expect(locksmithRetryDelayMs(1_000_000)).toBe(5 * MINUTE);
  });
});

describe('pollAtOrAfter: where a waiter’s schedule lands', () => {
  it('answers the next scheduled poll itself when it is at or after the asked time, skipping none', () => {
    // Failed at 0 (1st failure): the next poll is at 10 s.
    expect(pollAtOrAfter(0, 1, 0)).toEqual({ pollMs: 10 * SECOND, skippedPolls: 0, failures: 1 });
    expect(pollAtOrAfter(0, 1, 5 * SECOND)).toEqual({ pollMs: 10 * SECOND, skippedPolls: 0, failures: 1 });
    expect(pollAtOrAfter(0, 1, 10 * SECOND)).toEqual({ pollMs: 10 * SECOND, skippedPolls: 0, failures: 1 });
    // Failed at 1 h as the 9th failure: capped, the next poll is 5 min later.
    expect(pollAtOrAfter(3_600_000, 9, 3_600_001)).toEqual({ pollMs: 3_900_000, skippedPolls: 0, failures: 9 });
  });

  it('jumps over a day of capped polls in closed form (past the 64 growing steps it walks one by one)', () => {
    // Polls at 10 s, 30 s, 70 s, 150 s, 310 s, then every 5 min: 310 s + k * 300 s.
    // The first at or after 24 h: k = ceil((86_400 s - 310 s) / 300 s) = 287, at 86_410 s.
    // Skipped: the 5 growing polls and k - 1 = 286 capped ones; failures then 1 + 291.
    expect(pollAtOrAfter(0, 1, DAY)).toEqual({ pollMs: 86_410 * SECOND, skippedPolls: 291, failures: 292 });
    // A waiter already capped (failure 30 at 0) asked 3 days later: every 300 s, exactly on a poll.
    expect(pollAtOrAfter(0, 30, 3 * DAY)).toEqual({ pollMs: 3 * DAY, skippedPolls: 863, failures: 893 });
  });

  it('equals locksmithd’s schedule walked poll by poll, from any failure count, across the growing and capped phases', () => {
    let closeCases = 0;
    let deepCases = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * DAY }),
        fc.integer({ min: 1, max: 40 }),
        // Gaps within the first polls, and gaps of days (hundreds of capped polls).
        fc.oneof(fc.integer({ min: 0, max: 2 * MINUTE }), fc.integer({ min: 6 * 60 * MINUTE, max: 3 * DAY })),
        (lastPollMs, failures, gapMs) => {
          const expected = walkSchedule(lastPollMs, failures, lastPollMs + gapMs);
          expect(pollAtOrAfter(lastPollMs, failures, lastPollMs + gapMs)).toEqual(expected);
          if (expected.skippedPolls === 0) closeCases++;
          if (expected.skippedPolls > 64) deepCases++;
        },
      ),
      { numRuns: 300, seed: 20_140_905 },
    );
    // The cases reach both ends: no poll skipped, and more skipped polls than the walking loop's 64.
    expect(closeCases).toBeGreaterThan(20);
    expect(deepCases).toBeGreaterThan(20);
  });

  it('requires the last poll to have failed: failures 0 is an assertion failure', () => {
    expect(assertionFrom(() => pollAtOrAfter(0, 0, 60 * SECOND)).message).toBe('pollAtOrAfter: the last poll must have failed');
  });

  it('walks at most 64 growing delays: a delay that never reaches the cap is an assertion failure', () => {
    // A schedule of 1 ms polls under a 1 s cap: polls at 1, 2, ... ms after the failure at 0.
    expect(pollAtOrAfter(0, 1, 65, () => 1, SECOND)).toEqual({ pollMs: 65, skippedPolls: 64, failures: 65 });
    expect(assertionFrom(() => pollAtOrAfter(0, 1, 66, () => 1, SECOND)).message).toBe('pollAtOrAfter: the delay never reached its cap');
  });
});
