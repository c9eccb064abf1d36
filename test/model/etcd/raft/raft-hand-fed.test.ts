// Hand-fed tests of the Raft core's start: the configuration it accepts (etcd's own checks in
// etcd-io/raft raft.go Config.validate), the state a member starts in
// (etcd-io/raft newRaft), its random stream (mulberry32) and the role machine's accepted events.
// Expectations are worked out by hand or by an independent reference written here.
import { describe, expect, it } from 'vitest';
import { startMember, step, validateConfig } from '../../../../sim/model/etcd/raft/raft.ts';
import { nextUniform } from '../../../../sim/model/etcd/raft/rng.ts';
import { roleAccepts } from '../../../../sim/model/etcd/raft/roles.ts';
import type { Effect, Message, RaftConfig } from '../../../../sim/model/etcd/raft/types.ts';
import { raftConfig, sentMessages } from './config.ts';

const base: RaftConfig = raftConfig();
const withConfig = (change: Partial<RaftConfig>): RaftConfig => ({ ...base, ...change });
const sent = sentMessages;

describe('the configuration a Raft member accepts', () => {
  it('a cluster has 1 to 7 members, counted in whole members', () => {
    expect(() => validateConfig(withConfig({ memberCount: 0 }))).toThrow(/^Raft supports 1-7 members, got 0$/);
    expect(() => validateConfig(withConfig({ memberCount: 8 }))).toThrow(/^Raft supports 1-7 members, got 8$/);
    expect(() => validateConfig(withConfig({ memberCount: 2.5 }))).toThrow(/^Raft supports 1-7 members, got 2.5$/);
    expect(() => validateConfig(withConfig({ memberCount: 1 }))).not.toThrow();
    expect(() => validateConfig(withConfig({ memberCount: 7 }))).not.toThrow();
  });

  it('the heartbeat interval is positive', () => {
    expect(() => validateConfig(withConfig({ heartbeatIntervalMs: 0 }))).toThrow(/^heartbeat interval must be > 0, got 0$/);
    expect(() => validateConfig(withConfig({ heartbeatIntervalMs: -5 }))).toThrow(/^heartbeat interval must be > 0, got -5$/);
  });

  it('the election timeout range starts above zero and does not end before it starts', () => {
    const range = (min: number, max: number) => withConfig({ heartbeatIntervalMs: 50, electionTimeoutMs: { min, max } });
    expect(() => validateConfig(range(0, 300))).toThrow(/^bad election timeout range \[0, 300\]$/);
    expect(() => validateConfig(range(300, 200))).toThrow(/^bad election timeout range \[300, 200\]$/);
    // min == max is the fixed timeout of the Raft paper's split-vote experiment (§9.3).
    expect(() => validateConfig(range(150, 150))).not.toThrow();
  });

  it('etcd-io/raft Config.validate ("election tick must be greater than heartbeat tick"): the heartbeat must be shorter than the election timeout', () => {
    const config = withConfig({ heartbeatIntervalMs: 150, electionTimeoutMs: { min: 150, max: 300 } });
    expect(() => validateConfig(config)).toThrow(/^the heartbeat \(150 ms\) must be shorter than the election timeout \(150 ms\)$/);
    expect(() => validateConfig(withConfig({ heartbeatIntervalMs: 149 }))).not.toThrow();
  });

  it('a MsgApp carries at least one entry', () => {
    expect(() => validateConfig(withConfig({ maxEntriesPerAppend: 0 }))).toThrow(/^maxEntriesPerAppend must be >= 1$/);
    expect(() => validateConfig(withConfig({ maxEntriesPerAppend: 1 }))).not.toThrow();
  });

  it('a member starts only with a valid configuration and an id among the members', () => {
    expect(() => startMember(withConfig({ memberCount: 9 }), 0, 1, null, 0)).toThrow(/^Raft supports 1-7 members, got 9$/);
    expect(() => startMember(base, 3, 1, null, 0)).toThrow(/^member id 3 outside \[0, 3\)$/);
    expect(() => startMember(base, -1, 1, null, 0)).toThrow(/^member id -1 outside \[0, 3\)$/);
    expect(startMember(base, 2, 1, null, 0).state.id).toBe(2);
  });
});

