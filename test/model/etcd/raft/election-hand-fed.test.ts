// Leader election (raft/election.ts) through the step function, with every effect written out:
// role changes with their reasons, the timers each role change sets and cancels, and the vote
// rules of etcd-io/raft raft.go (Step, case MsgVote / MsgPreVote: canVote; poll: the first answer
// of a voter counts). A range [min, max] narrower than a tick makes the election timeout exactly
// `min` ms, so that every deadline below is worked out by hand.
import { describe, expect, it } from 'vitest';
import { becomeFollower, electionDeadlineMs } from '../../../../sim/model/etcd/raft/election.ts';
import { startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import type { Effect, Message, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { assertionFrom } from '../../../assertion-from.ts';
import { raftConfig, sentMessages } from './config.ts';

const config = (memberCount: number, extra: Partial<RaftConfig> = {}): RaftConfig => raftConfig(memberCount, { electionTimeoutMs: { min: 150, max: 150 }, ...extra });
const member = (c: RaftConfig, id: number, term = 0, votedFor = -1): RaftState =>
  startMember(c, id, 300 + id, { term, votedFor, commit: 0, log: [] }, 0).state;
const sent = sentMessages;
const deliver = (s: RaftState, message: Message, nowMs: number) => step(s, { type: 'message', nowMs, message }).effects;
const roles = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'role' ? [[e.from, e.to, e.reason]] : []));

describe('etcd-io/raft resetRandomizedElectionTimeout: a range narrower than a tick', () => {
  it('is taken as written in ms, without a draw, and elapses exactly that long after the reset', () => {
    // heartbeat 50: [175, 199] rounds to 4..4 ticks and [60, 60] to max(2, 1)..1 ticks: no draw.
    for (const range of [{ min: 175, max: 199 }, { min: 60, max: 60 }]) {
      const c = config(3, { electionTimeoutMs: range });
      const started = startMember(c, 0, 42, null, 0);
      const s = started.state;
      expect(s.electionTicks).toBe(0);
      expect(s.electionTimeoutMs).toBe(range.min);
      expect(started.effects).toEqual([{ type: 'setTimer', timer: 'election', atMs: range.min }]);
      s.electionResetMs = 1_013;
      expect(electionDeadlineMs(s)).toBe(1_013 + range.min);
    }
  });
});

describe('etcd-io/raft raft.reset: the term never goes back', () => {
  it('becoming follower of a lower term is an assertion naming both terms', () => {
    const s = member(config(3), 0, 4);
    expect(assertionFrom(() => becomeFollower(s, 3, -1, 0, 'NEW_TERM_OR_LEADER', 'test', [])).message).toBe('member 0: term may not go back from 4 to 3');
  });
});

describe('role changes and their timers (etcd-io/raft becomeCandidate, becomePreCandidate, becomeLeader)', () => {
  it('a lone member without PreVote campaigns and wins at once: every effect in order', () => {
    const s = member(config(1), 0);
    const effects = step(s, { type: 'timeout', nowMs: 150, timer: 'election' }).effects;
    expect(effects).toEqual([
      { type: 'role', from: 'follower', to: 'candidate', term: 1, reason: 'election timeout' },
      { type: 'cancelTimer', timer: 'heartbeat' },
      { type: 'cancelTimer', timer: 'checkQuorum' },
      // Reset at 150, timeout 150 ms.
      { type: 'setTimer', timer: 'election', atMs: 300 },
      { type: 'role', from: 'candidate', to: 'leader', term: 1, reason: 'won election' },
      { type: 'cancelTimer', timer: 'election' },
      // Heartbeat 150 + 50; CheckQuorum after an election timeout (min): 150 + 150.
      { type: 'setTimer', timer: 'heartbeat', atMs: 200 },
      { type: 'setTimer', timer: 'checkQuorum', atMs: 300 },
      // Its empty entry of term 1 is stored on a majority (itself): committed.
      { type: 'commit', fromIndex: 0, toIndex: 1 },
    ]);
    expect(s.log).toEqual([{ term: 1, data: null }]);
  });

  it('a new leader without CheckQuorum sets no CheckQuorum timer', () => {
    const s = member(config(1, { checkQuorum: false }), 0);
    const effects = step(s, { type: 'timeout', nowMs: 150, timer: 'election' }).effects;
    expect(s.role).toBe('leader');
    expect(effects.filter((e) => e.type === 'setTimer').map((e) => e.type === 'setTimer' && e.timer)).toEqual(['election', 'heartbeat']);
  });

  it('with PreVote, a lone member passes through pre-candidate, candidate and leader, each role change with its reason', () => {
    const s = member(config(1, { preVote: true }), 0, 3);
    const effects = step(s, { type: 'timeout', nowMs: 150, timer: 'election' }).effects;
    expect(roles(effects)).toEqual([
      ['follower', 'preCandidate', 'election timeout (pre-vote)'],
      ['preCandidate', 'candidate', 'won pre-vote'],
      ['candidate', 'leader', 'won election'],
    ]);
    expect(effects.slice(1, 4)).toEqual([
      { type: 'cancelTimer', timer: 'heartbeat' },
      { type: 'cancelTimer', timer: 'checkQuorum' },
      { type: 'setTimer', timer: 'election', atMs: 300 },
    ]);
    expect(s.term).toBe(4);
  });

  it('a pre-candidate that gets no majority in time asks again for the same term+1', () => {
    const s = member(config(3, { preVote: true }), 0, 3);
    step(s, { type: 'timeout', nowMs: 150, timer: 'election' });
    const effects = step(s, { type: 'timeout', nowMs: 300, timer: 'election' }).effects;
    expect(roles(effects)).toEqual([['preCandidate', 'preCandidate', 'election timeout (pre-vote)']]);
    expect(sent(effects).map((m) => [m.type, m.to, m.term])).toEqual([['preVote', 1, 4], ['preVote', 2, 4]]);
  });
});

