// The healthy-cluster request shortcut (sim/model/etcd/fast-requests.ts) against the
// message-by-message run: the same workload of GET + CAS (locksmith's protocol, lock/etcd.go)
// from clients in three zones, once with every Raft message simulated and once in closed form.
// Answers, their order, the store and every member's log must agree; each request's latency
// may differ by the draws (a few round trips at most); the shortcut must cost far fewer events.
// Then: a request on its way when a fault thaws the cluster continues through Raft and is
// answered exactly once (Raft paper §5.3: an entry in the leader's log is replicated or lost).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../sim/engine/random.ts';
import { KvClient, type KvResult } from '../../../sim/model/etcd/kv.ts';
import { makeCluster, runUntilLeader, type Harness } from './harness.ts';

const LATENCY_MAX_MS = 5;

interface Answer {
  client: number;
  what: string;
  latencyMs: number;
}

/** One client at a time (no contention): GET, then CAS on what the GET saw, then a pause. */
function runWorkload(seed: number, fastRequests: boolean, members: number, operations: number): { h: Harness; answers: Answer[] } {
  const h = makeCluster({ seed, members, fastRequests, latencyMs: { min: 1, max: LATENCY_MAX_MS } });
  runUntilLeader(h, 5_000);
  h.sim.runFor(1_000);
  const clients = [0, 1, 2].map((z) => new KvClient(h.cluster, { endpoint: 100 + z, zone: `z${z}` }));
  const random = new RandomStreams(seed).stream('workload');
  const answers: Answer[] = [];
  const record = (client: number, invokeMs: number, r: KvResult, op: string): void => {
    const what = r.ok ? `${op} ${r.succeeded} ${r.kv?.value ?? '-'} rev ${r.revision}` : `${op} failed ${r.reason}`;
    answers.push({ client, what, latencyMs: h.sim.now - invokeMs });
  };
  let done = 0;
  const next = (): void => {
    if (done++ >= operations) return;
    const c = random.int(0, clients.length - 1);
    const client = clients[c];
    const getMs = h.sim.now;
    client.get('lock', (read) => {
      record(c, getMs, read, 'get');
      const casMs = h.sim.now;
      const expect = read.ok && read.kv !== null ? { modRevision: read.kv.modRevision } : { version: 0 };
      const value = String(Number(read.ok ? (read.kv?.value ?? '0') : '0') + 1);
      client.cas('lock', value, expect, (swap) => {
        record(c, casMs, swap, 'cas');
        h.sim.callAfter(random.range({ min: 50, max: 3_000 }), next);
      });
    });
  };
  next();
  h.sim.runFor(operations * 3_100 + 5_000);
  return { h, answers };
}

