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
import { prepare, rollout, violationsOf } from './helpers.ts';

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

  it('stays silent when a candidate wins an older term with votes that arrive after a newer leader committed (fuzz seed 935)', () => {
    // Found by fleetsim fuzz (scenarios/fuzz-rollout.yaml, seed 935), shrunk: a 1.7 s latency
    // spike, more than the election timeout. Leader Completeness only binds higher terms.
    // Message by message (fidelity full): the fast request path (sim/model/etcd/fast-requests.ts)
    // draws other latencies, so the seed's trajectory only exists in the full run.
    const run = prepare(`
name: fuzz-rollout-fuzz-935
seed: 935
fidelity: full
duration: 2h10m
fleet:
  groups:
    - {name: canary, nodes: 1, zones: [a]}
    - {name: prod, nodes: 1, zones: [a, b, c]}
etcd: {members: 5}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: fleet-lock, maxConcurrent: 2}
faults:
  - {at: 1h45m20s548ms, kind: latency-spike, extra: 1s696ms, duration: 19m17s249ms}
`);
    let newest = 0;
    let lateLeaders = 0;
    run.trace.subscribe((e) => {
      if (e.kind !== 'etcd.leader') return;
      const term = e.data?.term as number;
      if (term < newest) lateLeaders++;
      newest = Math.max(newest, term);
    });
    run.runToEnd();
    expect(lateLeaders).toBeGreaterThan(0);
    expect(violationsOf(run, COMMITTED_LOG)).toEqual([]);
  });

  it('stays silent while the leader is partitioned away and rejoins', () => {
    const run = prepare(rollout('etcd-lock', 'faults:\n  - {at: 1h10m, kind: partition, sides: [[etcd:leader]], duration: 10m}'));
    run.runToEnd();
    expect(run.report().etcd.leaderChanges).toBeGreaterThan(0);
    expect(violationsOf(run, COMMITTED_LOG)).toEqual([]);
  });
});
