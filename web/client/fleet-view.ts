// The fleet view: every node drawn on one canvas by writing pixels into an ImageData (no element
// per node), so 100k nodes redraw in a few milliseconds. A node is a cell coloured by its state
// category; with cells of 4 px or more its version shows as a 1 px ring, below that the view can
// colour by version instead. Labels (zones, groups) are drawn over the pixels.

import { CATEGORY_COUNT } from '../shared/protocol.ts';
import { CATEGORY_COLOURS, rgbaWord, versionColour } from './colours.ts';
import { computeLayout, nodeAt, zoneAt, type Layout } from './layout.ts';
import type { GroupInfo } from '../shared/protocol.ts';

const BACKGROUND = rgbaWord('#11151c');
const HIGHLIGHT = rgbaWord('#ffffff');
const PICKED = rgbaWord('#ff4df0');

export class FleetView {
  readonly category: Uint8Array;
  readonly version: Uint8Array;
  colourBy: 'state' | 'version' = 'state';
  highlighted = -1;
  /** Nodes picked for a fault (outlined like the highlighted one, in the pick colour). */
  picked: ReadonlySet<number> = new Set();
  private layout: Layout | null = null;
  private image: ImageData | null = null;
  private pixels: Uint32Array | null = null;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly categoryWords = CATEGORY_COLOURS.map(rgbaWord);
  private readonly versionWords = Array.from({ length: 256 }, (_, i) => rgbaWord(versionColour(i)));
  private dirty = true;
  /** Frames drawn so far (the e2e test and the FPS probe read it). */
  framesDrawn = 0;
  lastDrawMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly groups: GroupInfo[],
    private readonly zones: string[],
    readonly nodeCount: number,
  ) {
    this.category = new Uint8Array(nodeCount);
    this.version = new Uint8Array(nodeCount);
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('no 2d canvas context');
    this.ctx = ctx;
    this.resize();
  }

  /** Re-lays out for the canvas's current size (call on window resize). */
  resize(): void {
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.floor(this.canvas.clientWidth * dpr));
    const height = Math.max(1, Math.floor(this.canvas.clientHeight * dpr));
    this.canvas.width = width;
    this.canvas.height = height;
    this.layout = computeLayout(this.groups, this.zones, this.nodeCount, width, height, dpr);
    this.image = this.ctx.createImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.dirty = true;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Draws when something changed (or always with `force`); returns true when it drew. */
  draw(force = false): boolean {
    if (!force && !this.dirty) return false;
    const started = performance.now();
    const layout = this.layout!;
    const pixels = this.pixels!;
    pixels.fill(BACKGROUND);
    const width = layout.width;
    const cell = layout.cellPx;
    const ring = cell >= 4 && this.colourBy === 'state';
    const offsets = layout.nodeOffset;
    const category = this.category;
    const version = this.version;
    const categoryWords = this.categoryWords;
    const versionWords = this.versionWords;
    const byVersion = this.colourBy === 'version';
    for (let i = 0; i < this.nodeCount; i++) {
      const fill = byVersion ? versionWords[version[i]] : categoryWords[category[i] < CATEGORY_COUNT ? category[i] : 0];
      const at = offsets[i];
      if (cell === 1) {
        pixels[at] = fill;
        continue;
      }
      const edge = ring ? versionWords[version[i]] : fill;
      for (let dy = 0; dy < cell; dy++) {
        const row = at + dy * width;
        const border = dy === 0 || dy === cell - 1;
        for (let dx = 0; dx < cell; dx++) pixels[row + dx] = border || dx === 0 || dx === cell - 1 ? edge : fill;
      }
    }
    for (const node of this.picked) this.outline(pixels, offsets, width, cell, node, PICKED);
    this.outline(pixels, offsets, width, cell, this.highlighted, HIGHLIGHT);
    this.ctx.putImageData(this.image!, 0, 0);
    this.drawLabels(layout);
    this.dirty = false;
    this.framesDrawn++;
    this.lastDrawMs = performance.now() - started;
    return true;
  }

  private outline(pixels: Uint32Array, offsets: Uint32Array, width: number, cell: number, node: number, colour: number): void {
    if (!(node >= 0 && node < this.nodeCount)) return;
    const at = offsets[node];
    const size = Math.max(cell, 3);
    for (let d = -1; d <= size; d++) {
      for (const p of [at - width + d, at + size * width + d, at + d * width - 1, at + d * width + size]) {
        if (p >= 0 && p < pixels.length) pixels[p] = colour;
      }
    }
  }

  private drawLabels(layout: Layout): void {
    const ctx = this.ctx;
    ctx.fillStyle = '#9aa4b5';
    ctx.font = `${Math.round(layout.labelPx * 0.85)}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    for (const column of layout.zoneColumns) ctx.fillText(`zone ${column.zone}`, column.x, 2);
    ctx.fillStyle = '#6b7280';
    for (const block of layout.blocks) ctx.fillText(block.label, block.x, block.y - layout.labelPx);
  }

  /** The node under a CSS pixel of the canvas, or -1. */
  nodeAtClient(clientX: number, clientY: number): number {
    const { x, y } = this.toDevice(clientX, clientY);
    return nodeAt(this.layout!, x, y);
  }

  /** The zone name under a CSS pixel, or null. */
  zoneAtClient(clientX: number): string | null {
    const { x } = this.toDevice(clientX, 0);
    const z = zoneAt(this.layout!, x);
    return z < 0 ? null : this.zones[z];
  }

  /** The CSS pixel (client coordinates) of a node's cell centre (tests and scripts click it). */
  clientPointOf(node: number): { x: number; y: number } {
    const layout = this.layout!;
    const at = layout.nodeOffset[node];
    const rect = this.canvas.getBoundingClientRect();
    const half = layout.cellPx / 2;
    return {
      x: rect.left + (((at % layout.width) + half) * rect.width) / this.canvas.width,
      y: rect.top + ((Math.floor(at / layout.width) + half) * rect.height) / this.canvas.height,
    };
  }

  private toDevice(clientX: number, clientY: number): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((clientX - rect.left) * this.canvas.width) / rect.width, y: ((clientY - rect.top) * this.canvas.height) / rect.height };
  }

  /** Counts of nodes per state category (the DOM counter and tests read them). */
  countCategories(): number[] {
    const counts = new Array<number>(CATEGORY_COUNT).fill(0);
    for (let i = 0; i < this.nodeCount; i++) counts[this.category[i]]++;
    return counts;
  }

  get cellPx(): number {
    return this.layout?.cellPx ?? 0;
  }
}
