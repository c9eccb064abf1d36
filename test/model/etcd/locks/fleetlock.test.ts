// FleetLock's semaphore key per group and the operator unlock of a whole group (coreos/airlock
// internal/lock/lock.go keyTemplate `com.coreos.airlock/groups/%s/v1/semaphore` with the group
// escaped, defaultGroup "default"), the policy alone and on an etcd cluster.
import { describe, expect, it } from 'vitest';
import { KvClient } from '../../../../sim/model/etcd/kv.ts';
import { fleetLock, fleetLockPolicy, type FleetLockSemaphore } from '../../../../sim/model/etcd/locks/fleetlock.ts';
import { call, ready } from './cluster-calls.ts';

describe('FleetLock semaphore key (airlock lock.go keyTemplate)', () => {
  it('the group "" is airlock’s defaultGroup "default"; a named group is escaped into one path segment', () => {
    expect(fleetLockPolicy.key('')).toBe('com.coreos.airlock/groups/default/v1/semaphore');
    expect(fleetLockPolicy.key('default')).toBe('com.coreos.airlock/groups/default/v1/semaphore');
    expect(fleetLockPolicy.key('workers')).toBe('com.coreos.airlock/groups/workers/v1/semaphore');
    expect(fleetLockPolicy.key('eu/west')).toBe('com.coreos.airlock/groups/eu%2Fwest/v1/semaphore');
  });
});

describe('FleetLock operator unlock of a whole group', () => {
  it('removes every holder and keeps the slot count', () => {
    const s: FleetLockSemaphore = { semaphore: { total_slots: 3, holders: ['5', '6'] } };
    fleetLockPolicy.clear(s);
    expect(s).toEqual({ semaphore: { total_slots: 3, holders: [] } });
  });

  it('on a cluster: the group’s semaphore is left with no holder, and another node can take a slot', () => {
    const h = ready();
    const lock = fleetLock(h.cluster, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(5, 'workers', cb));
    call(h, (cb) => lock.acquire(6, 'workers', cb));
    expect(lock.holders('workers')).toEqual([5, 6]);
    expect(call(h, (cb) => lock.unlock('workers', undefined, cb))).toEqual({ ok: true, outcome: 'released', holders: 0 });
    expect(lock.holders('workers')).toEqual([]);
    expect(call(h, (cb) => lock.acquire(7, 'workers', cb))).toEqual({ ok: true, outcome: 'acquired', holders: 1 });
  });
});
