import { fail } from '../../engine/assert.ts';
import type { LockCallback, RebootLock } from '../etcd/locks/types.ts';

/**
 * The reboot locks of a fleet whose groups speak different lock protocols (reboot.groups.<g>.agent:
 * locksmithd's etcd semaphore for Flatcar hosts, airlock's FleetLock for Fedora CoreOS workers,
 * kured's DaemonSet annotation): one lock per protocol, each lock group on the lock of its own
 * protocol. They live in different places in the real systems (locksmith's key
 * `coreos.com/updateengine/rebootlock/...`, airlock's `com.coreos.airlock/groups/<g>/v1/semaphore`,
 * kured's annotation on its DaemonSet), and here under their own keys, so they never share a slot;
 * a lock group name used under two protocols is a scenario error (sim/scenario/references.ts).
 */
export class ProtocolLocks implements RebootLock {
  readonly max: number;
  readonly kind: RebootLock['kind'];

  /**
   * `locks`: one per protocol, the first the one of the first lock group; `lockOfGroup`: each lock
   * group's lock (one of `locks`).
   */
  constructor(
    private readonly locks: readonly RebootLock[],
    private readonly lockOfGroup: ReadonlyMap<string, RebootLock>,
  ) {
    if (!(locks.length >= 2)) fail(`protocol locks need two protocols or more, got ${locks.length}`);
    for (const [group, lock] of lockOfGroup) if (!locks.includes(lock)) fail(`lock group ${group} maps to a lock that is not one of the protocols'`);
    this.max = locks[0].max;
    this.kind = locks[0].kind;
  }

  /** The lock of a lock group (the first protocol's for a name no fleet group has: an operator's unlock of it finds nothing). */
  lockOf(group: string): RebootLock {
    return this.lockOfGroup.get(group) ?? this.locks[0];
  }

  acquire(nodeId: number, group: string, callback: LockCallback): void {
    this.lockOf(group).acquire(nodeId, group, callback);
  }

  release(nodeId: number, group: string, callback: LockCallback): void {
    this.lockOf(group).release(nodeId, group, callback);
  }

  holders(group: string): readonly number[] {
    return this.lockOf(group).holders(group);
  }

  maxOf(group: string): number {
    return this.lockOf(group).maxOf(group);
  }

  maxHolders(group: string): number {
    return this.lockOf(group).maxHolders(group);
  }

  unlock(group: string, nodeId?: number, callback?: LockCallback): void {
    this.lockOf(group).unlock(group, nodeId, callback);
  }

  waitForSlot(group: string, notify: (nowMs: number) => void): () => void {
    return this.lockOf(group).waitForSlot(group, notify);
  }

  /** Every lock counts skipped polls into the same cluster's request count: any of them will do. */
  recordSkippedPolls(count: number): void {
    this.locks[0].recordSkippedPolls(count);
  }
}
