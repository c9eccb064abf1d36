// `check --html` and `sweep --html`: per scenario (check) or per combination (sweep), the
// p50 / p95 / max over the seeds of the key metrics, one horizontal bar chart per metric (p50 the
// dark bar, p95 the light one, max a red tick; "never" when the value at that rank is a rollout
// that did not complete). Pure.

import type { Report } from '../../report/report.ts';
import { metricValue, percentileWithNulls } from '../sweep-stats.ts';
import { escapeHtml, htmlPage } from './page.ts';

export interface PercentileRow {
  label: string;
  reports: readonly Report[];
}

const METRICS = [
  { id: 'rollout.duration', label: 'time to patch (rollout.duration)', unit: 'ms' },
  { id: 'rollout.t90', label: '90% patched (rollout.t90)', unit: 'ms' },
  { id: 'availability.maxDown', label: 'most nodes down at once (availability.maxDown)', unit: 'nodes' },
  { id: 'reboots.maxConcurrent', label: 'most reboots at once (reboots.maxConcurrent)', unit: 'nodes' },
] as const;

const SCRIPT = `
const W = 900, ROW = 26, M = { left: 260, right: 120, top: 8, bottom: 30 };
data.metrics.forEach((metric, k) => {
  const H = M.top + M.bottom + ROW * data.rows.length;
  const svg = d3.select('#m' + k).attr('width', W).attr('height', H);
  const stats = data.rows.map((r) => r.stats[k]);
  const top = Math.max(1, d3.max(stats.flatMap((s) => [s.p50, s.p95, s.max].filter((v) => v !== null))) || 1);
  const x = d3.scaleLinear().domain([0, top]).nice().range([M.left, W - M.right]);
  const y = (i) => M.top + ROW * i;
  svg.append('g').attr('transform', 'translate(0,' + (H - M.bottom) + ')').call(d3.axisBottom(x).ticks(6).tickFormat((v) => fmtValue(metric.unit, v)));
  data.rows.forEach((row, i) => {
    const s = stats[i];
    svg.append('text').attr('x', M.left - 8).attr('y', y(i) + ROW / 2 + 4).attr('text-anchor', 'end').text(row.label.length > 38 ? row.label.slice(0, 37) + '…' : row.label).append('title').text(row.label);
    if (s.p95 !== null) svg.append('rect').attr('class', 'bar95').attr('x', x(0)).attr('y', y(i) + 4).attr('width', x(s.p95) - x(0)).attr('height', ROW - 8);
    if (s.p50 !== null) svg.append('rect').attr('class', 'bar50').attr('x', x(0)).attr('y', y(i) + 8).attr('width', x(s.p50) - x(0)).attr('height', ROW - 16);
    if (s.max !== null) svg.append('rect').attr('class', 'max').attr('x', x(s.max) - 1).attr('y', y(i) + 2).attr('width', 2).attr('height', ROW - 4);
    svg.append('text').attr('class', s.p95 === null ? 'never' : 'legend').attr('x', W - M.right + 6).attr('y', y(i) + ROW / 2 + 4)
      .text(fmtValue(metric.unit, s.p50) + ' / ' + fmtValue(metric.unit, s.p95));
  });
});
`;

export function percentilesHtml(rows: readonly PercentileRow[], options: { title: string; d3Source: string; seeds: number }): string {
  const data = {
    metrics: METRICS,
    rows: rows.map((r) => ({
      label: r.label,
      stats: METRICS.map((m) => {
        const values = r.reports.map((report) => metricValue(report, m.id));
        return { p50: percentileWithNulls(values, 50), p95: percentileWithNulls(values, 95), max: values.length === 0 ? null : percentileWithNulls(values, 100) };
      }),
    })),
  };
  const charts = METRICS.map((m, k) => `<h2>${escapeHtml(m.label)}</h2>\n<svg id="m${k}" role="img" aria-label="${escapeHtml(m.id)}"></svg>`).join('\n');
  return htmlPage({
    title: options.title,
    intro: `Over ${options.seeds} seeds each: the dark bar is the median (p50), the light bar p95, the red tick the maximum (nearest rank; "never" when that rank is a rollout that did not complete within the horizon). The numbers at the right are p50 / p95.`,
    body: charts,
    d3Source: options.d3Source,
    data,
    script: SCRIPT,
  });
}
