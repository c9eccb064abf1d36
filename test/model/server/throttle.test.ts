/**
 * Cincinnati's throttle (sim/model/server/throttle.ts) against values computed by hand from its
 * rule, throttle(t) = start + (1 - start) * t / duration clamped to [0, 1], and node wariness from
 * a BigInt reference of murmur3's fmix32 (sharing no code with sim/engine/hash.ts).
 */
import { describe, expect, it } from 'vitest';
import { msUntilThrottleReaches, nodeWariness, throttleAt } from '../../../sim/model/server/throttle.ts';

const HOUR = 3_600_000;

const M32 = 0xffffffffn;
function fmix32(x: bigint): bigint {
  x ^= x >> 16n;
  x = (x * 0x85ebca6bn) & M32;
  x ^= x >> 13n;
  x = (x * 0xc2b2ae35n) & M32;
  x ^= x >> 16n;
  return x;
}

describe('Cincinnati throttle', () => {
  it('starts at `start` and grows linearly to 1 over the duration (start 0.25, 8 h)', () => {
    const throttle = { start: 0.25, duration: 8 * HOUR };
    expect(throttleAt(throttle, -1)).toBe(0);
    expect(throttleAt(throttle, 0)).toBe(0.25);
    expect(throttleAt(throttle, 4 * HOUR)).toBe(0.625);
    expect(throttleAt(throttle, 8 * HOUR)).toBe(1);
    expect(throttleAt(throttle, 80 * HOUR)).toBe(1);
  });

  it('admits a node as soon as the throttle reaches its wariness, at once below `start`', () => {
    const throttle = { start: 0.25, duration: 8 * HOUR };
    expect(msUntilThrottleReaches(throttle, 0.1)).toBe(0);
    expect(msUntilThrottleReaches(throttle, 0.25)).toBe(0);
    expect(msUntilThrottleReaches(throttle, 0.625)).toBe(4 * HOUR);
    expect(msUntilThrottleReaches(throttle, 1)).toBe(8 * HOUR);
    // Start 0: wariness 0.5 needs half the duration.
    expect(msUntilThrottleReaches({ start: 0, duration: 10 * HOUR }, 0.5)).toBe(5 * HOUR);
  });

  it('derives wariness from the node id and the salt as (fmix32((id + 1) ^ fmix32(salt)) + 1) / 2^32', () => {
    for (const [node, salt] of [[0, 12345], [1, 12345], [999, 7], [41, 0]]) {
      const expected = Number(fmix32(BigInt(((node + 1) ^ Number(fmix32(BigInt(salt)))) >>> 0)) + 1n) / 4294967296;
      expect(nodeWariness(node, salt)).toBe(expected);
      expect(expected).toBeGreaterThan(0);
      expect(expected).toBeLessThanOrEqual(1);
    }
  });

  it('admits at the first whole millisecond the throttle reaches the wariness, even where the division rounds below it (start 0.1, 1 h)', () => {
    const throttle = { start: 0.1, duration: HOUR };
    // 0.1 + 0.9 * 292 / 2000 in floating point is 0.23140000000000002; (w - 0.1) * 1 h / 0.9 comes
    // out at exactly 525,600 ms, where the share is 0.2314: short of it by the float's last bit.
    const wariness = 0.1 + (0.9 * 292) / 2000;
    const share = (ms: number) => 0.1 + (0.9 * ms) / HOUR;
    expect(share(525_600)).toBeLessThan(wariness);
    expect(share(525_601)).toBeGreaterThanOrEqual(wariness);
    expect(msUntilThrottleReaches(throttle, wariness)).toBe(525_601);
  });

  it('refuses a throttle of no duration', () => {
    expect(() => throttleAt({ start: 0.5, duration: 0 }, 0)).toThrow('throttle duration must be positive');
  });
});
