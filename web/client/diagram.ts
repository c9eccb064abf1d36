// A machine's state diagram (SVG) from the graph the server walked out of its xstate definition
// (web/server/machine-graph.ts): states in layers by distance from the initial state, edges as
// arrows (labels on hover, and listed for the current state), the current state lit and the
// last transition drawn bold.

import type { MachineGraph, TransitionLine } from '../shared/protocol.ts';

const CHAR_PX = 5.6;
const BOX_H = 16;
const ROW_H = 34;
const GAP_X = 8;
const WIDTH = 320;

interface Placed {
  name: string;
  x: number;
  y: number;
  w: number;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Layers by breadth-first distance from the initial state; states it cannot reach go last. */
function layers(graph: MachineGraph): string[][] {
  const depth = new Map<string, number>([[graph.initial, 0]]);
  const queue = [graph.initial];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const e of graph.edges) {
      if (e.from === from && !depth.has(e.to)) {
        depth.set(e.to, depth.get(from)! + 1);
        queue.push(e.to);
      }
    }
  }
  const last = Math.max(0, ...depth.values()) + 1;
  const out: string[][] = [];
  for (const s of graph.states) {
    const d = depth.get(s.name) ?? last;
    (out[d] ??= []).push(s.name);
  }
  return out.filter((layer) => layer !== undefined);
}

/** Rows that fit the width: a layer too wide for one row wraps onto the next. */
function place(graph: MachineGraph): { placed: Map<string, Placed>; height: number } {
  const placed = new Map<string, Placed>();
  let y = 4;
  for (const layer of layers(graph)) {
    let row: Placed[] = [];
    const flush = () => {
      const used = row.reduce((sum, p) => sum + p.w, 0) + GAP_X * (row.length - 1);
      let x = Math.max(2, (WIDTH - used) / 2);
      for (const p of row) {
        p.x = x;
        p.y = y;
        x += p.w + GAP_X;
        placed.set(p.name, p);
      }
      y += ROW_H;
      row = [];
    };
    for (const name of layer) {
      const w = Math.min(WIDTH - 4, name.length * CHAR_PX + 10);
      const used = row.reduce((sum, p) => sum + p.w + GAP_X, 0);
      if (row.length > 0 && used + w > WIDTH - 4) flush();
      row.push({ name, x: 0, y: 0, w });
    }
    if (row.length > 0) flush();
  }
  return { placed, height: y };
}

/**
 * The diagram's SVG: `data-state` on each state's group, class `lit` on the current one,
 * `data-edge` on each edge, class `last` on the node's last transition of this machine.
 */
export function renderDiagram(graph: MachineGraph, current: string, last: TransitionLine | undefined): string {
  const { placed, height } = place(graph);
  const edges: string[] = [];
  let edgeIndex = 0;
  for (const e of graph.edges) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (a === undefined || b === undefined) continue;
    const isLast = last !== undefined && last.from === e.from && last.to === e.to && e.label.split(' [')[0] === last.event;
    const fromCurrent = e.from === current;
    const cls = `edge${fromCurrent ? ' out' : ''}${isLast ? ' last' : ''}`;
    const title = `<title>${escape(`${e.from} --${e.label}--> ${e.to}`)}</title>`;
    let d: string;
    if (a === b) {
      // A self-loop: a small arc over the box's right end.
      const x = a.x + a.w - 6;
      d = `M${x},${a.y} c 10,-12 18,0 6,${BOX_H / 2}`;
    } else {
      const ax = a.x + a.w / 2;
      const bx = b.x + b.w / 2;
      const down = b.y > a.y;
      const ay = down ? a.y + BOX_H : a.y === b.y ? a.y + BOX_H / 2 : a.y;
      const by = down ? b.y : a.y === b.y ? b.y + BOX_H / 2 : b.y + BOX_H;
      // Upward and sideways edges bend to one side; downward ones that skip rows bend by their
      // length, alternating sides, so they do not run through the states between.
      const rows = Math.round(Math.abs(b.y - a.y) / ROW_H);
      const side = (edgeIndex++ % 2 === 0 ? 1 : -1);
      const bend = down ? (rows > 1 ? side * Math.min(WIDTH / 2 - 10, 22 * rows) : 0) : (bx >= ax ? 1 : -1) * 28 * Math.max(1, rows);
      d = `M${ax},${ay} Q${(ax + bx) / 2 + bend},${(ay + by) / 2 + (down ? 0 : -14)} ${bx},${by}`;
    }
    edges.push(`<path class="${cls}" data-edge="${escape(`${e.from}>${e.to}`)}" d="${d}" marker-end="url(#arrow)">${title}</path>`);
  }
  const boxes = graph.states.map((s) => {
    const p = placed.get(s.name)!;
    const lit = s.name === current ? ' lit' : '';
    return `<g class="state${lit}" data-state="${escape(s.name)}"><rect x="${p.x}" y="${p.y}" width="${p.w}" height="${BOX_H}" rx="4"/>` +
      `<text x="${p.x + p.w / 2}" y="${p.y + 11.5}">${escape(s.name)}</text></g>`;
  });
  return `<svg class="diagram" data-machine="${escape(graph.name)}" data-current="${escape(current)}" viewBox="0 0 ${WIDTH} ${height}" width="100%">` +
    '<defs><marker id="arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L6,3 L0,6 z"/></marker></defs>' +
    `${edges.join('')}${boxes.join('')}</svg>`;
}

/** The transitions out of the current state, as text under the diagram. */
export function outgoing(graph: MachineGraph, current: string): string[] {
  return graph.edges.filter((e) => e.from === current).map((e) => (e.to === e.from ? `${e.label} (stays)` : `${e.label} → ${e.to}`));
}
