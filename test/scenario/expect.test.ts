// Checks the expectation language: parsing (values with units, literals, aggregates, and
// malformed expressions as scenario errors) and evaluation over one or several reports
// (every-report semantics, nearest-rank percentiles, missing paths as failures, not crashes).
import { describe, expect, it } from 'vitest';
import { aggregateOf, evaluateExpectation, parseExpectation, type Expectation } from '../../sim/scenario/index.ts';
import { errorsOf, lines, MINIMAL } from './helpers.ts';

function parsed(text: string): Expectation {
  const result = parseExpectation(text);
  if (!result.ok) expect.fail(result.message);
  return result.expectation;
}
const message = (text: unknown) => {
  const result = parseExpectation(text);
  return result.ok ? 'parsed' : result.message;
};

describe('parseExpectation', () => {
  it('reads path, operator and a value with a unit', () => {
    expect(parsed('rollout.duration <= 3d')).toEqual({ expr: 'rollout.duration <= 3d', aggregate: null, path: 'rollout.duration', op: '<=', value: 259_200_000 });
    expect(parsed('fleet.updatedFraction >= 95%').value).toBe(0.95);
    expect(parsed('server.bytesServed < 300MB').value).toBe(300e6);
    expect(parsed('x < 1.5GiB').value).toBe(1.5 * 2 ** 30);
    expect(parsed('x < 1Gbps').value).toBe(1e9);
    expect(parsed('etcd.quorumLost == 0s').value).toBe(0);
    expect(parsed('x > -2h').value).toBe(-7_200_000);
    expect(parsed('x > -0.5').value).toBe(-0.5);
    expect(parsed('x>=1e3').value).toBe(1000);
  });

  it('reads every operator, longest first', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>='] as const) expect(parsed(`a.b ${op} 1`).op).toBe(op);
  });

  it('reads true, false, null and quoted strings', () => {
    expect(parsed('rollout.completed == true').value).toBe(true);
    expect(parsed('rollout.halted != false').value).toBe(false);
    expect(parsed('rollout.completedAt == null').value).toBe(null);
    expect(parsed('scenario == "a \\"b\\""').value).toBe('a "b"');
    expect(parsed("scenario != 'x y'").value).toBe('x y');
  });

  it('reads aggregates over seeds', () => {
    for (const aggregate of ['p50', 'p95', 'p99', 'max', 'min', 'mean'] as const) {
      expect(parsed(`${aggregate}( rollout.duration ) <= 2d`)).toMatchObject({ aggregate, path: 'rollout.duration', value: 172_800_000 });
    }
  });

  it('refuses malformed expressions with a message that quotes them', () => {
    const form = 'expected an expectation like "rollout.duration <= 3d" or "p95(rollout.duration) <= 2d"';
    expect(message('rollout.completed = true')).toBe(`${form}, found "rollout.completed = true"`);
    expect(message('rollout.duration')).toBe(`${form}, found "rollout.duration"`);
    expect(message('p95(rollout.duration <= 1')).toBe(`${form}, found "p95(rollout.duration <= 1"`);
    expect(message(42)).toBe(`${form}, found the number 42`);
    expect(message('p42(x) < 1')).toBe('expected an aggregate p50, p95, p99, max, min, mean, found "p42" in "p42(x) < 1"');
    expect(message('x <')).toBe('expected a value after the operator, found nothing in "x <"');
    expect(message('x < true')).toBe('expected a number after <, found the boolean true in "x < true"');
    expect(message('x == done')).toBe(
      'expected a value: a number with an optional unit (3d, 300MB, 1Gbps, 5%), true, false, null or a quoted string, found "done" in "x == done"',
    );
    expect(message('x < 3 days')).toMatch(/^expected a value: .* found "3 days"/);
    expect(message('mean(x) == "a"')).toBe('expected a number to compare mean(...) with, found "a" in "mean(x) == \\"a\\""');
  });

  it('a malformed expectation in a file is a scenario error at its line', () => {
    expect(errorsOf(lines(MINIMAL, 'expect:', '  - rollout.duration <= 3d', '  - rollout.duration <= 3 days'))).toEqual([
      'test.yaml:5:5: expect[1]: expected a value: a number with an optional unit (3d, 300MB, 1Gbps, 5%), true, false, null or a quoted string, found "3 days" in "rollout.duration <= 3 days"',
    ]);
  });
});

