// The fast path for client requests (sim/model/etcd/fast-requests.ts) fed by hand through its
// port (cluster-port.ts): a real Simulation and KvStore, a hand-built quiescent Raft group, and a
// network stand-in whose one-way latencies are a table, so that every commit and read time is
// arithmetic written next to the test. The whole-cluster comparison with the message-by-message
// run is fast-requests.test.ts; this file pins the closed form's single steps.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import type { Network } from '../../../sim/model/network/network.ts';
import type { ClusterPort, KvAnswer, KvRequestWire, MemberSlot } from '../../../sim/model/etcd/cluster-port.ts';
import { FAST_SEQUENCE_BASE, FastRequests } from '../../../sim/model/etcd/fast-requests.ts';
import { startMember } from '../../../sim/model/etcd/raft/raft.ts';
import type { RaftConfig, RaftState } from '../../../sim/model/etcd/raft/types.ts';
import { KvStore, type WriteOp } from '../../../sim/model/etcd/store.ts';
import { assertionFrom } from '../../assertion-from.ts';

/** Member i listens on endpoint 10 + i; a client on endpoint 0 (0 is a valid sender: from >= 0). */
const ep = (member: number): number => 10 + member;
const CLIENT = 0;

/** The network as the fast path sees it: latencies from a table, every call written down. */
class TableNetwork {
  /** One-way latency per directed link "from>to"; links not in the table take 0.5 ms. */
  oneWayMs = new Map<string, number>();
  /** What reserveDelivery answers next (-1: lost or cut). */
  arrivalMs = 0;
  delivered = 0;
  draws: string[] = [];
  skipped: string[] = [];
  injected: { from: number; to: number; requestId: number; atMs: number }[] = [];
  reserveDelivery(): number {
    return this.arrivalMs;
  }
  countDelivered(): void {
    this.delivered++;
  }
  latencyOf(from: number, to: number, sequence: number): number {
    this.draws.push(`${from}>${to} #${sequence - FAST_SEQUENCE_BASE}`);
    return this.oneWayMs.get(`${from}>${to}`) ?? 0.5;
  }
  skipMessages(from: number, to: number, count: number, delivered: number, lastDeliveryMs: number): void {
    this.skipped.push(`${from}>${to} ${delivered}/${count} @${lastDeliveryMs}`);
  }
  injectInFlight(from: number, to: number, message: KvRequestWire, atMs: number): void {
    this.injected.push({ from, to, requestId: message.requestId, atMs });
  }
}

interface Fixture {
  port: ClusterPort & { quiescent: boolean; leaderNow: number };
  sim: Simulation;
  net: TableNetwork;
  fast: FastRequests;
  answers: { member: number; requestId: number; answer: KvAnswer; atMs: number }[];
  calls: string[];
}

/**
 * A quiescent group of `n` in term 2, led by member 0: every log holds the leader's no-op of
 * term 2 at index 1, committed everywhere and applied to the store (as etcd's leader appends an
 * empty entry on election, raft.go becomeLeader).
 */
function quiescentGroup(n: number, name = 'etcd-a'): Fixture {
  const config: RaftConfig = { memberCount: n, heartbeatIntervalMs: 50, electionTimeoutMs: { min: 150, max: 300 }, preVote: true, checkQuorum: true, maxEntriesPerAppend: 64 };
  const sim = new Simulation();
  const net = new TableNetwork();
  const store = new KvStore();
  store.apply(1, null, 0);
  const members: MemberSlot[] = [];
  for (let id = 0; id < n; id++) {
    const s = startMember(config, id, 100 + id, { term: 2, votedFor: 0, commit: 1, log: [{ term: 2, data: null }] }, 0).state;
    s.lead = 0;
    if (id === 0) {
      s.role = 'leader';
      for (const pr of s.progress) Object.assign(pr, { match: 1, next: 2, state: 'replicate' });
    }
    members.push({ id, endpoint: ep(id), state: s, persisted: null, rngState: 0, timers: [] });
  }
  const answers: Fixture['answers'] = [];
  const calls: string[] = [];
  const port = {
    sim,
    network: net as unknown as Network,
    config,
    name,
    members,
    store,
    quiescent: true,
    leaderNow: 0,
    leader(): number {
      return port.leaderNow;
    },
    isIdleAt: () => true,
    setTimer: () => {},
    cancelTimer: () => {},
    timerTime: () => NaN,
    afterThaw: () => {},
    adoptProposal: (leader: number, wire: KvRequestWire, index: number) => calls.push(`proposal ${wire.requestId} at ${index} to ${leader}`),
    adoptRead: (leader: number, wire: KvRequestWire) => calls.push(`read ${wire.requestId} to ${leader}`),
    replicateNow: (leader: number) => calls.push(`replicate from ${leader}`),
    applyFastCommit: (_leader: number, index: number, _entry: unknown, op: WriteOp, nowMs: number) => store.apply(index, op, nowMs)!,
    respond: (member: number, wire: KvRequestWire, answer: KvAnswer) => answers.push({ member, requestId: wire.requestId, answer, atMs: sim.now }),
  };
  return { port, sim, net, fast: new FastRequests(port), answers, calls };
}

