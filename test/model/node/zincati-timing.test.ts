import { describe, expect, it } from 'vitest';
import { zincatiCheckSchedule } from '../../../sim/model/node/zincati-timing.ts';
import { assertionFrom } from '../../assertion-from.ts';

// Zincati's update-check timing (coreos/zincati src/update_agent/mod.rs get_refresh_delay,
// actor.rs add_jitter) as a check schedule: steady interval plus 0-10 % jitter, i.e. the centre
// 105 % with a fuzz of +-5 %, the first check within 2 x 5 % of start, no backoff.

describe('zincatiCheckSchedule (coreos/zincati get_refresh_delay + add_jitter)', () => {
  it('a 600 s steady interval: first check within 30 s +- 30 s, then every 630 s +- 30 s, a backoff cap of the interval itself', () => {
    // 5 % of 600_000 = 30_000; 600_000 + 30_000 = 630_000.
    expect(zincatiCheckSchedule(600_000)).toEqual({ firstMs: 30_000, intervalMs: 630_000, fuzzMs: 30_000, backoffMaxMs: 630_000 });
  });

  it('a steady interval of 0 or less is refused (agent.timing.steady_interval_secs is a positive count)', () => {
    expect(assertionFrom(() => zincatiCheckSchedule(0)).message).toBe('steady interval must be positive');
    expect(assertionFrom(() => zincatiCheckSchedule(-300_000)).message).toBe('steady interval must be positive');
  });

  it('the schedule is frozen: a caller cannot change the node timing it shares', () => {
    expect(Object.isFrozen(zincatiCheckSchedule(300_000))).toBe(true);
  });
});