describe('etcd-io/raft newRaft: the state a member starts in', () => {
  it('a member that never ran has voted for no one, so it grants the first vote it is asked for', () => {
    const s = startMember(base, 1, 7, null, 0).state;
    expect(s.votedFor).toBe(-1);
    const answer = sent(step(s, { type: 'message', nowMs: 10, message: { type: 'vote', from: 0, to: 1, term: 1, lastIndex: 0, lastTerm: 0 } }).effects);
    expect(answer).toEqual([{ type: 'voteResp', from: 1, to: 0, term: 1, reject: false }]);
  });

  it('a restarted member keeps the vote it persisted, so it rejects another candidate of that term', () => {
    const s = startMember(base, 1, 7, { term: 3, votedFor: 2, commit: 0, log: [] }, 0).state;
    expect(s.votedFor).toBe(2);
    const answer = sent(step(s, { type: 'message', nowMs: 10, message: { type: 'vote', from: 0, to: 1, term: 3, lastIndex: 0, lastTerm: 0 } }).effects);
    expect(answer).toEqual([{ type: 'voteResp', from: 1, to: 0, term: 3, reject: true }]);
  });

  it('tracks one fresh progress per member, next just past its own last index (tracker.Progress)', () => {
    const log = [{ term: 1, data: 'a' }, { term: 2, data: 'b' }];
    const s = startMember(withConfig({ memberCount: 3 }), 0, 7, { term: 2, votedFor: -1, commit: 1, log }, 0).state;
    // last index 2, so next = 3; nothing is known to match yet, nothing was heard.
    const fresh = { match: 0, next: 3, state: 'probe', paused: false, lastHeardMs: -Infinity };
    expect(s.progress).toEqual([fresh, fresh, fresh]);
    const lone = startMember(withConfig({ memberCount: 1 }), 0, 7, null, 0).state;
    expect(lone.progress).toEqual([{ ...fresh, next: 1 }]);
  });

  it('has no reads waiting, so its first campaign fails none', () => {
    const s = startMember(base, 0, 7, null, 0).state;
    expect(s.pendingReads).toEqual([]);
    const effects = step(s, { type: 'timeout', nowMs: 1000, timer: 'election' }).effects;
    expect(s.role).toBe('candidate');
    expect(effects.filter((e) => e.type === 'readDropped')).toEqual([]);
  });
});

describe('rng.ts: each member draws from its own mulberry32 stream', () => {
  /** mulberry32 (Tommy Ettinger's public-domain generator) in unsigned 32-bit BigInt arithmetic. */
  function mulberry32Reference(seed: number, count: number): number[] {
    const M = 2n ** 32n;
    const u32 = (x: bigint) => ((x % M) + M) % M;
    let a = BigInt(seed >>> 0);
    const out: number[] = [];
    for (let k = 0; k < count; k++) {
      a = u32(a + 0x6d2b79f5n);
      let t = u32((a ^ (a >> 15n)) * (a | 1n));
      t = t ^ u32(t + u32((t ^ (t >> 7n)) * (t | 61n)));
      out.push(Number(t ^ (t >> 14n)) / 2 ** 32);
    }
    return out;
  }

  it('draws exactly the published mulberry32 sequence for a handful of seeds', () => {
    for (const seed of [0, 1, 42, 0x9e3779b9, 0xffffffff]) {
      const state = { rngState: seed >>> 0 };
      const drawn = Array.from({ length: 20 }, () => nextUniform(state));
      expect(drawn).toEqual(mulberry32Reference(seed, 20));
    }
  });
});

describe('roles.ts: the events the role machine accepts (Raft paper Figure 4)', () => {
  it('accepts each arrow of Figure 4 and the pre-vote arrows of etcd-io/raft', () => {
    // Figure 4: times out, starts election; times out, new election; receives votes from majority;
    // discovers current leader or new term; discovers server with higher term.
    expect(roleAccepts('follower', 'ELECTION_TIMEOUT')).toBe(true);
    expect(roleAccepts('candidate', 'ELECTION_TIMEOUT')).toBe(true);
    expect(roleAccepts('candidate', 'WIN_ELECTION')).toBe(true);
    expect(roleAccepts('candidate', 'NEW_TERM_OR_LEADER')).toBe(true);
    expect(roleAccepts('leader', 'NEW_TERM_OR_LEADER')).toBe(true);
    // etcd-io/raft becomePreCandidate, and stepCandidate VoteWon in StatePreCandidate.
    expect(roleAccepts('follower', 'PRE_ELECTION_TIMEOUT')).toBe(true);
    expect(roleAccepts('preCandidate', 'WIN_PRE_VOTE')).toBe(true);
    // Not an arrow: a follower does not become leader without an election.
    expect(roleAccepts('follower', 'WIN_ELECTION')).toBe(false);
  });
});