const put = (requestId: number, key: string, value: string): KvRequestWire => ({ type: 'kvRequest', requestId, op: { op: 'put', key, value }, clientEndpoint: CLIENT, reply: () => {} });
const get = (requestId: number, key: string): KvRequestWire => ({ type: 'kvRequest', requestId, op: { op: 'get', key }, clientEndpoint: CLIENT, reply: () => {} });

/** Round trips leader 0 -> follower -> leader, split evenly over the two directions. */
function roundTrips(f: Fixture, rttMs: readonly number[]): void {
  rttMs.forEach((rtt, i) => {
    f.net.oneWayMs.set(`${ep(0)}>${ep(i + 1)}`, rtt / 2);
    f.net.oneWayMs.set(`${ep(i + 1)}>${ep(0)}`, rtt / 2);
  });
}

const state = (f: Fixture, member: number): RaftState => f.port.members[member].state!;

describe('fast requests fed by hand: commit and read times', () => {
  it('registers its two event kinds under the cluster name, so two clusters share one simulation', () => {
    const f = quiescentGroup(3, 'etcd-a');
    // Simulation.register refuses a name twice: the fast path took exactly these two names.
    expect(() => f.sim.register('etcd-a.fast-commit', () => {})).toThrow(/event kind "etcd-a.fast-commit" is registered twice/);
    expect(() => f.sim.register('etcd-a.fast-read', () => {})).toThrow(/event kind "etcd-a.fast-read" is registered twice/);
    expect(() => f.sim.register('etcd-b.fast-read', () => {})).not.toThrow();
  });

  it('commits a write when the quorum holds it: with five members, the second-fastest of four follower round trips (Raft §5.4.2, etcd-io/raft raft.go maybeCommit)', () => {
    const f = quiescentGroup(5);
    // Followers 1..4 in member order: 40, 30, 10, 20 ms. Quorum of 5 is 3: the leader and the two
    // fastest followers (10 and 20 ms), so the entry commits at 0 + 20 = 20 ms.
    roundTrips(f, [40, 30, 10, 20]);
    expect(f.fast.serve(0, put(7, 'k', 'v'))).toBe(true);
    expect(f.fast.served).toBe(1);
    expect(f.fast.pending).toBe(1);
    expect(state(f, 0).log).toHaveLength(2);
    f.sim.runUntil(19.9);
    expect(f.answers).toEqual([]);
    f.sim.runUntil(100);
    // Store: the no-op took revision 1, the put makes revision 2 (creation = modification = 2).
    const kv = { value: 'v', createRevision: 2, modRevision: 2, version: 1, leaseId: 0 };
    expect(f.answers).toEqual([{ member: 0, requestId: 7, answer: { ok: true, kind: 'write', result: { succeeded: true, revision: 2, kv, leaseId: 0 } }, atMs: 20 }]);
    expect(f.fast.pending).toBe(0);
    for (let m = 0; m < 5; m++) expect([state(f, m).log.length, state(f, m).commit]).toEqual([2, 2]);
    // Per follower: the proposal's MsgApp and the commit's, both delivered, and their answers.
    expect(f.net.skipped).toEqual([1, 2, 3, 4].flatMap((m) => [`10>${ep(m)} 2/2 @20`, `${ep(m)}>10 2/2 @20`]));
  });

  it.each([
    ['in member order', [10, 20, 30, 40], 20],
    ['reversed', [40, 30, 20, 10], 20],
    ['fastest last', [25, 35, 45, 5], 25],
    ['two equal', [30, 10, 30, 10], 10],
  ])('takes the second-smallest round trip of four whatever the followers\' order (%s)', (_order, rtts, expectedMs) => {
    const f = quiescentGroup(5);
    roundTrips(f, rtts);
    f.fast.serve(0, put(1, 'k', 'v'));
    f.sim.runUntil(1_000);
    expect(f.answers.map((a) => a.atMs)).toEqual([expectedMs]);
  });

  it('commits with the fastest follower in a three-member group, never counting the leader\'s own link', () => {
    const f = quiescentGroup(3);
    // Quorum of 3 is 2: the leader and one follower; round trips 12 and 8 ms -> 8 ms. The
    // leader's link to itself (0.5 ms each way in the table) is not a follower's round trip.
    roundTrips(f, [12, 8]);
    f.fast.serve(0, put(1, 'k', 'v'));
    f.sim.runUntil(1_000);
    expect(f.answers.map((a) => a.atMs)).toEqual([8]);
    expect(f.net.draws).toEqual(['10>11 #0', '11>10 #0', '10>12 #0', '12>10 #0']);
  });

  it('draws each link\'s fast latencies from its own sequence numbers, 2^45 on, one per request', () => {
    const f = quiescentGroup(3);
    roundTrips(f, [12, 8]);
    f.fast.serve(0, put(1, 'a', '1'));
    f.fast.serve(0, get(2, 'a'));
    f.fast.serve(0, put(3, 'a', '2'));
    // Each request draws once per direction per follower: numbers 0, 1, 2 above the base.
    const round = (n: number) => [`10>11 #${n}`, `11>10 #${n}`, `10>12 #${n}`, `12>10 #${n}`];
    expect(f.net.draws).toEqual([...round(0), ...round(1), ...round(2)]);
  });

  it('counts the writes pending: two, then one once the first commits, then none', () => {
    const f = quiescentGroup(3);
    roundTrips(f, [12, 8]);
    f.fast.serve(0, put(1, 'k', 'v1'));
    f.sim.runUntil(5);
    f.fast.serve(0, put(2, 'k', 'v2'));
    // Commits at 0 + 8 = 8 and 5 + 8 = 13 ms.
    expect(f.fast.pending).toBe(2);
    f.sim.runUntil(10);
    expect(f.fast.pending).toBe(1);
    f.sim.runUntil(100);
    expect(f.fast.pending).toBe(0);
    expect(f.answers.map((a) => [a.requestId, a.atMs])).toEqual([[1, 8], [2, 13]]);
  });

  it('answers a read at the leader after one heartbeat round, with the store\'s revision and value (etcd-io/raft read_only.go)', () => {
    const f = quiescentGroup(3);
    roundTrips(f, [12, 8]);
    f.sim.runUntil(4);
    expect(f.fast.serve(0, get(5, 'k'))).toBe(true);
    expect(f.fast.pending).toBe(1);
    f.sim.runUntil(100);
    // Ready at 4 + 8 = 12 ms; nothing written yet: revision 1 (the no-op), no key.
    expect(f.answers).toEqual([{ member: 0, requestId: 5, answer: { ok: true, kind: 'read', revision: 1, kv: null }, atMs: 12 }]);
    expect(f.fast.pending).toBe(0);
    // The read came in as a delivered message already: no delivery to count at the leader.
    expect(f.net.delivered).toBe(0);
    // One heartbeat with the read's context and one answer per follower.
    expect(f.net.skipped).toEqual(['10>11 1/1 @12', '11>10 1/1 @12', '10>12 1/1 @12', '12>10 1/1 @12']);
  });

  it('folds a read\'s arrival into its ReadIndex round: ready a round trip after it reaches the leader, its delivery counted then', () => {
    const f = quiescentGroup(3);
    roundTrips(f, [12, 8]);
    f.net.arrivalMs = 5;
    expect(f.fast.foldRead(0, CLIENT, get(9, 'k'))).toBe(true);
    expect([f.fast.served, f.fast.folded, f.fast.pending]).toEqual([1, 1, 1]);
    f.sim.runUntil(12.9);
    expect(f.net.delivered).toBe(0);
    f.sim.runUntil(100);
    // Arrives at 5, ready at 5 + 8 = 13 ms.
    expect(f.answers.map((a) => [a.requestId, a.atMs])).toEqual([[9, 13]]);
    expect(f.net.delivered).toBe(1);
  });

  it('folds a read that arrives at once (time 0) like any other', () => {
    const f = quiescentGroup(3);
    roundTrips(f, [12, 8]);
    f.net.arrivalMs = 0;
    expect(f.fast.foldRead(0, CLIENT, get(9, 'k'))).toBe(true);
    expect([f.fast.served, f.fast.folded, f.fast.pending]).toEqual([1, 1, 1]);
  });

  it('drops a folded read the network loses, as the sent message would be: handled, but nothing served', () => {
    const f = quiescentGroup(3);
    f.net.arrivalMs = -1;
    expect(f.fast.foldRead(0, CLIENT, get(9, 'k'))).toBe(true);
    expect([f.fast.served, f.fast.folded, f.fast.pending]).toEqual([0, 0, 0]);
    f.sim.runUntil(1_000);
    expect(f.answers).toEqual([]);
  });

  it('does not fold a write: its log index is taken on arrival', () => {
    const f = quiescentGroup(3);
    expect(f.fast.foldRead(0, CLIENT, put(1, 'k', 'v'))).toBe(false);
    expect(f.fast.served).toBe(0);
  });
});

