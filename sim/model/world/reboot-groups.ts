import { assert } from '../../engine/assert.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { effectiveReboot, lockGroups, type LockGroup } from '../../scenario/reboot.ts';
import { WeeklySchedule } from '../calendar/weekly-schedule.ts';
import type { RebootLock } from '../etcd/locks/types.ts';
import { LockClient, type LockAnswer } from './lock-client.ts';

/**
 * Each fleet group's reboot settings (`reboot` overlaid with `reboot.groups.<group>`) and the
 * lock groups they make: one lock client per lock group, each on its own semaphore of the
 * shared reboot lock (locksmith's GROUP key `coreos.com/updateengine/rebootlock/groups/<g>/
 * semaphore`, coreos/locksmith lock/etcd.go NewEtcdLockClient; airlock's per-group semaphore).
 * A node asks its lock group's client; waiting without polling is per lock group (its waiters
 * wake on its semaphore's releases only).
 */
export class RebootGroups {
  /** The lock groups, in the order their first fleet group appears. */
  readonly lockGroups: readonly LockGroup[];
  /** Lock group index of each node. */
  private readonly nodeLockGroup: Uint16Array;
  private readonly clients: LockClient[];
  /** Per fleet group: its reboot window (null = any time) and drain time. */
  private readonly windows: (WeeklySchedule | null)[];
  private readonly drainMs: number[];
  /** Per fleet group: Zincati's rollout wariness, NaN when unset (Cincinnati derives one). */
  private readonly wariness: number[];

  constructor(
    sim: Simulation,
    scenario: Scenario,
    lock: RebootLock,
    nodeGroup: Uint16Array,
    answer: (node: number, answer: LockAnswer) => void,
  ) {
    const fleetGroups = scenario.fleet.groups.map((g) => g.name);
    const effective = fleetGroups.map((g) => effectiveReboot(scenario.reboot, g));
    this.windows = effective.map((r) => (r.window === null ? null : WeeklySchedule.window(r.window.days, r.window.start, r.window.length, r.window.timezone)));
    this.drainMs = effective.map((r) => r.drain);
    this.wariness = effective.map((r) => r.rolloutWariness ?? NaN);
    this.lockGroups = lockGroups(scenario.reboot, fleetGroups);
    const lockIndex = new Map(this.lockGroups.map((l, i) => [l.name, i]));
    const fleetLock = effective.map((r) => lockIndex.get(r.lockGroup) ?? -1);
    const n = nodeGroup.length;
    this.nodeLockGroup = new Uint16Array(n);
    for (let node = 0; node < n; node++) this.nodeLockGroup[node] = fleetLock[nodeGroup[node]];
    this.clients = this.lockGroups.map((l) => {
      // Waiting without polling needs a schedule only the lock can end: no reboot window.
      const windowed = l.fleetGroups.some((g) => this.windows[fleetGroups.indexOf(g)] !== null);
      // And agents that back off on a full lock (locksmithd), not ones that poll at their ticks
      // (kured, Zincati): every fleet group of the lock group runs locksmithd.
      const shortcut = scenario.fidelity === 'fast' && !windowed && l.agents.every((agent) => agent === 'locksmithd');
      return new LockClient(sim, lock, n, l.name, shortcut, answer);
    });
    // An etcd-only scenario (`fleet.groups: []`) has no node and so no lock group.
    assert(this.clients.length >= 1 || n === 0, 'a fleet with nodes has at least one lock group');
  }

  /** The lock client of a node's lock group. */
  clientOf(node: number): LockClient {
    return this.clients[this.nodeLockGroup[node]];
  }

  lockGroupOf(node: number): string {
    return this.lockGroups[this.nodeLockGroup[node]].name;
  }

  windowOf(fleetGroup: number): WeeklySchedule | null {
    return this.windows[fleetGroup];
  }

  drainMsOf(fleetGroup: number): number {
    return this.drainMs[fleetGroup];
  }

  /** Zincati's configured rollout wariness of a fleet group's nodes; NaN when unset. */
  warinessOf(fleetGroup: number): number {
    return this.wariness[fleetGroup];
  }

  /** The node stopped: it no longer waits for a slot. */
  forget(node: number): void {
    this.clientOf(node).forget(node);
  }

  /** At the end of the run: the waiters' skipped polls until now are counted. */
  finish(): void {
    for (const client of this.clients) client.finish();
  }
}
