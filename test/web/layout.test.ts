// The fleet view's layout (web/client/layout.ts) numbers nodes as the world does
// (sim/model/world/world.ts: groups in file order, zones round-robin within a group), so the
// cell the browser paints for node i shows node i; and hit-testing finds every node's own cell.

import { describe, expect, it } from 'vitest';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { computeLayout, nodeAt, nodeBlocks } from '../../web/client/layout.ts';

const SCENARIO = `name: layout
duration: 1h
fleet:
  groups:
    - {name: g1, nodes: 7, zones: [b]}
    - {name: g2, nodes: 23, zones: [a, b, c]}
    - {name: g3, nodes: 5, zones: [c, a]}
`;

describe('fleet view layout', () => {
  it('puts every node in the block of its own zone and group, as the world numbers them', () => {
    const parsed = parseScenario(SCENARIO, 'layout.yaml');
    if (!parsed.ok) throw new Error('scenario must parse');
    const world = new FleetRun(parsed.scenario).world;
    const groups = parsed.scenario.fleet.groups.map((g) => ({ name: g.name, nodes: g.nodes, zones: g.zones }));
    const blocks = nodeBlocks(groups, world.zoneNames);
    const seen = new Set<number>();
    for (const block of blocks) {
      for (const node of block.nodes) {
        expect(world.nodeZone[node]).toBe(block.zone);
        expect(world.nodeGroup[node]).toBe(block.group);
        seen.add(node);
      }
    }
    expect(seen.size).toBe(world.nodeCount);
  });

  it('finds each node under its own cell, at every cell size', () => {
    const groups = [
      { name: 'canary', nodes: 50, zones: ['a'] },
      { name: 'prod', nodes: 2950, zones: ['a', 'b', 'c'] },
    ];
    for (const [width, height] of [[1200, 600], [300, 200], [2400, 1400]]) {
      const layout = computeLayout(groups, ['a', 'b', 'c'], 3000, width, height, 1);
      for (let node = 0; node < 3000; node += 7) {
        const offset = layout.nodeOffset[node];
        const x = offset % width;
        const y = Math.floor(offset / width);
        expect(nodeAt(layout, x, y)).toBe(node);
      }
    }
  });
});
