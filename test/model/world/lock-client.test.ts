/**
 * The reboot managers' lock client (sim/model/world/lock-client.ts), against a scripted lock.
 * Regressions from `fleetsim fuzz` under message loss: a waiting node's poll may commit while its
 * reply is lost (`unavailable`), so the node may hold the slot itself and no release would ever
 * wake it: the machine must get its own backoff back (LOCK_DENIED), and its retry then sees
 * `already-held`. A release whose earlier attempt committed with a lost reply gets `not-holder`:
 * that is released (locksmithd's unlockIfHeld).
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import type { LockCallback, LockOutcome, RebootLock } from '../../../sim/model/etcd/locks/types.ts';
import { LockClient, type LockAnswer } from '../../../sim/model/world/lock-client.ts';

/** A lock whose answers are scripted per call; waitForSlot notifies when `free()` is called. */
class ScriptedLock implements RebootLock {
  readonly max = 1;
  readonly kind = 'locksmith' as const;
  acquireOutcomes: LockOutcome[] = [];
  releaseOutcomes: LockOutcome[] = [];
  skipped = 0;
  /** The committed holders an observer sees (LockClient reads it to tell its own slot). */
  committedHolders: number[] = [];
  private waiter: ((nowMs: number) => void) | null = null;
  constructor(private readonly sim: Simulation) {}
  acquire(_node: number, _group: string, cb: LockCallback): void {
    const outcome = this.acquireOutcomes.shift() ?? 'full';
    this.sim.callAfter(2, () => cb({ ok: outcome === 'acquired' || outcome === 'already-held', outcome, holders: 1 }));
  }
  release(_node: number, _group: string, cb: LockCallback): void {
    const outcome = this.releaseOutcomes.shift() ?? 'released';
    this.sim.callAfter(2, () => cb({ ok: outcome === 'released', outcome, holders: 0 }));
  }
  maxOf(): number {
    return this.max;
  }
  maxHolders(): number {
    return 0;
  }
  holders(): readonly number[] {
    return this.committedHolders;
  }
  unlock(): void {}
  waitForSlot(_group: string, notify: (nowMs: number) => void): () => void {
    this.waiter = notify;
    return () => (this.waiter = null);
  }
  free(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(this.sim.now);
  }
  recordSkippedPolls(count: number): void {
    this.skipped += count;
  }
}

function setUp() {
  const sim = new Simulation();
  const lock = new ScriptedLock(sim);
  const answers: Array<[number, LockAnswer, number]> = [];
  const client = new LockClient(sim, lock, 4, 'default', true, (node, answer) => answers.push([node, answer, sim.now]));
  return { sim, lock, client, answers };
}

describe('LockClient', () => {
  it('a node that finds the lock full waits without an answer, then polls at its next scheduled time', () => {
    const { sim, lock, client, answers } = setUp();
    lock.acquireOutcomes = ['full', 'acquired'];
    client.acquire(0);
    sim.runUntil(60_000);
    expect(answers).toEqual([]);
    expect(client.waiting).toBe(1);
    lock.free();
    sim.runToEnd();
    // First poll failed at 0; locksmithd retries at 10 s, 30 s, 70 s: the next after 60 s.
    expect(answers).toEqual([[0, 'LOCK_GRANTED', 70_002]]);
    expect(lock.skipped).toBe(2);
  });

  it('a scheduled poll that gets no answer from etcd hands the machine its own backoff (fuzz regression)', () => {
    const { sim, lock, client, answers } = setUp();
    lock.acquireOutcomes = ['full', 'unavailable'];
    client.acquire(0);
    sim.runUntil(1_000);
    lock.free();
    sim.runToEnd();
    expect(answers).toEqual([[0, 'LOCK_DENIED', 10_002]]);
    expect(client.waiting).toBe(0);
  });

  it('a node that lost the CAS race to its own committed write (conflict, and it is a holder) gets its own backoff, not a wait no release would end (lock-groups.yaml fuzz seed 254)', () => {
    const { sim, lock, client, answers } = setUp();
    lock.acquireOutcomes = ['conflict'];
    lock.committedHolders = [0];
    client.acquire(0);
    sim.runToEnd();
    expect(answers).toEqual([[0, 'LOCK_DENIED', 2]]);
    expect(client.waiting).toBe(0);
    // Another node's conflict is a real wait.
    lock.acquireOutcomes = ['conflict'];
    client.acquire(1);
    sim.runToEnd();
    expect(client.waiting).toBe(1);
  });

  it('when the waiter woken for a free slot stops (power loss), the other waiters watch again and the next one polls (fuzz seed 5528 regression)', () => {
    const { sim, lock, client, answers } = setUp();
    lock.acquireOutcomes = ['full', 'full', 'acquired'];
    client.acquire(0);
    sim.runUntil(1_000);
    client.acquire(1);
    sim.runUntil(60_000);
    expect(client.waiting).toBe(2);
    // A slot frees: node 0's next poll (70 s) comes before node 1's (71 s), so node 0 is woken...
    lock.free();
    // ...and loses power before its poll: node 1 must still be waiting on the lock, not asleep.
    client.forget(0);
    expect(client.waiting).toBe(1);
    lock.free();
    sim.runToEnd();
    expect(answers).toEqual([[1, 'LOCK_GRANTED', 71_002]]);
    expect(client.waiting).toBe(0);
  });

  it('a release answered not-holder (an earlier release committed, its reply lost) counts as released', () => {
    const { sim, lock, client, answers } = setUp();
    lock.releaseOutcomes = ['not-holder'];
    client.release(1);
    sim.runToEnd();
    expect(answers).toEqual([[1, 'LOCK_RELEASED', 2]]);
  });
});
