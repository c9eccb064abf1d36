import { assert, fail } from '../../engine/assert.ts';
import { LOCKSMITH_RETRY_MAX_MS, locksmithRetryDelayMs, pollAtOrAfter } from '../etcd/locks/backoff.ts';
import { NodeHeap } from './node-heap.ts';

/**
 * Nodes waiting for a full reboot semaphore, without an event per failed poll (docs/sources.md
 * "Shortcuts"). locksmithd retries a full semaphore after 5 s, 10 s, ... up to every 5 min, with
 * no jitter, so each waiter's poll times are a pure function of its last failed poll. When a
 * slot frees at time R, the slot goes to the waiter whose next scheduled poll comes first; the
 * polls skipped meanwhile all failed (holders leave only through the writes that free slots).
 *
 * Finding that waiter must not cost O(waiters) per release (100k waiters, 100k releases): a
 * waiter whose delay has reached the 5-minute cap polls at phase + k * 5 min, so waiters at the
 * cap sit in 1-ms buckets of their phase with a bitmap of non-empty buckets, and the first poll
 * after R is the first phase after R mod 5 min, circularly. Waiters still doubling their delay
 * (the first ~5 minutes of a wait: thousands at once when a large fleet finishes its downloads)
 * sit in a heap keyed by their next poll at or after the last query; a query pops those whose
 * key fell behind and moves them on (at most ~7 times each before they reach the cap).
 * Queries come in simulated-time order (a key stays the first poll at or after any later query
 * up to the key itself).
 */
const PERIOD_MS = LOCKSMITH_RETRY_MAX_MS;
const BUCKETS = PERIOD_MS; // one per ms
const WORDS = Math.ceil(BUCKETS / 32);

export interface NextPoll {
  node: number;
  pollMs: number;
  skippedPolls: number;
}

export class LockWaiters {
  private readonly lastPollMs: Float64Array;
  private readonly failures: Int32Array;
  /** Time from which this waiter polls every PERIOD_MS (its delay has reached the cap). */
  private readonly steadyFromMs: Float64Array;
  private readonly where: Uint8Array; // 0 none, 1 ramp, 2 steady
  private readonly ramp: NodeHeap;
  private lastQueryMs = -Infinity;
  // Steady waiters: doubly linked lists per 1-ms phase bucket, and a bitmap of non-empty buckets.
  private readonly bucketHead = new Int32Array(BUCKETS).fill(-1);
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly phaseMs: Float64Array;
  private readonly bits = new Uint32Array(WORDS);
  /** Bit w set when word w of `bits` is not zero: a scan skips 1,024 empty buckets per bit. */
  private readonly summary = new Uint32Array(Math.ceil(WORDS / 32));
  private count = 0;

  constructor(nodeCount: number) {
    this.lastPollMs = new Float64Array(nodeCount);
    this.failures = new Int32Array(nodeCount);
    this.steadyFromMs = new Float64Array(nodeCount);
    this.where = new Uint8Array(nodeCount);
    this.next = new Int32Array(nodeCount).fill(-1);
    this.prev = new Int32Array(nodeCount).fill(-1);
    this.phaseMs = new Float64Array(nodeCount);
    this.ramp = new NodeHeap(nodeCount);
  }

  get size(): number {
    return this.count;
  }

  has(node: number): boolean {
    return this.where[node] !== 0;
  }

  /** `node`'s poll at `lastPollMs` failed, its `failures`-th failure in a row. */
  add(node: number, lastPollMs: number, failures: number): void {
    if (!(this.where[node] === 0)) fail(`node ${node} is already waiting`);
    assert(failures >= 1, 'a waiter has failed at least once');
    this.lastPollMs[node] = lastPollMs;
    this.failures[node] = failures;
    // Walk the doubling delays to the first future poll after which every delay is the cap:
    // from that poll on, polls are PERIOD_MS apart (the failed poll at lastPollMs is not one).
    let t = lastPollMs + locksmithRetryDelayMs(failures);
    let f = failures + 1;
    for (let i = 0; i < 64 && locksmithRetryDelayMs(f) < PERIOD_MS; i++) t += locksmithRetryDelayMs(f++);
    this.steadyFromMs[node] = t;
    this.where[node] = 1;
    this.ramp.push(node, lastPollMs + locksmithRetryDelayMs(failures));
    this.count++;
  }

  /**
   * Removes a waiter (it crashed, or it is being granted); returns how many scheduled polls it
   * made strictly between its last real poll and `nowMs`.
   */
  remove(node: number, nowMs: number): number {
    if (!(this.where[node] !== 0)) fail(`node ${node} is not waiting`);
    if (this.where[node] === 1) {
      this.ramp.remove(node);
    } else {
      this.unlinkSteady(node);
    }
    this.where[node] = 0;
    this.count--;
    if (nowMs <= this.lastPollMs[node]) return 0;
    const poll = pollAtOrAfter(this.lastPollMs[node], this.failures[node], nowMs);
    return poll.skippedPolls;
  }

