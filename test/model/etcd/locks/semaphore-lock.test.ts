// SemaphoreLock, the protocol the reboot locks share: GET the semaphore key, edit, compare-and-swap
// on what the GET saw (coreos/locksmith lock/lock.go store, lock/etcd.go Get/Set by
// ModifiedIndex), the operator unlock and locksmithd's unlock at boot (locksmithctl/daemon.go
// unlockIfHeld), the report's holder counts, and the waiting shortcut's bookkeeping (waitForSlot,
// TTL expiry timers). Semaphore values written into etcd by the tests are JSON written by hand.
import { describe, expect, it } from 'vitest';
import { KvClient, type KvResult } from '../../../../sim/model/etcd/kv.ts';
import { locksmithLock, locksmithPolicy } from '../../../../sim/model/etcd/locks/locksmith.ts';
import { SemaphoreLock } from '../../../../sim/model/etcd/locks/semaphore-lock.ts';
import { ttlLock } from '../../../../sim/model/etcd/locks/ttl-lock.ts';
import type { LockResult } from '../../../../sim/model/etcd/locks/types.ts';
import type { CasExpect } from '../../../../sim/model/etcd/store.ts';
import { makeCluster, runUntilLeader, type Harness } from '../harness.ts';
import { assertionFrom } from '../../../assertion-from.ts';

const KEY = 'coreos.com/updateengine/rebootlock/semaphore';
const TTL_KEY = 'fleetsim/ttl-lock/groups/default/semaphore';
const TTL_MS = 60_000;

function ready(seed = 1): Harness {
  const h = makeCluster({ seed });
  runUntilLeader(h, 5_000);
  h.sim.runFor(500);
  return h;
}

/** Runs one lock call to its answer. */
function call(h: Harness, op: (cb: (r: LockResult) => void) => void, withinMs = 1_000): LockResult {
  let result: LockResult | null = null;
  op((r) => (result = r));
  h.sim.runFor(withinMs);
  if (result === null) throw new Error(`the lock did not answer within ${withinMs} ms`);
  return result;
}

/** Writes `value` at `key` through a KV client of its own (another tool writing the key). */
function put(h: Harness, key: string, value: string): void {
  let done = false;
  new KvClient(h.cluster).put(key, value, (r) => (done = r.ok && r.succeeded));
  h.sim.runFor(1_000);
  if (!done) throw new Error(`the put of ${key} did not commit within 1 s`);
}

/**
 * A node's KV client that records the answers the lock gets and lets the test act between the
 * lock's GET and its compare-and-swap (`beforeCas`, which must call `send`).
 */
class InterposingClient extends KvClient {
  readonly answers: { op: 'get' | 'cas'; result: KvResult }[] = [];
  beforeCas: (send: () => void) => void = (send) => send();

  override get(key: string, callback: (result: KvResult) => void): void {
    super.get(key, (result) => {
      this.answers.push({ op: 'get', result });
      callback(result);
    });
  }

  override cas(key: string, value: string, expect: CasExpect, callback: (result: KvResult) => void): void {
    this.beforeCas(() =>
      super.cas(key, value, expect, (result) => {
        this.answers.push({ op: 'cas', result });
        callback(result);
      }),
    );
  }

  casCount(): number {
    return this.answers.filter((a) => a.op === 'cas').length;
  }

  /** The failure reason of the last answer of `op`. */
  lastReason(op: 'get' | 'cas'): string {
    const last = this.answers.filter((a) => a.op === op).at(-1)?.result;
    if (last === undefined || last.ok) throw new Error(`the last ${op} did not fail`);
    return last.reason;
  }
}

/** The first `races` CASes of `client` each lose to a rival that rewrites `key` unchanged just before. */
function loseRaces(h: Harness, client: InterposingClient, key: string, races: number): void {
  const rival = new KvClient(h.cluster);
  let left = races;
  client.beforeCas = (send) => {
    if (left === 0) return send();
    left--;
    rival.put(key, h.cluster.store.get(key)!.value, () => send());
  };
}

