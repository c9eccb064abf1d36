/**
 * The compiled form equals xstate 5.33's own interpreter, step by step.
 *
 * For each test machine (machines.ts), fast-check generates command sequences (external events
 * with random numeric payloads to random instances, firings of the next due timer, clock
 * advances); xstate actors on one Simulation and the compiled runtime on another run them, and
 * after every command the state value, the full context, the effects (order, context, event)
 * and the pending timers (which, when due) must be the same. See differential.ts.
 */
import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../../sim/model/machine/compile.ts';
import { assertCompiledMatchesXstate, type Coverage } from './differential.ts';
import {
  alwaysEvents,
  alwaysMachine,
  deepEvents,
  deepMachine,
  delaysEvents,
  delaysMachine,
  updateCycleEvents,
  updateCycleMachine,
} from './machines.ts';

/** A differential test proves little about states it never reached: require all of them. */
function expectFullCoverage(machine: AnyStateMachine, coverage: Coverage, unfireableTimers: string[] = []): void {
  const compiled = compileMachine(machine);
  expect([...coverage.states].sort()).toEqual([...compiled.stateNames].sort());
  expect([...coverage.timersFired].sort()).toEqual(compiled.timerIds.filter((id) => !unfireableTimers.includes(id)).sort());
  expect([...coverage.effects].sort()).toEqual([...compiled.effectNames].sort());
}

// The runs whose coverage is checked use fixed seeds, so that the check is deterministic; the
// others explore new sequences on every run (fast-check prints the seed of a failure).
describe('compiled machines match xstate (differential)', () => {
  it('an update_engine-like cycle (update_attempter.cc states, nested, guards in order, always, #id targets) behaves as xstate', () => {
    expectFullCoverage(updateCycleMachine, assertCompiledMatchesXstate(updateCycleMachine, updateCycleEvents, {
      numRuns: 400,
      seed: 1,
      maxCommands: 60,
      maxAdvanceMs: 5_000,
      weights: { send: 6, fire: 3, advance: 1 },
    }));
  });

  it('eventless transitions loop while the snapshot changes and stop when it does not, and reenter reruns exit and entry', () => {
    expectFullCoverage(alwaysMachine, assertCompiledMatchesXstate(alwaysMachine, alwaysEvents, { numRuns: 500, seed: 2, maxAdvanceMs: 1_000 }));
  });

  it('three levels of nesting exit deepest first and enter outermost first, with timers due together firing in creation order', () => {
    // p1a's 100 ms timer is always created after p1's (entry is outermost first) and so is due
    // with or after it; p1's fires first and exits p1a. Were the tie broken the other way, it
    // would fire and the states would differ.
    const coverage = assertCompiledMatchesXstate(deepMachine, deepEvents, { numRuns: 400, seed: 3, maxAdvanceMs: 1_500 });
    expectFullCoverage(deepMachine, coverage, ['xstate.after.100.deep.p.p1.p1a']);
  });

  it('after keys follow Object.keys order and a delay sees the context updated earlier in the same step, in u8/u16 columns', () => {
    const coverage = assertCompiledMatchesXstate(delaysMachine, delaysEvents, {
      numRuns: 500,
      seed: 4,
      maxAdvanceMs: 100,
      compileOptions: { fields: { a: 'u8', b: 'u16' } },
    });
    expectFullCoverage(delaysMachine, coverage);
  });

  it('lazy timers (never cancelled, recognised as stale on firing) give the same runs as cancelled ones', () => {
    assertCompiledMatchesXstate(deepMachine, deepEvents, { numRuns: 150, sequenceSize: 'medium', maxAdvanceMs: 1_000, timers: 'lazy' });
    assertCompiledMatchesXstate(delaysMachine, delaysEvents, { numRuns: 150, sequenceSize: 'medium', maxAdvanceMs: 100, timers: 'lazy' });
  });

  it('the plain context loader (no generated code) gives the same runs', () => {
    assertCompiledMatchesXstate(updateCycleMachine, updateCycleEvents, { numRuns: 100, sequenceSize: 'medium', maxAdvanceMs: 5_000, runtimeOptions: { codegen: false } });
  });
});
