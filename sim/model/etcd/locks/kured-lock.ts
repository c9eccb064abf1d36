import type { EtcdCluster } from '../cluster.ts';
import type { KeyValue } from '../store.ts';
import { SemaphoreLock, type SemaphoreLockOptions, type SemaphorePolicy } from './semaphore-lock.ts';

/**
 * kured's lock (kubereboot/kured pkg/daemonsetlock/daemonsetlock.go): the annotation
 * `weave.works/kured-node-lock` on kured's DaemonSet, changed by an update that the Kubernetes
 * API server turns into a compare-and-swap on the object's resourceVersion in etcd (the object
 * lives at `/registry/daemonsets/<namespace>/<name>`). The value here is the annotation's
 * multi-owner form, `{"maxOwners": n, "locks": [{"nodeID", "created", "TTL"}]}` (times in ms).
 * One DaemonSet per lock group: `kured` for the default group, `kured-<group>` for the others
 * (a kured release per node pool, each with its own --ds-name and --concurrency).
 *
 * canAcquireMultiple: while fewer than maxOwners hold it, a node is appended WITHOUT dropping
 * expired entries; only a full annotation drops the entries whose TTL expired (TTL 0 = never)
 * and, if that freed anything, appends. kured calls Acquire only when lock.Holding() says it does
 * not hold the lock, so a holder asking again gets `already-held`.
 */
export interface KuredAnnotation {
  maxOwners: number;
  locks: { nodeID: string; created: number; TTL: number }[];
}

export const KURED_LOCK_KEY_PREFIX = '/registry/daemonsets/kube-system/';

/** The DaemonSet of a lock group. */
export function kuredDaemonSetName(group: string): string {
  return group === '' || group === 'default' ? 'kured' : `kured-${group}`;
}

/** ttlExpired: TTL > 0 and now - created >= TTL. */
function expired(entry: { created: number; TTL: number }, nowMs: number): boolean {
  return entry.TTL > 0 && nowMs - entry.created >= entry.TTL;
}

export function kuredPolicy(lockTtlMs: number): SemaphorePolicy<KuredAnnotation> {
  return {
    kind: 'kured',
    key: (group) => `${KURED_LOCK_KEY_PREFIX}${kuredDaemonSetName(group)}`,
    parse: (value, max) => (value === null ? { maxOwners: max, locks: [] } : (JSON.parse(value) as KuredAnnotation)),
    encode: (s) => JSON.stringify(s),
    holders: (s, nowMs) => s.locks.filter((l) => !expired(l, nowMs)).map((l) => Number(l.nodeID)),
    lock(s, nodeId, nowMs) {
      const id = String(nodeId);
      if (s.locks.some((l) => l.nodeID === id && !expired(l, nowMs))) return 'already-held';
      if (s.locks.length >= s.maxOwners) {
        const live = s.locks.filter((l) => !expired(l, nowMs));
        if (live.length === s.locks.length) return 'full';
        s.locks = live;
      }
      s.locks.push({ nodeID: id, created: nowMs, TTL: lockTtlMs });
      return 'acquired';
    },
    unlock(s, nodeId) {
      const at = s.locks.findIndex((l) => l.nodeID === String(nodeId));
      if (at < 0) return 'not-holder';
      s.locks.splice(at, 1);
      return 'released';
    },
    clear(s) {
      s.locks = [];
    },
    expect: (kv: KeyValue | null) => (kv === null ? { version: 0 } : { modRevision: kv.modRevision }),
    notHolderIsOk: false,
    nextExpiryMs(s, nowMs) {
      let earliest = Infinity;
      for (const l of s.locks) if (l.TTL > 0 && !expired(l, nowMs)) earliest = Math.min(earliest, l.created + l.TTL);
      return earliest;
    },
  };
}

export function kuredLock(cluster: EtcdCluster, lockTtlMs: number, options: SemaphoreLockOptions): SemaphoreLock<KuredAnnotation> {
  return new SemaphoreLock(cluster, kuredPolicy(lockTtlMs), options);
}