describe('options (SemaphoreLock constructor)', () => {
  it('takes max as an integer >= 1 and refuses anything else', () => {
    const h = ready();
    const client = new KvClient(h.cluster);
    expect(locksmithLock(h.cluster, { max: 1, client }).max).toBe(1);
    expect(assertionFrom(() => locksmithLock(h.cluster, { max: 0, client })).message).toBe('lock max must be an integer >= 1, got 0');
    expect(assertionFrom(() => locksmithLock(h.cluster, { max: 1.5, client })).message).toBe('lock max must be an integer >= 1, got 1.5');
  });

  it('takes a lock group’s own max as an integer >= 1 too, and maxOf answers it', () => {
    const h = ready();
    const client = new KvClient(h.cluster);
    const lock = locksmithLock(h.cluster, { max: 2, maxByGroup: new Map([['etcd', 1], ['workers', 5]]), client });
    expect([lock.maxOf('etcd'), lock.maxOf('workers'), lock.maxOf('other')]).toEqual([1, 5, 2]);
    const withGroupMax = (max: number) => () => locksmithLock(h.cluster, { max: 2, maxByGroup: new Map([['etcd', 1], ['workers', max]]), client });
    expect(assertionFrom(withGroupMax(0)).message).toBe('lock max of group workers must be an integer >= 1, got 0');
    expect(assertionFrom(withGroupMax(2.5)).message).toBe('lock max of group workers must be an integer >= 1, got 2.5');
  });
});

describe('GET, edit, compare-and-swap on the modified index (lock/lock.go store, lock/etcd.go Set)', () => {
  it('a holder’s release frees its slot: ok, released, no holder left', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(5, '', cb));
    expect(call(h, (cb) => lock.release(5, '', cb))).toEqual({ ok: true, outcome: 'released', holders: 0 });
    expect(lock.holders('')).toEqual([]);
  });

  it('a release by a node that holds no slot is a GET alone (Unlock fails with ErrNotExist before Set)', () => {
    const h = ready();
    const client = new InterposingClient(h.cluster);
    const lock = locksmithLock(h.cluster, { max: 2, client });
    call(h, (cb) => lock.acquire(5, '', cb));
    const before = h.cluster.store.get(KEY)!.modRevision;
    expect(call(h, (cb) => lock.release(6, '', cb))).toEqual({ ok: false, outcome: 'not-holder', holders: 1 });
    expect(client.casCount()).toBe(1); // the acquire's
    expect(h.cluster.store.get(KEY)!.modRevision).toBe(before);
  });

  it('an acquire whose CAS loses to another write answers conflict, is not retried and holds nothing', () => {
    const h = ready();
    const client = new InterposingClient(h.cluster);
    const lock = locksmithLock(h.cluster, { max: 2, client });
    call(h, (cb) => lock.acquire(1, '', cb));
    loseRaces(h, client, KEY, 1);
    expect(call(h, (cb) => lock.acquire(2, '', cb))).toEqual({ ok: false, outcome: 'conflict', holders: -1 });
    expect(client.casCount()).toBe(2);
    expect(lock.holders('')).toEqual([1]);
  });

  it('an acquire whose CAS etcd does not answer is unavailable, with the KV client’s reason', () => {
    const h = ready();
    const client = new InterposingClient(h.cluster, { requestTimeoutMs: 200, maxAttempts: 2 });
    const lock = locksmithLock(h.cluster, { max: 2, client });
    client.beforeCas = (send) => {
      for (const m of [0, 1, 2]) h.cluster.crash(m);
      send();
    };
    const result = call(h, (cb) => lock.acquire(1, '', cb));
    expect(result).toEqual({ ok: false, outcome: 'unavailable', holders: -1, reason: client.lastReason('cas') });
  });

  it('an acquire whose GET etcd does not answer is unavailable with the holders unknown (-1)', () => {
    const h = ready();
    const client = new InterposingClient(h.cluster, { requestTimeoutMs: 200, maxAttempts: 2 });
    const lock = locksmithLock(h.cluster, { max: 2, client });
    for (const m of [0, 1, 2]) h.cluster.crash(m);
    const result = call(h, (cb) => lock.acquire(1, '', cb));
    expect(result).toEqual({ ok: false, outcome: 'unavailable', holders: -1, reason: client.lastReason('get') });
    expect(client.casCount()).toBe(0);
  });
});

