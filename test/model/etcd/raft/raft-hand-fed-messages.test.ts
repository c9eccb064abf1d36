// Hand-fed tests of the Raft step function's message rules: the term checks common to every
// role (etcd-io/raft raft.go Step), the leader lease (Step's inLease, thesis §4.2.3) and what
// each role does with each message (stepFollower, stepCandidate, stepLeader). Each test builds
// members with startMember, feeds messages with step and compares with values worked out by hand.
import { describe, expect, it } from 'vitest';
import { startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import type { Effect, Message, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { raftConfig, sentMessages } from './config.ts';

const config = (memberCount: number, flags: Partial<RaftConfig> = {}): RaftConfig => raftConfig(memberCount, flags);
const member = (id: number, n: number, term = 0, flags: Partial<RaftConfig> = {}): RaftState =>
  startMember(config(n, flags), id, 300 + id, { term, votedFor: -1, commit: 0, log: [] }, 0).state;
const sent = sentMessages;
const deliver = (s: RaftState, message: Message, nowMs: number) => step(s, { type: 'message', nowMs, message }).effects;
const heartbeat = (from: number, to: number, term: number): Message => ({ type: 'heartbeat', from, to, term, commit: 0, ctx: 0 });
const app = (from: number, to: number, term: number): Message => ({ type: 'app', from, to, term, index: 0, logTerm: 0, entries: [], commit: 0 });

/** Member 0 of three, elected in term 1 at 1000 ms (its timeout, drawn at start, is at most 300 ms), after a pre-vote with PreVote. */
function leaderOfThree(flags: Partial<RaftConfig> = {}): RaftState {
  const s = member(0, 3, 0, flags);
  step(s, { type: 'timeout', nowMs: 1000, timer: 'election' });
  if (s.role === 'preCandidate') deliver(s, { type: 'preVoteResp', from: 1, to: 0, term: 1, reject: false }, 1000);
  deliver(s, { type: 'voteResp', from: 1, to: 0, term: 1, reject: false }, 1000);
  expect([s.role, s.term]).toEqual(['leader', 1]);
  return s;
}

describe('etcd-io/raft Step: a message for another member', () => {
  it('is a routing bug, not something to answer', () => {
    const s = member(0, 3);
    expect(() => deliver(s, heartbeat(2, 1, 0), 10)).toThrow(/^member 0 got a message for 1$/);
  });
});

describe('etcd-io/raft Step, m.Term < r.Term: messages from an older term', () => {
  const answer = { type: 'appResp', from: 1, to: 0, term: 5, index: 0, reject: false, rejectHint: 0, logTerm: 0 };

  it('with CheckQuorum, a stale MsgApp or heartbeat gets an MsgAppResp in our term, so that the stale leader steps down', () => {
    expect(sent(deliver(member(1, 3, 5), app(0, 1, 3), 10))).toEqual([answer]);
    expect(sent(deliver(member(1, 3, 5), heartbeat(0, 1, 3), 10))).toEqual([answer]);
  });

  it('with PreVote alone, a stale MsgApp or heartbeat gets the same answer', () => {
    const flags = { checkQuorum: false, preVote: true };
    expect(sent(deliver(member(1, 3, 5, flags), app(0, 1, 3), 10))).toEqual([answer]);
    expect(sent(deliver(member(1, 3, 5, flags), heartbeat(0, 1, 3), 10))).toEqual([answer]);
  });

  it('with neither CheckQuorum nor PreVote, a stale MsgApp or heartbeat is dropped', () => {
    const flags = { checkQuorum: false, preVote: false };
    expect(deliver(member(1, 3, 5, flags), app(0, 1, 3), 10)).toEqual([]);
    expect(deliver(member(1, 3, 5, flags), heartbeat(0, 1, 3), 10)).toEqual([]);
  });

  it('a stale vote request or answer is dropped without a word', () => {
    const s = member(1, 3, 5, { checkQuorum: true, preVote: true });
    expect(deliver(s, { type: 'vote', from: 0, to: 1, term: 4, lastIndex: 9, lastTerm: 4 }, 10)).toEqual([]);
    expect(deliver(s, { type: 'voteResp', from: 0, to: 1, term: 4, reject: false }, 10)).toEqual([]);
    expect(deliver(s, { type: 'appResp', from: 0, to: 1, term: 4, index: 0, reject: false, rejectHint: 0, logTerm: 0 }, 10)).toEqual([]);
    expect(deliver(s, { type: 'heartbeatResp', from: 0, to: 1, term: 4, ctx: 0 }, 10)).toEqual([]);
    expect(s.term).toBe(5);
  });

  it('a stale pre-vote is rejected with our term, so that a pre-candidate left behind learns it', () => {
    const preVote = { type: 'preVote', from: 0, to: 1, term: 4, lastIndex: 9, lastTerm: 3 } as const;
    const rejection = { type: 'preVoteResp', from: 1, to: 0, term: 5, reject: true };
    expect(sent(deliver(member(1, 3, 5, { preVote: true }), preVote, 10))).toEqual([rejection]);
    // The rule does not depend on the flags (etcd-io/raft Step: `else if m.Type == pb.MsgPreVote`).
    expect(sent(deliver(member(1, 3, 5, { checkQuorum: false, preVote: false }), preVote, 10))).toEqual([rejection]);
  });
});

describe('etcd-io/raft Step, m.Term > r.Term: a newer term', () => {
  it('a candidate that hears a higher term in a rejection steps down, names the term and the sender, and knows no leader', () => {
    const s = member(0, 3);
    step(s, { type: 'timeout', nowMs: 1000, timer: 'election' });
    expect([s.role, s.term]).toEqual(['candidate', 1]);
    const effects = deliver(s, { type: 'voteResp', from: 2, to: 0, term: 3, reject: true }, 1001);
    expect(effects).toContainEqual({ type: 'role', from: 'candidate', to: 'follower', term: 3, reason: 'term 3 from member 2' });
    expect([s.role, s.term, s.lead, s.votedFor]).toEqual(['follower', 3, -1, -1]);
  });
});

describe('thesis §4.2.3, etcd-io/raft Step inLease: the leader lease under CheckQuorum', () => {
  it('a leader ignores a vote request for a higher term however long it has led (its lease restarts at every check)', () => {
    const s = leaderOfThree();
    // 1000 ms after the election, far past the 150 ms minimum election timeout.
    expect(deliver(s, { type: 'vote', from: 2, to: 0, term: 5, lastIndex: 9, lastTerm: 4 }, 2000)).toEqual([]);
    expect([s.role, s.term]).toEqual(['leader', 1]);
  });

  it('a follower ignores a higher-term vote until the minimum election timeout has passed since the leader spoke, then grants it', () => {
    const early = member(1, 3, 1);
    deliver(early, heartbeat(0, 1, 1), 100);
    // 100 + 149 = 249: still within the 150 ms lease.
    expect(deliver(early, { type: 'vote', from: 2, to: 1, term: 2, lastIndex: 0, lastTerm: 0 }, 249)).toEqual([]);
    const late = member(1, 3, 1);
    deliver(late, heartbeat(0, 1, 1), 100);
    // 100 + 150 = 250: the lease has run out (electionElapsed < electionTimeout no longer holds).
    const effects = deliver(late, { type: 'vote', from: 2, to: 1, term: 2, lastIndex: 0, lastTerm: 0 }, 250);
    expect(sent(effects)).toEqual([{ type: 'voteResp', from: 1, to: 2, term: 2, reject: false }]);
    expect([late.term, late.votedFor]).toEqual([2, 2]);
  });
});

describe('etcd-io/raft stepCandidate', () => {
  it('a candidate that receives MsgApp from the leader of its own term becomes its follower and takes the entries', () => {
    const s = member(1, 3);
    step(s, { type: 'timeout', nowMs: 1000, timer: 'election' });
    expect([s.role, s.term]).toEqual(['candidate', 1]);
    const entries = [{ term: 1, data: null }];
    const effects = deliver(s, { type: 'app', from: 2, to: 1, term: 1, index: 0, logTerm: 0, entries, commit: 0 }, 1001);
    expect(effects).toContainEqual({ type: 'role', from: 'candidate', to: 'follower', term: 1, reason: 'leader 2 of term 1' });
    expect([s.role, s.lead, s.log]).toEqual(['follower', 2, entries]);
    expect(sent(effects)).toEqual([{ type: 'appResp', from: 1, to: 2, term: 1, index: 1, reject: false, rejectHint: 0, logTerm: 0 }]);
  });

  it('a candidate answers a rival candidate of the same term with a rejection: its vote went to itself', () => {
    const s = member(0, 3);
    step(s, { type: 'timeout', nowMs: 1000, timer: 'election' });
    const effects = deliver(s, { type: 'vote', from: 2, to: 0, term: 1, lastIndex: 0, lastTerm: 0 }, 1001);
    expect(sent(effects)).toEqual([{ type: 'voteResp', from: 0, to: 2, term: 1, reject: true }]);
    expect([s.role, s.votedFor]).toEqual(['candidate', 0]);
  });

  it('a pre-candidate counts only pre-vote answers (myVoteRespType): a real vote answer changes nothing', () => {
    const s = member(0, 3, 4, { preVote: true });
    step(s, { type: 'timeout', nowMs: 1000, timer: 'election' });
    expect([s.role, s.term]).toEqual(['preCandidate', 4]);
    expect(deliver(s, { type: 'voteResp', from: 1, to: 0, term: 4, reject: false }, 1001)).toEqual([]);
    expect([s.role, s.term]).toEqual(['preCandidate', 4]);
  });
});

describe('etcd-io/raft stepLeader', () => {
  it('a leader answers a vote request of its own term with a rejection', () => {
    const s = leaderOfThree();
    const effects = deliver(s, { type: 'vote', from: 2, to: 0, term: 1, lastIndex: 5, lastTerm: 1 }, 1001);
    expect(sent(effects)).toEqual([{ type: 'voteResp', from: 0, to: 2, term: 1, reject: true }]);
  });

  it('a leader answers a pre-vote for its own term with a rejection in its term', () => {
    const s = leaderOfThree({ preVote: true });
    const effects = deliver(s, { type: 'preVote', from: 2, to: 0, term: 1, lastIndex: 5, lastTerm: 1 }, 1001);
    expect(sent(effects)).toEqual([{ type: 'preVoteResp', from: 0, to: 2, term: 1, reject: true }]);
  });

  it('§5.2 Election Safety: a leader hearing MsgApp or a heartbeat from another leader of its term is a bug', () => {
    expect(() => deliver(leaderOfThree(), app(2, 0, 1), 1001)).toThrow(/^two leaders in term 1: members 0 and 2$/);
    expect(() => deliver(leaderOfThree(), heartbeat(1, 0, 1), 1001)).toThrow(/^two leaders in term 1: members 0 and 1$/);
  });
});

describe('proposals (etcd-io/raft stepLeader and stepFollower, MsgProp)', () => {
  it('a follower drops a proposal as not-leader and names the leader it knows', () => {
    const s = member(1, 3, 1);
    deliver(s, heartbeat(2, 1, 1), 100);
    const effects = step(s, { type: 'propose', nowMs: 110, data: 'x', requestId: 3 }).effects;
    expect(effects).toEqual([{ type: 'proposalDropped', requestId: 3, reason: 'not-leader', lead: 2 }]);
  });

  it('a leader streaming to both followers sends the new entry to each and then reports it proposed, uncommitted', () => {
    const s = leaderOfThree();
    // Both followers acknowledge the leader's empty entry (index 1): they move to replicate.
    for (const from of [1, 2]) deliver(s, { type: 'appResp', from, to: 0, term: 1, index: 1, reject: false, rejectHint: 0, logTerm: 0 }, 1010);
    expect(s.commit).toBe(1);
    const effects = step(s, { type: 'propose', nowMs: 1020, data: 'x', requestId: 9 }).effects;
    const entry = { term: 1, data: 'x' };
    const append = (to: number): Effect => ({ type: 'send', message: { type: 'app', from: 0, to, term: 1, index: 1, logTerm: 1, entries: [entry], commit: 1 } });
    // Only the leader holds index 2: one of three, no majority, no commit in this step.
    expect(effects).toEqual([append(1), append(2), { type: 'proposed', requestId: 9, index: 2, term: 1 }]);
  });
});
