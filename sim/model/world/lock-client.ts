import { assert } from '../../engine/assert.ts';
import { NO_EVENT, type EventHandle } from '../../engine/event-queue.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { LockResult, RebootLock } from '../etcd/locks/types.ts';
import { LockWaiters } from './lock-waiters.ts';

/**
 * The reboot managers' side of the reboot lock: turns the machines' `acquireLock` and
 * `releaseLock` effects into lock calls and their answers into events (LOCK_GRANTED,
 * LOCK_DENIED, LOCK_RELEASED, RELEASE_FAILED).
 *
 * Waiting without polling (fast fidelity, no reboot window): when a node finds the semaphore
 * full, the machine is not told; it stays in `locking` while the node joins LockWaiters. When a
 * slot may be free (RebootLock.waitForSlot), the waiter whose next scheduled locksmithd poll comes
 * first polls for real at that time; the polls skipped meanwhile all failed and are counted as
 * etcd requests. So thousands of waiters cost no events while the lock is full, and the grant
 * order is the polling run's up to a request latency (sim/model/etcd/locks/semaphore-lock.ts).
 * With a reboot window, or in full fidelity, every poll is simulated: the machine backs off.
 */
export type LockAnswer = 'LOCK_GRANTED' | 'LOCK_DENIED' | 'LOCK_RELEASED' | 'RELEASE_FAILED';

export class LockClient {
  private readonly waiters: LockWaiters;
  /** The one waiter whose poll is scheduled (watch() waits for it), -1 when none. */
  private scheduledNode = -1;
  private scheduledHandle: EventHandle = NO_EVENT;
  private cancelWait: (() => void) | null = null;

  constructor(
    private readonly sim: Simulation,
    readonly lock: RebootLock,
    nodeCount: number,
    private readonly group: string,
    private readonly shortcut: boolean,
    private readonly answer: (node: number, answer: LockAnswer) => void,
  ) {
    this.waiters = new LockWaiters(nodeCount);
  }

  get waiting(): number {
    return this.waiters.size + (this.scheduledNode >= 0 ? 1 : 0);
  }

  acquire(node: number): void {
    const polledAtMs = this.sim.now;
    this.lock.acquire(node, this.group, (result) => this.afterFirstPoll(node, polledAtMs, result));
  }

  release(node: number): void {
    // `not-holder`: an earlier release committed but its answer was lost; locksmithd's
    // unlockIfHeld counts that as released (otherwise the node would retry forever).
    this.lock.release(node, this.group, (result) =>
      this.answer(node, result.ok || result.outcome === 'not-holder' ? 'LOCK_RELEASED' : 'RELEASE_FAILED'),
    );
  }

  /**
   * The node stopped (shutdown, crash): it no longer waits; its skipped polls so far count. If
   * it was the waiter woken for a free slot, the slot is still free: the other waiters watch
   * again, so the next of them polls for it (without this, a power loss that stops the woken
   * waiter left every other waiter asleep for good: fuzz seed 5528 of fuzz-rollout.yaml).
   */
  forget(node: number): void {
    const wasScheduled = node === this.scheduledNode;
    this.drop(node);
    if (wasScheduled) this.watch();
  }

  /** At the end of the run: the polls the waiters would have made until now are counted. */
  finish(): void {
    if (this.scheduledNode >= 0) this.drop(this.scheduledNode);
    for (const node of this.waiters.nodes()) this.drop(node);
  }

  private drop(node: number): void {
    if (node === this.scheduledNode) {
      this.sim.cancel(this.scheduledHandle);
      this.scheduledNode = -1;
      this.scheduledHandle = NO_EVENT;
    }
    if (this.waiters.has(node)) this.lock.recordSkippedPolls(this.waiters.remove(node, this.sim.now));
  }

  private afterFirstPoll(node: number, polledAtMs: number, result: LockResult): void {
    if (result.ok) return this.answer(node, 'LOCK_GRANTED');
    if (!this.shortcut || (result.outcome !== 'full' && result.outcome !== 'conflict') || this.holdsSlot(node)) return this.answer(node, 'LOCK_DENIED');
    this.waiters.add(node, polledAtMs, 1);
    this.watch();
  }

  /**
   * Does the committed semaphore list `node` already? Then its CAS committed but the reply was
   * lost, and the retry lost the race against its own write (`conflict`): its next real poll gets
   * `already-held` and reboots (locksmith ErrExist), while no release would ever wake it as a
   * waiter (fuzz seed 23 of mixed-flatcar-fcos.yaml, seed 254 of lock-groups.yaml: stuck in
   * `locking` for good in fast fidelity only). The observer's read decides only whether waiting
   * without polling is exact; the machine's own backoff then polls as in full fidelity.
   */
  private holdsSlot(node: number): boolean {
    return this.lock.holders(this.group).includes(node);
  }

  private watch(): void {
    if (this.cancelWait !== null || this.waiters.size === 0 || this.scheduledNode >= 0) return;
    this.cancelWait = this.lock.waitForSlot(this.group, (nowMs) => {
      this.cancelWait = null;
      const next = this.waiters.earliest(nowMs);
      if (next === null) return;
      const failures = this.waiters.failuresAt(next.node, next.pollMs);
      const skipped = this.waiters.remove(next.node, next.pollMs);
      assert(skipped === next.skippedPolls, 'waiter poll accounting disagrees');
      this.lock.recordSkippedPolls(skipped);
      this.scheduledNode = next.node;
      this.scheduledHandle = this.sim.callAt(next.pollMs, () => this.poll(next.node, next.pollMs, failures));
    });
  }

  private poll(node: number, pollMs: number, failuresBefore: number): void {
    assert(node === this.scheduledNode, 'lock client: a poll that was not scheduled');
    this.scheduledNode = -1;
    this.scheduledHandle = NO_EVENT;
    this.lock.acquire(node, this.group, (result) => {
      if (result.ok) {
        this.answer(node, 'LOCK_GRANTED');
      } else if ((result.outcome === 'full' || result.outcome === 'conflict') && !this.holdsSlot(node)) {
        // Another node won the slot: back to waiting, this poll being one more failure of its
        // schedule.
        this.waiters.add(node, pollMs, failuresBefore + 1);
      } else {
        // etcd did not answer: the write may have committed (a lost reply), so this node may
        // hold the slot. Only a retry can tell (it gets `already-held`), and no release would
        // ever wake a waiter that holds the slot itself: hand the machine back its own backoff.
        this.answer(node, 'LOCK_DENIED');
      }
      this.watch();
    });
  }
}
