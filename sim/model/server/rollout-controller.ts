import { setup } from 'xstate';

/**
 * A group's rollout of its channel's newest release, as an operator sees it in Nebraska's UI:
 * waiting (published, nothing granted yet), rolling (updates granted), paused (by an operator),
 * halted (by the failure-ratio rule or an operator), completed (every node of the group runs it).
 * Operator actions map onto events: pause-rollout -> PAUSE, resume-rollout -> RESUME.
 *
 * Written with the define.ts wrappers like the node machines (one definition, compilable), and
 * run as an xstate actor: there is one per group, so speed does not matter here. The server
 * traces each change of state from the actor's snapshots. The target release itself is the
 * channel's (update-server.ts ChannelState), so the machine keeps no context.
 */

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
  types: { events: {} as RolloutEvent },
}).createMachine({
  id: 'rollout',
  initial: 'completed',
  states: {
    // Nothing to roll out: every node runs the newest release (or none is published yet).
    completed: {
      on: { RELEASE: 'waiting', PAUSE: 'paused', HALT: 'halted' },
    },
    // A newer release while waiting leaves it waiting (the channel holds the target).
    waiting: {
      on: {
        GRANTED: 'rolling',
        COMPLETED: 'completed',
        PAUSE: 'paused',
        HALT: 'halted',
      },
    },
    rolling: {
      on: {
        COMPLETED: 'completed',
        RELEASE: 'waiting',
        PAUSE: 'paused',
        HALT: 'halted',
      },
    },
    paused: {
      // A new release while paused changes nothing until the operator resumes.
      on: { RESUME: 'rolling', HALT: 'halted', COMPLETED: 'completed' },
    },
    // A halt holds until an operator resumes; a new release does not lift it (it may be the fix,
    // but that is for the operator to say).
    halted: {
      on: { RESUME: 'rolling' },
    },
  },
});
