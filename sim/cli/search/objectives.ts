// What `fleetsim search` minimises: the time a rollout takes against the disruption it causes,
// each as the p95 over the seeds of a combination. The list is data, so an objective is added in
// one place: today rollout time (p95 `rollout.duration`) and disruption (p95
// `availability.maxDown`), plus, for each workload a report lists (`workloads[].belowMinMs`, the
// time the workload spent below its minimum; a search over scenarios without workloads has just
// the two), one objective per workload. Pure.

import type { Report } from '../../report/report.ts';
import { metricValue, percentileWithNulls } from '../sweep-stats.ts';

export interface Objective {
  /** Column name in the table and the CSV, like `p95 rollout.duration`. */
  id: string;
  /** For the page's axis and the docs. */
  label: string;
  /** How the table prints a value: a duration (ms) or a count. */
  unit: 'ms' | 'count';
  /** The run's value; null is "did not happen" (a rollout that never completed), worse than any number. */
  value(report: Report): number | null;
}

/** Objectives every search has, in display order (the first is the page's x axis, the second its y). */
export const BASE_OBJECTIVES: readonly Objective[] = [
  { id: 'p95 rollout.duration', label: 'time to patch: p95 rollout.duration', unit: 'ms', value: (r) => metricValue(r, 'rollout.duration') },
  { id: 'p95 availability.maxDown', label: 'disruption: p95 availability.maxDown (nodes down at once)', unit: 'count', value: (r) => metricValue(r, 'availability.maxDown') },
];

/** A report read from an older file may lack the list: none then. */
function workloadsOf(report: Report): Report['workloads'] {
  return Array.isArray(report.workloads) ? report.workloads : [];
}

/** One `belowMinMs` objective per workload named in any report, in order of first appearance. */
export function workloadObjectives(reports: readonly Report[]): Objective[] {
  const names: string[] = [];
  for (const report of reports) {
    for (const w of workloadsOf(report)) if (!names.includes(w.name)) names.push(w.name);
  }
  return names.map((name) => ({
    id: `p95 workloads[${name}].belowMinMs`,
    label: `disruption: p95 time workload ${name} spent below its minimum`,
    unit: 'ms' as const,
    value: (r: Report) => {
      const entry = workloadsOf(r).find((w) => w.name === name);
      return entry === undefined ? null : entry.belowMinMs;
    },
  }));
}

export function objectivesFor(reports: readonly Report[]): Objective[] {
  return [...BASE_OBJECTIVES, ...workloadObjectives(reports)];
}

/** The p95 (nearest rank, null above every number) of each objective over a combination's reports. */
export function scoreOf(objectives: readonly Objective[], reports: readonly Report[]): (number | null)[] {
  return objectives.map((o) => percentileWithNulls(reports.map((r) => o.value(r)), 95));
}
