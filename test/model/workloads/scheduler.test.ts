/**
 * The incremental scheduler (sim/model/workloads/scheduler.ts) against placement.ts's `place`,
 * computed independently (a fresh scan of the fleet per call): the same nodes on a fresh fleet,
 * the thinnest eligible node after churn, and heaps that stay bounded however long the churn.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { place, type PlacementNode } from '../../../sim/model/workloads/placement.ts';
import { Scheduler } from '../../../sim/model/workloads/scheduler.ts';

function fleet(zones: string[], perZone: number): PlacementNode[] {
  const nodes: PlacementNode[] = [];
  for (let i = 0; i < zones.length * perZone; i++) nodes.push({ id: i, zone: zones[i % zones.length] });
  return nodes;
}

/** A fleet with per-node counts and eligibility the test changes by hand. */
function world(nodes: PlacementNode[], workloads: number) {
  const counts = new Map<string, number>();
  const eligible = new Set(nodes.map((n) => n.id));
  const view = {
    eligible: (id: number) => eligible.has(id),
    allowed: () => true,
    countOn: (id: number, w: number) => counts.get(`${id}/${w}`) ?? 0,
  };
  const add = (id: number, w: number, delta: 1 | -1) => counts.set(`${id}/${w}`, view.countOn(id, w) + delta);
  return { view, add, eligible, placements: Array.from({ length: workloads }, () => 'spread' as const) };
}

describe('Scheduler', () => {
  it('places a fresh fleet exactly as place() does (spread over zones, then the thinnest node, ties by id)', () => {
    const nodes = fleet(['a', 'b', 'c'], 4);
    const w = world(nodes, 1);
    const scheduler = new Scheduler(w.placements, nodes, w.view);
    const chosen: number[] = [];
    for (let k = 0; k < 30; k++) {
      const id = scheduler.choose(0);
      chosen.push(id);
      w.add(id, 0, 1);
      scheduler.countChanged(id, 0, 1);
    }
    expect(chosen).toEqual(place('spread', 30, nodes, () => Number.POSITIVE_INFINITY));
  });

  it('pack takes the lowest eligible node id', () => {
    const nodes = fleet(['a', 'b'], 3);
    const w = world(nodes, 1);
    const scheduler = new Scheduler(['pack'], nodes, w.view);
    w.eligible.delete(0);
    expect(scheduler.choose(0)).toBe(1);
  });

  it('property: after random churn (nodes down and up, instances leaving) it picks a node of the thinnest zone, the thinnest node there, and its heaps stay bounded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('down', 'up', 'leave', 'place'), fc.nat(11)), { minLength: 200, maxLength: 200 }),
        (steps) => {
          const nodes = fleet(['a', 'b', 'c'], 4);
          const w = world(nodes, 1);
          const scheduler = new Scheduler(w.placements, nodes, w.view);
          const zoneOf = (id: number) => nodes[id].zone;
          for (const [kind, id] of steps) {
            if (kind === 'down') w.eligible.delete(id);
            else if (kind === 'up' && !w.eligible.has(id)) {
              w.eligible.add(id);
              scheduler.nodeEligible(id);
            } else if (kind === 'leave' && w.view.countOn(id, 0) > 0) {
              w.add(id, 0, -1);
              scheduler.countChanged(id, 0, -1);
            } else if (kind === 'place') {
              const chosen = scheduler.choose(0);
              const candidates = nodes.filter((n) => w.eligible.has(n.id));
              if (candidates.length === 0) {
                expect(chosen).toBe(-1);
                continue;
              }
              // Independently: zone counts over every node, the thinnest zone with a candidate, its thinnest node.
              const zoneCount = (z: string) => nodes.filter((n) => n.zone === z).reduce((s, n) => s + w.view.countOn(n.id, 0), 0);
              const zones = [...new Set(candidates.map((n) => n.zone))].sort();
              const best = zones.reduce((b, z) => (zoneCount(z) < zoneCount(b) ? z : b));
              const inZone = candidates.filter((n) => n.zone === best).sort((x, y) => w.view.countOn(x.id, 0) - w.view.countOn(y.id, 0) || x.id - y.id);
              expect(chosen).toBe(inZone[0].id);
              expect(zoneOf(chosen)).toBe(best);
              w.add(chosen, 0, 1);
              scheduler.countChanged(chosen, 0, 1);
            }
            expect(scheduler.entries()).toBeLessThanOrEqual(3 * (4 * 4 + 64 + 1));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
