import { assert } from '../../engine/assert.ts';
import type { RandomStream } from '../../engine/random.ts';
import type { Target } from '../../scenario/faults.ts';
import type { FleetLayout } from './fleet-layout.ts';

/**
 * The nodes a fault or an operator action hits: every node matching the group and zone selectors (both when both are
 * given), or the listed `nodes`; then `count` of them or a `fraction` of them, picked with the
 * fault stream (a seeded shuffle), so the same seed hits the same nodes.
 */
export function resolveNodeTarget(world: Pick<FleetLayout, 'nodeCount' | 'groupNames' | 'zoneNames' | 'nodeGroup' | 'nodeZone'>, target: Target, random: RandomStream): number[] {
  assert(target.etcd === undefined, 'an etcd target is not a node target');
  let nodes: number[];
  if (target.nodes !== undefined) {
    nodes = [...target.nodes];
    for (const node of nodes) assert(node >= 0 && node < world.nodeCount, `node ${node} does not exist (the fleet has ${world.nodeCount})`);
  } else {
    const group = target.group === undefined ? -1 : world.groupNames.indexOf(target.group);
    const zone = target.zone === undefined ? -1 : world.zoneNames.indexOf(target.zone);
    assert(target.group === undefined || group >= 0, `unknown group "${target.group}"`);
    assert(target.zone === undefined || zone >= 0, `unknown zone "${target.zone}"`);
    nodes = [];
    for (let node = 0; node < world.nodeCount; node++) {
      if (group >= 0 && world.nodeGroup[node] !== group) continue;
      if (zone >= 0 && world.nodeZone[node] !== zone) continue;
      nodes.push(node);
    }
  }
  let pick = nodes.length;
  if (target.count !== undefined) pick = Math.min(target.count, nodes.length);
  if (target.fraction !== undefined) pick = Math.round(target.fraction * nodes.length);
  if (pick < nodes.length) {
    random.shuffle(nodes);
    nodes = nodes.slice(0, pick).sort((a, b) => a - b);
  }
  return nodes;
}
