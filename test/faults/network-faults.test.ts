/**
 * sim/faults/network-faults.ts: overlapping partitions and message losses composed into one
 * picture. Fed by hand with a stand-in world and network that record what they are told; the
 * expected losses are worked out by hand from 1 - prod(1 - p).
 */
import { describe, expect, it } from 'vitest';
import { NetworkFaults } from '../../sim/faults/network-faults.ts';
import type { PartitionLayout } from '../../sim/faults/partition.ts';
import { ZONE_CLIENT_ENDPOINT_BASE } from '../../sim/model/world/etcd-setup.ts';
import type { World } from '../../sim/model/world/world.ts';

/** Two zones (a, b), four nodes (0, 1 in a; 2, 3 in b), three etcd members at endpoints 100-102. */
function standIn(options: { baseLoss?: number; etcd?: boolean } = {}) {
  const log: string[] = [];
  const server = [true, true, true, true];
  const lock = [true, true, true, true];
  let loss = options.baseLoss ?? 0;
  const network = {
    current: {
      get lossProbability() {
        return loss;
      },
    },
    setLoss: (p: number) => {
      loss = p;
      log.push(`etcd loss ${p.toFixed(4)}`);
    },
    setPartition: (sides: number[][] | null) => log.push(`etcd partition ${JSON.stringify(sides)}`),
    zoneOf: (endpoint: number) => ['a', 'b'][endpoint - ZONE_CLIENT_ENDPOINT_BASE],
  };
  const world = {
    nodeCount: 4,
    nodeZone: [0, 0, 1, 1],
    zoneNames: ['a', 'b'],
    etcd: options.etcd === false ? null : { network, cluster: { members: [{ endpoint: 100 }, { endpoint: 101 }, { endpoint: 102 }] } },
    reachesServer: (n: number) => server[n],
    reachesLock: (n: number) => lock[n],
    setServerReachable: (nodes: number[], reachable: boolean) => {
      for (const n of nodes) server[n] = reachable;
      log.push(`server ${reachable ? 'healed' : 'cut'} [${nodes.join(', ')}]`);
    },
    setLockReachable: (n: number, reachable: boolean) => {
      lock[n] = reachable;
      log.push(`lock ${n} ${reachable ? 'healed' : 'cut'}`);
    },
    setServerLoss: (p: number) => log.push(`server loss ${p.toFixed(4)}`),
  } as unknown as World;
  return { world, log, server, lock };
}

/** Zone a (its nodes, its etcd client, member 0) against the rest (server, zone b, members 1-2). */
const ZONE_A: PartitionLayout = { nodeSide: Int16Array.from([0, 0, -1, -1]), serverSide: -1, memberSide: [0, -1, -1], zoneClientSide: [0, -1], leaders: [] };
/** The update server alone against everything else. */
const SERVER_ALONE: PartitionLayout = { nodeSide: Int16Array.from([-1, -1, -1, -1]), serverSide: 0, memberSide: [-1, -1, -1], zoneClientSide: [-1, -1], leaders: [] };

describe('NetworkFaults: message loss', () => {
  it('combines overlapping losses as independent drops on top of the scenario\'s own loss, etcd-only faults leaving the server alone', () => {
    const { world, log } = standIn({ baseLoss: 0.1 });
    const faults = new NetworkFaults(world);
    const a = faults.addLoss(0.5, 'all');
    // etcd: 1 - 0.9 x 0.5 = 0.55; server: 0.5.
    expect(log).toEqual(['etcd loss 0.5500', 'server loss 0.5000']);
    const b = faults.addLoss(0.2, 'etcd');
    // etcd: 1 - 0.9 x 0.5 x 0.8 = 0.64; the server's stays 0.5.
    expect(log.slice(2)).toEqual(['etcd loss 0.6400', 'server loss 0.5000']);
    faults.removeLoss(a);
    // etcd: 1 - 0.9 x 0.8 = 0.28; server: none left.
    expect(log.slice(4)).toEqual(['etcd loss 0.2800', 'server loss 0.0000']);
    faults.removeLoss(b);
    expect(log.slice(6)).toEqual(['etcd loss 0.1000', 'server loss 0.0000']);
  });

  it('leaves the etcd network untouched when its loss does not change, and works without etcd', () => {
    const { world, log } = standIn();
    const faults = new NetworkFaults(world);
    faults.addLoss(0, 'all');
    expect(log).toEqual(['server loss 0.0000']);
    const none = standIn({ etcd: false });
    new NetworkFaults(none.world).addLoss(1, 'all');
    expect(none.log).toEqual(['server loss 1.0000']);
  });

  it('fails loudly on a probability outside [0, 1] and on removing a fault that is not in force', () => {
    const faults = new NetworkFaults(standIn().world);
    expect(() => faults.addLoss(1.5, 'etcd')).toThrow('loss 1.5 outside [0, 1]');
    expect(() => faults.addLoss(-0.1, 'etcd')).toThrow('loss -0.1 outside [0, 1]');
    expect(() => faults.removeLoss(7)).toThrow('no message-loss fault 7');
    expect(() => faults.removePartition(7)).toThrow('no partition 7');
  });
});

