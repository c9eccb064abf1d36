import { assert, fail } from '../../../engine/assert.ts';
import type { EventHandle } from '../../../engine/event-queue.ts';
import type { EtcdCluster } from '../cluster.ts';
import type { KvClient, KvResult } from '../kv.ts';
import type { CasExpect, KeyValue } from '../store.ts';
import type { LockCallback, LockOutcome, LockResult, RebootLock } from './types.ts';

/**
 * The protocol locksmith, airlock (FleetLock) and kured-style TTL locks share: a JSON semaphore
 * in one etcd key per group, changed by GET, a local edit, and a compare-and-swap on what the GET
 * saw (locksmith lock/etcd.go Get/Set with prevIndex; airlock lock/manager.go get/set with a
 * version Compare). A lost race is answered `conflict`, never retried here.
 *
 * Each implementation supplies a SemaphorePolicy: the key, the JSON codec and the lock/unlock
 * rules.
 *
 * The waiting shortcut, `waitForSlot(group, notify)`: a store observer sees every committed
 * write of a semaphore key. When a write leaves a free slot (a release, an operator unlock), or
 * when a TTL holder expires, the group's waiters are notified once, at that simulated time.
 * Contract for a waiter (the node's reboot manager), instead of polling a full semaphore:
 *   1. after a failed acquire (`full`), call waitForSlot;
 *   2. when notified at time R, compute the first poll of its own retry schedule at or after R
 *      (backoff.ts pollAtOrAfter for locksmithd's 5 s -> 5 min), report the polls it skipped
 *      with recordSkippedPolls, and acquire at that time; every skipped poll would have failed,
 *      because holders only leave through the writes that notify;
 *   3. if that acquire fails again (another waiter won the slot), go back to 1;
 *   4. at the end of the run (before the report), a waiter still asleep reports the polls its
 *      schedule made before the horizon (pollAtOrAfter(lastPoll, failures, horizon)).
 * Exactness assumes a schedule anchored on poll start times (retry at start + delay), which is
 * what pollAtOrAfter computes; locksmithd sleeps after the answer, so its real schedule slips by
 * one request latency (a few ms) per retry.
 * The grant order and request counts then equal the polling run's, up to polls that fall within
 * one request's latency before the release commits (the polling client could see the release
 * mid-request; the shortcut waits for the next scheduled poll). Thousands of waiters on a full
 * semaphore then cost no events until a slot frees.
 */
export interface SemaphorePolicy<S> {
  readonly kind: RebootLock['kind'];
  key(group: string): string;
  /** The semaphore in a value; `null` (no key yet) gives the initial one with `max` slots. */
  parse(value: string | null, max: number): S;
  encode(semaphore: S): string;
  /** Live holders at `nowMs`. */
  holders(semaphore: S, nowMs: number): number[];
  lock(semaphore: S, nodeId: number, nowMs: number): 'acquired' | 'already-held' | 'full';
  unlock(semaphore: S, nodeId: number): 'released' | 'not-holder';
  /** Removes every holder (operator unlock without an id). */
  clear(semaphore: S): void;
  /** What the CAS compares (locksmith: the mod revision; airlock: the version). */
  expect(kv: KeyValue | null): CasExpect;
  /** release of a non-holder is fine (FleetLock UnlockIfHeld) or an error (locksmith). */
  readonly notHolderIsOk: boolean;
  /** Earliest time a live holder expires, for TTL locks; Infinity when none. */
  nextExpiryMs(semaphore: S, nowMs: number): number;
}

export interface SemaphoreLockOptions {
  /** Slots of a group's semaphore... */
  readonly max: number;
  /** ...unless the group has its own count here (lock groups: scenario `reboot.lockGroup`). */
  readonly maxByGroup?: ReadonlyMap<string, number>;
  /** The KV client of a node (by default the shared `client`). */
  readonly clientFor?: (nodeId: number) => KvClient;
  readonly client: KvClient;
}

const UNLOCK_ATTEMPTS_MAX = 10;
const WAITERS_PER_GROUP_MAX = 1_000_000;

