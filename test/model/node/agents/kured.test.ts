import { describe, expect, it } from 'vitest';
import { KURED_EFFECTS, KURED_STATE, createKuredMachine, delaytickFirstMs, type KuredContext } from '../../../../sim/model/node/agents/kured.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS } from '../harness.ts';

// kured (kubereboot/kured cmd/kured/main.go rebootAsRequired) as an xstate actor on the
// simulation clock, the world scripted: delaytick's first tick, the tick's gates in order, the
// lock, the drain with --drain-timeout and --force-reboot, --reboot-delay and
// --lock-release-delay.

/**
 * A booted kured whose two delaytick draws are `u`, gates answered by `gates`; a drain of
 * `gates.drainMs` answered as the world's startDrain does (timed out when a set --drain-timeout
 * is shorter).
 */
function kured(config: Partial<KuredContext>, u: number, gates: { windowWaitMs?: number; blocked?: number; drainMs?: number } = {}): MachineHarness {
  const drainMs = gates.drainMs ?? 0;
  const timeoutMs = config.drainTimeoutMs ?? 0;
  const timesOut = timeoutMs > 0 && drainMs > timeoutMs;
  const h = new MachineHarness(createKuredMachine(config), KURED_EFFECTS)
    .on('drawUniform', (_r, w) => w.sendAfter(0, { type: 'UNIFORM', u }))
    .on('checkGates', (_r, w) => w.sendAfter(0, { type: 'GATES', windowWaitMs: gates.windowWaitMs ?? 0, blocked: gates.blocked ?? 0 }))
    .on('startDrain', (_r, w) => w.sendAfter(timesOut ? timeoutMs : drainMs, { type: timesOut ? 'DRAIN_TIMED_OUT' : 'DRAINED' }));
  h.send({ type: 'BOOTED' });
  return h;
}

describe('kured (kubereboot/kured)', () => {
  it('pkg/delaytick New: the first tick falls in [d/2, 3d/2), computed from the draw', () => {
    expect(delaytickFirstMs(HOUR_MS, 0)).toBe(HOUR_MS / 2);
    expect(delaytickFirstMs(HOUR_MS, 0.999)).toBeCloseTo(1.499 * HOUR_MS, 6);
    expect(() => delaytickFirstMs(HOUR_MS, 1)).toThrow(/\[0, 1\)/);
  });

  it('rebootAsRequired: checks the gates at the first period tick (after the 1-minute startup tick), then every period', () => {
    const h = kured({}, 0.5);
    h.runUntil(10 * HOUR_MS);
    // Startup tick at 1 min (u 0.5 of [30 s, 90 s)), then the period's first tick 1 h later, then hourly.
    expect(h.named('checkGates').map((e) => e.time).slice(0, 3)).toEqual([MINUTE_MS + HOUR_MS, MINUTE_MS + 2 * HOUR_MS, MINUTE_MS + 3 * HOUR_MS]);
    // No sentinel: never a lock request.
    expect(h.named('acquireLock')).toEqual([]);
  });

  it('a closed window, a missing sentinel or a firing blocker each wait for the next tick; all open: lock, drain, reboot', () => {
    for (const gates of [{ windowWaitMs: 5 * HOUR_MS }, { blocked: 1 }]) {
      const h = kured({}, 0, gates);
      h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
      h.runUntil(6 * HOUR_MS);
      expect(h.named('acquireLock')).toEqual([]);
      expect(h.state).toBe(KURED_STATE.SLEEPING);
    }
    const h = kured({}, 0, { drainMs: 10 * MINUTE_MS }).on('acquireLock', (_r, w) => w.sendAfter(5, { type: 'LOCK_GRANTED' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(3 * HOUR_MS);
    // Startup tick 30 s, first period tick 30 min later; drain 10 min; no reboot delay.
    const tick = 30_000 + HOUR_MS / 2;
    expect(h.effects.filter((e) => e.name !== 'drawUniform').map((e) => [e.name, e.time])).toEqual([
      ['checkGates', tick],
      ['acquireLock', tick],
      ['startDrain', tick + 5],
      ['reboot', tick + 5 + 10 * MINUTE_MS],
    ]);
    expect(h.context.holdsLock).toBe(1);
    expect(h.context.forced).toBe(0);
  });

  it('a full lock ("Lock already held") waits for the next period tick, not a backoff', () => {
    const h = kured({}, 0).on('acquireLock', (_r, w) => w.sendAfter(5, { type: 'LOCK_DENIED', windowWaitMs: 0 }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(4 * HOUR_MS);
    const times = h.named('acquireLock').map((e) => e.time);
    expect(times[1] - times[0]).toBe(HOUR_MS + 5);
  });

  it('--drain-timeout without --force-reboot: the failed drain releases the lock after --lock-release-delay and retries at the next tick', () => {
    const h = kured({ drainTimeoutMs: 20 * MINUTE_MS, lockReleaseDelayMs: 2 * MINUTE_MS }, 0, { drainMs: HOUR_MS })
      .on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_GRANTED' }))
      .on('releaseLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_RELEASED' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(3 * HOUR_MS);
    expect(h.named('reboot')).toEqual([]);
    const drain = h.named('startDrain')[0].time;
    expect(h.named('releaseLock')[0].time).toBe(drain + 20 * MINUTE_MS + 2 * MINUTE_MS);
    expect(h.named('startDrain').length).toBeGreaterThan(1);
  });

  it('--force-reboot: the reboot goes ahead exactly when the drain times out, plus --reboot-delay, marked forced', () => {
    const h = kured({ drainTimeoutMs: 20 * MINUTE_MS, forceReboot: 1, rebootDelayMs: MINUTE_MS }, 0, { drainMs: HOUR_MS }).on('acquireLock', (_r, w) =>
      w.sendAfter(0, { type: 'LOCK_GRANTED' }),
    );
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(3 * HOUR_MS);
    const drain = h.named('startDrain')[0].time;
    expect(h.named('reboot').map((e) => e.time)).toEqual([drain + 20 * MINUTE_MS + MINUTE_MS]);
    expect(h.context.forced).toBe(1);
  });

  it('after the reboot the startup loop releases the lock it held (after --lock-release-delay), then the sentinel is gone', () => {
    const h = kured({ lockReleaseDelayMs: 5 * MINUTE_MS }, 0)
      .on('acquireLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_GRANTED' }))
      .on('reboot', (_r, w) => {
        w.sendAfter(0, { type: 'STOP' });
        w.sendAfter(MINUTE_MS, { type: 'BOOTED' });
      })
      .on('releaseLock', (_r, w) => w.sendAfter(0, { type: 'LOCK_RELEASED' }));
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0 });
    h.runUntil(5 * HOUR_MS);
    const rebootAt = h.named('reboot')[0].time;
    // Booted 1 min later, startup tick 30 s after, then the release delay.
    expect(h.named('releaseLock').map((e) => e.time)).toEqual([rebootAt + MINUTE_MS + 30_000 + 5 * MINUTE_MS]);
    expect(h.context.holdsLock).toBe(0);
    expect(h.context.sentinel).toBe(0);
    expect(h.named('reboot')).toHaveLength(1);
  });
});
