/**
 * The violations record (sim/checkers/violations.ts): every violation counted, the first LIST_MAX
 * (1,000) kept with time, checker and message, a report that is a copy; a time that is not a
 * finite non-negative number, or a violation without a checker, is a bug in a checker and throws.
 */
import { describe, expect, it } from 'vitest';
import { LIST_MAX, Violations } from '../../sim/checkers/violations.ts';

describe('Violations', () => {
  it('keeps each violation with its time, checker and message, and counts them', () => {
    const violations = new Violations();
    violations.record(0, 'lock-holders', 'first');
    violations.record(250, 'liveness', 'second');
    expect(violations.count).toBe(2);
    expect(violations.list).toEqual([
      { time: 0, checker: 'lock-holders', message: 'first' },
      { time: 250, checker: 'liveness', message: 'second' },
    ]);
  });

  it('keeps the first 1,000 and counts every one after', () => {
    expect(LIST_MAX).toBe(1000);
    const violations = new Violations();
    for (let i = 0; i < 1003; i++) violations.record(i, 'checker', `violation ${i}`);
    expect(violations.count).toBe(1003);
    expect(violations.list).toHaveLength(1000);
    expect(violations.list[999].message).toBe('violation 999');
    expect(violations.report().violations).toBe(1003);
    expect(violations.report().list).toHaveLength(1000);
  });

  it("reports a copy: changing the report changes nothing in the record", () => {
    const violations = new Violations();
    violations.record(5, 'checker', 'kept');
    const report = violations.report();
    report.list[0].message = 'changed';
    report.list.push({ time: 6, checker: 'checker', message: 'added' });
    expect(violations.list).toEqual([{ time: 5, checker: 'checker', message: 'kept' }]);
  });

  it('throws on a time that is negative, infinite or not a number, and on an empty checker name', () => {
    const violations = new Violations();
    expect(() => violations.record(-1, 'checker', 'm')).toThrow('violation time must be finite and >= 0, got -1');
    expect(() => violations.record(Infinity, 'checker', 'm')).toThrow('violation time must be finite and >= 0, got Infinity');
    expect(() => violations.record(Number.NaN, 'checker', 'm')).toThrow('violation time must be finite and >= 0, got NaN');
    expect(() => violations.record(3, '', 'm')).toThrow('a violation names its checker');
    expect(violations.count).toBe(0);
    expect(violations.list).toEqual([]);
  });
});
