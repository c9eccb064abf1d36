// The etcd cluster's bookkeeping of Raft outcomes (sim/model/etcd/cluster.ts): which of two
// leaders leads, proposals lost to another leader's entries, answers sent over the network or
// directly, the idle test of the quiescence shortcut, and the fast request path handing requests
// back to Raft at a thaw. One-way latency is exactly 1 ms here, so that round trips can be
// counted by hand: a message sent at t arrives at t + 1, its answer at t + 2.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { Trace } from '../../../sim/engine/trace.ts';
import { Network } from '../../../sim/model/network/network.ts';
import { EtcdCluster, type EtcdClusterOptions, type KvRequestWire, type KvResponseWire } from '../../../sim/model/etcd/cluster.ts';
import { assertionFrom } from '../../assertion-from.ts';

/** Members' endpoints start at 10: endpoint 0 is free for a client. */
const ENDPOINT_BASE = 10;

function build(seed: number, options: Partial<EtcdClusterOptions> = {}): { sim: Simulation; net: Network; c: EtcdCluster } {
  const sim = new Simulation();
  const net = new Network(sim, seed, { latencyMs: { min: 1, max: 1 }, interZoneLatencyMs: { min: 1, max: 1 }, lossProbability: 0 });
  const c = new EtcdCluster(sim, net, new Trace(), seed, {
    memberCount: 3,
    endpoints: [0, 1, 2].map((i) => ENDPOINT_BASE + i),
    zones: ['a', 'a', 'a'],
    heartbeatIntervalMs: 50,
    electionTimeoutMs: { min: 150, max: 300 },
    fidelity: 'full',
    ...options,
  });
  sim.runFor(1_000);
  return { sim, net, c };
}

function put(requestId: number, key: string, replies: KvResponseWire[], clientEndpoint = -1): KvRequestWire {
  return { type: 'kvRequest', requestId, op: { op: 'put', key, value: 'v' }, clientEndpoint, reply: (r) => replies.push(r) };
}

function get(requestId: number, key: string, replies: KvResponseWire[]): KvRequestWire {
  return { type: 'kvRequest', requestId, op: { op: 'get', key }, clientEndpoint: -1, reply: (r) => replies.push(r) };
}

/** The first write's answer: revision 1 -> 2, a new key at version 1 (etcd mvcc). */
const FIRST_WRITE = { ok: true, kind: 'write', result: { succeeded: true, revision: 2, kv: { value: 'v', createRevision: 2, modRevision: 2, version: 1, leaseId: 0 }, leaseId: 0 } };

describe('two leaders at once (CheckQuorum off, the old one partitioned away)', () => {
  // Seed 3: the old leader is member 2, the new one member 0; seed 1: old 1, new 2.
  it.each([
    [3, 2, 0],
    [1, 1, 2],
  ])('seed %i: leader() is the leader of the highest term, wherever it sits in member order', (seed, oldLeader, newLeader) => {
    const { sim, c } = build(seed, { checkQuorum: false });
    expect(c.leader()).toBe(oldLeader);
    c.partitionMembers([[oldLeader]]);
    sim.runFor(1_000);
    const leaders = [0, 1, 2].filter((m) => c.role(m) === 'leader');
    expect(leaders).toEqual([oldLeader, newLeader].sort());
    expect(c.term(newLeader)).toBeGreaterThan(c.term(oldLeader));
    expect(c.leader()).toBe(newLeader);
  });
});

describe('proposals at a leader that lost its leadership', () => {
  it('are answered proposal-lost (definite, hinting the new leader) once the old leader commits the new leader\'s entries at their indexes (Raft §5.3)', () => {
    const { sim, c } = build(1, { checkQuorum: false });
    const oldLeader = c.leader();
    c.partitionMembers([[oldLeader]]);
    const replies: KvResponseWire[] = [];
    // The old leader's log: [empty entry of term 1, r1, r2]; it can replicate neither.
    c.receiveRequest(oldLeader, put(101, 'r1', replies));
    c.receiveRequest(oldLeader, put(102, 'r2', replies));
    sim.runFor(1_000);
    const newLeader = c.leader();
    expect(newLeader).not.toBe(oldLeader);
    // The new leader's log: [term 1 entry, its own empty entry at 2, w at 3].
    c.receiveRequest(newLeader, put(103, 'w', replies));
    sim.runFor(100);
    expect(replies.map((r) => [r.requestId, r.answer])).toEqual([[103, FIRST_WRITE]]);
    // Two requests still wait at the old leader: the new one is not idle although all is committed.
    const lead = c.raftState(newLeader)!;
    expect(lead.commit).toBe(lead.log.length);
    expect(c.isIdleAt(lead)).toBe(false);
    c.partitionMembers(null);
    sim.runFor(500);
    const lost = { ok: false, reason: 'proposal-lost', definite: true, leaderHint: newLeader };
    expect(replies.slice(1).map((r) => [r.requestId, r.member, r.answer])).toEqual([
      [101, oldLeader, lost],
      [102, oldLeader, lost],
    ]);
    expect(c.isIdleAt(c.raftState(newLeader)!)).toBe(true);
  });
});

