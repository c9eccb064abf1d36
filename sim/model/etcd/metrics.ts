import { assert } from '../../engine/assert.ts';

/**
 * The `etcd` block of the report (docs/report.md): counters and time integrals, kept as the run
 * goes. Intervals still open when the report is taken are closed at the report's time.
 */
export interface EtcdReport {
  readonly members: number;
  readonly elections: number;
  readonly leaderChanges: number;
  /** Total ms with no leader. */
  readonly leaderless: number;
  /** Total ms without a live, connected majority of members. */
  readonly quorumLost: number;
  readonly maxLockHolders: number;
  readonly requests: number;
  /** Intervals with no leader (the first OUTAGES_MAX). */
  readonly outages: readonly { readonly start: number; readonly end: number }[];
}

export const OUTAGES_MAX = 10_000;

export class EtcdMetrics {
  elections = 0;
  leaderChanges = 0;
  requests = 0;
  maxLockHolders = 0;
  private leaderlessMs = 0;
  private quorumLostMs = 0;
  private leaderlessSinceMs: number | null = null;
  private quorumLostSinceMs: number | null = null;
  private readonly outageList: { start: number; end: number }[] = [];

  constructor(readonly members: number) {}

  setLeaderless(nowMs: number, leaderless: boolean): void {
    if (leaderless && this.leaderlessSinceMs === null) {
      this.leaderlessSinceMs = nowMs;
    } else if (!leaderless && this.leaderlessSinceMs !== null) {
      assert(nowMs >= this.leaderlessSinceMs, 'metrics: time went back');
      this.leaderlessMs += nowMs - this.leaderlessSinceMs;
      if (this.outageList.length < OUTAGES_MAX) this.outageList.push({ start: this.leaderlessSinceMs, end: nowMs });
      this.leaderlessSinceMs = null;
    }
  }

  setQuorumLost(nowMs: number, lost: boolean): void {
    if (lost && this.quorumLostSinceMs === null) {
      this.quorumLostSinceMs = nowMs;
    } else if (!lost && this.quorumLostSinceMs !== null) {
      this.quorumLostMs += nowMs - this.quorumLostSinceMs;
      this.quorumLostSinceMs = null;
    }
  }

  get leaderless(): boolean {
    return this.leaderlessSinceMs !== null;
  }

  report(nowMs: number): EtcdReport {
    const outages = [...this.outageList];
    if (this.leaderlessSinceMs !== null && outages.length < OUTAGES_MAX) outages.push({ start: this.leaderlessSinceMs, end: nowMs });
    return {
      members: this.members,
      elections: this.elections,
      leaderChanges: this.leaderChanges,
      leaderless: this.leaderlessMs + (this.leaderlessSinceMs === null ? 0 : nowMs - this.leaderlessSinceMs),
      quorumLost: this.quorumLostMs + (this.quorumLostSinceMs === null ? 0 : nowMs - this.quorumLostSinceMs),
      maxLockHolders: this.maxLockHolders,
      requests: this.requests,
      outages,
    };
  }
}
