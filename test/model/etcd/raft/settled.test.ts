// The closed-form writes of raft/settled.ts (what a quiescent cluster's shortcuts do to Raft
// state) against the state step() reaches when the skipped messages are delivered, worked out by
// hand, and the preconditions under which the shortcut stands for those messages.
import { describe, expect, it } from 'vitest';
import { startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import { commitSettled, nextReadCtx, quorumChecked } from '../../../../sim/model/etcd/raft/settled.ts';
import type { Effect, Message, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { raftConfig, sentMessages } from './config.ts';

const config: RaftConfig = raftConfig();
const sent = sentMessages;

/**
 * Three members; member 0 is elected in term 1 at 1000 ms and every message is delivered at once
 * until none is left, so all three hold the leader's empty entry and have committed it.
 */
function settledCluster(): RaftState[] {
  const members = [0, 1, 2].map((id) => startMember(config, id, 900 + id, null, 0).state);
  let inFlight = sent(step(members[0], { type: 'timeout', nowMs: 1000, timer: 'election' }).effects);
  for (let round = 0; round < 10 && inFlight.length > 0; round++) {
    inFlight = inFlight.flatMap((m) => sent(step(members[m.to], { type: 'message', nowMs: 1000, message: m }).effects));
  }
  expect(members.map((s) => [s.role, s.log.length, s.commit])).toEqual([['leader', 1, 1], ['follower', 1, 1], ['follower', 1, 1]]);
  return members;
}

describe('commitSettled: a proposal committed without its messages', () => {
  it('every follower appends the entry and commits it, and the leader records their match', () => {
    const [leader, f1, f2] = settledCluster();
    step(leader, { type: 'propose', nowMs: 1100, data: 'x', requestId: 1 });
    commitSettled(leader, [f1, f2], 2);
    const entry = { term: 1, data: 'x' };
    for (const f of [f1, f2]) expect([f.log[1], f.commit]).toEqual([entry, 2]);
    expect(leader.commit).toBe(2);
    expect(leader.progress.slice(1).map((pr) => [pr.match, pr.next])).toEqual([[2, 3], [2, 3]]);
  });

  it('only the leader commits that way', () => {
    const [, f1, f2] = settledCluster();
    expect(() => commitSettled(f1, [f2], 2)).toThrow(/^member 1: a settled commit needs the leader$/);
  });

  it('only the entry right after the leader’s commit index', () => {
    const [leader, f1, f2] = settledCluster();
    step(leader, { type: 'propose', nowMs: 1100, data: 'x', requestId: 1 });
    step(leader, { type: 'propose', nowMs: 1100, data: 'y', requestId: 2 });
    expect(() => commitSettled(leader, [f1, f2], 3)).toThrow(/^etcd: settled commit of 3 after commit 1$/);
  });

  it('only an entry the leader holds', () => {
    const [leader, f1, f2] = settledCluster();
    expect(() => commitSettled(leader, [f1, f2], 2)).toThrow(/^member 0: no entry at 2 to commit$/);
  });

  it('only to followers whose log ends just before the entry', () => {
    const [leader, f1, f2] = settledCluster();
    const effects = step(leader, { type: 'propose', nowMs: 1100, data: 'x', requestId: 1 }).effects;
    // Follower 1 already received the proposal's MsgApp: its log holds entry 2.
    for (const m of sent(effects).filter((m) => m.to === 1)) step(f1, { type: 'message', nowMs: 1101, message: m });
    expect(f1.log.length).toBe(2);
    expect(() => commitSettled(leader, [f1, f2], 2)).toThrow(/^etcd: member 1 has 2 entries, settled entry is 2$/);
  });
});

describe('quorumChecked: a check-quorum round run in closed form', () => {
  it('opens a new window: answers heard before it no longer count at the next check, and the leader steps down', () => {
    const [leader] = settledCluster(); // both followers last heard at 1000
    quorumChecked(leader, 2000);
    const effects = step(leader, { type: 'timeout', nowMs: 2150, timer: 'checkQuorum' }).effects;
    expect(leader.role).toBe('follower');
    expect(effects).toContainEqual({ type: 'role', from: 'leader', to: 'follower', term: 1, reason: 'check quorum failed' });
  });

  it('without it, the same answers are within the window (opened at the election) and the leader stays', () => {
    const [leader] = settledCluster();
    step(leader, { type: 'timeout', nowMs: 1150, timer: 'checkQuorum' });
    expect(leader.role).toBe('leader');
  });
});

describe('nextReadCtx: a ReadIndex round served in closed form', () => {
  it('takes the next round context, so that a later real round uses a fresh one', () => {
    const [leader] = settledCluster();
    expect(nextReadCtx(leader)).toBe(1);
    expect(nextReadCtx(leader)).toBe(2);
    const round = sent(step(leader, { type: 'readIndex', nowMs: 1100, requestId: 4 }).effects);
    expect(round.map((m) => (m.type === 'heartbeat' ? m.ctx : -1))).toEqual([3, 3]);
  });
});
