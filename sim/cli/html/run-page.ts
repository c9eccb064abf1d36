// `run --html FILE`: the run's time series drawn with d3 (nodes on each version; per sample
// interval the reboots started and the mean nodes down; each workload's instances serving against
// its target; reboot-lock holders per lock group), with the report's headline numbers. Pure.

import type { Report } from '../../report/report.ts';
import { formatReportValue } from '../format.ts';
import { escapeHtml, htmlPage } from './page.ts';
import type { RunSeries } from './series.ts';

const HEADLINES = ['rollout.completed', 'rollout.duration', 'rollout.t90', 'availability.maxDown', 'reboots.maxConcurrent', 'reboots.outsideWindow', 'invariants.violations'] as const;

function lookup(report: Report, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], report);
}

const SCRIPT = `
const W = 900, H = 260, M = { left: 60, right: 170, top: 10, bottom: 36 };
const days = d3.max(data.samples, (s) => s.t) > 2 * 86400000;
const xUnit = days ? 86400000 : 3600000;
// x in days (or hours) so that the ticks fall on whole units.
const t = data.samples.map((s) => s.t / xUnit);
function chart(id, lines, step) {
  const svg = d3.select(id).attr('width', W).attr('height', H);
  const x = d3.scaleLinear().domain([0, d3.max(t) || 1]).range([M.left, W - M.right]);
  const y = d3.scaleLinear().domain([0, Math.max(1, d3.max(lines.flatMap((l) => l.values)))]).nice().range([H - M.bottom, M.top]);
  svg.append('g').attr('transform', 'translate(0,' + (H - M.bottom) + ')').call(d3.axisBottom(x).ticks(10));
  svg.append('text').attr('x', (M.left + W - M.right) / 2).attr('y', H - 4).attr('text-anchor', 'middle').text(days ? 'days' : 'hours');
  svg.append('g').attr('transform', 'translate(' + M.left + ',0)').call(d3.axisLeft(y).ticks(6));
  const line = d3.line().x((d, i) => x(t[i])).y((d) => y(d)).curve(step ? d3.curveStepBefore : d3.curveLinear);
  lines.forEach((l, k) => {
    svg.append('path').datum(l.values).attr('class', 'line').attr('stroke', COLOURS[k % COLOURS.length]).attr('d', line);
    svg.append('text').attr('class', 'legend').attr('x', W - M.right + 8).attr('y', M.top + 14 + 16 * k).attr('fill', COLOURS[k % COLOURS.length]).text(l.name);
  });
}
// Per interval between samples (the first sample is t = 0): what happened in it.
const delta = (f) => data.samples.map((s, i) => (i === 0 ? 0 : f(s) - f(data.samples[i - 1])));
const spanMs = data.samples.map((s, i) => (i === 0 ? 1 : s.t - data.samples[i - 1].t));
chart('#versions', data.versionNames.map((name, i) => ({ name, values: data.samples.map((s) => s.versions[i] ?? 0) })), false);
chart('#down', [
  { name: 'reboots started', values: delta((s) => s.rebootsStarted) },
  { name: 'nodes down (mean)', values: delta((s) => s.downtimeMs).map((d, i) => d / spanMs[i]) },
], true);
if (data.workloads.length > 0) chart('#workloads', data.workloads.flatMap((w, i) => [
  { name: w.name + ' serving', values: data.samples.map((s) => s.serving[i]) },
  { name: w.name + ' target ' + w.minReady, values: data.samples.map(() => w.minReady) },
]), true);
if (data.lockGroups.length > 0) chart('#locks', data.lockGroups.map((g, i) => ({ name: 'lock ' + g, values: data.samples.map((s) => s.holders[i]) })), true);
`;

function intervalMs(series: RunSeries): number {
  const s = series.samples;
  return s.length < 2 ? 0 : s[1].t - s[0].t;
}

export function runHtml(series: RunSeries, report: Report, options: { title: string; d3Source: string }): string {
  const rows = HEADLINES.map((path) => `<tr><td>${path}</td><td class="n">${escapeHtml(formatReportValue(path, lookup(report, path)))}</td></tr>`).join('\n');
  const workloads = series.workloads.length > 0 ? '<h2>Workloads: instances serving, and each target (minAvailable), at each sample</h2>\n<svg id="workloads" role="img" aria-label="workload availability"></svg>\n' : '';
  const workloadRows = report.workloads
    .map((w) => `<tr><td>workload ${escapeHtml(w.name)}: availability, time below target</td><td class="n">${escapeHtml(formatReportValue('workloads.0.availability', w.availability))}, ${escapeHtml(formatReportValue('workloads.0.belowMinMs', w.belowMinMs))}</td></tr>`)
    .join('\n');
  const locks = series.lockGroups.length > 0 ? '<h2>Reboot-lock holders per lock group (at each sample)</h2>\n<svg id="locks" role="img" aria-label="lock holders"></svg>' : '';
  return htmlPage({
    title: options.title,
    intro: `Seed ${report.seed}, ${escapeHtml(formatReportValue('duration', report.duration))} of simulated time, ${series.samples.length} samples. Trace hash <code>${escapeHtml(report.traceHash)}</code>.`,
    body: `<table>\n${rows}${workloadRows === '' ? '' : `\n${workloadRows}`}\n</table>
<h2>Nodes on each version</h2>
<svg id="versions" role="img" aria-label="nodes per version"></svg>
<h2>Reboots started, and nodes down on average, per interval of ${escapeHtml(formatReportValue('duration', intervalMs(series)))}</h2>
<svg id="down" role="img" aria-label="nodes down"></svg>
${workloads}${locks}`,
    d3Source: options.d3Source,
    data: { samples: series.samples, versionNames: series.versionNames, lockGroups: series.lockGroups, workloads: series.workloads },
    script: SCRIPT,
  });
}
