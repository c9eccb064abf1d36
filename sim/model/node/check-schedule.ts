import { assert, fail } from '../../engine/assert.ts';

/**
 * When update_engine checks for updates next (update_check_scheduler.cc).
 *
 * One pure module used by two callers that must agree to the last bit:
 * - the update_engine machine's updates (sim/model/node/update-engine.ts), and
 * - the world, which in fast fidelity elides idle checks exactly: it draws the same uniforms from
 *   the node's stream in a loop and adds up the intervals, so the node lands on the same check
 *   times as in full fidelity (docs/sources.md, "Shortcuts of fast fidelity": do not simulate
 *   work that cannot change the outcome).
 *
 * The real scheduler (update_check_scheduler.cc, ComputeNextIntervalAndFuzz and FuzzInt):
 * - first check kTimeoutOnce = 7 min after start, fuzz kTimeoutRegularFuzz = 10 min wide (+-5 min);
 * - then kTimeoutPeriodic = 45 min, same fuzz;
 * - after an HTTP 5xx the interval doubles from the last one, capped at kTimeoutMaxBackoff = 4 h,
 *   and the fuzz becomes as wide as the interval (+- half of it).
 *
 * `u` is one uniform draw in [0, 1) (an event field filled by the world); the fuzz is
 * (2u - 1) * halfWidth, so u = 0.5 lands on the nominal interval.
 */
export interface CheckSchedule {
  /** Nominal delay from update_engine's start to its first check. */
  readonly firstMs: number;
  /** Nominal delay between two checks after a success. */
  readonly intervalMs: number;
  /** Half-width of the uniform fuzz (the check lands in interval +- fuzz). */
  readonly fuzzMs: number;
  /** Cap of the doubled interval after consecutive server errors. */
  readonly backoffMaxMs: number;
}

const MINUTE_MS = 60_000;

export const DEFAULT_CHECK_SCHEDULE: CheckSchedule = Object.freeze({
  firstMs: 7 * MINUTE_MS,
  intervalMs: 45 * MINUTE_MS,
  fuzzMs: 5 * MINUTE_MS,
  backoffMaxMs: 4 * 60 * MINUTE_MS,
});

/** Two checks are never closer than this: a schedule whose fuzz exceeds its interval clamps here. */
export const CHECK_GAP_MIN_MS = 1;

/**
 * Doublings beyond this change nothing for any sane schedule (45 min * 2^40 is far past every
 * cap); bounding the exponent keeps 2^failures finite whatever the failure count.
 */
const BACKOFF_DOUBLINGS_MAX = 40;

// These run for every check (and in the world's elision loops): test first, and build the
// message only when an assertion fails.
function assertSchedule(schedule: CheckSchedule): void {
  if (schedule.firstMs >= 0 && schedule.intervalMs > 0 && schedule.fuzzMs >= 0 && schedule.backoffMaxMs > 0) return;
  if (!(schedule.firstMs >= 0)) fail(`check schedule firstMs must be >= 0, got ${schedule.firstMs}`);
  if (!(schedule.intervalMs > 0)) fail(`check schedule intervalMs must be > 0, got ${schedule.intervalMs}`);
  if (!(schedule.fuzzMs >= 0)) fail(`check schedule fuzzMs must be >= 0, got ${schedule.fuzzMs}`);
  if (!(schedule.backoffMaxMs > 0)) fail(`check schedule backoffMaxMs must be > 0, got ${schedule.backoffMaxMs}`);
}

function assertUniform(u: number): void {
  if (u >= 0 && u <= 1) return;
  if (!(u >= 0)) fail(`uniform draw must be >= 0, got ${u}`);
  if (!(u <= 1)) fail(`uniform draw must be <= 1, got ${u}`);
}

/** Delay from update_engine's start to its first check. */
export function firstCheckMs(schedule: CheckSchedule, u: number): number {
  assertSchedule(schedule);
  assertUniform(u);
  return Math.max(CHECK_GAP_MIN_MS, schedule.firstMs + (2 * u - 1) * schedule.fuzzMs);
}

/**
 * Delay to the next check after a successful response, from the schedule's fields (checked by
 * the caller: checkIntervalMs, or the elision loop once for the whole schedule).
 */
export function regularIntervalMs(intervalMs: number, fuzzMs: number, u: number): number {
  return Math.max(CHECK_GAP_MIN_MS, intervalMs + (2 * u - 1) * fuzzMs);
}

/**
 * Delay to the next check after a response: `failures` is the number of consecutive server errors
 * (HTTP 5xx or no answer) including this one; 0 after a success.
 */
export function checkIntervalMs(schedule: CheckSchedule, failures: number, u: number): number {
  assertSchedule(schedule);
  assertUniform(u);
  if (!(Number.isInteger(failures) && failures >= 0)) {
    if (!(Number.isInteger(failures))) fail(`failures must be an integer, got ${failures}`);
    if (!(failures >= 0)) fail(`failures must be >= 0, got ${failures}`);
  }
  if (failures === 0) return regularIntervalMs(schedule.intervalMs, schedule.fuzzMs, u);
  // A cap below the regular interval would make errors check more often than successes; the cap
  // only ever limits the growth.
  const capMs = Math.max(schedule.backoffMaxMs, schedule.intervalMs);
  const backedOffMs = Math.min(capMs, schedule.intervalMs * 2 ** Math.min(failures, BACKOFF_DOUBLINGS_MAX));
  return Math.max(CHECK_GAP_MIN_MS, backedOffMs + (2 * u - 1) * (backedOffMs / 2));
}

/**
 * Delay to the first check of a node that has been up a while when the run starts (scenario
 * `coldStart: false`): it is somewhere in its 45-minute cycle, uniformly.
 */
export function warmStartCheckMs(schedule: CheckSchedule, u: number): number {
  assertSchedule(schedule);
  assertUniform(u);
  return Math.max(CHECK_GAP_MIN_MS, u * schedule.intervalMs);
}