describe('fast requests on a quiescent etcd cluster', () => {
  it('give the same answers, in the same order, with the same store and logs as the message-by-message run (etcd-io/raft stepLeader MsgProp, read_only.go)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(1, 3, 5, 7), (seed, members) => {
        const full = runWorkload(seed, false, members, 30);
        const fast = runWorkload(seed, true, members, 30);
        expect(fast.answers.map((a) => `${a.client} ${a.what}`)).toEqual(full.answers.map((a) => `${a.client} ${a.what}`));
        expect(fast.answers).toHaveLength(60);
        // A request's latency: client -> leader -> quorum round trip -> client, from other draws.
        for (let i = 0; i < fast.answers.length; i++) {
          expect(Math.abs(fast.answers[i].latencyMs - full.answers[i].latencyMs)).toBeLessThanOrEqual(4 * LATENCY_MAX_MS);
        }
        expect(fast.h.cluster.store.revision).toBe(full.h.cluster.store.revision);
        expect(fast.h.cluster.store.get('lock')?.value).toBe(full.h.cluster.store.get('lock')?.value);
        for (let m = 0; m < members; m++) {
          const a = fast.h.cluster.raftState(m)!;
          const b = full.h.cluster.raftState(m)!;
          expect(a.log.map((e) => [e.term, JSON.stringify(e.data)])).toEqual(b.log.map((e) => [e.term, JSON.stringify(e.data)]));
          expect(a.commit).toBe(b.commit);
        }
        expect(fast.h.cluster.fast!.served).toBeGreaterThan(55);
        // The clients' reads to the leader arrive without an event of their own (foldRead).
        expect(fast.h.cluster.fast!.folded).toBeGreaterThan(20);
        expect(fast.h.cluster.fast!.materialized).toBe(0);
        if (members > 1) expect(fast.h.sim.eventsExecuted * 2).toBeLessThan(full.h.sim.eventsExecuted);
        // Message counters account for the messages the shortcut did not simulate (a quiescent
        // cluster counts its skipped heartbeats when it catches up).
        fast.h.cluster.catchUp();
        full.h.cluster.catchUp();
        const sent = [fast.h.net.counters.sent, full.h.net.counters.sent];
        expect(Math.abs(sent[0] - sent[1]) / sent[1]).toBeLessThan(0.05);
      }),
      { numRuns: 12, seed: 20261126 },
    );
  });

  it.each(['crash', 'partition'] as const)('a read on its way to the leader when a follower %s thaws the cluster travels on, arrives when it would have, and is answered once through ReadIndex', (fault) => {
    for (let seed = 1; seed <= 10; seed++) {
      // Long client links (20-40 ms) leave time for the fault while the read is on its way.
      const h = makeCluster({ seed, fastRequests: true, latencyMs: { min: 20, max: 40 }, heartbeatMs: 100, electionTimeoutMs: { min: 1_000, max: 2_000 } });
      runUntilLeader(h, 10_000);
      h.sim.runFor(3_000);
      expect(h.cluster.quiescent).toBe(true);
      const leader = h.cluster.leader();
      const client = new KvClient(h.cluster, { endpoint: 100, zone: 'z0' });
      (client as unknown as { leaderGuess: number }).leaderGuess = leader;
      let stored = false;
      client.put('k', 'v', (r) => (stored = r.ok));
      h.sim.runFor(1_000);
      expect(stored).toBe(true);
      expect(h.cluster.quiescent).toBe(true);
      const fast = h.cluster.fast!;
      const foldedBefore = fast.folded;
      const sentMs = h.sim.now;
      const answers: { value: string | null; atMs: number }[] = [];
      client.get('k', (r) => answers.push({ value: r.ok ? (r.kv?.value ?? null) : `failed ${r.reason}`, atMs: h.sim.now }));
      expect(fast.folded).toBe(foldedBefore + 1);
      const leaderEndpoint = h.cluster.members[leader].endpoint;
      expect(h.net.inFlightTo(leaderEndpoint)).toBe(0);
      const follower = (leader + 1) % h.cluster.members.length;
      if (fault === 'crash') h.cluster.crash(follower);
      else h.cluster.partitionMembers([[follower]]);
      // Thawed: the read is a message in flight again, not a fast read.
      expect(fast.pending).toBe(0);
      expect(h.net.inFlightTo(leaderEndpoint)).toBe(1);
      h.sim.runFor(5_000);
      expect(answers).toEqual([{ value: 'v', atMs: expect.any(Number) }]);
      // Client -> leader (>= 20 ms), a heartbeat round, leader -> client (>= 20 ms).
      expect(answers[0].atMs - sentMs).toBeGreaterThanOrEqual(80);
      expect(fast.folded).toBe(foldedBefore + 1);
    }
  });

  it.each(['crash', 'partition'] as const)('a write on its way when the leader %s thaws the cluster goes through Raft and is answered exactly once', (fault) => {
    for (let seed = 1; seed <= 10; seed++) {
      const h = makeCluster({ seed, fastRequests: true });
      runUntilLeader(h, 5_000);
      h.sim.runFor(1_000);
      expect(h.cluster.quiescent).toBe(true);
      const client = new KvClient(h.cluster, { requestTimeoutMs: 500, maxAttempts: 3 });
      const results: KvResult[] = [];
      // Colocated client: the request reaches member 0 at once; make sure member 0 leads.
      const leader = h.cluster.leader();
      if (leader !== 0) (client as unknown as { leaderGuess: number }).leaderGuess = leader;
      client.put('k', 'v', (r) => results.push(r));
      client.put('k', 'w', (r) => results.push(r));
      while (h.cluster.fast!.pending < 2) h.sim.step();
      if (fault === 'crash') h.cluster.crash(leader);
      else h.cluster.partitionMembers([[leader]]);
      expect(h.cluster.fast!.pending).toBe(0);
      expect(h.cluster.fast!.materialized).toBe(2);
      h.sim.runFor(10_000);
      expect(results).toHaveLength(2);
      // The old leader's entries were not committed by anyone: lost (the new leader's log wins),
      // so each put fails or, if it went through after all, the store says so.
      for (const r of results) if (r.ok) expect(['v', 'w']).toContain(h.cluster.store.get('k')?.value);
      if (fault === 'partition') {
        h.cluster.partitionMembers(null);
        h.sim.runFor(5_000);
      } else {
        h.cluster.restart(leader);
        h.sim.runFor(5_000);
      }
      // Every member ends with the same committed log.
      const logs = h.cluster.members.map((m) => m.state!).map((s) => s.log.slice(0, s.commit));
      const shortest = Math.min(...logs.map((l) => l.length));
      for (const log of logs) expect(log.slice(0, shortest)).toEqual(logs[0].slice(0, shortest));
    }
  });
});
