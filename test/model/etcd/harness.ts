// Shared set-up for the etcd tests: a Simulation, a Network and an EtcdCluster with small,
// fast-to-simulate defaults (5 members, 1-5 ms latency, heartbeat 50 ms, election 150-300 ms).
import { Simulation } from '../../../sim/engine/simulation.ts';
import { Trace, type TraceEvent } from '../../../sim/engine/trace.ts';
import type { Range } from '../../../sim/engine/random.ts';
import { Network } from '../../../sim/model/network/network.ts';
import { EtcdCluster, type Fidelity } from '../../../sim/model/etcd/cluster.ts';

export interface HarnessOptions {
  seed?: number;
  members?: number;
  fidelity?: Fidelity;
  heartbeatMs?: number;
  electionTimeoutMs?: Range;
  latencyMs?: Range;
  loss?: number;
  maxEvents?: number;
  metricsFromFirstLeader?: boolean;
  /** Serve requests to a quiescent cluster in closed form (sim/model/etcd/fast-requests.ts). */
  fastRequests?: boolean;
  /** etcd's --pre-vote; the cluster's default (true) when absent. */
  preVote?: boolean;
}

export interface Harness {
  sim: Simulation;
  net: Network;
  trace: Trace;
  cluster: EtcdCluster;
  events: TraceEvent[];
}

export function makeCluster(options: HarnessOptions = {}): Harness {
  const seed = options.seed ?? 1;
  const members = options.members ?? 5;
  const sim = new Simulation({ maxEvents: options.maxEvents ?? 5_000_000 });
  const trace = new Trace();
  const events: TraceEvent[] = [];
  trace.subscribe((e) => events.push(e));
  const latency = options.latencyMs ?? { min: 1, max: 5 };
  const net = new Network(sim, seed, { latencyMs: latency, interZoneLatencyMs: latency, lossProbability: options.loss ?? 0 });
  const ids = Array.from({ length: members }, (_, i) => i);
  const cluster = new EtcdCluster(sim, net, trace, seed, {
    memberCount: members,
    endpoints: ids,
    zones: ids.map((i) => `z${i % 3}`),
    heartbeatIntervalMs: options.heartbeatMs ?? 50,
    electionTimeoutMs: options.electionTimeoutMs ?? { min: 150, max: 300 },
    fidelity: options.fidelity ?? 'fast',
    metricsFromFirstLeader: options.metricsFromFirstLeader,
    fastRequests: options.fastRequests,
    preVote: options.preVote,
  });
  return { sim, net, trace, cluster, events };
}

/** Runs until the cluster has a leader, at most `limitMs`; returns the time or null. */
export function runUntilLeader(h: Harness, limitMs: number): number | null {
  const endMs = h.sim.now + limitMs;
  while (h.cluster.leader() < 0) {
    if (h.sim.nextEventTime > endMs) {
      h.sim.runUntil(endMs);
      return null;
    }
    h.sim.step();
  }
  return h.sim.now;
}
