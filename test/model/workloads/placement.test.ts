/**
 * Placement (sim/model/workloads/placement.ts): spread over zones then nodes (the effect of
 * kube-scheduler's PodTopologySpread), pack fills nodes in order (NodeResourcesFit MostAllocated).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { place, type PlacementNode } from '../../../sim/model/workloads/placement.ts';

const nodes: PlacementNode[] = [
  { id: 0, zone: 'a' },
  { id: 1, zone: 'a' },
  { id: 2, zone: 'a' },
  { id: 3, zone: 'b' },
  { id: 4, zone: 'c' },
];

describe('spread placement', () => {
  it('goes round the zones first, then over the nodes of a zone', () => {
    // Zones a, b, c in turn, then a, b, c again: a's second instance goes to node 1, not node 0.
    expect(place('spread', 6, nodes, () => 10)).toEqual([0, 3, 4, 1, 3, 4]);
  });

  it('skips full nodes and leaves the rest pending when there is no room', () => {
    expect(place('spread', 4, nodes, (id) => (id === 3 ? 0 : 1))).toEqual([0, 4, 1, 2]);
    expect(place('spread', 9, nodes, () => 1)).toHaveLength(5);
  });

  it('counts the instances already placed (a rescheduled instance goes where the workload is thinnest)', () => {
    const alreadyOn = (id: number) => (id === 0 || id === 3 ? 1 : 0);
    expect(place('spread', 1, nodes, () => 10, alreadyOn)).toEqual([4]);
  });

  it('property: zone counts never differ by more than one while every zone has room', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 8 }), (replicas, zoneCount, perZone) => {
        const fleet: PlacementNode[] = [];
        for (let z = 0; z < zoneCount; z++) for (let k = 0; k < perZone; k++) fleet.push({ id: fleet.length, zone: `z${z}` });
        const chosen = place('spread', replicas, fleet, () => 1_000);
        expect(chosen).toHaveLength(replicas);
        const perZoneCount = new Map<string, number>();
        for (const id of chosen) perZoneCount.set(fleet[id].zone, (perZoneCount.get(fleet[id].zone) ?? 0) + 1);
        const counts = fleet.map((n) => perZoneCount.get(n.zone) ?? 0);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('pack placement', () => {
  it('fills nodes in id order up to their free slots', () => {
    expect(place('pack', 5, nodes, () => 2)).toEqual([0, 0, 1, 1, 2]);
  });
});