describe('evaluateExpectation', () => {
  const report = (duration: number | null, completed = true) => ({ rollout: { completed, duration }, reboots: { maxConcurrent: 1 } });

  it('with one report, actual is the value found', () => {
    expect(evaluateExpectation(parsed('rollout.duration <= 3d'), [report(1000)])).toEqual({ expr: 'rollout.duration <= 3d', ok: true, actual: 1000 });
    expect(evaluateExpectation(parsed('rollout.completed == true'), [report(1, false)])).toEqual({ expr: 'rollout.completed == true', ok: false, actual: false });
  });

  it('without an aggregate, every report must hold and actual is the worst value', () => {
    const reports = [report(10), report(30), report(20)];
    expect(evaluateExpectation(parsed('rollout.duration <= 25'), reports)).toMatchObject({ ok: false, actual: 30 });
    expect(evaluateExpectation(parsed('rollout.duration <= 30'), reports)).toMatchObject({ ok: true, actual: 30 });
    expect(evaluateExpectation(parsed('rollout.duration > 15'), reports)).toMatchObject({ ok: false, actual: 10 });
    expect(evaluateExpectation(parsed('rollout.duration != 30'), reports)).toMatchObject({ ok: false, actual: 30 });
    expect(evaluateExpectation(parsed('rollout.duration == 10'), reports)).toMatchObject({ ok: false, actual: 30 });
  });

  it('a null (a thing that did not happen) fails an ordering and is shown as the actual', () => {
    expect(evaluateExpectation(parsed('rollout.duration <= 3d'), [report(10), report(null)])).toMatchObject({ ok: false, actual: null });
    expect(evaluateExpectation(parsed('rollout.duration == null'), [report(null)])).toMatchObject({ ok: true, actual: null });
  });

  it('aggregates over the reports, with nearest-rank percentiles', () => {
    const reports = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10].map((d) => report(d));
    const actual = (text: string) => evaluateExpectation(parsed(text), reports).actual;
    expect(actual('p50(rollout.duration) <= 0')).toBe(5);
    expect(actual('p95(rollout.duration) <= 0')).toBe(10);
    expect(actual('p99(rollout.duration) <= 0')).toBe(10);
    expect(actual('max(rollout.duration) <= 0')).toBe(10);
    expect(actual('min(rollout.duration) <= 0')).toBe(1);
    expect(actual('mean(rollout.duration) <= 0')).toBe(5.5);
    expect(evaluateExpectation(parsed('p50(rollout.duration) <= 5'), reports).ok).toBe(true);
    expect(evaluateExpectation(parsed('p95(rollout.duration) < 10'), reports).ok).toBe(false);
  });

  it('booleans count as 1 and 0 in an aggregate, so mean() is a share of seeds', () => {
    const reports = [report(1, true), report(1, true), report(1, false), report(1, true)];
    expect(evaluateExpectation(parsed('mean(rollout.completed) >= 75%'), reports)).toMatchObject({ ok: true, actual: 0.75 });
  });

  it('an aggregate over a null fails with a message instead of skipping it', () => {
    expect(evaluateExpectation(parsed('max(rollout.duration) <= 3d'), [report(1), report(null), report(null)])).toMatchObject({
      ok: false,
      actual: 'max needs numbers: 2 of 3 reports have null at rollout.duration',
    });
  });

  it('a path that does not exist fails with a message naming what is there', () => {
    expect(evaluateExpectation(parsed('rollout.duratoin <= 3d'), [report(1)])).toEqual({
      expr: 'rollout.duratoin <= 3d',
      ok: false,
      actual: 'no field rollout.duratoin: rollout has fields completed, duration',
    });
    expect(evaluateExpectation(parsed('rollout.duration.x == 1'), [report(1)]).actual).toBe(
      'no field rollout.duration.x: rollout.duration is the number 1, not a mapping',
    );
    expect(evaluateExpectation(parsed('nothing == 1'), [report(1), {}]).actual).toBe('no field nothing: the report has fields rollout, reboots (report 1 of 2)');
    expect(evaluateExpectation(parsed('rollout == 1'), [report(1)]).actual).toBe('rollout is a mapping, not a value to compare');
  });

  it('no reports is a failure, never a vacuous pass', () => {
    expect(evaluateExpectation(parsed('x == 1'), [])).toEqual({ expr: 'x == 1', ok: false, actual: 'no reports to check' });
  });

  it('follows list indices in a path', () => {
    expect(evaluateExpectation(parsed('etcd.outages.0.start == 5'), [{ etcd: { outages: [{ start: 5 }] } }]).ok).toBe(true);
  });
});

describe('aggregateOf', () => {
  it('p50 of an even count is the lower middle (nearest rank)', () => {
    expect(aggregateOf('p50', [4, 1, 3, 2])).toBe(2);
    expect(aggregateOf('p95', [7])).toBe(7);
  });
});
