import { assert, fail } from '../../../engine/assert.ts';
import type { EtcdCluster } from '../cluster.ts';
import type { KeyValue } from '../store.ts';
import { SemaphoreLock, type SemaphoreLockOptions, type SemaphorePolicy } from './semaphore-lock.ts';

/**
 * A semaphore whose slots expire (scenario `reboot.lockTTL > 0`), as kured's `--lock-ttl`: each
 * holder records when it took the slot, and a holder older than the TTL no longer counts; the
 * next writer drops it. Like kured (which compares the lock annotation's `created` + TTL with its
 * own clock), expiry is measured from acquisition, whether the holder is dead or merely slow.
 * Clients judge expiry by the simulation's clock (no skew between the clients' clocks).
 */
export interface TtlSemaphore {
  max: number;
  holders: { id: string; acquiredAtMs: number }[];
}

export function ttlPolicy(lockTtlMs: number): SemaphorePolicy<TtlSemaphore> {
  if (!(lockTtlMs > 0)) fail(`lockTTL must be > 0 for a TTL lock, got ${lockTtlMs}`);
  const live = (s: TtlSemaphore, nowMs: number) => s.holders.filter((h) => h.acquiredAtMs + lockTtlMs > nowMs);
  return {
    kind: 'ttl',
    key: (group) => `fleetsim/ttl-lock/groups/${group === '' ? 'default' : group}/semaphore`,
    parse: (value, max) => (value === null ? { max, holders: [] } : (JSON.parse(value) as TtlSemaphore)),
    encode: (s) => JSON.stringify(s),
    holders: (s, nowMs) => live(s, nowMs).map((h) => Number(h.id)),
    lock(s, nodeId, nowMs) {
      s.holders = live(s, nowMs);
      const id = String(nodeId);
      if (s.holders.some((h) => h.id === id)) return 'already-held';
      if (s.holders.length >= s.max) return 'full';
      s.holders.push({ id, acquiredAtMs: nowMs });
      return 'acquired';
    },
    unlock(s, nodeId) {
      const at = s.holders.findIndex((h) => h.id === String(nodeId));
      if (at < 0) return 'not-holder';
      s.holders.splice(at, 1);
      return 'released';
    },
    clear(s) {
      s.holders = [];
    },
    expect: (kv: KeyValue | null) => (kv === null ? { version: 0 } : { modRevision: kv.modRevision }),
    notHolderIsOk: false,
    nextExpiryMs(s, nowMs) {
      let earliest = Infinity;
      for (const h of live(s, nowMs)) earliest = Math.min(earliest, h.acquiredAtMs + lockTtlMs);
      return earliest;
    },
  };
}

export function ttlLock(cluster: EtcdCluster, lockTtlMs: number, options: SemaphoreLockOptions): SemaphoreLock<TtlSemaphore> {
  return new SemaphoreLock(cluster, ttlPolicy(lockTtlMs), options);
}
