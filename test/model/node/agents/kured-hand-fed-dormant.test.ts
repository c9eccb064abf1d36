import { describe, expect, it } from 'vitest';
import { KURED_EFFECTS, KURED_STATE, createKuredMachine } from '../../../../sim/model/node/agents/kured.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS, SECOND_MS } from '../harness.ts';

// kured's fast fidelity (elideIdleTicks = 1): a tick of rebootAsRequired that finds no sentinel
// does nothing but `continue` (cmd/kured/main.go), so the model rests in `dormant` instead of
// arming the next tick, and the sentinel's arrival re-arms it at the tick the loop would have come
// to (REBOOT_NEEDED.tickWaitMs). Draws are u = 0: startup tick 30 s, first main tick 30 min later
// (delaytick's d/2), then every --period (60 min).

const T = 30 * SECOND_MS + 30 * MINUTE_MS; // 1_830_000: the first main tick

/** A booted fast-fidelity kured, draws u = 0, gates open (window open, no blocker). */
function elided(): MachineHarness {
  const h = new MachineHarness(createKuredMachine({ elideIdleTicks: 1 }), KURED_EFFECTS)
    .on('drawUniform', (_r, w) => w.sendAfter(0, { type: 'UNIFORM', u: 0 }))
    .on('checkGates', (_r, w) => w.sendAfter(0, { type: 'GATES', windowWaitMs: 0, blocked: 0 }));
  h.send({ type: 'BOOTED' });
  return h;
}

const times = (h: MachineHarness, effect: string) => h.named(effect).map((e) => e.time);

describe('kured fast fidelity: idle ticks elided', () => {
  it('a tick that finds no sentinel puts the loop to rest: no further tick is armed', () => {
    const h = elided();
    h.runUntil(10 * HOUR_MS);
    expect(h.state).toBe('dormant');
    expect(times(h, 'checkGates')).toEqual([T]);
  });

  it('with the sentinel already there, a tick is not idle: the open gates lead to a lock request, as in full fidelity', () => {
    const h = elided();
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0, tickWaitMs: 0 });
    h.runUntil(HOUR_MS);
    expect(times(h, 'acquireLock')).toEqual([T]);
    expect(h.state).toBe(KURED_STATE.LOCKING);
  });

  it('the sentinel wakes a resting loop at the tick it would have come to, and that tick asks for the lock', () => {
    const h = elided();
    h.runUntil(2 * HOUR_MS);
    // Full fidelity would tick at 1_830 s, 5_430 s, 9_030 s: from 7_200 s the next is 1_830 s away.
    h.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0, tickWaitMs: 1_830_000 });
    expect(h.state).toBe(KURED_STATE.SLEEPING);
    expect(h.context.sentinel).toBe(1);
    h.runUntil(4 * HOUR_MS);
    expect(times(h, 'checkGates')).toEqual([T, 9_030_000]);
    expect(times(h, 'acquireLock')).toEqual([9_030_000]);
  });

  it('a tick due right now (tickWaitMs 0) or a whole period away (tickWaitMs = --period) are both accepted', () => {
    const now = elided();
    now.runUntil(2 * HOUR_MS);
    now.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0, tickWaitMs: 0 });
    now.runUntil(2 * HOUR_MS);
    expect(times(now, 'checkGates')).toEqual([T, 2 * HOUR_MS]);

    const late = elided();
    late.runUntil(2 * HOUR_MS);
    late.send({ type: 'REBOOT_NEEDED', windowWaitMs: 0, tickWaitMs: HOUR_MS });
    late.runUntil(4 * HOUR_MS);
    expect(times(late, 'checkGates')).toEqual([T, 3 * HOUR_MS]);
  });

  it('a resting loop stops with the node', () => {
    const h = elided();
    h.runUntil(2 * HOUR_MS);
    h.send({ type: 'STOP' });
    expect(h.state).toBe(KURED_STATE.STOPPED);
    h.send({ type: 'BOOTED' });
    h.runUntil(4 * HOUR_MS);
    // Booted again at 7_200 s: a new startup tick and a first main tick 1_830 s later.
    expect(times(h, 'checkGates')).toEqual([T, 2 * HOUR_MS + T]);
  });
});
