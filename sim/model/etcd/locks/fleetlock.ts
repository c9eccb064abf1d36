import type { EtcdCluster } from '../cluster.ts';
import type { KeyValue } from '../store.ts';
import { SemaphoreLock, type SemaphoreLockOptions, type SemaphorePolicy } from './semaphore-lock.ts';

/**
 * FleetLock as airlock implements it (coreos/airlock internal/lock/manager.go): POST
 * /v1/pre-reboot is RecursiveLock (a holder asking again succeeds), /v1/steady-state is
 * UnlockIfHeld (a non-holder succeeds too). The key `com.coreos.airlock/groups/<g>/v1/semaphore`
 * holds `{"semaphore": {"total_slots": n, "holders": [ids]}}`, changed by a Txn comparing the
 * key's version with what the GET saw.
 */
export interface FleetLockSemaphore {
  semaphore: { total_slots: number; holders: string[] };
}

export const fleetLockPolicy: SemaphorePolicy<FleetLockSemaphore> = {
  kind: 'fleet-lock',
  key: (group) => `com.coreos.airlock/groups/${encodeURIComponent(group === '' ? 'default' : group)}/v1/semaphore`,
  parse: (value, max) => (value === null ? { semaphore: { total_slots: max, holders: [] } } : (JSON.parse(value) as FleetLockSemaphore)),
  encode: (s) => JSON.stringify(s),
  holders: (s) => s.semaphore.holders.map(Number),
  lock(s, nodeId) {
    const id = String(nodeId);
    if (s.semaphore.holders.includes(id)) return 'already-held';
    if (s.semaphore.holders.length >= s.semaphore.total_slots) return 'full';
    s.semaphore.holders.push(id);
    return 'acquired';
  },
  unlock(s, nodeId) {
    const at = s.semaphore.holders.indexOf(String(nodeId));
    if (at < 0) return 'not-holder';
    s.semaphore.holders.splice(at, 1);
    return 'released';
  },
  clear(s) {
    s.semaphore.holders = [];
  },
  expect: (kv: KeyValue | null) => ({ version: kv?.version ?? 0 }),
  notHolderIsOk: true,
  nextExpiryMs: () => Infinity,
};

export function fleetLock(cluster: EtcdCluster, options: SemaphoreLockOptions): SemaphoreLock<FleetLockSemaphore> {
  return new SemaphoreLock(cluster, fleetLockPolicy, options);
}
