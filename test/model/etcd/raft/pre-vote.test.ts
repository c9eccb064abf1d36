// etcd's PreVote (etcd-io/raft raft.go: campaign(campaignPreElection), becomePreCandidate, Step
// for MsgPreVote / MsgPreVoteResp), on by default in etcd (etcd-io/etcd server/embed/config.go
// NewConfig: `PreVote: true`): first as sentences about the step function, then the case it
// exists for: a member cut off by a partition rejoins without deposing the leader.
import { describe, expect, it } from 'vitest';
import { startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import { electionDeadlineMs } from '../../../../sim/model/etcd/raft/election.ts';
import { roleAfter } from '../../../../sim/model/etcd/raft/roles.ts';
import type { Effect, Message, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { makeCluster, runUntilLeader } from '../harness.ts';
import { raftConfig, sentMessages } from './config.ts';

const config = (memberCount: number): RaftConfig => raftConfig(memberCount, { preVote: true });
const member = (id: number, n: number, term = 0): RaftState =>
  startMember(config(n), id, 500 + id, { term, votedFor: -1, commit: 0, log: [] }, 0).state;
const sent = sentMessages;
const deliver = (s: RaftState, message: Message, nowMs: number) => step(s, { type: 'message', nowMs, message }).effects;
const expire = (s: RaftState) => step(s, { type: 'timeout', nowMs: electionDeadlineMs(s), timer: 'election' }).effects;

describe('etcd-io/raft raft.go campaign(campaignPreElection): the pre-vote phase', () => {
  it('becomePreCandidate: an election timeout asks for pre-votes for term+1 and keeps the term and the vote', () => {
    const s = member(0, 3, 4);
    const effects = expire(s);
    expect(s.role).toBe('preCandidate');
    expect(s.term).toBe(4);
    expect(s.votedFor).toBe(-1);
    expect(sent(effects).map((m) => [m.type, m.to, m.term])).toEqual([['preVote', 1, 5], ['preVote', 2, 5]]);
  });

  it('Step MsgPreVote: a voter grants a pre-vote for a future term without taking the term or recording a vote', () => {
    const voter = member(1, 3, 4);
    const answer = sent(deliver(voter, { type: 'preVote', from: 0, to: 1, term: 5, lastIndex: 0, lastTerm: 0 }, 10));
    expect(answer).toEqual([{ type: 'preVoteResp', from: 1, to: 0, term: 5, reject: false }]);
    expect(voter.term).toBe(4);
    expect(voter.votedFor).toBe(-1);
  });

  it('stepCandidate VoteWon in StatePreCandidate: a majority of pre-votes starts the real election in term+1', () => {
    const s = member(0, 3, 4);
    expire(s);
    const effects = deliver(s, { type: 'preVoteResp', from: 1, to: 0, term: 5, reject: false }, 400);
    expect(s.role).toBe('candidate');
    expect(s.term).toBe(5);
    expect(s.votedFor).toBe(0);
    expect(sent(effects).map((m) => [m.type, m.term])).toEqual([['vote', 5], ['vote', 5]]);
    expect(roleAfter('preCandidate', 'WIN_PRE_VOTE')).toBe('candidate');
  });

  it('stepCandidate VoteLost: rejected pre-votes send the pre-candidate back to follower in its own term', () => {
    const s = member(0, 3, 4);
    expire(s);
    deliver(s, { type: 'preVoteResp', from: 1, to: 0, term: 4, reject: true }, 400);
    deliver(s, { type: 'preVoteResp', from: 2, to: 0, term: 4, reject: true }, 401);
    expect(s.role).toBe('follower');
    expect(s.term).toBe(4);
  });

  it('Step with CheckQuorum: a member that heard from its leader within the election timeout ignores pre-votes', () => {
    const follower = member(1, 3, 2);
    deliver(follower, { type: 'heartbeat', from: 2, to: 1, term: 2, commit: 0, ctx: 0 }, 100);
    expect(sent(deliver(follower, { type: 'preVote', from: 0, to: 1, term: 3, lastIndex: 0, lastTerm: 0 }, 120))).toEqual([]);
  });
});

describe('etcd-io/raft raft.go Step: a partitioned member rejoins (etcd-io/etcd server/embed/config.go PreVote default)', () => {
  /** Isolates a follower for 5 s, heals, and reports what the leader went through. */
  function isolateAndRejoin(preVote: boolean, seed: number) {
    const h = makeCluster({ seed, members: 5, preVote, fidelity: 'full' });
    expect(runUntilLeader(h, 60_000)).not.toBeNull();
    h.sim.runFor(1_000);
    const leader = h.cluster.leader();
    const termBefore = h.cluster.term(leader);
    const isolated = (leader + 1) % 5;
    h.cluster.partitionMembers([[isolated]]);
    h.sim.runFor(5_000);
    const isolatedTerm = h.cluster.term(isolated);
    h.cluster.partitionMembers([]);
    h.sim.runFor(3_000);
    return { leader, termBefore, isolatedTerm, leaderAfter: h.cluster.leader(), termAfter: h.cluster.term(h.cluster.leader()) };
  }

  it('with PreVote the isolated member never raises its term, and on rejoining the leader and its term stay', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = isolateAndRejoin(true, seed);
      expect(r.isolatedTerm).toBe(r.termBefore);
      expect(r.leaderAfter).toBe(r.leader);
      expect(r.termAfter).toBe(r.termBefore);
    }
  });

  it('without PreVote (CheckQuorum alone) the isolated member campaigns its term up, and rejoining deposes the leader', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = isolateAndRejoin(false, seed);
      expect(r.isolatedTerm).toBeGreaterThan(r.termBefore);
      expect(r.termAfter).toBeGreaterThan(r.isolatedTerm - 1);
      expect(r.termAfter).toBeGreaterThan(r.termBefore);
    }
  });
});
