// kured's lock annotation (kubereboot/kured pkg/daemonsetlock/daemonsetlock.go), fed annotations
// written by hand: the DaemonSet per group, the JSON of the multi-owner annotation, Acquire
// (canAcquireMultiple after Holding), Release, the operator unlock, the compare-and-swap on the
// object's resourceVersion, and when the next entry expires (ttlExpired: TTL > 0 and
// now - created >= TTL). Then the lock on an etcd cluster, through SemaphoreLock.
import { describe, expect, it } from 'vitest';
import { KvClient } from '../../../../sim/model/etcd/kv.ts';
import { kuredDaemonSetName, kuredLock, kuredPolicy, type KuredAnnotation } from '../../../../sim/model/etcd/locks/kured-lock.ts';
import { call, ready } from './cluster-calls.ts';

const MIN = 60_000;
const TTL = 10 * MIN;
const DEFAULT_KEY = '/registry/daemonsets/kube-system/kured';

/** An annotation entry: node `id` locked at `created` (ms) with `ttl`. */
function entry(id: string, created: number, ttl = TTL) {
  return { nodeID: id, created, TTL: ttl };
}

describe("kured's DaemonSet per lock group (--ds-name)", () => {
  it('the default group, named "" or "default", is the DaemonSet kured; any other group is kured-<group>', () => {
    expect(kuredDaemonSetName('')).toBe('kured');
    expect(kuredDaemonSetName('default')).toBe('kured');
    expect(kuredDaemonSetName('gpu')).toBe('kured-gpu');
    expect(kuredPolicy(TTL).key('')).toBe(DEFAULT_KEY);
    expect(kuredPolicy(TTL).key('gpu')).toBe('/registry/daemonsets/kube-system/kured-gpu');
  });
});

describe('the multi-owner annotation (multiLockAnnotationValue)', () => {
  it('no annotation yet reads as no lock with maxOwners slots', () => {
    expect(kuredPolicy(TTL).parse(null, 3)).toEqual({ maxOwners: 3, locks: [] });
  });

  it('is the JSON {"maxOwners", "locks": [{"nodeID", "created", "TTL"}]}, read back as written', () => {
    const policy = kuredPolicy(TTL);
    const annotation: KuredAnnotation = { maxOwners: 2, locks: [entry('4', 1_000), entry('9', 2_000, 0)] };
    const json = '{"maxOwners":2,"locks":[{"nodeID":"4","created":1000,"TTL":600000},{"nodeID":"9","created":2000,"TTL":0}]}';
    expect(policy.encode(annotation)).toBe(json);
    expect(policy.parse(json, 5)).toEqual(annotation);
  });
});

describe('Acquire: Holding, then canAcquireMultiple', () => {
  it('a node with a live entry is holding: asking again answers already-held and leaves the annotation as it was', () => {
    const policy = kuredPolicy(TTL);
    const s: KuredAnnotation = { maxOwners: 3, locks: [entry('1', 0), entry('2', MIN)] };
    expect(policy.lock(s, 2, 5 * MIN)).toBe('already-held');
    expect(s.locks).toEqual([entry('1', 0), entry('2', MIN)]);
  });

  it('a node whose own entry expired is not holding: below maxOwners its new entry is appended after the expired one', () => {
    const policy = kuredPolicy(TTL);
    const s: KuredAnnotation = { maxOwners: 3, locks: [entry('1', 0)] };
    expect(policy.lock(s, 1, TTL)).toBe('acquired');
    expect(s.locks).toEqual([entry('1', 0), entry('1', TTL)]);
    expect(policy.holders(s, TTL)).toEqual([1]);
  });
});

