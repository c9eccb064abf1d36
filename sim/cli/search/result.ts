// A search's result: each combination's scores and whether it is on the Pareto frontier; the
// printed table (the frontier, best rollout time first) and the CSV (every combination, with a
// `frontier` column). Pure: same reports in, same bytes out, wherever the runs ran.

import type { Report } from '../../report/report.ts';
import type { Combination } from '../args.ts';
import { formatCount, formatDurationShort } from '../format.ts';
import { csvField } from '../sweep-stats.ts';
import { renderTable } from '../table.ts';
import { objectivesFor, scoreOf, type Objective } from './objectives.ts';
import { compareScores, paretoFrontier } from './pareto.ts';

export interface SearchPoint {
  combination: Combination;
  /** Runs the scores are over (crashed runs are left out and reported). */
  runs: number;
  scores: (number | null)[];
  frontier: boolean;
}

export interface SearchResult {
  objectives: Objective[];
  points: SearchPoint[];
  seeds: number;
}

export function searchResult(combinations: readonly Combination[], reportsPer: readonly (readonly Report[])[], seeds: number): SearchResult {
  const objectives = objectivesFor(reportsPer.flat());
  const scores = reportsPer.map((reports) => scoreOf(objectives, reports));
  const onFrontier = new Set(paretoFrontier(scores));
  return {
    objectives,
    seeds,
    points: combinations.map((combination, i) => ({ combination, runs: reportsPer[i].length, scores: scores[i], frontier: onFrontier.has(i) })),
  };
}

/** The frontier's points, best first objective first (then the next objectives, then the grid's order). */
export function frontierPoints(result: SearchResult): SearchPoint[] {
  return result.points.filter((p) => p.frontier).sort((a, b) => compareScores(a.scores, b.scores));
}

export function labelOf(combination: Combination): string {
  return combination.labels.length === 0 ? '(as written)' : combination.labels.join(' ');
}

export function formatObjectiveValue(objective: Objective, value: number | null): string {
  if (value === null) return 'never';
  return objective.unit === 'ms' ? formatDurationShort(value) : formatCount(value);
}

export function formatSearchTable(result: SearchResult): string {
  const frontier = frontierPoints(result);
  const head = `Pareto frontier: ${frontier.length} of ${result.points.length} combinations (p95 over ${result.seeds} seeds; lower is better in every column)\n`;
  const rows = frontier.map((p) => [labelOf(p.combination), ...result.objectives.map((o, i) => formatObjectiveValue(o, p.scores[i]))]);
  return head + renderTable(['combination', ...result.objectives.map((o) => o.id)], rows, { align: ['left', ...result.objectives.map(() => 'right' as const)] });
}

/**
 * One row per combination, in the grid's order: a column per --set path (its value as written),
 * a column per objective (raw numbers, durations in ms; empty = never), runs, frontier (1 or 0).
 */
export function searchCsv(paths: readonly string[], result: SearchResult): string {
  const lines = [[...paths, ...result.objectives.map((o) => o.id), 'runs', 'frontier'].map(csvField).join(',')];
  for (const p of result.points) {
    const values = p.combination.labels.map((label) => label.slice(label.indexOf('=') + 1));
    lines.push([...values, ...p.scores.map((s) => (s === null ? '' : String(s))), String(p.runs), p.frontier ? '1' : '0'].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