describe('a write committed by a later leader while its own leader was cut off', () => {
  it('is answered with its result when its leader catches up, even after a member holding another proposal at the same index crashed', () => {
    const five = { memberCount: 5, endpoints: [10, 11, 12, 13, 14], zones: ['a', 'a', 'a', 'a', 'a'] };
    const { sim, c } = build(1, five);
    const replies: [number, number, unknown][] = [];
    const record = (r: KvResponseWire) => replies.push([r.requestId, r.member, r.answer]);
    const x = c.leader();
    c.partitionMembers([[x]]);
    // x's log: [term-1 entry, w1 at 2, w2 at 3], never replicated.
    c.receiveRequest(x, { ...put(101, 'w1', []), reply: record });
    c.receiveRequest(x, { ...put(102, 'w2', []), reply: record });
    sim.runFor(1_000);
    const l1 = c.leader();
    // l1's log: [term-1 entry, its empty entry at 2, r at 3]; r reaches the followers (+1) ...
    c.receiveRequest(l1, { ...put(201, 'r', []), reply: record });
    sim.runFor(1.5);
    // ... but their answers (+2) are cut: l1 never learns that r committed.
    c.partitionMembers([[x], [l1]]);
    sim.runFor(1_000);
    const l2 = c.leader();
    expect([x, l1]).not.toContain(l2);
    expect(c.raftState(l2)!.commit).toBe(4); // r committed at 3 under l2's empty entry at 4
    expect(c.raftState(l1)!.commit).toBe(2);
    c.crash(x); // w2 waited at index 3 too
    c.partitionMembers(null);
    sim.runFor(1_000);
    const lostConnection = { ok: false, reason: 'connection-lost', definite: false, leaderHint: -1 };
    expect(replies).toEqual([
      [101, x, lostConnection],
      [102, x, lostConnection],
      [201, l1, FIRST_WRITE],
    ]);
  });
});

describe('answers and waiting requests', () => {
  it('a write committed while a read waits for its ReadIndex round: both are answered, the read after the write', () => {
    const { sim, c } = build(2);
    const leader = c.leader();
    const replies: KvResponseWire[] = [];
    c.receiveRequest(leader, put(1, 'k', replies)); // commits at +2
    sim.runFor(0.5);
    c.receiveRequest(leader, get(2, 'k', replies)); // ready at +2.5
    sim.runFor(10);
    expect(replies.map((r) => [r.requestId, r.answer.ok, r.answer.ok && r.answer.kind])).toEqual([
      [1, true, 'write'],
      [2, true, 'read'],
    ]);
  });

  it('a client at network endpoint 0 gets its answer over the network (1 ms later), not by a direct call', () => {
    const { sim, net, c } = build(3);
    const leader = c.leader();
    const direct: KvResponseWire[] = [];
    const received: [number, unknown][] = [];
    net.attach(0, 'a', (_from, message) => received.push([sim.now, message]));
    const sentMs = sim.now;
    c.receiveRequest(leader, put(5, 'k', direct, 0));
    sim.runFor(10);
    expect(direct).toEqual([]);
    // Committed at +2 (MsgApp out and back), answered over the network: received at +3.
    expect(received).toEqual([[sentMs + 3, { type: 'kvResponse', requestId: 5, member: leader, answer: FIRST_WRITE }]]);
  });

  it('the leader is idle only with nothing waiting and everything in its log committed', () => {
    const { sim, c } = build(4);
    const lead = c.raftState(c.leader())!;
    expect(c.isIdleAt(lead)).toBe(true);
    c.proposeInternal({ op: 'leaseRevoke', leaseId: 9 }); // no client waits for it
    expect(lead.commit).toBe(lead.log.length - 1);
    expect(c.isIdleAt(lead)).toBe(false);
    sim.runFor(10);
    expect(c.isIdleAt(lead)).toBe(true);
    c.receiveRequest(c.leader(), get(6, 'k', []));
    expect(c.isIdleAt(lead)).toBe(false);
  });
});

