// The imported scenario as text: YAML with each value's source in a comment next to it, or JSON
// with a `sources` key (dotted path -> "file:line: what was read"). Pure.

import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { formatSource } from './fragment.ts';
import type { Combined, Cited } from './combine.ts';

function citeText(cited: Cited): string {
  return cited.source === null ? cited.from : `${formatSource(cited.source)}: ${cited.from}`;
}

export function renderJson(combined: Combined): string {
  const sources = Object.fromEntries([...combined.sources].map(([path, cited]) => [path, citeText(cited)]));
  return `${JSON.stringify({ ...combined.scenario, sources }, null, 2)}\n`;
}

export function renderYaml(combined: Combined): string {
  const doc = new Document(combined.scenario);
  doc.commentBefore = [
    ` Written by \`fleetsim import\`. Each value says where it came from (file:line); values`,
    ' no file gave are defaults to edit. Settings that could not be mapped were listed on stderr.',
  ].join('\n');
  for (const [path, cited] of combined.sources) {
    const segments = path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const node = doc.getIn(segments, true) as Node | undefined;
    if (node === undefined) continue;
    if (isScalar(node)) {
      // "02:00" stays quoted: a YAML 1.1 reader would take 02:00 for a sexagesimal number.
      if (typeof node.value === 'string' && /^\d+:\d+$/.test(node.value)) node.type = 'QUOTE_DOUBLE';
      node.comment = ` ${citeText(cited)}`;
      continue;
    }
    // A mapping or list: the comment goes on the line above its key (or above the list item).
    const parent = doc.getIn(segments.slice(0, -1), true);
    const last = segments[segments.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (pair !== undefined && isScalar(pair.key)) pair.key.commentBefore = ` ${citeText(cited)}`;
    } else if (isSeq(parent) || isMap(node) || isSeq(node)) {
      node.commentBefore = ` ${citeText(cited)}`;
    }
  }
  return doc.toString({ lineWidth: 0 });
}
