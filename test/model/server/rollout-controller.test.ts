// The rollout controller (sim/model/server/rollout-controller.ts): every state and event, the
// transitions written out as a table by hand from the states Nebraska's UI shows an operator.
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { rolloutControllerMachine, ROLLOUT_STATES, type RolloutEvent, type RolloutState } from '../../../sim/model/server/rollout-controller.ts';

const EVENTS: readonly RolloutEvent[] = [{ type: 'RELEASE', version: 1 }, { type: 'GRANTED' }, { type: 'COMPLETED' }, { type: 'PAUSE' }, { type: 'RESUME' }, { type: 'HALT' }];

/** state -> event -> next state; an event not listed leaves the state as it is. */
const EXPECTED: Record<RolloutState, Partial<Record<RolloutEvent['type'], RolloutState>>> = {
  completed: { RELEASE: 'waiting', PAUSE: 'paused', HALT: 'halted' },
  waiting: { GRANTED: 'rolling', COMPLETED: 'completed', PAUSE: 'paused', HALT: 'halted' },
  rolling: { RELEASE: 'waiting', COMPLETED: 'completed', PAUSE: 'paused', HALT: 'halted' },
  paused: { RESUME: 'rolling', HALT: 'halted', COMPLETED: 'completed' },
  halted: { RESUME: 'rolling' },
};

/** An actor brought to `state` by the shortest path of events. */
function actorIn(state: RolloutState) {
  const actor = createActor(rolloutControllerMachine).start();
  const path: Record<RolloutState, RolloutEvent[]> = {
    completed: [],
    waiting: [{ type: 'RELEASE', version: 1 }],
    rolling: [{ type: 'RELEASE', version: 1 }, { type: 'GRANTED' }],
    paused: [{ type: 'PAUSE' }],
    halted: [{ type: 'HALT' }],
  };
  for (const event of path[state]) actor.send(event);
  expect(actor.getSnapshot().value).toBe(state);
  return actor;
}

describe('rollout controller', () => {
  it('starts completed: nothing to roll out before a release', () => {
    expect(createActor(rolloutControllerMachine).start().getSnapshot().value).toBe('completed');
  });

  for (const state of ROLLOUT_STATES) {
    for (const event of EVENTS) {
      const next = EXPECTED[state][event.type] ?? state;
      it(`${state} + ${event.type} -> ${next}`, () => {
        const actor = actorIn(state);
        actor.send(event);
        expect(actor.getSnapshot().value).toBe(next);
      });
    }
  }
});
