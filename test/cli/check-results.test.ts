/**
 * What `check` concludes from a scenario's seeds (sim/cli/check-results.ts) and how it is written
 * out (check-output.ts): plain expectations must hold for every seed, aggregates are computed
 * over the seeds, crashes and invariant violations fail the built-in check, and the verdict does
 * not depend on the order the runs finished in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkToJUnit, formatCheckFailures, formatCheckTable } from '../../sim/cli/check-output.ts';
import { INVARIANTS_CHECK, judgeScenario, type SeedRun } from '../../sim/cli/check-results.ts';
import { toJUnitXml } from '../../sim/cli/junit.ts';
import { PLAIN_STYLE } from '../../sim/cli/style.ts';
import { parseExpectation, type Expectation } from '../../sim/scenario/index.ts';
import { makeReport } from './make-report.ts';
import { checkXml } from './xml-check.ts';

function exp(text: string): Expectation {
  const parsed = parseExpectation(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.expectation;
}

const HOUR = 3_600_000;
const runs: SeedRun[] = [1, 2, 3, 4].map((seed) => ({
  seed,
  result: { ok: true, report: makeReport({ seed, rollout: { duration: seed * 10 * HOUR } }) },
}));

describe('judgeScenario', () => {
  it('fails a plain expectation when any seed breaks it, naming exactly those seeds', () => {
    const v = judgeScenario('a.yaml', 'a', [exp('rollout.duration <= 25h')], runs);
    expect(v.expectations[0]).toEqual({ expr: 'rollout.duration <= 25h', ok: false, actual: 40 * HOUR, failingSeeds: [3, 4] });
    expect(v.ok).toBe(false);
  });

  it('judges an aggregate over the seeds and lists the seeds beyond the bound', () => {
    const passing = judgeScenario('a.yaml', 'a', [exp('p50(rollout.duration) <= 20h')], runs);
    expect(passing.expectations[0]).toMatchObject({ ok: true, actual: 20 * HOUR, failingSeeds: [] });
    const failing = judgeScenario('a.yaml', 'a', [exp('p95(rollout.duration) <= 30h')], runs);
    expect(failing.expectations[0]).toMatchObject({ ok: false, actual: 40 * HOUR, failingSeeds: [4] });
  });

  it('reads booleans as 1 and 0 in an aggregate, per seed as over the seeds', () => {
    const mixed: SeedRun[] = runs.map((r, i) => ({ seed: r.seed, result: { ok: true, report: makeReport({ rollout: { completed: i !== 2 } }) } }));
    const v = judgeScenario('a.yaml', 'a', [exp('mean(rollout.completed) >= 90%')], mixed);
    expect(v.expectations[0]).toMatchObject({ ok: false, actual: 0.75, failingSeeds: [3] });
  });

  it('fails the built-in check on invariant violations and crashes, and every expectation on a crash', () => {
    const bad: SeedRun[] = [
      { seed: 1, result: { ok: true, report: makeReport({ invariants: { violations: 2, list: [], excused: [] } }) } },
      { seed: 2, result: { ok: false, error: 'AssertionError: lock held twice' } },
      { seed: 3, result: { ok: true, report: makeReport() } },
    ];
    const v = judgeScenario('a.yaml', 'a', [exp('etcd.members == 5')], bad);
    expect(v.invariants).toMatchObject({ expr: INVARIANTS_CHECK, ok: false, failingSeeds: [1, 2] });
    expect(v.expectations[0]).toMatchObject({ ok: false, failingSeeds: [2] });
    expect(v.runs.map((r) => [r.seed, r.ok, r.error])).toEqual([
      [1, false, null],
      [2, false, 'AssertionError: lock held twice'],
      [3, true, null],
    ]);
    const failures = formatCheckFailures([v], PLAIN_STYLE);
    expect(failures).toContain('seed 2 crashed: AssertionError: lock held twice');
    expect(failures).toContain('reproduce: npx fleetsim run a.yaml --seed 2');
    const junit = checkXml(toJUnitXml(checkToJUnit([v], [1]), 'fleetsim check'));
    expect(junit.problems).toEqual([]);
    const invariantCase = junit.root?.children[0].children.find((c) => c.attributes.name === INVARIANTS_CHECK);
    expect(invariantCase?.children[0].name).toBe('error');
  });

  it('gives the same verdict whatever order the runs come in (property)', () => {
    const expectations = [exp('rollout.duration <= 25h'), exp('p95(rollout.duration) <= 30h'), exp('events > 0')];
    const reference = judgeScenario('a.yaml', 'a', expectations, runs);
    fc.assert(
      fc.property(fc.shuffledSubarray(runs, { minLength: runs.length, maxLength: runs.length }), (shuffled) => {
        expect(judgeScenario('a.yaml', 'a', expectations, shuffled)).toEqual(reference);
      }),
    );
  });
});

describe('check output', () => {
  it('tables every scenario x expectation with its result, actual value and failing seeds', () => {
    const v = judgeScenario('a.yaml', 'a', [exp('rollout.duration <= 25h'), exp('etcd.members == 5')], runs);
    const table = formatCheckTable([v], PLAIN_STYLE);
    expect(table).toMatch(/^a\s+rollout\.duration <= 25h\s+FAIL\s+1d 16h\s+3 4$/m);
    expect(table).toMatch(/^a\s+etcd\.members == 5\s+ok\s+5$/m);
    expect(table).toContain(INVARIANTS_CHECK);
  });

  it('writes one testsuite per scenario and one testcase per expectation plus the built-in one', () => {
    const a = judgeScenario('a.yaml', 'a', [exp('rollout.duration <= 25h'), exp('etcd.members == 5')], runs);
    const b = judgeScenario('b & c.yaml', 'b<c>', [exp('events > 0')], runs);
    const { problems, root } = checkXml(toJUnitXml(checkToJUnit([a, b], [1, 2]), 'fleetsim check'));
    expect(problems).toEqual([]);
    expect(root?.children.map((s) => s.attributes.name)).toEqual(['a', 'b<c>']);
    expect(root?.children[0].children.filter((c) => c.name === 'testcase').map((c) => c.attributes.name)).toEqual([
      'rollout.duration <= 25h',
      'etcd.members == 5',
      INVARIANTS_CHECK,
    ]);
    const failure = root?.children[0].children[1].children[0];
    expect(failure?.attributes.message).toBe('rollout.duration <= 25h: actual 1d 16h; failing seeds 3, 4');
    expect(failure?.text).toContain('reproduce: npx fleetsim run a.yaml --seed 3\nreproduce: npx fleetsim run a.yaml --seed 4');
    expect(root?.children[1].children[1].attributes.file).toBe('b & c.yaml');
  });
});
