// Colours of node state categories (protocol.ts NODE_CATEGORY order) and of versions.

import { schemeTableau10 } from 'd3';

export const CATEGORY_COLOURS = ['#2f7d4f', '#3b82f6', '#a855f7', '#f59e0b', '#22d3ee', '#ef4444', '#f472b6'];

export const VERSION_COLOURS = [...schemeTableau10];

export function versionColour(index: number): string {
  return VERSION_COLOURS[index % VERSION_COLOURS.length];
}

/** A CSS hex colour as a little-endian RGBA word for a Uint32Array over ImageData. */
export function rgbaWord(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  const r = (v >> 16) & 255;
  const g = (v >> 8) & 255;
  const b = v & 255;
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
