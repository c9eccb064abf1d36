// The etcd cluster (sim/model/etcd/cluster.ts) fed requests by hand: raw request wires handed to
// receiveRequest with a reply function that logs every answer, crashes and restarts at chosen
// instants, and the small observation API (role, term, isUp, hooks, ids). Expected values come
// from the cluster's documented rules and from Raft (Figure 2: currentTerm is persistent state;
// a crashed process answers nothing and its clients see their connection reset).
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { Trace } from '../../../sim/engine/trace.ts';
import { Network } from '../../../sim/model/network/network.ts';
import { EtcdCluster, type EtcdClusterOptions, type Fidelity, type KvRequestWire, type KvResponseWire } from '../../../sim/model/etcd/cluster.ts';
import type { Entry, Role } from '../../../sim/model/etcd/raft/types.ts';
import { assertionFrom } from '../../assertion-from.ts';
import { makeCluster, runUntilLeader, type Harness } from './harness.ts';

const OPTIONS: EtcdClusterOptions = {
  memberCount: 3,
  endpoints: [0, 1, 2],
  zones: ['a', 'a', 'a'],
  heartbeatIntervalMs: 50,
  electionTimeoutMs: { min: 150, max: 300 },
  fidelity: 'full',
};

function network(sim: Simulation): Network {
  return new Network(sim, 1, { latencyMs: { min: 1, max: 1 }, interZoneLatencyMs: { min: 1, max: 1 }, lossProbability: 0 });
}

/** A request wire whose answers land in `replies` (a colocated client: clientEndpoint -1). */
function wire(requestId: number, op: KvRequestWire['op'], replies: KvResponseWire[]): KvRequestWire {
  return { type: 'kvRequest', requestId, op, clientEndpoint: -1, reply: (r) => replies.push(r) };
}

/** A settled cluster (leader elected, 500 ms on) with the leader and one follower named. */
function settled(seed: number, members = 5, fidelity: Fidelity = 'fast'): { h: Harness; leader: number; follower: number } {
  const h = makeCluster({ seed, members, fidelity });
  runUntilLeader(h, 5_000);
  h.sim.runFor(500);
  const leader = h.cluster.leader();
  return { h, leader, follower: (leader + 1) % members };
}

describe('EtcdCluster construction', () => {
  it('one endpoint and one zone per member: a count that differs is an assertion failure naming both counts', () => {
    const build = (options: EtcdClusterOptions) => () => {
      const sim = new Simulation();
      return new EtcdCluster(sim, network(sim), new Trace(), 1, options);
    };
    expect(assertionFrom(build({ ...OPTIONS, endpoints: [0, 1] })).message).toBe('etcd: 2 endpoints for 3 members');
    expect(assertionFrom(build({ ...OPTIONS, zones: ['a'] })).message).toBe('etcd: 1 zones for 3 members');
  });

  it('two clusters with different names share one simulation; a second cluster of the same name is refused (its event kinds would collide)', () => {
    const sim = new Simulation();
    const net = network(sim);
    const trace = new Trace();
    new EtcdCluster(sim, net, trace, 1, { ...OPTIONS, name: 'a' });
    expect(() => new EtcdCluster(sim, net, trace, 1, { ...OPTIONS, name: 'b', endpoints: [3, 4, 5] })).not.toThrow();
    expect(assertionFrom(() => new EtcdCluster(sim, net, trace, 1, { ...OPTIONS, name: 'a', endpoints: [6, 7, 8] })).message).toBe('event kind "a.timer" is registered twice');
  });

  it('the fast request path exists only when asked for under fidelity fast', () => {
    const sim = new Simulation();
    const net = network(sim);
    const trace = new Trace();
    expect(new EtcdCluster(sim, net, trace, 1, { ...OPTIONS, name: 'full', fastRequests: true }).fast).toBeNull();
    expect(new EtcdCluster(sim, net, trace, 1, { ...OPTIONS, name: 'fast', fidelity: 'fast', endpoints: [3, 4, 5] }).fast).toBeNull();
    expect(new EtcdCluster(sim, net, trace, 1, { ...OPTIONS, name: 'both', fidelity: 'fast', fastRequests: true, endpoints: [6, 7, 8] }).fast).not.toBeNull();
  });

  it('every member has three timer slots (election, heartbeat, checkQuorum) from the start', () => {
    const sim = new Simulation();
    const cluster = new EtcdCluster(sim, network(sim), new Trace(), 1, OPTIONS);
    expect(cluster.members.map((m) => m.timers.length)).toEqual([3, 3, 3]);
  });
});

describe('EtcdCluster observation', () => {
  it('role, term and isUp: a crashed member is down and keeps its persistent term (Raft Figure 2: currentTerm is persisted)', () => {
    const { h, leader, follower } = settled(2, 3);
    const c = h.cluster;
    // One election in the bootstrap: the candidate moved from term 0 to term 1 and won it.
    expect(h.events.filter((e) => e.kind === 'etcd.election')).toHaveLength(1);
    expect([c.role(leader), c.term(leader), c.isUp(leader)]).toEqual(['leader', 1, true]);
    expect([c.role(follower), c.term(follower), c.isUp(follower)]).toEqual(['follower', 1, true]);
    c.crash(follower);
    expect([c.role(follower), c.term(follower), c.isUp(follower)]).toEqual(['down', 1, false]);
  });

  it('role-change hooks see the bootstrap winner go candidate -> leader; commit hooks see every member commit the leader\'s empty entry at index 1', () => {
    const h = makeCluster({ seed: 2, members: 3 });
    const roles: [number, Role, Role, number][] = [];
    const commits: [number, number, number, unknown][] = [];
    h.cluster.onRoleChange((member, from, to, term) => roles.push([member, from, to, term]));
    h.cluster.onCommit((member, index, entry: Entry) => commits.push([member, index, entry.term, entry.data]));
    runUntilLeader(h, 5_000);
    h.sim.runFor(500);
    const leader = h.cluster.leader();
    expect(roles).toContainEqual([leader, 'candidate', 'leader', 1]);
    // etcd-io/raft becomeLeader appends an empty entry of the new term; every member commits it.
    expect(commits.filter((c) => c[1] === 1).sort((a, b) => a[0] - b[0])).toEqual([
      [0, 1, 1, null],
      [1, 1, 1, null],
      [2, 1, 1, null],
    ]);
  });

  it('request ids count up from 1 and client indexes from 0', () => {
    const h = makeCluster({ seed: 1, members: 3 });
    expect([h.cluster.nextRequestId(), h.cluster.nextRequestId(), h.cluster.nextRequestId()]).toEqual([1, 2, 3]);
    expect([h.cluster.registerClient(() => {}), h.cluster.registerClient(() => {})]).toEqual([0, 1]);
  });
});