describe('Release and the operator unlock', () => {
  it("Release removes the releasing node's entry and no other", () => {
    const policy = kuredPolicy(TTL);
    const s: KuredAnnotation = { maxOwners: 3, locks: [entry('1', 0), entry('2', MIN), entry('3', 2 * MIN)] };
    expect(policy.unlock(s, 2)).toBe('released');
    expect(s.locks).toEqual([entry('1', 0), entry('3', 2 * MIN)]);
  });

  it('Release by a node without an entry is "Lock not held" and leaves every entry in place', () => {
    const policy = kuredPolicy(TTL);
    const s: KuredAnnotation = { maxOwners: 3, locks: [entry('1', 0), entry('2', MIN)] };
    expect(policy.unlock(s, 7)).toBe('not-holder');
    expect(s.locks).toEqual([entry('1', 0), entry('2', MIN)]);
  });

  it('the operator unlock of a whole group drops every entry and keeps maxOwners', () => {
    const policy = kuredPolicy(TTL);
    const s: KuredAnnotation = { maxOwners: 2, locks: [entry('1', 0), entry('2', MIN)] };
    policy.clear(s);
    expect(s).toEqual({ maxOwners: 2, locks: [] });
  });
});

describe('the update: a compare-and-swap on the resourceVersion the GET saw', () => {
  it('compares the mod revision of the object as read, or that there is none yet (version 0)', () => {
    const policy = kuredPolicy(TTL);
    expect(policy.expect(null)).toEqual({ version: 0 });
    expect(policy.expect({ value: '{}', createRevision: 3, modRevision: 8, version: 4, leaseId: 0 })).toEqual({ modRevision: 8 });
  });
});

describe('ttlExpired: when the next entry expires', () => {
  it('is the earliest created + TTL among live entries with a TTL; entries with TTL 0 never expire', () => {
    const policy = kuredPolicy(TTL);
    const s: KuredAnnotation = { maxOwners: 3, locks: [entry('1', 0), entry('2', 3 * MIN), entry('3', MIN, 0)] };
    expect(policy.nextExpiryMs(s, 0)).toBe(10 * MIN);
    // Node 1's entry expires at 10 min exactly (now - created >= TTL); node 2's is next.
    expect(policy.nextExpiryMs(s, 10 * MIN)).toBe(13 * MIN);
    expect(policy.nextExpiryMs(s, 13 * MIN)).toBe(Infinity);
  });
});

describe('kuredLock on an etcd cluster', () => {
  it('is a lock of kind kured whose first acquire writes the annotation of the default DaemonSet', () => {
    const h = ready();
    const lock = kuredLock(h.cluster, TTL, { max: 2, client: new KvClient(h.cluster) });
    expect(lock.kind).toBe('kured');
    const startMs = h.sim.now;
    expect(call(h, (cb) => lock.acquire(4, '', cb))).toEqual({ ok: true, outcome: 'acquired', holders: 1 });
    const stored = JSON.parse(h.cluster.store.get(DEFAULT_KEY)!.value) as KuredAnnotation;
    expect(stored.maxOwners).toBe(2);
    expect(stored.locks.map((l) => [l.nodeID, l.TTL])).toEqual([['4', TTL]]);
    // created is the time the GET was answered: within the call's second.
    expect(stored.locks[0].created).toBeGreaterThanOrEqual(startMs);
    expect(stored.locks[0].created).toBeLessThan(startMs + 1_000);
  });

  it('a release by a node that holds no entry fails (Release: "Lock not held") and writes nothing', () => {
    const h = ready();
    const lock = kuredLock(h.cluster, TTL, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const before = h.cluster.store.get(DEFAULT_KEY);
    expect(call(h, (cb) => lock.release(2, '', cb))).toEqual({ ok: false, outcome: 'not-holder', holders: 1 });
    expect(h.cluster.store.get(DEFAULT_KEY)).toBe(before);
  });

  it('an operator unlock without a node empties the annotation and frees every slot', () => {
    const h = ready();
    const lock = kuredLock(h.cluster, TTL, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    call(h, (cb) => lock.acquire(2, '', cb));
    expect(lock.holders('')).toEqual([1, 2]);
    expect(call(h, (cb) => lock.unlock('', undefined, cb))).toMatchObject({ ok: true, outcome: 'released' });
    expect(JSON.parse(h.cluster.store.get(DEFAULT_KEY)!.value)).toEqual({ maxOwners: 2, locks: [] });
    expect(lock.holders('')).toEqual([]);
  });
});