describe('operator unlock (locksmithctl unlock; daemon.go unlockIfHeld at boot)', () => {
  it('with an id removes that holder only; without one, every holder', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 3, client: new KvClient(h.cluster) });
    for (const node of [1, 2, 3]) call(h, (cb) => lock.acquire(node, '', cb));
    expect(call(h, (cb) => lock.unlock('', 2, cb))).toEqual({ ok: true, outcome: 'released', holders: 2 });
    expect(lock.holders('')).toEqual([1, 3]);
    expect(call(h, (cb) => lock.unlock('', undefined, cb))).toEqual({ ok: true, outcome: 'released', holders: 0 });
    expect(lock.holders('')).toEqual([]);
  });

  it('of a node that holds nothing is fine (unlockIfHeld) and writes nothing', () => {
    const h = ready();
    const client = new InterposingClient(h.cluster);
    const lock = locksmithLock(h.cluster, { max: 2, client });
    call(h, (cb) => lock.acquire(1, '', cb));
    const before = h.cluster.store.get(KEY)!.modRevision;
    expect(call(h, (cb) => lock.unlock('', 9, cb))).toEqual({ ok: true, outcome: 'not-holder', holders: 1 });
    expect(client.casCount()).toBe(1); // the acquire's
    expect(h.cluster.store.get(KEY)!.modRevision).toBe(before);
  });

  it('runs through the node’s own client, and through the client of no node (-1) without an id', () => {
    const h = ready();
    const client = new KvClient(h.cluster);
    const asked: number[] = [];
    const lock = locksmithLock(h.cluster, { max: 2, client, clientFor: (node) => (asked.push(node), client) });
    call(h, (cb) => lock.acquire(4, '', cb));
    call(h, (cb) => lock.unlock('', 4, cb));
    call(h, (cb) => lock.unlock('', undefined, cb));
    expect(asked).toEqual([4, 4, -1]);
  });

  it('retries a lost CAS race: nine lost races, then released at the 10th attempt', () => {
    const h = ready();
    const client = new InterposingClient(h.cluster);
    const lock = locksmithLock(h.cluster, { max: 2, client });
    call(h, (cb) => lock.acquire(3, '', cb));
    loseRaces(h, client, KEY, 9);
    expect(call(h, (cb) => lock.unlock('', 3, cb), 5_000)).toEqual({ ok: true, outcome: 'released', holders: 0 });
    expect(client.casCount()).toBe(1 + 10);
    expect(lock.holders('')).toEqual([]);
  });

  it('gives up after 10 attempts that all lost their race, answering conflict', () => {
    const h = ready();
    const client = new InterposingClient(h.cluster);
    const lock = locksmithLock(h.cluster, { max: 2, client });
    call(h, (cb) => lock.acquire(3, '', cb));
    loseRaces(h, client, KEY, 10);
    expect(call(h, (cb) => lock.unlock('', 3, cb), 5_000)).toEqual({ ok: false, outcome: 'conflict', holders: -1 });
    expect(client.casCount()).toBe(1 + 10);
    expect(lock.holders('')).toEqual([3]);
  });
});

describe('observing committed writes of the semaphore keys', () => {
  it('records the most holders each group had, and the report the most of any group; neither goes down', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 3, client: new KvClient(h.cluster) });
    expect(lock.maxHolders('a')).toBe(0);
    call(h, (cb) => lock.acquire(1, 'a', cb));
    call(h, (cb) => lock.acquire(2, 'a', cb));
    call(h, (cb) => lock.acquire(3, 'b', cb));
    call(h, (cb) => lock.release(1, 'a', cb));
    expect([lock.maxHolders('a'), lock.maxHolders('b'), lock.maxHolders('c')]).toEqual([2, 1, 0]);
    expect(h.cluster.report().maxLockHolders).toBe(2);
  });

  it('a committed semaphore with more holders than max is an assertion failure', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    new KvClient(h.cluster).put(KEY, '{"semaphore":-1,"max":1,"holders":["1","2"]}', () => {});
    expect(assertionFrom(() => h.sim.runFor(1_000)).message).toBe(`lock ${KEY}: 2 holders exceed max 1`);
  });

  it('ignores writes of keys that are not a semaphore it uses', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    put(h, 'fleetsim/unrelated', 'not a semaphore');
    expect(lock.holders('')).toEqual([1]);
    expect(lock.maxHolders('')).toBe(1);
  });

  it('a deleted semaphore key frees every slot and wakes the waiters', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const woken: number[] = [];
    lock.waitForSlot('', (nowMs) => woken.push(nowMs));
    new KvClient(h.cluster).delete(KEY, () => {});
    h.sim.runFor(1_000);
    expect(woken).toHaveLength(1);
    expect(lock.holders('')).toEqual([]);
  });

  it('names each group’s key once, however many calls use it', () => {
    const h = ready();
    const named: string[] = [];
    const policy = { ...locksmithPolicy, key: (group: string) => (named.push(group), locksmithPolicy.key(group)) };
    const lock = new SemaphoreLock(h.cluster, policy, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, 'a', cb));
    lock.holders('a');
    call(h, (cb) => lock.release(1, 'a', cb));
    call(h, (cb) => lock.acquire(2, 'b', cb));
    call(h, (cb) => lock.acquire(3, 'a', cb));
    expect(named).toEqual(['a', 'b']);
  });

  it('"" and "default" name one locksmith key: a look through the alias does not take the group’s wake-ups', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const woken: number[] = [];
    lock.waitForSlot('', (nowMs) => woken.push(nowMs));
    expect(lock.holders('default')).toEqual([1]);
    call(h, (cb) => lock.release(1, '', cb));
    expect(woken).toHaveLength(1);
  });
});

