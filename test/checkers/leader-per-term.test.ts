/**
 * The leader-per-term checker (Raft paper §5.2, Election Safety) watches `etcd.leader {term}`:
 * a second leader announced for a term another member led makes it fire; the real cluster,
 * with its leader killed twice, keeps it silent.
 */
import { describe, expect, it } from 'vitest';
import { LEADER_PER_TERM } from '../../sim/checkers/index.ts';
import { prepare, rollout, violationsOf } from './helpers.ts';

describe('leader-per-term checker', () => {
  it('fires when a second member announces itself leader of a term already led (a custom emission)', () => {
    const run = prepare(rollout('etcd-lock'));
    run.runUntil(3_600_000);
    const cluster = run.world.etcd!.cluster;
    const leader = cluster.leader();
    expect(leader).toBeGreaterThanOrEqual(0);
    run.trace.emit(run.now, 'etcd.leader', (leader + 1) % 3, { term: cluster.term(leader) });
    const found = violationsOf(run, LEADER_PER_TERM);
    expect(found).toHaveLength(1);
    expect(found[0].message).toBe(`members ${leader} and ${(leader + 1) % 3} both led term ${cluster.term(leader)}`);
  });

  it('stays silent through elections after the leader is killed twice', () => {
    const run = prepare(rollout('etcd-lock', 'faults:\n  - {at: 1h10m, kind: etcd-kill, target: {etcd: leader}, duration: 1m}\n  - {at: 1h20m, kind: etcd-kill, target: {etcd: leader}, duration: 1m}'));
    run.runToEnd();
    expect(run.report().etcd.leaderChanges).toBeGreaterThanOrEqual(2);
    expect(violationsOf(run, LEADER_PER_TERM)).toEqual([]);
  });
});
