import { assert } from '../../engine/assert.ts';
import type { CheckSchedule } from './check-schedule.ts';

/**
 * When a Zincati node checks its Cincinnati graph for an update, as a check schedule of the
 * node's update checks (sim/model/node/check-schedule.ts), so that check elision and the update
 * machine read one schedule for both OSes.
 *
 * Zincati (coreos/zincati src/update_agent/actor.rs RefreshTick, mod.rs get_refresh_delay):
 * - the first check comes in the same refresh as start-up (each change of state ticks at once,
 *   should_tick_immediately): here within 2 x 5 % of the steady interval of the start (15 s
 *   +- 15 s for 300 s), standing for the agent's start-up and its first ticks;
 * - then, while no update is found (ReportedSteady, NoNewUpdate), every steady interval
 *   (agent.timing.steady_interval_secs, DEFAULT_STEADY_INTERVAL_SECS = 300) plus add_jitter's
 *   0-10 % (whole percents of whole seconds): here uniform in [steady, 1.1 steady], i.e. 5 % +-
 *   5 % (the continuous stand-in for 11 discrete steps);
 * - a Cincinnati error is a check without an update (fetch_update_hint returns None): no
 *   backoff, so the backoff cap is the interval itself.
 */
export function zincatiCheckSchedule(steadyIntervalMs: number): CheckSchedule {
  assert(steadyIntervalMs > 0, 'steady interval must be positive');
  const jitterHalfMs = steadyIntervalMs * 0.05;
  const intervalMs = steadyIntervalMs + jitterHalfMs;
  return Object.freeze({ firstMs: jitterHalfMs, intervalMs, fuzzMs: jitterHalfMs, backoffMaxMs: intervalMs });
}
