import type { Policy } from '../../scenario/policy.ts';

/**
 * Nebraska's rollout policy, as enforceRolloutPolicy (flatcar/nebraska backend/pkg/api/updates.go)
 * applies it to each update check of a group:
 *   1. updates disabled -> no update;
 *   2. office hours set and now outside Mon-Fri 09:00-17:00 in the group's zone -> no update;
 *   3. effective maximum = max_updates_per_period; in safe mode, 1 until the first update to the
 *      current version has succeeded (docs/sources.md; Nebraska counts it with
 *      UpdatesToCurrentVersionAttempted/Succeeded);
 *   4. grants in the last period >= maximum -> on hold;
 *   5. updates in progress >= maximum -> on hold;
 *   6. timed-out updates >= maximum -> updates are switched off for the group.
 * Nebraska skips 3-6 when the maximum is unlimited and safe mode is off; so do we.
 */
export type PolicyDecision =
  | 'grant'
  | 'updates-disabled'
  | 'outside-office-hours'
  | 'max-updates-per-period'
  | 'max-concurrent-updates'
  | 'max-timed-out-updates';

export interface GroupUpdateStats {
  grantedInLastPeriod: number;
  inProgress: number;
  timedOut: number;
  /** UpdatesToCurrentVersionAttempted: nodes not in progress whose last granted version is this one. */
  attemptedForVersion: number;
}

export function enforceRolloutPolicy(
  policy: Pick<Policy, 'updatesEnabled' | 'officeHours' | 'maxUpdatesPerPeriod' | 'safeMode'>,
  inOfficeHours: boolean,
  stats: () => GroupUpdateStats,
): PolicyDecision {
  if (!policy.updatesEnabled) return 'updates-disabled';
  if (policy.officeHours && !inOfficeHours) return 'outside-office-hours';
  if (policy.maxUpdatesPerPeriod === null && !policy.safeMode) return 'grant';
  const s = stats();
  let effectiveMax = policy.maxUpdatesPerPeriod ?? Infinity;
  // Safe mode: one update until an update to this version was ATTEMPTED (finished, successfully
  // or not), not until one succeeded (backend/pkg/api/updates.go enforceRolloutPolicy).
  if (policy.safeMode && s.attemptedForVersion === 0) effectiveMax = Math.min(effectiveMax, 1);
  if (s.grantedInLastPeriod >= effectiveMax) return 'max-updates-per-period';
  if (s.inProgress >= effectiveMax) return 'max-concurrent-updates';
  // Timed-out updates stop the group only in safe mode (same function).
  if (policy.safeMode && s.timedOut >= effectiveMax) return 'max-timed-out-updates';
  return 'grant';
}
