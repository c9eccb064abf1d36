// The Markdown summary's blocks from what run, check and sweep have at hand: a loaded scenario
// and its reports, a check verdict, a sweep combination. Pure.

import type { Report } from '../../report/report.ts';
import type { Scenario } from '../../scenario/index.ts';
import { INVARIANTS_CHECK, type ScenarioVerdict } from '../check-results.ts';
import { formatActual } from '../summary.ts';
import type { PredictionBlock } from './summary.ts';

interface Loaded {
  path: string;
  scenario: Scenario;
}

/** One run (`report` null: it crashed). */
export function runBlock(loaded: Loaded, report: Report | null): PredictionBlock {
  const checks =
    report === null
      ? [{ expr: 'the run', ok: false, actual: 'crashed' }]
      : [
          ...report.expectations.map((e) => ({ expr: e.expr, ok: e.ok, actual: formatActual(e.expr, e.actual) })),
          { expr: INVARIANTS_CHECK, ok: report.invariants.violations === 0, actual: String(report.invariants.violations) },
        ];
  return { ...scenarioPart(loaded, loaded.scenario.name), reports: report === null ? [] : [report], crashes: report === null ? 1 : 0, checks };
}

/** One scenario of `check`: its reports over the seeds and its verdicts. */
export function checkBlock(loaded: Loaded, verdict: ScenarioVerdict, reports: readonly Report[]): PredictionBlock {
  const checks = [...verdict.expectations, verdict.invariants].map((e) => ({
    expr: e.expr,
    ok: e.ok,
    actual: `${formatActual(e.expr, e.actual)}${e.failingSeeds.length > 0 ? ` (seeds ${e.failingSeeds.slice(0, 5).join(', ')}${e.failingSeeds.length > 5 ? ', ...' : ''})` : ''}`,
  }));
  return { ...scenarioPart(loaded, verdict.name), reports, crashes: verdict.runs.length - reports.length, checks };
}

/** One combination of `sweep` (its scenario loaded with the combination's overrides). */
export function sweepBlock(loaded: Loaded, labels: readonly string[], reports: readonly Report[], seeds: number): PredictionBlock {
  const title = labels.length === 0 ? loaded.scenario.name : `${loaded.scenario.name}: ${labels.join(' ')}`;
  return { ...scenarioPart(loaded, title), reports, crashes: seeds - reports.length, checks: null };
}

function scenarioPart(loaded: Loaded, title: string) {
  return { title, file: loaded.path, window: loaded.scenario.reboot.window, startEpochMs: loaded.scenario.start };
}
