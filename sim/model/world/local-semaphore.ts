import { assert } from '../../engine/assert.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { LockCallback, RebootLock } from '../etcd/locks/types.ts';

/**
 * A semaphore with locksmith's semantics (`{semaphore, max, holders}`, no TTL, the holder
 * releases) held in memory and answering after a fixed latency: for runs without an etcd
 * cluster (strategies `reboot` and `off` never call it) and for tests of the world. Runs with a
 * lock strategy use the Raft-backed locks of sim/model/etcd/locks.
 */
export class LocalSemaphore implements RebootLock {
  readonly kind = 'locksmith' as const;
  private readonly holderSets = new Map<string, Set<number>>();
  private readonly waiters = new Map<string, Array<(nowMs: number) => void>>();
  skippedPolls = 0;

  constructor(
    private readonly sim: Simulation,
    readonly max: number,
    private readonly latencyMs = 2,
  ) {
    assert(max >= 1, 'a semaphore needs max >= 1');
  }

  acquire(nodeId: number, group: string, callback: LockCallback): void {
    this.sim.callAfter(this.latencyMs, () => {
      const set = this.set(group);
      if (set.has(nodeId)) return callback({ ok: true, outcome: 'already-held', holders: set.size });
      if (set.size >= this.max) return callback({ ok: false, outcome: 'full', holders: set.size });
      set.add(nodeId);
      callback({ ok: true, outcome: 'acquired', holders: set.size });
    });
  }

  release(nodeId: number, group: string, callback: LockCallback): void {
    this.sim.callAfter(this.latencyMs, () => {
      const set = this.set(group);
      const held = set.delete(nodeId);
      if (held) this.notify(group);
      callback({ ok: true, outcome: held ? 'released' : 'not-holder', holders: set.size });
    });
  }

  holders(group: string): readonly number[] {
    return [...this.set(group)];
  }

  unlock(group: string, nodeId?: number, callback?: LockCallback): void {
    const set = this.set(group);
    if (nodeId === undefined) set.clear();
    else set.delete(nodeId);
    this.notify(group);
    callback?.({ ok: true, outcome: 'released', holders: set.size });
  }

  waitForSlot(group: string, notify: (nowMs: number) => void): () => void {
    const list = this.waiters.get(group) ?? [];
    this.waiters.set(group, list);
    list.push(notify);
    if (this.set(group).size < this.max) this.notify(group);
    return () => {
      const i = list.indexOf(notify);
      if (i >= 0) list.splice(i, 1);
    };
  }

  recordSkippedPolls(count: number): void {
    this.skippedPolls += count;
  }

  private notify(group: string): void {
    const list = this.waiters.get(group);
    if (list === undefined || list.length === 0) return;
    const calls = list.splice(0);
    this.sim.callAfter(0, () => {
      for (const call of calls) call(this.sim.now);
    });
  }

  private set(group: string): Set<number> {
    let set = this.holderSets.get(group);
    if (set === undefined) {
      set = new Set();
      this.holderSets.set(group, set);
    }
    return set;
  }
}
