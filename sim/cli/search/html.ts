// `fleetsim search --html FILE`: one self-contained page (no network: d3's UMD bundle is inlined
// from node_modules, the data as JSON) drawing every combination at (p95 rollout time, p95
// disruption), the Pareto frontier joined by a staircase, and the frontier as a table. Points
// that never completed sit in a "never" band past the axis. Hovering a point names its
// combination. Pure: the d3 source is passed in.

import { frontierPoints, formatObjectiveValue, labelOf, type SearchResult } from './result.ts';

/** Text that may not appear raw inside a <script>: `</script`, `<!--` (escaped, meaning unchanged). */
export function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export interface SearchPageOptions {
  title: string;
  /** d3's UMD bundle (node_modules/d3/dist/d3.min.js). */
  d3Source: string;
}

export function searchHtml(result: SearchResult, options: SearchPageOptions): string {
  const data = {
    objectives: result.objectives.map((o) => ({ id: o.id, label: o.label, unit: o.unit })),
    points: result.points.map((p) => ({ label: labelOf(p.combination), scores: p.scores, frontier: p.frontier, runs: p.runs })),
  };
  const frontier = frontierPoints(result);
  const rows = frontier
    .map((p) => `<tr><td>${escapeHtml(labelOf(p.combination))}</td>${result.objectives.map((o, i) => `<td class="n">${escapeHtml(formatObjectiveValue(o, p.scores[i]))}</td>`).join('')}</tr>`)
    .join('\n');
  // JSON in a script: `<` escaped so no text in a label can close the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(options.title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 18px; }
table { border-collapse: collapse; margin-top: 16px; }
td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.dot { fill: #9aa; opacity: 0.8; }
.dot.frontier { fill: #c33; opacity: 1; }
.stairs { fill: none; stroke: #c33; stroke-width: 1.5; }
.never { fill: #f4f4f4; }
</style>
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p>Each point is one combination of the searched values: p95 over ${result.seeds} seeds. Lower is better on both axes; red points are the Pareto frontier (no other combination is at least as good on every objective and better on one). Hover a point for its combination.</p>
<svg id="chart" width="760" height="480" role="img" aria-label="Pareto frontier"></svg>
<table>
<thead><tr><th>combination</th>${result.objectives.map((o) => `<th>${escapeHtml(o.id)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<script>${scriptSafe(options.d3Source)}</script>
<script>
const data = ${json};
const W = 760, H = 480, M = { left: 70, right: 70, top: 20, bottom: 50 };
const svg = d3.select('#chart');
const [xo, yo] = data.objectives;
const finite = (k) => data.points.map((p) => p.scores[k]).filter((v) => v !== null);
// Durations in hours when the largest is over 2 h, else in minutes.
const hours = d3.max(data.points.flatMap((p) => p.scores.filter((v, i) => v !== null && data.objectives[i].unit === 'ms'))) > 7200000;
const fmt = (o, v) => v === null ? 'never' : o.unit === 'ms' ? d3.format(',.2~f')(v / (hours ? 3600000 : 60000)) + (hours ? ' h' : ' min') : d3.format(',~g')(v);
const scale = (k, range) => d3.scaleLinear().domain([0, Math.max(1, d3.max(finite(k)) ?? 1)]).nice().range(range);
const x = scale(0, [M.left, W - M.right - 40]);
const y = scale(1, [H - M.bottom, M.top + 40]);
// "never" (null) is drawn past the axis end, in a grey band.
const px = (v) => v === null ? W - M.right / 2 - 20 : x(v);
const py = (v) => v === null ? M.top + 10 : y(v);
svg.append('rect').attr('class', 'never').attr('x', W - M.right - 30).attr('y', 0).attr('width', M.right + 30).attr('height', H - M.bottom);
svg.append('rect').attr('class', 'never').attr('x', M.left).attr('y', 0).attr('width', W - M.left).attr('height', M.top + 25);
svg.append('text').attr('x', W - M.right / 2 - 20).attr('y', H - M.bottom + 15).attr('text-anchor', 'middle').text('never');
svg.append('g').attr('transform', 'translate(0,' + (H - M.bottom) + ')').call(d3.axisBottom(x).ticks(6).tickFormat((v) => fmt(xo, v)));
svg.append('g').attr('transform', 'translate(' + M.left + ',0)').call(d3.axisLeft(y).ticks(6).tickFormat((v) => fmt(yo, v)));
svg.append('text').attr('x', (M.left + W - M.right) / 2).attr('y', H - 10).attr('text-anchor', 'middle').text(xo.label);
svg.append('text').attr('transform', 'rotate(-90)').attr('x', -(H - M.bottom + M.top) / 2).attr('y', 16).attr('text-anchor', 'middle').text(yo.label);
const front = data.points.filter((p) => p.frontier).sort((a, b) => (a.scores[0] ?? Infinity) - (b.scores[0] ?? Infinity));
svg.append('path').attr('class', 'stairs').attr('d', d3.line().curve(d3.curveStepAfter).x((p) => px(p.scores[0])).y((p) => py(p.scores[1]))(front));
svg.append('g').selectAll('circle').data(data.points).join('circle')
  .attr('class', (p) => p.frontier ? 'dot frontier' : 'dot')
  .attr('cx', (p) => px(p.scores[0])).attr('cy', (p) => py(p.scores[1])).attr('r', (p) => p.frontier ? 6 : 4)
  .append('title').text((p) => p.label + '\\n' + data.objectives.map((o, i) => o.id + ': ' + fmt(o, p.scores[i])).join('\\n') + '\\nruns: ' + p.runs);
</script>
</body>
</html>
`;
}
