import { assert } from '../../engine/assert.ts';
import type { Scenario } from '../../scenario/schema.ts';

/**
 * The fleet's layout: nodes numbered in file order, first group first; zones round-robin within
 * a group; a node's hardware class is its group's. Names are kept in first-seen order, so an
 * index into them is stable for a scenario.
 */
export interface FleetLayout {
  readonly nodeCount: number;
  readonly groupNames: string[];
  readonly zoneNames: string[];
  readonly hardwareNames: string[];
  readonly nodeGroup: Uint16Array;
  readonly nodeZone: Uint16Array;
  /** Index into hardwareNames, -1 for unlabelled nodes. */
  readonly nodeHardware: Int16Array;
}

/** The zone of an etcd cluster without fleet nodes. */
export const ETCD_ONLY_ZONE = 'etcd';

export function layOutFleet(fleet: Scenario['fleet']): FleetLayout {
  const groupNames = fleet.groups.map((g) => g.name);
  const nodeCount = fleet.groups.reduce((sum, g) => sum + g.nodes, 0);
  // An etcd-only scenario (`fleet.groups: []`, docs/scenario-format.md) has no node; its members
  // live in one zone of their own.
  const fleetZones = [...new Set(fleet.groups.flatMap((g) => g.zones))];
  const zoneNames = fleetZones.length > 0 ? fleetZones : [ETCD_ONLY_ZONE];
  const hardwareNames = [...new Set(fleet.groups.flatMap((g) => (g.hardware === null ? [] : [g.hardware])))];
  const nodeGroup = new Uint16Array(nodeCount);
  const nodeZone = new Uint16Array(nodeCount);
  const nodeHardware = new Int16Array(nodeCount);
  let node = 0;
  fleet.groups.forEach((group, g) => {
    const hardware = group.hardware === null ? -1 : hardwareNames.indexOf(group.hardware);
    const zones = group.zones.map((z) => zoneNames.indexOf(z));
    for (let i = 0; i < group.nodes; i++, node++) {
      nodeGroup[node] = g;
      nodeZone[node] = zones[i % zones.length];
      nodeHardware[node] = hardware;
    }
  });
  return { nodeCount, groupNames, zoneNames, hardwareNames, nodeGroup, nodeZone, nodeHardware };
}
