// Colours of node state categories (protocol.ts NODE_CATEGORY order) and of versions.

import { schemeTableau10 } from 'd3';

/**
 * Okabe & Ito's palette ("Color Universal Design", 2008), distinguishable with the common colour
 * vision deficiencies: running bluish green, checking/downloading sky blue, needs reboot yellow,
 * waiting for the lock orange, rebooting blue, down
 * vermillion, rolled back reddish purple.
 */
export const CATEGORY_COLOURS = ['#009E73', '#56B4E9', '#F0E442', '#E69F00', '#0072B2', '#D55E00', '#CC79A7'];

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
