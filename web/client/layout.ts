// Where each node sits in the fleet view: one column per zone, and in it one block per update
// group, nodes in rows. Node numbering follows the world (sim/model/world/world.ts): groups in
// file order, a group's nodes spread round-robin over its zones. The largest cell size that
// fits the canvas wins; at 100k nodes on a laptop screen a node is a 1-2 px cell.

import type { GroupInfo } from '../shared/protocol.ts';

export interface Block {
  zone: number;
  group: number;
  label: string;
  /** Device pixels. */
  x: number;
  y: number;
  perRow: number;
  nodes: Uint32Array;
}

export interface Layout {
  cellPx: number;
  /** Cell plus the gap between cells. */
  pitchPx: number;
  width: number;
  height: number;
  blocks: Block[];
  zoneColumns: { zone: string; x: number; width: number }[];
  /** Top-left device pixel of each node, as y * width + x. */
  nodeOffset: Uint32Array;
  labelPx: number;
}

const CELL_PX_MAX = 14;
const PAD_PX = 6;

export function nodeBlocks(groups: GroupInfo[], zones: string[]): { zone: number; group: number; nodes: Uint32Array }[] {
  const blocks: { zone: number; group: number; nodes: number[] }[] = [];
  let first = 0;
  groups.forEach((group, g) => {
    const zoneIndex = group.zones.map((z) => zones.indexOf(z));
    const mine = zoneIndex.map((z) => ({ zone: z, group: g, nodes: [] as number[] }));
    for (let i = 0; i < group.nodes; i++) mine[i % zoneIndex.length].nodes.push(first + i);
    blocks.push(...mine.filter((b) => b.nodes.length > 0));
    first += group.nodes;
  });
  return blocks
    .sort((a, b) => a.zone - b.zone || a.group - b.group)
    .map((b) => ({ zone: b.zone, group: b.group, nodes: Uint32Array.from(b.nodes) }));
}

export function computeLayout(groups: GroupInfo[], zones: string[], nodeCount: number, width: number, height: number, dpr: number): Layout {
  const raw = nodeBlocks(groups, zones);
  const labelPx = Math.round(13 * dpr);
  const columnWidth = Math.max(1, Math.floor((width - PAD_PX * (zones.length + 1)) / Math.max(1, zones.length)));
  let chosen = 1;
  for (let cell = CELL_PX_MAX; cell >= 1; cell--) {
    const pitch = cell >= 4 ? cell + 1 : cell;
    const perRow = Math.max(1, Math.floor(columnWidth / pitch));
    const fits = zones.every((_, z) => {
      let y = labelPx + PAD_PX;
      for (const b of raw) if (b.zone === z) y += labelPx + Math.ceil(b.nodes.length / perRow) * pitch + PAD_PX;
      return y <= height;
    });
    if (fits) {
      chosen = cell;
      break;
    }
  }
  const cellPx = chosen;
  const pitchPx = cellPx >= 4 ? cellPx + 1 : cellPx;
  const perRow = Math.max(1, Math.floor(columnWidth / pitchPx));
  const nodeOffset = new Uint32Array(nodeCount);
  const blocks: Block[] = [];
  const zoneColumns = zones.map((zone, z) => ({ zone, x: PAD_PX + z * (columnWidth + PAD_PX), width: columnWidth }));
  const nextY = zones.map(() => labelPx + PAD_PX);
  for (const b of raw) {
    const x = zoneColumns[b.zone].x;
    const y = nextY[b.zone] + labelPx;
    const rows = Math.ceil(b.nodes.length / perRow);
    nextY[b.zone] = y + rows * pitchPx + PAD_PX;
    blocks.push({ zone: b.zone, group: b.group, label: `${groups[b.group].name} (${b.nodes.length})`, x, y, perRow, nodes: b.nodes });
    for (let k = 0; k < b.nodes.length; k++) {
      const px = x + (k % perRow) * pitchPx;
      const py = y + Math.floor(k / perRow) * pitchPx;
      // Nodes that do not fit (a tiny window) pile up on the last row rather than overflow.
      nodeOffset[b.nodes[k]] = Math.min(py, height - cellPx) * width + Math.min(px, width - cellPx);
    }
  }
  return { cellPx, pitchPx, width, height, blocks, zoneColumns, nodeOffset, labelPx };
}

/** The node under a device pixel, or -1. */
export function nodeAt(layout: Layout, x: number, y: number): number {
  for (const b of layout.blocks) {
    if (x < b.x || y < b.y) continue;
    const col = Math.floor((x - b.x) / layout.pitchPx);
    const row = Math.floor((y - b.y) / layout.pitchPx);
    if (col >= b.perRow) continue;
    const k = row * b.perRow + col;
    if (k < b.nodes.length) return b.nodes[k];
  }
  return -1;
}

/** The zone column under a device pixel, or -1. */
export function zoneAt(layout: Layout, x: number): number {
  return layout.zoneColumns.findIndex((c) => x >= c.x && x < c.x + c.width);
}
