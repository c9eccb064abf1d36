/**
 * shrinkScenario (sim/faults/shrink.ts) against synthetic failure predicates, so that each rule
 * of the shrinker is seen alone: it keeps only the faults the failure needs, halves the fleet
 * while the failure holds, cuts the horizon after a safety violation, and stops at its run bound.
 */
import { describe, expect, it } from 'vitest';
import { shrinkScenario } from '../../sim/faults/shrink.ts';
import { faultsOf, nodeCountOf, withFewerNodes, type RawScenario } from '../../sim/faults/fuzz-scenario.ts';

function doc(faultCount: number, nodes = [40, 160]): RawScenario {
  return {
    name: 's',
    duration: '2d',
    fleet: { groups: [{ name: 'canary', nodes: nodes[0] }, { name: 'prod', nodes: nodes[1] }] },
    faults: Array.from({ length: faultCount }, (_, i) => ({ at: `${i + 1}h`, kind: 'node-crash', target: { nodes: [i * 10] }, duration: '5m' })),
  };
}

const atOf = (d: RawScenario) => faultsOf(d).map((f) => (f as { at: string }).at);

describe('shrinkScenario', () => {
  it('keeps exactly the faults the failure needs', () => {
    const needs = ['3h', '11h'];
    const result = shrinkScenario(doc(16), {
      stillFails: (d) => needs.every((at) => atOf(d).includes(at)),
      failureTimeMs: null,
      horizonMs: 2 * 86_400_000,
      maxRuns: 500,
    });
    expect(atOf(result.doc)).toEqual(needs);
    expect(result.faults).toBe(2);
  });

  it('halves the chunk of faults it drops: 16 faults, one needed (the 14th), cost 10 runs counted by hand', () => {
    // [] fails (1); chunk 8: drop 1-8 holds (2), drop 9-16 fails (3); chunk 4: drop 9-12 holds
    // (4), drop 13-16 fails (5); chunk 2: drop 13-14 fails (6), drop 15-16 holds (7); chunk 1:
    // drop 13 holds (8), drop 14 fails (9). A fleet of one node per group cannot shrink; the last
    // pass tries dropping the one fault left (10).
    const result = shrinkScenario(doc(16, [1, 1]), {
      stillFails: (d) => atOf(d).includes('14h'),
      failureTimeMs: null,
      horizonMs: 2 * 86_400_000,
      maxRuns: 500,
    });
    expect(atOf(result.doc)).toEqual(['14h']);
    expect(result.runs).toBe(10);
  });

  it('drops every fault when the failure needs none', () => {
    const result = shrinkScenario(doc(9), { stillFails: () => true, failureTimeMs: null, horizonMs: 2 * 86_400_000, maxRuns: 500 });
    expect(result.faults).toBe(0);
  });

  it('halves the fleet while the failure holds, then each group; faults on nodes that no longer exist go', () => {
    const result = shrinkScenario(doc(4), {
      stillFails: (d) => nodeCountOf(d) >= 25 && faultsOf(d).length >= 1,
      failureTimeMs: null,
      horizonMs: 2 * 86_400_000,
      maxRuns: 500,
    });
    expect(result.nodes).toBeGreaterThanOrEqual(25);
    expect(result.nodes).toBeLessThan(50);
    for (const fault of faultsOf(result.doc)) {
      for (const node of (fault as { target: { nodes: number[] } }).target.nodes) expect(node).toBeLessThan(result.nodes);
    }
  });

  it('cuts the horizon to just after a safety violation', () => {
    const result = shrinkScenario(doc(2), { stillFails: () => true, failureTimeMs: 5 * 3_600_000 + 0.5, horizonMs: 2 * 86_400_000, maxRuns: 500 });
    expect(result.doc.duration).toBe('5h1m1ms');
  });

  it('drops, after shrinking the fleet, a fault that only the larger fleet needed (the final pass)', () => {
    // The failure needs fault 1h always, and fault 2h only while the fleet has more than 4 nodes
    // (every fault hits node 0, so halving the fleet never drops one by itself). The first pass
    // can drop only 3h; halving the fleet down to 2 nodes keeps it failing; only the final pass
    // over the faults can then drop 2h.
    const start: RawScenario = {
      name: 's',
      duration: '2d',
      fleet: { groups: [{ name: 'prod', nodes: 16 }] },
      faults: ['1h', '2h', '3h'].map((at) => ({ at, kind: 'node-crash', target: { nodes: [0] }, duration: '5m' })),
    };
    const result = shrinkScenario(start, {
      stillFails: (d) => atOf(d).includes('1h') && (nodeCountOf(d) <= 4 || atOf(d).includes('2h')),
      failureTimeMs: null,
      horizonMs: 2 * 86_400_000,
      maxRuns: 500,
    });
    expect(result.nodes).toBe(1);
    expect(atOf(result.doc)).toEqual(['1h']);
  });

  it('spends at most maxRuns runs', () => {
    let runs = 0;
    const result = shrinkScenario(doc(30), { stillFails: () => (runs++, false), failureTimeMs: null, horizonMs: 1, maxRuns: 7 });
    expect(runs).toBe(7);
    expect(result.runs).toBe(7);
    expect(result.faults).toBe(30);
  });

  it('withFewerNodes keeps etcd members on the fleet and at least one node per group', () => {
    const d = { ...doc(0, [1, 3]), etcd: { members: 3, placement: 'fleet' } };
    expect(withFewerNodes(d, 0.5)).toBeNull();
    expect(nodeCountOf(withFewerNodes(doc(0, [1, 9]), 0.5)!)).toBe(5);
  });
});

