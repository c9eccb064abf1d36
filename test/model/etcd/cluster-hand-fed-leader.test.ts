// Who leads, and the report's etcd block (sim/model/etcd/cluster.ts updateLeader, refreshQuorum,
// onRole): the leader and the leaderless time after crashes and step-downs, leader changes,
// elections, the live-majority record, and the trace of role changes. Expected values are
// worked out from the documented rules: metrics start at the first leader by default (the
// bootstrap election is no outage); a leaderless interval runs from losing the leader to the
// next one; a live majority is quorumSize(n) = floor(n/2) + 1 members up and connected; a new
// leader refreshes every lease to now + ElectionTimeout + TTL (etcd server/lease/lessor.go
// Promote, extend = ElectionTimeout() from server/etcdserver/server.go).
import { describe, expect, it } from 'vitest';
import { KvClient, type KvResult } from '../../../sim/model/etcd/kv.ts';
import type { Role } from '../../../sim/model/etcd/raft/types.ts';
import { makeCluster, runUntilLeader, type Harness } from './harness.ts';

const ELECTION_MIN_MS = 150; // the harness's electionTimeoutMs.min

/** Role changes as the Raft core reports them (the onRoleChange hook), with their time. */
function recordRoles(h: Harness): { atMs: number; member: number; from: Role; to: Role; term: number }[] {
  const roles: { atMs: number; member: number; from: Role; to: Role; term: number }[] = [];
  h.cluster.onRoleChange((member, from, to, term) => roles.push({ atMs: h.sim.now, member, from, to, term }));
  return roles;
}

function quorumEvents(h: Harness): [number, unknown][] {
  return h.events.filter((e) => e.kind === 'etcd.quorum').map((e) => [e.time, e.data]);
}

describe('etcd metrics around the bootstrap election', () => {
  it('by default metrics start at the first leader: no election, leader change, leaderless time or quorum event is counted for the bootstrap', () => {
    const h = makeCluster({ seed: 2, members: 3 });
    runUntilLeader(h, 5_000);
    h.sim.runFor(500);
    expect(h.cluster.report()).toMatchObject({ elections: 0, leaderChanges: 0, leaderless: 0, quorumLost: 0, outages: [] });
    expect(quorumEvents(h)).toEqual([]);
    expect(h.cluster.hasLiveMajority).toBe(true);
  });

  it('by default a majority down before the first leader is not counted as quorum lost either', () => {
    const h = makeCluster({ seed: 3, members: 5 });
    for (const m of [0, 1, 2]) h.cluster.crash(m);
    h.sim.runFor(1_000);
    for (const m of [0, 1, 2]) h.cluster.restart(m);
    runUntilLeader(h, 5_000);
    h.sim.runFor(100);
    expect(h.cluster.report().quorumLost).toBe(0);
    expect(quorumEvents(h)).toEqual([]);
  });

  it('with metricsFromFirstLeader false the bootstrap counts: leaderless from 0 to the first leader, every candidacy an election, the first leader a change', () => {
    const h = makeCluster({ seed: 2, members: 3, metricsFromFirstLeader: false });
    const roles = recordRoles(h);
    const firstLeaderMs = runUntilLeader(h, 5_000)!;
    h.sim.runFor(500);
    const candidacies = roles.filter((r) => r.to === 'candidate').length;
    expect(candidacies).toBeGreaterThanOrEqual(1);
    expect(h.cluster.report()).toMatchObject({ elections: candidacies, leaderChanges: 1, leaderless: firstLeaderMs, outages: [{ start: 0, end: firstLeaderMs }] });
  });
});

