import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { EtcdCluster } from '../etcd/cluster.ts';
import { KvClient } from '../etcd/kv.ts';
import { fleetLock } from '../etcd/locks/fleetlock.ts';
import { kuredLock } from '../etcd/locks/kured-lock.ts';
import { locksmithLock } from '../etcd/locks/locksmith.ts';
import { ttlLock } from '../etcd/locks/ttl-lock.ts';
import type { RebootLock } from '../etcd/locks/types.ts';
import type { SemaphoreLockOptions } from '../etcd/locks/semaphore-lock.ts';
import { Network } from '../network/network.ts';
import { rebootStrategy, type LockProtocol } from '../../agents/registry.ts';
import { lockGroups } from '../../scenario/reboot.ts';
import { ProtocolLocks } from './protocol-locks.ts';

/**
 * The etcd side of a run: the network, the cluster (members spread over the fleet's zones) and
 * the reboot lock the strategy asks for. Nodes reach etcd through one client per zone (a node's
 * requests travel from its zone), so a partition between zones cuts the nodes of a zone from the
 * members on the other side.
 */
export interface EtcdSetup {
  network: Network;
  cluster: EtcdCluster;
  /**
   * The lock of the reboot strategy; null for `reboot` and `off`. A fleet whose groups speak
   * several lock protocols (reboot.groups.<g>.agent) gets one lock per protocol (ProtocolLocks).
   */
  lock: RebootLock | null;
  /** Network endpoint of each zone's client. */
  zoneClients: KvClient[];
  /** Zone of each member. */
  memberZones: string[];
}

/** The lock of each protocol of the registry, over the cluster. */
const LOCKS: Record<LockProtocol, (cluster: EtcdCluster, options: SemaphoreLockOptions, lockTtlMs: number) => RebootLock> = {
  locksmith: locksmithLock,
  'fleet-lock': fleetLock,
  // kured's --lock-ttl lives in its own annotation (0 = no expiry).
  kured: (cluster, options, lockTtlMs) => kuredLock(cluster, lockTtlMs, options),
};

function sectionProtocol(scenario: Scenario): LockProtocol | null {
  return rebootStrategy(scenario.reboot.strategy, scenario.reboot.agent).lock;
}

/** Endpoints: members 0..m-1, zone clients from 1000 on. */
export const ZONE_CLIENT_ENDPOINT_BASE = 1000;

export function setUpEtcd(scenario: Scenario, sim: Simulation, trace: Trace, seed: number, zoneNames: readonly string[], nodeZone: Uint16Array): EtcdSetup | null {
  const members = scenario.etcd.members;
  if (members === 0) return null;
  const net = scenario.network;
  const network = new Network(sim, seed, { latencyMs: net.latency, interZoneLatencyMs: net.interZoneLatency, lossProbability: net.loss });
  const memberZones = Array.from({ length: members }, (_, m) => zoneNames[m % zoneNames.length]);
  const cluster = new EtcdCluster(sim, network, trace, seed, {
    memberCount: members,
    endpoints: Array.from({ length: members }, (_, m) => m),
    zones: memberZones,
    heartbeatIntervalMs: scenario.etcd.heartbeat,
    electionTimeoutMs: scenario.etcd.electionTimeout,
    preVote: scenario.etcd.preVote,
    fidelity: scenario.fidelity,
    // Lock requests to a healthy cluster in closed form (sim/model/etcd/fast-requests.ts).
    fastRequests: scenario.fidelity === 'fast',
  });
  const zoneClients = zoneNames.map((zone, z) => new KvClient(cluster, { endpoint: ZONE_CLIENT_ENDPOINT_BASE + z, zone }));
  // Each lock group's semaphore has its own max (scenario reboot.lockGroup, reboot.groups).
  const groups = lockGroups(scenario.reboot, scenario.fleet.groups.map((g) => g.name));
  const maxByGroup = new Map(groups.map((l) => [l.name, l.max]));
  const options = {
    max: scenario.reboot.maxConcurrent,
    maxByGroup,
    client: zoneClients[0],
    clientFor: (node: number) => zoneClients[nodeZone[node]],
  };
  // The lock each lock group's agent speaks (sim/agents/registry.ts). locksmith and FleetLock have
  // no TTL: v1's reboot.lockTTL replaces them with a TTL lock; kured's own lock has one.
  const ttlMs = scenario.reboot.lockTTL;
  const make = (protocol: LockProtocol): RebootLock => (ttlMs > 0 && protocol !== 'kured' ? ttlLock(cluster, ttlMs, options) : LOCKS[protocol](cluster, options, ttlMs));
  const byProtocol = new Map<LockProtocol, RebootLock>();
  for (const group of groups) if (group.protocol !== null && !byProtocol.has(group.protocol)) byProtocol.set(group.protocol, make(group.protocol));
  // An etcd-only scenario (no fleet group) keeps the section's lock, as it always had.
  if (groups.length === 0 && sectionProtocol(scenario) !== null) byProtocol.set(sectionProtocol(scenario) as LockProtocol, make(sectionProtocol(scenario) as LockProtocol));
  const locks = [...byProtocol.values()];
  const lock =
    locks.length <= 1
      ? (locks[0] ?? null)
      : new ProtocolLocks(locks, new Map(groups.flatMap((g) => (g.protocol === null ? [] : [[g.name, byProtocol.get(g.protocol) as RebootLock] as const]))));
  return { network, cluster, lock, zoneClients, memberZones };
}
