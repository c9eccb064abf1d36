import { setup } from 'xstate';
import { update, type MachineContext } from '../machine/define.ts';

/**
 * A group's rollout of its channel's newest release, as an operator sees it in Nebraska's UI:
 * waiting (published, nothing granted yet), rolling (updates granted), paused (by an operator),
 * halted (by the failure-ratio rule or an operator), completed (every node of the group runs it).
 * Operator actions map onto events: pause-rollout -> PAUSE, resume-rollout -> RESUME.
 *
 * Written with the define.ts wrappers like the node machines (one definition, compilable), and
 * run as an xstate actor: there is one per group, so speed does not matter here. The server
 * traces each change of state from the actor's snapshots.
 */
export interface RolloutContext extends MachineContext {
  /** Version index of the group's current target release; -1 before any release. */
  target: number;
}

export type RolloutEvent =
  | { type: 'RELEASE'; version: number }
  | { type: 'GRANTED' }
  | { type: 'COMPLETED' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'HALT' };

export const ROLLOUT_STATES = ['waiting', 'rolling', 'paused', 'halted', 'completed'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

export const rolloutControllerMachine = setup({
  types: { context: {} as RolloutContext, events: {} as RolloutEvent },
  actions: {
    // Typed loosely: define.ts events are flat records; only RELEASE carries `version`.
    setTarget: update<RolloutContext, any>((_ctx, event: { version: number }) => ({ target: event.version })),
  },
}).createMachine({
  id: 'rollout',
  context: { target: -1 },
  initial: 'completed',
  states: {
    // Nothing to roll out: every node runs the newest release (or none is published yet).
    completed: {
      on: { RELEASE: { target: 'waiting', actions: 'setTarget' }, PAUSE: 'paused', HALT: 'halted' },
    },
    waiting: {
      on: {
        GRANTED: 'rolling',
        COMPLETED: 'completed',
        RELEASE: { target: 'waiting', reenter: true, actions: 'setTarget' },
        PAUSE: 'paused',
        HALT: 'halted',
      },
    },
    rolling: {
      on: {
        COMPLETED: 'completed',
        RELEASE: { target: 'waiting', actions: 'setTarget' },
        PAUSE: 'paused',
        HALT: 'halted',
      },
    },
    paused: {
      on: { RESUME: 'rolling', RELEASE: { actions: 'setTarget' }, HALT: 'halted', COMPLETED: 'completed' },
    },
    // A halt holds until an operator resumes; a new release does not lift it (it may be the fix,
    // but that is for the operator to say).
    halted: {
      on: { RESUME: 'rolling', RELEASE: { actions: 'setTarget' } },
    },
  },
});
