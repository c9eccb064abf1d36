import { assert } from '../engine/assert.ts';
import type { PartitionMember } from '../scenario/faults.ts';
import type { World } from '../model/world/world.ts';
import { resolveEtcdMember } from './targets.ts';

/**
 * Where a partition puts everything that talks: each fleet node, the update server, each etcd
 * member and each zone's etcd client. Side -1 is "the rest": whatever no side names forms one
 * more side (as in sim/model/network/network.ts), so `[[etcd:leader]]` isolates the leader from
 * everything and `[[zone:a]]` cuts zone a off from the other zones AND from the update server
 * unless a side names `server` too.
 *
 * What each side item takes along:
 * - `zone:Z`: the zone's nodes, its etcd client (the nodes' etcd traffic leaves the zone through
 *   it) and the etcd members placed in it;
 * - `group:G`: the group's nodes; `node:N`: that node;
 * - `etcd:M`, `etcd:leader` (whoever leads when the partition starts): that member;
 * - `server`: the update server.
 * An etcd member on a fleet node (placement: fleet) goes where its host node goes. When items
 * overlap, the most specific wins (etcd > node > group > zone), then the first side.
 *
 * A zone's etcd client goes to the side that names its zone, else to the side holding most of the
 * zone's nodes. A node on another side than its zone's client is cut off from etcd altogether
 * (World.setLockReachable): an approximation, since the simulated nodes share one etcd client per
 * zone; it only errs for a node split from its zone onto a side that also holds etcd members.
 */
export interface PartitionLayout {
  /** Side per node. */
  readonly nodeSide: Int16Array;
  readonly serverSide: number;
  /** Side per etcd member (empty without etcd). */
  readonly memberSide: readonly number[];
  /** Side per zone's etcd client. */
  readonly zoneClientSide: readonly number[];
  /** Members `etcd:leader` resolved to (-1 when there was no leader), for the trace. */
  readonly leaders: readonly number[];
}

const REST = -1;
const RANK_NONE = 0;
const RANK_ZONE = 1;
const RANK_GROUP = 2;
const RANK_NODE = 3;
const RANK_ETCD = 4;

export function layoutPartition(world: World, sides: readonly (readonly PartitionMember[])[]): PartitionLayout {
  assert(sides.length >= 1, 'a partition needs at least one side');
  const nodeCount = world.nodeCount;
  const memberCount = world.etcd?.cluster.members.length ?? 0;
  const zoneCount = world.zoneNames.length;
  const nodeSide = new Int16Array(nodeCount).fill(REST);
  const nodeRank = new Uint8Array(nodeCount);
  const memberSide = new Array<number>(memberCount).fill(REST);
  const memberRank = new Array<number>(memberCount).fill(RANK_NONE);
  const zoneNamedSide = new Array<number>(zoneCount).fill(REST);
  const zoneNamed = new Array<boolean>(zoneCount).fill(false);
  const leaders: number[] = [];
  let serverSide = REST;
  let serverNamed = false;

  const putNode = (node: number, side: number, rank: number) => {
    if (rank > nodeRank[node]) {
      nodeRank[node] = rank;
      nodeSide[node] = side;
    }
  };
  const putMember = (member: number, side: number, rank: number) => {
    if (rank > memberRank[member]) {
      memberRank[member] = rank;
      memberSide[member] = side;
    }
  };

  sides.forEach((side, index) => {
    for (const item of side) {
      switch (item.kind) {
        case 'zone': {
          const zone = world.zoneNames.indexOf(item.zone);
          assert(zone >= 0, `partition: unknown zone "${item.zone}"`);
          if (!zoneNamed[zone]) {
            zoneNamed[zone] = true;
            zoneNamedSide[zone] = index;
          }
          for (let node = 0; node < nodeCount; node++) if (world.nodeZone[node] === zone) putNode(node, index, RANK_ZONE);
          if (world.etcd !== null && world.memberNode.length === 0) {
            world.etcd.memberZones.forEach((memberZone, member) => {
              if (memberZone === item.zone) putMember(member, index, RANK_ZONE);
            });
          }
          break;
        }
        case 'group': {
          const group = world.groupNames.indexOf(item.group);
          assert(group >= 0, `partition: unknown group "${item.group}"`);
          for (let node = 0; node < nodeCount; node++) if (world.nodeGroup[node] === group) putNode(node, index, RANK_GROUP);
          break;
        }
        case 'node':
          assert(item.node >= 0 && item.node < nodeCount, `partition: node ${item.node} does not exist (the fleet has ${nodeCount})`);
          putNode(item.node, index, RANK_NODE);
          break;
        case 'etcd': {
          const member = resolveEtcdMember(world, item.etcd);
          if (item.etcd === 'leader') leaders.push(member);
          if (member >= 0) putMember(member, index, RANK_ETCD);
          break;
        }
        case 'server':
          if (!serverNamed) {
            serverNamed = true;
            serverSide = index;
          }
          break;
      }
    }
  });

  // Members on fleet nodes follow their hosts unless named themselves.
  world.memberNode.forEach((host, member) => {
    if (memberRank[member] < RANK_ETCD) memberSide[member] = nodeSide[host];
  });

  const zoneClientSide = zoneNamedSide.map((named, zone) => (zoneNamed[zone] ? named : majoritySide(nodeSide, world.nodeZone, zone, sides.length)));
  return { nodeSide, serverSide, memberSide, zoneClientSide, leaders };
}

/** The side holding most of a zone's nodes (ties: the rest, then the lower side index). */
function majoritySide(nodeSide: Int16Array, nodeZone: Uint16Array, zone: number, sideCount: number): number {
  const counts = new Array<number>(sideCount + 1).fill(0);
  for (let node = 0; node < nodeSide.length; node++) if (nodeZone[node] === zone) counts[nodeSide[node] + 1]++;
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i] > counts[best]) best = i;
  return best - 1;
}