describe('fast requests fed by hand: who may serve', () => {
  const refusals: [string, (f: Fixture) => void][] = [
    ['the cluster is not quiescent', (f) => (f.port.quiescent = false)],
    ['the cluster names another leader while member 0 still believes it leads (a stale leader)', (f) => (f.port.leaderNow = 1)],
    ['member 0 is named leader but its state is a follower', (f) => (state(f, 0).role = 'follower')],
    ['member 0 is named leader but is down', (f) => (f.port.members[0].state = null)],
    ['a follower is down', (f) => (f.port.members[2].state = null)],
    // Raft §8 (etcd-io/raft raft.go committedEntryInCurrentTerm): term 3 with commit at an entry of term 2.
    ['the leader has not committed an entry of its own term', (f) => (state(f, 0).term = 3)],
  ];

  it.each(refusals)('leaves a request to Raft when %s', (_why, breakIt) => {
    const f = quiescentGroup(3);
    breakIt(f);
    expect(f.fast.serve(0, put(1, 'k', 'v'))).toBe(false);
    expect(f.fast.serve(0, get(2, 'k'))).toBe(false);
    f.net.arrivalMs = 3;
    expect(f.fast.foldRead(0, CLIENT, get(3, 'k'))).toBe(false);
    expect([f.fast.served, f.fast.pending]).toEqual([0, 0]);
  });

  it('fails loudly past a million requests pending at once (a bound, not a model parameter)', () => {
    // One member: its quorum is itself, the reads are ready at once but the clock never runs.
    const f = quiescentGroup(1);
    // The same read a million times (the fast path does not look at request ids): cheaper to build.
    const read = get(1, 'k');
    for (let i = 0; i < 1_000_000; i++) f.fast.serve(0, read);
    expect(f.fast.pending).toBe(1_000_000);
    expect(assertionFrom(() => f.fast.serve(0, read)).message).toBe('etcd: more than 1000000 fast requests pending');
  });
});