describe('NetworkFaults: partitions', () => {
  it('cuts zone a from the server and lets its nodes keep their own zone\'s lock client; etcd splits into zone a\'s side', () => {
    const { world, log, server, lock } = standIn();
    const faults = new NetworkFaults(world);
    const id = faults.addPartition(ZONE_A);
    expect(faults.activePartitions).toBe(1);
    expect(server).toEqual([false, false, true, true]);
    expect(lock).toEqual([true, true, true, true]);
    // Member 0 (endpoint 100) with zone a's client; the rest, named by no side, is left out.
    expect(log).toEqual(['server cut [0, 1]', `etcd partition [[100,${ZONE_CLIENT_ENDPOINT_BASE}]]`]);
    faults.removePartition(id);
    expect(server).toEqual([true, true, true, true]);
    expect(log.slice(2)).toEqual(['server healed [0, 1]', 'etcd partition null']);
    expect(faults.activePartitions).toBe(0);
  });

  it('two partitions in force: a node reaches the server only while every one of them connects it', () => {
    const { world, log, server } = standIn();
    const faults = new NetworkFaults(world);
    const a = faults.addPartition(ZONE_A);
    faults.addPartition(SERVER_ALONE);
    expect(server).toEqual([false, false, false, false]);
    faults.removePartition(a);
    // The server is still alone: nobody heals; etcd's picture goes back to whole.
    expect(server).toEqual([false, false, false, false]);
    // etcd's sides do not change when the second partition names no etcd endpoint.
    expect(log).toEqual(['server cut [0, 1]', `etcd partition [[100,${ZONE_CLIENT_ENDPOINT_BASE}]]`, 'server cut [2, 3]', 'etcd partition null']);
  });

  it('cuts a node\'s lock traffic when it is on another side than its zone\'s etcd client', () => {
    const { world, lock } = standIn();
    const faults = new NetworkFaults(world);
    // Node 1 alone against the rest, its zone's client with the rest.
    faults.addPartition({ nodeSide: Int16Array.from([-1, 0, -1, -1]), serverSide: -1, memberSide: [-1, -1, -1], zoneClientSide: [-1, -1], leaders: [] });
    expect(lock).toEqual([true, false, true, true]);
  });

  it('hands etcd its sides in a stable order (sorted by where each endpoint sits), whatever order the endpoints come in', () => {
    const { world, log } = standIn();
    const faults = new NetworkFaults(world);
    // Member 0 on side 1, members 1 and 2 on side 0: signatures "1", "0", "0"; sorted: side 0 first.
    faults.addPartition({ nodeSide: Int16Array.from([-1, -1, -1, -1]), serverSide: -1, memberSide: [1, 0, 0], zoneClientSide: [-1, -1], leaders: [] });
    expect(log).toEqual(['etcd partition [[101,102],[100]]']);
  });

  it("fails loudly when a zone's etcd client endpoint is not in that zone", () => {
    const { world } = standIn();
    (world.etcd!.network as unknown as { zoneOf: (e: number) => string }).zoneOf = () => 'b';
    const faults = new NetworkFaults(world);
    expect(() => faults.addPartition(ZONE_A)).toThrow(`endpoint ${ZONE_CLIENT_ENDPOINT_BASE} is not zone a's etcd client`);
  });
});
