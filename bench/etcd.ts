/**
 * etcd benchmark:
 * 1. a 5-member cluster (etcd defaults: heartbeat 100 ms, election 1000 ms) idle for one week,
 *    fidelity fast (quiescence shortcut) vs full (every heartbeat): events, wall time, and the
 *    check that both traces hash the same;
 * 2. lock throughput: nodes take and at once release a locksmith semaphore (max 1) one after
 *    the other, as fast as GET + CAS through Raft allows;
 * 3. waiters on a full semaphore for an hour: polling with locksmithd's backoff vs waitForSlot.
 */
import { RandomStreams } from '../sim/engine/random.ts';
import { Simulation } from '../sim/engine/simulation.ts';
import { Trace } from '../sim/engine/trace.ts';
import { EtcdCluster, type Fidelity } from '../sim/model/etcd/cluster.ts';
import { KvClient } from '../sim/model/etcd/kv.ts';
import { locksmithRetryDelayMs } from '../sim/model/etcd/locks/backoff.ts';
import { LockClient } from '../sim/model/world/lock-client.ts';
import { locksmithLock } from '../sim/model/etcd/locks/locksmith.ts';
import type { LockResult } from '../sim/model/etcd/locks/types.ts';
import { Network } from '../sim/model/network/network.ts';

const WEEK_MS = 7 * 24 * 3600_000;

export interface EtcdFigure {
  what: string;
  simulatedMs: number;
  events: number;
  wallMs: number;
  detail: string;
}

function cluster(fidelity: Fidelity, seed = 42) {
  const sim = new Simulation({ maxEvents: 500_000_000 });
  const trace = new Trace();
  const net = new Network(sim, seed, { latencyMs: { min: 1, max: 5 }, interZoneLatencyMs: { min: 5, max: 20 }, lossProbability: 0 });
  const etcd = new EtcdCluster(sim, net, trace, seed, {
    memberCount: 5,
    endpoints: [0, 1, 2, 3, 4],
    zones: ['a', 'b', 'c', 'a', 'b'],
    heartbeatIntervalMs: 100,
    electionTimeoutMs: { min: 1000, max: 2000 },
    fidelity,
  });
  return { sim, trace, net, etcd };
}

function idleWeek(fidelity: Fidelity): EtcdFigure & { traceHash: string } {
  const { sim, trace, etcd } = cluster(fidelity);
  const started = performance.now();
  sim.runUntil(WEEK_MS);
  const wallMs = performance.now() - started;
  const q = etcd.quiescenceCounts;
  return {
    what: `idle week, ${fidelity}`,
    simulatedMs: WEEK_MS,
    events: sim.eventsExecuted,
    wallMs,
    traceHash: trace.traceHash,
    detail: `leader ${etcd.leader()}, freezes ${q.freezes}, trace ${trace.traceHash}`,
  };
}

function lockThroughput(nodes: number): EtcdFigure {
  const { sim, etcd } = cluster('fast');
  sim.runUntil(5_000);
  const lock = locksmithLock(etcd, { max: 1, client: new KvClient(etcd) });
  let grants = 0;
  let next = 0;
  let lastGrantMs = 0;
  const startMs = sim.now;
  const take = (): void => {
    if (next >= nodes) return;
    const node = next++;
    lock.acquire(node, '', (r: LockResult) => {
      if (!r.ok) throw new Error(`bench: acquire failed: ${r.outcome}`);
      grants++;
      lastGrantMs = sim.now - startMs;
      lock.release(node, '', take);
    });
  };
  const started = performance.now();
  take();
  sim.runUntil(startMs + 3_600_000);
  const wallMs = performance.now() - started;
  return {
    what: `lock throughput, ${nodes} nodes in turn`,
    simulatedMs: lastGrantMs,
    events: sim.eventsExecuted,
    wallMs,
    detail: `${grants} acquire+release pairs in ${(lastGrantMs / 1000).toFixed(1)} simulated s ` +
      `(${(grants / (lastGrantMs / 1000)).toFixed(1)}/s), ${etcd.report().requests} requests`,
  };
}

function waiters(count: number, mode: 'poll' | 'notify'): EtcdFigure {
  const { sim, etcd } = cluster('fast');
  sim.runUntil(5_000);
  const lock = locksmithLock(etcd, { max: 1, client: new KvClient(etcd) });
  const random = new RandomStreams(7).stream('bench.waiters');
  // Node 0 holds the lock for an hour; every other node waits for it.
  lock.acquire(0, '', () => sim.callAfter(3_600_000, () => lock.release(0, '', () => {})));
  let granted = 0;
  const endMs = 5_000 + 2 * 3_600_000;
  // notify: the world's own lock client (sim/model/world/lock-client.ts), which keeps waiters
  // without polling; poll: every locksmithd retry is a GET through Raft.
  const client =
    mode === 'notify'
      ? new LockClient(sim, lock, count + 1, '', true, (_node, answer) => {
          if (answer === 'LOCK_GRANTED') granted++;
          else throw new Error(`bench: unexpected ${answer}`);
        })
      : null;
  for (let node = 1; node <= count; node++) {
    let failures = 0;
    const attempt = (): void => {
      const polledAtMs = sim.now;
      lock.acquire(node, '', (r) => {
        if (r.ok) {
          granted++;
          return; // keeps the slot: the rest wait on
        }
        failures++;
        sim.callAt(Math.max(sim.now, polledAtMs + locksmithRetryDelayMs(failures)), attempt);
      });
    };
    sim.callAt(6_000 + random.uniform(0, 60_000), client === null ? attempt : () => client.acquire(node));
  }
  const started = performance.now();
  sim.runUntil(endMs);
  // At the horizon, waiters still asleep report the polls their schedule made before it.
  client?.finish();
  const wallMs = performance.now() - started;
  return {
    what: `${count} waiters on a full lock, ${mode}`,
    simulatedMs: 2 * 3_600_000,
    events: sim.eventsExecuted,
    wallMs,
    detail: `${etcd.report().requests} requests, ${granted} granted after the release`,
  };
}

export function benchEtcd(): EtcdFigure[] {
  const fast = idleWeek('fast');
  const full = idleWeek('full');
  if (fast.traceHash !== full.traceHash) throw new Error(`bench: fast and full traces differ (${fast.traceHash} vs ${full.traceHash})`);
  return [fast, full, lockThroughput(1_000), waiters(2_000, 'poll'), waiters(2_000, 'notify')];
}

export function printEtcd(figures: EtcdFigure[]): void {
  console.log('etcd: 5 members, heartbeat 100 ms, election 1000-2000 ms, latency 1-5 ms (5-20 ms across zones)');
  for (const f of figures) {
    console.log(
      `  ${f.what.padEnd(34)} ${String(f.events).padStart(11)} events  ${(f.wallMs / 1000).toFixed(2).padStart(7)} s wall  ${f.detail}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printEtcd(benchEtcd());
