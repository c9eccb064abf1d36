import { describe, expect, it } from 'vitest';
import {
  REBOOT_MANAGER_EFFECTS,
  REBOOT_MANAGER_STATE,
  REBOOT_STRATEGY,
  createRebootManagerMachine,
} from '../../../../sim/model/node/agents/locksmithd.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS, SECOND_MS } from '../harness.ts';

// The locksmithd-like reboot manager as an xstate actor on the simulation clock, with a scripted
// lock: each strategy's path from REBOOT_NEEDED to the reboot, the lock retry backoff (5 s
// doubling to 5 min), late grants from a world that holds requests open, the reboot window, and
// locksmith's NO TTL semantics (a node that never returns keeps the lock).

/** A manager on a node found up when the run starts (its locksmithd started long ago): idle. */
function manager(strategy: number): MachineHarness {
  const h = new MachineHarness(createRebootManagerMachine({ strategy }), REBOOT_MANAGER_EFFECTS);
  h.send({ type: 'BOOTED', warm: 1 });
  return h;
}

describe('reboot manager (coreos/locksmith)', () => {
  it('starts stopped with the node and becomes idle when the OS boots (reboot and off strategies, or a node up before the run)', () => {
    for (const [strategy, warm] of [
      [REBOOT_STRATEGY.REBOOT, 0],
      [REBOOT_STRATEGY.OFF, 0],
      [REBOOT_STRATEGY.FLEET_LOCK, 0],
      [REBOOT_STRATEGY.ETCD_LOCK, 1],
    ]) {
      const h = new MachineHarness(createRebootManagerMachine({ strategy }), REBOOT_MANAGER_EFFECTS);
      expect(h.state).toBe(REBOOT_MANAGER_STATE.STOPPED);
      h.send({ type: 'BOOTED', warm });
      expect(h.state, `strategy ${strategy}, warm ${warm}`).toBe(REBOOT_MANAGER_STATE.IDLE);
      h.runFor(HOUR_MS);
      expect(h.effects).toEqual([]);
    }
  });

  it('locksmithctl/daemon.go runDaemon/unlockHeldLocks: under etcd-lock every boot frees the slot 5 s later, held or not (unlockIfHeld counts ErrNotExist as done)', () => {
    const h = new MachineHarness(createRebootManagerMachine({ strategy: REBOOT_STRATEGY.ETCD_LOCK }), REBOOT_MANAGER_EFFECTS).on(
      'releaseLock',
      (_r, w) => w.sendAfter(30, { type: 'LOCK_RELEASED' }),
    );
    h.send({ type: 'BOOTED', warm: 0 });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.UNLOCK_WAIT);
    expect(h.context.holdsLock).toBe(0);
    h.runUntil(4_999);
    expect(h.effects).toEqual([]);
    h.runUntil(HOUR_MS);
    expect(h.effects.map((e) => [e.name, e.time])).toEqual([['releaseLock', 5_000]]);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
  });

  it('locksmithctl/daemon.go runDaemon: an update that needs a reboot during the unlock loop\'s sleep ends the loop (close(stop)) and goes ahead at once', () => {
    const h = new MachineHarness(createRebootManagerMachine({ strategy: REBOOT_STRATEGY.ETCD_LOCK }), REBOOT_MANAGER_EFFECTS);
    h.send({ type: 'BOOTED', warm: 0 });
    h.runUntil(2_000);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.LOCKING);
    h.runUntil(HOUR_MS);
    expect(h.names()).toEqual(['acquireLock']);
  });

  it('locksmithctl/daemon.go runDaemon: an update that needs a reboot while an unlock request is in flight waits for its answer (wg.Wait), then goes on with the window wait it came with', () => {
    for (const answer of ['LOCK_RELEASED', 'RELEASE_FAILED'] as const) {
      const h = new MachineHarness(createRebootManagerMachine({ strategy: REBOOT_STRATEGY.ETCD_LOCK }), REBOOT_MANAGER_EFFECTS).on(
        'releaseLock',
        (_r, w) => w.sendAfter(1_000, { type: answer }),
      );
      h.send({ type: 'BOOTED', warm: 0 });
      h.runUntil(5_500);
      expect(h.state).toBe(REBOOT_MANAGER_STATE.RELEASING);
      h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 20_000 });
      expect(h.state, answer).toBe(REBOOT_MANAGER_STATE.RELEASING);
      h.runUntil(6_000);
      expect(h.state, answer).toBe(REBOOT_MANAGER_STATE.WAITING_FOR_WINDOW);
      expect(h.context.rebootPending).toBe(0);
      h.runUntil(HOUR_MS);
      // The window wait (20 s) counts from the request's answer at 6 s; no further unlock try.
      expect(h.effects.map((e) => [e.name, e.time]), answer).toEqual([
        ['releaseLock', 5_000],
        ['acquireLock', 26_000],
      ]);
    }
  });

  it('a ghost holder (its lock CAS committed, the answer lost) that reboots frees the slot it did not know it held', () => {
    // The world's lock answers the unlock with LOCK_RELEASED when the node is a holder in etcd,
    // whatever the machine believes; holdsLock stays 0 throughout.
    const h = new MachineHarness(createRebootManagerMachine({ strategy: REBOOT_STRATEGY.ETCD_LOCK }), REBOOT_MANAGER_EFFECTS).on(
      'releaseLock',
      (_r, w) => w.sendAfter(10, { type: 'LOCK_RELEASED' }),
    );
    h.send({ type: 'BOOTED', warm: 1 });
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.send({ type: 'STOP' }); // power loss while the acquire's answer is lost
    h.send({ type: 'BOOTED', warm: 0 });
    h.runUntil(HOUR_MS);
    expect(h.names()).toEqual(['acquireLock', 'releaseLock']);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
  });

  it('strategy reboot reboots at once without a lock', () => {
    const h = manager(REBOOT_STRATEGY.REBOOT);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.REBOOTING);
    expect(h.names()).toEqual(['reboot']);
    expect(h.context.holdsLock).toBe(0);
  });

  it('strategy reboot waits for the reboot window when one is configured (locksmith README)', () => {
    const h = manager(REBOOT_STRATEGY.REBOOT);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 3 * HOUR_MS });
    expect(h.state).toBe(REBOOT_MANAGER_STATE.WAITING_FOR_WINDOW);
    h.runUntil(3 * HOUR_MS);
    expect(h.effects.map((e) => [e.name, e.time])).toEqual([['reboot', 3 * HOUR_MS]]);
  });

  it('strategy off stages the update and never reboots', () => {
    const h = manager(REBOOT_STRATEGY.OFF);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(30 * 24 * HOUR_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.STAGED);
    expect(h.effects).toEqual([]);
  });

  it('etcd-lock takes the lock, reboots, and releases the lock after the node is back', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK)
      .on('acquireLock', (_r, w) => w.sendAfter(10, { type: 'LOCK_GRANTED' }))
      .on('reboot', (_r, w) => {
        w.sendAfter(0, { type: 'STOP' }); // the boot machine's shutdownStarted
        w.sendAfter(5 * SECOND_MS, { type: 'BOOTED' });
      })
      .on('releaseLock', (_r, w) => w.sendAfter(10, { type: 'LOCK_RELEASED' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(2 * SECOND_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.STOPPED);
    expect(h.context.holdsLock).toBe(1);
    h.runUntil(HOUR_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
    expect(h.context.holdsLock).toBe(0);
    expect(h.effects.map((e) => [e.name, e.time])).toEqual([
      ['acquireLock', 0],
      ['reboot', 10],
      ['releaseLock', 10 + 5 * SECOND_MS + 5 * SECOND_MS],
    ]);
  });

  it('fleet-lock follows the same steps (FleetLock pre-reboot / steady-state)', () => {
    const h = manager(REBOOT_STRATEGY.FLEET_LOCK).on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_GRANTED' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runFor(SECOND_MS);
    expect(h.names()).toEqual(['acquireLock', 'reboot']);
  });

  it('locksmithctl/daemon.go lockAndReboot: a denied lock is retried after 10 s, 20 s ... 5 min (expBackoff doubles the 5 s before the first sleep)', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK).on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_DENIED', windowWaitMs: 0 }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(HOUR_MS);
    const times = h.named('acquireLock').map((e) => e.time);
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / SECOND_MS);
    expect(gaps.slice(0, 9)).toEqual([10, 20, 40, 80, 160, 300, 300, 300, 300]);
    expect(h.named('reboot')).toEqual([]);
  });

  it('an agent that re-waits for the window after a denial (windowWaitMs > 0 on LOCK_DENIED) retries when the next window opens', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK).on('acquireLock', (r, w) => {
      if (r.time === 0) w.sendAfter(0, { type: 'LOCK_DENIED', windowWaitMs: 20 * HOUR_MS });
      else w.sendAfter(0, { type: 'LOCK_GRANTED' });
    });
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(24 * HOUR_MS);
    expect(h.effects.map((e) => [e.name, e.time])).toEqual([
      ['acquireLock', 0],
      ['acquireLock', 20 * HOUR_MS],
      ['reboot', 20 * HOUR_MS],
    ]);
  });

  it('waits for the reboot window before asking for the lock', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 90 * MINUTE_MS });
    h.runUntil(90 * MINUTE_MS - 1);
    expect(h.effects).toEqual([]);
    h.runUntil(90 * MINUTE_MS);
    expect(h.names()).toEqual(['acquireLock']);
  });

  it('accepts a late grant from a world that held the request open while the semaphore was full', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK).on('acquireLock', (_r, w) => w.sendAfter(6 * HOUR_MS, { type: 'LOCK_GRANTED' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(6 * HOUR_MS - 1);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.LOCKING);
    h.runUntil(6 * HOUR_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.REBOOTING);
    expect(h.names()).toEqual(['acquireLock', 'reboot']);
  });

  it('accepts a grant that arrives during the backoff after a denial', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK).on('acquireLock', (_r, w) => {
      w.sendAfter(0, { type: 'LOCK_DENIED', windowWaitMs: 0 });
      w.sendAfter(SECOND_MS, { type: 'LOCK_GRANTED' });
    });
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(SECOND_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.REBOOTING);
    expect(h.context.holdsLock).toBe(1);
    h.runUntil(HOUR_MS);
    expect(h.names()).toEqual(['acquireLock', 'reboot']);
  });

  it('a node that never comes back keeps its lock: there is no TTL (locksmith)', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK)
      .on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_GRANTED' }))
      .on('reboot', (_r, w) => w.sendAfter(0, { type: 'STOP' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(30 * 24 * HOUR_MS);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.STOPPED);
    expect(h.context.holdsLock).toBe(1);
    expect(h.named('releaseLock')).toEqual([]);
  });

  it('a grant that reaches a stopped node is kept and released when the node boots', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK).on('releaseLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_RELEASED' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.send({ type: 'STOP' });
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.context.holdsLock).toBe(1);
    h.send({ type: 'BOOTED', warm: 0 });
    h.runFor(6 * SECOND_MS);
    expect(h.names()).toEqual(['acquireLock', 'releaseLock']);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
    expect(h.context.holdsLock).toBe(0);
  });

  it('locksmithctl/daemon.go unlockHeldLocks: first tries 5 s after the start, then retries a failed release after 10 s, 20 s, 40 s (doubling before each sleep) until it succeeds', () => {
    let failures = 3;
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK).on('releaseLock', (_r, w) =>
      w.sendAfter(0, failures-- > 0 ? { type: 'RELEASE_FAILED' } : { type: 'LOCK_RELEASED' }),
    );
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.send({ type: 'LOCK_GRANTED' });
    h.send({ type: 'STOP' });
    h.send({ type: 'BOOTED', warm: 0 });
    h.runUntil(HOUR_MS);
    expect(h.named('releaseLock').map((e) => e.time / SECOND_MS)).toEqual([5, 15, 35, 75]);
    expect(h.state).toBe(REBOOT_MANAGER_STATE.IDLE);
    expect(h.context.holdsLock).toBe(0);
  });

  it('STOP in every state but stopped stops the manager and its timers', () => {
    const reach: [string, (h: MachineHarness) => void][] = [
      [REBOOT_MANAGER_STATE.IDLE, () => {}],
      [REBOOT_MANAGER_STATE.STAGED, (h) => h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 })],
      [REBOOT_MANAGER_STATE.WAITING_FOR_WINDOW, (h) => h.send({ type: 'REBOOT_NEEDED', windowWaitMs: HOUR_MS })],
      [REBOOT_MANAGER_STATE.LOCKING, (h) => h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 })],
      [REBOOT_MANAGER_STATE.BACKOFF, (h) => { h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 }); h.send({ type: 'LOCK_DENIED', windowWaitMs: 0 }); }],
      [REBOOT_MANAGER_STATE.REBOOTING, (h) => { h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 }); h.send({ type: 'LOCK_GRANTED' }); }],
      [REBOOT_MANAGER_STATE.UNLOCK_WAIT, (h) => { h.send({ type: 'STOP' }); h.send({ type: 'BOOTED', warm: 0 }); }],
      [REBOOT_MANAGER_STATE.RELEASING, (h) => { h.send({ type: 'STOP' }); h.send({ type: 'BOOTED', warm: 0 }); h.runFor(5 * SECOND_MS); }],
      [REBOOT_MANAGER_STATE.RELEASE_BACKOFF, (h) => { h.send({ type: 'STOP' }); h.send({ type: 'BOOTED', warm: 0 }); h.runFor(5 * SECOND_MS); h.send({ type: 'RELEASE_FAILED' }); }],
    ];
    for (const [state, script] of reach) {
      const h = manager(state === REBOOT_MANAGER_STATE.STAGED ? REBOOT_STRATEGY.OFF : REBOOT_STRATEGY.ETCD_LOCK);
      script(h);
      expect(h.state).toBe(state);
      const before = h.effects.length;
      h.send({ type: 'STOP' });
      expect(h.state).toBe(REBOOT_MANAGER_STATE.STOPPED);
      h.runFor(24 * HOUR_MS);
      expect(h.effects.length, `no timer of ${state} survives STOP`).toBe(before);
    }
  });

  it('ignores REBOOT_NEEDED while it is already busy with a reboot', () => {
    const h = manager(REBOOT_STRATEGY.ETCD_LOCK);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    expect(h.names()).toEqual(['acquireLock']);
  });
});
