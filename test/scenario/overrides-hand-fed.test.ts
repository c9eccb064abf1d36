// Hand-fed edge cases of overrides (sim/scenario/overrides.ts): malformed paths, a document that
// is not a mapping or is empty, list indices of two digits and one past the end, replacing a whole
// list element, null mappings on the way, and override values that are blank or not YAML.
import { describe, expect, it } from 'vitest';
import { applyOverrides, parseOverrideValue, splitPath } from '../../sim/scenario/overrides.ts';

describe('splitPath on malformed and spaced paths', () => {
  it('refuses a path with a stray closing bracket instead of skipping over it', () => {
    expect(splitPath('a.]b')).toBeNull();
    expect(splitPath('a.]')).toBeNull();
  });

  it('refuses a bare name glued to a bracket without a dot', () => {
    expect(splitPath('a[0]b')).toBeNull();
    expect(splitPath('a[0].b')).toEqual(['a', '0', 'b']);
  });

  it('trims blanks inside brackets and around names', () => {
    expect(splitPath('groups[ prod ].nodes')).toEqual(['groups', 'prod', 'nodes']);
    expect(splitPath('a. b')).toEqual(['a', 'b']);
  });

  it('refuses an empty path and a path ending in a dot', () => {
    expect(splitPath('')).toBeNull();
    expect(splitPath('a.')).toBeNull();
    expect(splitPath('a.b.')).toBeNull();
  });
});

describe('applyOverrides on the document as a whole', () => {
  it('refuses a document that is a list or a scalar, saying what it found', () => {
    const list = { ok: false, errors: [{ path: '', message: 'expected the scenario to be a mapping, found a list' }] };
    expect(applyOverrides([1, 2], { 'a.b': 1 })).toEqual(list);
    expect(applyOverrides([], {})).toEqual(list);
    expect(applyOverrides(5, {})).toEqual({ ok: false, errors: [{ path: '', message: 'expected the scenario to be a mapping, found number' }] });
    expect(applyOverrides('text', {})).toEqual({ ok: false, errors: [{ path: '', message: 'expected the scenario to be a mapping, found string' }] });
  });

  it('treats an empty document (null or nothing) as an empty mapping', () => {
    for (const raw of [null, undefined]) {
      expect(applyOverrides(raw, { 'reboot.maxConcurrent': 2 })).toEqual({
        ok: true,
        raw: { reboot: { maxConcurrent: 2 } },
        applied: [{ path: 'reboot.maxConcurrent', segments: ['reboot', 'maxConcurrent'] }],
      });
    }
  });

  it('accepts a mapping with no overrides and returns an equal copy', () => {
    const raw = { name: 'x' };
    const result = applyOverrides(raw, {});
    expect(result).toEqual({ ok: true, raw: { name: 'x' }, applied: [] });
    expect(result.ok && result.raw).not.toBe(raw);
  });
});

describe('applyOverrides on list elements', () => {
  // Eleven groups g0..g10, so that index 10 has two digits.
  const groups = Array.from({ length: 11 }, (_, i) => ({ name: `g${i}`, nodes: i }));

  it('reads an index of two digits as an index, not a name', () => {
    const result = applyOverrides({ fleet: { groups } }, { 'fleet.groups.10.nodes': 99 });
    expect(result.ok && (result.raw as { fleet: { groups: typeof groups } }).fleet.groups[10]).toEqual({ name: 'g10', nodes: 99 });
    expect(result.ok && result.applied[0].segments).toEqual(['fleet', 'groups', 10, 'nodes']);
  });

  it('refuses the index one past the end rather than growing the list', () => {
    const two = { fleet: { groups: [{ name: 'a' }, { name: 'b' }] } };
    expect(applyOverrides(two, { 'fleet.groups[2]': { name: 'c' } })).toEqual({
      ok: false,
      errors: [{ path: 'fleet.groups[2]', message: 'cannot set fleet.groups[2]: fleet.groups has 2 elements, so there is no [2]' }],
    });
    expect(applyOverrides(two, { 'fleet.groups.12': 1 })).toEqual({
      ok: false,
      errors: [{ path: 'fleet.groups.12', message: 'cannot set fleet.groups.12: fleet.groups has 2 elements, so there is no [12]' }],
    });
  });

  it('replaces a whole list element when the path ends at it', () => {
    const two = { fleet: { groups: [{ name: 'a', nodes: 1 }, { name: 'b', nodes: 2 }] } };
    const result = applyOverrides(two, { 'fleet.groups[0]': { name: 'edge', nodes: 3 } });
    expect(result).toEqual({
      ok: true,
      raw: { fleet: { groups: [{ name: 'edge', nodes: 3 }, { name: 'b', nodes: 2 }] } },
      applied: [{ path: 'fleet.groups[0]', segments: ['fleet', 'groups', 0] }],
    });
  });
});

describe('applyOverrides past null values', () => {
  it('skips a null list element when choosing an element by name', () => {
    const raw = { releases: [null, { version: '1.0' }] };
    expect(applyOverrides(raw, { 'releases[1.0].size': '1GB' })).toEqual({
      ok: true,
      raw: { releases: [null, { version: '1.0', size: '1GB' }] },
      applied: [{ path: 'releases[1.0].size', segments: ['releases', 1, 'size'] }],
    });
  });

  it('refuses to go below a null list element, saying it is null', () => {
    expect(applyOverrides({ a: [null] }, { 'a.0.b': 1 })).toEqual({
      ok: false,
      errors: [{ path: 'a.0.b', message: 'cannot set a.0.b: a[0] is null, not a mapping or a list' }],
    });
  });
});

describe('applyOverrides through empty mappings', () => {
  it('creates a mapping in place of a null on the way', () => {
    // `policy:` with nothing after it reads as null; the override fills it in.
    const result = applyOverrides({ policy: null }, { 'policy.default.safeMode': true });
    expect(result).toEqual({
      ok: true,
      raw: { policy: { default: { safeMode: true } } },
      applied: [{ path: 'policy.default.safeMode', segments: ['policy', 'default', 'safeMode'] }],
    });
  });
});

describe('parseOverrideValue on blank and broken text', () => {
  it('keeps a blank text as it is rather than reading it as null', () => {
    expect(parseOverrideValue('   ')).toBe('   ');
  });

  it('keeps a text that is not valid YAML as a string', () => {
    expect(parseOverrideValue('[1, 2')).toBe('[1, 2');
  });
});
