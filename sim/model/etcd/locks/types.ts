/**
 * The reboot-lock API the node model calls (its reboot manager plays locksmithd, Zincati or
 * kured). Three implementations share it: locksmith's semaphore, FleetLock (airlock) and a TTL
 * lock (kured --lock-ttl); see semaphore-lock.ts for the protocol they share.
 *
 * Every call answers exactly once, asynchronously, on the simulation. A call makes at most one
 * GET and one compare-and-swap through the etcd KV client; it does NOT retry a full semaphore or
 * a lost CAS race: retrying is the waiter's policy (locksmithd: wait for the reboot window, then
 * retry with backoff 5 s -> 5 min; see backoff.ts and `waitForSlot`).
 */
export type LockOutcome =
  /** The caller now holds a slot. */
  | 'acquired'
  /**
   * The caller already held a slot (locksmith ErrExist, which locksmithd treats as holding the
   * lock; FleetLock's RecursiveLock succeeds the same way).
   */
  | 'already-held'
  | 'released'
  /** release: the caller held no slot (locksmith ErrNotExist; FleetLock UnlockIfHeld: ok). */
  | 'not-holder'
  /** Every slot is taken. */
  | 'full'
  /** Another client changed the semaphore between our GET and our CAS. */
  | 'conflict'
  /** etcd did not answer (no leader, no quorum, unreachable, timeout). */
  | 'unavailable';

export interface LockResult {
  /** True when the caller may go on (acquire: it holds a slot; release: it holds none). */
  readonly ok: boolean;
  readonly outcome: LockOutcome;
  /** Live holders after the operation as the caller saw them; -1 when unknown. */
  readonly holders: number;
  /** For `unavailable`: the KV failure reason. */
  readonly reason?: string;
}

export type LockCallback = (result: LockResult) => void;

export interface RebootLock {
  /** Slots of the default group's semaphore (`max`)... */
  readonly max: number;
  /** ...and of a group's (lock groups may have their own: scenario `reboot.groups`). */
  maxOf(group: string): number;
  /** The most live holders the group's committed semaphore has had so far (report `locks`). */
  maxHolders(group: string): number;
  readonly kind: 'locksmith' | 'fleet-lock' | 'ttl' | 'kured';
  acquire(nodeId: number, group: string, callback: LockCallback): void;
  release(nodeId: number, group: string, callback: LockCallback): void;
  /** Live holders of a group in the committed state (an observer's view, not a client read). */
  holders(group: string): readonly number[];
  /**
   * Operator action (`locksmithctl unlock <id>`): removes one holder, or every holder when
   * `nodeId` is omitted. Retries a lost CAS race a few times.
   */
  unlock(group: string, nodeId?: number, callback?: LockCallback): void;
  /**
   * The waiting shortcut (see semaphore-lock.ts): calls `notify(nowMs)` once, at the first
   * moment a slot of the group may be free: at once when one is free in the committed state,
   * else when a release, an unlock or (TTL lock) a holder's expiry commits. Returns a cancel
   * function. `notify` may run inside the commit of that write: it schedules its poll (an
   * event, or a request) and must not read or change the lock's state synchronously.
   */
  waitForSlot(group: string, notify: (nowMs: number) => void): () => void;
  /**
   * A waiter that skipped polls with `waitForSlot` reports them here, so that the report's
   * request count equals the event-by-event run's (each failed poll is one GET).
   */
  recordSkippedPolls(count: number): void;
}
