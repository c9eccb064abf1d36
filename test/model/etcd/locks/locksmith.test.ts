// locksmith's semaphore as the key holds it (coreos/locksmith lock/semaphore.go Semaphore and its
// JSON, lock/etcd.go Get/Set): the holders kept in sort.SearchStrings order, the operator unlock
// of every holder, and the parse cache behind locksmithPolicy (each value parsed once, copies
// handed out). JSON values are written by hand, never produced by the policy under test.
import { describe, expect, it } from 'vitest';
import { KvClient } from '../../../../sim/model/etcd/kv.ts';
import { locksmithLock, locksmithPolicy } from '../../../../sim/model/etcd/locks/locksmith.ts';
import type { Harness } from '../harness.ts';
import { call, ready } from './cluster-calls.ts';

const KEY = 'coreos.com/updateengine/rebootlock/semaphore';

/** The semaphore key's committed JSON, parsed by JSON.parse (not by the policy). */
function committed(h: Harness, key = KEY): unknown {
  const kv = h.cluster.store.get(key);
  return kv === null ? null : JSON.parse(kv.value);
}

describe('holders in sort.SearchStrings order (lock/semaphore.go addHolder)', () => {
  it('inserts a holder at its place in string order, whatever order the nodes lock in', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 3, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(2, '', cb));
    call(h, (cb) => lock.acquire(1, '', cb));
    expect(committed(h)).toEqual({ semaphore: 1, max: 3, holders: ['1', '2'] });
    // Strings, not numbers: "10" sorts before "2".
    call(h, (cb) => lock.acquire(10, '', cb));
    expect(committed(h)).toEqual({ semaphore: 0, max: 3, holders: ['1', '10', '2'] });
  });

  it('Lock on a parsed semaphore: the id goes to its sorted place and the free count drops by one', () => {
    const s = { semaphore: 2, max: 3, holders: ['7'] };
    expect(locksmithPolicy.lock(s, 10, 0)).toBe('acquired');
    expect(s).toEqual({ semaphore: 1, max: 3, holders: ['10', '7'] });
  });
});

describe('operator unlock of every holder (clear)', () => {
  it('gives every holder’s slot back: the free count returns to max and the holder list empties', () => {
    const s = { semaphore: 1, max: 4, holders: ['3', '5', '8'] };
    locksmithPolicy.clear(s);
    expect(s).toEqual({ semaphore: 4, max: 4, holders: [] });
  });

  it('unlock without an id writes a semaphore with all its slots free', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 3, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(4, '', cb));
    call(h, (cb) => lock.acquire(6, '', cb));
    expect(call(h, (cb) => lock.unlock('', undefined, cb))).toEqual({ ok: true, outcome: 'released', holders: 0 });
    expect(committed(h)).toEqual({ semaphore: 3, max: 3, holders: [] });
    expect(lock.holders('')).toEqual([]);
  });
});

describe('the parse cache (each value parsed once, copies handed out)', () => {
  const one = '{"semaphore":1,"max":2,"holders":["4"]}';
  const two = '{"semaphore":0,"max":2,"holders":["4","7"]}';

  it('encodes the fields in lock/semaphore.go order: semaphore, max, holders', () => {
    expect(locksmithPolicy.encode({ semaphore: 1, max: 2, holders: ['4'] })).toBe(one);
  });

  it('parses each value into its own semaphore, whichever value was read or written last', () => {
    expect(locksmithPolicy.parse(one, 2)).toEqual({ semaphore: 1, max: 2, holders: ['4'] });
    expect(locksmithPolicy.parse(two, 2)).toEqual({ semaphore: 0, max: 2, holders: ['4', '7'] });
    expect(locksmithPolicy.parse(one, 2)).toEqual({ semaphore: 1, max: 2, holders: ['4'] });
    locksmithPolicy.encode({ semaphore: 2, max: 2, holders: [] });
    expect(locksmithPolicy.parse(two, 2)).toEqual({ semaphore: 0, max: 2, holders: ['4', '7'] });
  });

  it('hands out copies: editing a parsed semaphore does not change the next parse of the same value', () => {
    const first = locksmithPolicy.parse(one, 2);
    expect(locksmithPolicy.lock(first, 9, 0)).toBe('acquired');
    expect(locksmithPolicy.parse(one, 2)).toEqual({ semaphore: 1, max: 2, holders: ['4'] });
  });

  it('keeps its own copy of what it encoded: editing the semaphore afterwards does not change its parse', () => {
    const s = { semaphore: 1, max: 2, holders: ['4'] };
    const value = locksmithPolicy.encode(s);
    expect(locksmithPolicy.lock(s, 7, 0)).toBe('acquired');
    expect(locksmithPolicy.parse(value, 2)).toEqual({ semaphore: 1, max: 2, holders: ['4'] });
  });

  it('two groups’ semaphores read in turn each show their own holders', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, 'a', cb));
    call(h, (cb) => lock.acquire(2, 'b', cb));
    call(h, (cb) => lock.acquire(3, 'b', cb));
    expect(lock.holders('a')).toEqual([1]);
    expect(lock.holders('b')).toEqual([2, 3]);
    expect(lock.holders('a')).toEqual([1]);
    expect(committed(h, 'coreos.com/updateengine/rebootlock/groups/a/semaphore')).toEqual({ semaphore: 1, max: 2, holders: ['1'] });
  });
});
