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
  private opened = false;

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
    if (!this.opened) {
      this.current = ready;
      return;
    }
    this.advance(nowMs);
    this.current = ready;
    this.minReady = Math.min(this.minReady, ready);
  }

  /**
   * Starts the meter once the initial placement is all ready: a run starts from a fleet already
   * serving, so the first startups are not an outage. Before it, nothing is counted.
   */
  open(nowMs: number, ready: number): void {
    assert(!this.opened, `AvailabilityMeter ${this.name}: opened twice`);
    this.opened = true;
    this.lastMs = nowMs;
    this.current = ready;
    this.minReady = ready;
  }

  isOpen(): boolean {
    return this.opened;
  }

  refusedEviction(): void {
    this.refused++;
  }

  report(horizonMs: number): WorkloadReport {
    // A workload never all ready counts as below its target from the start (the meter stays
    // closed: a report in the middle of a run changes nothing).
    if (!this.opened) {
      const below = this.current < this.desiredReady ? horizonMs : 0;
      return {
        name: this.name,
        replicas: this.replicas,
        availability: horizonMs > 0 ? 1 - below / horizonMs : 1,
        minReady: this.current,
        belowMinMs: below,
        quorumLostMs: this.quorum !== null && this.current < this.quorum ? horizonMs : 0,
        evictionsRefused: this.refused,
      };
    }
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
