// `sweep` statistics: per combination of --set values, the p50/p95/max over seeds of the key
// metrics, and the CSV and table that show them. Pure.

import type { Report } from '../report/report.ts';
import { lookupPath } from '../scenario/index.ts';
import type { Combination } from './args.ts';
import { formatReportValue } from './format.ts';
import { renderTable } from './table.ts';

/** The metrics a sweep compares, in display order (report paths; units as in docs/report.md). */
export const SWEEP_METRICS = [
  'rollout.duration',
  'rollout.t90',
  'reboots.maxConcurrent',
  'availability.maxDown',
  'etcd.quorumLost',
  'etcd.leaderless',
  'server.peakConcurrentDownloads',
  'fleet.rolledBack',
] as const;

export interface MetricStats {
  metric: string;
  /** Runs the statistics are over. */
  runs: number;
  /** null: the value at that rank is a thing that did not happen (a rollout that never completed). */
  p50: number | null;
  p95: number | null;
  max: number | null;
  /** Runs whose value is null. */
  nulls: number;
}

/**
 * Nearest-rank percentile (the rule `p95(...)` expectations use), with null ranked above every
 * number: a rollout that never completed is slower than any that did, so if more than 5% of the
 * seeds never completed, p95 is null ("never"), not the slowest completed one.
 */
export function percentileWithNulls(values: readonly (number | null)[], p: number): number | null {
  if (values.length === 0) return null;
  const numbers = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * values.length));
  return rank <= numbers.length ? numbers[rank - 1] : null;
}

/** A metric's value in one report: numbers as they are, booleans as 1/0, anything else null. */
export function metricValue(report: Report, metric: string): number | null {
  const found = lookupPath(report, metric);
  if (!found.found) return null;
  if (typeof found.value === 'number') return found.value;
  if (typeof found.value === 'boolean') return found.value ? 1 : 0;
  return null;
}

export function metricStats(reports: readonly Report[], metric: string): MetricStats {
  const values = reports.map((r) => metricValue(r, metric));
  return {
    metric,
    runs: values.length,
    p50: percentileWithNulls(values, 50),
    p95: percentileWithNulls(values, 95),
    max: percentileWithNulls(values, 100),
    nulls: values.filter((v) => v === null).length,
  };
}

export interface CombinationStats {
  combination: Combination;
  metrics: MetricStats[];
}

export function sweepStats(combinations: readonly Combination[], reportsPerCombination: readonly (readonly Report[])[]): CombinationStats[] {
  return combinations.map((combination, i) => ({
    combination,
    metrics: SWEEP_METRICS.map((m) => metricStats(reportsPerCombination[i], m)),
  }));
}

/** RFC 4180: quote a field holding a comma, a quote or a line break; double inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const rawNumber = (v: number | null) => (v === null ? '' : String(v));

/**
 * Long format: one row per combination x metric. Columns: one per --set path (its value as
 * written), then metric, runs, p50, p95, max, nulls. Numbers are raw (durations in ms); an empty
 * cell is null (did not happen).
 */
export function sweepCsv(paths: readonly string[], stats: readonly CombinationStats[]): string {
  const lines = [[...paths, 'metric', 'runs', 'p50', 'p95', 'max', 'nulls'].map(csvField).join(',')];
  for (const { combination, metrics } of stats) {
    const values = combination.labels.map((label) => label.slice(label.indexOf('=') + 1));
    for (const m of metrics) {
      lines.push([...values, m.metric, String(m.runs), rawNumber(m.p50), rawNumber(m.p95), rawNumber(m.max), String(m.nulls)].map(csvField).join(','));
    }
  }
  return lines.join('\n') + '\n';
}

const human = (metric: string, v: number | null) => (v === null ? 'never' : formatReportValue(metric, v));

/** The printed table: combination, metric, p50, p95, max. */
export function formatSweepTable(stats: readonly CombinationStats[]): string {
  const rows: string[][] = [];
  for (const { combination, metrics } of stats) {
    const label = combination.labels.length === 0 ? '(as written)' : combination.labels.join(' ');
    metrics.forEach((m, i) => {
      rows.push([i === 0 ? label : '', m.metric, human(m.metric, m.p50), human(m.metric, m.p95), human(m.metric, m.max)]);
    });
  }
  return renderTable(['combination', 'metric', 'p50', 'p95', 'max'], rows, { align: ['left', 'left', 'right', 'right', 'right'] });
}
