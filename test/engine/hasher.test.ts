/**
 * The trace hasher against values computed independently of it: a short trace written out by
 * hand, word by word, as the canonical encoding documented in sim/engine/hasher.ts describes it
 * (tag, then content; strings as their length then their UTF-16 units two to a word, low unit
 * first), hashed by a reference of the two murmur-style lanes written here from that description;
 * and its digest pinned as a literal, so a change of the encoding or of the lanes fails here
 * first, before any golden scenario hash does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Hasher64 } from '../../sim/engine/hasher.ts';
import { Trace } from '../../sim/engine/trace.ts';

// murmur3's fmix32 (Austin Appleby, MurmurHash3.cpp), in BigInt arithmetic so that it shares no
// code, and no 32-bit trick, with the hasher under test.
const M32 = 0xffffffffn;
const mul32 = (a: bigint, b: bigint) => (a * b) & M32;
const rotl32 = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) & M32;
function fmix32(x: bigint): bigint {
  x ^= x >> 16n;
  x = mul32(x, 0x85ebca6bn);
  x ^= x >> 13n;
  x = mul32(x, 0xc2b2ae35n);
  x ^= x >> 16n;
  return x;
}

/** The two lanes over a list of 32-bit words, then the finalisation, as hasher.ts documents it. */
function referenceHex(words: readonly number[]): string {
  let h1 = 0x2545f491n;
  let h2 = 0x9e3779b9n;
  for (const w of words) {
    const k = fmix32(BigInt(w >>> 0));
    h1 = (mul32(rotl32(h1 ^ k, 13n), 5n) + 0xe6546b64n) & M32;
    h2 = (mul32(rotl32(h2 ^ mul32(k, 0x27d4eb2fn), 17n), 9n) + 0x165667b1n) & M32;
  }
  const a = fmix32(h1 ^ mul32(h2, 0x85ebca6bn));
  const b = fmix32(h2 ^ mul32(h1, 0xc2b2ae35n));
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

// Tags of the canonical encoding (sim/engine/hasher.ts).
const NULL = 1, INT = 4, FLOAT = 5, STR = 6, OBJ = 8;
const ch = (s: string, i: number) => s.charCodeAt(i);

describe('Hasher64', () => {
  it('hashes a short trace written out by hand to its pinned digest', () => {
    const trace = new Trace();
    trace.emit(0, 'a', 1);
    trace.emit(1500, 'node.state', 'node-2', { to: 'IDLE' });
    trace.emit(2, 'x', 'y', { p: 0.5 });
    // The same three events as words, written out by hand: a string is its length, then its
    // UTF-16 units two to a word (first unit in the low half), an odd last unit alone.
    const words = [
      // emit(0, 'a', 1): time, kind, subject, no data (null)
      INT, 0, STR, 1, 0x61, INT, 1, NULL,
      // emit(1500, 'node.state', 'node-2', {to: 'IDLE'})
      INT, 1500,
      STR, 10, 0x006f006e /* no */, 0x00650064 /* de */, 0x0073002e /* .s */, 0x00610074 /* ta */, 0x00650074 /* te */,
      STR, 6, 0x006f006e /* no */, 0x00650064 /* de */, 0x0032002d /* -2 */,
      OBJ, 1, STR, 2, 0x006f0074 /* to */, STR, 4, 0x00440049 /* ID */, 0x0045004c /* LE */,
      // emit(2, 'x', 'y', {p: 0.5}): 0.5 is a float, written as its IEEE-754 words, low then high
      INT, 2, STR, 1, 0x78, STR, 1, 0x79,
      OBJ, 1, STR, 1, 0x70, FLOAT, 0x00000000, 0x3fe00000,
    ];
    expect(trace.traceHash).toBe(referenceHex(words));
    expect(trace.traceHash).toBe('20e33e03ffb785c5');
  });

  it('reads every UTF-16 unit of a string: node-2 and node-3 differ, and so does any one-unit change', () => {
    const digest = (s: string) => {
      const h = new Hasher64();
      h.string(s);
      return h.hex();
    };
    expect(digest('node-2')).not.toBe(digest('node-3'));
    expect(digest('node-12')).not.toBe(digest('node-13'));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), fc.nat(), fc.integer({ min: 1, max: 0xffff }), (s, at, delta) => {
        const i = at % s.length;
        const changed = s.slice(0, i) + String.fromCharCode((s.charCodeAt(i) + delta) & 0xffff) + s.slice(i + 1);
        expect(digest(changed)).not.toBe(digest(s));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes any string as the reference does over its units, two to a word', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30, unit: 'binary' }), (s) => {
        const words = [STR, s.length];
        for (let i = 0; i < s.length; i += 2) words.push(i + 1 < s.length ? ch(s, i) | (ch(s, i + 1) << 16) : ch(s, i));
        const h = new Hasher64();
        h.string(s);
        expect(h.hex()).toBe(referenceHex(words));
      }),
      { numRuns: 300 },
    );
  });

  it('writes -0 as the float +0 (never its sign bit), and integers and floats with different tags', () => {
    const of = (x: number) => {
      const h = new Hasher64();
      h.number(x);
      return h.hex();
    };
    expect(of(-0)).toBe(referenceHex([FLOAT, 0, 0]));
    expect(of(0)).toBe(referenceHex([INT, 0]));
    expect(of(-1)).toBe(referenceHex([INT, 0xffffffff]));
    expect(of(2 ** 31)).toBe(referenceHex([FLOAT, 0, 0x41e00000]));
    expect(of(1.5)).toBe(referenceHex([FLOAT, 0, 0x3ff80000]));
  });
});
