import { describe, expect, it } from 'vitest';
import { KURED_EFFECTS, createKuredMachine, delaytickFirstMs, type KuredContext } from '../../../../sim/model/node/agents/kured.ts';
import { assertionFrom } from '../../../assertion-from.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS, SECOND_MS } from '../harness.ts';

// What kured's model refuses: flags out of range at creation (cmd/kured/main.go's flags are
// durations >= 0, --period > 0, --force-reboot a bool) and world answers out of range. An action
// that fails stops the xstate actor, which keeps the error on its snapshot.

/** A booted kured (draws u = 0) whose first main tick, at 30 s + 30 min, gets `gates`. */
function tickAnswered(gates: { windowWaitMs: number; blocked: number }, config: Partial<KuredContext> = {}): MachineHarness {
  const h = new MachineHarness(createKuredMachine(config), KURED_EFFECTS)
    .on('drawUniform', (_r, w) => w.sendAfter(0, { type: 'UNIFORM', u: 0 }))
    .on('checkGates', (_r, w) => w.sendAfter(0, { type: 'GATES', ...gates }));
  return h;
}

describe('kured flags checked at creation', () => {
  it('a --period of 0 or less is refused, naming the value', () => {
    expect(assertionFrom(() => createKuredMachine({ periodMs: 0 })).message).toBe('periodMs must be > 0, got 0');
    expect(assertionFrom(() => createKuredMachine({ periodMs: -MINUTE_MS })).message).toBe('periodMs must be > 0, got -60000');
    expect(createKuredMachine({ periodMs: 1 }).config.context).toMatchObject({ periodMs: 1 });
  });

  it('each of --drain-timeout, --reboot-delay and --lock-release-delay must be finite and >= 0; 0 is allowed', () => {
    for (const key of ['drainTimeoutMs', 'rebootDelayMs', 'lockReleaseDelayMs'] as const) {
      expect(assertionFrom(() => createKuredMachine({ [key]: -1 })).message).toBe(`${key} must be finite and >= 0, got -1`);
      expect(assertionFrom(() => createKuredMachine({ [key]: Infinity })).message).toBe(`${key} must be finite and >= 0, got Infinity`);
      expect(createKuredMachine({ [key]: 0 }).config.context).toMatchObject({ [key]: 0 });
    }
  });

  it('--force-reboot is a bool: 0 and 1 are accepted, 2 is refused', () => {
    expect(assertionFrom(() => createKuredMachine({ forceReboot: 2 })).message).toBe('forceReboot must be 0 or 1');
    expect(createKuredMachine({ forceReboot: 1 }).config.context).toMatchObject({ forceReboot: 1 });
  });

  it('the machine is named kured (the compiler and the runtime name it in their errors)', () => {
    expect(createKuredMachine().id).toBe('kured');
  });
});

describe('kured world answers checked', () => {
  it('pkg/delaytick: a uniform draw outside [0, 1) is refused, naming the value', () => {
    expect(assertionFrom(() => delaytickFirstMs(HOUR_MS, 1)).message).toBe('UNIFORM.u must be in [0, 1), got 1');
    expect(assertionFrom(() => delaytickFirstMs(HOUR_MS, -0.25)).message).toBe('UNIFORM.u must be in [0, 1), got -0.25');
  });

  it('a negative or infinite time to the window at a tick is refused', () => {
    const negative = tickAnswered({ windowWaitMs: -1, blocked: 0 });
    expect(negative.assertionDuring(() => (negative.send({ type: 'BOOTED' }), negative.runUntil(HOUR_MS))).message).toBe(
      'GATES.windowWaitMs must be finite and >= 0, got -1',
    );
    const never = tickAnswered({ windowWaitMs: Infinity, blocked: 0 });
    expect(never.assertionDuring(() => (never.send({ type: 'BOOTED' }), never.runUntil(HOUR_MS))).message).toBe(
      'GATES.windowWaitMs must be finite and >= 0, got Infinity',
    );
  });

  it('a blocker flag other than 0 or 1 is refused', () => {
    const h = tickAnswered({ windowWaitMs: 0, blocked: 2 });
    expect(h.assertionDuring(() => (h.send({ type: 'BOOTED' }), h.runUntil(HOUR_MS))).message).toBe('GATES.blocked must be 0 or 1, got 2');
  });

  it('valid gate answers (a window 5 h away, a firing blocker) keep the loop ticking every period', () => {
    for (const gates of [{ windowWaitMs: 5 * HOUR_MS, blocked: 0 }, { windowWaitMs: 0, blocked: 1 }]) {
      const h = tickAnswered(gates);
      h.send({ type: 'BOOTED' });
      h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0, tickWaitMs: 0 });
      h.runUntil(3 * HOUR_MS);
      expect(h.actor.getSnapshot().status).toBe('active');
      const first = 30 * SECOND_MS + 30 * MINUTE_MS;
      expect(h.named('checkGates').map((e) => e.time)).toEqual([first, first + HOUR_MS, first + 2 * HOUR_MS]);
    }
  });

  it('fast fidelity: a sentinel whose tick is in the past or more than a period away is refused', () => {
    for (const [tickWaitMs, shown] of [
      [-1, '-1'],
      [HOUR_MS + 1, '3600001'],
    ] as const) {
      const h = tickAnswered({ windowWaitMs: 0, blocked: 0 }, { elideIdleTicks: 1 });
      h.send({ type: 'BOOTED' });
      h.runUntil(2 * HOUR_MS); // resting since the first tick
      expect(h.assertionDuring(() => h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0, tickWaitMs })).message).toBe(
        `REBOOT_NEEDED.tickWaitMs must be in [0, periodMs], got ${shown}`,
      );
    }
  });
});