describe('fast requests fed by hand: a thaw hands what is pending to Raft (materialize)', () => {
  it('hands nothing over when nothing is pending, even with no leader left', () => {
    const f = quiescentGroup(3);
    f.port.quiescent = false;
    f.port.leaderNow = -1;
    expect(() => f.fast.materialize()).not.toThrow();
    expect([f.calls, f.fast.materialized]).toEqual([[], 0]);
  });

  it('fails loudly when requests are pending and the cluster has no leader to take them', () => {
    const f = quiescentGroup(3);
    f.fast.serve(0, put(1, 'k', 'v'));
    f.port.quiescent = false;
    f.port.leaderNow = -1;
    expect(assertionFrom(() => f.fast.materialize()).message).toBe('etcd: fast requests pending without a leader');
  });

  it('hands over only the writes not yet committed, as proposals at their log index, replicated once (etcd-io/raft bcastAppend)', () => {
    const f = quiescentGroup(3);
    roundTrips(f, [12, 8]);
    f.fast.serve(0, put(1, 'k', 'v1'));
    f.sim.runUntil(5);
    f.fast.serve(0, put(2, 'k', 'v2'));
    f.fast.serve(0, put(3, 'k', 'v3'));
    // Commits due at 8, 13 and 13 ms; the thaw comes at 10, after the first.
    f.sim.runUntil(10);
    f.port.quiescent = false;
    f.fast.materialize();
    expect(f.calls).toEqual(['proposal 2 at 3 to 0', 'proposal 3 at 4 to 0', 'replicate from 0']);
    expect([f.fast.materialized, f.fast.pending]).toEqual([2, 0]);
    // Their commit events are gone: only the first write was answered on the fast path.
    f.sim.runUntil(1_000);
    expect(f.answers.map((a) => a.requestId)).toEqual([1]);
  });

  it('hands over reads by where they are: served reads and folded reads that arrived start ReadIndex now, folded reads on their way travel on', () => {
    const f = quiescentGroup(3);
    roundTrips(f, [12, 8]);
    // Sent at 0; the thaw comes at 10, before any is ready (round trip 8 ms).
    f.net.arrivalMs = 4;
    f.fast.foldRead(0, CLIENT, get(2, 'k')); // arrives at 4, ready at 12
    f.net.arrivalMs = 10;
    f.fast.foldRead(0, CLIENT, get(3, 'k')); // arrives at 10, exactly at the thaw
    f.net.arrivalMs = 15;
    f.fast.foldRead(0, CLIENT, get(4, 'k')); // arrives at 15, after the thaw
    f.sim.runUntil(3);
    f.fast.serve(0, get(1, 'k')); // at the leader since 3, ready at 11
    f.sim.runUntil(10);
    f.port.quiescent = false;
    f.fast.materialize();
    // No write pending: nothing to replicate.
    expect(f.calls).toEqual(['read 2 to 0', 'read 3 to 0', 'read 1 to 0']);
    // Reads 2 and 3 reached the leader as messages: two deliveries counted; read 1 was counted as
    // delivered when it arrived.
    expect(f.net.delivered).toBe(2);
    expect(f.net.injected).toEqual([{ from: CLIENT, to: ep(0), requestId: 4, atMs: 15 }]);
    expect([f.fast.materialized, f.fast.pending]).toEqual([3, 0]);
    f.sim.runUntil(1_000);
    expect(f.answers).toEqual([]);
  });

  it('hands over writes and reads together: proposals, one replication, then the reads', () => {
    const f = quiescentGroup(3);
    f.fast.serve(0, get(1, 'k'));
    f.fast.serve(0, put(2, 'k', 'v'));
    f.port.quiescent = false;
    f.fast.materialize();
    expect(f.calls).toEqual(['proposal 2 at 2 to 0', 'replicate from 0', 'read 1 to 0']);
    expect(f.fast.materialized).toBe(2);
  });
});

