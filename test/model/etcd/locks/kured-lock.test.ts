// kured's DaemonSet lock annotation (kubereboot/kured pkg/daemonsetlock/daemonsetlock.go
// canAcquireMultiple, ttlExpired), its policy alone: values written by hand, not by the policy.
import { describe, expect, it } from 'vitest';
import { kuredDaemonSetName, kuredPolicy, type KuredAnnotation } from '../../../../sim/model/etcd/locks/kured-lock.ts';

const MIN = 60_000;

describe("kured's DaemonSet lock (pkg/daemonsetlock)", () => {
  it('one DaemonSet per lock group: kured, kured-<group>', () => {
    expect(kuredPolicy(0).key('default')).toBe('/registry/daemonsets/kube-system/kured');
    expect(kuredDaemonSetName('workers')).toBe('kured-workers');
  });

  it('canAcquireMultiple: below maxOwners a node is appended without dropping expired entries', () => {
    const policy = kuredPolicy(10 * MIN);
    const s: KuredAnnotation = { maxOwners: 2, locks: [{ nodeID: '1', created: 0, TTL: 10 * MIN }] };
    expect(policy.lock(s, 2, 60 * MIN)).toBe('acquired');
    // The expired entry of node 1 stays in the value; it is just not a live holder.
    expect(s.locks.map((l) => l.nodeID)).toEqual(['1', '2']);
    expect(policy.holders(s, 60 * MIN)).toEqual([2]);
  });

  it('canAcquireMultiple: a full annotation drops the expired entries (ttlExpired: now - created >= TTL) and only then appends', () => {
    const policy = kuredPolicy(10 * MIN);
    const full: KuredAnnotation = { maxOwners: 2, locks: [{ nodeID: '1', created: 0, TTL: 10 * MIN }, { nodeID: '2', created: 5 * MIN, TTL: 10 * MIN }] };
    expect(policy.lock(structuredClone(full), 3, 10 * MIN - 1)).toBe('full');
    const s = structuredClone(full);
    expect(policy.lock(s, 3, 10 * MIN)).toBe('acquired');
    expect(s.locks.map((l) => [l.nodeID, l.created])).toEqual([['2', 5 * MIN], ['3', 10 * MIN]]);
  });

  it('--lock-ttl 0: entries never expire, a full annotation stays full', () => {
    const policy = kuredPolicy(0);
    const s: KuredAnnotation = { maxOwners: 1, locks: [{ nodeID: '1', created: 0, TTL: 0 }] };
    expect(policy.lock(s, 2, 1e12)).toBe('full');
    expect(policy.nextExpiryMs(s, 0)).toBe(Infinity);
    expect(policy.unlock(s, 1)).toBe('released');
    expect(policy.lock(s, 2, 1e12)).toBe('acquired');
  });
});
