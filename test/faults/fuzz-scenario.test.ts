/**
 * sim/faults/fuzz-scenario.ts fed by hand: the document of a fuzz run, its YAML text (collections
 * of plain values on one line, lists of mappings one item per line), and the shrinker's
 * transformations (a shorter horizon, fewer nodes, faults losing the nodes that no longer
 * exist). Every expected document and text is written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { faultsOf, fuzzScenario, nodeCountOf, scenarioText, withDuration, withFaults, withFewerNodes, type RawScenario } from '../../sim/faults/fuzz-scenario.ts';

const HOUR = 3_600_000;

describe('fuzzScenario', () => {
  it("puts the scenario's own faults first, then the drawn ones, with the seed, the horizon, one expectation and a description that counts them", () => {
    const raw = { name: 'fz', duration: '1d', fuzz: { safety: '6h' }, faults: [{ at: '5m', kind: 'server-outage', duration: '1m' }], expect: ['rollout.completed'] };
    const drawn = [{ at: '1h', kind: 'node-crash' as const, target: { nodes: [3] }, duration: '2h' }];
    const doc = fuzzScenario(raw, { faults: drawn, lastHealMs: 3 * HOUR, horizonMs: 27 * HOUR }, 42);
    expect(doc).toEqual({
      name: 'fz-fuzz-42',
      description: 'fleetsim fuzz of fz, seed 42: 1 faults drawn in the safety phase, all healed by 3h, then the liveness phase.',
      duration: '1d3h',
      seed: 42,
      faults: [{ at: '5m', kind: 'server-outage', duration: '1m' }, drawn[0]],
      expect: ['invariants.violations == 0'],
    });
    expect(raw.fuzz).toEqual({ safety: '6h' });
  });
});

describe('scenarioText', () => {
  it('writes the schema header and the comment lines, then collections of plain values on one line, unpadded and unfolded', () => {
    const doc: RawScenario = {
      name: 'x',
      description: 'a description well over eighty characters long, which a default YAML line width would fold in two',
      fleet: { groups: [{ name: 'prod', nodes: 4, zones: ['a', 'b'] }] },
      faults: [{ at: '1h', kind: 'partition', sides: [['zone:a'], ['zone:b', 'server']], duration: '5m' }],
      expect: ['invariants.violations == 0'],
    };
    expect(scenarioText(doc, 'first line\n\nthird line  ')).toBe(
      [
        '# yaml-language-server: $schema=../docs/scenario.schema.json',
        '# first line',
        '#',
        '# third line',
        'name: x',
        'description: a description well over eighty characters long, which a default YAML line width would fold in two',
        'fleet:',
        '  groups:',
        '    - {name: prod, nodes: 4, zones: [a, b]}',
        'faults:',
        '  - {at: 1h, kind: partition, sides: [[zone:a], [zone:b, server]], duration: 5m}',
        'expect: [invariants.violations == 0]',
        '',
      ].join('\n'),
    );
  });

  it('flows three levels of plain nesting (a fault with its sides: the list, the lists of sides, the fault) and no deeper; a list holding a mapping stays a block', () => {
    const doc: RawScenario = { reboot: { window: { days: ['Mon'] }, strategy: 'reboot' }, deep: { b: { c: { d: { e: ['x'] } } } }, mixed: ['a', { b: 1 }], nested: [[{ a: 1 }, { b: 2 }]] };
    expect(scenarioText(doc, 'c')).toBe(
      [
        '# yaml-language-server: $schema=../docs/scenario.schema.json',
        '# c',
        'reboot: {window: {days: [Mon]}, strategy: reboot}',
        'deep:',
        '  b:',
        '    c: {d: {e: [x]}}',
        'mixed:',
        '  - a',
        '  - {b: 1}',
        'nested:',
        '  - - {a: 1}',
        '    - {b: 2}',
        '',
      ].join('\n'),
    );
  });
});

describe('the shrinker\'s transformations', () => {
  const doc: RawScenario = {
    name: 's',
    fleet: { groups: [{ name: 'canary', nodes: 4 }, { name: 'prod', nodes: 10 }] },
    etcd: { members: 3 },
    faults: [
      { at: '1h', kind: 'node-crash', target: { nodes: [1, 7, 8, 13] }, duration: '1h' },
      { at: '2h', kind: 'bad-disk', target: { nodes: [9, 12] } },
      { at: '3h', kind: 'partition', sides: [['node:2', ' node:7 '], ['node:12', 'zone:a'], ['node:13']], duration: '5m' },
      { at: '4h', kind: 'partition', sides: [['node:10']], duration: '5m' },
      { at: '5h', kind: 'server-outage', duration: '5m' },
    ],
  };

  it('faultsOf reads the faults, or none; withFaults replaces them; nodeCountOf adds the groups up', () => {
    expect(faultsOf(doc)).toHaveLength(5);
    expect(faultsOf({ name: 'n' })).toEqual([]);
    expect(withFaults(doc, [doc.faults![0 as never]]).faults).toEqual([(doc.faults as unknown[])[0]]);
    expect(nodeCountOf(doc)).toBe(14);
    expect(nodeCountOf({ fleet: { groups: [{ nodes: 2 }, {}] } })).toBe(2);
    expect(nodeCountOf({})).toBe(0);
  });

  it('withDuration writes the horizon as a duration and refuses one that is not whole ms > 0', () => {
    expect(withDuration(doc, 90 * 60_000).duration).toBe('1h30m');
    expect(withDuration(doc, 1).duration).toBe('1ms');
    expect(() => withDuration(doc, 0)).toThrow('a horizon must be whole ms > 0, got 0');
    expect(() => withDuration(doc, -5)).toThrow('a horizon must be whole ms > 0, got -5');
    expect(() => withDuration(doc, 1.5)).toThrow('a horizon must be whole ms > 0, got 1.5');
  });

  it('withFewerNodes scales every group (at least 1 node each) and drops the node references past the new fleet, and the faults left with none', () => {
    const half = withFewerNodes(doc, 0.5)!;
    // 4 -> 2, 10 -> 5: 7 nodes, 0..6.
    expect(half.fleet).toEqual({ groups: [{ name: 'canary', nodes: 2 }, { name: 'prod', nodes: 5 }] });
    expect(half.faults).toEqual([
      { at: '1h', kind: 'node-crash', target: { nodes: [1] }, duration: '1h' },
      { at: '3h', kind: 'partition', sides: [['node:2'], ['zone:a']], duration: '5m' },
      { at: '5h', kind: 'server-outage', duration: '5m' },
    ]);
    const tiny = withFewerNodes(doc, 0.01)!;
    expect(tiny.fleet).toEqual({ groups: [{ name: 'canary', nodes: 1 }, { name: 'prod', nodes: 1 }] });
  });

  it('keeps a node reference just below the new count and drops the one equal to it', () => {
    // 0.75: 4 -> 3, 10 -> 7: 10 nodes, 0..9; node 9 stays, node 10 goes.
    const scaled = withFewerNodes(doc, 0.75)!;
    expect(scaled.faults).toEqual([
      { at: '1h', kind: 'node-crash', target: { nodes: [1, 7, 8] }, duration: '1h' },
      { at: '2h', kind: 'bad-disk', target: { nodes: [9] } },
      { at: '3h', kind: 'partition', sides: [['node:2', ' node:7 '], ['zone:a']], duration: '5m' },
      { at: '5h', kind: 'server-outage', duration: '5m' },
    ]);
  });

  it('scales only the group asked for, and returns null when nothing would change', () => {
    const prodOnly = withFewerNodes(doc, 0.5, 1)!;
    expect(prodOnly.fleet).toEqual({ groups: [{ name: 'canary', nodes: 4 }, { name: 'prod', nodes: 5 }] });
    const canaryOnly = withFewerNodes(doc, 0.5, 0)!;
    expect(canaryOnly.fleet).toEqual({ groups: [{ name: 'canary', nodes: 2 }, { name: 'prod', nodes: 10 }] });
    expect(withFewerNodes({ fleet: { groups: [{ name: 'one', nodes: 1 }] } }, 0.5)).toBeNull();
    expect(withFewerNodes({ name: 'empty' }, 0.5)).toBeNull();
  });

  it('keeps at least as many nodes as members placed on the fleet (exactly as many is enough); dedicated members set no minimum', () => {
    const fleet = (members: number, placement: string): RawScenario => ({ fleet: { groups: [{ name: 'g', nodes: 10 }] }, etcd: { members, placement } });
    expect(withFewerNodes(fleet(5, 'fleet'), 0.5)!.fleet).toEqual({ groups: [{ name: 'g', nodes: 5 }] });
    expect(withFewerNodes(fleet(6, 'fleet'), 0.5)).toBeNull();
    expect(withFewerNodes(fleet(7, 'dedicated'), 0.5)!.fleet).toEqual({ groups: [{ name: 'g', nodes: 5 }] });
  });

  it('refuses a factor outside (0, 1)', () => {
    expect(() => withFewerNodes(doc, 0)).toThrow('scale factor 0 outside (0, 1)');
    expect(() => withFewerNodes(doc, 1)).toThrow('scale factor 1 outside (0, 1)');
    expect(() => withFewerNodes(doc, -0.5)).toThrow('scale factor -0.5 outside (0, 1)');
  });
});
