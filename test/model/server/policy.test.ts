/**
 * enforceRolloutPolicy (sim/model/server/policy.ts), Nebraska's enforceRolloutPolicy
 * (flatcar/nebraska backend/pkg/api/updates.go) one rule at a time, each at its boundary. The
 * decisions are written out by hand from the rules' order in that function.
 */
import { describe, expect, it } from 'vitest';
import { enforceRolloutPolicy, type GroupUpdateStats } from '../../../sim/model/server/policy.ts';

const open = { updatesEnabled: true, officeHours: false, maxUpdatesPerPeriod: 2 as number | null, safeMode: false };
const stats = (s: Partial<GroupUpdateStats> = {}) => () => ({ grantedInLastPeriod: 0, inProgress: 0, timedOut: 0, attemptedForVersion: 1, ...s });

describe('enforceRolloutPolicy', () => {
  it('refuses when updates are disabled, before anything else', () => {
    expect(enforceRolloutPolicy({ ...open, updatesEnabled: false }, true, stats())).toBe('updates-disabled');
    expect(enforceRolloutPolicy({ ...open, updatesEnabled: false, officeHours: true }, false, stats({ grantedInLastPeriod: 9 }))).toBe('updates-disabled');
  });

  it('refuses outside office hours only when office hours are set', () => {
    expect(enforceRolloutPolicy({ ...open, officeHours: true }, false, stats())).toBe('outside-office-hours');
    expect(enforceRolloutPolicy({ ...open, officeHours: true }, true, stats())).toBe('grant');
    expect(enforceRolloutPolicy({ ...open, officeHours: false }, false, stats())).toBe('grant');
  });

  it('grants without reading the stats when there is no maximum and no safe mode', () => {
    let read = 0;
    const counted = () => {
      read++;
      return stats({ grantedInLastPeriod: 100, inProgress: 100, timedOut: 100 })();
    };
    expect(enforceRolloutPolicy({ ...open, maxUpdatesPerPeriod: null }, true, counted)).toBe('grant');
    expect(read).toBe(0);
  });

  it('holds at the maximum granted in the period, then at the maximum in progress (grants first)', () => {
    expect(enforceRolloutPolicy(open, true, stats({ grantedInLastPeriod: 1, inProgress: 1 }))).toBe('grant');
    expect(enforceRolloutPolicy(open, true, stats({ grantedInLastPeriod: 2 }))).toBe('max-updates-per-period');
    expect(enforceRolloutPolicy(open, true, stats({ grantedInLastPeriod: 2, inProgress: 2 }))).toBe('max-updates-per-period');
    expect(enforceRolloutPolicy(open, true, stats({ inProgress: 2 }))).toBe('max-concurrent-updates');
  });

  it('stops on timed-out updates only in safe mode', () => {
    expect(enforceRolloutPolicy(open, true, stats({ timedOut: 5 }))).toBe('grant');
    expect(enforceRolloutPolicy({ ...open, safeMode: true }, true, stats({ timedOut: 2 }))).toBe('max-timed-out-updates');
    expect(enforceRolloutPolicy({ ...open, safeMode: true }, true, stats({ timedOut: 1 }))).toBe('grant');
  });

  it('safe mode allows one update until one to this version was attempted, with or without a maximum', () => {
    const safe = { ...open, safeMode: true };
    expect(enforceRolloutPolicy(safe, true, stats({ attemptedForVersion: 0 }))).toBe('grant');
    expect(enforceRolloutPolicy(safe, true, stats({ attemptedForVersion: 0, grantedInLastPeriod: 1 }))).toBe('max-updates-per-period');
    expect(enforceRolloutPolicy(safe, true, stats({ attemptedForVersion: 0, inProgress: 1 }))).toBe('max-concurrent-updates');
    expect(enforceRolloutPolicy(safe, true, stats({ attemptedForVersion: 1, grantedInLastPeriod: 1 }))).toBe('grant');
    const unlimited = { ...safe, maxUpdatesPerPeriod: null };
    expect(enforceRolloutPolicy(unlimited, true, stats({ attemptedForVersion: 0, grantedInLastPeriod: 1 }))).toBe('max-updates-per-period');
    expect(enforceRolloutPolicy(unlimited, true, stats({ attemptedForVersion: 3, grantedInLastPeriod: 1000, inProgress: 1000, timedOut: 1000 }))).toBe('grant');
    // A maximum of 0 stays 0 in safe mode (the smaller of the two).
    expect(enforceRolloutPolicy({ ...safe, maxUpdatesPerPeriod: 0 }, true, stats({ attemptedForVersion: 0 }))).toBe('max-updates-per-period');
  });
});
