// The rollout policy (Nebraska's per-group settings, plus a Cincinnati-style throttle). A group's
// policy is `policy.default` overlaid with `policy.groups.<name>`; an override carries only the
// keys it changes, so its schema has no defaults.

import { z } from 'zod';
import { fraction, int, positiveDurationMs, strict, timeZone } from './fields.ts';

const throttle = () =>
  strict({
    /** Share of the fleet that sees the release at once. */
    start: fraction(),
    /** Time for the share to grow linearly from `start` to 1. */
    duration: positiveDurationMs(),
  });

// Each field once, with its default; the override schema reuses the fields without defaults.
const policyFields = {
  updatesEnabled: () => z.boolean(),
  // null = unlimited (Nebraska caps both updates started per period and updates in progress).
  maxUpdatesPerPeriod: () => int(0).nullable(),
  periodInterval: () => positiveDurationMs(),
  updateTimeout: () => positiveDurationMs(),
  safeMode: () => z.boolean(),
  officeHours: () => z.boolean(),
  timezone: () => timeZone(),
  // null = never halt.
  haltOnFailureRatio: () => fraction().nullable(),
  // null = no throttle, every eligible node sees a release as soon as it is published.
  throttle: () => throttle().nullable(),
};

export const POLICY_DEFAULTS = {
  updatesEnabled: true,
  maxUpdatesPerPeriod: null,
  periodInterval: '1h',
  updateTimeout: '1h',
  safeMode: false,
  officeHours: false,
  timezone: 'UTC',
  haltOnFailureRatio: null,
  throttle: null,
} as const;

export const policySchema = () =>
  strict({
    updatesEnabled: policyFields.updatesEnabled().prefault(POLICY_DEFAULTS.updatesEnabled),
    maxUpdatesPerPeriod: policyFields.maxUpdatesPerPeriod().prefault(POLICY_DEFAULTS.maxUpdatesPerPeriod),
    periodInterval: policyFields.periodInterval().prefault(POLICY_DEFAULTS.periodInterval),
    updateTimeout: policyFields.updateTimeout().prefault(POLICY_DEFAULTS.updateTimeout),
    safeMode: policyFields.safeMode().prefault(POLICY_DEFAULTS.safeMode),
    officeHours: policyFields.officeHours().prefault(POLICY_DEFAULTS.officeHours),
    timezone: policyFields.timezone().prefault(POLICY_DEFAULTS.timezone),
    haltOnFailureRatio: policyFields.haltOnFailureRatio().prefault(POLICY_DEFAULTS.haltOnFailureRatio),
    throttle: policyFields.throttle().prefault(POLICY_DEFAULTS.throttle),
  });

/** A partial policy: only the keys written are present (a null clears a limit). */
export const policyPatchSchema = () =>
  strict({
    updatesEnabled: policyFields.updatesEnabled().optional(),
    maxUpdatesPerPeriod: policyFields.maxUpdatesPerPeriod().optional(),
    periodInterval: policyFields.periodInterval().optional(),
    updateTimeout: policyFields.updateTimeout().optional(),
    safeMode: policyFields.safeMode().optional(),
    officeHours: policyFields.officeHours().optional(),
    timezone: policyFields.timezone().optional(),
    haltOnFailureRatio: policyFields.haltOnFailureRatio().optional(),
    throttle: policyFields.throttle().optional(),
  });

export const policySectionSchema = () =>
  strict({
    default: policySchema().prefault({}),
    groups: z.record(z.string(), policyPatchSchema()).prefault({}),
  });

export type Policy = z.output<ReturnType<typeof policySchema>>;
export type PolicyPatch = z.output<ReturnType<typeof policyPatchSchema>>;
export type PolicySection = z.output<ReturnType<typeof policySectionSchema>>;

/** The policy a group runs under: the defaults overlaid with the group's override, if any. */
export function effectivePolicy(policy: PolicySection, groupName: string): Policy {
  const patch = policy.groups[groupName] ?? {};
  const merged: Policy = { ...policy.default };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
