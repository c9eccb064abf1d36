// Hand-fed cases for checking expectations against reports (sim/scenario/expect.ts
// evaluateExpectation, lookupPath, aggregateOf): each ordering at, above and below its bound,
// strings, paths through null and through empty mappings, and the worst value shown over several
// seeds. The rules are docs/scenario-format.md "expect" ("Without an aggregate, an expectation must
// hold for every seed ... the worst value (the largest for < and <=, the smallest for > and >=,
// the first failing one for == and !=)"); every expected value is worked out in the comment next to it.
import { describe, expect, it } from 'vitest';
import { aggregateOf, evaluateExpectation, parseExpectation, type Expectation } from '../../sim/scenario/index.ts';

function parsed(text: string): Expectation {
  const result = parseExpectation(text);
  if (!result.ok) expect.fail(result.message);
  return result.expectation;
}

/** The result of `text` over reports that each hold `x` (one report per value). */
const overX = (text: string, ...xs: unknown[]) => evaluateExpectation(parsed(text), xs.map((x) => ({ x })));

describe('an ordering over one report', () => {
  // x = 5 against bounds 4, 5 and 6: the ordering's truth worked out by hand.
  const cases: Array<[string, boolean]> = [
    ['x < 6', true],
    ['x < 5', false],
    ['x <= 5', true],
    ['x <= 4', false],
    ['x > 4', true],
    ['x > 5', false],
    ['x > 6', false],
    ['x >= 5', true],
    ['x >= 6', false],
    ['x >= 4', true],
  ];
  for (const [text, ok] of cases) {
    it(`holds for x = 5 exactly when 5 ${text.slice(2)} is true (${text}: ${ok})`, () => {
      expect(overX(text, 5)).toEqual({ expr: text, ok, actual: 5 });
    });
  }

  it('fails against a value that is not a number, even where JavaScript would compare it as 0', () => {
    // parseExpectation refuses `x < null`, but the Expectation type lets a caller build one; -1 < null
    // is true in JavaScript (null becomes 0), and the rule is that an ordering needs two numbers.
    const byHand: Expectation = { expr: 'x < null', aggregate: null, path: 'x', op: '<', value: null };
    expect(evaluateExpectation(byHand, [{ x: -1 }])).toEqual({ expr: 'x < null', ok: false, actual: -1 });
  });
});

describe('a value looked up by its path', () => {
  it('compares a string in the report with a quoted string', () => {
    expect(evaluateExpectation(parsed('scenario == "canary"'), [{ scenario: 'canary' }])).toEqual({ expr: 'scenario == "canary"', ok: true, actual: 'canary' });
    expect(evaluateExpectation(parsed("scenario != 'canary'"), [{ scenario: 'prod' }])).toEqual({ expr: "scenario != 'canary'", ok: true, actual: 'prod' });
  });

  it('through a null fails with a message saying the null is not a mapping', () => {
    // rollout.completedAt is null (the rollout did not complete); there is no .day inside it.
    expect(evaluateExpectation(parsed('rollout.completedAt.day == 1'), [{ rollout: { completedAt: null } }])).toEqual({
      expr: 'rollout.completedAt.day == 1',
      ok: false,
      actual: 'no field rollout.completedAt.day: rollout.completedAt is null, not a mapping',
    });
    expect(evaluateExpectation(parsed('x.y == 1'), [null as unknown as object]).actual).toBe('no field x.y: the report is null, not a mapping');
  });

  it('missing from an empty mapping fails with a message saying it has no fields', () => {
    expect(evaluateExpectation(parsed('x == 1'), [{}])).toEqual({ expr: 'x == 1', ok: false, actual: 'no field x: the report has no fields' });
    expect(evaluateExpectation(parsed('rollout.duration <= 3d'), [{ rollout: {} }]).actual).toBe('no field rollout.duration: rollout has no fields');
  });

  it('that is a mapping or a list fails, never passes', () => {
    expect(evaluateExpectation(parsed('rollout == 1'), [{ rollout: { duration: 1 } }])).toEqual({
      expr: 'rollout == 1',
      ok: false,
      actual: 'rollout is a mapping, not a value to compare',
    });
    expect(evaluateExpectation(parsed('etcd.outages != 0'), [{ etcd: { outages: [] } }, { etcd: { outages: [] } }])).toEqual({
      expr: 'etcd.outages != 0',
      ok: false,
      actual: 'etcd.outages is a list, not a value to compare (report 1 of 2)',
    });
  });
});

describe('the worst value shown over several reports', () => {
  it('is the largest for <=, not the first failing one', () => {
    // 30 and 40 both break <= 25; the largest is 40 (the first failing one would be 30).
    expect(overX('x <= 25', 10, 30, 40)).toEqual({ expr: 'x <= 25', ok: false, actual: 40 });
  });

  it('is the largest for < when every report holds', () => {
    // max(10, 30, 20) = 30
    expect(overX('x < 100', 10, 30, 20)).toEqual({ expr: 'x < 100', ok: true, actual: 30 });
  });

  it('is the smallest for > and >=', () => {
    // min(30, 10, 20) = 10, whether or not every report holds.
    expect(overX('x > 0', 30, 10, 20)).toEqual({ expr: 'x > 0', ok: true, actual: 10 });
    expect(overX('x >= 0', 30, 10, 20)).toEqual({ expr: 'x >= 0', ok: true, actual: 10 });
    expect(overX('x >= 25', 30, 10, 20)).toEqual({ expr: 'x >= 25', ok: false, actual: 10 });
    expect(overX('x > 15', 30, 20, 10)).toEqual({ expr: 'x > 15', ok: false, actual: 10 });
  });

  it('is the first report value for == and != when every report holds', () => {
    // 3 != 7 and 1 != 7 both hold: the first value, 3 (not the smallest, 1).
    expect(overX('x != 7', 3, 1)).toEqual({ expr: 'x != 7', ok: true, actual: 3 });
    expect(overX('x == 5', 5, 5)).toEqual({ expr: 'x == 5', ok: true, actual: 5 });
  });

  it('is the first failing value for ==, wherever it is', () => {
    expect(overX('x == 5', 5, 4, 3)).toEqual({ expr: 'x == 5', ok: false, actual: 4 });
  });

  it('is a null in the first report when an ordering meets it, rather than the largest number', () => {
    // null (a thing that did not happen) fails <= 3d; it is shown even though 10 is a number.
    expect(overX('x <= 3d', null, 10)).toEqual({ expr: 'x <= 3d', ok: false, actual: null });
  });
});

describe('an aggregate over reports that are not all numbers', () => {
  it('counts only the values that are neither numbers nor booleans as missing', () => {
    // true and false count as 1 and 0; only the null is missing: 1 of 3.
    expect(overX('mean(x) >= 50%', true, null, false)).toEqual({
      expr: 'mean(x) >= 50%',
      ok: false,
      actual: 'mean needs numbers: 1 of 3 reports have null at x',
    });
    // 4 and false count; "late" and null are missing: 2 of 4, and the first one met is named.
    expect(overX('max(x) <= 5', 4, 'late', false, null).actual).toBe('max needs numbers: 2 of 4 reports have "late" at x');
  });
});

describe('aggregateOf', () => {
  it('refuses an empty list instead of returning a number for nothing', () => {
    // Math.max() of nothing would be -Infinity; no aggregate of zero seeds is meaningful.
    for (const aggregate of ['max', 'min', 'mean', 'p50'] as const) {
      expect(() => aggregateOf(aggregate, []), aggregate).toThrowError(/^aggregateOf: no values$/);
    }
  });
});
