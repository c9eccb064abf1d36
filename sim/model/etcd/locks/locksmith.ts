import type { EtcdCluster } from '../cluster.ts';
import type { KeyValue } from '../store.ts';
import { SemaphoreLock, type SemaphoreLockOptions, type SemaphorePolicy } from './semaphore-lock.ts';

/**
 * locksmith's reboot lock (coreos/locksmith lock/semaphore.go, lock/etcd.go): the key
 * `coreos.com/updateengine/rebootlock/semaphore` (or `.../groups/<g>/semaphore`) holds
 * `{"semaphore": free, "max": max, "holders": [ids, sorted]}`; changed by CAS on the modified
 * index. Lock checks the free count first ("semaphore is at 0"), then the holder (ErrExist);
 * Unlock fails for a non-holder (ErrNotExist). No TTL: a holder that never comes back keeps its
 * slot until `locksmithctl unlock`.
 */
export interface LocksmithSemaphore {
  semaphore: number;
  max: number;
  holders: string[];
}

const KEY_PREFIX = 'coreos.com/updateengine/rebootlock';

/**
 * The semaphore's value is read far more often than it changes (every GET, every committed
 * write, every waiter's check): parse each distinct value once (the value just encoded, most
 * often) and hand out copies, which the callers may edit.
 */
let cachedValue: string | null = null;
let cachedSemaphore: LocksmithSemaphore = { semaphore: 0, max: 0, holders: [] };

function parseCached(value: string): LocksmithSemaphore {
  if (value !== cachedValue) {
    cachedSemaphore = JSON.parse(value) as LocksmithSemaphore;
    cachedValue = value;
  }
  const s = cachedSemaphore;
  return { semaphore: s.semaphore, max: s.max, holders: s.holders.slice() };
}

/**
 * Go's url.QueryEscape, as lock/etcd.go NewEtcdLockClient escapes a group in its key: the
 * unreserved bytes A-Z a-z 0-9 - _ . ~ stay, a space becomes '+', every other UTF-8 byte %XX.
 */
export function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export const locksmithPolicy: SemaphorePolicy<LocksmithSemaphore> = {
  kind: 'locksmith',
  key: (group) => (group === '' || group === 'default' ? `${KEY_PREFIX}/semaphore` : `${KEY_PREFIX}/groups/${queryEscape(group)}/semaphore`),
  parse: (value, max) => (value === null ? { semaphore: max, max, holders: [] } : parseCached(value)),
  encode: (s) => {
    const value = JSON.stringify({ semaphore: s.semaphore, max: s.max, holders: s.holders });
    // The value written is the one read next: remember it parsed.
    cachedValue = value;
    cachedSemaphore = { semaphore: s.semaphore, max: s.max, holders: s.holders.slice() };
    return value;
  },
  holders: (s) => s.holders.map(Number),
  lock(s, nodeId) {
    if (s.semaphore <= 0) return 'full';
    const id = String(nodeId);
    if (s.holders.includes(id)) return 'already-held';
    s.holders.push(id);
    if (s.holders.length > 1) s.holders.sort(); // sort.SearchStrings order
    s.semaphore--;
    return 'acquired';
  },
  unlock(s, nodeId) {
    const at = s.holders.indexOf(String(nodeId));
    if (at < 0) return 'not-holder';
    s.holders.splice(at, 1);
    s.semaphore++;
    return 'released';
  },
  clear(s) {
    s.semaphore += s.holders.length;
    s.holders = [];
  },
  // lock/etcd.go Set: CompareAndSwap(key, value, 0, "", sem.Index) with Index = ModifiedIndex.
  expect: (kv: KeyValue | null) => (kv === null ? { version: 0 } : { modRevision: kv.modRevision }),
  notHolderIsOk: false,
  nextExpiryMs: () => Infinity,
};

export function locksmithLock(cluster: EtcdCluster, options: SemaphoreLockOptions): SemaphoreLock<LocksmithSemaphore> {
  return new SemaphoreLock(cluster, locksmithPolicy, options);
}
