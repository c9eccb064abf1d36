// The KV API on the cluster: linearizable writes and reads answered asynchronously, failures
// with a reason while there is no quorum, redirects to the leader, leases that expire at the
// leader and are refreshed by a new leader, and the report's etcd block.
import { describe, expect, it } from 'vitest';
import { KvClient, type KvResult } from '../../../sim/model/etcd/kv.ts';
import { makeCluster, runUntilLeader } from './harness.ts';

describe('KvClient', () => {
  it('put, get and compare-and-swap by mod revision are answered once, after a majority commits', () => {
    const h = makeCluster({ seed: 5 });
    runUntilLeader(h, 5_000);
    const kv = new KvClient(h.cluster);
    const results: KvResult[] = [];
    kv.put('k', 'a', (r) => results.push(r));
    h.sim.runFor(100);
    const put = results[0];
    expect(put).toMatchObject({ ok: true, succeeded: true, kv: { value: 'a', version: 1 } });
    const modRevision = put.ok ? put.kv!.modRevision : 0;
    kv.cas('k', 'b', { modRevision: modRevision + 1 }, (r) => results.push(r));
    kv.cas('k', 'c', { modRevision }, (r) => results.push(r));
    h.sim.runFor(100);
    kv.get('k', (r) => results.push(r));
    h.sim.runFor(100);
    expect(results.map((r) => (r.ok ? [r.succeeded, r.kv?.value] : r.reason))).toEqual([[true, 'a'], [false, 'a'], [true, 'c'], [true, 'c']]);
  });

  it('a client sent to a follower is redirected to the leader', () => {
    const h = makeCluster({ seed: 6 });
    runUntilLeader(h, 5_000);
    h.sim.runFor(500); // every follower has heard from the leader
    const leader = h.cluster.leader();
    const kv = new KvClient(h.cluster);
    // The client starts with member 0 as its guess; make sure that is a follower.
    if (leader === 0) {
      h.cluster.crash(0);
      runUntilLeader(h, 5_000);
      h.cluster.restart(0);
      h.sim.runFor(500);
    }
    let result: KvResult | null = null;
    kv.put('k', 'v', (r) => (result = r));
    h.sim.runFor(200);
    expect(result).toMatchObject({ ok: true, succeeded: true });
    expect(h.cluster.report().requests).toBe(2);
  });

  it('writes fail with a reason while a majority is down, and succeed again once it is back', () => {
    const h = makeCluster({ seed: 7 });
    runUntilLeader(h, 5_000);
    for (const m of [0, 1, 2]) h.cluster.crash(m);
    const kv = new KvClient(h.cluster, { requestTimeoutMs: 300, maxAttempts: 3 });
    let during: KvResult | null = null;
    kv.put('k', 'v', (r) => (during = r));
    h.sim.runFor(5_000);
    expect(during).not.toBeNull();
    expect(during!.ok).toBe(false);
    expect(h.cluster.hasLiveMajority).toBe(false);
    for (const m of [0, 1, 2]) h.cluster.restart(m);
    runUntilLeader(h, 5_000);
    let after: KvResult | null = null;
    kv.put('k', 'v2', (r) => (after = r));
    h.sim.runFor(1_000);
    expect(after).toMatchObject({ ok: true, succeeded: true });
    const report = h.cluster.report();
    expect(report.quorumLost).toBeGreaterThanOrEqual(5_000);
    expect(report.leaderless).toBeGreaterThanOrEqual(report.quorumLost);
    expect(report.outages.length).toBeGreaterThanOrEqual(1);
  });

  it('a key with a lease disappears when the lease expires at the leader', () => {
    const h = makeCluster({ seed: 8 });
    runUntilLeader(h, 5_000);
    const kv = new KvClient(h.cluster);
    kv.put('leased', 'x', () => {}, 2_000);
    h.sim.runFor(1_500);
    expect(h.cluster.store.get('leased')?.value).toBe('x');
    h.sim.runFor(1_000);
    expect(h.cluster.store.get('leased')).toBeNull();
  });

  it('etcd server/lease/lessor.go Promote: a new leader refreshes every lease to TTL + the election timeout, so leases do not expire while the cluster has no leader', () => {
    const h = makeCluster({ seed: 9 });
    runUntilLeader(h, 5_000);
    const kv = new KvClient(h.cluster);
    kv.put('leased', 'x', () => {}, 2_000);
    h.sim.runFor(1_000);
    // Majority down for 5 s: longer than the TTL.
    const downed = [0, 1, 2, 3, 4].filter((m) => m !== h.cluster.leader()).slice(0, 3);
    for (const m of downed) h.cluster.crash(m);
    h.sim.runFor(5_000);
    expect(h.cluster.store.get('leased')?.value).toBe('x');
    for (const m of downed) h.cluster.restart(m);
    const electedAtMs = runUntilLeader(h, 5_000)!;
    // Lease.refresh(extend): expiry = now + extend (ElectionTimeout, 150 ms here) + TTL (2 s).
    h.sim.runUntil(electedAtMs + 2_000 + 100);
    expect(h.cluster.store.get('leased')?.value).toBe('x');
    h.sim.runUntil(electedAtMs + 2_000 + 150 + 300);
    expect(h.cluster.store.get('leased')).toBeNull();
  });

  it('a client in a zone cut off from the members times out, and its requests travel the network', () => {
    const h = makeCluster({ seed: 10 });
    runUntilLeader(h, 5_000);
    const kv = new KvClient(h.cluster, { endpoint: 100, zone: 'far', requestTimeoutMs: 200, maxAttempts: 2 });
    h.net.setPartition([[100]]);
    let cut: KvResult | null = null;
    kv.get('k', (r) => (cut = r));
    h.sim.runFor(2_000);
    expect(cut).toMatchObject({ ok: false, reason: 'timeout' });
    h.net.setPartition(null);
    let ok: KvResult | null = null;
    kv.get('k', (r) => (ok = r));
    h.sim.runFor(500);
    expect(ok).toMatchObject({ ok: true, kv: null });
  });
});
