/**
 * The random streams and hashes against their published algorithms, re-implemented here from the
 * references (not read from the code under test): FNV-1a 32 (its offset basis and prime, checked
 * on the published test vectors) followed by murmur3's fmix32; mulberry32 (Tommy Ettinger's
 * generator, as published: state += 0x6D2B79F5, then the t-mix); seedrandom's alea for the named
 * streams. Plus the guard rails every draw has and the trace's subscription rules.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { hashString32, mix32 } from '../../sim/engine/hash.ts';
import { RandomColumn, RandomStream, RandomStreams } from '../../sim/engine/random.ts';
import { Trace, type TraceEvent } from '../../sim/engine/trace.ts';

/** FNV-1a 32 over UTF-16 code units (http://www.isthe.com/chongo/tech/comp/fnv/). */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** murmur3 fmix32 (Appleby, MurmurHash3.cpp). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32, one draw from a state (the published JavaScript). */
function mulberry32(state: number): { state: number; value: number } {
  const a = (state + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: a, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

describe('hashes against their references', () => {
  it('FNV-1a 32 gives the published vectors, and hashString32 is fmix32 of it', () => {
    // Published FNV-1a 32 test vectors.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    for (const text of ['', 'a', 'foobar', 'node-2', 'node-3', '1/server.wariness', 'é€😀']) {
      expect(hashString32(text)).toBe(fmix32(fnv1a32(text)));
      expect(mix32(fnv1a32(text))).toBe(fmix32(fnv1a32(text)));
    }
    expect(hashString32('node-2')).not.toBe(hashString32('node-3'));
    // A different basis changes the hash.
    expect(hashString32('a', 1)).not.toBe(hashString32('a'));
  });
});

describe('RandomColumn: one mulberry32 state per entry', () => {
  it('draws the reference sequence from the seeded state of each entry', () => {
    const seed = hashString32('7/node.check');
    const column = new RandomColumn(seed, 5);
    expect(column.count).toBe(5);
    for (let i = 0; i < 5; i++) {
      let state = fmix32((seed ^ fmix32((i + 0x9e3779b9) >>> 0)) >>> 0);
      expect(column.snapshot(i)).toBe(state);
      for (let k = 0; k < 4; k++) {
        const draw = mulberry32(state);
        state = draw.state;
        expect(column.next(i)).toBe(draw.value);
      }
    }
    expect(new RandomStreams(7).column('node.check', 5).snapshot(3)).toBe(new RandomColumn(seed, 5).snapshot(3));
  });

  it('maps draws into ranges and chances, and snapshot/restore replays a draw', () => {
    const column = new RandomColumn(12345, 2);
    const saved = column.snapshot(1);
    const u = column.next(1);
    column.restore(1, saved);
    expect(column.uniform(1, 10, 20)).toBe(10 + 10 * u);
    column.restore(1, saved);
    expect(column.range(1, { min: -4, max: 6 })).toBe(-4 + 10 * u);
    column.restore(1, saved);
    expect(column.chance(1, u)).toBe(false);
    column.restore(1, saved);
    expect(column.chance(1, u + 1e-9)).toBe(true);
    column.restore(1, saved + 2 ** 32);
    expect(column.snapshot(1)).toBe(saved);
  });
});

describe('RandomStream: seedrandom alea per named stream, with guard rails', () => {
  it("draws alea's sequence of '<root>/<component>'", () => {
    const ref = seedrandom.alea('42/fuzz.schedule');
    const stream = new RandomStreams(42).stream('fuzz.schedule');
    expect(new RandomStreams(42).stream('fuzz.schedule')).not.toBe(stream);
    const streams = new RandomStreams(42);
    expect(streams.stream('x')).toBe(streams.stream('x'));
    const r = [ref(), ref(), ref(), ref(), ref(), ref()];
    expect(stream.next()).toBe(r[0]);
    expect(stream.uniform(2, 4)).toBe(2 + 2 * r[1]);
    expect(stream.int(1, 6)).toBe(1 + Math.floor(6 * r[2]));
    expect(stream.chance(0.5)).toBe(r[3] < 0.5);
    expect(stream.exponential(3)).toBe(-3 * Math.log(1 - r[4]));
    expect(stream.pick(['a', 'b', 'c'])).toBe(['a', 'b', 'c'][Math.floor(3 * r[5])]);
  });

  it('shuffles with Fisher-Yates (every permutation of 3 reachable, the first element can stay)', () => {
    const seen = new Set<string>();
    const stream = new RandomStream('shuffle');
    for (let k = 0; k < 300; k++) seen.add(stream.shuffle([1, 2, 3]).join(''));
    expect([...seen].sort()).toEqual(['123', '132', '213', '231', '312', '321']);
    const one = new RandomStream('one');
    expect(one.shuffle([9])).toEqual([9]);
  });

  it('refuses bad bounds and probabilities, and accepts the edges', () => {
    const s = new RandomStream('guards');
    expect(() => s.uniform(2, 1)).toThrow(/uniform: max 1 < min 2/);
    expect(() => s.int(1.5, 3)).toThrow(/int: bad bounds/);
    expect(() => s.int(1, 3.5)).toThrow(/int: bad bounds/);
    expect(() => s.int(3, 1)).toThrow(/int: bad bounds/);
    expect(() => s.chance(-0.1)).toThrow(/chance: probability -0.1/);
    expect(() => s.chance(1.1)).toThrow(/outside \[0, 1\]/);
    expect(() => s.exponential(0)).toThrow(/mean must be > 0/);
    expect(() => s.pick([])).toThrow(/pick: no items/);
    expect(s.uniform(3, 3)).toBe(3);
    expect(s.int(5, 5)).toBe(5);
    expect(s.chance(0)).toBe(false);
    expect(s.chance(1)).toBe(true);
    expect(s.range({ min: 1, max: 1 })).toBe(1);
  });
});

describe('Trace subscriptions', () => {
  it('delivers events with data only when given, stops after unsubscribe, and hashes whether or not observed', () => {
    const observed = new Trace();
    const quiet = new Trace();
    expect(observed.observed).toBe(false);
    const got: TraceEvent[] = [];
    const stop = observed.subscribe((e) => got.push(e));
    expect(observed.observed).toBe(true);
    for (const t of [observed, quiet]) {
      t.emit(1, 'a', 3);
      t.emit(2, 'b', 'x', { k: 1 });
    }
    expect(got).toEqual([{ time: 1, kind: 'a', subject: 3 }, { time: 2, kind: 'b', subject: 'x', data: { k: 1 } }]);
    expect('data' in got[0]).toBe(false);
    stop();
    stop();
    expect(observed.observed).toBe(false);
    observed.emit(3, 'c', 0);
    quiet.emit(3, 'c', 0);
    expect(got).toHaveLength(2);
    expect(observed.traceHash).toBe(quiet.traceHash);
    // Unsubscribing one of two keeps the other.
    const a: number[] = [];
    const b: number[] = [];
    const stopA = quiet.subscribe(() => a.push(1));
    quiet.subscribe(() => b.push(1));
    stopA();
    quiet.emit(4, 'd', 0);
    expect([a.length, b.length]).toEqual([0, 1]);
  });
});
