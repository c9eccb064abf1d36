/**
 * CheckElision's pings (sim/model/world/check-elision.ts) against the full run's rule, written
 * out: while UPDATED_NEED_REBOOT, update_engine pings every 45 min +-5 (update_check_scheduler.cc),
 * each interval one draw from the node's check stream. Fast fidelity draws nothing when the node
 * falls asleep and settles it at its shutdown (or the run's end): the pings before that moment
 * must be counted at their minutes, no ping at or after it, and the stream must stand where the
 * full run leaves it (its next draw, at the next boot, must be the same).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../sim/engine/random.ts';
import { DEFAULT_CHECK_SCHEDULE, checkIntervalMs } from '../../../sim/model/node/check-schedule.ts';
import { RequestCounter } from '../../../sim/model/server/request-counter.ts';
import { CheckElision, SLEEP_NONE, SLEEP_PING } from '../../../sim/model/world/check-elision.ts';

const HOUR_MS = 3_600_000;

/**
 * Requests per minute over the first 200 hours (the counter's buckets, read through a cast: they
 * are private; either counter may have grown further).
 */
function minuteCounts(r: RequestCounter): number[] {
  const buckets = (r as unknown as { buckets: Float64Array }).buckets;
  return Array.from({ length: 200 * 60 }, (_, minute) => buckets[minute] ?? 0);
}

describe('CheckElision, pings of a node waiting to reboot', () => {
  it('counts the pings before its shutdown, at their times, and leaves the stream as pinging event by event would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 50 * HOUR_MS }),
        fc.integer({ min: 0, max: 60 * HOUR_MS }),
        (seed, sleepAtMs, waitMs) => {
          const horizonMs = 100 * HOUR_MS;
          const stopMs = Math.min(sleepAtMs + waitMs, horizonMs);
          // Fast fidelity: the ping answer, then the settle at the shutdown.
          const fastRng = new RandomStreams(seed).column('node.check', 3);
          const fastRequests = new RequestCounter();
          const elision = new CheckElision(3, new Uint16Array(3), 1, fastRng, DEFAULT_CHECK_SCHEDULE, fastRequests);
          const answer = elision.answerPing(1, sleepAtMs, horizonMs);
          expect(elision.sleepKind[1]).toBe(SLEEP_PING);
          // The next real ping lies beyond the horizon: only the settle ends the sleep.
          expect(sleepAtMs + answer.elidedMs + checkIntervalMs(DEFAULT_CHECK_SCHEDULE, answer.u)).toBeGreaterThan(horizonMs);
          elision.settle(1, stopMs);
          expect(elision.sleepKind[1]).toBe(SLEEP_NONE);
          // Full fidelity: a ping every interval, each drawing its fuzz, until the shutdown.
          const fullRng = new RandomStreams(seed).column('node.check', 3);
          const fullRequests = new RequestCounter();
          let t = sleepAtMs + checkIntervalMs(DEFAULT_CHECK_SCHEDULE, fullRng.next(1));
          let pings = 0;
          while (t < stopMs) {
            fullRequests.add(t);
            pings++;
            t += checkIntervalMs(DEFAULT_CHECK_SCHEDULE, fullRng.next(1));
          }
          expect(fastRequests.requests).toBe(pings);
          expect(elision.skippedChecks).toBe(pings);
          expect(minuteCounts(fastRequests)).toEqual(minuteCounts(fullRequests));
          expect(fastRng.snapshot(1)).toBe(fullRng.snapshot(1));
          // The other nodes' streams are untouched.
          expect(fastRng.snapshot(0)).toBe(fullRng.snapshot(0));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('CheckElision, the first check after a start', () => {
  it('counts that check and the ones after it at their times, and, settled at any moment before the answer can change, leaves exactly what checking event by event leaves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2 * HOUR_MS }),
        fc.integer({ min: 1, max: 20 * HOUR_MS }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, checkAtMs, changeAfterMs, settleShare) => {
          const schedule = DEFAULT_CHECK_SCHEDULE;
          const changeMs = checkAtMs + changeAfterMs;
          // Settled (a stop, an operator's change) anywhere from the start to the change.
          const settleMs = Math.floor(settleShare * (changeMs - 1));
          const fastRng = new RandomStreams(seed).column('node.check', 3);
          const fastRequests = new RequestCounter(30 * HOUR_MS);
          const elision = new CheckElision(3, new Uint16Array(3), 1, fastRng, schedule, fastRequests);
          const delayMs = elision.elideFirstCheck(1, 0, checkAtMs, changeMs);
          // Full fidelity: the first check, then one every interval, each drawing its fuzz.
          const fullRng = new RandomStreams(seed).column('node.check', 3);
          let t = checkAtMs;
          while (t < changeMs) t += checkIntervalMs(schedule, fullRng.next(1));
          // The first real check is the first one at or after the change.
          expect(delayMs).toBe(t);
          const result = elision.settle(1, settleMs);
          expect(elision.sleepKind[1]).toBe(SLEEP_NONE);
          const replayRng = new RandomStreams(seed).column('node.check', 3);
          const fullRequests = new RequestCounter(30 * HOUR_MS);
          let checks = 0;
          let next = checkAtMs;
          while (next < settleMs) {
            fullRequests.add(next);
            checks++;
            next += checkIntervalMs(schedule, replayRng.next(1));
          }
          // Settling says when the next real check comes, the first one at or after now; -1 when
          // the check already armed (at the start + delayMs) is that one.
          if (result >= 0) expect(result).toBe(next - settleMs);
          else expect(delayMs).toBe(next);
          expect(fastRequests.requests).toBe(checks);
          expect(elision.skippedChecks).toBe(checks);
          expect(minuteCounts(fastRequests)).toEqual(minuteCounts(fullRequests));
          expect(fastRng.snapshot(1)).toBe(replayRng.snapshot(1));
          expect(fastRng.snapshot(0)).toBe(replayRng.snapshot(0));
        },
      ),
      { numRuns: 300 },
    );
  });
});
