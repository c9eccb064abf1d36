/**
 * VersionTable and compareVersions (sim/model/server/versions.ts): Flatcar versions compared
 * field by field, numerically where both fields are numbers; the fleet's initial version first
 * whatever its name. Expected orders written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { compareVersions, VersionTable } from '../../../sim/model/server/versions.ts';

describe('compareVersions', () => {
  it('compares numeric fields as numbers, left to right', () => {
    expect(compareVersions('3815.2.10', '3815.2.2')).toBeGreaterThan(0);
    expect(compareVersions('3815.2.2', '3815.2.10')).toBeLessThan(0);
    expect(compareVersions('3815.2.0', '3815.2.0')).toBe(0);
    expect(compareVersions('3816.0.0', '3815.9.9')).toBe(1);
    expect(compareVersions('3815.2.0', '3815.10.0')).toBe(-8);
  });

  it('splits on dots, pluses and dashes; a missing field sorts first; text compares as text', () => {
    expect(compareVersions('1.2', '1.2.0')).toBeLessThan(0);
    expect(compareVersions('1.2.0', '1.2')).toBeGreaterThan(0);
    expect(compareVersions('1.2+b', '1.2+a')).toBe(1);
    expect(compareVersions('1.2-a', '1.2-b')).toBe(-1);
    expect(compareVersions('1-rc', '1+rc')).toBe(0);
    expect(compareVersions('1.x', '1.2')).toBe(1); // "x" > "2" as text
    expect(compareVersions('1.2', '1.x')).toBe(-1);
    expect(compareVersions('1.2a', '1.10')).toBe(1); // "2a" is not a number: "2a" > "10" as text
  });
});

describe('VersionTable', () => {
  it('numbers versions in the order they are added, once each, and names them back', () => {
    const table = new VersionTable('3000.0.0');
    expect(table.count).toBe(1);
    expect(table.add('3815.2.0')).toBe(1);
    expect(table.add('3510.1.0')).toBe(2);
    expect(table.add('3815.2.0')).toBe(1);
    expect(table.count).toBe(3);
    expect(table.indexOf('3510.1.0')).toBe(2);
    expect(table.name(0)).toBe('3000.0.0');
    expect(table.name(2)).toBe('3510.1.0');
  });

  it('orders by version, the initial one first whatever its name', () => {
    const table = new VersionTable('9999.0.0');
    const a = table.add('3815.2.10');
    const b = table.add('3815.2.2');
    const c = table.add('4000.0.0');
    expect(table.newer(a, b)).toBe(true);
    expect(table.newer(b, a)).toBe(false);
    expect(table.newer(c, a)).toBe(true);
    expect(table.newer(b, 0)).toBe(true);
    expect(table.newer(0, c)).toBe(false);
    expect(table.newer(a, a)).toBe(false);
  });

  it('orders equal-comparing names by when they were added', () => {
    const table = new VersionTable('1.0');
    const plus = table.add('2.0+x');
    const dash = table.add('2.0-x');
    expect(table.newer(dash, plus)).toBe(true);
    expect(table.newer(plus, dash)).toBe(false);
  });

  it('fails loudly on an unknown name or index', () => {
    const table = new VersionTable('1.0');
    expect(() => table.indexOf('2.0')).toThrow('unknown version "2.0"');
    expect(() => table.name(1)).toThrow('no version with index 1');
    expect(() => table.name(-1)).toThrow('no version with index -1');
  });

  it('keeps the initial version oldest among many, and orders five equal-comparing names by when they were added', () => {
    const table = new VersionTable('9999.0.0');
    const added = ['2.0.x', '2.0+x', '2.0-x', '1.0.0', '3.0.0', '2.0.x.0'].map((name) => table.add(name));
    for (const version of added) {
      expect(table.newer(version, 0)).toBe(true);
      expect(table.newer(0, version)).toBe(false);
    }
    // By hand: 1.0.0 < 2.0.x = 2.0+x = 2.0-x (added in that order) < 2.0.x.0 < 3.0.0.
    const [dotX, plusX, dashX, one, three, longer] = added;
    const oldestFirst = [one, dotX, plusX, dashX, longer, three];
    for (let i = 0; i + 1 < oldestFirst.length; i++) {
      expect(table.newer(oldestFirst[i + 1], oldestFirst[i])).toBe(true);
      expect(table.newer(oldestFirst[i], oldestFirst[i + 1])).toBe(false);
    }
  });
});

describe('compareVersions: what counts as a number', () => {
  it('takes a field as a number only when it is all digits: "0x1A", "1e3" and " 50" compare as text', () => {
    // As numbers they would be 26, 1000 and 50, all greater than 5 or 6; as text they sort first.
    expect(compareVersions('1.0x1A', '1.3')).toBe(-1);
    expect(compareVersions('1.1e3', '1.5')).toBe(-1);
    expect(compareVersions('1. 50', '1.6')).toBe(-1);
    // The same on the right-hand side.
    expect(compareVersions('1.3', '1.0x1A')).toBe(1);
    expect(compareVersions('1.5', '1.1e3')).toBe(1);
    expect(compareVersions('1.6', '1. 50')).toBe(1);
  });
});