describe('the fast request path handing requests back to Raft (fast-requests.ts materialize)', () => {
  function quiescent(seed: number) {
    const b = build(seed, { fidelity: 'fast', fastRequests: true });
    expect(b.c.quiescent).toBe(true);
    return { ...b, leader: b.c.leader() };
  }

  it('a fast write still on its way at a thaw waits at the leader, is replicated at once and answered once it commits 2 ms later', () => {
    const { sim, c, leader } = quiescent(5);
    const replies: KvResponseWire[] = [];
    const answeredAt: number[] = [];
    c.receiveRequest(leader, { ...put(7, 'k', replies), reply: (r) => (replies.push(r), answeredAt.push(sim.now)) });
    expect(c.fast!.served).toBe(1);
    const thawMs = sim.now;
    c.catchUp();
    sim.runFor(100);
    expect(replies).toEqual([{ type: 'kvResponse', requestId: 7, member: leader, answer: FIRST_WRITE }]);
    // bcastAppend at the thaw: MsgApp out (+1) and its answer back (+2) make the quorum of 2.
    expect(answeredAt).toEqual([thawMs + 2]);
    expect(c.fast!.materialized).toBe(1);
  });

  it('a fast read still on its way at a thaw starts its ReadIndex round then and is answered 2 ms later', () => {
    const { sim, c, leader } = quiescent(6);
    const replies: KvResponseWire[] = [];
    const answeredAt: number[] = [];
    c.receiveRequest(leader, { ...get(8, 'k', replies), reply: (r) => (replies.push(r), answeredAt.push(sim.now)) });
    const thawMs = sim.now;
    c.catchUp();
    sim.runFor(100);
    expect(replies).toEqual([{ type: 'kvResponse', requestId: 8, member: leader, answer: { ok: true, kind: 'read', revision: 1, kv: null } }]);
    expect(answeredAt).toEqual([thawMs + 2]);
    expect(c.fast!.materialized).toBe(1);
  });

  it('a fast write commits on every member at once: the commit hooks run for the leader first, then the others in member order', () => {
    const { sim, c, leader } = quiescent(7);
    const index = c.raftState(leader)!.commit + 1;
    const members: number[] = [];
    c.onCommit((member, at) => {
      if (at === index) members.push(member);
    });
    c.receiveRequest(leader, put(9, 'k', []));
    sim.runFor(100);
    expect(c.fast!.materialized).toBe(0);
    expect(members).toEqual([leader, ...[0, 1, 2].filter((m) => m !== leader)]);
  });

  it('misuse of the shortcut\'s port is an assertion failure: adopting a waiting request twice, a fast commit out of order, replicating from a non-leader', () => {
    const { c, leader } = quiescent(8);
    c.catchUp(); // thawed: the next request goes through Raft and waits
    const w = put(11, 'k', []);
    c.receiveRequest(leader, w);
    expect(assertionFrom(() => c.adoptProposal(leader, w, 5)).message).toBe('etcd: request 11 adopted twice');
    expect(assertionFrom(() => c.adoptRead(leader, w)).message).toBe('etcd: request 11 adopted twice');
    // The next index to commit follows the cluster's commit index; 99 skips ahead.
    const next = c.raftState(leader)!.commit + 1;
    const entry = { term: c.term(leader), data: null };
    expect(assertionFrom(() => c.applyFastCommit(leader, 99, entry, { op: 'delete', key: 'k' }, 0)).message).toBe(`etcd: fast commit at 99, next index is ${next}`);
    const follower = (leader + 1) % 3;
    expect(assertionFrom(() => c.replicateNow(follower)).message).toBe('etcd: replicateNow needs the leader');
    c.crash(follower);
    expect(assertionFrom(() => c.replicateNow(follower)).message).toBe('etcd: replicateNow needs the leader');
  });
});
