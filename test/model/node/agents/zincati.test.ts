import { describe, expect, it } from 'vitest';
import { ZINCATI_EFFECTS, ZINCATI_STATE, ZINCATI_STRATEGY, createZincatiMachine, zincatiJitteredMs } from '../../../../sim/model/node/agents/zincati.ts';
import { zincatiCheckSchedule } from '../../../../sim/model/node/zincati-timing.ts';
import { checkIntervalMs, firstCheckMs } from '../../../../sim/model/node/check-schedule.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS, SECOND_MS } from '../harness.ts';

// Zincati (coreos/zincati src/update_agent/, src/strategy/) as an xstate actor on the simulation
// clock, the world scripted: report steady at start, can_finalize per strategy, the 300 s refresh
// tick with add_jitter's whole-percent steps.

/** A Zincati of `strategy` whose draws are all `u`, its window answer `windowWaitMs` (not booted yet). */
function zincati(strategy: number, u: number, windowWaitMs = 0): MachineHarness {
  return new MachineHarness(createZincatiMachine({ strategy }), ZINCATI_EFFECTS)
    .on('drawUniform', (_r, w) => w.sendAfter(0, { type: 'UNIFORM', u }))
    .on('checkGates', (_r, w) => w.sendAfter(0, { type: 'GATES', windowWaitMs, blocked: 0 }));
}

const BOOTED = { type: 'BOOTED' } as const;

