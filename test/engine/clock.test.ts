/**
 * xstate actors on simulated time: `after` delays fire when the simulation reaches them.
 */
import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { SimClock } from '../../sim/engine/clock.ts';
import { Simulation } from '../../sim/engine/simulation.ts';

describe('SimClock', () => {
  it('drives an xstate actor\'s after-transitions on simulated milliseconds', () => {
    const sim = new Simulation();
    const machine = createMachine({
      initial: 'idle',
      states: { idle: { after: { 45000: 'checking' } }, checking: { after: { 0: 'done' } }, done: {} },
    });
    const actor = createActor(machine, { clock: new SimClock(sim) }).start();
    sim.runUntil(44999);
    expect(actor.getSnapshot().value).toBe('idle');
    sim.runUntil(45000);
    expect(actor.getSnapshot().value).toBe('done');
    expect(sim.now).toBe(45000);
  });

  it('cancels a pending delay when the actor leaves the state', () => {
    const sim = new Simulation();
    const machine = createMachine({
      initial: 'a',
      states: { a: { on: { GO: 'b' }, after: { 100: 'c' } }, b: {}, c: {} },
    });
    const actor = createActor(machine, { clock: new SimClock(sim) }).start();
    expect(sim.pendingEvents).toBe(1);
    actor.send({ type: 'GO' });
    expect(sim.pendingEvents).toBe(0);
    sim.runUntil(1000);
    expect(actor.getSnapshot().value).toBe('b');
  });
});
