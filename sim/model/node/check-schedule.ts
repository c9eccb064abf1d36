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
 * - after an HTTP 500 or 503 (only those) the interval doubles from the last one, capped at
 *   kTimeoutMaxBackoff = 4 h, and is raised to 45 min when below it (so a failed first check
 *   retries at 45 min +- 5, not 14 min); a backed-off interval's fuzz is as wide as the interval
 *   (+- half of it);
 * - a request without an HTTP answer (network down, refused, lost) is not a backoff: the HTTP
 *   fetcher retried it (libcurl_http_fetcher.cc, 3 retries 10 s apart, in the world), then the
 *   next check comes after the regular 45 min.
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
 * The nominal interval to the next check (update_check_scheduler.cc ComputeNextIntervalAndFuzz):
 * on HTTP 500 or 503 (`httpError`) twice the last nominal interval (`last_interval_`, the one the
 * previous check was scheduled with, 7 min for the first check), capped at backoffMaxMs; anything
 * else (success, no update, or no HTTP answer at all) 0. Then an interval below the periodic one
 * becomes the periodic one. So a failed FIRST check retries at 45 min (2 x 7 min < 45 min), the
 * second failure at 90 min, then 3 h, then the 4 h cap; a request that got no answer waits the
 * normal 45 min.
 */
export function nextNominalIntervalMs(schedule: CheckSchedule, lastIntervalMs: number, httpError: boolean): number {
  assertSchedule(schedule);
  if (!(lastIntervalMs >= 0)) fail(`lastIntervalMs must be >= 0, got ${lastIntervalMs}`);
  let intervalMs = httpError ? Math.min(2 * lastIntervalMs, schedule.backoffMaxMs) : 0;
  if (intervalMs < schedule.intervalMs) intervalMs = schedule.intervalMs;
  return intervalMs;
}

/**
 * The fuzzed delay for a nominal interval (ComputeNextIntervalAndFuzz, then ScheduleCheck with
 * utils::FuzzInt): the periodic interval gets the regular fuzz (+- fuzzMs); a backed-off one
 * +- half of itself.
 */
export function fuzzedIntervalMs(schedule: CheckSchedule, nominalMs: number, u: number): number {
  assertUniform(u);
  if (nominalMs === schedule.intervalMs) return regularIntervalMs(schedule.intervalMs, schedule.fuzzMs, u);
  return Math.max(CHECK_GAP_MIN_MS, nominalMs + (2 * u - 1) * (nominalMs / 2));
}

/** Delay to the next check after a success or a response without HTTP error: the periodic interval, fuzzed. */
export function checkIntervalMs(schedule: CheckSchedule, u: number): number {
  assertSchedule(schedule);
  assertUniform(u);
  return regularIntervalMs(schedule.intervalMs, schedule.fuzzMs, u);
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
