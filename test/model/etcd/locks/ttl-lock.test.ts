// The TTL lock (scenario reboot.lockTTL > 0, as kured's --lock-ttl: a holder counts until
// acquisition + TTL, measured from acquisition; kubereboot/kured pkg/daemonsetlock ttlExpired),
// its policy fed semaphores written by hand, then on an etcd cluster through SemaphoreLock.
import { describe, expect, it } from 'vitest';
import { KvClient } from '../../../../sim/model/etcd/kv.ts';
import { ttlLock, ttlPolicy, type TtlSemaphore } from '../../../../sim/model/etcd/locks/ttl-lock.ts';
import { call, ready } from './cluster-calls.ts';
import { assertionFrom } from '../../../assertion-from.ts';

const TTL_MS = 10_000;
const DEFAULT_KEY = 'fleetsim/ttl-lock/groups/default/semaphore';

/** A semaphore with `max` slots and holders [id, acquiredAtMs]. */
function semaphore(max: number, ...holders: [string, number][]): TtlSemaphore {
  return { max, holders: holders.map(([id, acquiredAtMs]) => ({ id, acquiredAtMs })) };
}

describe('the TTL lock’s TTL', () => {
  it('must be > 0: 0, -1 and NaN are assertion failures naming the value; 1 ms is accepted', () => {
    expect(assertionFrom(() => ttlPolicy(0)).message).toBe('lockTTL must be > 0 for a TTL lock, got 0');
    expect(assertionFrom(() => ttlPolicy(-1)).message).toBe('lockTTL must be > 0 for a TTL lock, got -1');
    expect(assertionFrom(() => ttlPolicy(Number.NaN)).message).toBe('lockTTL must be > 0 for a TTL lock, got NaN');
    expect(ttlPolicy(1).kind).toBe('ttl');
  });
});

describe('the TTL semaphore key and JSON', () => {
  it('the default group ("") has the key groups/default, another group its own', () => {
    const policy = ttlPolicy(TTL_MS);
    expect(policy.key('')).toBe(DEFAULT_KEY);
    expect(policy.key('gpu')).toBe('fleetsim/ttl-lock/groups/gpu/semaphore');
  });

  it('no key yet reads as a semaphore with max slots and no holder', () => {
    expect(ttlPolicy(TTL_MS).parse(null, 2)).toEqual({ max: 2, holders: [] });
  });
});

describe('TTL holders: live until acquisition + TTL', () => {
  it('holders lists the live holders by node number; a holder stops counting at acquisition + TTL exactly', () => {
    const policy = ttlPolicy(TTL_MS);
    const s = semaphore(3, ['4', 0], ['7', 5_000]);
    expect(policy.holders(s, 9_999)).toEqual([4, 7]);
    expect(policy.holders(s, 10_000)).toEqual([7]);
    expect(policy.holders(s, 15_000)).toEqual([]);
  });

  it('a live holder asking again is already-held, and its acquisition time is not renewed', () => {
    const policy = ttlPolicy(TTL_MS);
    const s = semaphore(3, ['4', 0], ['7', 5_000]);
    expect(policy.lock(s, 7, 6_000)).toBe('already-held');
    expect(s).toEqual(semaphore(3, ['4', 0], ['7', 5_000]));
  });

  it('a holder whose slot expired asking again gets a new slot from now (the expired holders are dropped)', () => {
    const policy = ttlPolicy(TTL_MS);
    const s = semaphore(3, ['4', 0], ['7', 5_000]);
    expect(policy.lock(s, 4, 12_000)).toBe('acquired');
    expect(s).toEqual(semaphore(3, ['7', 5_000], ['4', 12_000]));
  });
});

describe('TTL release and the operator unlock', () => {
  it('a holder’s release removes that holder only, the first in the list as well as a later one', () => {
    const policy = ttlPolicy(TTL_MS);
    const first = semaphore(3, ['4', 0], ['7', 5_000], ['9', 6_000]);
    expect(policy.unlock(first, 4)).toBe('released');
    expect(first).toEqual(semaphore(3, ['7', 5_000], ['9', 6_000]));
    const middle = semaphore(3, ['4', 0], ['7', 5_000], ['9', 6_000]);
    expect(policy.unlock(middle, 7)).toBe('released');
    expect(middle).toEqual(semaphore(3, ['4', 0], ['9', 6_000]));
  });

  it('a release by a node that holds no slot answers not-holder and removes nobody', () => {
    const policy = ttlPolicy(TTL_MS);
    const s = semaphore(3, ['4', 0], ['7', 5_000]);
    expect(policy.unlock(s, 8)).toBe('not-holder');
    expect(s).toEqual(semaphore(3, ['4', 0], ['7', 5_000]));
  });

  it('the operator unlock of a whole group removes every holder and keeps max', () => {
    const policy = ttlPolicy(TTL_MS);
    const s = semaphore(2, ['4', 0], ['7', 5_000]);
    policy.clear(s);
    expect(s).toEqual(semaphore(2));
  });
});

describe('ttlLock on an etcd cluster', () => {
  it('is a lock of kind ttl; a release by a node that holds no slot is not ok and writes nothing', () => {
    const h = ready();
    const lock = ttlLock(h.cluster, 60_000, { max: 2, client: new KvClient(h.cluster) });
    expect(lock.kind).toBe('ttl');
    expect(call(h, (cb) => lock.acquire(1, '', cb))).toEqual({ ok: true, outcome: 'acquired', holders: 1 });
    const before = h.cluster.store.get(DEFAULT_KEY);
    expect(before).not.toBeNull();
    expect(call(h, (cb) => lock.release(2, '', cb))).toEqual({ ok: false, outcome: 'not-holder', holders: 1 });
    expect(h.cluster.store.get(DEFAULT_KEY)).toBe(before);
  });

  it('a holder’s release frees its slot; an operator unlock without a node frees every slot', () => {
    const h = ready();
    const lock = ttlLock(h.cluster, 60_000, { max: 3, client: new KvClient(h.cluster) });
    for (const node of [1, 2, 3]) call(h, (cb) => lock.acquire(node, '', cb));
    expect(call(h, (cb) => lock.release(2, '', cb))).toEqual({ ok: true, outcome: 'released', holders: 2 });
    expect(lock.holders('')).toEqual([1, 3]);
    expect(call(h, (cb) => lock.unlock('', undefined, cb))).toEqual({ ok: true, outcome: 'released', holders: 0 });
    expect(JSON.parse(h.cluster.store.get(DEFAULT_KEY)!.value)).toEqual({ max: 3, holders: [] });
  });
});
