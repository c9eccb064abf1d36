// Binary node frames (web/shared/node-frames.ts): whatever sequence of fleet states the server
// encodes, full frame first and deltas after, the browser's arrays end equal to the server's.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyFrame, deltaFrameBytes, encodeDelta, encodeFull, FRAME_DELTA, FRAME_FULL, fullFrameBytes } from '../../web/shared/node-frames.ts';

describe('node frames', () => {
  it('property: a full frame then deltas reproduce every state of the fleet in the browser', () => {
    const states = (n: number) => fc.array(fc.tuple(fc.uint8Array({ minLength: n, maxLength: n, max: 6 }), fc.uint8Array({ minLength: n, maxLength: n, max: 3 })), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), states(n))), ([n, sequence]) => {
        const sentCategory = new Uint8Array(n);
        const sentVersion = new Uint8Array(n);
        const category = new Uint8Array(n);
        const version = new Uint8Array(n);
        sequence.forEach(([c, v], k) => {
          let frame = k === 0 ? null : encodeDelta(c, v, sentCategory, sentVersion, k, n);
          if (frame === null) {
            frame = encodeFull(c, v, k);
            sentCategory.set(c);
            sentVersion.set(v);
          }
          const decoded = applyFrame(frame, category, version);
          expect(decoded.timeMs).toBe(k);
          expect([...category]).toEqual([...c]);
          expect([...version]).toEqual([...v]);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('sends only the changed nodes, and declines a delta larger than the limit', () => {
    const category = new Uint8Array(1000);
    const version = new Uint8Array(1000);
    const sentCategory = new Uint8Array(1000);
    const sentVersion = new Uint8Array(1000);
    category[10] = 5;
    version[999] = 2;
    const delta = encodeDelta(category, version, sentCategory, sentVersion, 42.5, 100);
    expect(delta).not.toBeNull();
    expect(delta!.length).toBe(deltaFrameBytes(2));
    expect(delta![0]).toBe(FRAME_DELTA);
    expect(sentCategory[10]).toBe(5);
    category.fill(1);
    expect(encodeDelta(category, version, sentCategory, sentVersion, 43, 100)).toBeNull();
    const full = encodeFull(category, version, 43);
    expect(full.length).toBe(fullFrameBytes(1000));
    expect(full[0]).toBe(FRAME_FULL);
  });

  it('rejects a malformed frame: short, of another fleet size, or naming a node outside the fleet', () => {
    const category = new Uint8Array(4);
    const version = new Uint8Array(4);
    expect(() => applyFrame(new Uint8Array(3), category, version)).toThrow(/shorter than its header/);
    expect(() => applyFrame(encodeFull(new Uint8Array(5), new Uint8Array(5), 0), category, version)).toThrow(/for 5 nodes, the fleet has 4/);
    const big = new Uint8Array(10);
    big[9] = 1;
    const delta = encodeDelta(big, new Uint8Array(10), new Uint8Array(10), new Uint8Array(10), 0, 10)!;
    expect(() => applyFrame(delta, category, version)).toThrow(/names node 9, the fleet has 4/);
  });
});