describe('fast requests fed by hand: events that find no request fail loudly', () => {
  /** The kind registered under `name` (Simulation.kindName is public; the fast path keeps its kinds). */
  const kindNamed = (sim: Simulation, name: string): number => {
    for (let kind = 1; ; kind++) {
      if (sim.kindName(kind) === name) return kind;
      if (sim.kindName(kind).startsWith('unknown')) throw new Error(`no event kind ${name}`);
    }
  };

  it('a commit event with no write pending', () => {
    const f = quiescentGroup(3);
    f.sim.scheduleAt(1, kindNamed(f.sim, 'etcd-a.fast-commit'));
    expect(assertionFrom(() => f.sim.runUntil(10)).message).toBe('etcd: a fast commit without a pending write');
  });

  it('a read event for an empty slot names the slot', () => {
    const f = quiescentGroup(3);
    f.sim.scheduleAt(1, kindNamed(f.sim, 'etcd-a.fast-read'), 7);
    expect(assertionFrom(() => f.sim.runUntil(10)).message).toBe('etcd: fast read slot 7 is empty');
  });

  it('a commit on a cluster that thawed without handing its writes to Raft', () => {
    const f = quiescentGroup(3);
    f.fast.serve(0, put(1, 'k', 'v'));
    f.port.quiescent = false;
    expect(assertionFrom(() => f.sim.runUntil(1_000)).message).toBe('etcd: a fast commit on a thawed cluster (it should have been materialized)');
  });

  it('a read on a cluster that thawed without handing its reads to Raft', () => {
    const f = quiescentGroup(3);
    f.fast.serve(0, get(1, 'k'));
    f.port.quiescent = false;
    expect(assertionFrom(() => f.sim.runUntil(1_000)).message).toBe('etcd: a fast read on a thawed cluster (it should have been materialized)');
  });
});
