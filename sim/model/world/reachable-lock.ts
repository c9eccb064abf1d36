import type { Simulation } from '../../engine/simulation.ts';
import type { LockCallback, RebootLock } from '../etcd/locks/types.ts';

/**
 * The reboot lock as a node's lock client sees it: a node that a partition isolates from its
 * zone's etcd client gets `unavailable` after what KvClient's retries take by default (5 attempts
 * of 2 s with 50 ms -> 400 ms backoff between them, sim/model/etcd/kv.ts), as if its requests
 * timed out. Everything else goes to the lock.
 */
const UNREACHABLE_ANSWER_MS = 5 * 2000 + 50 + 100 + 200 + 400;

export class ReachableLock implements RebootLock {
  readonly max: number;
  readonly kind: RebootLock['kind'];

  constructor(
    private readonly sim: Simulation,
    private readonly lock: RebootLock,
    private readonly reachable: Uint8Array,
  ) {
    this.max = lock.max;
    this.kind = lock.kind;
  }

  acquire(nodeId: number, group: string, callback: LockCallback): void {
    if (this.reachable[nodeId] === 1) this.lock.acquire(nodeId, group, callback);
    else this.unreachable(callback);
  }

  release(nodeId: number, group: string, callback: LockCallback): void {
    if (this.reachable[nodeId] === 1) this.lock.release(nodeId, group, callback);
    else this.unreachable(callback);
  }

  holders(group: string): readonly number[] {
    return this.lock.holders(group);
  }

  maxOf(group: string): number {
    return this.lock.maxOf(group);
  }

  maxHolders(group: string): number {
    return this.lock.maxHolders(group);
  }

  unlock(group: string, nodeId?: number, callback?: LockCallback): void {
    this.lock.unlock(group, nodeId, callback);
  }

  waitForSlot(group: string, notify: (nowMs: number) => void): () => void {
    return this.lock.waitForSlot(group, notify);
  }

  recordSkippedPolls(count: number): void {
    this.lock.recordSkippedPolls(count);
  }

  private unreachable(callback: LockCallback): void {
    this.sim.callAfter(UNREACHABLE_ANSWER_MS, () => callback({ ok: false, outcome: 'unavailable', holders: -1, reason: 'partitioned' }));
  }
}
