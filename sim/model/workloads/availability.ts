import { assert } from '../../engine/assert.ts';

/**
 * One workload's availability over a run, integrated from its ready (and reachable) count as it
 * changes: the report's `workloads[]` entry {availability, minReady, belowMinMs, quorumLostMs,
 * evictionsRefused}. `availability` is the share of the horizon with at least `minAvailable` ready.
 */
export interface WorkloadReport {
  name: string;
  replicas: number;
  availability: number;
  minReady: number;
  belowMinMs: number;
  quorumLostMs: number;
  evictionsRefused: number;
}

export class AvailabilityMeter {
  private lastMs = 0;
  private current = 0;
  private belowMinMs = 0;
  private quorumLostMs = 0;
  private minReady: number;
  private refused = 0;

  constructor(
    readonly name: string,
    readonly replicas: number,
    readonly desiredReady: number,
    readonly quorum: number | null,
  ) {
    this.minReady = replicas;
  }

  /** The ready count is `ready` from `nowMs` on (times never go back). */
  set(nowMs: number, ready: number): void {
    this.advance(nowMs);
    this.current = ready;
    this.minReady = Math.min(this.minReady, ready);
  }

  /** Starts the meter once the initial placement is ready: minReady counts from here. */
  open(nowMs: number, ready: number): void {
    this.advance(nowMs);
    this.current = ready;
    this.minReady = ready;
  }

  refusedEviction(): void {
    this.refused++;
  }

  report(horizonMs: number): WorkloadReport {
    this.advance(horizonMs);
    return {
      name: this.name,
      replicas: this.replicas,
      availability: horizonMs > 0 ? 1 - this.belowMinMs / horizonMs : 1,
      minReady: this.minReady,
      belowMinMs: this.belowMinMs,
      quorumLostMs: this.quorumLostMs,
      evictionsRefused: this.refused,
    };
  }

  private advance(nowMs: number): void {
    assert(nowMs >= this.lastMs, `AvailabilityMeter ${this.name}: time went back from ${this.lastMs} to ${nowMs}`);
    const spanMs = nowMs - this.lastMs;
    if (this.current < this.desiredReady) this.belowMinMs += spanMs;
    if (this.quorum !== null && this.current < this.quorum) this.quorumLostMs += spanMs;
    this.lastMs = nowMs;
  }
}
