import { setup, transition, type SnapshotFrom } from 'xstate';
import { assert, fail } from '../../../engine/assert.ts';
import type { Role } from './types.ts';

/**
 * The ONE definition of Raft's role transitions (Figure 4 of the Raft paper; etcd-io/raft
 * becomeFollower / becomeCandidate / becomeLeader), as an xstate machine.
 *
 * The step function (raft.ts) does not keep its own copy of these rules: every role change goes
 * through `roleAfter`, which asks this machine (through xstate's own snapshot logic) and fails an
 * assertion on a transition the machine does not allow, the way etcd-io/raft panics on
 * "invalid transition [leader -> candidate]". The table is built once from the machine.
 */
export const roleEvents = [
  /** Follower or candidate: election timeout elapsed without hearing from a leader (§5.2). */
  'ELECTION_TIMEOUT',
  /** With PreVote: election timeout elapsed; ask for pre-votes first (etcd-io/raft becomePreCandidate). */
  'PRE_ELECTION_TIMEOUT',
  /** Pre-candidate: pre-votes from a majority; campaign for real (etcd-io/raft stepCandidate VoteWon). */
  'WIN_PRE_VOTE',
  /** Candidate: votes from a majority (§5.2). */
  'WIN_ELECTION',
  /** Candidate: a majority rejected us (etcd-io/raft: poll result VoteLost). */
  'LOSE_ELECTION',
  /** Any role: a message with a higher term (§5.1), or a candidate hears the leader of its term. */
  'NEW_TERM_OR_LEADER',
  /** Leader: CheckQuorum found no active majority (etcd-io/raft MsgCheckQuorum). */
  'LOSE_QUORUM',
] as const;
export type RoleEvent = (typeof roleEvents)[number];

export const raftRoleMachine = setup({
  types: {} as { events: { type: RoleEvent } },
}).createMachine({
  id: 'raftRole',
  initial: 'follower',
  states: {
    follower: {
      on: {
        ELECTION_TIMEOUT: { target: 'candidate' },
        PRE_ELECTION_TIMEOUT: { target: 'preCandidate' },
        NEW_TERM_OR_LEADER: { target: 'follower', reenter: true },
      },
    },
    preCandidate: {
      on: {
        // No majority of pre-votes within a timeout: ask again, still in the same term.
        PRE_ELECTION_TIMEOUT: { target: 'preCandidate', reenter: true },
        WIN_PRE_VOTE: { target: 'candidate' },
        LOSE_ELECTION: { target: 'follower' },
        NEW_TERM_OR_LEADER: { target: 'follower' },
      },
    },
    candidate: {
      on: {
        // A split vote: a new election in the next term (§5.2).
        ELECTION_TIMEOUT: { target: 'candidate', reenter: true },
        PRE_ELECTION_TIMEOUT: { target: 'preCandidate' },
        WIN_ELECTION: { target: 'leader' },
        LOSE_ELECTION: { target: 'follower' },
        NEW_TERM_OR_LEADER: { target: 'follower' },
      },
    },
    leader: {
      on: {
        NEW_TERM_OR_LEADER: { target: 'follower' },
        LOSE_QUORUM: { target: 'follower' },
      },
    },
  },
});

const roles: readonly Role[] = ['follower', 'preCandidate', 'candidate', 'leader'];

function buildTable(): Map<string, Role> {
  const table = new Map<string, Role>();
  for (const role of roles) {
    const snapshot = raftRoleMachine.resolveState({ value: role }) as SnapshotFrom<typeof raftRoleMachine>;
    for (const event of roleEvents) {
      if (!snapshot.can({ type: event })) continue;
      const [next] = transition(raftRoleMachine, snapshot, { type: event });
      table.set(`${role}/${event}`, next.value as Role);
    }
  }
  return table;
}

const table = buildTable();

/** The role after `event` in `role`; an event the machine does not accept there is a bug. */
export function roleAfter(role: Role, event: RoleEvent): Role {
  const next = table.get(`${role}/${event}`);
  if (!(next !== undefined)) fail(`invalid Raft role transition: ${event} in ${role}`);
  return next;
}

/** True when the machine accepts `event` in `role` (for tests and assertions). */
export function roleAccepts(role: Role, event: RoleEvent): boolean {
  return table.has(`${role}/${event}`);
}
