/**
 * The committed-log checker (Raft paper §5.4: Leader Completeness, State Machine Safety) hooks
 * the cluster's commits and role changes. Mutations: every live member's log rewritten at a
 * committed index, then the leader killed, so the next leader lacks a committed entry; and a
 * commit reported out of order through the cluster's commit hooks. The real cluster stays
 * silent through a partition of its leader.
 */
import { describe, expect, it } from 'vitest';
import { COMMITTED_LOG } from '../../sim/checkers/index.ts';
import type { CommitHook } from '../../sim/model/etcd/cluster.ts';
import { installCommittedLogChecker } from '../../sim/checkers/committed-log.ts';
import { prepare, rollout, standIn, violationsOf } from './helpers.ts';

describe('committed-log checker', () => {
  it('fires when a new leader lacks an entry committed before (its log rewritten behind Raft)', () => {
    const run = prepare(rollout('etcd-lock'));
    run.runUntil(2 * 3_600_000);
    const cluster = run.world.etcd!.cluster;
    const leader = cluster.leader();
    const committed = cluster.raftState(leader)!.commit;
    expect(committed).toBeGreaterThan(2);
    // The mutation: the followers' entry at index 2 now claims another term.
    for (let m = 0; m < 3; m++) {
      if (m === leader) continue;
      const log = cluster.raftState(m)!.log;
      log[1] = { ...log[1], term: 999 };
    }
    cluster.crash(leader);
    run.runUntil(run.now + 30_000);
    const found = violationsOf(run, COMMITTED_LOG);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toMatch(/leads term \d+ with term 999 at index 2, committed in term \d+ with term \d+/);
  });

  it('fires when a member reports a commit out of order', () => {
    const run = prepare(rollout('etcd-lock'));
    run.runUntil(3_600_000);
    const hooks = (run.world.etcd!.cluster as unknown as { commitHooks: CommitHook[] }).commitHooks;
    for (const hook of hooks) hook(0, 10_000, { term: 1, data: null }, run.now);
    const found = violationsOf(run, COMMITTED_LOG);
    expect(found.some((v) => /member 0 committed index 10000 before index \d+ was committed anywhere/.test(v.message))).toBe(true);
    expect(found.some((v) => /member 0 committed index 10000 after \d+/.test(v.message))).toBe(true);
  });

  it('stays silent when a candidate wins an older term after a newer leader committed entries it lacks (Leader Completeness binds only higher terms)', () => {
    // The fuzzer once found this with a latency spike longer than the election timeout (fuzz
    // seed 935 of scenarios/fuzz-rollout.yaml, before PreVote and whole-tick timeouts changed
    // its draws): votes for an older term arrived after a newer leader had committed. Here the
    // election is announced through the cluster's role hooks, over a follower whose log lacks
    // the newest entries; the same announcement for a newer term must fire.
    const run = prepare(rollout('etcd-lock'));
    run.runUntil(2 * 3_600_000);
    const cluster = run.world.etcd!.cluster;
    const leader = cluster.leader();
    const term = cluster.term(leader);
    const follower = (leader + 1) % 3;
    const log = cluster.raftState(follower)!.log;
    expect(cluster.raftState(leader)!.commit).toBeGreaterThan(2);
    log.length = 1; // lacks every committed entry after the first
    const hooks = (run.world.etcd!.cluster as unknown as { roleHooks: ((m: number, from: string, to: string, term: number) => void)[] }).roleHooks;
    for (const hook of hooks) hook(follower, 'candidate', 'leader', term - 1);
    expect(violationsOf(run, COMMITTED_LOG)).toEqual([]);
    for (const hook of hooks) hook(follower, 'candidate', 'leader', term + 1);
    expect(violationsOf(run, COMMITTED_LOG).length).toBeGreaterThan(0);
  });

  it('stays silent while the leader is partitioned away and rejoins', () => {
    const run = prepare(rollout('etcd-lock', 'faults:\n  - {at: 1h10m, kind: partition, sides: [[etcd:leader]], duration: 10m}'));
    run.runToEnd();
    expect(run.report().etcd.leaderChanges).toBeGreaterThan(0);
    expect(violationsOf(run, COMMITTED_LOG)).toEqual([]);
  });
});

/**
 * A three-member cluster reduced to what the checker reads: its commit and role hooks, each
 * member's term and log (null: the member is down), the clock. The test drives the hooks.
 */
function handCluster() {
  let commit: CommitHook | null = null;
  let role: ((member: number, from: string, to: string, term: number) => void) | null = null;
  const terms = [1, 1, 1];
  const logs: ({ term: number }[] | null)[] = [[], [], []];
  const cluster = {
    members: [0, 1, 2],
    sim: { now: 500 },
    term: (member: number) => terms[member],
    raftState: (member: number) => (logs[member] === null ? null : { log: logs[member] }),
    onCommit: (hook: CommitHook) => void (commit = hook),
    onRoleChange: (hook: typeof role) => void (role = hook),
  };
  const fed = standIn({ world: { etcd: { cluster } } });
  installCommittedLogChecker(fed.run);
  return {
    ...fed,
    terms,
    logs,
    commit: (member: number, index: number, term: number, nowMs: number) => commit!(member, index, { term, data: null } as Parameters<CommitHook>[2], nowMs),
    lead: (member: number, term: number) => role!(member, 'candidate', 'leader', term),
  };
}

describe('committed-log checker, fed by hand (Raft paper §5.4)', () => {
  it('fires when a member commits another term at an index already committed', () => {
    const c = handCluster();
    c.commit(0, 1, 1, 100);
    c.commit(1, 1, 1, 110);
    c.commit(2, 1, 3, 120);
    expect(c.messages()).toEqual(['120 member 2 committed term 3 at index 1, committed before with term 1']);
  });

  it('lists at most three missing entries per election, saying what the new leader holds at each', () => {
    const c = handCluster();
    // Indices 1-5 committed by member 0 while it led term 2.
    c.terms[0] = 2;
    for (let index = 1; index <= 5; index++) c.commit(0, index, 2, 100 + index);
    // Member 1 wins term 3 holding index 1 with term 2, index 2 with term 1, and nothing after.
    c.logs[1] = [{ term: 2 }, { term: 1 }];
    c.lead(1, 3);
    expect(c.messages()).toEqual([
      '500 member 1 leads term 3 with term 1 at index 2, committed in term 2 with term 2',
      '500 member 1 leads term 3 with no entry at index 3, committed in term 2 with term 2',
      '500 member 1 leads term 3 with no entry at index 4, committed in term 2 with term 2',
    ]);
  });

  it('binds only higher terms: a leader of the term that committed the entries is not judged', () => {
    const c = handCluster();
    c.terms[0] = 2;
    c.commit(0, 1, 2, 100);
    c.lead(1, 2);
    expect(c.messages()).toEqual([]);
    c.lead(1, 3);
    expect(c.messages()).toEqual(['500 member 1 leads term 3 with no entry at index 1, committed in term 2 with term 2']);
  });

  it('skips a leader whose state is gone (a member down by the time the hook runs)', () => {
    const c = handCluster();
    c.commit(0, 1, 1, 100);
    c.logs[2] = null;
    c.lead(2, 5);
    expect(c.messages()).toEqual([]);
  });
});
