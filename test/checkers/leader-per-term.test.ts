/**
 * The leader-per-term checker (Raft paper §5.2, Election Safety) watches `etcd.leader {term}`:
 * a second leader announced for a term another member led makes it fire; the real cluster,
 * with its leader killed twice, keeps it silent.
 */
import { describe, expect, it } from 'vitest';
import { LEADER_PER_TERM } from '../../sim/checkers/index.ts';
import { installLeaderPerTermChecker } from '../../sim/checkers/leader-per-term.ts';
import { prepare, rollout, standIn, violationsOf } from './helpers.ts';

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

describe('leader-per-term checker, fed by hand', () => {
  const withEtcd = () => {
    const fed = standIn({ world: { etcd: {} } });
    installLeaderPerTermChecker(fed.run);
    return fed;
  };

  it('takes the same member announced twice for one term as one leader (a restart re-announcing it)', () => {
    const { trace, messages } = withEtcd();
    trace.emit(10, 'etcd.leader', 1, { term: 4 });
    trace.emit(20, 'etcd.leader', 1, { term: 4 });
    trace.emit(30, 'etcd.leader', 2, { term: 5 });
    expect(messages()).toEqual([]);
    trace.emit(40, 'etcd.leader', 0, { term: 4 });
    expect(messages()).toEqual(['40 members 1 and 0 both led term 4']);
  });

  it('fires on an etcd.leader that carries no term, with or without data', () => {
    const { trace, messages } = withEtcd();
    trace.emit(7, 'etcd.leader', 2);
    trace.emit(8, 'etcd.leader', 0, { term: '3' });
    expect(messages()).toEqual(['7 etcd.leader of member 2 carries no term', '8 etcd.leader of member 0 carries no term']);
  });

  it('watches nothing in a run without etcd', () => {
    const { run, trace, messages } = standIn({ world: { etcd: null } });
    installLeaderPerTermChecker(run);
    trace.emit(10, 'etcd.leader', 1, { term: 4 });
    trace.emit(20, 'etcd.leader', 2, { term: 4 });
    trace.emit(30, 'etcd.leader', 2);
    expect(messages()).toEqual([]);
    expect(trace.observed).toBe(false);
  });
});
