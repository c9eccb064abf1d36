import { describe, expect, it } from 'vitest';
import {
  REBOOT_MANAGER_EFFECTS,
  REBOOT_MANAGER_STATE,
  REBOOT_STRATEGY,
  createRebootManagerMachine,
  type RebootManagerContext,
} from '../../../../sim/model/node/agents/locksmithd.ts';
import { HOUR_MS, MachineHarness, SECOND_MS } from '../harness.ts';

// Hand-fed scenarios of the reboot manager's slot bookkeeping: who frees a slot at boot (a known
// holder under any strategy, anyone under etcd-lock), grants that arrive where nobody asked
// (idle, the unlock loop, a release in flight), late release answers, and an update that comes
// while an unlock request is in flight (runDaemon's wg.Wait, then `resuming`). Expected times are
// worked out in the comments from locksmithctl/daemon.go: unlockHeldLocks first tries after
// initialInterval = 5 s, a failed try doubles the interval before it sleeps (10 s, 20 s ...).

function harness(overrides: Partial<RebootManagerContext>): MachineHarness {
  return new MachineHarness(createRebootManagerMachine(overrides), REBOOT_MANAGER_EFFECTS);
}

const timeline = (h: MachineHarness) => h.effects.map((e) => [e.name, e.time]);

describe('reboot manager slots (hand-fed)', () => {
  it('a fleet-lock node that knows it holds a slot frees it 5 s after boot, even though fleet-lock does not unlock blindly', () => {
    for (const warm of [0, 1]) {
      const h = harness({ strategy: REBOOT_STRATEGY.FLEET_LOCK, holdsLock: 1 }).on('releaseLock', (_r, w) =>
        w.sendAfter(100, { type: 'LOCK_RELEASED' }),
      );
      h.send({ type: 'BOOTED', warm });
      expect(h.state, `warm ${warm}`).toBe(REBOOT_MANAGER_STATE.UNLOCK_WAIT);
      h.runUntil(HOUR_MS);
      // 5 s initial interval, answer 100 ms later.
      expect(timeline(h)).toEqual([['releaseLock', 5 * SECOND_MS]]);
      expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
      expect(h.context.holdsLock).toBe(0);
    }
  });

  it('an etcd-lock node up before the run that holds a slot still frees it (warm boot, holdsLock 1)', () => {
    const h = harness({ strategy: REBOOT_STRATEGY.ETCD_LOCK, holdsLock: 1 });
    h.send({ type: 'BOOTED', warm: 1 });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.UNLOCK_WAIT);
    h.runUntil(5 * SECOND_MS);
    expect(timeline(h)).toEqual([['releaseLock', 5 * SECOND_MS]]);
  });

  it('a grant that reaches an idle node (the node rebooted meanwhile) is recorded and released at once', () => {
    const h = harness({ strategy: REBOOT_STRATEGY.ETCD_LOCK });
    h.send({ type: 'BOOTED', warm: 1 });
    h.runUntil(10 * SECOND_MS);
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASING);
    expect(h.context.holdsLock).toBe(1);
    expect(timeline(h)).toEqual([['releaseLock', 10 * SECOND_MS]]);
    expect(h.named('releaseLock')[0].context.holdsLock).toBe(1);
  });

  it('the release of an unexpected grant retries from the initial 5 s interval, whatever the last lock backoff was', () => {
    // The node's last lock loop ended at backoffMs = 40 s; the grant's release starts afresh.
    const h = harness({ strategy: REBOOT_STRATEGY.ETCD_LOCK, backoffMs: 40 * SECOND_MS }).on('releaseLock', (_r, w) =>
      w.sendAfter(0, { type: h.named('releaseLock').length === 1 ? 'RELEASE_FAILED' : 'LOCK_RELEASED' }),
    );
    h.send({ type: 'BOOTED', warm: 1 });
    h.send({ type: 'LOCK_GRANTED' });
    h.runUntil(HOUR_MS);
    // First try at 0, failed; expBackoff(5 s) = 10 s later. (From 40 s it would be 80 s.)
    expect(timeline(h)).toEqual([
      ['releaseLock', 0],
      ['releaseLock', 10 * SECOND_MS],
    ]);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
  });

  it('a release answer that comes after the node went down still clears the hold, so the next warm boot has nothing to free', () => {
    const h = harness({ strategy: REBOOT_STRATEGY.FLEET_LOCK, holdsLock: 1 });
    h.send({ type: 'BOOTED', warm: 0 });
    h.runUntil(5 * SECOND_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASING);
    h.send({ type: 'STOP' });
    h.send({ type: 'LOCK_RELEASED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.STOPPED);
    expect(h.context.holdsLock).toBe(0);
    h.send({ type: 'BOOTED', warm: 1 });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
    h.runUntil(HOUR_MS);
    expect(h.names()).toEqual(['releaseLock']);
  });

  it('a late grant during the unlock loop is recorded: a node that goes down before freeing it frees it at its next boot', () => {
    const h = harness({ strategy: REBOOT_STRATEGY.ETCD_LOCK });
    h.send({ type: 'BOOTED', warm: 0 });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.UNLOCK_WAIT);
    h.runUntil(SECOND_MS);
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.UNLOCK_WAIT);
    expect(h.context.holdsLock).toBe(1);
    h.send({ type: 'STOP' });
    // A warm boot frees only a slot the node knows it holds.
    h.send({ type: 'BOOTED', warm: 1 });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.UNLOCK_WAIT);
  });

  it('a late grant while a release request is in flight is recorded; the release answer then clears it', () => {
    const h = harness({ strategy: REBOOT_STRATEGY.ETCD_LOCK });
    h.send({ type: 'BOOTED', warm: 0 });
    h.runUntil(5 * SECOND_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASING);
    expect(h.context.holdsLock).toBe(0);
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASING);
    expect(h.context.holdsLock).toBe(1);
    h.send({ type: 'LOCK_RELEASED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
    expect(h.context.holdsLock).toBe(0);
  });

  it('a late grant between two release tries is recorded and the next try goes out as planned', () => {
    const h = harness({ strategy: REBOOT_STRATEGY.ETCD_LOCK });
    h.send({ type: 'BOOTED', warm: 0 });
    h.runUntil(5 * SECOND_MS);
    h.send({ type: 'RELEASE_FAILED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASE_BACKOFF);
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASE_BACKOFF);
    expect(h.context.holdsLock).toBe(1);
    // 5 s + expBackoff(5 s) = 15 s.
    h.runUntil(HOUR_MS);
    expect(timeline(h)).toEqual([
      ['releaseLock', 5 * SECOND_MS],
      ['releaseLock', 15 * SECOND_MS],
    ]);
    expect(h.named('releaseLock')[1].context.holdsLock).toBe(1);
  });
});

