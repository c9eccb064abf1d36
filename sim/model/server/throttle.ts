import { assert } from '../../engine/assert.ts';
import { mix32 } from '../../engine/hash.ts';

/**
 * Cincinnati's throttled rollout (Fedora CoreOS update graph): the share of the fleet that sees a
 * release grows linearly from `start` to 1 over `duration` after the rollout begins at t0:
 *   throttle(t) = start + (1 - start) * (t - t0) / duration, clamped to [0, 1].
 * A node sees the release when its wariness is <= throttle(t). Wariness is configured or, as in
 * Zincati's default, derived from the node's identity: a hash scaled to (0, 1]; canaries use 0.
 */
export interface Throttle {
  start: number;
  duration: number;
}

export function throttleAt(throttle: Throttle, sinceStartMs: number): number {
  assert(throttle.duration > 0, 'throttle duration must be positive');
  if (sinceStartMs < 0) return 0;
  const share = throttle.start + ((1 - throttle.start) * sinceStartMs) / throttle.duration;
  return share > 1 ? 1 : share;
}

/** The earliest time since the rollout's start at which throttle reaches `wariness`. */
export function msUntilThrottleReaches(throttle: Throttle, wariness: number): number {
  if (wariness <= throttle.start) return 0;
  const ms = ((wariness - throttle.start) * throttle.duration) / (1 - throttle.start);
  // Round up and check: the node must really be admitted at the returned time.
  let t = Math.ceil(ms);
  while (throttleAt(throttle, t) < wariness) t++;
  return t;
}

/** A node's wariness in (0, 1], from its id and the run's salt: stable across runs and seeds. */
export function nodeWariness(nodeId: number, salt: number): number {
  return (mix32((nodeId + 1) ^ mix32(salt)) + 1) / 4294967296;
}
