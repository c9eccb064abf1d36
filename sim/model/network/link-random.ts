import { hashString32, mix32 } from '../../engine/hash.ts';

/**
 * Counter-based randomness for network links: the n-th message on the directed link (from, to)
 * draws its latency and its loss from a hash of (seed, from, to, n, purpose), not from a shared
 * sequential stream.
 *
 * Why: a shortcut that skips the heartbeats of a healthy etcd cluster (sim/model/etcd/quiescence.ts)
 * must be able to say exactly what the full run would have drawn for the k-th skipped heartbeat,
 * and a shared stream would make every later draw depend on how many messages went before. With
 * one counter per link, skipping k messages is `sequence += k`, and the draws of every other link
 * are untouched. It is still one seeded stream per link, derived from the run's root seed.
 */
export const PURPOSE_LATENCY = 1;
export const PURPOSE_LOSS = 2;

export class LinkRandom {
  private readonly seedHash: number;

  constructor(seed: number | string) {
    this.seedHash = hashString32(`${seed}/network.links`);
  }

  /** Uniform in [0, 1) for the n-th message of link (from, to); a pure function of its inputs. */
  uniform(from: number, to: number, sequence: number, purpose: number): number {
    let h = mix32(this.seedHash ^ Math.imul(from + 1, 0x9e3779b1));
    h = mix32(h ^ Math.imul(to + 1, 0x85ebca6b));
    // Sequences may exceed 2^32 in principle (weeks of heartbeats are ~10^7): fold the high part.
    h = mix32(h ^ (sequence >>> 0));
    h = mix32(h ^ Math.floor(sequence / 4294967296) ^ Math.imul(purpose, 0xc2b2ae35));
    return h / 4294967296;
  }
}
