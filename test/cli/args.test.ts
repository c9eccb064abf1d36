/**
 * Option parsing helpers (sim/cli/args.ts): --set splitting and value parsing, the cartesian
 * product of a sweep, numeric flags and seed lists. Bad input throws a CliError with exit 2.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertDistinctPaths, cartesian, parseIntegerOption, parseSetOption, seedList, splitTopLevel } from '../../sim/cli/args.ts';
import { badInputMessage } from './bad-input.ts';


describe('parseSetOption', () => {
  it('reads PATH=v1,v2 with each value read as YAML (numbers, durations as strings, mappings)', () => {
    expect(parseSetOption('reboot.maxConcurrent=1,2,4')).toEqual({ path: 'reboot.maxConcurrent', texts: ['1', '2', '4'], values: [1, 2, 4] });
    expect(parseSetOption('fleet.boot.boot={min: 1s, max: 2s}, 3s').values).toEqual([{ min: '1s', max: '2s' }, '3s']);
    expect(parseSetOption('reboot.window=null').values).toEqual([null]);
  });

  it('keeps the whole text as one value for run (no comma splitting)', () => {
    expect(parseSetOption('description=a, b', false).values).toEqual(['a, b']);
  });

  it('rejects a missing path, a missing value, an empty value between commas and a repeated value', () => {
    expect(badInputMessage(() => parseSetOption('=1'))).toContain('PATH=VALUE');
    expect(badInputMessage(() => parseSetOption('reboot.maxConcurrent'))).toContain('PATH=VALUE');
    expect(badInputMessage(() => parseSetOption('a.b='))).toContain('expected a value');
    expect(badInputMessage(() => parseSetOption('a.b=1,,2'))).toContain('expected a value');
    expect(badInputMessage(() => parseSetOption('a.b=1,1'))).toContain('listed twice');
  });

  it('rejects the same path given twice', () => {
    expect(badInputMessage(() => assertDistinctPaths([parseSetOption('a=1'), parseSetOption('a=2')]))).toContain('set twice');
  });
});

describe('splitTopLevel', () => {
  it('splits at commas outside brackets, braces and quotes', () => {
    expect(splitTopLevel('1,[2,3],{a: 4, b: 5},"6,7",\'8,9\'')).toEqual(['1', '[2,3]', '{a: 4, b: 5}', '"6,7"', "'8,9'"]);
  });
});

describe('cartesian', () => {
  it('is every combination, the first --set varying slowest', () => {
    const combos = cartesian([parseSetOption('a=1,2'), parseSetOption('b=x,y,z')]);
    expect(combos.map((c) => c.labels.join(' '))).toEqual(['a=1 b=x', 'a=1 b=y', 'a=1 b=z', 'a=2 b=x', 'a=2 b=y', 'a=2 b=z']);
    expect(combos[4].overrides).toEqual({ a: 2, b: 'y' });
  });

  it('without --set is one combination with no override', () => {
    expect(cartesian([])).toEqual([{ overrides: {}, labels: [] }]);
  });

  it('has the product of the value counts, all distinct (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), (counts) => {
        const sets = counts.map((n, i) => parseSetOption(`p${i}=${Array.from({ length: n }, (_, k) => k).join(',')}`));
        const combos = cartesian(sets);
        expect(combos.length).toBe(counts.reduce((a, b) => a * b, 1));
        expect(new Set(combos.map((c) => JSON.stringify(c.overrides))).size).toBe(combos.length);
      }),
    );
  });

  it('refuses more combinations than its bound', () => {
    const big = Array.from({ length: 5 }, (_, i) => parseSetOption(`p${i}=${Array.from({ length: 10 }, (_, k) => k).join(',')}`));
    expect(badInputMessage(() => cartesian(big))).toContain('100000 combinations');
  });
});

describe('numeric options', () => {
  it('parseIntegerOption names the flag and the allowed range', () => {
    expect(parseIntegerOption('--seeds', '12', 1)).toBe(12);
    expect(badInputMessage(() => parseIntegerOption('--seeds', '0', 1, 10))).toBe('--seeds: expected a whole number between 1 and 10, found 0');
    expect(badInputMessage(() => parseIntegerOption('--seeds', '1.5', 1))).toContain('--seeds');
    expect(badInputMessage(() => parseIntegerOption('--seeds', '-3', 1))).toContain('--seeds');
  });

  it('seedList counts up from the base', () => {
    expect(seedList(40, 3)).toEqual([40, 41, 42]);
    expect(badInputMessage(() => seedList(Number.MAX_SAFE_INTEGER, 2))).toContain('--seed-base');
  });
});