  /** The waiter whose next scheduled poll at or after `atMs` comes first (ties: lower node id). */
  earliest(atMs: number): NextPoll | null {
    if (atMs < this.lastQueryMs) fail(`waiters queried at ${atMs} after ${this.lastQueryMs}`);
    this.lastQueryMs = atMs;
    if (this.count === 0) return null;
    const ramp = this.ramp;
    // Ramp waiters whose next poll fell behind `atMs` move on; those that reached the cap move
    // to the phase buckets.
    for (let node = ramp.peek(); node >= 0 && ramp.keyOf(node) < atMs; node = ramp.peek()) {
      if (this.steadyFromMs[node] <= atMs) {
        ramp.remove(node);
        this.linkSteady(node);
      } else {
        ramp.rekey(node, pollAtOrAfter(this.lastPollMs[node], this.failures[node], atMs).pollMs);
      }
    }
    let best = ramp.peek();
    let bestMs = best < 0 ? Infinity : ramp.keyOf(best);
    const steady = this.earliestSteady(atMs);
    if (steady !== null && (steady.pollMs < bestMs || (steady.pollMs === bestMs && steady.node < best))) {
      best = steady.node;
      bestMs = steady.pollMs;
    }
    if (best < 0) return null;
    const skippedPolls = pollAtOrAfter(this.lastPollMs[best], this.failures[best], bestMs).skippedPolls;
    return { node: best, pollMs: bestMs, skippedPolls };
  }

  /** The waiting nodes, in id order. */
  nodes(): number[] {
    const out: number[] = [];
    for (let node = 0; node < this.where.length; node++) if (this.where[node] !== 0) out.push(node);
    return out;
  }

  /** Failures counted at the poll `pollMs` of `node` (for re-adding it after that poll failed). */
  failuresAt(node: number, pollMs: number): number {
    return pollAtOrAfter(this.lastPollMs[node], this.failures[node], pollMs).failures;
  }

  private earliestSteady(atMs: number): NextPoll | null {
    const r = mod(atMs, PERIOD_MS);
    const start = Math.floor(r);
    // The bucket of r may hold phases before r (they poll next period): check it precisely.
    // The first non-empty bucket after r's (circularly) holds the nearest later phase; the
    // bucket of r itself can only win with a phase at or after r, found first.
    this.best = -1;
    this.bestDelta = Infinity;
    this.considerBucket(start, r);
    const bucket = this.nextSetBucket((start + 1) % BUCKETS, start);
    if (bucket >= 0) this.considerBucket(bucket, r);
    if (this.best < 0) return null;
    return { node: this.best, pollMs: atMs + this.bestDelta, skippedPolls: 0 };
  }

  // earliestSteady's running best (fields, not a closure: this runs once per lock release).
  private best = -1;
  private bestDelta = Infinity;

  private considerBucket(bucket: number, r: number): void {
    for (let node = this.bucketHead[bucket]; node !== -1; node = this.next[node]) {
      const delta = mod(this.phaseMs[node] - r, PERIOD_MS);
      if (delta < this.bestDelta || (delta === this.bestDelta && node < this.best)) {
        this.best = node;
        this.bestDelta = delta;
      }
    }
  }

  /** First set bucket from `from` onwards, wrapping around, before reaching `stop`; -1 if none. */
  private nextSetBucket(from: number, stop: number): number {
    if (from > stop) {
      const found = this.firstSetIn(from, BUCKETS);
      return found >= 0 ? found : this.firstSetIn(0, stop);
    }
    return this.firstSetIn(from, stop);
  }

  /** First set bucket in [lo, hi); -1 if none. */
  private firstSetIn(lo: number, hi: number): number {
    if (lo >= hi) return -1;
    let word = lo >>> 5;
    const masked = this.bits[word] & (~0 << (lo & 31));
    if (masked === 0) {
      // The words after it: through the summary, not one by one (few steady waiters are
      // thousands of empty words apart).
      word = this.nextNonEmptyWord(word + 1, (hi - 1) >>> 5);
      if (word < 0) return -1;
      const found = (word << 5) + lowestBit(this.bits[word]);
      return found < hi ? found : -1;
    }
    const found = (word << 5) + lowestBit(masked);
    return found < hi ? found : -1;
  }

  /** First word in [from, last] with a set bit; -1 if none. */
  private nextNonEmptyWord(from: number, last: number): number {
    if (from > last) return -1;
    let s = from >>> 5;
    let m = this.summary[s] & (~0 << (from & 31));
    for (;;) {
      if (m !== 0) {
        const word = (s << 5) + lowestBit(m);
        return word <= last ? word : -1;
      }
      s++;
      if (s << 5 > last) return -1;
      m = this.summary[s];
    }
  }

  private linkSteady(node: number): void {
    this.where[node] = 2;
    const phase = mod(this.steadyFromMs[node], PERIOD_MS);
    this.phaseMs[node] = phase;
    const bucket = Math.floor(phase);
    const head = this.bucketHead[bucket];
    this.next[node] = head;
    this.prev[node] = -1;
    if (head !== -1) this.prev[head] = node;
    this.bucketHead[bucket] = node;
    this.bits[bucket >>> 5] |= 1 << (bucket & 31);
    this.summary[bucket >>> 10] |= 1 << ((bucket >>> 5) & 31);
  }

  private unlinkSteady(node: number): void {
    const bucket = Math.floor(this.phaseMs[node]);
    const p = this.prev[node];
    const n = this.next[node];
    if (p !== -1) this.next[p] = n;
    else this.bucketHead[bucket] = n;
    if (n !== -1) this.prev[n] = p;
    this.next[node] = -1;
    this.prev[node] = -1;
    if (this.bucketHead[bucket] === -1) {
      const word = bucket >>> 5;
      this.bits[word] &= ~(1 << (bucket & 31));
      if (this.bits[word] === 0) this.summary[word >>> 5] &= ~(1 << (word & 31));
    }
  }
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function mod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}
