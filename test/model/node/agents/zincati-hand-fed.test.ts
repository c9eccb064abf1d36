import { describe, expect, it } from 'vitest';
import { ZINCATI_EFFECTS, ZINCATI_STATE, ZINCATI_STRATEGY, createZincatiMachine, zincatiJitteredMs } from '../../../../sim/model/node/agents/zincati.ts';
import { assertionFrom } from '../../../assertion-from.ts';
import { HOUR_MS, MachineHarness, SECOND_MS } from '../harness.ts';

// Hand-fed Zincati (coreos/zincati src/update_agent/actor.rs, src/strategy/): answers that arrive
// while the node is down or while a refresh tick is pending, and the inputs it refuses. Draws are
// u = 0, so every refresh tick is DEFAULT_REFRESH_PERIOD_SECS = 300 s with no jitter (add_jitter's
// r = floor(0 * 11) = 0).

const TICK_MS = 300_000;
const STAGED = { type: 'REBOOT_NEEDED', windowWaitMs: 0 } as const;

/** A Zincati of `strategy` (not booted yet), draws u = 0, the periodic window `windowWaitMs` away. */
function zincati(strategy: number, windowWaitMs = 0): MachineHarness {
  return new MachineHarness(createZincatiMachine({ strategy }), ZINCATI_EFFECTS)
    .on('drawUniform', (_r, w) => w.sendAfter(0, { type: 'UNIFORM', u: 0 }))
    .on('checkGates', (_r, w) => w.sendAfter(0, { type: 'GATES', windowWaitMs, blocked: 0 }));
}

/** Answers each call of `effect` with the next event of `answers` (the last one repeats). */
function answerInTurn(h: MachineHarness, effect: string, answers: readonly { type: string; [field: string]: number | string }[]): MachineHarness {
  let calls = 0;
  return h.on(effect, (_r, w) => w.sendAfter(0, answers[Math.min(calls++, answers.length - 1)]));
}

const times = (h: MachineHarness, effect: string) => h.named(effect).map((e) => e.time);

describe('Zincati answers heard while stopped (a FleetLock request outlives the node)', () => {
  it('a pre-reboot granted after the node went down makes the slot the node\'s; a steady-state answered then frees it', () => {
    const h = zincati(ZINCATI_STRATEGY.FLEET_LOCK);
    expect(h.state).toBe(ZINCATI_STATE.STOPPED);
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.context.holdsLock).toBe(1);
    h.send({ type: 'LOCK_RELEASED' });
    expect(h.context.holdsLock).toBe(0);
  });
});

describe('Zincati fleet-lock report_steady retried (src/strategy/fleet_lock.rs report_steady)', () => {
  /** Booted fleet-lock node whose first steady-state report fails and the second succeeds. */
  function retrying(): MachineHarness {
    const h = answerInTurn(zincati(ZINCATI_STRATEGY.FLEET_LOCK), 'releaseLock', [{ type: 'RELEASE_FAILED' }, { type: 'LOCK_RELEASED' }]);
    h.send({ type: 'BOOTED' });
    h.runUntil(100 * SECOND_MS); // the failed report at 0, the next one due at 300 s
    expect(h.state).toBe(ZINCATI_STATE.UNLOCK_WAIT);
    return h;
  }

  it('an update staged while the retry tick is pending is finalized as soon as the node reports steady: pre-reboot at the retry', () => {
    const h = retrying();
    h.send(STAGED);
    expect(h.context.staged).toBe(1);
    h.runUntil(HOUR_MS);
    expect(times(h, 'releaseLock')).toEqual([0, TICK_MS]);
    expect(times(h, 'acquireLock')).toEqual([TICK_MS]);
  });

  it('a node stopped while the retry tick is pending reports nothing more', () => {
    const h = retrying();
    h.send({ type: 'STOP' });
    h.runUntil(HOUR_MS);
    expect(h.state).toBe(ZINCATI_STATE.STOPPED);
    expect(times(h, 'releaseLock')).toEqual([0]);
  });

  it('a pre-reboot grant arriving late, while the retry tick is pending, makes the slot the node\'s', () => {
    const h = retrying();
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.context.holdsLock).toBe(1);
  });
});

describe('Zincati UpdateStaged waiting for its next refresh tick (tick_finalize_update)', () => {
  it('periodic outside its window: a node stopped while the next tick is pending asks can_finalize no more', () => {
    const h = zincati(ZINCATI_STRATEGY.PERIODIC, HOUR_MS);
    h.send({ type: 'BOOTED' });
    h.send(STAGED);
    h.runUntil(100 * SECOND_MS); // asked at 0, next tick at 300 s
    expect(h.state).toBe(ZINCATI_STATE.FINALIZE_WAIT);
    h.send({ type: 'STOP' });
    h.runUntil(HOUR_MS);
    expect(h.state).toBe(ZINCATI_STATE.STOPPED);
    expect(times(h, 'checkGates')).toEqual([0]);
  });

  it('fleet-lock denied: a grant arriving late, while the next tick is pending, makes the slot the node\'s', () => {
    const h = answerInTurn(zincati(ZINCATI_STRATEGY.FLEET_LOCK), 'acquireLock', [{ type: 'LOCK_DENIED', windowWaitMs: 0 }]).on('releaseLock', (_r, w) =>
      w.sendAfter(0, { type: 'LOCK_RELEASED' }),
    );
    h.send({ type: 'BOOTED' });
    h.send(STAGED);
    h.runUntil(100 * SECOND_MS);
    expect(h.state).toBe(ZINCATI_STATE.FINALIZE_WAIT);
    h.send({ type: 'LOCK_GRANTED' });
    expect(h.context.holdsLock).toBe(1);
  });
});

describe('Zincati inputs refused', () => {
  it('add_jitter: a uniform draw outside [0, 1) is refused, naming the value', () => {
    expect(assertionFrom(() => zincatiJitteredMs(TICK_MS, 1)).message).toBe('UNIFORM.u must be in [0, 1), got 1');
    expect(assertionFrom(() => zincatiJitteredMs(TICK_MS, -0.5)).message).toBe('UNIFORM.u must be in [0, 1), got -0.5');
  });

  it('periodic: a negative or infinite time to the window is refused, a finite one waits for the next tick', () => {
    for (const [windowWaitMs, shown] of [
      [-1, '-1'],
      [Infinity, 'Infinity'],
    ] as const) {
      const h = zincati(ZINCATI_STRATEGY.PERIODIC, windowWaitMs);
      h.send({ type: 'BOOTED' });
      // checkGates at 0, answered by a simulation event at 0.
      expect(h.assertionDuring(() => (h.send(STAGED), h.runUntil(0))).message).toBe(`GATES.windowWaitMs must be finite and >= 0, got ${shown}`);
    }
    const h = zincati(ZINCATI_STRATEGY.PERIODIC, HOUR_MS);
    h.send({ type: 'BOOTED' });
    h.send(STAGED);
    h.runUntil(2 * TICK_MS);
    expect(h.actor.getSnapshot().status).toBe('active');
    expect(times(h, 'checkGates')).toEqual([0, TICK_MS, 2 * TICK_MS]);
  });

  it('a strategy code outside ZINCATI_STRATEGY is refused, naming it', () => {
    expect(assertionFrom(() => createZincatiMachine({ strategy: 3 })).message).toBe('strategy must be a ZINCATI_STRATEGY code, got 3');
  });

  it('the machine is named zincati (the compiler and the runtime name it in their errors)', () => {
    expect(createZincatiMachine().id).toBe('zincati');
  });
});
