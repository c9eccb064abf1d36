// What `check` concludes for one scenario from the runs of all its seeds: each expectation over
// the seeds (docs/scenario-format.md "Expectations": a plain one must hold for every seed, an aggregate like
// p95(...) is computed over them), plus the built-in check that no run violated an invariant or
// crashed. Pure: the runs in, the verdicts out, in seed order.

import type { Report } from '../report/report.ts';
import { evaluateExpectation, type Expectation } from '../scenario/index.ts';
import type { JobResult } from './job.ts';

export interface SeedRun {
  seed: number;
  result: JobResult;
}

export interface ExpectationVerdict {
  expr: string;
  ok: boolean;
  /** As evaluateExpectation gives it: the worst value, the aggregate, or a message. */
  actual: unknown;
  /**
   * Seeds whose own value breaks the comparison (for an aggregate: the seeds beyond the bound,
   * the runs to look at first). Empty when the expectation holds.
   */
  failingSeeds: number[];
}

export interface RunSummary {
  seed: number;
  ok: boolean;
  traceHash: string | null;
  events: number | null;
  violations: number | null;
  error: string | null;
}

export interface ScenarioVerdict {
  file: string;
  name: string;
  seeds: number[];
  runs: RunSummary[];
  expectations: ExpectationVerdict[];
  /** The built-in check: no invariant violation and no crash in any seed. */
  invariants: ExpectationVerdict;
  ok: boolean;
}

/** The name of the built-in testcase. */
export const INVARIANTS_CHECK = 'invariants.violations == 0 and no crash (built-in)';

export function judgeScenario(file: string, name: string, expectations: readonly Expectation[], runs: readonly SeedRun[]): ScenarioVerdict {
  const sorted = [...runs].sort((a, b) => a.seed - b.seed);
  const reports: Report[] = [];
  const reportSeeds: number[] = [];
  for (const run of sorted) {
    if (run.result.ok) {
      reports.push(run.result.report);
      reportSeeds.push(run.seed);
    }
  }
  const crashed = sorted.filter((r) => !r.result.ok).map((r) => r.seed);
  const verdicts = expectations.map((expectation): ExpectationVerdict => {
    const overall = evaluateExpectation(expectation, reports);
    const failingSeeds = reportSeeds.filter((_, i) => !holdsForOneSeed(expectation, reports[i]));
    // A crashed seed breaks every expectation: its value is unknown.
    const ok = overall.ok && crashed.length === 0;
    return { expr: expectation.expr, ok, actual: overall.actual, failingSeeds: ok ? [] : [...failingSeeds, ...crashed].sort((a, b) => a - b) };
  });
  const violating = reportSeeds.filter((_, i) => reports[i].invariants.violations > 0);
  const totalViolations = reports.reduce((n, r) => n + r.invariants.violations, 0);
  const badSeeds = [...violating, ...crashed].sort((a, b) => a - b);
  const invariants: ExpectationVerdict = {
    expr: INVARIANTS_CHECK,
    ok: badSeeds.length === 0,
    actual: crashed.length > 0 ? `${totalViolations} violations, ${crashed.length} crashed runs` : totalViolations,
    failingSeeds: badSeeds,
  };
  const summaries = sorted.map((run): RunSummary => {
    if (!run.result.ok) return { seed: run.seed, ok: false, traceHash: null, events: null, violations: null, error: run.result.error };
    const report = run.result.report;
    return { seed: run.seed, ok: report.invariants.violations === 0, traceHash: report.traceHash, events: report.events, violations: report.invariants.violations, error: null };
  });
  return {
    file,
    name,
    seeds: sorted.map((r) => r.seed),
    runs: summaries,
    expectations: verdicts,
    invariants,
    ok: invariants.ok && verdicts.every((v) => v.ok),
  };
}

/**
 * Does one seed's value satisfy the comparison? An aggregate is read as `max(path)` over one
 * report, which is the value itself with booleans as 1 and 0 (as the aggregates count them).
 */
function holdsForOneSeed(expectation: Expectation, report: Report): boolean {
  const single: Expectation = expectation.aggregate === null ? expectation : { ...expectation, aggregate: 'max' };
  return evaluateExpectation(single, [report]).ok;
}

/** Crash messages of a scenario's failed runs, by seed. */
export function crashesOf(verdict: ScenarioVerdict): Array<{ seed: number; error: string }> {
  return verdict.runs.filter((r) => r.error !== null).map((r) => ({ seed: r.seed, error: r.error as string }));
}
