// Checks applyOverrides (dotted paths, list elements by index or name, created mappings, and
// errors for paths that cannot be set) and overrides passed to parseScenario, whose values are
// validated like the file's.
import { describe, expect, it } from 'vitest';
import { applyOverrides, parseOverrideValue, splitPath } from '../../sim/scenario/index.ts';
import { errorsOf, lines, load } from './helpers.ts';

const FILE = lines(
  'name: sweep',
  'duration: 7d',
  'fleet:',
  '  groups:',
  '    - {name: canary, nodes: 5}',
  '    - {name: prod, nodes: 100}',
  'releases: [{version: 3815.2.0}]',
  'reboot: {maxConcurrent: 1}',
);

describe('splitPath', () => {
  it('splits on dots and keeps bracketed names whole', () => {
    expect(splitPath('reboot.maxConcurrent')).toEqual(['reboot', 'maxConcurrent']);
    expect(splitPath('fleet.groups[1].nodes')).toEqual(['fleet', 'groups', '1', 'nodes']);
    expect(splitPath('releases[3815.2.0].size')).toEqual(['releases', '3815.2.0', 'size']);
    expect(splitPath('a..b')).toBeNull();
    expect(splitPath('a.')).toBeNull();
    expect(splitPath('')).toBeNull();
  });
});

describe('applyOverrides', () => {
  const raw = { reboot: { maxConcurrent: 1 }, fleet: { groups: [{ name: 'canary', nodes: 5 }, { name: 'prod', nodes: 100 }] } };

  it('sets dotted paths without touching the input', () => {
    const result = applyOverrides(raw, { 'reboot.maxConcurrent': 4, 'policy.default.maxUpdatesPerPeriod': 10 });
    expect(result).toMatchObject({
      ok: true,
      raw: { reboot: { maxConcurrent: 4 }, policy: { default: { maxUpdatesPerPeriod: 10 } } },
      applied: [
        { path: 'reboot.maxConcurrent', segments: ['reboot', 'maxConcurrent'] },
        { path: 'policy.default.maxUpdatesPerPeriod', segments: ['policy', 'default', 'maxUpdatesPerPeriod'] },
      ],
    });
    expect(raw.reboot.maxConcurrent).toBe(1);
  });

  it('chooses list elements by index or by name', () => {
    for (const path of ['fleet.groups[1].nodes', 'fleet.groups.1.nodes', 'fleet.groups.prod.nodes', 'fleet.groups[prod].nodes']) {
      const result = applyOverrides(raw, { [path]: 7 });
      expect(result.ok && (result.raw as typeof raw).fleet.groups[1].nodes).toBe(7);
      expect(result.ok && result.applied[0].segments).toEqual(['fleet', 'groups', 1, 'nodes']);
    }
  });

  it('reports every path that cannot be set', () => {
    expect(applyOverrides(raw, { 'fleet.groups.staging.nodes': 1, 'fleet.groups[5].nodes': 1, 'reboot.maxConcurrent.x': 1, 'a..b': 1 })).toEqual({
      ok: false,
      errors: [
        { path: 'fleet.groups.staging.nodes', message: 'cannot set fleet.groups.staging.nodes: fleet.groups has no element named "staging"' },
        { path: 'fleet.groups[5].nodes', message: 'cannot set fleet.groups[5].nodes: fleet.groups has 2 elements, so there is no [5]' },
        { path: 'reboot.maxConcurrent.x', message: 'cannot set reboot.maxConcurrent.x: reboot.maxConcurrent is 1, not a mapping or a list' },
        { path: 'a..b', message: 'expected a path like reboot.maxConcurrent or fleet.groups[1].nodes, found "a..b"' },
      ],
    });
  });
});

describe('parseOverrideValue', () => {
  it('reads values the way the file would', () => {
    expect(parseOverrideValue('5')).toBe(5);
    expect(parseOverrideValue('2h')).toBe('2h');
    expect(parseOverrideValue('null')).toBe(null);
    expect(parseOverrideValue('true')).toBe(true);
    expect(parseOverrideValue('{min: 1s, max: 2s}')).toEqual({ min: '1s', max: '2s' });
    expect(parseOverrideValue('')).toBe('');
  });
});

describe('parseScenario with overrides', () => {
  it('applies them before validation, so values are normalised', () => {
    const s = load(FILE, { overrides: { duration: '2d', 'reboot.maxConcurrent': 3, 'fleet.groups.prod.nodes': 50, 'releases[3815.2.0].size': '1GB' } });
    expect(s.duration).toBe(172_800_000);
    expect(s.reboot.maxConcurrent).toBe(3);
    expect(s.fleet.groups[1].nodes).toBe(50);
    expect(s.releases[0].size).toBe(1e9);
  });

  it('an invalid override value is reported at the value it replaced and names the override', () => {
    expect(errorsOf(FILE, { overrides: { 'reboot.maxConcurrent': 0 } })).toEqual([
      'test.yaml:8:25: reboot.maxConcurrent: expected a whole number between 1 and 1000000, found the number 0 (from override reboot.maxConcurrent)',
    ]);
  });

  it('an unknown key set by an override is an unknown key like any other', () => {
    expect(errorsOf(FILE, { 'overrides': { 'reboot.maxConcurent': 2 } })).toEqual([
      'test.yaml:8:9: reboot.maxConcurent: unknown key "maxConcurent" (did you mean "maxConcurrent"?); expected one of: agent, strategy, maxConcurrent, lockGroup, lockTTL, window, drain, period, drainTimeout, forceReboot, rebootDelay, lockReleaseDelay, alerts, blockingPods, rolloutWariness, steadyInterval, groups (from override reboot.maxConcurent)',
    ]);
  });

  it('a path that cannot be set is an error without a position', () => {
    expect(errorsOf(FILE, { overrides: { 'fleet.groups.staging.nodes': 1 } })).toEqual([
      'test.yaml: fleet.groups.staging.nodes: override: cannot set fleet.groups.staging.nodes: fleet.groups has no element named "staging"',
    ]);
  });
});
