// What kured's blockers did at each node's ticks, for the liveness checker. kured checks its
// blockers (cmd/kured/main.go rebootAsRequired -> blockers.RebootBlocked: a firing Prometheus
// alert, pkg/blockers/prometheus.go; a blocking pod, pkg/blockers/kubernetespod.go) at every tick
// inside the window, and a node's ticks keep their phase (pkg/delaytick). So an alert that flaps
// in phase with --period holds the same nodes at every tick, for good: a standing condition of the
// scenario, not a rollout that failed to converge. The liveness checker excuses a node only when
// its every tick inside the window since the liveness phase began was blocked.

export class BlockedTicks {
  /** Per node: the last tick inside the window at which a blocker held the reboot (-1: none). */
  readonly lastBlockedMs: Float64Array;
  /** Per node: the last tick inside the window at which no blocker held it (-1: none). */
  readonly lastPassedMs: Float64Array;

  constructor(nodeCount: number) {
    this.lastBlockedMs = new Float64Array(nodeCount).fill(-1);
    this.lastPassedMs = new Float64Array(nodeCount).fill(-1);
  }

  /** A tick of `node` at `nowMs` inside its window; `blocked`: a blocker held the reboot. */
  record(node: number, nowMs: number, blocked: boolean): void {
    if (blocked) this.lastBlockedMs[node] = nowMs;
    else this.lastPassedMs[node] = nowMs;
  }

  /** True when every tick of `node` inside its window since `sinceMs` was blocked (and there was one). */
  heldSince(node: number, sinceMs: number): boolean {
    return this.lastBlockedMs[node] >= sinceMs && this.lastPassedMs[node] < sinceMs;
  }
}