describe('waitForSlot (the waiting shortcut)', () => {
  it('with a slot free, wakes each waiter at once in registration order, in an event after the call returns', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const registeredAtMs = h.sim.now;
    const woken: [string, number][] = [];
    lock.waitForSlot('', (nowMs) => woken.push(['first', nowMs]));
    lock.waitForSlot('', (nowMs) => woken.push(['second', nowMs]));
    expect(woken).toEqual([]);
    h.sim.runFor(0);
    expect(woken).toEqual([['first', registeredAtMs], ['second', registeredAtMs]]);
  });

  it('a cancelled waiter is not woken by the release that wakes the others', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const woken: string[] = [];
    const cancel = lock.waitForSlot('', () => woken.push('cancelled'));
    lock.waitForSlot('', () => woken.push('kept'));
    cancel();
    call(h, (cb) => lock.release(1, '', cb));
    expect(woken).toEqual(['kept']);
  });

  it('a write that leaves every slot taken wakes nobody; the release that frees one does', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 2, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    call(h, (cb) => lock.acquire(2, '', cb));
    const woken: number[] = [];
    lock.waitForSlot('', (nowMs) => woken.push(nowMs));
    put(h, KEY, '{"semaphore":0,"max":2,"holders":["1","2"]}');
    expect(woken).toEqual([]);
    call(h, (cb) => lock.release(2, '', cb));
    expect(woken).toHaveLength(1);
  });

  it('admits a million waiters in a group and refuses the next', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, 'workers', cb));
    const notify = (): void => {};
    for (let i = 0; i < 1_000_000; i++) lock.waitForSlot('workers', notify);
    expect(assertionFrom(() => lock.waitForSlot('workers', notify)).message).toBe('lock: more than 1000000 waiters in group workers');
    // Another group has its own count.
    lock.waitForSlot('other', notify);
  });

  it('recordSkippedPolls counts each skipped poll as one request; a count must be an integer >= 0', () => {
    const h = ready();
    const lock = locksmithLock(h.cluster, { max: 1, client: new KvClient(h.cluster) });
    const before = h.cluster.report().requests;
    lock.recordSkippedPolls(3);
    lock.recordSkippedPolls(0);
    expect(h.cluster.report().requests).toBe(before + 3);
    expect(assertionFrom(() => lock.recordSkippedPolls(-1)).message).toBe('skipped polls must be an integer >= 0, got -1');
    expect(assertionFrom(() => lock.recordSkippedPolls(2.5)).message).toBe('skipped polls must be an integer >= 0, got 2.5');
  });
});

describe('TTL expiry timers (kured --lock-ttl)', () => {
  it('schedules no expiry event while nobody waits: a quiet cluster has no event pending', () => {
    const h = ready();
    const lock = ttlLock(h.cluster, TTL_MS, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    expect(h.cluster.quiescent).toBe(true);
    expect(h.sim.pendingEvents).toBe(0);
  });

  it('keeps one expiry event per group, however many wait, at the holder’s acquisition + TTL', () => {
    const h = ready();
    const lock = ttlLock(h.cluster, TTL_MS, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const acquiredAtMs = (JSON.parse(h.cluster.store.get(TTL_KEY)!.value) as { holders: { acquiredAtMs: number }[] }).holders[0].acquiredAtMs;
    const woken: number[] = [];
    for (let i = 0; i < 3; i++) lock.waitForSlot('', (nowMs) => woken.push(nowMs));
    expect(h.sim.pendingEvents).toBe(1);
    expect(h.sim.nextEventTime).toBe(acquiredAtMs + TTL_MS);
    h.sim.runFor(TTL_MS);
    expect(woken).toEqual([acquiredAtMs + TTL_MS, acquiredAtMs + TTL_MS, acquiredAtMs + TTL_MS]);
  });

  it('follows the committed semaphore: a holder rewritten with a later acquisition wakes the waiters at its new expiry', () => {
    const h = ready();
    const lock = ttlLock(h.cluster, TTL_MS, { max: 1, client: new KvClient(h.cluster) });
    call(h, (cb) => lock.acquire(1, '', cb));
    const woken: number[] = [];
    lock.waitForSlot('', (nowMs) => woken.push(nowMs));
    h.sim.runFor(20_000);
    const renewedAtMs = h.sim.now;
    put(h, TTL_KEY, `{"max":1,"holders":[{"id":"1","acquiredAtMs":${renewedAtMs}}]}`);
    h.sim.runFor(2 * TTL_MS);
    expect(woken).toEqual([renewedAtMs + TTL_MS]);
  });
});