describe('EtcdCluster faults and waiting requests', () => {
  it('a crash resets only the connections to the crashed member: its waiting write is answered connection-lost (outcome unknown) at once, another member\'s write still commits', () => {
    const { h, leader, follower } = settled(3);
    const c = h.cluster;
    const replies: KvResponseWire[] = [];
    const first = c.nextRequestId();
    c.receiveRequest(leader, wire(first, { op: 'put', key: 'a', value: '1' }, replies));
    c.crash(follower); // 4 of 5 members still up: the write commits
    h.sim.runFor(100);
    expect(replies.map((r) => [r.requestId, r.member, r.answer.ok, r.answer.ok && r.answer.kind])).toEqual([[first, leader, true, 'write']]);
    const second = c.nextRequestId();
    c.receiveRequest(leader, wire(second, { op: 'put', key: 'b', value: '2' }, replies));
    c.crash(leader);
    h.sim.runFor(0); // only the events of the crash instant
    expect(replies.slice(1)).toEqual([
      { type: 'kvResponse', requestId: second, member: leader, answer: { ok: false, reason: 'connection-lost', definite: false, leaderHint: -1 } },
    ]);
  });

  it('a crashed member keeps no pending timer, and a restart brings it back as a follower; both are traced', () => {
    const { h, follower } = settled(4);
    const c = h.cluster;
    c.crash(follower);
    const m = c.members[follower];
    expect(m.timers.map((t) => h.sim.isPending(t))).toEqual([false, false, false]);
    expect(m.timers).toHaveLength(3);
    h.sim.runFor(100);
    c.restart(follower);
    expect(c.role(follower)).toBe('follower');
    const mine = h.events.filter((e) => e.subject === follower && (e.kind === 'etcd.crash' || e.kind === 'etcd.restart'));
    expect(mine.map((e) => [e.kind, e.time])).toEqual([
      ['etcd.crash', h.sim.now - 100],
      ['etcd.restart', h.sim.now],
    ]);
  });

  it('a timer set for a crashed member fires and is ignored: the member stays down and nothing is stepped', () => {
    // Fidelity full: a quiescent cluster would cancel every timer when it freezes.
    const { h, follower } = settled(5, 3, 'full');
    const c = h.cluster;
    c.crash(follower);
    const m = c.members[follower];
    const at = h.sim.now + 10;
    c.setTimer(m, 'election', at);
    expect(() => h.sim.runFor(20)).not.toThrow();
    expect(c.isUp(follower)).toBe(false);
    expect(h.sim.isPending(m.timers[0])).toBe(false);
  });

  it('setTimer keeps the scheduled event when the time is unchanged and moves it (cancelling the old one) when the time changes', () => {
    const { h, follower } = settled(6, 3, 'full');
    const c = h.cluster;
    c.crash(follower); // a member whose timers nothing else touches
    const m = c.members[follower];
    const t0 = h.sim.now;
    c.setTimer(m, 'heartbeat', t0 + 100);
    const first = m.timers[1];
    c.setTimer(m, 'heartbeat', t0 + 100);
    expect(m.timers[1]).toBe(first);
    c.setTimer(m, 'heartbeat', t0 + 200);
    expect(c.timerTime(m, 'heartbeat')).toBe(t0 + 200);
    expect(h.sim.isPending(first)).toBe(false);
  });

  it('the same request id arriving twice while the first is still waiting is an assertion failure', () => {
    const { h, leader } = settled(7, 3);
    const replies: KvResponseWire[] = [];
    const w = wire(70, { op: 'put', key: 'k', value: 'v' }, replies);
    h.cluster.receiveRequest(leader, w);
    expect(assertionFrom(() => h.cluster.receiveRequest(leader, w)).message).toBe('etcd: request 70 received twice');
  });
});

describe('EtcdCluster internal proposals (the lessor\'s revokes)', () => {
  it('are refused while there is no leader and appended at the leader otherwise', () => {
    const h = makeCluster({ seed: 8, members: 3 });
    expect(h.cluster.leader()).toBe(-1);
    expect(h.cluster.proposeInternal({ op: 'leaseRevoke', leaseId: 1 })).toBe(false);
    expect(h.cluster.members.map((m) => m.state!.log.length)).toEqual([0, 0, 0]);
    runUntilLeader(h, 5_000);
    h.sim.runFor(500);
    const leader = h.cluster.raftState(h.cluster.leader())!;
    const before = leader.log.length;
    expect(h.cluster.proposeInternal({ op: 'leaseRevoke', leaseId: 1 })).toBe(true);
    expect(leader.log.length).toBe(before + 1);
    expect((leader.log[before].data as { op: unknown }).op).toEqual({ op: 'leaseRevoke', leaseId: 1 });
  });
});