describe('an update that comes while an unlock request is in flight (runDaemon wg.Wait, then resuming)', () => {
  /** A node of `strategy` that holds a slot, booted cold, its release request in flight at 5 s. */
  function releasing(strategy: number): MachineHarness {
    const h = harness({ strategy, holdsLock: 1 });
    h.send({ type: 'BOOTED', warm: 0 });
    h.runUntil(5 * SECOND_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASING);
    return h;
  }

  it('strategy reboot with the window open reboots as soon as the release is answered', () => {
    for (const answer of ['LOCK_RELEASED', 'RELEASE_FAILED'] as const) {
      const h = releasing(REBOOT_STRATEGY.REBOOT);
      h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
      h.runUntil(6 * SECOND_MS);
      h.send({ type: answer });
      expect(h.state, answer).toBe(REBOOT_MANAGER_STATE.REBOOTING);
      expect(timeline(h), answer).toEqual([
        ['releaseLock', 5 * SECOND_MS],
        ['reboot', 6 * SECOND_MS],
      ]);
      expect(h.context.rebootPending).toBe(0);
    }
  });

  it('strategy reboot with the window closed waits for it from the answer, then reboots without a lock', () => {
    const h = releasing(REBOOT_STRATEGY.REBOOT);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 30 * SECOND_MS });
    h.runUntil(6 * SECOND_MS);
    h.send({ type: 'LOCK_RELEASED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.WAITING_FOR_WINDOW);
    h.runUntil(HOUR_MS);
    // Answer at 6 s + 30 s window wait = 36 s.
    expect(timeline(h)).toEqual([
      ['releaseLock', 5 * SECOND_MS],
      ['reboot', 36 * SECOND_MS],
    ]);
  });

  it('a lock strategy with the window open asks for the lock right at the answer (locking, not a zero wait)', () => {
    for (const strategy of [REBOOT_STRATEGY.ETCD_LOCK, REBOOT_STRATEGY.FLEET_LOCK]) {
      const h = releasing(strategy);
      h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
      h.runUntil(7 * SECOND_MS);
      h.send({ type: 'LOCK_RELEASED' });
      expect(h.state, `strategy ${strategy}`).toBe(REBOOT_MANAGER_STATE.LOCKING);
      expect(timeline(h)).toEqual([
        ['releaseLock', 5 * SECOND_MS],
        ['acquireLock', 7 * SECOND_MS],
      ]);
      expect(h.context.holdsLock).toBe(0);
    }
  });

  it('strategy off stages the update after the answer and never reboots', () => {
    const h = releasing(REBOOT_STRATEGY.OFF);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.send({ type: 'LOCK_RELEASED' });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.STAGED);
    h.runUntil(24 * HOUR_MS);
    expect(h.names()).toEqual(['releaseLock']);
  });
});
