// The frame of fleetsim's self-contained HTML pages (run, check, sweep --html): a title, a
// paragraph, the body, d3 inline and the data as JSON in a script element, plus the small chart
// helpers both page kinds use. Pure: the d3 source is passed in.

import { scriptSafe } from '../search/html.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** JSON inside a script element: `<` escaped so no text in the data can close the element. */
export function scriptJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

export interface PageParts {
  title: string;
  intro: string;
  /** Trusted HTML (the callers escape what they interpolate). */
  body: string;
  d3Source: string;
  data: unknown;
  /** The page's drawing script; `data` and the helpers below are in scope. */
  script: string;
}

/** Helpers in the page: time and value formats shared by the charts. */
const HELPERS = `
const fmtMs = (v) => {
  if (v === null || v === undefined) return 'never';
  const units = [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]];
  if (v === 0) return '0s';
  const parts = [];
  let rest = Math.round(v);
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) { if (n > 0) parts.push(n + u); rest -= n * size; if (parts.length === 2 || (parts.length === 1 && n === 0)) break; }
  }
  return parts.length === 0 ? Math.round(v) + 'ms' : parts.join(' ');
};
const fmtValue = (unit, v) => v === null || v === undefined ? 'never' : unit === 'ms' ? fmtMs(v) : d3.format(',~g')(v);
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
`;

export function htmlPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(parts.title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; max-width: 1000px; }
h1 { font-size: 18px; } h2 { font-size: 15px; margin-top: 28px; }
table { border-collapse: collapse; margin-top: 12px; }
td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.line { fill: none; stroke-width: 1.5; }
.legend { font-size: 12px; }
.bar50 { fill: #1f77b4; } .bar95 { fill: #9ecae1; } .max { fill: #d62728; }
.never { font-size: 12px; fill: #d62728; }
</style>
</head>
<body>
<h1>${escapeHtml(parts.title)}</h1>
<p>${parts.intro}</p>
${parts.body}
<script>${scriptSafe(parts.d3Source)}</script>
<script>
const data = ${scriptJson(parts.data)};
${HELPERS}
${parts.script}
</script>
</body>
</html>
`;
}
