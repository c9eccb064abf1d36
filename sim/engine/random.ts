import seedrandom from 'seedrandom';
import { assert, fail } from './assert.ts';
import { hashString32, mix32 } from './hash.ts';

/**
 * Seeded randomness. One root seed; every component draws from its own stream derived from
 * (root seed, component name), so adding a component or a node does not perturb the others'
 * draws. Nothing in sim/ may call Math.random (a test scans the tree).
 */
export interface Range {
  min: number;
  max: number;
}

/** A named stream for a component, backed by seedrandom's Alea generator. */
export class RandomStream {
  private readonly prng: () => number;

  constructor(readonly seed: string) {
    this.prng = seedrandom.alea(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    if (!(max >= min)) fail(`uniform: max ${max} < min ${min}`);
    return min + (max - min) * this.prng();
  }

  /** Uniform over a {min, max} range. */
  range(range: Range): number {
    return this.uniform(range.min, range.max);
  }

  /** Integer uniform in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!(Number.isInteger(min) && Number.isInteger(max) && max >= min)) fail(`int: bad bounds [${min}, ${max}]`);
    return min + Math.floor((max - min + 1) * this.prng());
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    if (!(probability >= 0 && probability <= 1)) fail(`chance: probability ${probability} outside [0, 1]`);
    return this.prng() < probability;
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    if (!(mean > 0)) fail(`exponential: mean must be > 0, got ${mean}`);
    return -mean * Math.log(1 - this.prng());
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick: no items');
    return items[Math.floor(items.length * this.prng())];
  }

  /** Fisher-Yates, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor((i + 1) * this.prng());
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

/** The root of a run's randomness: hands out one stream per component name. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly rootSeed: number | string) {}

  /** The stream of a component; the same name always returns the same stream. */
  stream(component: string): RandomStream {
    let stream = this.streams.get(component);
    if (stream === undefined) {
      stream = new RandomStream(`${this.rootSeed}/${component}`);
      this.streams.set(component, stream);
    }
    return stream;
  }

  /** A per-entity column of streams (one 32-bit state per entity), e.g. one per node. */
  column(component: string, count: number): RandomColumn {
    return new RandomColumn(hashString32(`${this.rootSeed}/${component}`), count);
  }
}

/**
 * One small independent stream per entity in a Uint32Array: 4 bytes per node instead of an object
 * each (100k seedrandom instances would cost megabytes and ~0.2 s to create). The generator is
 * mulberry32; entity i's state starts at a hash of (component seed, i), so a node's draws depend
 * only on its own history.
 */
/**
 * mulberry32 split in two, for loops that draw many values from one entity's stream with the
 * state in a local variable (check elision draws a week of checks per node in one go):
 * `state = mulberryAdvance(state); u = mulberryUniform(state)` is one `RandomColumn.next`.
 */
export function mulberryAdvance(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** The uniform in [0, 1) that mulberry32 outputs for an advanced state. */
export function mulberryUniform(s: number): number {
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export class RandomColumn {
  private state: Uint32Array;

  constructor(
    private readonly componentSeed: number,
    count: number,
  ) {
    this.state = new Uint32Array(count);
    for (let i = 0; i < count; i++) this.state[i] = mix32(componentSeed ^ mix32(i + 0x9e3779b9));
  }

  get count(): number {
    return this.state.length;
  }

  /** Uniform in [0, 1) from entity i's stream. */
  next(i: number): number {
    return mulberryUniform((this.state[i] = mulberryAdvance(this.state[i])));
  }

  uniform(i: number, min: number, max: number): number {
    return min + (max - min) * this.next(i);
  }

  range(i: number, range: Range): number {
    return range.min + (range.max - range.min) * this.next(i);
  }

  chance(i: number, probability: number): boolean {
    return this.next(i) < probability;
  }

  /** The raw state, for snapshots; restoring it replays the same draws. */
  snapshot(i: number): number {
    return this.state[i];
  }

  restore(i: number, state: number): void {
    this.state[i] = state >>> 0;
  }
}