export class SemaphoreLock<S> implements RebootLock {
  readonly max: number;
  readonly kind: RebootLock['kind'];
  private readonly waiters = new Map<string, Map<number, (nowMs: number) => void>>();
  private readonly expiryTimers = new Map<string, EventHandle>();
  private readonly groupOfKey = new Map<string, string>();
  private readonly keyOfGroup = new Map<string, string>();
  private nextWaiterId = 1;
  /** The most live holders each group's committed semaphore had (report `locks`). */
  private readonly maxHoldersSeen = new Map<string, number>();

  constructor(
    private readonly cluster: EtcdCluster,
    private readonly policy: SemaphorePolicy<S>,
    private readonly options: SemaphoreLockOptions,
  ) {
    if (!(Number.isInteger(options.max) && options.max >= 1)) fail(`lock max must be an integer >= 1, got ${options.max}`);
    this.max = options.max;
    for (const [group, max] of options.maxByGroup ?? []) {
      if (!(Number.isInteger(max) && max >= 1)) fail(`lock max of group ${group} must be an integer >= 1, got ${max}`);
    }
    this.kind = policy.kind;
    cluster.store.observe((key, kv, nowMs) => this.onWrite(key, kv, nowMs));
  }

  acquire(nodeId: number, group: string, callback: LockCallback): void {
    this.change(nodeId, group, callback, (semaphore, nowMs) => {
      const outcome = this.policy.lock(semaphore, nodeId, nowMs);
      return { write: outcome === 'acquired', outcome, ok: outcome !== 'full' };
    });
  }

  release(nodeId: number, group: string, callback: LockCallback): void {
    this.change(nodeId, group, callback, (semaphore) => {
      const outcome = this.policy.unlock(semaphore, nodeId);
      return { write: outcome === 'released', outcome, ok: outcome === 'released' || this.policy.notHolderIsOk };
    });
  }

  unlock(group: string, nodeId?: number, callback: LockCallback = () => {}): void {
    const attempt = (n: number): void => {
      this.change(nodeId ?? -1, group, (result) => {
        if (result.outcome === 'conflict' && n + 1 < UNLOCK_ATTEMPTS_MAX) attempt(n + 1);
        else callback(result);
      }, (semaphore) => {
        if (nodeId === undefined) {
          this.policy.clear(semaphore);
          return { write: true, outcome: 'released', ok: true };
        }
        const outcome = this.policy.unlock(semaphore, nodeId);
        return { write: outcome === 'released', outcome, ok: true };
      });
    };
    attempt(0);
  }

  maxOf(group: string): number {
    return this.options.maxByGroup?.get(group) ?? this.max;
  }

  holders(group: string): readonly number[] {
    const kv = this.cluster.store.get(this.keyOf(group));
    return this.policy.holders(this.policy.parse(kv?.value ?? null, this.maxOf(group)), this.cluster.sim.now);
  }

  waitForSlot(group: string, notify: (nowMs: number) => void): () => void {
    let waiters = this.waiters.get(group);
    if (waiters === undefined) {
      waiters = new Map();
      this.waiters.set(group, waiters);
    }
    if (!(waiters.size < WAITERS_PER_GROUP_MAX)) fail(`lock: more than ${WAITERS_PER_GROUP_MAX} waiters in group ${group}`);
    const id = this.nextWaiterId++;
    waiters.set(id, notify);
    this.keyOf(group);
    if (this.holders(group).length < this.maxOf(group)) this.notifyLater(group);
    else this.armExpiry(group);
    return () => {
      this.waiters.get(group)?.delete(id);
    };
  }

  maxHolders(group: string): number {
    return this.maxHoldersSeen.get(group) ?? 0;
  }

  recordSkippedPolls(count: number): void {
    if (!(Number.isInteger(count) && count >= 0)) fail(`skipped polls must be an integer >= 0, got ${count}`);
    this.cluster.metrics.requests += count;
  }

  // --- the GET + CAS protocol ---

