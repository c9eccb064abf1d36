// Log replication (raft/replication.ts) through the step function, messages fed by hand and every
// message written out: the follower's AppendEntries receiver (etcd-io/raft raft.go
// handleAppendEntries, handleHeartbeat), the leader's per-follower progress (tracker/progress.go:
// StateProbe with one MsgApp in flight, StateReplicate streaming, MaybeUpdate, MaybeDecrTo with
// the follower's hint and the leader's own findConflictByTerm of raft.go stepLeader), commitment
// by counting replicas (§5.4.2, raft.go maybeCommit + bcastAppend) and CheckQuorum. Followers'
// answers come from real follower states wherever a follower could send them; the others are
// delayed or duplicated answers, fed as such.
import { describe, expect, it } from 'vitest';
import { startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import { appendOwn, commitTo } from '../../../../sim/model/etcd/raft/replication.ts';
import type { Effect, Entry, Message, MsgApp, MsgAppResp, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { assertionFrom } from '../../../assertion-from.ts';
import { raftConfig, sentMessages } from './config.ts';

// The election timeout is exactly 150 ms (a range narrower than a tick), so member 0 campaigns at 150.
const config = (memberCount: number, extra: Partial<RaftConfig> = {}): RaftConfig => raftConfig(memberCount, { electionTimeoutMs: { min: 150, max: 150 }, ...extra });
const entries = (...terms: number[]): Entry[] => terms.map((term, i) => ({ term, data: `e${i + 1}` }));
const sent = sentMessages;
const deliver = (s: RaftState, message: Message, nowMs: number) => step(s, { type: 'message', nowMs, message }).effects;
const propose = (s: RaftState, data: string, nowMs: number) => step(s, { type: 'propose', nowMs, data, requestId: 1 }).effects;
const ack = (from: number, term: number, index: number): Message => ({ type: 'appResp', from, to: 0, term, index, reject: false, rejectHint: 0, logTerm: 0 });
const reject = (from: number, term: number, index: number, rejectHint: number, logTerm: number): MsgAppResp =>
  ({ type: 'appResp', from, to: 0, term, index, reject: true, rejectHint, logTerm });
/** A MsgApp from member 0 as the leader builds it. */
const app = (to: number, term: number, index: number, logTerm: number, es: readonly Entry[], commit: number): MsgApp => ({ type: 'app', from: 0, to, term, index, logTerm, entries: es, commit });
/** The MsgApps among `effects` as [to, prev index, prev term, entries' data, commit]. */
const apps = (effects: Effect[]) =>
  sent(effects).flatMap((m) => (m.type === 'app' ? [[m.to, m.index, m.logTerm, m.entries.map((x) => x.data), m.commit]] : []));
const progressOf = (s: RaftState, id: number) => {
  const pr = s.progress[id];
  return { state: pr.state, paused: pr.paused, match: pr.match, next: pr.next };
};

/**
 * Member 0 of `n` with a persisted log (`terms`, data e1, e2, ...) in term `term`, elected at
 * 150 ms in term+1 with the votes of members 1, 2, ...; it appends its empty entry (data null)
 * at once. Returns the leader and the effects of its election.
 */
function leader(n: number, extra: Partial<RaftConfig> = {}, terms: number[] = [], term = 0): { s: RaftState; effects: Effect[] } {
  const s = startMember(config(n, extra), 0, 7, { term, votedFor: -1, commit: 0, log: entries(...terms) }, 0).state;
  step(s, { type: 'timeout', nowMs: 150, timer: 'election' });
  let effects: Effect[] = [];
  for (let from = 1; s.role !== 'leader'; from++) effects = deliver(s, { type: 'voteResp', from, to: 0, term: term + 1, reject: false }, 150);
  return { s, effects };
}

/** Member `id` of 3 (or `n`) as a follower with a persisted log and commit index. */
const follower = (id: number, term: number, log: Entry[], commit: number, n = 3): RaftState =>
  startMember(config(n), id, 11 + id, { term, votedFor: -1, commit, log }, 0).state;

describe('etcd-io/raft handleAppendEntries: the follower side', () => {
  it('a MsgApp below the commit index is stale: answered with the commit index, accepted, nothing changed', () => {
    const f = follower(1, 1, entries(1, 1, 1), 3);
    const effects = deliver(f, app(1, 1, 1, 1, [], 1), 10);
    expect(effects).toEqual([{ type: 'send', message: { type: 'appResp', from: 1, to: 0, term: 1, index: 3, reject: false, rejectHint: 0, logTerm: 0 } }]);
    expect(f.log).toHaveLength(3);
    expect(f.commit).toBe(3);
  });

  it('a mismatch inside a longer log is hinted from the MsgApp\'s index, not from the end of the log (hintIndex = min(m.Index, lastIndex))', () => {
    // Follower terms 1 1 2 2 2; the leader's entry 3 is of term 3. Looking back from index 3 for
    // a term <= 3: index 3 itself (term 2). From the end (5) it would be 5.
    const f = follower(1, 2, entries(1, 1, 2, 2, 2), 0);
    const answer = sent(deliver(f, app(1, 3, 3, 3, [], 0), 10));
    expect(answer).toEqual([{ type: 'appResp', from: 1, to: 0, term: 3, index: 3, reject: true, rejectHint: 3, logTerm: 2 }]);
  });

  it('a heartbeat never moves the commit index back, nor reports a commit that did not advance', () => {
    const f = follower(1, 1, entries(1, 1, 1), 2);
    const heartbeat = (commit: number): Message => ({ type: 'heartbeat', from: 0, to: 1, term: 1, commit, ctx: 0 });
    const resp = { type: 'send', message: { type: 'heartbeatResp', from: 1, to: 0, term: 1, ctx: 0 } };
    expect(deliver(f, heartbeat(1), 10)).toEqual([resp]);
    expect(deliver(f, heartbeat(2), 20)).toEqual([resp]);
    expect(f.commit).toBe(2);
    expect(deliver(f, heartbeat(3), 30)).toEqual([{ type: 'commit', fromIndex: 2, toIndex: 3 }, resp]);
    expect(f.commit).toBe(3);
  });

  it('committing past the last entry held is an assertion naming both indexes', () => {
    const f = follower(1, 1, entries(1, 1, 1), 0);
    expect(assertionFrom(() => commitTo(f, 5, [])).message).toBe('member 1: commit 5 beyond last index 3');
    const out: Effect[] = [];
    commitTo(f, 3, out);
    expect(out).toEqual([{ type: 'commit', fromIndex: 0, toIndex: 3 }]);
  });

  it('only a leader appends a proposal to its own log', () => {
    const f = follower(1, 1, [], 0);
    expect(assertionFrom(() => appendOwn(f, 'x')).message).toBe('member 1: only a leader appends proposals');
    expect(f.log).toEqual([]);
  });
});

describe('tracker/progress.go StateProbe: a new leader probes each follower with one MsgApp at a time', () => {
  it('a new leader sends each follower its empty entry, then sends nothing more while that MsgApp is unanswered', () => {
    const { s, effects } = leader(3);
    // Every follower's next is 1 (the log was empty): prev 0, term 0, the term-1 entry.
    const e1: Entry = { term: 1, data: null };
    expect(sent(effects)).toEqual([app(1, 1, 0, 0, [e1], 0), app(2, 1, 0, 0, [e1], 0)]);
    expect(sent(step(s, { type: 'propose', nowMs: 160, data: 'x', requestId: 1 }).effects)).toEqual([]);
    expect(s.progress.slice(1).map((pr) => [pr.state, pr.paused, pr.next])).toEqual([['probe', true, 1], ['probe', true, 1]]);
  });

  it('a heartbeat answer from a follower that lags gets it the missing entries at once; from one that holds all, nothing', () => {
    const { s } = leader(3);
    step(s, { type: 'propose', nowMs: 160, data: 'x', requestId: 1 });
    const effects = deliver(s, { type: 'heartbeatResp', from: 2, to: 0, term: 1, ctx: 0 }, 170);
    expect(sent(effects)).toEqual([app(2, 1, 0, 0, [{ term: 1, data: null }, { term: 1, data: 'x' }], 0)]);
    // Member 2 acknowledges both entries (match 2 = last): its next heartbeat answer asks for nothing.
    deliver(s, ack(2, 1, 2), 180);
    expect(s.progress[2].match).toBe(2);
    expect(sent(deliver(s, { type: 'heartbeatResp', from: 2, to: 0, term: 1, ctx: 0 }, 190))).toEqual([]);
  });
});

describe('§5.4.2 commitment, and telling the followers (etcd-io/raft stepLeader MsgAppResp)', () => {
  it('with 5 members: an acknowledgement short of a majority gets the follower an empty MsgApp; the one that makes the majority commits and tells every streaming follower', () => {
    const { s } = leader(5);
    // Member 1 answers its probe: match 1 on 2 of 5 members, not committed. It was paused, so the
    // leader sends it an empty MsgApp at once (stepLeader: `else if oldPaused { sendAppend }`).
    let effects = deliver(s, ack(1, 1, 1), 160);
    expect(effects).toEqual([{ type: 'send', message: app(1, 1, 1, 1, [], 0) }]);
    expect([s.progress[1].state, s.progress[1].next]).toEqual(['replicate', 2]);
    // Member 2 answers: 3 of 5 hold entry 1 of term 1: committed; members 1 and 2 (streaming)
    // hear the new commit index; 3 and 4 are still paused with their probe outstanding.
    effects = deliver(s, ack(2, 1, 1), 170);
    expect(effects).toEqual([
      { type: 'commit', fromIndex: 0, toIndex: 1 },
      { type: 'send', message: app(1, 1, 1, 1, [], 1) },
      { type: 'send', message: app(2, 1, 1, 1, [], 1) },
    ]);
    // Member 3 answers after the commit: nothing new to commit, and it was paused: an empty
    // MsgApp brings it the commit index.
    expect(deliver(s, ack(3, 1, 1), 180)).toEqual([{ type: 'send', message: app(3, 1, 1, 1, [], 1) }]);
  });

  it('with 3 members: the first acknowledgement commits; the other follower, still probing, is not sent anything', () => {
    const { s } = leader(3);
    expect(deliver(s, ack(1, 1, 1), 160)).toEqual([
      { type: 'commit', fromIndex: 0, toIndex: 1 },
      { type: 'send', message: app(1, 1, 1, 1, [], 1) },
    ]);
  });
});

describe('CheckQuorum (etcd-io/raft MsgCheckQuorum, tracker QuorumActive)', () => {
  it('a new leader that hears from no follower within an election timeout steps down: followers count as unheard until they answer', () => {
    const { s } = leader(3);
    // Leader since 150; the check at 150 + 150 = 300 finds only itself active (1 < quorum 2).
    const effects = step(s, { type: 'timeout', nowMs: 300, timer: 'checkQuorum' }).effects;
    expect(effects[0]).toEqual({ type: 'role', from: 'leader', to: 'follower', term: 1, reason: 'check quorum failed' });
    expect(s.role).toBe('follower');
  });

  it('one answer from a follower of 3 keeps the leader', () => {
    const { s } = leader(3);
    deliver(s, { type: 'heartbeatResp', from: 2, to: 0, term: 1, ctx: 0 }, 200);
    const effects = step(s, { type: 'timeout', nowMs: 300, timer: 'checkQuorum' }).effects;
    expect(effects).toEqual([{ type: 'setTimer', timer: 'checkQuorum', atMs: 450 }]);
    expect(s.role).toBe('leader');
  });
});

describe('StateReplicate: streaming (tracker/progress.go SentEntries, MaybeUpdate)', () => {
  it('each proposal goes to a streaming follower at once with only the new entries; an acknowledgement of part of them sends nothing again', () => {
    // 5 members: acknowledgements from member 1 alone never commit (2 of 5).
    const { s } = leader(5);
    deliver(s, ack(1, 1, 1), 160); // member 1: replicate, next 2
    expect(apps(propose(s, 'a', 200))).toEqual([[1, 1, 1, ['a'], 0]]);
    expect(apps(propose(s, 'b', 210))).toEqual([[1, 2, 1, ['b'], 0]]);
    expect(progressOf(s, 1)).toEqual({ state: 'replicate', paused: false, match: 1, next: 4 });
    // Entry 2 acknowledged while 3 is in flight: next stays at 4.
    expect(deliver(s, ack(1, 1, 2), 220)).toEqual([]);
    expect(progressOf(s, 1)).toEqual({ state: 'replicate', paused: false, match: 2, next: 4 });
    expect(deliver(s, ack(1, 1, 3), 230)).toEqual([]);
    expect(progressOf(s, 1)).toEqual({ state: 'replicate', paused: false, match: 3, next: 4 });
  });

  it('with at most one entry per MsgApp, each acknowledgement brings the next entry until the follower holds the whole log', () => {
    const { s } = leader(5, { maxEntriesPerAppend: 1 });
    // Entries 2 and 3 are proposed while every follower is paused (its probe unanswered).
    expect(apps(propose(s, 'a', 160))).toEqual([]);
    expect(apps(propose(s, 'b', 170))).toEqual([]);
    expect(apps(deliver(s, ack(1, 1, 1), 180))).toEqual([[1, 1, 1, ['a'], 0]]);
    // next 3 <= last 3: entry 3 follows.
    expect(apps(deliver(s, ack(1, 1, 2), 190))).toEqual([[1, 2, 1, ['b'], 0]]);
    expect(deliver(s, ack(1, 1, 3), 200)).toEqual([]);
    expect(progressOf(s, 1)).toEqual({ state: 'replicate', paused: false, match: 3, next: 4 });
  });
});

describe('MaybeDecrTo in StateReplicate: a rejection sends the follower back to probing at match + 1', () => {
  /** 3 members; member 1 streams entries 2 and 3, misses the MsgApp with entry 2 and rejects the one with entry 3. */
  function rejectedWhileStreaming() {
    const { s } = leader(3);
    deliver(s, ack(1, 1, 1), 160); // commits 1; member 1: replicate, next 2
    propose(s, 'a', 200); // (1, [a]) to member 1: lost
    const withB = sent(propose(s, 'b', 210)).find((m) => m.type === 'app' && m.to === 1);
    // Member 1 holds entry 1 only (committed). Its answer to (2, [b]): reject 2, hint (1, term 1).
    const f1 = follower(1, 1, [{ term: 1, data: null }], 1);
    const answer = sent(deliver(f1, withB!, 215));
    expect(answer).toEqual([reject(1, 1, 2, 1, 1)]);
    return { s, f1, answer: answer[0] };
  }

  it('the leader probes again after the last acknowledged entry, with everything after it, and waits', () => {
    const { s, answer } = rejectedWhileStreaming();
    expect(apps(deliver(s, answer, 220))).toEqual([[1, 1, 1, ['a', 'b'], 1]]);
    expect(progressOf(s, 1)).toEqual({ state: 'probe', paused: true, match: 1, next: 2 });
  });

  it('a delayed duplicate of an old acknowledgement does not end the probe', () => {
    const { s, answer } = rejectedWhileStreaming();
    deliver(s, answer, 220);
    expect(deliver(s, ack(1, 1, 1), 225)).toEqual([]);
    expect(progressOf(s, 1)).toEqual({ state: 'probe', paused: true, match: 1, next: 2 });
  });

  it('once the follower catches up, a delayed rejection at or below its match is stale and ignored', () => {
    const { s, f1, answer } = rejectedWhileStreaming();
    const probe = sent(deliver(s, answer, 220))[0];
    const caughtUp = sent(deliver(f1, probe, 230));
    expect(caughtUp).toEqual([ack(1, 1, 3)]);
    // 2 of 3 hold entry 3 of term 1: committed, and member 1 hears of it.
    expect(deliver(s, caughtUp[0], 240)).toEqual([
      { type: 'commit', fromIndex: 1, toIndex: 3 },
      { type: 'send', message: { type: 'app', from: 0, to: 1, term: 1, index: 3, logTerm: 1, entries: [], commit: 3 } },
    ]);
    // The old rejection (index 2 < match 3), and one at the boundary (index 3 = match), fed by hand.
    expect(deliver(s, answer, 250)).toEqual([]);
    expect(deliver(s, reject(1, 1, 3, 1, 1), 260)).toEqual([]);
    expect(progressOf(s, 1)).toEqual({ state: 'replicate', paused: false, match: 3, next: 4 });
  });

  it('a follower that lost its log (hint 0) while probed at its match is probed there again: next never drops to match (MaybeDecrTo: max(..., Match+1))', () => {
    const { s, answer } = rejectedWhileStreaming();
    const probe = sent(deliver(s, answer, 220))[0];
    const wiped = follower(1, 0, [], 0);
    const lost = sent(deliver(wiped, probe, 230));
    expect(lost).toEqual([reject(1, 1, 1, 0, 0)]);
    expect(apps(deliver(s, lost[0], 240))).toEqual([[1, 1, 1, ['a', 'b'], 1]]);
    expect(progressOf(s, 1)).toEqual({ state: 'probe', paused: true, match: 1, next: 2 });
  });
});

describe('MaybeDecrTo in StateProbe with the hint of etcd-io/raft raft.go (handleAppendEntries, stepLeader)', () => {
  // The example of the comment in raft.go stepLeader (MsgAppResp, reject), with entry 9 the
  // leader's empty entry of its new term 6 (etcd's has term 5 there):
  // idx        1 2 3 4 5 6 7 8 9
  // term (L)   1 3 3 3 5 5 5 5 6
  // term (F)   1 1 1 1 2 2
  const leaderTerms = [1, 3, 3, 3, 5, 5, 5, 5];
  const followerLog: Entry[] = [1, 1, 1, 1, 2, 2].map((term, i) => ({ term, data: `f${i + 1}` }));

  it('the follower hints (6, term 2); the leader skips its own entries of terms above 2 and probes after index 1, then the logs agree', () => {
    const { s, effects } = leader(5, {}, leaderTerms, 5);
    const first = sent(effects).find((m) => m.type === 'app' && m.to === 3)!;
    expect(apps([{ type: 'send', message: first }])).toEqual([[3, 8, 5, [null], 0]]);
    const f = follower(3, 5, followerLog, 0, 5);
    // Follower: no entry 8; from min(8, 6) = 6 back to a term <= 5: index 6, term 2.
    const answer = sent(deliver(f, first, 160));
    expect(answer).toEqual([reject(3, 6, 8, 6, 2)]);
    // Leader: from 6 back to a term <= 2: 5, 5, 3, 3, 3 are above 2, index 1 (term 1) is not.
    // next = max(min(8, 1 + 1), 0 + 1) = 2: entries 2..9 after (1, term 1).
    const probe = deliver(s, answer[0], 170);
    expect(apps(probe)).toEqual([[3, 1, 1, ['e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', null], 0]]);
    expect(progressOf(s, 3)).toEqual({ state: 'probe', paused: true, match: 0, next: 2 });
    // The follower replaces its entries 2..6 and holds the leader's log.
    expect(sent(deliver(f, sent(probe)[0], 180))).toEqual([ack(3, 6, 9)]);
    expect(f.log.map((e) => e.term)).toEqual([...leaderTerms, 6]);
  });

  it('a repeated rejection of the first probe, after next has moved, is stale and ignored', () => {
    const { s } = leader(5, {}, leaderTerms, 5);
    deliver(s, reject(3, 6, 8, 6, 2), 170);
    expect(deliver(s, reject(3, 6, 8, 6, 2), 175)).toEqual([]);
    expect(progressOf(s, 3)).toEqual({ state: 'probe', paused: true, match: 0, next: 2 });
  });

  it('a rejection that carries no log term probes at the follower\'s hint as given (stepLeader: findConflictByTerm only `if m.LogTerm > 0`)', () => {
    const { s } = leader(5, {}, leaderTerms, 5);
    // Fed by hand: fleetsim's followers always send the hint's term (0 only with hint 0).
    // next = max(min(8, 6 + 1), 1) = 7: entries 7..9 after (6, term 5).
    expect(apps(deliver(s, reject(4, 6, 8, 6, 0), 170))).toEqual([[4, 6, 5, ['e7', 'e8', null], 0]]);
  });
});
