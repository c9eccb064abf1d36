// The reboot locks on the etcd KV: locksmith's semaphore semantics (lock/semaphore.go),
// FleetLock's recursive lock and unlock-if-held (airlock), the TTL lock's expiry (kured
// --lock-ttl), the operator unlock, and the JSON the keys hold.
import { describe, expect, it } from 'vitest';
import { KvClient } from '../../../../sim/model/etcd/kv.ts';
import { fleetLock } from '../../../../sim/model/etcd/locks/fleetlock.ts';
import { locksmithLock } from '../../../../sim/model/etcd/locks/locksmith.ts';
import { ttlLock } from '../../../../sim/model/etcd/locks/ttl-lock.ts';
import type { RebootLock } from '../../../../sim/model/etcd/locks/types.ts';
import { call, ready } from './cluster-calls.ts';

describe('locksmith semaphore (coreos/locksmith lock/semaphore.go)', () => {
  it('lock.Lock takes a slot by CAS on the semaphore key, and refuses when the semaphore is at 0', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    expect(call(h, (cb) => lock.acquire(7, '', cb))).toMatchObject({ ok: true, outcome: 'acquired', holders: 1 });
    expect(call(h, (cb) => lock.acquire(8, '', cb))).toMatchObject({ ok: false, outcome: 'full' });
    // The free count is checked before the holder list, as in Semaphore.Lock.
    expect(call(h, (cb) => lock.acquire(7, '', cb))).toMatchObject({ ok: false, outcome: 'full' });
    expect(JSON.parse(h.cluster.store.get('coreos.com/updateengine/rebootlock/semaphore')!.value)).toEqual({ semaphore: 0, max: 1, holders: ['7'] });
    expect(lock.holders('')).toEqual([7]);
  });

  it('a holder asking again with free slots gets ErrExist (already-held), groups have their own key', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, 'prod', cb));
    expect(call(h, (cb) => lock.acquire(1, 'prod', cb))).toMatchObject({ ok: true, outcome: 'already-held' });
    expect(h.cluster.store.get('coreos.com/updateengine/rebootlock/groups/prod/semaphore')).not.toBeNull();
    expect(lock.holders('canary')).toEqual([]);
  });

  it('only the holder releases its slot (ErrNotExist otherwise); an operator unlock frees a dead holder', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(3, '', cb));
    expect(call(h, (cb) => lock.release(4, '', cb))).toMatchObject({ ok: false, outcome: 'not-holder' });
    expect(lock.holders('')).toEqual([3]);
    expect(call(h, (cb) => lock.unlock('', 3, cb))).toMatchObject({ ok: true, outcome: 'released' });
    expect(lock.holders('')).toEqual([]);
    expect(call(h, (cb) => lock.acquire(4, '', cb))).toMatchObject({ outcome: 'acquired' });
  });

  it('answers unavailable while etcd has no quorum, and records the largest holder count for the report', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 3, client: new KvClient(h.cluster, { requestTimeoutMs: 200, maxAttempts: 2 }) });
    call(h, (cb) => lock.acquire(1, '', cb));
    call(h, (cb) => lock.acquire(2, '', cb));
    for (const m of [0, 1, 2]) h.cluster.crash(m);
    const result = call(h, (cb) => lock.acquire(3, '', cb));
    expect(result).toMatchObject({ ok: false, outcome: 'unavailable' });
    expect(h.cluster.report().maxLockHolders).toBe(2);
  });
});

describe('FleetLock (coreos/airlock)', () => {
  it('pre-reboot is a recursive lock and steady-state an unlock-if-held, on a per-group semaphore with slots', () => {
    const h = ready();
    const lock: RebootLock = fleetLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    expect(call(h, (cb) => lock.acquire(5, 'workers', cb))).toMatchObject({ ok: true, outcome: 'acquired' });
    expect(call(h, (cb) => lock.acquire(5, 'workers', cb))).toMatchObject({ ok: true, outcome: 'already-held' });
    expect(call(h, (cb) => lock.acquire(6, 'workers', cb))).toMatchObject({ ok: false, outcome: 'full' });
    expect(call(h, (cb) => lock.release(6, 'workers', cb))).toMatchObject({ ok: true, outcome: 'not-holder' });
    expect(JSON.parse(h.cluster.store.get('com.coreos.airlock/groups/workers/v1/semaphore')!.value)).toEqual({ semaphore: { total_slots: 1, holders: ['5'] } });
    expect(call(h, (cb) => lock.release(5, 'workers', cb))).toMatchObject({ ok: true, outcome: 'released' });
  });
});

describe('TTL lock (kured --lock-ttl)', () => {
  it('a holder that never returns loses its slot after the TTL, and waiters are woken at that moment', () => {
    const h = ready();
    const lock = ttlLock(h.cluster, 60_000, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const acquiredAtMs = h.sim.now - 1_000;
    expect(call(h, (cb) => lock.acquire(2, '', cb))).toMatchObject({ outcome: 'full' });
    let wokenAtMs = -1;
    lock.waitForSlot('', (nowMs) => (wokenAtMs = nowMs));
    h.sim.runFor(70_000);
    expect(wokenAtMs).toBeGreaterThan(acquiredAtMs + 59_000);
    expect(wokenAtMs).toBeLessThan(acquiredAtMs + 61_000);
    expect(lock.holders('')).toEqual([]);
    expect(call(h, (cb) => lock.acquire(2, '', cb))).toMatchObject({ outcome: 'acquired' });
  });
});
