// The reboot section: which agent strategy reboots the nodes, and the lock it shares. A fleet
// group's reboot settings are the section's overlaid with `reboot.groups.<fleet group>` (like
// policy.groups): an override carries only the keys it changes, so its schema has no defaults.
//
// Lock groups: nodes with the same `lockGroup` share one semaphore with its own `maxConcurrent`
// (locksmith's GROUP, coreos/locksmith README "Groups" and lock/etcd.go NewEtcdLockClient: key
// `coreos.com/updateengine/rebootlock/groups/<group>/semaphore`; airlock's `[[lock.groups]]`
// with their own `max_semaphore`). So "etcd hosts one at a time, workers five at a time" is one
// scenario.

import { z } from 'zod';
import { durationMs, int, name, strict } from './fields.ts';
import { windowSchema } from './window.ts';
import { STRATEGY_NAMES } from '../agents/registry.ts';

/** The lock group of nodes that name none (locksmith's "" group: its plain semaphore key). */
export const DEFAULT_LOCK_GROUP = 'default';

// Each field once; the section gives each its default, the override schema none.
const rebootFields = {
  maxConcurrent: () => int(1, 1_000_000),
  lockGroup: () => name('lock group name'),
  window: () => windowSchema().nullable(),
  drain: () => durationMs(),
};

/** The keys a fleet group may override (the others are one per run for now). */
export const REBOOT_GROUP_KEYS = Object.keys(rebootFields) as (keyof typeof rebootFields)[];

export const rebootPatchSchema = () =>
  strict({
    maxConcurrent: rebootFields.maxConcurrent().optional(),
    lockGroup: rebootFields.lockGroup().optional(),
    window: rebootFields.window().optional(),
    drain: rebootFields.drain().optional(),
  });

export const rebootSchema = () =>
  strict({
    strategy: z.enum(STRATEGY_NAMES).prefault('reboot'),
    maxConcurrent: rebootFields.maxConcurrent().prefault(1),
    lockGroup: rebootFields.lockGroup().prefault(DEFAULT_LOCK_GROUP),
    // 0 = no TTL (locksmith): a holder that never returns keeps its slot until an unlock.
    lockTTL: durationMs().prefault(0),
    window: rebootFields.window().prefault(null),
    drain: rebootFields.drain().prefault(0),
    groups: z.record(z.string(), rebootPatchSchema()).prefault({}),
  });

export type RebootSection = z.output<ReturnType<typeof rebootSchema>>;
export type RebootPatch = z.output<ReturnType<typeof rebootPatchSchema>>;
/** One fleet group's reboot settings: the section with the group's override applied. */
export type GroupReboot = Omit<RebootSection, 'groups'>;

/** The reboot settings a fleet group runs under. */
export function effectiveReboot(reboot: RebootSection, groupName: string): GroupReboot {
  const { groups, ...base } = reboot;
  const merged: GroupReboot = { ...base };
  const patch = groups[groupName] ?? {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

export interface LockGroup {
  readonly name: string;
  /** Slots of its semaphore. */
  readonly max: number;
  /** The fleet groups whose nodes share it, in file order. */
  readonly fleetGroups: readonly string[];
}

/**
 * The lock groups of a fleet, in the order their first fleet group appears. Fleet groups that
 * share a lock group must agree on its max (a semaphore has one; the scenario's references
 * check says so with the key at fault); here the first one wins.
 */
export function lockGroups(reboot: RebootSection, fleetGroupNames: readonly string[]): LockGroup[] {
  const byName = new Map<string, { name: string; max: number; fleetGroups: string[] }>();
  for (const groupName of fleetGroupNames) {
    const effective = effectiveReboot(reboot, groupName);
    const existing = byName.get(effective.lockGroup);
    if (existing === undefined) byName.set(effective.lockGroup, { name: effective.lockGroup, max: effective.maxConcurrent, fleetGroups: [groupName] });
    else existing.fleetGroups.push(groupName);
  }
  return [...byName.values()];
}
