import { assert, fail } from '../../../engine/assert.ts';
import { LOCKSMITHD } from '../../../agents/registry.ts';

/**
 * locksmithd's lock retry schedule (coreos/locksmith locksmithctl/daemon.go `expBackoff`;
 * docs/sources.md): lockAndReboot doubles the interval BEFORE it sleeps (`interval =
 * expBackoff(interval)` then `time.Sleep(interval)`, from initialInterval 5 s), so after the n-th
 * consecutive failure the daemon sleeps min(5 s * 2^n, 5 min): 10 s, 20 s, 40 s ... 300 s. No jitter, so the schedule is a
 * pure function and a waiter may skip its failing polls exactly (waitForSlot).
 */
export const LOCKSMITH_RETRY_INITIAL_MS = LOCKSMITHD.lockRetryInitialMs;
export const LOCKSMITH_RETRY_MAX_MS = LOCKSMITHD.lockRetryMaxMs;

export function locksmithRetryDelayMs(failures: number): number {
  if (!(Number.isInteger(failures) && failures >= 1)) fail(`failures must be an integer >= 1, got ${failures}`);
  // A table (hot: the lock waiters walk schedules with it): 2^6 * 5 s already exceeds 5 min.
  return RETRY_DELAYS_MS[failures < RETRY_DELAYS_MS.length ? failures : RETRY_DELAYS_MS.length - 1];
}

/** Delay after the n-th failure, for n in [1, 17]; index 0 unused. */
const RETRY_DELAYS_MS: readonly number[] = Array.from({ length: 18 }, (_, n) =>
  n === 0 ? NaN : Math.min(LOCKSMITH_RETRY_INITIAL_MS * 2 ** Math.min(n, 16), LOCKSMITH_RETRY_MAX_MS),
);

export interface ScheduledPoll {
  /** Time of the first scheduled poll at or after the asked time. */
  readonly pollMs: number;
  /** Scheduled polls strictly between the last real poll and `pollMs` (all would have failed). */
  readonly skippedPolls: number;
  /** Consecutive failures counted at `pollMs` (for the next delay if this poll fails too). */
  readonly failures: number;
}

/**
 * Where a locksmithd-style waiter's schedule lands: its last real poll failed at `lastPollMs`
 * as its `failures`-th consecutive failure; the first scheduled poll at or after `atMs`, and the
 * polls in between, computed in O(1) once the delay has reached its cap.
 */
export function pollAtOrAfter(
  lastPollMs: number,
  failures: number,
  atMs: number,
  delayMs: (failures: number) => number = locksmithRetryDelayMs,
  capMs: number = LOCKSMITH_RETRY_MAX_MS,
): ScheduledPoll {
  assert(failures >= 1, 'pollAtOrAfter: the last poll must have failed');
  let pollMs = lastPollMs + delayMs(failures);
  let skipped = 0;
  let f = failures;
  // Growing phase: bounded, the delay reaches its cap after a few doublings.
  for (let i = 0; i < 64 && pollMs < atMs; i++) {
    const d = delayMs(f + 1);
    if (d >= capMs) {
      // Constant phase: jump in closed form.
      const steps = Math.ceil((atMs - pollMs) / capMs);
      return { pollMs: pollMs + steps * capMs, skippedPolls: skipped + steps, failures: f + steps };
    }
    pollMs += d;
    skipped++;
    f++;
  }
  assert(pollMs >= atMs, 'pollAtOrAfter: the delay never reached its cap');
  return { pollMs, skippedPolls: skipped, failures: f };
}
