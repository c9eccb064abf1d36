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
          const answer = elision.answer(1, sleepAtMs, horizonMs, SLEEP_PING);
          expect(elision.sleepKind[1]).toBe(SLEEP_PING);
          // The next real ping lies beyond the horizon: only the settle ends the sleep.
          expect(sleepAtMs + answer.elidedMs + checkIntervalMs(DEFAULT_CHECK_SCHEDULE, 0, answer.u)).toBeGreaterThan(horizonMs);
          elision.settle(1, stopMs);
          expect(elision.sleepKind[1]).toBe(SLEEP_NONE);
          // Full fidelity: a ping every interval, each drawing its fuzz, until the shutdown.
          const fullRng = new RandomStreams(seed).column('node.check', 3);
          const fullRequests = new RequestCounter();
          let t = sleepAtMs + checkIntervalMs(DEFAULT_CHECK_SCHEDULE, 0, fullRng.next(1));
          let pings = 0;
          while (t < stopMs) {
            fullRequests.add(t);
            pings++;
            t += checkIntervalMs(DEFAULT_CHECK_SCHEDULE, 0, fullRng.next(1));
          }
          expect(fastRequests.requests).toBe(pings);
          expect(elision.skippedChecks).toBe(pings);
          // Minute by minute (the counter's buckets, read through a cast: they are private).
          const buckets = (r: RequestCounter) => Array.from((r as unknown as { buckets: Float64Array }).buckets);
          expect(buckets(fastRequests)).toEqual(buckets(fullRequests));
          expect(fastRng.snapshot(1)).toBe(fullRng.snapshot(1));
          // The other nodes' streams are untouched.
          expect(fastRng.snapshot(0)).toBe(fullRng.snapshot(0));
        },
      ),
      { numRuns: 100 },
    );
  });
});
