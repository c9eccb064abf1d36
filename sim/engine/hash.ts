/**
 * Small non-cryptographic hashes used for seeds and the trace hash. 32-bit lanes with Math.imul
 * keep them fast in JavaScript; two independent lanes give 64 bits.
 */

/** murmur3's 32-bit finaliser: a bijective avalanche of one word. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 32-bit hash of a string (FNV-1a over UTF-16 code units, then mixed). */
export function hashString32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}