describe('etcd leader changes', () => {
  // Seed 2: the first leader is member 0; seed 3: the leader after the crash is member 0.
  it.each([2, 3])('seed %i: a crashed leader leaves the cluster leaderless until the next one, one leader change; leases keep their clocks until the new leader refreshes them', (seed) => {
    const h = makeCluster({ seed, members: 3 });
    runUntilLeader(h, 5_000);
    h.sim.runFor(500);
    const first = h.cluster.leader();
    const kv = new KvClient(h.cluster);
    let put: KvResult | null = null;
    kv.put('leased', 'x', (r) => (put = r), 2_000);
    while (put === null) h.sim.step();
    const leaseId = (put as KvResult & { ok: true }).leaseId;
    const deadlineMs = h.sim.now + 2_000; // applied (and answered) now: TTL 2 s from now
    h.sim.runFor(200);
    const remaining = () => h.cluster.lessor.remainingMs(leaseId, h.sim.now);
    // A follower crashing and coming back changes no leader: the lease clock runs on.
    const follower = (first + 1) % 3;
    h.cluster.crash(follower);
    expect(remaining()).toBe(deadlineMs - h.sim.now);
    h.sim.runFor(100);
    h.cluster.restart(follower);
    h.sim.runFor(300);
    const crashMs = h.sim.now;
    h.cluster.crash(first);
    expect(h.cluster.leader()).toBe(-1);
    expect(remaining()).toBe(deadlineMs - crashMs);
    const electedMs = runUntilLeader(h, 5_000)!;
    const second = h.cluster.leader();
    expect(seed === 2 ? first : second).toBe(0);
    expect(remaining()).toBe(ELECTION_MIN_MS + 2_000);
    h.sim.runFor(500);
    expect(h.cluster.report()).toMatchObject({ leaderChanges: 1, leaderless: electedMs - crashMs, outages: [{ start: crashMs, end: electedMs }] });
  });

  it('a leader that loses its quorum steps down at its next failed CheckQuorum (etcd-io/raft stepLeader): the cluster is then leaderless', () => {
    const h = makeCluster({ seed: 5, members: 3 });
    runUntilLeader(h, 5_000);
    h.sim.runFor(500);
    const leader = h.cluster.leader();
    const crashMs = h.sim.now;
    for (const m of [0, 1, 2]) if (m !== leader) h.cluster.crash(m);
    expect(h.cluster.hasLiveMajority).toBe(false);
    expect(quorumEvents(h)).toEqual([[crashMs, { live: false }]]); // the first crash left 2 of 3: no event
    h.sim.runFor(1_000);
    expect(h.cluster.role(leader)).not.toBe('leader'); // a follower, or campaigning again
    expect(h.cluster.leader()).toBe(-1);
    const stepdowns = h.events.filter((e) => e.kind === 'etcd.stepdown');
    expect(stepdowns.map((e) => [e.subject, e.data])).toEqual([[leader, { term: 1, reason: 'check quorum failed' }]]);
    const stepdownMs = stepdowns[0].time;
    // The check before the crash may still pass (it counts what was heard since the one before).
    expect(stepdownMs).toBeGreaterThan(crashMs);
    expect(stepdownMs).toBeLessThanOrEqual(crashMs + 2 * ELECTION_MIN_MS);
    expect(h.cluster.report()).toMatchObject({ leaderless: h.sim.now - stepdownMs, quorumLost: h.sim.now - crashMs, outages: [{ start: stepdownMs, end: h.sim.now }] });
  });

  it('a live majority is quorumSize(5) = 3 members up and connected: it follows crashes, restarts and partitions at once', () => {
    const h = makeCluster({ seed: 6, members: 5 });
    runUntilLeader(h, 5_000);
    h.sim.runFor(500);
    const c = h.cluster;
    c.crash(0);
    c.crash(1);
    expect(c.hasLiveMajority).toBe(true); // 3 of 5 up
    h.sim.runFor(100);
    const lostMs = h.sim.now;
    c.crash(2);
    expect(c.hasLiveMajority).toBe(false);
    h.sim.runFor(100);
    const backMs = h.sim.now;
    c.restart(2);
    expect(c.hasLiveMajority).toBe(true);
    h.sim.runFor(100);
    const splitMs = h.sim.now;
    c.partitionMembers([[2], [3]]); // 2 | 3 | 4: no side holds three live members
    expect(c.hasLiveMajority).toBe(false);
    h.sim.runFor(50);
    h.net.setPartition(null);
    expect(c.hasLiveMajority).toBe(true);
    expect(quorumEvents(h)).toEqual([
      [lostMs, { live: false }],
      [backMs, { live: true }],
      [splitMs, { live: false }],
      [splitMs + 50, { live: true }],
    ]);
    expect(c.report().quorumLost).toBe(100 + 50);
  });

  it('the trace of role changes follows the Raft core\'s: election {term} for a candidate, leader {term}, stepdown {term, reason} for a leader leaving', () => {
    const h = makeCluster({ seed: 7, members: 5 });
    const roles = recordRoles(h);
    runUntilLeader(h, 5_000);
    h.sim.runFor(500);
    const first = h.cluster.leader();
    h.cluster.partitionMembers([[first]]);
    h.sim.runFor(1_500);
    h.net.setPartition(null);
    h.sim.runFor(1_000);
    const expected: [number, string, number, number][] = [];
    for (const r of roles) {
      if (r.to === 'candidate') expected.push([r.atMs, 'etcd.election', r.member, r.term]);
      else if (r.to === 'leader') expected.push([r.atMs, 'etcd.leader', r.member, r.term]);
      else if (r.from === 'leader') expected.push([r.atMs, 'etcd.stepdown', r.member, r.term]);
    }
    const kinds = new Set(['etcd.election', 'etcd.leader', 'etcd.stepdown']);
    const traced = h.events.filter((e) => kinds.has(e.kind));
    expect(traced.map((e) => [e.time, e.kind, e.subject, (e.data as { term: number }).term])).toEqual(expected);
    // The partitioned leader stepped down, another member was elected: all three kinds occur.
    expect(new Set(traced.map((e) => e.kind))).toEqual(kinds);
    for (const e of traced.filter((x) => x.kind === 'etcd.stepdown')) expect((e.data as { reason: string }).reason).not.toBe('');
    expect(roles.some((r) => r.to === 'preCandidate')).toBe(true); // PreVote transitions are not traced
  });
});
