/**
 * Seeded streams: reproducible, independent per component, and within their stated ranges.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RandomStreams } from '../../sim/engine/random.ts';

describe('RandomStreams', () => {
  it('gives the same draws for the same root seed and component', () => {
    const a = new RandomStreams(42).stream('server');
    const b = new RandomStreams(42).stream('server');
    const drawsA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(drawsA);
  });

  it('gives different draws for another seed or another component', () => {
    const base = new RandomStreams(42).stream('server').next();
    expect(new RandomStreams(43).stream('server').next()).not.toBe(base);
    expect(new RandomStreams(42).stream('network').next()).not.toBe(base);
  });

  it('keeps a component\'s draws unchanged when another component draws in between', () => {
    const quiet = new RandomStreams(7);
    const busy = new RandomStreams(7);
    for (let i = 0; i < 100; i++) busy.stream('other').next();
    expect(busy.stream('mine').next()).toBe(quiet.stream('mine').next());
  });

  it('draws within the bounds it was given', () => {
    const r = new RandomStreams(1).stream('bounds');
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (min, span) => {
        const u = r.uniform(min, min + span);
        const i = r.int(min, min + span);
        expect(u).toBeGreaterThanOrEqual(min);
        expect(u).toBeLessThanOrEqual(min + span);
        expect(Number.isInteger(i) && i >= min && i <= min + span).toBe(true);
      }),
    );
  });

  it('draws exponentials whose mean is close to the requested mean', () => {
    const r = new RandomStreams(3).stream('exp');
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += r.exponential(100);
    expect(sum / n).toBeGreaterThan(95);
    expect(sum / n).toBeLessThan(105);
  });

  it('chance(0) never fires and chance(1) always fires', () => {
    const r = new RandomStreams(9).stream('chance');
    for (let i = 0; i < 1000; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
    }
  });

  it('shuffles into a permutation of the input', () => {
    const r = new RandomStreams(5).stream('shuffle');
    const items = [...Array(50).keys()];
    const shuffled = r.shuffle([...items]);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
  });

  it('gives each entity of a column its own stream, independent of the others\' draws', () => {
    const a = new RandomStreams(11).column('node.check', 100);
    const b = new RandomStreams(11).column('node.check', 100);
    for (let i = 0; i < 50; i++) a.next(3);
    expect(a.next(7)).toBe(b.next(7));
    expect(a.next(8)).not.toBe(a.next(9));
    const u = a.uniform(1, 10, 20);
    expect(u >= 10 && u < 20).toBe(true);
  });
});
