// Hand-fed tests of the Raft step function's timers (etcd-io/raft raft.go tickElection,
// tickHeartbeat, MsgCheckQuorum) and of the checks step() makes on what it is handed: inputs it
// does not know, and states that break the invariants etcd-io/raft's tests assert after each step
// (a corrupted state handed in is a bad input to step, caught on the way out).
import { describe, expect, it } from 'vitest';
import { startMember, step } from '../../../../sim/model/etcd/raft/raft.ts';
import type { Input, RaftConfig, RaftState } from '../../../../sim/model/etcd/raft/types.ts';
import { raftConfig, sentMessages } from './config.ts';

const config: RaftConfig = raftConfig();
const follower = (id = 1): RaftState => startMember(config, id, 400 + id, null, 0).state;
const timeout = (s: RaftState, nowMs: number, timer: 'election' | 'heartbeat' | 'checkQuorum') =>
  step(s, { type: 'timeout', nowMs, timer }).effects;

/** Member 0 of three, elected in term 1 at 1000 ms; member 1's answer reaches it at 1000 ms too. */
function leaderHeardAt1000(): RaftState {
  const s = startMember(config, 0, 400, null, 0).state;
  timeout(s, 1000, 'election');
  step(s, { type: 'message', nowMs: 1000, message: { type: 'voteResp', from: 1, to: 0, term: 1, reject: false } });
  step(s, { type: 'message', nowMs: 1000, message: { type: 'appResp', from: 1, to: 0, term: 1, index: 1, reject: false, rejectHint: 0, logTerm: 0 } });
  expect([s.role, s.commit]).toEqual(['leader', 1]);
  return s;
}

describe('timers that fire in a role that no longer uses them', () => {
  it('a leader ignores its old election timer, however late it fires', () => {
    const s = leaderHeardAt1000();
    expect(timeout(s, 1001, 'election')).toEqual([]);
    expect(timeout(s, 9000, 'election')).toEqual([]);
    expect([s.role, s.term]).toEqual(['leader', 1]);
  });

  it('a follower ignores a heartbeat timer left from when it led', () => {
    const s = follower();
    expect(timeout(s, 500, 'heartbeat')).toEqual([]);
    expect([s.role, s.term]).toEqual(['follower', 0]);
  });

  it('a follower ignores a check-quorum timer left from when it led', () => {
    const s = follower();
    expect(timeout(s, 500, 'checkQuorum')).toEqual([]);
    expect([s.role, s.term]).toEqual(['follower', 0]);
  });
});

describe('etcd-io/raft MsgCheckQuorum: the leader counts who it heard from since the last check', () => {
  it('an answer heard at the very moment the window opened counts: with it the leader has a majority and stays', () => {
    const s = leaderHeardAt1000();
    // Window opened at 1000 (election); member 1 heard at 1000; self + member 1 = 2 of 3.
    const effects = timeout(s, 1150, 'checkQuorum');
    expect(s.role).toBe('leader');
    expect(effects).toEqual([{ type: 'setTimer', timer: 'checkQuorum', atMs: 1150 + 150 }]);
  });
});

describe('inputs step() does not know', () => {
  it('an input of an unknown type is a bug', () => {
    const bogus = { type: 'snapshot', nowMs: 10 } as unknown as Input;
    expect(() => step(follower(), bogus)).toThrow(/^unreachable raft input: \[object Object\]$/);
  });

  it('a timer of an unknown kind is a bug', () => {
    const bogus = { type: 'timeout', nowMs: 10, timer: 'lease' } as unknown as Input;
    expect(() => step(follower(), bogus)).toThrow(/^unreachable timer: lease$/);
  });

  it('a member in a role Raft does not have is a bug', () => {
    const s = follower();
    (s as { role: string }).role = 'learner';
    const message: Input = { type: 'message', nowMs: 10, message: { type: 'heartbeat', from: 0, to: 1, term: 0, commit: 0, ctx: 0 } };
    expect(() => step(s, message)).toThrow(/^unreachable role: learner$/);
  });
});

describe('the invariants checked after every step', () => {
  it('a member cannot start with a commit index beyond its log or below zero (a corrupt HardState)', () => {
    const log = [{ term: 1, data: 'a' }, { term: 1, data: 'b' }];
    expect(() => startMember(config, 0, 1, { term: 1, votedFor: -1, commit: 3, log }, 0)).toThrow(/^member 0: commit 3 outside \[0, 2\]$/);
    expect(() => startMember(config, 0, 1, { term: 1, votedFor: -1, commit: -1, log }, 0)).toThrow(/^member 0: commit -1 outside \[0, 2\]$/);
    expect(startMember(config, 0, 1, { term: 1, votedFor: -1, commit: 2, log }, 0).state.commit).toBe(2);
  });

  it('a leader handed in knowing another member as leader fails the check', () => {
    const s = leaderHeardAt1000();
    s.lead = 2;
    expect(() => timeout(s, 1050, 'heartbeat')).toThrow(/^member 0: a leader must know itself as leader$/);
  });

  it('a candidate handed in with its vote elsewhere fails the check', () => {
    const s = follower(0);
    timeout(s, 1000, 'election');
    expect(s.role).toBe('candidate');
    s.votedFor = 2;
    expect(() => timeout(s, 1001, 'heartbeat')).toThrow(/^member 0: a candidate votes for itself$/);
  });

  it('a leader handed in with a progress whose match is not below next fails the check', () => {
    const s = leaderHeardAt1000();
    s.progress[2].match = 1;
    s.progress[2].next = 1;
    expect(() => timeout(s, 1050, 'heartbeat')).toThrow(/^member 0: progress match 1 >= next 1$/);
  });
});