describe('etcd-io/raft poll: counting votes', () => {
  it('a candidate rejected by a majority becomes follower of its term, knowing no leader', () => {
    const s = member(config(3), 0);
    step(s, { type: 'timeout', nowMs: 150, timer: 'election' });
    expect(roles(deliver(s, { type: 'voteResp', from: 1, to: 0, term: 1, reject: true }, 160))).toEqual([]);
    const effects = deliver(s, { type: 'voteResp', from: 2, to: 0, term: 1, reject: true }, 170);
    expect(roles(effects)).toEqual([['candidate', 'follower', 'lost election']]);
    expect([s.role, s.term, s.lead, s.votedFor]).toEqual(['follower', 1, -1, 0]);
  });

  it('only the first answer of a voter counts: a later grant from a member that rejected does not win', () => {
    // Three members, quorum 2. Votes {0: yes, 1: no}: pending. A second answer from 1 (yes)
    // is ignored (poll records r.votes[id] only when absent); member 2's yes then wins.
    const s = member(config(3), 0);
    step(s, { type: 'timeout', nowMs: 150, timer: 'election' });
    deliver(s, { type: 'voteResp', from: 1, to: 0, term: 1, reject: true }, 160);
    deliver(s, { type: 'voteResp', from: 1, to: 0, term: 1, reject: false }, 161);
    expect(s.role).toBe('candidate');
    deliver(s, { type: 'voteResp', from: 2, to: 0, term: 1, reject: false }, 162);
    expect(s.role).toBe('leader');
  });
});

describe('etcd-io/raft Step, case MsgVote / MsgPreVote: canVote', () => {
  const vote = (from: number, to: number, term: number): Message => ({ type: 'vote', from, to, term, lastIndex: 0, lastTerm: 0 });

  it('a repeated request from the candidate we voted for in this term is granted again (r.Vote == m.From)', () => {
    const voter = member(config(3), 1);
    expect(sent(deliver(voter, vote(0, 1, 1), 10))).toEqual([{ type: 'voteResp', from: 1, to: 0, term: 1, reject: false }]);
    expect(sent(deliver(voter, vote(0, 1, 1), 20))).toEqual([{ type: 'voteResp', from: 1, to: 0, term: 1, reject: false }]);
    // Another candidate of the same term is refused.
    expect(sent(deliver(voter, vote(2, 1, 1), 30))).toEqual([{ type: 'voteResp', from: 1, to: 2, term: 1, reject: true }]);
  });

  it('a member that has not voted but knows the leader of this term refuses a vote in it (r.Vote == None && r.lead == None)', () => {
    const voter = member(config(3), 1);
    deliver(voter, { type: 'heartbeat', from: 2, to: 1, term: 1, commit: 0, ctx: 0 }, 10);
    expect([voter.term, voter.lead, voter.votedFor]).toEqual([1, 2, -1]);
    expect(sent(deliver(voter, vote(0, 1, 1), 20))).toEqual([{ type: 'voteResp', from: 1, to: 0, term: 1, reject: true }]);
    expect(voter.votedFor).toBe(-1);
  });

  it('a pre-vote counts as a future-term request only when its term is above ours (m.Term > r.Term)', () => {
    // The voter is in term 5 and voted for member 2; member 0, still in term 4, asks pre-votes
    // for term 5: not a future term for the voter, and it voted for someone else: refused.
    const c = config(3, { preVote: true });
    const voter = member(c, 1, 5, 2);
    const preVote = (term: number): Message => ({ type: 'preVote', from: 0, to: 1, term, lastIndex: 0, lastTerm: 0 });
    expect(sent(deliver(voter, preVote(5), 10))).toEqual([{ type: 'preVoteResp', from: 1, to: 0, term: 5, reject: true }]);
    // For term 6 it is a future term: granted, and the voter keeps its term and its vote.
    expect(sent(deliver(voter, preVote(6), 20))).toEqual([{ type: 'preVoteResp', from: 1, to: 0, term: 6, reject: false }]);
    expect([voter.term, voter.votedFor]).toEqual([5, 2]);
  });
});
