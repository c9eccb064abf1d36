// Linearizable reads without a log entry (raft/read-index.ts) against etcd-io/raft read_only.go
// (ReadOnlySafe: addRequest, recvAck, advance) and the Raft thesis §6.4, hand-fed through step().
import { describe, expect, it } from 'vitest';
import { startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import type { Effect, Message, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { raftConfig, sentMessages } from './config.ts';

const config = (memberCount: number): RaftConfig => raftConfig(memberCount);
const deliver = (s: RaftState, message: Message, nowMs = 1100) => step(s, { type: 'message', nowMs, message }).effects;
const read = (s: RaftState, requestId: number) => step(s, { type: 'readIndex', nowMs: 1100, requestId }).effects;
const ack = (s: RaftState, from: number, ctx: number) => deliver(s, { type: 'heartbeatResp', from, to: 0, term: 1, ctx });
const readsOf = (effects: Effect[]) => effects.filter((e) => e.type === 'readReady' || e.type === 'readDropped');

/**
 * Member 0 of `n`, elected in term 1 at 1000 ms. With `commitOwnEntry`, a bare majority of followers
 * (1..n/2) acknowledges its empty entry, so it has committed an entry of its own term (index 1).
 */
function leader(n: number, commitOwnEntry = true): RaftState {
  const s = startMember(config(n), 0, 77, null, 0).state;
  step(s, { type: 'timeout', nowMs: 1000, timer: 'election' });
  const followers = Array.from({ length: Math.floor(n / 2) }, (_, i) => i + 1);
  for (const from of followers) deliver(s, { type: 'voteResp', from, to: 0, term: 1, reject: false }, 1000);
  expect(s.role).toBe('leader');
  if (commitOwnEntry) {
    for (const from of followers) deliver(s, { type: 'appResp', from, to: 0, term: 1, index: 1, reject: false, rejectHint: 0, logTerm: 0 }, 1010);
    expect(s.commit).toBe(1);
  }
  return s;
}

describe('who may serve a read', () => {
  it('a follower refuses the read as not-leader and names the leader it knows', () => {
    const s = startMember(config(3), 1, 5, { term: 1, votedFor: -1, commit: 0, log: [] }, 0).state;
    deliver(s, { type: 'heartbeat', from: 2, to: 1, term: 1, commit: 0, ctx: 0 }, 100);
    expect(read(s, 7)).toEqual([{ type: 'readDropped', requestId: 7, reason: 'not-leader', lead: 2 }]);
  });

  it('thesis §6.4: a new leader that has not yet committed an entry of its term refuses the read as not ready (etcd-io/raft queues it instead)', () => {
    const s = leader(3, false);
    expect(s.commit).toBe(0);
    expect(read(s, 8)).toEqual([{ type: 'readDropped', requestId: 8, reason: 'leader-not-ready', lead: 0 }]);
    expect(s.pendingReads).toEqual([]);
  });
});

describe('read_only.go: a read waits for a majority to confirm the leader', () => {
  it('in three members, one follower’s answer and the leader’s own make the majority that releases the read', () => {
    const s = leader(3);
    const round = read(s, 1);
    // Follower 1 holds index 1 (match 1), follower 2 nothing yet (match 0): commit min(match, 1).
    expect(round).toEqual([
      { type: 'send', message: { type: 'heartbeat', from: 0, to: 1, term: 1, commit: 1, ctx: 1 } },
      { type: 'send', message: { type: 'heartbeat', from: 0, to: 2, term: 1, commit: 0, ctx: 1 } },
    ]);
    expect(readsOf(ack(s, 1, 1))).toEqual([{ type: 'readReady', requestId: 1, index: 1 }]);
    expect(s.pendingReads).toEqual([]);
  });

  it('in five members one follower’s answer is not enough (2 of 5); a second one is (3 of 5)', () => {
    const s = leader(5);
    read(s, 1);
    expect(readsOf(ack(s, 1, 1))).toEqual([]);
    expect(readsOf(ack(s, 2, 1))).toEqual([{ type: 'readReady', requestId: 1, index: 1 }]);
  });

  it('advance: a confirmed round releases the reads of earlier rounds with it, never those of later ones', () => {
    const s = leader(3);
    read(s, 1); // ctx 1
    read(s, 2); // ctx 2
    expect(readsOf(ack(s, 1, 1))).toEqual([{ type: 'readReady', requestId: 1, index: 1 }]);
    expect(s.pendingReads.map((r) => r.requestId)).toEqual([2]);
    expect(readsOf(ack(s, 2, 2))).toEqual([{ type: 'readReady', requestId: 2, index: 1 }]);
  });

  it('recvAck: answers count per round, so answers to different rounds from different followers do not add up', () => {
    const s = leader(5);
    read(s, 1); // ctx 1
    read(s, 2); // ctx 2
    // Round 1: leader + 1 = 2 of 5; round 2: leader + 2 = 2 of 5. Neither is a majority.
    expect(readsOf(ack(s, 1, 1))).toEqual([]);
    expect(readsOf(ack(s, 2, 2))).toEqual([]);
    // Round 2: leader + 2 + 3 = 3 of 5, which releases round 1 with it.
    expect(readsOf(ack(s, 3, 2))).toEqual([
      { type: 'readReady', requestId: 1, index: 1 },
      { type: 'readReady', requestId: 2, index: 1 },
    ]);
  });

  it('a leader that steps down fails the reads still waiting, so that their clients retry', () => {
    const s = leader(3);
    read(s, 5);
    read(s, 6);
    const effects = deliver(s, { type: 'app', from: 2, to: 0, term: 2, index: 1, logTerm: 1, entries: [], commit: 1 });
    expect(s.role).toBe('follower');
    expect(readsOf(effects)).toMatchObject([
      { type: 'readDropped', requestId: 5, reason: 'leader-changed' },
      { type: 'readDropped', requestId: 6, reason: 'leader-changed' },
    ]);
    expect(s.pendingReads).toEqual([]);
    // A late answer to the old round releases nothing.
    expect(readsOf(deliver(s, { type: 'heartbeatResp', from: 1, to: 0, term: 2, ctx: 1 }))).toEqual([]);
  });
});