describe('Zincati (coreos/zincati)', () => {
  it('src/update_agent/actor.rs add_jitter: 300 s plus 0..10 whole percents (3 s steps), never more than 330 s', () => {
    expect(zincatiJitteredMs(300_000, 0)).toBe(300_000);
    expect(zincatiJitteredMs(300_000, 0.5)).toBe(315_000);
    expect(zincatiJitteredMs(300_000, 0.9999)).toBe(330_000);
    // secs / 100 is at least 1 (u64::max(secs / 100, 1)): 60 s steps by 1 s.
    expect(zincatiJitteredMs(60_000, 0.9999)).toBe(70_000);
    expect(() => zincatiJitteredMs(300_000, 1)).toThrow(/\[0, 1\)/);
  });

  it('src/update_agent/mod.rs DEFAULT_STEADY_INTERVAL_SECS: update checks every 300-330 s, the first within 30 s of start', () => {
    const schedule = zincatiCheckSchedule(300_000);
    expect([checkIntervalMs(schedule, 0), checkIntervalMs(schedule, 1)]).toEqual([300_000, 330_000]);
    expect([firstCheckMs(schedule, 0), firstCheckMs(schedule, 1)]).toEqual([1, 30_000]);
    // No backoff on a Cincinnati error: the cap is the interval itself.
    expect(schedule.backoffMaxMs).toBe(schedule.intervalMs);
  });

  it('immediate (src/strategy/immediate.rs): finalizes in the instant the update is staged, no lock, no window', () => {
    const h = zincati(ZINCATI_STRATEGY.IMMEDIATE, 0);
    h.send(BOOTED);
    h.runUntil(HOUR_MS);
    expect(h.state).toBe(ZINCATI_STATE.STEADY);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 5 * HOUR_MS });
    expect(h.names()).toEqual(['reboot']);
    expect(h.named('reboot')[0].time).toBe(HOUR_MS);
  });

  it('periodic (src/strategy/periodic.rs can_finalize): outside the window it asks again every refresh tick, and finalizes at the first tick inside', () => {
    let open = false;
    const h = new MachineHarness(createZincatiMachine({ strategy: ZINCATI_STRATEGY.PERIODIC }), ZINCATI_EFFECTS)
      .on('drawUniform', (_r, w) => w.sendAfter(0, { type: 'UNIFORM', u: 0.5 }))
      .on('checkGates', (_r, w) => w.sendAfter(0, { type: 'GATES', windowWaitMs: open ? 0 : HOUR_MS, blocked: 0 }));
    h.send({ type: 'BOOTED' });
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: HOUR_MS });
    h.runUntil(20 * MINUTE_MS);
    // At 0, then every 315 s (u 0.5: 5 steps of 3 s).
    expect(h.named('checkGates').map((e) => e.time)).toEqual([0, 315_000, 630_000, 945_000]);
    expect(h.named('reboot')).toEqual([]);
    open = true;
    h.runUntil(30 * MINUTE_MS);
    expect(h.named('reboot').map((e) => e.time)).toEqual([1_260_000]);
  });

  it('fleet-lock (src/strategy/fleet_lock.rs): reports steady at start (steady-state), asks pre-reboot before finalizing, and a denial waits one refresh tick', () => {
    let grant = false;
    const h = zincati(ZINCATI_STRATEGY.FLEET_LOCK, 0)
      .on('releaseLock', (_r, w) => w.sendAfter(10, { type: 'LOCK_RELEASED' }))
      .on('acquireLock', (_r, w) => w.sendAfter(10, grant ? { type: 'LOCK_GRANTED' } : { type: 'LOCK_DENIED', windowWaitMs: 0 }));
    h.send(BOOTED);
    h.runUntil(MINUTE_MS);
    expect(h.named('releaseLock').map((e) => e.time)).toEqual([0]);
    expect(h.state).toBe(ZINCATI_STATE.STEADY);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(MINUTE_MS + 100);
    expect(h.state).toBe(ZINCATI_STATE.FINALIZE_WAIT);
    grant = true;
    h.runUntil(HOUR_MS);
    // Denied 10 ms after asking; asked again 300 s later (u 0: no jitter); granted: finalize.
    expect(h.named('acquireLock').map((e) => e.time)).toEqual([MINUTE_MS, MINUTE_MS + 10 + 300_000]);
    expect(h.named('reboot').map((e) => e.time)).toEqual([MINUTE_MS + 10 + 300_000 + 10]);
    expect(h.context.holdsLock).toBe(1);
  });

  it('fleet-lock: back up after the reboot, the node releases its slot (steady-state) before it is steady; a failed release is retried at the next tick', () => {
    let fail = true;
    const h = zincati(ZINCATI_STRATEGY.FLEET_LOCK, 0)
      .on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_GRANTED' }))
      .on('releaseLock', (_r, w) => w.sendAfter(0, { type: fail ? 'RELEASE_FAILED' : 'LOCK_RELEASED' }))
      .on('reboot', (_r, w) => {
        w.sendAfter(0, { type: 'STOP' });
        w.sendAfter(MINUTE_MS, { type: 'BOOTED' });
      });
    h.send(BOOTED);
    h.runUntil(5 * SECOND_MS);
    expect(h.state).toBe(ZINCATI_STATE.UNLOCK_WAIT);
    fail = false;
    h.runUntil(10 * MINUTE_MS);
    expect(h.state).toBe(ZINCATI_STATE.STEADY);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(10 * MINUTE_MS + 30 * SECOND_MS);
    // Down, holding the slot it was granted.
    expect([h.state, h.context.holdsLock]).toEqual([ZINCATI_STATE.STOPPED, 1]);
    const rebootAt = h.named('reboot')[0].time;
    h.runUntil(rebootAt + 2 * MINUTE_MS);
    expect(h.named('releaseLock').map((e) => e.time)).toEqual([0, 300_000, rebootAt + MINUTE_MS]);
    expect(h.context.holdsLock).toBe(0);
    expect(h.context.staged).toBe(0);
    expect(h.state).toBe(ZINCATI_STATE.STEADY);
  });

  it('an update staged before the node is steady finalizes once it is', () => {
    const h = zincati(ZINCATI_STRATEGY.FLEET_LOCK, 0)
      .on('releaseLock', (_r, w) => w.sendAfter(MINUTE_MS, { type: 'LOCK_RELEASED' }))
      .on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_GRANTED' }));
    h.send(BOOTED);
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(2 * MINUTE_MS);
    expect(h.named('acquireLock').map((e) => e.time)).toEqual([MINUTE_MS]);
    expect(h.named('reboot').map((e) => e.time)).toEqual([MINUTE_MS]);
  });
});