  private change(
    nodeId: number,
    group: string,
    callback: LockCallback,
    edit: (semaphore: S, nowMs: number) => { write: boolean; outcome: LockOutcome; ok: boolean },
  ): void {
    const client = this.options.clientFor?.(nodeId) ?? this.options.client;
    const key = this.keyOf(group);
    client.get(key, (read: KvResult) => {
      if (!read.ok) {
        callback({ ok: false, outcome: 'unavailable', holders: -1, reason: read.reason });
        return;
      }
      const nowMs = this.cluster.sim.now;
      const semaphore = this.policy.parse(read.kv?.value ?? null, this.maxOf(group));
      const { write, outcome, ok } = edit(semaphore, nowMs);
      const holders = this.policy.holders(semaphore, nowMs).length;
      if (!write) {
        callback({ ok, outcome, holders });
        return;
      }
      client.cas(key, this.policy.encode(semaphore), this.policy.expect(read.kv), (swap: KvResult) => {
        if (!swap.ok) callback({ ok: false, outcome: 'unavailable', holders: -1, reason: swap.reason });
        else if (!swap.succeeded) callback({ ok: false, outcome: 'conflict', holders: -1 });
        else callback({ ok, outcome, holders });
      });
    });
  }

  // --- observation of committed writes ---

  private keyOf(group: string): string {
    // Every lock call names its key: build each group's once (a fresh string hashes again).
    let key = this.keyOfGroup.get(group);
    if (key === undefined) {
      key = this.policy.key(group);
      this.keyOfGroup.set(group, key);
      if (!this.groupOfKey.has(key)) this.groupOfKey.set(key, group);
    }
    return key;
  }

  private onWrite(key: string, kv: KeyValue | null, nowMs: number): void {
    const group = this.groupOfKey.get(key);
    if (group === undefined) return;
    const max = this.maxOf(group);
    const semaphore = this.policy.parse(kv?.value ?? null, max);
    const live = this.policy.holders(semaphore, nowMs).length;
    if (!(live <= max)) fail(`lock ${key}: ${live} holders exceed max ${max}`);
    const metrics = this.cluster.metrics;
    if (live > metrics.maxLockHolders) metrics.maxLockHolders = live;
    if (live > (this.maxHoldersSeen.get(group) ?? 0)) this.maxHoldersSeen.set(group, live);
    if (live < max) this.notifyNow(group);
    else this.armExpiry(group);
  }

  /** TTL locks: wake the group's waiters when its earliest holder expires. */
  private armExpiry(group: string): void {
    if ((this.waiters.get(group)?.size ?? 0) === 0) return;
    const kv = this.cluster.store.get(this.keyOf(group));
    const nowMs = this.cluster.sim.now;
    const atMs = this.policy.nextExpiryMs(this.policy.parse(kv?.value ?? null, this.maxOf(group)), nowMs);
    if (atMs === Infinity) return;
    const sim = this.cluster.sim;
    sim.cancel(this.expiryTimers.get(group) ?? 0);
    this.expiryTimers.set(group, sim.callAt(Math.max(atMs, nowMs), () => {
      this.expiryTimers.delete(group);
      if (this.holders(group).length < this.maxOf(group)) this.notifyNow(group);
      else this.armExpiry(group);
    }));
  }

  /**
   * Wakes every waiter of the group once, in registration order, in one event: for a waiter
   * that registers while a slot is free, whose waitForSlot has not returned its cancel function
   * yet.
   */
  private notifyLater(group: string): void {
    const batch = this.takeWaiters(group);
    if (batch === null) return;
    const sim = this.cluster.sim;
    sim.callAt(sim.now, () => {
      for (const notify of batch) notify(sim.now);
    });
  }

  /**
   * Wakes every waiter of the group once, in registration order, now: at a committed write (from
   * the store's observer) or a TTL expiry (its own event). A waiter only schedules its next poll
   * when woken (it makes no request and does not touch the store), so no event of its own is
   * needed: that was one event per release.
   */
  private notifyNow(group: string): void {
    const batch = this.takeWaiters(group);
    if (batch === null) return;
    const nowMs = this.cluster.sim.now;
    for (const notify of batch) notify(nowMs);
  }

  /** The group's waiters in registration order, now no longer waiting; null when none. */
  private takeWaiters(group: string): ((nowMs: number) => void)[] | null {
    const waiters = this.waiters.get(group);
    if (waiters === undefined || waiters.size === 0) return null;
    const batch = [...waiters.values()];
    waiters.clear();
    return batch;
  }
}