describe('shrinkScenario, counted by hand (a predicate that records every candidate)', () => {
  const DAY_MS = 86_400_000;
  const never = (seen: RawScenario[]) => (d: RawScenario) => {
    seen.push(d);
    return false;
  };

  it('a failure that never reproduces costs: each single-fault drop, one halving of the fleet, one of each group, and the drops again', () => {
    // One fault: no "drop them all" shortcut (it needs more than one); the chunk pass tries the
    // fault's removal once; halving tries the whole fleet and each of the 2 groups once; the last
    // pass tries the removal again: 1 + 3 + 1 runs.
    const seen: RawScenario[] = [];
    const one = shrinkScenario(doc(1), { stillFails: never(seen), failureTimeMs: null, horizonMs: 2 * DAY_MS, maxRuns: 100 });
    expect(one.runs).toBe(5);
    expect(seen.map((d) => faultsOf(d).length)).toEqual([0, 1, 1, 1, 0]);
    expect(one.faults).toBe(1);
    expect(one.nodes).toBe(200);
    // No fault at all: only the three halvings.
    expect(shrinkScenario(doc(0), { stillFails: never([]), failureTimeMs: null, horizonMs: 2 * DAY_MS, maxRuns: 100 }).runs).toBe(3);
    // Two faults: drop both (1), then halves of 1 (2 runs), halvings (3), the same two drops (3).
    const two: RawScenario[] = [];
    expect(shrinkScenario(doc(2), { stillFails: never(two), failureTimeMs: null, horizonMs: 2 * DAY_MS, maxRuns: 100 }).runs).toBe(9);
    expect(two.map((d) => atOf(d).join('+'))).toEqual(['', '2h', '1h', '1h+2h', '1h+2h', '1h+2h', '', '2h', '1h']);
  });

  it('never runs more than maxRuns, and uses them all while there is something left to try', () => {
    for (const maxRuns of [0, 1, 2, 3, 4, 7]) {
      const result = shrinkScenario(doc(9), { stillFails: () => true, failureTimeMs: null, horizonMs: 2 * DAY_MS, maxRuns });
      expect(result.runs, `maxRuns ${maxRuns}`).toBe(maxRuns);
    }
    const untouched = doc(3);
    expect(shrinkScenario(untouched, { stillFails: () => true, failureTimeMs: 1_000, horizonMs: 2 * DAY_MS, maxRuns: 0 }).doc).toBe(untouched);
    expect(() => shrinkScenario(doc(1), { stillFails: () => true, failureTimeMs: null, horizonMs: DAY_MS, maxRuns: -1 })).toThrow('maxRuns must be >= 0');
  });

  it('cuts the horizon only when the cut (violation + 1 min) is shorter than the run', () => {
    const at = (failureTimeMs: number, horizonMs: number) => {
      const seen: RawScenario[] = [];
      shrinkScenario(doc(0), { stillFails: never(seen), failureTimeMs, horizonMs, maxRuns: 100 });
      return seen[0].duration;
    };
    expect(at(3_600_000, 3_660_001)).toBe('1h1m');
    // Equal: nothing to cut, the first candidate is already a halving at the original horizon.
    expect(at(3_600_000, 3_660_000)).toBe('2d');
  });
});
