import { assert } from '../engine/assert.ts';
import type { World } from '../model/world/world.ts';
import type { PartitionLayout } from './partition.ts';
import { ZONE_CLIENT_ENDPOINT_BASE } from '../model/world/etcd-setup.ts';

/**
 * The network faults in force, composed. The Network holds one partition and one loss
 * probability at a time, but faults overlap: two endpoints are connected while every active
 * partition connects them; losses combine as independent drops (1 - prod(1 - p)) on top of the
 * scenario's own `network.loss`. Every change recomputes the whole picture and hands the
 * differences to the Network (etcd traffic) and to the World (nodes <-> update server, a node's
 * own lock traffic).
 *
 * Zone clients are network endpoints ZONE_CLIENT_ENDPOINT_BASE + zone index
 * (sim/model/world/etcd-setup.ts); checked against the Network's zones when the first partition
 * is applied.
 */
const ACTIVE_FAULTS_MAX = 100_000;

export class NetworkFaults {
  private readonly partitions = new Map<number, PartitionLayout>();
  private readonly etcdLosses = new Map<number, number>();
  private readonly serverLosses = new Map<number, number>();
  private readonly baseLoss: number;
  private nextId = 1;
  private partitionKey = '';

  constructor(private readonly world: World) {
    this.baseLoss = world.etcd?.network.current.lossProbability ?? 0;
  }

  get activePartitions(): number {
    return this.partitions.size;
  }

  addPartition(layout: PartitionLayout): number {
    assert(this.partitions.size < ACTIVE_FAULTS_MAX, 'too many partitions at once');
    const id = this.nextId++;
    this.partitions.set(id, layout);
    this.applyPartitions();
    return id;
  }

  removePartition(id: number): void {
    assert(this.partitions.delete(id), `no partition ${id}`);
    this.applyPartitions();
  }

  /** A message-loss fault: `etcd` traffic only, or `all` (etcd and the update server). */
  addLoss(probability: number, scope: 'etcd' | 'all'): number {
    assert(probability >= 0 && probability <= 1, `loss ${probability} outside [0, 1]`);
    assert(this.etcdLosses.size + this.serverLosses.size < ACTIVE_FAULTS_MAX, 'too many message-loss faults at once');
    const id = this.nextId++;
    this.etcdLosses.set(id, probability);
    if (scope === 'all') this.serverLosses.set(id, probability);
    this.applyLosses();
    return id;
  }

  removeLoss(id: number): void {
    assert(this.etcdLosses.delete(id), `no message-loss fault ${id}`);
    this.serverLosses.delete(id);
    this.applyLosses();
  }

  private applyLosses(): void {
    const combine = (base: number, losses: Iterable<number>) => {
      let through = 1 - base;
      for (const p of losses) through *= 1 - p;
      return Math.min(1, Math.max(0, 1 - through));
    };
    const network = this.world.etcd?.network;
    if (network !== undefined) {
      const loss = combine(this.baseLoss, this.etcdLosses.values());
      if (loss !== network.current.lossProbability) network.setLoss(loss);
    }
    this.world.setServerLoss(combine(0, this.serverLosses.values()));
  }

  private applyPartitions(): void {
    const world = this.world;
    const layouts = [...this.partitions.values()];
    // Nodes <-> update server, and each node's own etcd traffic.
    const cut: number[] = [];
    const healed: number[] = [];
    for (let node = 0; node < world.nodeCount; node++) {
      const zone = world.nodeZone[node];
      const server = layouts.every((l) => l.nodeSide[node] === l.serverSide);
      const lock = layouts.every((l) => l.nodeSide[node] === l.zoneClientSide[zone]);
      if (server !== world.reachesServer(node)) (server ? healed : cut).push(node);
      if (lock !== world.reachesLock(node)) world.setLockReachable(node, lock);
    }
    if (cut.length > 0) world.setServerReachable(cut, false);
    if (healed.length > 0) world.setServerReachable(healed, true);
    // etcd traffic: members and zone clients, grouped by the side they have in every partition.
    const etcd = world.etcd;
    if (etcd === null) return;
    const bySignature = new Map<string, number[]>();
    const place = (endpoint: number, signature: number[]) => {
      if (signature.every((side) => side === -1)) return; // the rest, named by no side
      const key = signature.join(',');
      const list = bySignature.get(key);
      if (list === undefined) bySignature.set(key, [endpoint]);
      else list.push(endpoint);
    };
    etcd.cluster.members.forEach((member, m) => place(member.endpoint, layouts.map((l) => l.memberSide[m])));
    world.zoneNames.forEach((zone, z) => {
      const endpoint = ZONE_CLIENT_ENDPOINT_BASE + z;
      assert(etcd.network.zoneOf(endpoint) === zone, `endpoint ${endpoint} is not zone ${zone}'s etcd client`);
      place(endpoint, layouts.map((l) => l.zoneClientSide[z]));
    });
    const sides = [...bySignature.keys()].sort().map((key) => bySignature.get(key)!);
    const key = JSON.stringify(sides);
    if (key === this.partitionKey) return;
    this.partitionKey = key;
    etcd.network.setPartition(sides.length === 0 ? null : sides);
  }
}
