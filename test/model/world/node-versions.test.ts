/**
 * The fleet's "updated" count (sim/model/world/node-versions.ts): nodes running their group's
 * current target, kept incrementally as nodes boot versions and the server retargets groups;
 * compared with a recount from scratch after every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetMetrics } from '../../../sim/model/world/fleet-metrics.ts';
import { NodeVersions } from '../../../sim/model/world/node-versions.ts';

type Step = { kind: 'boot'; node: number; version: number } | { kind: 'retarget'; group: number; version: number };

function world(nodeGroup: number[], groupCount: number) {
  const updated: number[] = [];
  const metrics = {
    versionChanged: () => {},
    releasePublished: () => {},
    updatedChanged: (count: number) => updated.push(count),
  } as unknown as FleetMetrics;
  const changes: [number, number, number][] = [];
  const nodeVersion = new Int16Array(nodeGroup.length);
  const versions = new NodeVersions({ nodeVersion, nodeGroup: Uint16Array.from(nodeGroup), groupCount, metrics, nodeVersionChanged: (node, from, to) => changes.push([node, from, to]) });
  return { versions, nodeVersion, updated, changes };
}

describe('NodeVersions', () => {
  it('tells the server each change of version with the version before it', () => {
    const w = world([0, 0], 1);
    w.versions.setVersion(1, 2, 0);
    w.versions.setVersion(1, 3, 0);
    expect(w.changes).toEqual([[1, 0, 2], [1, 2, 3]]);
    expect(Array.from(w.nodeVersion)).toEqual([0, 3]);
  });

  it('keeps the updated count equal to a recount under any order of boots and retargets', () => {
    const nodes = 12;
    const groups = 3;
    const step = fc.oneof(
      fc.record({ kind: fc.constant('boot' as const), node: fc.integer({ min: 0, max: nodes - 1 }), version: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constant('retarget' as const), group: fc.integer({ min: 0, max: groups - 1 }), version: fc.integer({ min: 0, max: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), (steps: Step[]) => {
        const nodeGroup = Array.from({ length: nodes }, (_, i) => i % groups);
        const w = world(nodeGroup, groups);
        const target = new Array<number>(groups).fill(-1);
        const version = new Array<number>(nodes).fill(0);
        for (const s of steps) {
          if (s.kind === 'boot') {
            if (version[s.node] === s.version) continue; // the world sets only a change
            version[s.node] = s.version;
            w.versions.setVersion(s.node, s.version, 0);
          } else {
            target[s.group] = s.version;
            w.versions.retarget(s.group, s.version, 0);
          }
          const recount = version.filter((v, node) => v === target[nodeGroup[node]]).length;
          // The last count the metrics heard is the recount (or nothing heard yet: 0).
          expect(w.updated.length === 0 ? 0 : w.updated[w.updated.length - 1]).toBe(recount);
        }
      }),
      { numRuns: 300 },
    );
  });
});
