// The Raft core as a pure step function, checked against sentences of the Raft paper
// (Ongaro & Ousterhout 2014) in the manner of etcd-io/raft raft_paper_test.go. Each test builds
// member states with startMember, feeds inputs with step, and inspects states and effects; no
// simulation or network is involved.
import { describe, expect, it } from 'vitest';
import { persistentOf, startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import { electionDeadlineMs } from '../../../../sim/model/etcd/raft/election.ts';
import { roleAccepts, roleAfter } from '../../../../sim/model/etcd/raft/roles.ts';
import type { Effect, Entry, Message, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { raftConfig, sentMessages } from './config.ts';

// The paper's election, without etcd's PreVote phase (tested in pre-vote.test.ts).
const config = (memberCount: number): RaftConfig => raftConfig(memberCount);

function member(id: number, n: number, log: Entry[] = [], term = 0): RaftState {
  return startMember(config(n), id, 1000 + id, { term, votedFor: -1, commit: 0, log }, 0).state;
}

const sent = sentMessages;
const timeout = (s: RaftState, nowMs: number, timer: 'election' | 'heartbeat' | 'checkQuorum' = 'election') =>
  step(s, { type: 'timeout', nowMs, timer }).effects;
const deliver = (s: RaftState, message: Message, nowMs: number) => step(s, { type: 'message', nowMs, message }).effects;

/** Elects member 0 of `members` by exchanging its votes, and returns the leader's AppendEntries. */
function elect(members: RaftState[], nowMs = 1000): Message[] {
  const votes = sent(timeout(members[0], nowMs));
  const appends: Message[] = [];
  for (const vote of votes) {
    const answers = sent(deliver(members[vote.to], vote, nowMs));
    for (const answer of answers) appends.push(...sent(deliver(members[0], answer, nowMs)));
  }
  return appends;
}

describe('Raft paper §5.2: leader election', () => {
  it('§5.2 a follower that hears nothing for its election timeout becomes candidate, votes for itself and requests votes', () => {
    const s = member(0, 3);
    const deadlineMs = electionDeadlineMs(s);
    const early = timeout(s, deadlineMs - 1);
    expect(s.role).toBe('follower');
    expect(early).toEqual([{ type: 'setTimer', timer: 'election', atMs: deadlineMs }]);
    const effects = timeout(s, 1000);
    expect(s.role).toBe('candidate');
    expect(s.term).toBe(1);
    expect(s.votedFor).toBe(0);
    expect(sent(effects).map((m) => [m.type, m.to, m.term])).toEqual([['vote', 1, 1], ['vote', 2, 1]]);
  });

  it('etcd-io/raft raft.go resetRandomizedElectionTimeout: timeouts are whole ticks in [et, 2et), drawn per member and per role change', () => {
    // heartbeat (tick) 50 ms, election timeout [150, 300) ms: et = 3 ticks, so 3, 4 or 5 ticks.
    const seen = new Map<number, number>();
    for (let id = 0; id < 60; id++) {
      const s = member(id % 5, 5);
      for (let round = 0; round < 5; round++) {
        expect(s.electionTicks).toBeGreaterThanOrEqual(3);
        expect(s.electionTicks).toBeLessThan(6);
        expect(s.electionTimeoutMs).toBe(s.electionTicks * 50);
        seen.set(s.electionTicks, (seen.get(s.electionTicks) ?? 0) + 1);
        timeout(s, electionDeadlineMs(s));
      }
    }
    expect([...seen.keys()].sort()).toEqual([3, 4, 5]);
  });

  it('etcd-io/raft raft.go tickElection: the timeout fires on a tick of the member’s own ticker, (n-1) to n ticks after the reset', () => {
    for (let id = 0; id < 20; id++) {
      const s = startMember(config(3), 0, 7000 + id, null, 0).state;
      for (const resetMs of [0, 13, 49, 50, 1234.5]) {
        s.electionResetMs = resetMs;
        const deadlineMs = electionDeadlineMs(s);
        expect(deadlineMs).toBeGreaterThan(resetMs + (s.electionTicks - 1) * 50);
        expect(deadlineMs).toBeLessThanOrEqual(resetMs + s.electionTicks * 50);
        expect(((deadlineMs - s.tickPhaseMs) % 50 + 50) % 50).toBe(0);
      }
    }
  });

  it('§5.2 a candidate that receives votes from a majority becomes leader and appends an empty entry of its term', () => {
    const members = [member(0, 3), member(1, 3), member(2, 3)];
    const appends = elect(members);
    expect(members[0].role).toBe('leader');
    expect(members[0].log).toEqual([{ term: 1, data: null }]);
    expect(appends.filter((m) => m.type === 'app').length).toBeGreaterThan(0);
  });

  it('§5.2 a member grants at most one vote per term, first come first served', () => {
    const voter = member(2, 3);
    const ask = (from: number): Message => ({ type: 'vote', from, to: 2, term: 1, lastIndex: 0, lastTerm: 0 });
    const first = sent(deliver(voter, ask(0), 10));
    const second = sent(deliver(voter, ask(1), 11));
    expect(first).toMatchObject([{ type: 'voteResp', reject: false }]);
    expect(second).toMatchObject([{ type: 'voteResp', reject: true }]);
    expect(voter.votedFor).toBe(0);
  });

  it('§5.2 a candidate that hears from a leader of its own term returns to follower', () => {
    const s = member(1, 3);
    timeout(s, 1000);
    expect(s.role).toBe('candidate');
    deliver(s, { type: 'heartbeat', from: 2, to: 1, term: s.term, commit: 0, ctx: 0 }, 1001);
    expect(s.role).toBe('follower');
    expect(s.lead).toBe(2);
  });

  it('§5.1 a member that sees a higher term adopts it and becomes follower, even as leader', () => {
    const members = [member(0, 3), member(1, 3), member(2, 3)];
    elect(members);
    deliver(members[0], { type: 'appResp', from: 1, to: 0, term: 7, index: 0, reject: false, rejectHint: 0, logTerm: 0 }, 1001);
    expect(members[0].role).toBe('follower');
    expect(members[0].term).toBe(7);
  });
});

describe('Raft paper §5.4.1: election restriction', () => {
  it('§5.4.1 a candidate whose log is less up-to-date gets no vote', () => {
    const voter = member(2, 3, [{ term: 1, data: 'a' }, { term: 2, data: 'b' }], 2);
    const staleTerm = sent(deliver(voter, { type: 'vote', from: 0, to: 2, term: 3, lastIndex: 5, lastTerm: 1 }, 10));
    expect(staleTerm).toMatchObject([{ reject: true, term: 3 }]);
    const shorter = member(2, 3, [{ term: 1, data: 'a' }, { term: 2, data: 'b' }], 2);
    const shortLog = sent(deliver(shorter, { type: 'vote', from: 0, to: 2, term: 3, lastIndex: 1, lastTerm: 2 }, 10));
    expect(shortLog).toMatchObject([{ reject: true }]);
    const equal = member(2, 3, [{ term: 1, data: 'a' }, { term: 2, data: 'b' }], 2);
    expect(sent(deliver(equal, { type: 'vote', from: 0, to: 2, term: 3, lastIndex: 2, lastTerm: 2 }, 10))).toMatchObject([{ reject: false }]);
  });
});

describe('Raft paper §5.3: log replication', () => {
  it('§5.3 a follower rejects AppendEntries whose previous entry does not match, hinting where the logs may agree', () => {
    const follower = member(1, 3, [{ term: 1, data: 'a' }, { term: 1, data: 'b' }, { term: 2, data: 'c' }], 2);
    const answer = sent(deliver(follower, { type: 'app', from: 0, to: 1, term: 3, index: 3, logTerm: 3, entries: [], commit: 0 }, 10));
    expect(answer).toMatchObject([{ type: 'appResp', reject: true, index: 3, rejectHint: 3, logTerm: 2 }]);
  });

  it('§5.3 a follower deletes a conflicting suffix and appends the leader’s entries', () => {
    const follower = member(1, 3, [{ term: 1, data: 'a' }, { term: 2, data: 'x' }, { term: 2, data: 'y' }], 2);
    const answer = sent(deliver(follower, { type: 'app', from: 0, to: 1, term: 3, index: 1, logTerm: 1, entries: [{ term: 3, data: 'b' }], commit: 2 }, 10));
    expect(follower.log).toEqual([{ term: 1, data: 'a' }, { term: 3, data: 'b' }]);
    expect(follower.commit).toBe(2);
    expect(answer).toMatchObject([{ reject: false, index: 2 }]);
  });

  it('§5.3 the leader backs up past a whole conflicting term and then brings the follower’s log in line with its own', () => {
    const leaderLog: Entry[] = [{ term: 1, data: 'a' }, { term: 4, data: 'b' }, { term: 4, data: 'c' }];
    const members = [
      member(0, 2, leaderLog, 4),
      member(1, 2, [{ term: 1, data: 'a' }, { term: 2, data: 'x' }, { term: 2, data: 'y' }, { term: 2, data: 'z' }], 2),
    ];
    let inFlight = sent(timeout(members[0], 1000));
    let nowMs = 1000;
    for (let round = 0; round < 20 && inFlight.length > 0; round++) {
      const next: Message[] = [];
      for (const m of inFlight) next.push(...sent(deliver(members[m.to], m, ++nowMs)));
      inFlight = next;
    }
    expect(members[0].role).toBe('leader');
    expect(members[1].log).toEqual(members[0].log);
    expect(members[1].commit).toBe(members[0].log.length);
  });
});

describe('Raft paper §5.4.2: committing entries from previous terms', () => {
  it('§5.4.2 a leader never commits an entry from a previous term by counting replicas, only with one of its own term', () => {
    // Figure 8 (c): leader of term 4 holds an entry of term 2 that a majority stores.
    const s = member(0, 3, [{ term: 1, data: 'a' }, { term: 2, data: 'b' }], 3);
    timeout(s, 1000); // term 4 candidate
    deliver(s, { type: 'voteResp', from: 1, to: 0, term: 4, reject: false }, 1001);
    expect(s.role).toBe('leader');
    expect(s.log.length).toBe(3); // the empty entry of term 4
    // Follower 1 stores entries 1-2 only: a majority for index 2 (term 2) but not for 3.
    deliver(s, { type: 'appResp', from: 1, to: 0, term: 4, index: 2, reject: false, rejectHint: 0, logTerm: 0 }, 1002);
    expect(s.commit).toBe(0);
    deliver(s, { type: 'appResp', from: 1, to: 0, term: 4, index: 3, reject: false, rejectHint: 0, logTerm: 0 }, 1003);
    expect(s.commit).toBe(3);
  });
});

describe('CheckQuorum and persistence', () => {
  it('CheckQuorum: a leader that has not heard from a majority within an election timeout steps down', () => {
    const members = [member(0, 3), member(1, 3), member(2, 3)];
    for (const append of elect(members)) {
      for (const answer of sent(deliver(members[append.to], append, 1010))) deliver(members[0], answer, 1020);
    }
    timeout(members[0], 1000 + 150, 'checkQuorum'); // both followers answered since the election
    expect(members[0].role).toBe('leader');
    const effects = timeout(members[0], 1000 + 300, 'checkQuorum');
    expect(members[0].role).toBe('follower');
    expect(effects).toContainEqual({ type: 'role', from: 'leader', to: 'follower', term: 1, reason: 'check quorum failed' });
  });

  it('thesis §4.2.3 a follower that heard from its leader within the minimum election timeout ignores a disruptive vote request', () => {
    const s = member(1, 3);
    deliver(s, { type: 'heartbeat', from: 0, to: 1, term: 1, commit: 0, ctx: 0 }, 100);
    const effects = deliver(s, { type: 'vote', from: 2, to: 1, term: 5, lastIndex: 9, lastTerm: 4 }, 200);
    expect(effects).toEqual([]);
    expect(s.term).toBe(1);
  });

  it('§5 Figure 2: term, vote and log survive a restart; role, leader and progress do not', () => {
    const members = [member(0, 3), member(1, 3), member(2, 3)];
    elect(members);
    const restarted = startMember(config(3), 0, 99, persistentOf(members[0]), 5000).state;
    expect(restarted.term).toBe(members[0].term);
    expect(restarted.votedFor).toBe(0);
    expect(restarted.log).toEqual(members[0].log);
    expect(restarted.role).toBe('follower');
    expect(restarted.lead).toBe(-1);
  });
});

describe('the role machine (one definition of role transitions)', () => {
  it('follows Figure 4 and rejects a leader becoming candidate, as etcd-io/raft panics on it', () => {
    expect(roleAfter('follower', 'ELECTION_TIMEOUT')).toBe('candidate');
    expect(roleAfter('candidate', 'ELECTION_TIMEOUT')).toBe('candidate');
    expect(roleAfter('candidate', 'WIN_ELECTION')).toBe('leader');
    expect(roleAfter('leader', 'LOSE_QUORUM')).toBe('follower');
    expect(roleAccepts('leader', 'ELECTION_TIMEOUT')).toBe(false);
    expect(roleAccepts('follower', 'WIN_ELECTION')).toBe(false);
    expect(() => roleAfter('leader', 'ELECTION_TIMEOUT')).toThrow(/invalid Raft role transition/);
  });
});
