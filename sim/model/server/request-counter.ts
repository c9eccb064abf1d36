/**
 * Requests to the update server, counted per simulated minute so that the report can give the
 * peak requests per minute. Counts may arrive out of time order (idle checks elided in fast
 * fidelity are counted when they are settled), so buckets are kept for the whole run.
 */
export const MINUTE_MS = 60_000;

export class RequestCounter {
  private buckets: Float64Array;
  private total = 0;

  /**
   * `horizonMs`: the run's length, so that the buckets never grow during the run (growing is
   * a path the hot loops of check elision would reach only hours into a run, after V8 has
   * optimized them without it).
   */
  constructor(horizonMs = 0) {
    this.buckets = new Float64Array(Math.max(1024, Math.ceil(horizonMs / MINUTE_MS) + 1));
  }

  add(timeMs: number, count = 1): void {
    const minute = Math.floor(timeMs / MINUTE_MS);
    if (minute >= this.buckets.length) this.grow(minute);
    this.buckets[minute] += count;
    this.total += count;
  }

  /**
   * For a loop that counts many requests before `untilMs` (check elision draws a week of checks
   * per node): the minute buckets, grown once to cover that time, to be incremented directly
   * (`buckets[Math.floor(t / MINUTE_MS)]++`); the loop then adds its count with addCounted.
   */
  bucketsUntil(untilMs: number): Float64Array {
    const minute = Math.floor(untilMs / MINUTE_MS);
    if (minute >= this.buckets.length) this.grow(minute);
    return this.buckets;
  }

  /** The count of requests a loop put into bucketsUntil's buckets itself. */
  addCounted(count: number): void {
    this.total += count;
  }

  private grow(minute: number): void {
    let size = this.buckets.length;
    while (size <= minute) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.buckets);
    this.buckets = grown;
  }

  /** Removes counts added for requests that turned out not to happen (an elision undone). */
  remove(timeMs: number, count = 1): void {
    const minute = Math.floor(timeMs / MINUTE_MS);
    this.buckets[minute] -= count;
    this.total -= count;
  }

  get requests(): number {
    return this.total;
  }

  get peakPerMinute(): number {
    let peak = 0;
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i] > peak) peak = this.buckets[i];
    return peak;
  }
}
